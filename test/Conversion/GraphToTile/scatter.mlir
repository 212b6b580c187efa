// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// The whole result is built in SRAM: data (all 20 elements, flat), then the
// int64 indices and the updates come in, one tile.scatter applies the 3
// updates in order (kind 0: none, the last write wins), and the tile goes
// to the output.
// CHECK-LABEL: func.func @main
// CHECK: %[[D:.*]] = memref.alloc() : memref<20xf32, #tile.mem<sram>>
// CHECK: %[[I:.*]] = memref.alloc() : memref<3xi64, #tile.mem<sram>>
// CHECK: %[[U:.*]] = memref.alloc() : memref<3xf32, #tile.mem<sram>>
// CHECK: tile.dma %arg0[%c0] -> %[[D]][%c0] sizes [1, 1, 20]
// CHECK: tile.dma %arg1[%c0] -> %[[I]][%c0] sizes [1, 1, 3]
// CHECK: tile.dma %arg2[%c0] -> %[[U]][%c0] sizes [1, 1, 3]
// CHECK: tile.scatter %[[D]][%[[I]]], %[[U]] {count = 3 : i64, kind = 0 : i64}
// CHECK: tile.dma %[[D]][%c0] -> %arg3[%c0] sizes [1, 1, 20]
func.func @main(%d: tensor<4x5xf32>, %i: tensor<3xi64>, %u: tensor<3xf32>) -> tensor<4x5xf32> {
  %r = graph.scatter none %d[%i], %u : (tensor<4x5xf32>, tensor<3xi64>, tensor<3xf32>) -> tensor<4x5xf32>
  return %r : tensor<4x5xf32>
}

// -----

// An int64 scatter-add with constant [2, 3] indices (repeated ones add up):
// the indices are a DRAM global read like any input, the buffers are i64,
// and the 6 updates are one flat count with kind 1 (add).
// CHECK: memref.global "private" constant @[[G:.*]] : memref<2x3xi64, #tile.mem<dram>>
// CHECK-LABEL: func.func @main
// CHECK: %[[C:.*]] = memref.get_global @[[G]]
// CHECK: %[[D:.*]] = memref.alloc() : memref<8xi64, #tile.mem<sram>>
// CHECK: tile.dma %[[C]][%c0] -> %[[I:.*]][%c0] sizes [1, 1, 6]
// CHECK: tile.dma %arg1[%c0] -> %[[U:.*]][%c0] sizes [1, 1, 6]
// CHECK: tile.scatter %[[D]][%[[I]]], %[[U]] {count = 6 : i64, kind = 1 : i64} : memref<8xi64, #tile.mem<sram>>, memref<6xi64, #tile.mem<sram>>, memref<6xi64, #tile.mem<sram>>
func.func @main(%d: tensor<8xi64>, %u: tensor<2x3xi64>) -> tensor<8xi64> {
  %i = graph.constant dense<[[0, 1, 1], [7, 7, 2]]> : tensor<2x3xi64>
  %r = graph.scatter add %d[%i], %u : (tensor<8xi64>, tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<8xi64>
  return %r : tensor<8xi64>
}

// -----

// The reduction is passed as graph.scatter's enum value: max is kind 3.
// CHECK-LABEL: func.func @main
// CHECK: tile.scatter {{.*}} {count = 6 : i64, kind = 3 : i64}
func.func @main(%d: tensor<6xf32>, %i: tensor<6xi64>, %u: tensor<6xf32>) -> tensor<6xf32> {
  %r = graph.scatter max %d[%i], %u : (tensor<6xf32>, tensor<6xi64>, tensor<6xf32>) -> tensor<6xf32>
  return %r : tensor<6xf32>
}

// -----

// No updates: the result is a copy of data through SRAM, with no tile.scatter
// and nothing read from the empty indices or updates.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg0[%c0] -> %[[D:.*]][%c0] sizes [1, 1, 6]
// CHECK-NOT: tile.scatter
// CHECK-NOT: tile.dma %arg1
// CHECK-NOT: tile.dma %arg2
// CHECK: tile.dma %[[D]][%c0] -> %arg3[%c0] sizes [1, 1, 6]
// CHECK-NOT: tile.scatter
func.func @main(%d: tensor<6xf32>, %i: tensor<0xi64>, %u: tensor<0xf32>) -> tensor<6xf32> {
  %r = graph.scatter min %d[%i], %u : (tensor<6xf32>, tensor<0xi64>, tensor<0xf32>) -> tensor<6xf32>
  return %r : tensor<6xf32>
}
