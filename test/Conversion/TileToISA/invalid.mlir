// RUN: d1-opt %s -split-input-file -verify-diagnostics --d1-tile-to-isa=sram-bytes=1024

func.func @main(%x: memref<16xf32> {d1.name = "x"}) attributes {d1.num_inputs = 1 : i64} {
  // expected-error @+1 {{SRAM overflow: a 4096-byte buffer does not fit in 1024 bytes}}
  %a = memref.alloc() : memref<1024xf32, 1>
  memref.dealloc %a : memref<1024xf32, 1>
  return
}
