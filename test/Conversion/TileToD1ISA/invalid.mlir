// RUN: d1-opt %s -split-input-file -verify-diagnostics --convert-tile-to-d1isa

// Without tile-plan-memory there are no addresses to lower with.
// expected-error @+1 {{buffer without an address (run tile-plan-memory first)}}
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x"}) attributes {d1.num_inputs = 1 : i64} {
  %a = memref.alloc() : memref<16xf32, #tile.mem<sram>>
  memref.dealloc %a : memref<16xf32, #tile.mem<sram>>
  return
}

// -----

// A started copy needs its semaphore from tile-assign-semaphores.
module attributes {d1.sram_peak = 64 : i64, d1.dram_size = 64 : i64} {
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x", d1.address = 0 : i64}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() {d1.address = 0 : i64} : memref<16xf32, #tile.mem<sram>>
  // expected-error @+1 {{started copy without a semaphore (run tile-assign-semaphores first)}}
  %t = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>> -> !tile.dma_token
  tile.dma_wait %t on %x -> %a : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  memref.dealloc %a : memref<16xf32, #tile.mem<sram>>
  return
}
}

// -----

// Ops of other dialects have no D1 form.
module attributes {d1.sram_peak = 64 : i64, d1.dram_size = 64 : i64} {
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x", d1.address = 0 : i64}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{cannot lower 'memref.load' to D1 instructions}}
  %v = memref.load %x[%c0] : memref<16xf32, #tile.mem<dram>>
  return
}
}

// -----

// A loop at the tile level carries only started copies.
module attributes {d1.sram_peak = 64 : i64, d1.dram_size = 64 : i64} {
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x", d1.address = 0 : i64}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{a tile loop carries only DMA tokens, not 'index'}}
  %r = scf.for %i = %c0 to %c1 step %c1 iter_args(%s = %c0) -> (index) {
    scf.yield %s : index
  }
  return
}
}

// -----

// Scalars at the tile level are indices: an fp32 constant has no kernel.
module attributes {d1.sram_peak = 64 : i64, d1.dram_size = 64 : i64} {
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x", d1.address = 0 : i64}) attributes {d1.num_inputs = 1 : i64} {
  // expected-error @+1 {{cannot lower 'arith.constant' to D1 instructions}}
  %c = arith.constant 1.0 : f32
  return
}
}
