// RUN: d1-opt %s -split-input-file -verify-diagnostics --convert-graph-to-tile

// With count_include_pad = false and padding, the reciprocal counts are
// per output position, so rows too wide for SRAM cannot be split into
// column strips as with count_include_pad = true (see avg-pool.mlir).
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<1x1x2x20000xf32>) -> tensor<1x1x1x10000xf32> {
  // expected-error @+1 {{one output row of this layer needs 200524 bytes of SRAM; the tile budget is 32768}}
  %p = graph.avg_pool %x {kernel = array<i64: 2, 3>, strides = array<i64: 1, 2>, pads = array<i64: 0, 1, 0, 0>, count_include_pad = false} : tensor<1x1x2x20000xf32> -> tensor<1x1x1x10000xf32>
  return %p : tensor<1x1x1x10000xf32>
}
}
