// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// Float to integer: the 6 elements come into an f32 tile, tile.convert
// writes an i64 tile (truncating toward zero), and that goes to the output.
// CHECK-LABEL: func.func @main
// CHECK: %[[I:.*]] = memref.alloc() : memref<6xf32, #tile.mem<sram>>
// CHECK: %[[O:.*]] = memref.alloc() : memref<6xi64, #tile.mem<sram>>
// CHECK: tile.dma %arg0[%c0] -> %[[I]][%c0] sizes [1, 1, 6]
// CHECK: tile.convert %[[I]][%c0] -> %[[O]][%c0] {count = 6 : i64} : memref<6xf32, #tile.mem<sram>>, memref<6xi64, #tile.mem<sram>>
// CHECK: tile.dma %[[O]][%c0] -> %arg1[%c0] sizes [1, 1, 6]
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xi64> {
  %c = graph.cast %x : tensor<2x3xf32> -> tensor<2x3xi64>
  return %c : tensor<2x3xi64>
}

// -----

// int32 to bool to float: two converts, the bool intermediate in a DRAM
// buffer of i1 between them (written by the first, read by the second).
// CHECK-LABEL: func.func @main
// CHECK: %[[B:.*]] = memref.alloc() : memref<4xi1, #tile.mem<dram>>
// CHECK: tile.convert %{{.*}} : memref<4xi32, #tile.mem<sram>>, memref<4xi1, #tile.mem<sram>>
// CHECK: tile.dma %{{.*}} -> %[[B]][%c0] sizes [1, 1, 4]
// CHECK: tile.dma %[[B]][%c0] -> %{{.*}} sizes [1, 1, 4]
// CHECK: tile.convert %{{.*}} : memref<4xi1, #tile.mem<sram>>, memref<4xf32, #tile.mem<sram>>
// CHECK: tile.dma %{{.*}} -> %arg1[%c0] sizes [1, 1, 4]
func.func @main(%x: tensor<4xi32>) -> tensor<4xf32> {
  %b = graph.cast %x : tensor<4xi32> -> tensor<4xi1>
  %c = graph.cast %b : tensor<4xi1> -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

// A cast to the same type is free: no convert and no copy, its user reads
// the input buffer directly.
// CHECK-LABEL: func.func @main
// CHECK-NOT: tile.convert
// CHECK: tile.dma %arg0[%c0]
// CHECK-NEXT: tile.elementwise relu
// CHECK-NOT: tile.convert
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = graph.cast %x : tensor<4xf32> -> tensor<4xf32>
  %r = graph.relu %c : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// 5000 elements with 2048-element tiles (64 KiB of SRAM): two tiles in a
// loop and a last one of 904, each loaded, converted and stored.
// CHECK-LABEL: func.func @main
// CHECK: memref.alloc() : memref<2048xi32, #tile.mem<sram>>
// CHECK: memref.alloc() : memref<2048xf32, #tile.mem<sram>>
// CHECK: scf.for %[[T:.*]] = %c0 to %c4096 step %c2048
// CHECK: tile.dma %arg0[%[[T]]] -> %{{.*}} sizes [1, 1, 2048]
// CHECK: tile.convert {{.*}}{count = 2048 : i64}
// CHECK: tile.dma %{{.*}} -> %arg1[%[[T]]] sizes [1, 1, 2048]
// CHECK: }
// CHECK: tile.dma %arg0[%c4096] -> %{{.*}} sizes [1, 1, 904]
// CHECK: tile.convert {{.*}}{count = 904 : i64}
// CHECK: tile.dma %{{.*}} -> %arg1[%c4096] sizes [1, 1, 904]
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<5000xi32>) -> tensor<5000xf32> {
  %c = graph.cast %x : tensor<5000xi32> -> tensor<5000xf32>
  return %c : tensor<5000xf32>
}
}
