// RUN: d1-opt %s -split-input-file -verify-diagnostics --convert-tile-to-d1isa

// Without tile-plan-memory there are no addresses to lower with.
// expected-error @+1 {{buffer without an address (run tile-plan-memory first)}}
func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x"}) attributes {d1.num_inputs = 1 : i64} {
  %a = memref.alloc() : memref<16xf32, #tile.mem<sram>>
  memref.dealloc %a : memref<16xf32, #tile.mem<sram>>
  return
}
