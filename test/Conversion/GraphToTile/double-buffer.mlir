// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// Double-buffered input rows: with all 8 channels in one tile and six row
// tiles, tile t's input goes to half t & 1 of the input buffer (4960
// elements each), started on semaphore 1 before tile t - 1 computes; each
// tile waits for its own copy first. The alike middle tiles share a loop
// that picks the half from the tile's parity.
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = memref.alloc() : memref<9920xf32, 1>
// CHECK: tile.dma %arg0[%c0] -> %[[X]][%c35] {{.*}} {sem = 1 : i64}
// CHECK: tile.dma_wait %arg0, %[[X]] {sem = 1 : i64}
// CHECK: tile.dma %arg0[%c480] -> %[[X]][%c4961] {{.*}} {sem = 1 : i64}
// CHECK: tile.conv2d conv %[[X]][%c0]
// CHECK: scf.for
// CHECK: tile.dma_wait %arg0, %[[X]] {sem = 1 : i64}
// CHECK: arith.andi
// CHECK: tile.dma %arg0[%{{.*}}] -> %[[X]][%{{.*}}] {{.*}} {sem = 1 : i64}
// CHECK: arith.andi
// CHECK: tile.conv2d conv %[[X]][%{{.*}}]
// CHECK: }
// CHECK: tile.dma_wait
// CHECK: tile.conv2d conv %[[X]][%c0]
// CHECK: tile.dma_wait
// CHECK-NOT: tile.dma %arg0
// CHECK: tile.conv2d conv %[[X]][%c4960]
module attributes {d1.target = #d1.target<{sram_bytes = 131072 : i64}>} {
func.func @main(%x: tensor<1x8x96x32xf32>) -> tensor<1x8x96x32xf32> {
  %w = graph.constant dense<0.5> : tensor<8x8x3x3xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x96x32xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x96x32xf32>
  return %c : tensor<1x8x96x32xf32>
}
}

// -----

// Double-buffered weights: 256 filters of 64 x 3 x 3 stream through SRAM 8
// at a time, each tile's weights started on semaphore 2 while the tile
// before it computes; the 4 x 4 input is loaded once.
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = memref.alloc() : memref<9216xf32, 1>
// CHECK: tile.dma %arg1[%c0] -> %[[W]][%c0] sizes [1, 8, 576] {{.*}} {sem = 2 : i64}
// CHECK: scf.for
// CHECK: tile.dma_wait %arg1, %[[W]] {sem = 2 : i64}
// CHECK: tile.dma %arg1[%{{.*}}] -> %[[W]][%{{.*}}] sizes [1, 8, 576] {{.*}} {sem = 2 : i64}
// CHECK: tile.conv2d conv %{{.*}}, %[[W]][%{{.*}}]
// CHECK: }
// CHECK: tile.dma_wait %arg1, %[[W]] {sem = 2 : i64}
// CHECK-NOT: tile.dma %arg1
// CHECK: tile.conv2d conv %{{.*}}, %[[W]][%c4608]
module attributes {d1.target = #d1.target<{sram_bytes = 131072 : i64}>} {
func.func @main(%x: tensor<1x64x4x4xf32>, %w: tensor<256x64x3x3xf32>) -> tensor<1x256x4x4xf32> {
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x64x4x4xf32>, tensor<256x64x3x3xf32>) -> tensor<1x256x4x4xf32>
  return %c : tensor<1x256x4x4xf32>
}
}
