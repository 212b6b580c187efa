// RUN: d1-opt %s -split-input-file -verify-diagnostics --convert-graph-to-tile

// The verifier accepts a scale that broadcasts over the normalized dims, but
// the lowering reads scale and bias as whole rows of the normalized size.
func.func @main(%x: tensor<2x5x8xf32>, %s: tensor<8xf32>) -> tensor<2x5x8xf32> {
  // expected-error @+1 {{layer normalization with broadcast scale or bias is not lowered yet}}
  %y = graph.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-03 : f32} : (tensor<2x5x8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  return %y : tensor<2x5x8xf32>
}

// -----

// A normalized row must fit SRAM whole (twice, plus 64 elements): 2048
// elements do not with 64 KiB.
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<2x2048xf32>, %s: tensor<2048xf32>) -> tensor<2x2048xf32> {
  // expected-error @+1 {{a row of 2048 elements does not fit the SRAM tile budget yet}}
  %y = graph.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x2048xf32>, tensor<2048xf32>) -> tensor<2x2048xf32>
  return %y : tensor<2x2048xf32>
}
}
