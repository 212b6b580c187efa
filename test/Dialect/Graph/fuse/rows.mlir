// RUN: d1-opt %s -split-input-file --graph-fuse | FileCheck %s

// A layer norm as exported decomposed (opset < 17): reductions over the
// last axis, the elementwise ops between them with per-row ([2, 10, 1]),
// per-column ([64]) and scalar operands: one row kernel, none of its ops
// left outside.
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[Y:.*]] = graph.fused rows {
// CHECK-NEXT: graph.reduce mean
// CHECK-NEXT: graph.sub
// CHECK-NEXT: graph.pow
// CHECK-NEXT: graph.reduce mean
// CHECK-NEXT: graph.add
// CHECK-NEXT: graph.sqrt
// CHECK-NEXT: graph.div
// CHECK-NEXT: graph.mul
// CHECK-NEXT: %[[N:.*]] = graph.add
// CHECK-NEXT: graph.yield %[[N]] : tensor<2x10x64xf32>
// CHECK-NEXT: } : tensor<2x10x64xf32>
// CHECK-NOT: graph.reduce
// CHECK-NOT: graph.sub
// CHECK: return %[[Y]]
func.func @layer_norm(%x: tensor<2x10x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<2x10x64xf32> {
  %two = graph.constant dense<2.0> : tensor<f32>
  %eps = graph.constant dense<1.0e-05> : tensor<f32>
  %m = graph.reduce mean %x {axes = array<i64: 2>, keepdims = true} : tensor<2x10x64xf32> -> tensor<2x10x1xf32>
  %d = graph.sub %x, %m : tensor<2x10x64xf32>, tensor<2x10x1xf32> -> tensor<2x10x64xf32>
  %p = graph.pow %d, %two : tensor<2x10x64xf32>, tensor<f32> -> tensor<2x10x64xf32>
  %v = graph.reduce mean %p {axes = array<i64: 2>, keepdims = true} : tensor<2x10x64xf32> -> tensor<2x10x1xf32>
  %ve = graph.add %v, %eps : tensor<2x10x1xf32>, tensor<f32> -> tensor<2x10x1xf32>
  %s = graph.sqrt %ve : tensor<2x10x1xf32>
  %n = graph.div %d, %s : tensor<2x10x64xf32>, tensor<2x10x1xf32> -> tensor<2x10x64xf32>
  %ng = graph.mul %n, %g : tensor<2x10x64xf32>, tensor<64xf32> -> tensor<2x10x64xf32>
  %y = graph.add %ng, %b : tensor<2x10x64xf32>, tensor<64xf32> -> tensor<2x10x64xf32>
  return %y : tensor<2x10x64xf32>
}

// -----

// Softmax written out (exp, sum, divide), and a value read after the group
// (the exponentials): yielded as well.
// CHECK-LABEL: func.func @softmax_parts
// CHECK: %[[G:.*]]:2 = graph.fused rows {
// CHECK-NEXT: %[[E:.*]] = graph.exp
// CHECK-NEXT: graph.reduce sum %[[E]]
// CHECK-NEXT: %[[Q:.*]] = graph.div %[[E]]
// CHECK-NEXT: graph.yield %[[E]], %[[Q]]
// CHECK: return %[[G]]#1, %[[G]]#0
func.func @softmax_parts(%x: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %e = graph.exp %x : tensor<4x16xf32>
  %s = graph.reduce sum %e {axes = array<i64: 1>, keepdims = true} : tensor<4x16xf32> -> tensor<4x1xf32>
  %q = graph.div %e, %s : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  return %q, %e : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// A softmax op and the elementwise ops after it share its kernel.
// CHECK-LABEL: func.func @softmax_then_scale
// CHECK: graph.fused rows {
// CHECK-NEXT: graph.softmax
// CHECK-NEXT: graph.mul
// CHECK-NEXT: graph.yield
func.func @softmax_then_scale(%x: tensor<4x16xf32>, %y: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %s = graph.softmax %x {axis = 1 : i64} : tensor<4x16xf32>
  %m = graph.mul %s, %y : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
  return %m : tensor<4x16xf32>
}

// -----

// Not row kernels: a reduction over a leading axis (its rows are not
// contiguous), a single op (nothing to fuse), pow by 3 (two products
// unfused) and an operand broadcast along a middle axis.
// CHECK-LABEL: func.func @refused
// CHECK-NOT: graph.fused
// CHECK: return
func.func @refused(%x: tensor<4x16xf32>, %c: tensor<4x1x16xf32>, %z: tensor<4x3x16xf32>) -> (tensor<1x16xf32>, tensor<4x16xf32>, tensor<4x3x16xf32>) {
  %r = graph.reduce sum %x {axes = array<i64: 0>, keepdims = true} : tensor<4x16xf32> -> tensor<1x16xf32>
  %three = graph.constant dense<3.0> : tensor<f32>
  %p = graph.pow %x, %three : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
  %q = graph.relu %p : tensor<4x16xf32>
  %e = graph.exp %z : tensor<4x3x16xf32>
  %a = graph.add %e, %c : tensor<4x3x16xf32>, tensor<4x1x16xf32> -> tensor<4x3x16xf32>
  return %r, %q, %a : tensor<1x16xf32>, tensor<4x16xf32>, tensor<4x3x16xf32>
}
