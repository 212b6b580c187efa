// RUN: d1-opt %s -split-input-file -verify-diagnostics --convert-graph-to-tile

// Softmax over the last axis keeps whole rows in SRAM (twice, plus 64
// elements): rows of 2048 do not fit 64 KiB (4096 elements of row budget).
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<2x2048xf32>) -> tensor<2x2048xf32> {
  // expected-error @+1 {{a row of 2048 elements does not fit the SRAM tile budget yet}}
  %s = graph.softmax %x {axis = 1 : i64} : tensor<2x2048xf32>
  return %s : tensor<2x2048xf32>
}
}

// -----

// Over a leading axis, one column of the axis (plus 3 elements) must fit:
// 4096 rows do not.
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<4096x2xf32>) -> tensor<4096x2xf32> {
  // expected-error @+1 {{a reduction over 4096 rows does not fit the SRAM tile budget yet}}
  %s = graph.softmax %x {axis = 0 : i64} : tensor<4096x2xf32>
  return %s : tensor<4096x2xf32>
}
}
