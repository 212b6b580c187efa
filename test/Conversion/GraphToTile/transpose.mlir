// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// A 2-D transpose moves the innermost axis, so the copy is one element per
// DMA row: the output's 4 rows are DMA planes read with stride 1 (down the
// input's columns), its 3 columns DMA rows read with stride 4; the tile is
// then written to the output contiguously.
// CHECK-LABEL: func.func @main
// CHECK: %[[T:.*]] = memref.alloc() : memref<12xf32, #tile.mem<sram>>
// CHECK: tile.dma %arg0[%c0] -> %[[T]][%c0] sizes [4, 3, 1] src_strides [1, 4] dst_strides [3, 1]
// CHECK: tile.dma %[[T]][%c0] -> %arg1[%c0] sizes [4, 3, 1] src_strides [3, 1] dst_strides [3, 1]
// CHECK-NOT: tile.dma
func.func @main(%x: tensor<3x4xf32>) -> tensor<4x3xf32> {
  %t = graph.transpose %x {perm = array<i64: 1, 0>} : tensor<3x4xf32> -> tensor<4x3xf32>
  return %t : tensor<4x3xf32>
}

// -----

// A permutation that keeps the innermost axis copies whole rows of 5: loops
// over the two outer output dims (2 and 4), and per iteration one [3, 5]
// block read with the input's stride of 20 between the swapped rows.
// CHECK-LABEL: func.func @main
// CHECK: %[[T:.*]] = memref.alloc() : memref<15xf32, #tile.mem<sram>>
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK: tile.dma %arg0[%{{.*}}] -> %[[T]][%c0] sizes [1, 3, 5] src_strides [0, 20] dst_strides [0, 5]
// CHECK: tile.dma %[[T]][%c0] -> %arg1[%{{.*}}] sizes [1, 3, 5] src_strides [0, 5] dst_strides [0, 5]
func.func @main(%x: tensor<2x3x4x5xf32>) -> tensor<2x4x3x5xf32> {
  %t = graph.transpose %x {perm = array<i64: 0, 2, 1, 3>} : tensor<2x3x4x5xf32> -> tensor<2x4x3x5xf32>
  return %t : tensor<2x4x3x5xf32>
}

// -----

// [64, 100] -> [100, 64] with 4096 elements of copy budget: 64 output rows
// per tile, so a tile of 64 rows and a last one of 36 starting at input
// column 64 and output element 4096.
// CHECK-LABEL: func.func @main
// CHECK: memref.alloc() : memref<4096xf32, #tile.mem<sram>>
// CHECK: tile.dma %arg0[%c0] -> %{{.*}} sizes [64, 64, 1] src_strides [1, 100] dst_strides [64, 1]
// CHECK: tile.dma %{{.*}} -> %arg1[%c0] sizes [64, 64, 1]
// CHECK: tile.dma %arg0[%c64] -> %{{.*}} sizes [36, 64, 1] src_strides [1, 100] dst_strides [64, 1]
// CHECK: tile.dma %{{.*}} -> %arg1[%c4096] sizes [36, 64, 1]
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<64x100xf32>) -> tensor<100x64xf32> {
  %t = graph.transpose %x {perm = array<i64: 1, 0>} : tensor<64x100xf32> -> tensor<100x64xf32>
  return %t : tensor<100x64xf32>
}
}

// -----

// Transposes are pure data movement, so integer tensors go too: the staging
// tile takes the element type (i64) and no elementwise op is involved.
// CHECK-LABEL: func.func @main
// CHECK: %[[T:.*]] = memref.alloc() : memref<12xi64, #tile.mem<sram>>
// CHECK: tile.dma %arg0[%c0] -> %[[T]][%c0] sizes [4, 3, 1] src_strides [1, 4] dst_strides [3, 1] : memref<3x4xi64, #tile.mem<dram>>, memref<12xi64, #tile.mem<sram>>
// CHECK: tile.dma %[[T]][%c0] -> %arg1[%c0] {{.*}} : memref<12xi64, #tile.mem<sram>>, memref<4x3xi64, #tile.mem<dram>>
// CHECK-NOT: tile.elementwise
func.func @main(%x: tensor<3x4xi64>) -> tensor<4x3xi64> {
  %t = graph.transpose %x {perm = array<i64: 1, 0>} : tensor<3x4xi64> -> tensor<4x3xi64>
  return %t : tensor<4x3xi64>
}
