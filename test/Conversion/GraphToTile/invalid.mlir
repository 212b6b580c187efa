// RUN: d1-opt %s -split-input-file -verify-diagnostics --d1-graph-to-tile

func.func @main(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{reduction over non-adjacent axes is not lowered yet}}
  %r = graph.reduce sum %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x3x4xf32> -> tensor<3xf32>
  return %r : tensor<3xf32>
}
