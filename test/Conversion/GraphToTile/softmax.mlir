// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// Softmax over the last axis: the 4 rows of 10 come in as one tile; e^(x -
// max) / sum with the row max and row sum from tile.reduce, and the per-row
// scalar read with stride 0 by one sub/exp and one div per row.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg0[%c0] -> %[[X:.*]][%c0] sizes [1, 1, 40]
// CHECK: tile.reduce max %[[X]][%c0] -> %[[M:.*]][%c0] {count = 4 : i64, len = 10 : i64}
// CHECK: scf.for
// CHECK: tile.elementwise sub %[[X]][%{{.*}}], %[[M]][%{{.*}}] -> %[[Y:.*]][%{{.*}}] {count = 10 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64
// CHECK: tile.elementwise exp %[[Y]]
// CHECK: tile.reduce sum %[[Y]][%c0] -> %[[S:.*]][%c0] {count = 4 : i64, len = 10 : i64}
// CHECK: scf.for
// CHECK: tile.elementwise div %[[Y]][%{{.*}}], %[[S]][%{{.*}}] -> %[[Y]]{{.*}}count = 10 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64
// CHECK: tile.dma %[[Y]][%c0] -> %arg1[%c0] sizes [1, 1, 40]
// CHECK-NOT: {{ tile\.}}
// CHECK: return
func.func @main(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %s = graph.softmax %x {axis = 1 : i64} : tensor<4x10xf32>
  return %s : tensor<4x10xf32>
}

// -----

// 50 rows of 100 with 16 KiB elements of row budget: 20 rows per tile (each
// row takes 2 x 100 + 4 elements), so two full tiles in a loop and a static
// remainder of 10 rows from element 4000.
// CHECK-LABEL: func.func @main
// CHECK: scf.for %[[R:.*]] = %c0 to %c40 step %c20
// CHECK: tile.dma %arg0[%{{.*}}] -> %{{.*}} sizes [1, 1, 2000]
// CHECK: tile.reduce max {{.*}}{count = 20 : i64, len = 100 : i64}
// CHECK: tile.reduce sum {{.*}}{count = 20 : i64, len = 100 : i64}
// CHECK: tile.dma %{{.*}} -> %arg1[%{{.*}}] sizes [1, 1, 2000]
// CHECK: }
// CHECK: tile.dma %arg0[%c4000] -> %{{.*}} sizes [1, 1, 1000]
// CHECK: tile.reduce max {{.*}}{count = 10 : i64, len = 100 : i64}
// CHECK: tile.reduce sum {{.*}}{count = 10 : i64, len = 100 : i64}
// CHECK: tile.dma %{{.*}} -> %arg1[%c4000] sizes [1, 1, 1000]
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<50x100xf32>) -> tensor<50x100xf32> {
  %s = graph.softmax %x {axis = 1 : i64} : tensor<50x100xf32>
  return %s : tensor<50x100xf32>
}
}

// -----

// Softmax over a middle axis ([2, 5, 3] along 5): no tile.reduce; per outer
// index a [5, 3] block comes in with row stride 3, the column max is row 0
// combined with rows 1 .. 4 by elementwise max, then the sums start at 0 and
// gather e^(x - max) row by row, and each row is divided by them.
// CHECK-LABEL: func.func @main
// CHECK-NOT: tile.reduce
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK: tile.dma %arg0[%{{.*}}] -> %[[X:.*]][%c0] sizes [1, 5, 3] src_strides [0, 3] dst_strides [0, 3]
// CHECK: tile.elementwise copy %[[X]][%c0] -> %[[A:.*]][%c0] {count = 3 : i64
// CHECK: scf.for %{{.*}} = %c1 to %c5 step %c1
// CHECK: tile.elementwise max %[[A]][%c0], %[[X]]
// CHECK: tile.elementwise fill %[[S:.*]][%c0] -> %[[S]][%c0] {count = 3 : i64{{.*}}params = array<f32: 0.000000e+00>}
// CHECK: scf.for %{{.*}} = %c0 to %c5 step %c1
// CHECK: tile.elementwise sub %[[X]][%{{.*}}], %[[A]][%c0]
// CHECK: tile.elementwise exp %[[X]]
// CHECK: tile.elementwise add %[[S]][%c0], %[[X]]
// CHECK: scf.for %{{.*}} = %c0 to %c5 step %c1
// CHECK: tile.elementwise div %[[X]][%{{.*}}], %[[S]][%c0] {{.*}}in0_stride = 1 : i64, in1_stride = 1 : i64
// CHECK: tile.dma %[[X]][%c0] -> %arg1[%{{.*}}] sizes [1, 5, 3] src_strides [0, 3] dst_strides [0, 3]
func.func @main(%x: tensor<2x5x3xf32>) -> tensor<2x5x3xf32> {
  %s = graph.softmax %x {axis = 1 : i64} : tensor<2x5x3xf32>
  return %s : tensor<2x5x3xf32>
}

// -----

// Softmax over axis 0 of [8, 1000] with 16 KiB elements of row budget: blocks
// of 8 x 372 columns (8 + 3 elements per column), two in a loop and a last one of 256,
// read and written with the input's row stride of 1000.
// CHECK-LABEL: func.func @main
// CHECK: scf.for %[[I:.*]] = %c0 to %c744 step %c372
// CHECK: tile.dma %arg0[%[[I]]] -> %{{.*}} sizes [1, 8, 372] src_strides [0, 1000] dst_strides [0, 372]
// CHECK: tile.dma %{{.*}} -> %arg1[%[[I]]] sizes [1, 8, 372] src_strides [0, 372] dst_strides [0, 1000]
// CHECK: }
// CHECK: tile.dma %arg0[%c744] -> %{{.*}} sizes [1, 8, 256] src_strides [0, 1000] dst_strides [0, 256]
// CHECK: tile.elementwise div {{.*}}count = 256
// CHECK: tile.dma %{{.*}} -> %arg1[%c744] sizes [1, 8, 256] src_strides [0, 256] dst_strides [0, 1000]
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<8x1000xf32>) -> tensor<8x1000xf32> {
  %s = graph.softmax %x {axis = 0 : i64} : tensor<8x1000xf32>
  return %s : tensor<8x1000xf32>
}
}
