// RUN: d1-opt %s -split-input-file --graph-fuse | FileCheck %s

// Ops reading or writing tensors without elements join no group (their
// lowering is no code, or the identity of a reduction over nothing), and
// the cost model never prices an empty tile.
// CHECK-LABEL: func.func @empty_chain
// CHECK-NOT: graph.fused
func.func @empty_chain(%x: tensor<0x8xf32>) -> tensor<0x8xf32> {
  %r = graph.relu %x : tensor<0x8xf32>
  %n = graph.neg %r : tensor<0x8xf32>
  return %n : tensor<0x8xf32>
}

// -----

// A product over K = 0 anchors no epilogue; the ops after it, on a tensor
// with elements, still make a row kernel.
// CHECK-LABEL: func.func @product_k0
// CHECK: %[[M:.*]] = graph.matmul
// CHECK: graph.fused rows {
// CHECK-NEXT: graph.add %[[M]]
// CHECK-NEXT: graph.relu
func.func @product_k0(%a: tensor<4x0xf32>, %b: tensor<0x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %m = graph.matmul %a, %b : tensor<4x0xf32>, tensor<0x8xf32> -> tensor<4x8xf32>
  %s = graph.add %m, %c : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %y = graph.relu %s : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Max pooling without channels is no stage of a depth-first chain.
// CHECK-LABEL: func.func @pool_no_channels
// CHECK-NOT: graph.fused
func.func @pool_no_channels(%x: tensor<1x0x8x8xf32>) -> tensor<1x0x4x4xf32> {
  %p = graph.max_pool %x {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x0x8x8xf32> -> tensor<1x0x4x4xf32>
  %q = graph.max_pool %p {dilations = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : tensor<1x0x4x4xf32> -> tensor<1x0x4x4xf32>
  return %q : tensor<1x0x4x4xf32>
}
