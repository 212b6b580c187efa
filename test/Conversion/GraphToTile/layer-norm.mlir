// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// Layer norm over the last axis: 10 rows of 8 in one tile. The scale and
// bias come into SRAM first; then the mean (row sum times 1/8), x - mean in
// place, its square, the variance (sum times 1/8, plus epsilon), rsqrt, and
// per row (x - mean) * rstd * scale + bias.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg1[%c0] -> %[[S:.*]][%c0] sizes [1, 1, 8]
// CHECK: tile.dma %arg2[%c0] -> %[[B:.*]][%c0] sizes [1, 1, 8]
// CHECK: tile.dma %arg0[%c0] -> %[[X:.*]][%c0] sizes [1, 1, 80]
// CHECK: tile.reduce sum %[[X]][%c0] -> %[[M:.*]][%c0] {count = 10 : i64, len = 8 : i64}
// CHECK: tile.elementwise affine %[[M]][%c0] -> %[[M]][%c0] {count = 10 : i64{{.*}}params = array<f32: 1.250000e-01, 0.000000e+00>}
// CHECK: scf.for
// CHECK: tile.elementwise sub %[[X]][%{{.*}}], %[[M]][%{{.*}}] -> %[[X]]{{.*}}in1_stride = 0 : i64
// CHECK: tile.elementwise mul %[[X]][%[[O:.*]]], %[[X]][%[[O]]] -> %[[Y:.*]][%[[O]]]
// CHECK: tile.reduce sum %[[Y]][%c0] -> %[[V:.*]][%c0] {count = 10 : i64, len = 8 : i64}
// CHECK: tile.elementwise affine %[[V]][%c0] -> %[[V]][%c0] {count = 10 : i64{{.*}}params = array<f32: 1.250000e-01, 9.99999974E-6>}
// CHECK: tile.elementwise rsqrt %[[V]]
// CHECK: scf.for
// CHECK: tile.elementwise mul %[[X]][%{{.*}}], %[[V]][%{{.*}}] -> %[[Y]]{{.*}}in1_stride = 0 : i64
// CHECK: tile.elementwise mul %[[Y]][%{{.*}}], %[[S]][%c0] -> %[[Y]]{{.*}}count = 8 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64
// CHECK: tile.elementwise add %[[Y]][%{{.*}}], %[[B]][%c0] -> %[[Y]]{{.*}}count = 8 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64
// CHECK: tile.dma %[[Y]][%c0] -> %arg3[%c0] sizes [1, 1, 80]
func.func @main(%x: tensor<2x5x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x5x8xf32> {
  %y = graph.layer_norm %x, %s, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  return %y : tensor<2x5x8xf32>
}

// -----

// Over the dimensions from axis 1 on, [2, 5, 8] is 2 rows of 40, scaled by
// the whole [5, 8] scale; without a bias there is no add.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg1[%c0] -> %[[S:.*]][%c0] sizes [1, 1, 40]
// CHECK: tile.reduce sum {{.*}}{count = 2 : i64, len = 40 : i64}
// CHECK: tile.elementwise affine {{.*}}params = array<f32: 2.500000e-02, 0.000000e+00>
// CHECK: tile.reduce sum {{.*}}{count = 2 : i64, len = 40 : i64}
// CHECK: tile.elementwise affine {{.*}}params = array<f32: 2.500000e-02, 1.000000e-03>
// CHECK: tile.elementwise rsqrt
// CHECK: tile.elementwise mul %{{.*}}, %[[S]][%c0] {{.*}}count = 40 : i64
// CHECK-NOT: tile.elementwise add
// CHECK: tile.dma %{{.*}} -> %arg2[%c0] sizes [1, 1, 80]
func.func @main(%x: tensor<2x5x8xf32>, %s: tensor<5x8xf32>) -> tensor<2x5x8xf32> {
  %y = graph.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-03 : f32} : (tensor<2x5x8xf32>, tensor<5x8xf32>) -> tensor<2x5x8xf32>
  return %y : tensor<2x5x8xf32>
}

// -----

// 64 rows of 128 with 16 KiB elements of row budget: 15 rows per tile (2 x
// 128 + 4 elements each), four in a loop and a last tile of 4 rows. The
// scale and bias are read once, before the loop, not per tile.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg1[%c0] -> %{{.*}} sizes [1, 1, 128]
// CHECK: tile.dma %arg2[%c0] -> %{{.*}} sizes [1, 1, 128]
// CHECK: scf.for %{{.*}} = %c0 to %c60 step %c15
// CHECK-NOT: tile.dma %arg1
// CHECK-NOT: tile.dma %arg2
// CHECK: tile.dma %arg0[%{{.*}}] -> %{{.*}} sizes [1, 1, 1920]
// CHECK: tile.reduce sum {{.*}}{count = 15 : i64, len = 128 : i64}
// CHECK: tile.dma %{{.*}} -> %arg3[%{{.*}}] sizes [1, 1, 1920]
// CHECK: tile.dma %arg0[%c7680] -> %{{.*}} sizes [1, 1, 512]
// CHECK: tile.reduce sum {{.*}}{count = 4 : i64, len = 128 : i64}
// CHECK: tile.dma %{{.*}} -> %arg3[%c7680] sizes [1, 1, 512]
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<64x128xf32>, %s: tensor<128xf32>, %b: tensor<128xf32>) -> tensor<64x128xf32> {
  %y = graph.layer_norm %x, %s, %b {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<64x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
}
