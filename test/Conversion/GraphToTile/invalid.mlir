// RUN: d1-opt %s -split-input-file -verify-diagnostics --d1-graph-to-tile

func.func @main(%x: tensor<4x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{gather with indices computed at run time is not lowered yet}}
  %r = graph.gather %x, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

func.func @main(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{reduction over non-adjacent axes is not lowered yet}}
  %r = graph.reduce sum %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x3x4xf32> -> tensor<3xf32>
  return %r : tensor<3xf32>
}
