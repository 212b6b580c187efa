// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// Double-buffered input rows: with all 8 channels in one tile and six row
// tiles, tile t's input goes to half t & 1 of the input buffer (4960
// elements each), started (a token) before tile t - 1 computes; each tile
// waits for its own copy first. The alike middle tiles share a loop that
// picks the half from the tile's parity and carries the started copy from
// one iteration to the next.
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = memref.alloc() : memref<9920xf32, #tile.mem<sram>>
// CHECK: %[[T0:.*]] = tile.dma %arg0[%c0] -> %[[X]][%c35] {{.*}} -> !tile.dma_token
// CHECK: tile.dma_wait %[[T0]] on %arg0 -> %[[X]] :
// CHECK: %[[T1:.*]] = tile.dma %arg0[%c480] -> %[[X]][%c4961] {{.*}} -> !tile.dma_token
// CHECK: tile.conv2d conv %[[X]][%c0]
// CHECK: %[[R:.*]] = scf.for {{.*}} iter_args(%[[T:.*]] = %[[T1]]) -> (!tile.dma_token)
// CHECK: tile.dma_wait %[[T]] on %arg0 -> %[[X]] :
// CHECK: arith.andi
// CHECK: %[[N:.*]] = tile.dma %arg0[%{{.*}}] -> %[[X]][%{{.*}}] {{.*}} -> !tile.dma_token
// CHECK: arith.andi
// CHECK: tile.conv2d conv %[[X]][%{{.*}}]
// CHECK: scf.yield %[[N]] : !tile.dma_token
// CHECK: tile.dma_wait %[[R]]
// CHECK: %[[T2:.*]] = tile.dma
// CHECK: tile.conv2d conv %[[X]][%c0]
// CHECK: tile.dma_wait %[[T2]]
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
// at a time, each tile's weights started while the tile before it
// computes; the 4 x 4 input is loaded once.
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = memref.alloc() : memref<9216xf32, #tile.mem<sram>>
// CHECK: %[[T0:.*]] = tile.dma %arg1[%c0] -> %[[W]][%c0] sizes [1, 8, 576] {{.*}} -> !tile.dma_token
// CHECK: %[[R:.*]] = scf.for {{.*}} iter_args(%[[T:.*]] = %[[T0]]) -> (!tile.dma_token)
// CHECK: tile.dma_wait %[[T]] on %arg1 -> %[[W]] :
// CHECK: %[[N:.*]] = tile.dma %arg1[%{{.*}}] -> %[[W]][%{{.*}}] sizes [1, 8, 576] {{.*}} -> !tile.dma_token
// CHECK: tile.conv2d conv %{{.*}}, %[[W]][%{{.*}}]
// CHECK: scf.yield %[[N]]
// CHECK: tile.dma_wait %[[R]] on %arg1 -> %[[W]] :
// CHECK-NOT: tile.dma %arg1
// CHECK: tile.conv2d conv %{{.*}}, %[[W]][%c4608]
module attributes {d1.target = #d1.target<{sram_bytes = 131072 : i64}>} {
func.func @main(%x: tensor<1x64x4x4xf32>, %w: tensor<256x64x3x3xf32>) -> tensor<1x256x4x4xf32> {
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x64x4x4xf32>, tensor<256x64x3x3xf32>) -> tensor<1x256x4x4xf32>
  return %c : tensor<1x256x4x4xf32>
}
}
