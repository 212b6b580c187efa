// Tile ops declare what they read and write of each buffer, so MLIR's
// generic transformations stay correct on tile IR: loop-invariant code
// motion leaves an op that writes memory in its loop, CSE does not merge
// two loads with a write in between, canonicalization keeps the writes and
// deletes an unused load.
// RUN: d1-opt %s -loop-invariant-code-motion -cse -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @effects
// CHECK: arith.muli
// CHECK: scf.for
// CHECK-NEXT: tile.dma
// CHECK-NEXT: %[[A:.*]] = memref.load %{{.*}}[%{{.*}}]
// CHECK-NEXT: tile.elementwise relu
// CHECK-NEXT: %[[B:.*]] = memref.load %{{.*}}[%{{.*}}]
// CHECK-NEXT: arith.addf %[[A]], %[[B]]
// CHECK-NOT: memref.load
// CHECK: tile.dma
// CHECK-NEXT: }
func.func @effects(%d: memref<64xf32, #tile.mem<dram>>, %s: memref<16xf32, #tile.mem<sram>>,
                   %o: memref<4xf32, #tile.mem<dram>>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %n step %c1 {
    %base = arith.muli %n, %c4 : index
    tile.dma %d[%base] -> %s[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
        : memref<64xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
    %a = memref.load %s[%c0] : memref<16xf32, #tile.mem<sram>>
    tile.elementwise relu %s[%c0] -> %s[%c0] {count = 16 : i64, in0_stride = 1 : i64,
        in1_stride = 0 : i64, params = array<f32>}
        : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
    %b = memref.load %s[%c0] : memref<16xf32, #tile.mem<sram>>
    %sum = arith.addf %a, %b : f32
    memref.store %sum, %s[%c1] : memref<16xf32, #tile.mem<sram>>
    %unused = memref.load %s[%c4] : memref<16xf32, #tile.mem<sram>>
    tile.dma %s[%c0] -> %o[%c0] sizes [1, 1, 4] src_strides [0, 0] dst_strides [0, 0]
        : memref<16xf32, #tile.mem<sram>>, memref<4xf32, #tile.mem<dram>>
  }
  return
}
