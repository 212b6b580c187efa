// RUN: d1-opt %s -split-input-file --tile-plan-memory --convert-tile-to-d1isa=software-pipelining=true | FileCheck %s
// RUN: d1-opt %s -split-input-file --tile-plan-memory --convert-tile-to-d1isa | FileCheck %s --check-prefix=PLAIN

// C[13 x 20] = A[13 x 36] x B[36 x 20] on the matrix unit. A's rows are
// contiguous and already a multiple of 4 long: one pass rounds it to bf16
// (a loop of four conversions, then the rest, the last one partial). B's
// rows (20) are padded to 24: one pass per row. Then a block of 2 x 2
// accumulators (rows 0-15, columns 0-15) and one of 2 x 1 (columns 16-19):
// per K step (9 of them) one gather of 8-byte chunks per A tile and one of
// 16-byte chunks per B tile, then 4 (2) products. Pipelined, the next
// step's tiles load while this one multiplies, two steps per iteration.
// Full blocks store straight into C; the partial ones (rows 8-12, columns
// 16-19) go through the staging block, one row at a time.
// CHECK-LABEL: func.func @main
// CHECK: scf.for
// CHECK-COUNT-4: d1isa.vcvt_bf16_f32
// CHECK: d1isa.vst
// CHECK: d1isa.vldp
// CHECK: d1isa.vcvt_bf16_f32
// CHECK: d1isa.vstp
// CHECK: scf.for
// CHECK: d1isa.vcvt_bf16_f32
// CHECK: d1isa.vstp
// CHECK-COUNT-4: d1isa.mma_zero
// CHECK: d1isa.vldg {{.*}} {imm = 8 : i64}
// CHECK: d1isa.vldg {{.*}} {imm = 8 : i64}
// CHECK: d1isa.vldg {{.*}} {imm = 16 : i64}
// CHECK: d1isa.vldg {{.*}} {imm = 16 : i64}
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (!d1isa.acc, !d1isa.acc, !d1isa.acc, !d1isa.acc, !d1isa.v, !d1isa.v, !d1isa.v, !d1isa.v)
// CHECK-COUNT-4: d1isa.vldg
// CHECK-COUNT-8: d1isa.mma
// CHECK-COUNT-4: d1isa.vldg
// CHECK: scf.yield
// CHECK-COUNT-4: d1isa.mma
// CHECK-NEXT: d1isa.mma_st {{.*}} {imm = 0 : i64}
// CHECK-NEXT: d1isa.mma_st {{.*}} {imm = 32 : i64}
// CHECK-COUNT-5: d1isa.vstp
// CHECK: d1isa.mma_st
// CHECK-COUNT-5: d1isa.vstp
// CHECK-COUNT-2: d1isa.mma_zero
// CHECK: scf.for {{.*}} -> (!d1isa.acc, !d1isa.acc, !d1isa.v, !d1isa.v, !d1isa.v)
// CHECK-COUNT-4: d1isa.mma
// CHECK: scf.yield
// PLAIN-LABEL: func.func @main
// PLAIN: scf.for {{.*}} -> (!d1isa.acc, !d1isa.acc, !d1isa.acc, !d1isa.acc)
// PLAIN-COUNT-4: d1isa.vldg
// PLAIN-COUNT-4: d1isa.mma
// PLAIN-NEXT: scf.yield
module {
  func.func @main(%arg0: memref<13x36xf32, #tile.mem<dram>>, %arg1: memref<36x20xf32, #tile.mem<dram>>, %arg2: memref<13x20xf32, #tile.mem<dram>>) attributes {d1.num_inputs = 2 : i64} {
    %c0 = arith.constant 0 : index
    %a = memref.alloc() : memref<468xf32, #tile.mem<sram>>
    %b = memref.alloc() : memref<720xf32, #tile.mem<sram>>
    %s = memref.alloc() : memref<1568xbf16, #tile.mem<sram>>
    %c = memref.alloc() : memref<260xf32, #tile.mem<sram>>
    tile.dma %arg0[%c0] -> %a[%c0] sizes [1, 13, 36] src_strides [0, 36] dst_strides [0, 36] : memref<13x36xf32, #tile.mem<dram>>, memref<468xf32, #tile.mem<sram>>
    tile.dma %arg1[%c0] -> %b[%c0] sizes [1, 36, 20] src_strides [0, 20] dst_strides [0, 20] : memref<36x20xf32, #tile.mem<dram>>, memref<720xf32, #tile.mem<sram>>
    tile.matmul_mma %a[%c0], %b[%c0], %s[%c0] -> %c[%c0] {accumulate = false, k = 36 : i64, lda = 36 : i64, ldb = 20 : i64, ldc = 20 : i64, m = 13 : i64, n = 20 : i64} : memref<468xf32, #tile.mem<sram>>, memref<720xf32, #tile.mem<sram>>, memref<1568xbf16, #tile.mem<sram>>, memref<260xf32, #tile.mem<sram>>
    tile.dma %c[%c0] -> %arg2[%c0] sizes [1, 13, 20] src_strides [0, 20] dst_strides [0, 20] : memref<260xf32, #tile.mem<sram>>, memref<13x20xf32, #tile.mem<dram>>
    memref.dealloc %a : memref<468xf32, #tile.mem<sram>>
    memref.dealloc %b : memref<720xf32, #tile.mem<sram>>
    memref.dealloc %s : memref<1568xbf16, #tile.mem<sram>>
    memref.dealloc %c : memref<260xf32, #tile.mem<sram>>
    return
  }
}

// -----

// Accumulating into C (K tiles after the first): whole blocks load C into
// the accumulators, partial ones (rows 8-9) through the staging block. k = 6
// is padded to 8: B's two extra rows are zeros (one partial store of
// 2 x 8 bf16 = 32 bytes).
// CHECK-LABEL: func.func @main
// CHECK: d1isa.vstp
// CHECK: d1isa.mma_ld
// CHECK: d1isa.vldp
// CHECK: d1isa.vstp
// CHECK: d1isa.mma_ld
// CHECK: d1isa.mma
// CHECK: d1isa.mma_st
module {
  func.func @main(%arg0: memref<10x6xf32, #tile.mem<dram>>, %arg1: memref<6x8xf32, #tile.mem<dram>>, %arg2: memref<10x8xf32, #tile.mem<dram>>) attributes {d1.num_inputs = 2 : i64} {
    %c0 = arith.constant 0 : index
    %a = memref.alloc() : memref<60xf32, #tile.mem<sram>>
    %b = memref.alloc() : memref<48xf32, #tile.mem<sram>>
    %s = memref.alloc() : memref<320xbf16, #tile.mem<sram>>
    %c = memref.alloc() : memref<80xf32, #tile.mem<sram>>
    tile.matmul_mma %a[%c0], %b[%c0], %s[%c0] -> %c[%c0] {accumulate = true, k = 6 : i64, lda = 6 : i64, ldb = 8 : i64, ldc = 8 : i64, m = 10 : i64, n = 8 : i64} : memref<60xf32, #tile.mem<sram>>, memref<48xf32, #tile.mem<sram>>, memref<320xbf16, #tile.mem<sram>>, memref<80xf32, #tile.mem<sram>>
    memref.dealloc %a : memref<60xf32, #tile.mem<sram>>
    memref.dealloc %b : memref<48xf32, #tile.mem<sram>>
    memref.dealloc %s : memref<320xbf16, #tile.mem<sram>>
    memref.dealloc %c : memref<80xf32, #tile.mem<sram>>
    return
  }
}
