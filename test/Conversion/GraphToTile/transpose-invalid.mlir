// RUN: d1-opt %s -split-input-file -verify-diagnostics --convert-graph-to-tile

// A strided copy keeps at least one output row in SRAM: rows of 5000
// elements do not fit 64 KiB (4096 elements of copy budget).
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<5000x2xf32>) -> tensor<2x5000xf32> {
  // expected-error @+1 {{a copy with rows of 5000 elements does not fit the SRAM tile budget yet}}
  %t = graph.transpose %x {perm = array<i64: 1, 0>} : tensor<5000x2xf32> -> tensor<2x5000xf32>
  return %t : tensor<2x5000xf32>
}
}
