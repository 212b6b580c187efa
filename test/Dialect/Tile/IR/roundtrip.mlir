// The tile dialect prints and parses back (twice, to a fixed point).
// RUN: d1-opt %s | d1-opt | FileCheck %s
// CHECK-LABEL: func.func @ops
// CHECK: tile.view %{{.*}} : memref<4x4xf32, #tile.mem<dram>> to memref<16xf32, #tile.mem<dram>>
// CHECK: tile.dma %{{.*}}[%{{.*}}] -> %{{.*}}[%{{.*}}] sizes [1, 4, 4] src_strides [0, 4] dst_strides [0, 4] : memref<4x4xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
// CHECK: tile.elementwise relu %{{.*}}[%{{.*}}] -> %{{.*}}[%{{.*}}] {{.*}} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
// CHECK: tile.elementwise add %{{.*}}[%{{.*}}], %{{.*}}[%{{.*}}] -> %{{.*}}[%{{.*}}] {{.*}} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
// CHECK: tile.matmul
// CHECK: tile.conv2d conv
// CHECK: tile.conv2d max
// CHECK: tile.reduce max
func.func @ops(%d: memref<4x4xf32, #tile.mem<dram>>, %s: memref<16xf32, #tile.mem<sram>>, %t: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  %v = tile.view %d : memref<4x4xf32, #tile.mem<dram>> to memref<16xf32, #tile.mem<dram>>
  tile.dma %d[%c0] -> %s[%c0] sizes [1, 4, 4] src_strides [0, 4] dst_strides [0, 4] : memref<4x4xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  tile.elementwise relu %s[%c0] -> %t[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  tile.elementwise add %s[%c0], %t[%c0] -> %t[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  tile.matmul %s[%c0], %t[%c0] -> %s[%c0] {accumulate = false, k = 4 : i64, lda = 4 : i64, ldb = 4 : i64, ldc = 4 : i64, m = 4 : i64, n = 4 : i64} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  tile.conv2d conv %s[%c0], %t[%c0] -> %s[%c0] {accumulate = false, channels = 1 : i64, dil_h = 1 : i64, dil_w = 1 : i64, filters = 1 : i64, in_cols = 4 : i64, in_rows = 4 : i64, kh = 3 : i64, kw = 3 : i64, out_cols = 2 : i64, out_rows = 2 : i64, stride_h = 1 : i64, stride_w = 1 : i64} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  tile.conv2d max %s[%c0] -> %t[%c0] {accumulate = false, channels = 1 : i64, dil_h = 1 : i64, dil_w = 1 : i64, filters = 1 : i64, in_cols = 4 : i64, in_rows = 4 : i64, kh = 2 : i64, kw = 2 : i64, out_cols = 2 : i64, out_rows = 2 : i64, stride_h = 2 : i64, stride_w = 2 : i64} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  tile.reduce max %s[%c0] -> %t[%c0] {count = 4 : i64, len = 4 : i64} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  return
}
