// RUN: d1-opt %s -split-input-file --graph-fold-batch-norm | FileCheck %s

// Into the convolution's filters and bias: a = scale / sqrt(var + eps) =
// [0.5, 3], b = bias - mean * a = [-0.5, 1]; filters 2 * a, bias 0 * a + b.
// The batch norm and the old weights are gone.
// CHECK-LABEL: func.func @into_conv
// CHECK-NOT: graph.batch_norm
// CHECK-DAG: %[[W:.*]] = graph.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}6.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = graph.constant dense<[-5.000000e-01, 1.000000e+00]> : tensor<2xf32>
// CHECK: %[[C:.*]] = graph.conv %arg0, %[[W]], %[[B]]
// CHECK-NEXT: return %[[C]]
func.func @into_conv(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = graph.constant dense<2.0> : tensor<2x1x1x1xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %s = graph.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %t = graph.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %m = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %v = graph.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %y = graph.batch_norm %c, %s, %t, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// The existing bias is scaled too: 1 * a + b = [0, 4].
// CHECK-LABEL: func.func @conv_bias
// CHECK-DAG: graph.constant dense<[0.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK-NOT: graph.batch_norm
func.func @conv_bias(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = graph.constant dense<2.0> : tensor<2x1x1x1xf32>
  %cb = graph.constant dense<1.0> : tensor<2xf32>
  %c = graph.conv %x, %w, %cb {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %s = graph.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %t = graph.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %m = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %v = graph.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %y = graph.batch_norm %c, %s, %t, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// The convolution's result is read elsewhere too, so its filters stay: the
// batch norm becomes a multiply and an add by per-channel [C, 1, 1]
// constants, left for graph-fuse to put in the convolution's epilogue.
// CHECK-LABEL: func.func @shared_conv
// CHECK: %[[C:.*]] = graph.conv
// CHECK-DAG: %[[A:.*]] = graph.constant dense<{{\[\[\[}}5.000000e-01]], {{\[\[}}3.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK-DAG: %[[B:.*]] = graph.constant dense<{{\[\[\[}}-5.000000e-01]], {{\[\[}}1.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK: %[[M:.*]] = graph.mul %[[C]], %[[A]]
// CHECK: %[[Y:.*]] = graph.add %[[M]], %[[B]]
// CHECK: return %[[Y]], %[[C]]
func.func @shared_conv(%x: tensor<1x1x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %w = graph.constant dense<2.0> : tensor<2x1x1x1xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %s = graph.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %t = graph.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %m = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %v = graph.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %y = graph.batch_norm %c, %s, %t, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y, %c : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// After a matrix product ([N, C]): per-column constants of shape [C].
// CHECK-LABEL: func.func @after_gemm
// CHECK: %[[G:.*]] = graph.matmul
// CHECK: %[[M:.*]] = graph.mul %[[G]], %{{.*}} : tensor<4x2xf32>, tensor<2xf32>
// CHECK: graph.add %[[M]], %{{.*}} : tensor<4x2xf32>, tensor<2xf32>
// CHECK-NOT: graph.batch_norm
func.func @after_gemm(%x: tensor<4x3xf32>, %w: tensor<3x2xf32>) -> tensor<4x2xf32> {
  %g = graph.matmul %x, %w : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  %s = graph.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %t = graph.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %m = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %v = graph.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %y = graph.batch_norm %g, %s, %t, %m, %v {epsilon = 0.0 : f32} : (tensor<4x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Parameters known only at run time: left for the lowering.
// CHECK-LABEL: func.func @runtime_params
// CHECK: graph.batch_norm
func.func @runtime_params(%x: tensor<1x2x3x3xf32>, %s: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %t = graph.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %m = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %v = graph.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %y = graph.batch_norm %x, %s, %t, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// One constant (zeros) is both the convolution's bias and the batch norm's
// mean: it is replaced once, and nothing is left reading it.
// CHECK-LABEL: func.func @shared_constant
// CHECK-NOT: graph.batch_norm
// CHECK-NOT: dense<0.000000e+00> : tensor<2xf32>
// CHECK: graph.conv
// CHECK: return
func.func @shared_constant(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = graph.constant dense<2.0> : tensor<2x1x1x1xf32>
  %z = graph.constant dense<0.0> : tensor<2xf32>
  %c = graph.conv %x, %w, %z {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %s = graph.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %t = graph.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %v = graph.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %y = graph.batch_norm %c, %s, %t, %z, %v {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}
