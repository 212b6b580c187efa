// RUN: d1-opt %s -split-input-file --convert-graph-to-tile | FileCheck %s

// Max pooling whose rows do not fit SRAM (16 KiB elements of budget): the
// output is pooled in column strips, each from a copy of the input columns
// it reads (the strips' left and right padding differ).
// CHECK-LABEL: func.func @main
// CHECK-COUNT-16: tile.conv2d max
// CHECK-NOT: tile.conv2d
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<1x1x2x20000xf32>) -> tensor<1x1x1x10000xf32> {
  %p = graph.max_pool %x {kernel = array<i64: 2, 3>, strides = array<i64: 1, 2>, pads = array<i64: 0, 1, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x1x2x20000xf32> -> tensor<1x1x1x10000xf32>
  return %p : tensor<1x1x1x10000xf32>
}
}

// -----

// Windows too large for SRAM even for one output column (128 x 40): the
// maximum of poolings over chunks of kernel rows, combined elementwise.
// CHECK-LABEL: func.func @main
// CHECK: tile.conv2d max
// CHECK: tile.conv2d max
// CHECK: tile.elementwise max
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<1x1x128x200xf32>) -> tensor<1x1x1x161xf32> {
  %p = graph.max_pool %x {kernel = array<i64: 128, 40>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x1x128x200xf32> -> tensor<1x1x1x161xf32>
  return %p : tensor<1x1x1x161xf32>
}
}
