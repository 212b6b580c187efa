// RUN: d1-opt %s -split-input-file -verify-diagnostics --tile-plan-memory
// RUN: not d1-opt %s -split-input-file --tile-plan-memory="sram-reuse=false" 2>&1 | FileCheck %s --check-prefix=NOREUSE

// More bytes live at once than the core has: the error is at the buffer the
// plan puts highest and lists the buffers live there.
// (Lines are counted from each split's start.)
// NOREUSE: overflow.mlir:1 offset :14:8: error: SRAM overflow with reuse off: the buffers allocated up to here take 4160 bytes; the core has 4096 (4160 bytes are live here: 2048 + 2048 + 64)
module attributes {d1.target = #d1.target<{sram_bytes = 4096 : i64}>} {
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<512xf32, #tile.mem<sram>>
  %b = memref.alloc() : memref<512xf32, #tile.mem<sram>>
  // expected-error @+1 {{SRAM overflow: 4160 bytes of buffers are live here (2048 + 2048 + 64 bytes) and the plan needs 4160; the core has 4096}}
  %c = memref.alloc() : memref<16xf32, #tile.mem<sram>>
  tile.elementwise add %a[%c0], %b[%c0] -> %c[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64, params = array<f32>} : memref<512xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<512xf32, #tile.mem<sram>>
  return
}
}

// -----

// Fits only with reuse: %c takes %a's bytes once %a is dead.
// NOREUSE: overflow.mlir:20 offset :11:8: error: SRAM overflow with reuse off: the buffers allocated up to here take 6144 bytes; the core has 4096 (4096 bytes are live here: 2048 + 2048)
module attributes {d1.target = #d1.target<{sram_bytes = 4096 : i64}>} {
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<512xf32, #tile.mem<sram>>
  %b = memref.alloc() : memref<512xf32, #tile.mem<sram>>
  tile.elementwise neg %a[%c0] -> %b[%c0] {count = 512 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<512xf32, #tile.mem<sram>>, memref<512xf32, #tile.mem<sram>>
  %c = memref.alloc() : memref<512xf32, #tile.mem<sram>>
  tile.elementwise neg %b[%c0] -> %c[%c0] {count = 512 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<512xf32, #tile.mem<sram>>, memref<512xf32, #tile.mem<sram>>
  tile.dma %c[%c0] -> %x[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<512xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<dram>>
  return
}
}
