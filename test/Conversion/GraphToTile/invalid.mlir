// RUN: d1-opt %s -split-input-file -verify-diagnostics --convert-graph-to-tile

func.func @main(%x: tensor<1x2x3x3xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>,
                %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{batch normalization with non-constant parameters is not lowered yet}}
  %r = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %r : tensor<1x2x3x3xf32>
}

// -----

func.func @main(%x: tensor<2x0x3xf32>) -> tensor<2x1x3xf32> {
  // expected-error @+1 {{the mean over an empty axis is undefined}}
  %y = graph.reduce mean %x {axes = array<i64: 1>, keepdims = true} : tensor<2x0x3xf32> -> tensor<2x1x3xf32>
  return %y : tensor<2x1x3xf32>
}

// -----

// Only the first error is reported: the ops after it get placeholder
// buffers and no code (a second unloweable op says nothing).
func.func @main(%x: tensor<1x2x3x3xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>,
                %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{batch normalization with non-constant parameters is not lowered yet}}
  %r = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %t = graph.batch_norm %r, %s, %b, %m, %v {epsilon = 1.0e-05 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %t : tensor<1x2x3x3xf32>
}
