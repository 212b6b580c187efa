// RUN: d1-opt %s -split-input-file -verify-diagnostics --convert-graph-to-tile

// The scatter keeps the whole result and the indices and updates in SRAM:
// 4000 elements and 100 updates (4000 + 3 x 100) exceed the 4096 elements of
// a 64 KiB target.
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%d: tensor<4000xf32>, %i: tensor<100xi64>, %u: tensor<100xf32>) -> tensor<4000xf32> {
  // expected-error @+1 {{a scatter into 4000 elements with 100 updates does not fit the SRAM tile budget yet}}
  %r = graph.scatter add %d[%i], %u : (tensor<4000xf32>, tensor<100xi64>, tensor<100xf32>) -> tensor<4000xf32>
  return %r : tensor<4000xf32>
}
}
