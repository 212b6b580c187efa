// RUN: d1-opt %s -split-input-file -verify-diagnostics --d1-graph-to-tile

func.func @main(%i: tensor<4xi1>) -> tensor<4xf32> {
  // expected-error @+1 {{casts of boolean tensors at run time are not lowered yet}}
  %r = graph.cast %i : tensor<4xi1> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @main(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{reduction over non-adjacent axes is not lowered yet}}
  %r = graph.reduce sum %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x3x4xf32> -> tensor<3xf32>
  return %r : tensor<3xf32>
}
