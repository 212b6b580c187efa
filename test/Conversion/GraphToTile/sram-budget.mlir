// With a 64 KiB SRAM, one output row of this convolution does not fit.
// RUN: not d1-opt %s --convert-graph-to-tile 2>&1 | FileCheck %s
// CHECK: error: one output row of this layer needs {{[0-9]+}} bytes of SRAM; the tile budget is 32768
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<1x8x8x4000xf32>, %w: tensor<8x8x3x3xf32>) -> tensor<1x8x6x3998xf32> {
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x4000xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x6x3998xf32>
  return %c : tensor<1x8x6x3998xf32>
}
}
