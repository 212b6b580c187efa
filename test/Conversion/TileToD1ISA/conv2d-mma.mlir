// RUN: d1-opt %s -split-input-file --tile-plan-memory --convert-tile-to-d1isa=software-pipelining=true | FileCheck %s
// RUN: d1-opt %s -split-input-file --tile-plan-memory --convert-tile-to-d1isa | FileCheck %s --check-prefix=PLAIN

// The views: the whole 8 x 12 x 12 tile as one stream, 32 elements per
// conversion, four per loop iteration; once as it is, once shifted by one
// element (for kx = 1), whose last chunk is bounded by the tile. Pipelined
// in three stages: each iteration stores the four chunks converted in the
// one before, converts the four loaded in the one before, and loads four
// more; each chunk's store goes just before its conversion and next loads
// (loads and stores alternate: the scheduler keeps memory order). The
// first two iterations' loads and conversions go before the loop, the last
// two iterations' stores after it. Unpipelined, all loads and conversions
// of an iteration come before its stores.
// CHECK-LABEL: func.func @main
// CHECK-COUNT-4: d1isa.vcvt_bf16_f32
// CHECK-COUNT-8: d1isa.vld
// CHECK: scf.for {{.*}} iter_args
// CHECK-COUNT-4: d1isa.vst {{.*}}{{[[:space:]].*}}d1isa.vcvt_bf16_f32 {{.*}}{{[[:space:]].*}}d1isa.vld {{.*}}{{[[:space:]].*}}d1isa.vld
// CHECK-NEXT: scf.yield
// CHECK-COUNT-4: d1isa.vst
// CHECK-COUNT-4: d1isa.vcvt_bf16_f32 {{.*}}{{[[:space:]].*}}d1isa.vst
// CHECK: scf.for
// CHECK: d1isa.vldp
// CHECK: d1isa.vcvt_bf16_f32
// PLAIN-LABEL: func.func @main
// PLAIN: scf.for
// PLAIN-COUNT-4: d1isa.vcvt_bf16_f32
// PLAIN-NEXT: d1isa.vst
// The bias rows (one 32-byte row per filter), then per output row two
// filter blocks x one pixel block of 8 columns and the 2 columns left:
// accumulators start from the bias rows (mma.ld), the K loop (18 steps of 8
// filters x 4 channels) carries the two accumulators, the tiles of the next
// two steps (A tiles from vld, B tiles from one gather each) and the table
// offsets of the two after; each iteration multiplies two groups of two
// steps, loading the next group's tiles meanwhile. The last group is peeled.
// CHECK: d1isa.vldb_32
// CHECK: d1isa.vstp
// CHECK: d1isa.mma_ld
// CHECK: d1isa.mma_ld
// CHECK: d1isa.vld
// CHECK: d1isa.lw
// CHECK: d1isa.vldg
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (!d1isa.acc, !d1isa.acc, !d1isa.v, !d1isa.v, !d1isa.v, !d1isa.v, !d1isa.v, !d1isa.v, index, index)
// CHECK-COUNT-4: d1isa.mma
// CHECK: d1isa.vldg
// CHECK: d1isa.lw
// CHECK-COUNT-4: d1isa.mma
// CHECK: d1isa.vldg
// CHECK: d1isa.lw
// CHECK: scf.yield
// CHECK-COUNT-4: d1isa.mma
// CHECK: d1isa.mma_st
// CHECK: d1isa.mma_st
// Without pipelining the K loop carries the accumulators only.
// PLAIN: scf.for {{.*}} iter_args({{.*}}) -> (!d1isa.acc, !d1isa.acc) {
// PLAIN-COUNT-8: d1isa.mma
// PLAIN: scf.yield
module {
  memref.global "private" constant @w : memref<1152xbf16, #tile.mem<dram>> = dense<5.000000e-01>
  memref.global "private" constant @b : memref<16xf32, #tile.mem<dram>> = dense<2.500000e-01>
  func.func @main(%arg0: memref<1x8x10x10xf32, #tile.mem<dram>>, %arg1: memref<1x16x10x10xf32, #tile.mem<dram>>) attributes {d1.num_inputs = 1 : i64} {
    %c13 = arith.constant 13 : index
    %c0 = arith.constant 0 : index
    %0 = memref.get_global @b : memref<16xf32, #tile.mem<dram>>
    %1 = memref.get_global @w : memref<1152xbf16, #tile.mem<dram>>
    %x = memref.alloc() : memref<1216xf32, #tile.mem<sram>>
    %w = memref.alloc() : memref<1152xbf16, #tile.mem<sram>>
    %v = memref.alloc() : memref<3840xbf16, #tile.mem<sram>>
    %o = memref.alloc() : memref<1600xf32, #tile.mem<sram>>
    %bias = memref.alloc() : memref<16xf32, #tile.mem<sram>>
    tile.dma %0[%c0] -> %bias[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
    tile.dma %1[%c0] -> %w[%c0] sizes [1, 18, 64] src_strides [0, 64] dst_strides [0, 64] : memref<1152xbf16, #tile.mem<dram>>, memref<1152xbf16, #tile.mem<sram>>
    tile.dma %arg0[%c0] -> %x[%c13] sizes [8, 10, 10] src_strides [100, 10] dst_strides [144, 12] : memref<1x8x10x10xf32, #tile.mem<dram>>, memref<1216xf32, #tile.mem<sram>>
    tile.mma_views %x[%c0] -> %v[%c0] {channels = 8 : i64, dil_w = 1 : i64, in_cols = 12 : i64, in_rows = 12 : i64, kw = 3 : i64, out_cols = 10 : i64, stride_w = 1 : i64} : memref<1216xf32, #tile.mem<sram>>, memref<3840xbf16, #tile.mem<sram>>
    tile.conv2d_mma %x[%c0], %w[%c0], %v[%c0], bias %bias[%c0] -> %o[%c0] {accumulate = false, channels = 8 : i64, dil_h = 1 : i64, dil_w = 1 : i64, filters = 16 : i64, in_cols = 12 : i64, in_rows = 12 : i64, kh = 3 : i64, kw = 3 : i64, out_cols = 10 : i64, out_rows = 10 : i64, stride_h = 1 : i64, stride_w = 1 : i64} : memref<1216xf32, #tile.mem<sram>>, memref<1152xbf16, #tile.mem<sram>>, memref<3840xbf16, #tile.mem<sram>>, memref<1600xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
    tile.dma %o[%c0] -> %arg1[%c0] sizes [16, 10, 10] src_strides [100, 10] dst_strides [100, 10] : memref<1600xf32, #tile.mem<sram>>, memref<1x16x10x10xf32, #tile.mem<dram>>
    memref.dealloc %x : memref<1216xf32, #tile.mem<sram>>
    memref.dealloc %w : memref<1152xbf16, #tile.mem<sram>>
    memref.dealloc %o : memref<1600xf32, #tile.mem<sram>>
    memref.dealloc %bias : memref<16xf32, #tile.mem<sram>>
    memref.dealloc %v : memref<3840xbf16, #tile.mem<sram>>
    return
  }
}
