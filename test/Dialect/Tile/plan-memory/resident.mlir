// RUN: d1-opt %s -split-input-file --tile-plan-memory="resident=true reserve-bytes=0" | FileCheck %s
// RUN: d1-opt %s -split-input-file --tile-plan-memory | FileCheck %s --check-prefix=OFF

// An activation between two kernels stays in SRAM: its type moves to
// memory space 1 (views too), it gets an SRAM address, and both copies
// become SRAM-to-SRAM. Nothing is left for DRAM.
// CHECK-LABEL: module attributes
// CHECK-SAME: d1.dram_activation_bytes = 0 : i64
// CHECK-SAME: d1.sram_resident_bytes = 4096 : i64, d1.sram_resident_spilled = 0 : i64
// CHECK: %[[T:.*]] = memref.alloc() {d1.address = {{[0-9]+}} : i64} : memref<1024xf32, #tile.mem<sram>>
// CHECK: tile.view %[[T]] : memref<1024xf32, #tile.mem<sram>> to memref<32x32xf32, #tile.mem<sram>>
// CHECK: tile.dma %{{.*}} -> %[[T]][%{{.*}}] {{.*}} : memref<1024xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<sram>>
// CHECK: tile.dma %{{.*}} : memref<32x32xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<sram>>
// OFF-LABEL: module attributes
// OFF-SAME: d1.dram_activation_bytes = 4096 : i64
// OFF: memref.alloc() {d1.address = {{[0-9]+}} : i64} : memref<1024xf32, #tile.mem<dram>>
module attributes {d1.target = #d1.target<{sram_bytes = 16384 : i64}>} {
func.func @main(%x: memref<1024xf32, #tile.mem<dram>> {d1.name = "x"}, %y: memref<1024xf32, #tile.mem<dram>> {d1.name = "y"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %t = memref.alloc() : memref<1024xf32, #tile.mem<dram>>
  %v = tile.view %t : memref<1024xf32, #tile.mem<dram>> to memref<32x32xf32, #tile.mem<dram>>
  %a = memref.alloc() : memref<1024xf32, #tile.mem<sram>>
  tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 0] : memref<1024xf32, #tile.mem<dram>>, memref<1024xf32, #tile.mem<sram>>
  tile.elementwise relu %a[%c0] -> %a[%c0] {count = 1024 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<1024xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<sram>>
  tile.dma %a[%c0] -> %t[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 0] : memref<1024xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<dram>>
  memref.dealloc %a : memref<1024xf32, #tile.mem<sram>>
  %b = memref.alloc() : memref<1024xf32, #tile.mem<sram>>
  tile.dma %v[%c0] -> %b[%c0] sizes [1, 32, 32] src_strides [0, 32] dst_strides [0, 32] : memref<32x32xf32, #tile.mem<dram>>, memref<1024xf32, #tile.mem<sram>>
  tile.elementwise neg %b[%c0] -> %b[%c0] {count = 1024 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<1024xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<sram>>
  tile.dma %b[%c0] -> %y[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 0] : memref<1024xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<dram>>
  memref.dealloc %b : memref<1024xf32, #tile.mem<sram>>
  memref.dealloc %t : memref<1024xf32, #tile.mem<dram>>
  return
}
}

// -----

// Two activations live across a kernel whose 12 KiB tile leaves room for
// one of them in 16 KiB: the one read next (%q) stays, the one read last
// (%p) is spilled to DRAM for its whole life.
// CHECK-LABEL: module attributes
// CHECK-SAME: d1.sram_resident_bytes = 4096 : i64, d1.sram_resident_spilled = 1 : i64
// CHECK: %[[P:.*]] = memref.alloc() {d1.address = {{[0-9]+}} : i64} : memref<1024xf32, #tile.mem<dram>>
// CHECK: %[[Q:.*]] = memref.alloc() {d1.address = {{[0-9]+}} : i64} : memref<1024xf32, #tile.mem<sram>>
module attributes {d1.target = #d1.target<{sram_bytes = 16384 : i64}>} {
func.func @main(%x: memref<1024xf32, #tile.mem<dram>> {d1.name = "x"}, %y: memref<1024xf32, #tile.mem<dram>> {d1.name = "y"}, %z: memref<1024xf32, #tile.mem<dram>> {d1.name = "z"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %p = memref.alloc() : memref<1024xf32, #tile.mem<dram>>
  %q = memref.alloc() : memref<1024xf32, #tile.mem<dram>>
  %a = memref.alloc() : memref<1024xf32, #tile.mem<sram>>
  tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 0] : memref<1024xf32, #tile.mem<dram>>, memref<1024xf32, #tile.mem<sram>>
  tile.dma %a[%c0] -> %p[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 0] : memref<1024xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<dram>>
  tile.dma %a[%c0] -> %q[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 0] : memref<1024xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<dram>>
  memref.dealloc %a : memref<1024xf32, #tile.mem<sram>>
  %k = memref.alloc() : memref<3072xf32, #tile.mem<sram>>
  tile.elementwise fill %k[%c0] -> %k[%c0] {count = 3072 : i64, in0_stride = 0 : i64, in1_stride = 0 : i64, params = array<f32: 1.0>} : memref<3072xf32, #tile.mem<sram>>, memref<3072xf32, #tile.mem<sram>>
  tile.dma %k[%c0] -> %z[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 0] : memref<3072xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<dram>>
  memref.dealloc %k : memref<3072xf32, #tile.mem<sram>>
  %b = memref.alloc() : memref<1024xf32, #tile.mem<sram>>
  tile.dma %q[%c0] -> %b[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 0] : memref<1024xf32, #tile.mem<dram>>, memref<1024xf32, #tile.mem<sram>>
  tile.dma %p[%c0] -> %b[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 0] : memref<1024xf32, #tile.mem<dram>>, memref<1024xf32, #tile.mem<sram>>
  tile.dma %b[%c0] -> %y[%c0] sizes [1, 1, 1024] src_strides [0, 0] dst_strides [0, 0] : memref<1024xf32, #tile.mem<sram>>, memref<1024xf32, #tile.mem<dram>>
  memref.dealloc %b : memref<1024xf32, #tile.mem<sram>>
  memref.dealloc %p : memref<1024xf32, #tile.mem<dram>>
  memref.dealloc %q : memref<1024xf32, #tile.mem<dram>>
  return
}
}
