// RUN: d1-opt %s -split-input-file --tile-plan-memory --convert-tile-to-d1isa | FileCheck %s

// Addresses (from tile-plan-memory): arguments in DRAM after the constants.
// A DMA becomes its descriptor (in SRAM after the buffers) + dma + wait.
// CHECK-LABEL: module attributes {{[{].*}}d1.dram_size = 128 : i64, d1.sram_bound = 128 : i64, d1.sram_peak = 128 : i64
// CHECK: func.func @main() attributes {d1.io = [{address = 0 : i64, dtype = f32, name = "x", shape = array<i64: 16>}, {address = 64 : i64, dtype = f32, name = "y", shape = array<i64: 16>}]
// CHECK-SAME: d1.sram_data_address = 128 : i64
// CHECK: %[[DESC:.*]] = d1isa.li {imm = 128 : i64}
// CHECK: d1isa.dma %{{.*}}, %{{.*}}, %[[DESC]]
// CHECK-NEXT: d1isa.sem_wait {imm = 1 : i64, rd = 0 : i32}
// Relu is a max with a broadcast 0.
// CHECK: %[[V:.*]] = d1isa.vld
// CHECK: %[[Z:.*]] = d1isa.vbcasti_32 {imm = 0 : i64}
// CHECK: %[[R:.*]] = d1isa.vmax_f32 %[[V]], %[[Z]]
// CHECK: d1isa.vst %[[R]]
// CHECK: d1isa.halt
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x"}, %y: memref<16xf32, #tile.mem<dram>> {d1.name = "y"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<16xf32, #tile.mem<sram>>
  %b = memref.alloc() : memref<16xf32, #tile.mem<sram>>
  tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  tile.elementwise relu %a[%c0] -> %b[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  tile.dma %b[%c0] -> %y[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<dram>>
  memref.dealloc %a : memref<16xf32, #tile.mem<sram>>
  memref.dealloc %b : memref<16xf32, #tile.mem<sram>>
  return
}

// -----

// A freed SRAM buffer's space is reused (first fit): %b takes %a's place.
// CHECK-LABEL: module attributes {{[{].*}}d1.dram_size = 64 : i64, d1.sram_bound = 64 : i64, d1.sram_peak = 64 : i64
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<16xf32, #tile.mem<sram>>
  tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  memref.dealloc %a : memref<16xf32, #tile.mem<sram>>
  %b = memref.alloc() : memref<16xf32, #tile.mem<sram>>
  tile.dma %b[%c0] -> %x[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<dram>>
  memref.dealloc %b : memref<16xf32, #tile.mem<sram>>
  return
}

// -----

// The matmul micro-kernel: a K loop carrying the C block in vector registers
// (4 rows x 1 vector), A broadcast per row, B one vector per k.
// CHECK-LABEL: func.func @main
// CHECK: %{{.*}}:4 = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(
// CHECK-COUNT-1: d1isa.vld
// CHECK-COUNT-4: d1isa.vldb_32
// CHECK-COUNT-4: d1isa.vfma_f32
// CHECK: scf.yield
// CHECK-COUNT-4: d1isa.vst
func.func @main(%x: memref<1xf32, #tile.mem<dram>> {d1.name = "x"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<32xf32, #tile.mem<sram>>
  %b = memref.alloc() : memref<128xf32, #tile.mem<sram>>
  %c = memref.alloc() : memref<64xf32, #tile.mem<sram>>
  tile.matmul %a[%c0], %b[%c0] -> %c[%c0] {accumulate = false, k = 8 : i64, lda = 8 : i64, ldb = 16 : i64, ldc = 16 : i64, m = 4 : i64, n = 16 : i64} : memref<32xf32, #tile.mem<sram>>, memref<128xf32, #tile.mem<sram>>, memref<64xf32, #tile.mem<sram>>
  memref.dealloc %a : memref<32xf32, #tile.mem<sram>>
  memref.dealloc %b : memref<128xf32, #tile.mem<sram>>
  memref.dealloc %c : memref<64xf32, #tile.mem<sram>>
  return
}

// -----

// A started copy (sem = 1) is not waited for at once: the relu on the
// other buffer runs while it moves; its tile.dma_wait becomes the wait on
// s1 (the descriptor names s1).
// CHECK-LABEL: name = "z"
// CHECK: d1isa.dma
// CHECK-NEXT: d1isa.sem_wait {imm = 1 : i64, rd = 0 : i32}
// CHECK: d1isa.dma
// CHECK-NOT: d1isa.sem_wait
// CHECK: d1isa.vmax_f32
// CHECK: d1isa.sem_wait {imm = 1 : i64, rd = 1 : i32}
// CHECK: d1isa.vmax_f32
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x"}, %z: memref<16xf32, #tile.mem<dram>> {d1.name = "z"}, %y: memref<16xf32, #tile.mem<dram>> {d1.name = "y"}) attributes {d1.num_inputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<16xf32, #tile.mem<sram>>
  %b = memref.alloc() : memref<16xf32, #tile.mem<sram>>
  tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  %t = tile.dma %z[%c0] -> %b[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] {sem = 1 : i64} : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>> -> !tile.dma_token
  tile.elementwise relu %a[%c0] -> %a[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  tile.dma_wait %t on %z -> %b {sem = 1 : i64} : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  tile.elementwise relu %b[%c0] -> %b[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  tile.dma %b[%c0] -> %y[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<dram>>
  memref.dealloc %a : memref<16xf32, #tile.mem<sram>>
  memref.dealloc %b : memref<16xf32, #tile.mem<sram>>
  return
}

// -----

// An output that overlaps its input 16 elements ahead: one vector at a
// time (load, compute, store), never all loads first, pipelined or not
// (the later loads read what the earlier stores wrote).
// CHECK-LABEL: func.func @main
// CHECK: scf.for
// CHECK-COUNT-4: d1isa.vld {{.*}}{{[[:space:]].*}}d1isa.vmax_f32 {{.*}}{{[[:space:]].*}}d1isa.vst {{.*}}
// CHECK-NEXT: }
module {
  func.func @main(%arg0: memref<1024xf32, #tile.mem<dram>>, %arg1: memref<1024xf32, #tile.mem<dram>>) attributes {d1.num_inputs = 1 : i64} {
    %c0 = arith.constant 0 : index
    %c16 = arith.constant 16 : index
    %buf = memref.alloc() : memref<1024xf32, #tile.mem<sram>>
    tile.dma %arg0[%c0] -> %buf[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 1024] : memref<1024xf32, #tile.mem<dram>>, memref<1024xf32, #tile.mem<sram>>
    tile.elementwise relu %buf[%c0] -> %buf[%c16] {count = 512 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<1024xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<sram>>
    tile.dma %buf[%c0] -> %arg1[%c0] sizes [1, 1, 1024] src_strides [0, 1024] dst_strides [0, 1024] : memref<1024xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<dram>>
    memref.dealloc %buf : memref<1024xf32, #tile.mem<sram>>
    return
  }
}
