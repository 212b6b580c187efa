// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// The lowering takes the op's graph.tiling: here 2 x 4 output tiles of a
// 4 x 8 product (alone it would be one tile), so two loops of two steps.
// CHECK-LABEL: func.func @main
// CHECK-DAG: memref.alloc() : memref<16xf32, #tile.mem<sram>>
// CHECK-DAG: memref.alloc() : memref<32xf32, #tile.mem<sram>>
// CHECK-DAG: memref.alloc() : memref<8xf32, #tile.mem<sram>>
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c2
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c8 step %c4
// CHECK: tile.matmul {{.*}}k = 8 : i64{{.*}}m = 2 : i64, n = 4 : i64
func.func @main(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %m = graph.matmul %a, %b {graph.tiling = #graph.matmul_tiling<m = 2, n = 4, k = 8>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %m : tensor<4x8xf32>
}

// -----

// A convolution tiled by hand in 4 filters x 2 channels x 1 row: the
// weight tile holds 4 x 2 x 3 x 3 elements, the output tile 4 x 1 x 8.
// CHECK-LABEL: func.func @main
// CHECK-DAG: memref.alloc() : memref<72xf32, #tile.mem<sram>>
// CHECK-DAG: memref.alloc() : memref<32xf32, #tile.mem<sram>>
// CHECK: tile.conv2d conv {{.*}}channels = 2 : i64{{.*}}filters = 4 : i64
func.func @main(%x: tensor<1x8x8x8xf32>, %w: tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32> {
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, graph.tiling = #graph.window_tiling<filters = 4, channels = 2, rows = 1, input_once = false, double_input = false, double_weights = false, mma = false>} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %c : tensor<1x8x8x8xf32>
}
