// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// An op whose result has no elements emits no code.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: return
func.func @main(%x: tensor<0x64xf32>) -> tensor<0x64xf32> {
  %y = graph.relu %x : tensor<0x64xf32>
  return %y : tensor<0x64xf32>
}

// -----

// A product over K = 0 is zero: a filled tile written out, no K loop, no
// tile.matmul.
// CHECK-LABEL: func.func @main
// CHECK-NOT: tile.matmul
// CHECK: tile.elementwise fill {{.*}}count = 32 : i64{{.*}}params = array<f32: 0.000000e+00>
// CHECK-NEXT: tile.dma {{.*}} -> %arg2[{{.*}}] sizes [1, 4, 8]
// CHECK-NOT: tile.matmul
func.func @main(%a: tensor<4x0xf32>, %b: tensor<0x8xf32>) -> tensor<4x8xf32> {
  %y = graph.matmul %a, %b : tensor<4x0xf32>, tensor<0x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Gemm over K = 0: beta * C added to the zero tile (alpha scales zeros).
// CHECK-LABEL: func.func @main
// CHECK-NOT: tile.matmul
// CHECK: tile.elementwise fill {{.*}}params = array<f32: 0.000000e+00>
// CHECK: tile.elementwise affine {{.*}}params = array<f32: 3.000000e+00, 0.000000e+00>
// CHECK: tile.elementwise affine {{.*}}params = array<f32: 2.000000e+00, 0.000000e+00>
// CHECK: tile.elementwise add
// CHECK-NOT: tile.matmul
func.func @main(%a: tensor<4x0xf32>, %b: tensor<0x8xf32>, %c: tensor<8xf32>) -> tensor<4x8xf32> {
  %y = graph.gemm %a, %b, %c {alpha = 3.0 : f32, beta = 2.0 : f32, trans_a = false, trans_b = false} : (tensor<4x0xf32>, tensor<0x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// In an epilogue, the zero tile is what the epilogue runs on.
// CHECK-LABEL: func.func @main
// CHECK-NOT: tile.matmul
// CHECK: tile.elementwise fill {{.*}}params = array<f32: 0.000000e+00>
// CHECK: tile.dma %arg2
// CHECK: tile.elementwise add
// CHECK: tile.dma {{.*}} -> %arg3
func.func @main(%a: tensor<4x0xf32>, %b: tensor<0x8xf32>, %r: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = graph.fused epilogue {
    %m = graph.matmul %a, %b : tensor<4x0xf32>, tensor<0x8xf32> -> tensor<4x8xf32>
    %s = graph.add %m, %r : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
    graph.yield %s : tensor<4x8xf32>
  } : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Reductions over an empty axis: the identity ONNX defines, 0 for a sum,
// 1 for a product, -inf for a maximum, +inf for a minimum.
// CHECK-LABEL: func.func @main
// CHECK-NOT: tile.reduce
// CHECK: tile.elementwise fill {{.*}}count = 6 : i64{{.*}}params = array<f32: 0.000000e+00>
// CHECK: tile.dma {{.*}} -> %arg1
// CHECK: tile.elementwise fill {{.*}}params = array<f32: 1.000000e+00>
// CHECK: tile.dma {{.*}} -> %arg2
// CHECK: tile.elementwise fill {{.*}}params = array<f32: 0xFF800000>
// CHECK: tile.dma {{.*}} -> %arg3
// CHECK: tile.elementwise fill {{.*}}params = array<f32: 0x7F800000>
// CHECK: tile.dma {{.*}} -> %arg4
// CHECK-NOT: tile.reduce
func.func @main(%x: tensor<2x0x3xf32>) -> (tensor<2x1x3xf32>, tensor<2x1x3xf32>, tensor<2x1x3xf32>, tensor<2x1x3xf32>) {
  %s = graph.reduce sum %x {axes = array<i64: 1>, keepdims = true} : tensor<2x0x3xf32> -> tensor<2x1x3xf32>
  %p = graph.reduce prod %x {axes = array<i64: 1>, keepdims = true} : tensor<2x0x3xf32> -> tensor<2x1x3xf32>
  %mx = graph.reduce max %x {axes = array<i64: 1>, keepdims = true} : tensor<2x0x3xf32> -> tensor<2x1x3xf32>
  %mn = graph.reduce min %x {axes = array<i64: 1>, keepdims = true} : tensor<2x0x3xf32> -> tensor<2x1x3xf32>
  return %s, %p, %mx, %mn : tensor<2x1x3xf32>, tensor<2x1x3xf32>, tensor<2x1x3xf32>, tensor<2x1x3xf32>
}

// -----

// A convolution without input channels: its bias, broadcast over each
// filter's plane.
// CHECK-LABEL: func.func @main
// CHECK-NOT: tile.conv2d
// CHECK: tile.elementwise fill {{.*}}params = array<f32: 0.000000e+00>
// CHECK: tile.elementwise add
// CHECK-NOT: tile.conv2d
func.func @main(%x: tensor<1x0x4x4xf32>, %b: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %w = graph.constant dense<> : tensor<2x0x3x3xf32>
  %y = graph.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x0x4x4xf32>, tensor<2x0x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}
