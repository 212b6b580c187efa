// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// Concat along the outer axis: each input is one contiguous block of the
// output, copied through SRAM in input order; the second starts after the
// first's 2 rows of 4 (element 8).
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg0[%c0] -> %[[A:.*]][%c0] sizes [1, 2, 4] src_strides [0, 4] dst_strides [0, 4]
// CHECK: tile.dma %[[A]][%c0] -> %arg2[%c0] sizes [1, 2, 4] src_strides [0, 4] dst_strides [0, 4]
// CHECK: tile.dma %arg1[%c0] -> %[[B:.*]][%c0] sizes [1, 3, 4] src_strides [0, 4] dst_strides [0, 4]
// CHECK: tile.dma %[[B]][%c0] -> %arg2[%c8] sizes [1, 3, 4] src_strides [0, 4] dst_strides [0, 4]
func.func @main(%a: tensor<2x4xf32>, %b: tensor<3x4xf32>) -> tensor<5x4xf32> {
  %c = graph.concat %a, %b {axis = 0 : i64} : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<5x4xf32>
  return %c : tensor<5x4xf32>
}

// -----

// Concat along the innermost axis: each input's rows are written with the
// output's row stride (8); the second input starts at column 3.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg0[%c0] -> %[[A:.*]][%c0] sizes [1, 2, 3] src_strides [0, 3] dst_strides [0, 3]
// CHECK: tile.dma %[[A]][%c0] -> %arg2[%c0] sizes [1, 2, 3] src_strides [0, 3] dst_strides [0, 8]
// CHECK: tile.dma %arg1[%c0] -> %[[B:.*]][%c0] sizes [1, 2, 5] src_strides [0, 5] dst_strides [0, 5]
// CHECK: tile.dma %[[B]][%c0] -> %arg2[%c3] sizes [1, 2, 5] src_strides [0, 5] dst_strides [0, 8]
func.func @main(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %c = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %c : tensor<2x8xf32>
}

// -----

// A channel concat of int64 tensors with an empty input in the middle: the
// empty one is skipped (no copy), the first input's 2 channels loop over
// 3 x 3 planes, and the last lands at channel 2 (element 18). The staging
// tiles are i64.
// CHECK-LABEL: func.func @main
// CHECK: memref.alloc() : memref<9xi64, #tile.mem<sram>>
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK: tile.dma %arg0[%{{.*}}] -> %{{.*}} sizes [1, 3, 3]
// CHECK: tile.dma %{{.*}} -> %arg3[%{{.*}}] sizes [1, 3, 3]
// CHECK: }
// CHECK-NOT: tile.dma %arg1
// CHECK: tile.dma %arg2[%c0] -> %[[C:.*]][%c0] sizes [1, 3, 3]
// CHECK: tile.dma %[[C]][%c0] -> %arg3[%c18] sizes [1, 3, 3] {{.*}} : memref<9xi64, #tile.mem<sram>>, memref<1x3x3x3xi64, #tile.mem<dram>>
// CHECK-NOT: tile.dma
func.func @main(%a: tensor<1x2x3x3xi64>, %b: tensor<1x0x3x3xi64>, %c: tensor<1x1x3x3xi64>) -> tensor<1x3x3x3xi64> {
  %r = graph.concat %a, %b, %c {axis = 1 : i64} : (tensor<1x2x3x3xi64>, tensor<1x0x3x3xi64>, tensor<1x1x3x3xi64>) -> tensor<1x3x3x3xi64>
  return %r : tensor<1x3x3x3xi64>
}
