// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// Run-time indices: the int64 indices come into SRAM, then tile.gather moves
// one [outer, inner] slice per index through a staging buffer.
// CHECK-LABEL: func.func @main
// CHECK: %[[I:.*]] = memref.alloc() : memref<2xi64, #tile.mem<sram>>
// CHECK: tile.dma %arg1[%{{.*}}] -> %[[I]][%{{.*}}] sizes [1, 1, 2]
// CHECK: tile.gather %arg0[%[[I]][%{{.*}}]] via %{{.*}} -> %arg2 {count = 2 : i64, inner = 3 : i64, len = 4 : i64, outer = 1 : i64}
func.func @main(%x: tensor<4x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  %r = graph.gather %x, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Constant indices: one strided copy per index, no run-time work.
// CHECK-LABEL: func.func @main
// CHECK-NOT: tile.gather
// CHECK-COUNT-2: tile.dma %arg0
func.func @main(%x: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %i = graph.constant dense<[3, 1]> : tensor<2xi64>
  %r = graph.gather %x, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
