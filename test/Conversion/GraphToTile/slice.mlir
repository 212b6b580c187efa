// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// A unit-step slice is one strided block: it starts at element 1 * 6 + 2 = 8
// and reads 2 rows of 3 with the input's row stride of 6.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg0[%c8] -> %[[T:.*]][%c0] sizes [1, 2, 3] src_strides [0, 6] dst_strides [0, 3]
// CHECK: tile.dma %[[T]][%c0] -> %arg1[%c0] sizes [1, 2, 3] src_strides [0, 3] dst_strides [0, 3]
// CHECK-NOT: tile.dma
func.func @main(%x: tensor<4x6xf32>) -> tensor<2x3xf32> {
  %s = graph.slice %x {starts = array<i64: 1, 2>, ends = array<i64: 3, 5>, steps = array<i64: 1, 1>} : tensor<4x6xf32> -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// -----

// Steps of 2 on both axes: the innermost stride is not 1, so each element
// is a DMA row: output rows are planes 2 * 8 = 16 apart in the input, and
// their elements 2 apart, from element 1.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg0[%c1] -> %[[T:.*]][%c0] sizes [2, 4, 1] src_strides [16, 2] dst_strides [4, 1]
// CHECK: tile.dma %[[T]][%c0] -> %arg1[%c0] sizes [2, 4, 1] src_strides [4, 1] dst_strides [4, 1]
func.func @main(%x: tensor<4x8xf32>) -> tensor<2x4xf32> {
  %s = graph.slice %x {starts = array<i64: 0, 1>, ends = array<i64: 4, 8>, steps = array<i64: 2, 2>} : tensor<4x8xf32> -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// -----

// A negative step on the outer axis (rows 4, 2, 0): the copy starts at row
// 4 (element 40) with a row stride of -2 * 10 = -20; rows stay contiguous.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg0[%c40] -> %[[T:.*]][%c0] sizes [1, 3, 10] src_strides [0, -20] dst_strides [0, 10]
// CHECK: tile.dma %[[T]][%c0] -> %arg1[%c0] sizes [1, 3, 10] src_strides [0, 10] dst_strides [0, 10]
func.func @main(%x: tensor<5x10xf32>) -> tensor<3x10xf32> {
  %s = graph.slice %x {starts = array<i64: 4, 0>, ends = array<i64: -1, 10>, steps = array<i64: -2, 1>} : tensor<5x10xf32> -> tensor<3x10xf32>
  return %s : tensor<3x10xf32>
}

// -----

// Reversing a vector: from the last element with element stride -1, one
// element per DMA row.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg0[%c5] -> %[[T:.*]][%c0] sizes [1, 6, 1] src_strides [0, -1] dst_strides [6, 1]
// CHECK: tile.dma %[[T]][%c0] -> %arg1[%c0] sizes [1, 6, 1] src_strides [6, 1] dst_strides [0, 1]
func.func @main(%x: tensor<6xf32>) -> tensor<6xf32> {
  %s = graph.slice %x {starts = array<i64: 5>, ends = array<i64: -1>, steps = array<i64: -1>} : tensor<6xf32> -> tensor<6xf32>
  return %s : tensor<6xf32>
}
