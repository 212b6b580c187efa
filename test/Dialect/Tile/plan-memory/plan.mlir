// RUN: d1-opt %s -split-input-file --tile-plan-memory | FileCheck %s
// RUN: d1-opt %s -split-input-file --tile-plan-memory="sram-reuse=false dram-reuse=false" | FileCheck %s --check-prefix=NOREUSE

// Buffers whose lives do not overlap share bytes; a life ends at the last
// use, not at the dealloc.
// CHECK-LABEL: module attributes {{[{].*}}d1.dram_size = 128 : i64, d1.sram_bound = 1024 : i64, d1.sram_peak = 1024 : i64
// CHECK: %[[A:.*]] = memref.alloc() {d1.address = 0 : i64} : memref<128xf32, #tile.mem<sram>>
// CHECK: %[[B:.*]] = memref.alloc() {d1.address = 512 : i64} : memref<128xf32, #tile.mem<sram>>
// CHECK: %[[C:.*]] = memref.alloc() {d1.address = 0 : i64} : memref<128xf32, #tile.mem<sram>>
// NOREUSE-LABEL: module attributes {{[{].*}}d1.dram_size = 128 : i64, d1.sram_bound = 1024 : i64, d1.sram_peak = 1536 : i64
// NOREUSE: memref.alloc() {d1.address = 0 : i64}
// NOREUSE: memref.alloc() {d1.address = 512 : i64}
// NOREUSE: memref.alloc() {d1.address = 1024 : i64}
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x"}, %y: memref<16xf32, #tile.mem<dram>> {d1.name = "y"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<128xf32, #tile.mem<sram>>
  %b = memref.alloc() : memref<128xf32, #tile.mem<sram>>
  tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<128xf32, #tile.mem<sram>>
  tile.elementwise relu %a[%c0] -> %b[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<128xf32, #tile.mem<sram>>, memref<128xf32, #tile.mem<sram>>
  %c = memref.alloc() : memref<128xf32, #tile.mem<sram>>
  tile.elementwise neg %b[%c0] -> %c[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<128xf32, #tile.mem<sram>>, memref<128xf32, #tile.mem<sram>>
  tile.dma %c[%c0] -> %y[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<128xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<dram>>
  memref.dealloc %a : memref<128xf32, #tile.mem<sram>>
  memref.dealloc %b : memref<128xf32, #tile.mem<sram>>
  memref.dealloc %c : memref<128xf32, #tile.mem<sram>>
  return
}

// -----

// A buffer used inside a loop lives to the loop's end; one made inside the
// body lives within it. DRAM activations are planned the same way, after the
// constants and the arguments; views keep their source alive. (A constant
// nothing refers to would take no DRAM at all.)
// CHECK-LABEL: module attributes {d1.dram_activation_bytes = 128 : i64, d1.dram_activation_bytes_no_reuse = 192 : i64, d1.dram_size = 320 : i64, d1.sram_bound = 192 : i64, d1.sram_peak = 192 : i64, d1.sram_resident_bytes = 0 : i64, d1.sram_resident_spilled = 0 : i64, d1.sram_worst_kernel_permille = 1000 : i64}
// CHECK: memref.global "private" constant @k : memref<4xf32, #tile.mem<dram>> = dense<1.000000e+00> {d1.address = 0 : i64}
// CHECK: func.func @main(%{{.*}}: memref<16xf32, #tile.mem<dram>> {d1.address = 64 : i64, d1.name = "x"}, %{{.*}}: memref<16xf32, #tile.mem<dram>> {d1.address = 128 : i64, d1.name = "y"})
// CHECK: %[[T:.*]] = memref.alloc() {d1.address = 192 : i64} : memref<16xf32, #tile.mem<dram>>
// CHECK: %[[U:.*]] = memref.alloc() {d1.address = 256 : i64} : memref<16xf32, #tile.mem<dram>>
// CHECK: memref.alloc() {d1.address = 0 : i64} : memref<16xf32, #tile.mem<sram>>
// CHECK: scf.for
// CHECK: memref.alloc() {d1.address = 64 : i64} : memref<16xf32, #tile.mem<sram>>
// CHECK: memref.alloc() {d1.address = 128 : i64} : memref<16xf32, #tile.mem<sram>>
// CHECK: %[[W:.*]] = memref.alloc() {d1.address = 192 : i64} : memref<16xf32, #tile.mem<dram>>
memref.global "private" constant @k : memref<4xf32, #tile.mem<dram>> = dense<1.0>
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x"}, %y: memref<16xf32, #tile.mem<dram>> {d1.name = "y"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %k = memref.get_global @k : memref<4xf32, #tile.mem<dram>>
  %t = memref.alloc() : memref<16xf32, #tile.mem<dram>>
  %v = tile.view %t : memref<16xf32, #tile.mem<dram>> to memref<4x4xf32, #tile.mem<dram>>
  %u = memref.alloc() : memref<16xf32, #tile.mem<dram>>
  %s = memref.alloc() : memref<16xf32, #tile.mem<sram>>
  scf.for %i = %c0 to %c4 step %c1 {
    %in = memref.alloc() : memref<16xf32, #tile.mem<sram>>
    %out = memref.alloc() : memref<16xf32, #tile.mem<sram>>
    tile.dma %x[%c0] -> %in[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
    tile.elementwise add %in[%c0], %s[%c0] -> %out[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
    tile.dma %out[%c0] -> %t[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<dram>>
    memref.dealloc %in : memref<16xf32, #tile.mem<sram>>
    memref.dealloc %out : memref<16xf32, #tile.mem<sram>>
  }
  // %t is read through its view, so %u cannot take its bytes.
  tile.dma %s[%c0] -> %u[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<dram>>
  tile.dma %v[%c0] -> %s[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<4x4xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  tile.dma %u[%c0] -> %s[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  // %t is dead now: %w reuses its bytes.
  %w = memref.alloc() : memref<16xf32, #tile.mem<dram>>
  tile.dma %s[%c0] -> %w[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<dram>>
  tile.dma %w[%c0] -> %s[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  tile.dma %s[%c0] -> %y[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<dram>>
  memref.dealloc %s : memref<16xf32, #tile.mem<sram>>
  return
}
