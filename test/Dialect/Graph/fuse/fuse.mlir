// RUN: d1-opt %s -split-input-file --graph-fuse | FileCheck %s

// Convolution, residual add, relu: one group; the conv's and the add's
// results never leave it.
// CHECK-LABEL: func.func @residual
// CHECK: %[[Y:.*]] = graph.fused epilogue {
// CHECK-NEXT: %[[C:.*]] = graph.conv
// CHECK-NEXT: %[[S:.*]] = graph.add %[[C]], %arg1
// CHECK-NEXT: %[[R:.*]] = graph.relu %[[S]]
// CHECK-NEXT: graph.yield %[[R]] : tensor<1x8x6x6xf32>
// CHECK-NEXT: } : tensor<1x8x6x6xf32>
// CHECK-NEXT: return %[[Y]]
func.func @residual(%x: tensor<1x4x6x6xf32>, %res: tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %w = graph.constant dense<0.5> : tensor<8x4x3x3xf32>
  %b = graph.constant dense<0.25> : tensor<8xf32>
  %c = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x6x6xf32>
  %s = graph.add %c, %res : tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32> -> tensor<1x8x6x6xf32>
  %r = graph.relu %s : tensor<1x8x6x6xf32>
  return %r : tensor<1x8x6x6xf32>
}

// -----

// A DAG, not a chain: the biased product is read twice (x * sigmoid(x));
// per-column bias and a scalar are broadcast operands.
// CHECK-LABEL: func.func @silu
// CHECK: graph.fused epilogue {
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: %[[B:.*]] = graph.add
// CHECK-NEXT: %[[G:.*]] = graph.sigmoid %[[B]]
// CHECK-NEXT: %[[M:.*]] = graph.mul %[[B]], %[[G]]
// CHECK-NEXT: %[[H:.*]] = graph.mul %[[M]], %{{.*}} : tensor<6x16xf32>, tensor<f32>
// CHECK-NEXT: graph.yield %[[H]]
func.func @silu(%x: tensor<6x8xf32>) -> tensor<6x16xf32> {
  %w = graph.constant dense<0.5> : tensor<8x16xf32>
  %bias = graph.constant dense<0.25> : tensor<16xf32>
  %half = graph.constant dense<0.5> : tensor<f32>
  %m = graph.matmul %x, %w : tensor<6x8xf32>, tensor<8x16xf32> -> tensor<6x16xf32>
  %b = graph.add %m, %bias : tensor<6x16xf32>, tensor<16xf32> -> tensor<6x16xf32>
  %g = graph.sigmoid %b : tensor<6x16xf32>
  %y = graph.mul %b, %g : tensor<6x16xf32>, tensor<6x16xf32> -> tensor<6x16xf32>
  %h = graph.mul %y, %half : tensor<6x16xf32>, tensor<f32> -> tensor<6x16xf32>
  return %h : tensor<6x16xf32>
}

// -----

// A value of the group read after it is yielded too.
// CHECK-LABEL: func.func @escaping
// CHECK: %[[F:.*]]:2 = graph.fused epilogue {
// CHECK: graph.yield %{{.*}}, %{{.*}} : tensor<4x4xf32>, tensor<4x4xf32>
// CHECK: return %[[F]]#1, %[[F]]#0
func.func @escaping(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %m = graph.matmul %x, %x : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  %r = graph.relu %m : tensor<4x4xf32>
  return %r, %m : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Not fused: a reader of the product comes before the relu (the group could
// not move past it), and softmax is not elementwise.
// CHECK-LABEL: func.func @blocked
// CHECK-NOT: graph.fused
// CHECK: graph.matmul
// CHECK-NEXT: graph.transpose
// CHECK-NEXT: graph.relu
// CHECK-NEXT: graph.softmax
func.func @blocked(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %m = graph.matmul %x, %x : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  %t = graph.transpose %m {perm = array<i64: 1, 0>} : tensor<4x4xf32> -> tensor<4x4xf32>
  %r = graph.relu %m : tensor<4x4xf32>
  %s = graph.softmax %t {axis = 1 : i64} : tensor<4x4xf32>
  return %r, %s : tensor<4x4xf32>, tensor<4x4xf32>
}
