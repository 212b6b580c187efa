// RUN: d1-opt %s | d1-opt | FileCheck %s
// RUN: d1-opt %s -canonicalize | FileCheck %s --check-prefix=CANON

// CHECK-LABEL: func.func @mlp
func.func @mlp(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  // CHECK: graph.constant dense<1.000000e+00> : tensor<4x3xf32>
  %w = graph.constant dense<1.0> : tensor<4x3xf32>
  %b = graph.constant dense<0.5> : tensor<3xf32>
  // CHECK: graph.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 1.000000e+00 : f32
  %y = graph.gemm %x, %w, %b {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = false} : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: graph.relu %{{.*}} : tensor<2x3xf32>
  %r = graph.relu %y : tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cnn
func.func @cnn(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x2x2xf32> {
  // CHECK: graph.conv
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: graph.max_pool
  %p = graph.max_pool %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  // CHECK: graph.reduce mean
  %m = graph.reduce mean %p {axes = array<i64: 2>, keepdims = false} : tensor<1x4x4x4xf32> -> tensor<1x4x4xf32>
  %s = graph.slice %m {starts = array<i64: 0, 0, 1>, ends = array<i64: 1, 4, 4>, steps = array<i64: 1, 1, 2>} : tensor<1x4x4xf32> -> tensor<1x4x2xf32>
  // CHECK: graph.add %{{.*}}, %{{.*}} : tensor<1x4x2xf32>, tensor<2xf32> -> tensor<1x4x2xf32>
  %b = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %a = graph.add %s, %b : tensor<1x4x2xf32>, tensor<2xf32> -> tensor<1x4x2xf32>
  %r = graph.reshape %a : tensor<1x4x2xf32> -> tensor<1x4x2x1xf32>
  %t = graph.transpose %r {perm = array<i64: 0, 1, 3, 2>} : tensor<1x4x2x1xf32> -> tensor<1x4x1x2xf32>
  %cc = graph.concat %t, %t {axis = 2 : i64} : (tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>) -> tensor<1x4x2x2xf32>
  return %cc : tensor<1x4x2x2xf32>
}

// A constant nobody uses goes away.
// CANON-LABEL: func.func @dead
// CANON-NOT: graph.constant
func.func @dead() {
  %w = graph.constant dense<1.0> : tensor<4x3xf32>
  return
}

// Integer, unsigned and bool tensors: comparisons give bool, where selects,
// logic and shifts keep their types.
// CHECK-LABEL: func.func @types
func.func @types(%a: tensor<4xi64>, %b: tensor<4xui8>, %x: tensor<4xf32>) -> (tensor<4xi64>, tensor<4xui8>, tensor<4xf32>) {
  // CHECK: graph.compare lt %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>
  %m = graph.compare lt %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>
  // CHECK: graph.not %{{.*}} : tensor<4xi1>
  %n = graph.not %m : tensor<4xi1>
  // CHECK: graph.xor
  %o = graph.xor %m, %n : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  // CHECK: graph.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %w = graph.where %o, %x, %x : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // CHECK: graph.mod %{{.*}}, %{{.*}} {fmod = false} : tensor<4xi64>
  %r = graph.mod %a, %a {fmod = false} : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  // CHECK: graph.bitshift %{{.*}}, %{{.*}} {left = true} : tensor<4xui8>
  %s = graph.bitshift %b, %b {left = true} : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  return %r, %s, %w : tensor<4xi64>, tensor<4xui8>, tensor<4xf32>
}

// -----

// and, or, xor and not are logical on bool and bitwise on integers.
// CHECK-LABEL: func.func @bitwise
// CHECK: graph.and %arg0, %arg1 : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
// CHECK: graph.xor %arg0, %arg1 : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
// CHECK: graph.not %arg0 : tensor<4xui8>
func.func @bitwise(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xui8>, tensor<4xui8>) {
  %0 = graph.and %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  %1 = graph.xor %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  %2 = graph.not %a : tensor<4xui8>
  return %0, %1, %2 : tensor<4xui8>, tensor<4xui8>, tensor<4xui8>
}
