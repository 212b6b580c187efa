// RUN: d1-opt %s -split-input-file | FileCheck %s
// RUN: d1-opt %s -split-input-file | d1-opt -split-input-file | FileCheck %s

// The target: parameters by name (the others keep the built-in values).
// CHECK: module attributes {d1.target = #d1.target<{mesh_cols = 2 : i64, mesh_rows = 2 : i64, sram_bytes = 65536 : i64}>}
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64, mesh_rows = 2 : i64, mesh_cols = 2 : i64}>} {
}

// -----

// The declared d1.* attributes, where they belong.
// CHECK-LABEL: module attributes {d1.dram_size = 128 : i64, d1.sram_peak = 64 : i64}
// CHECK: func.func @main(%{{.*}}: memref<16xf32, #tile.mem<dram>> {d1.address = 0 : i64, d1.name = "x"}) -> (memref<16xf32, #tile.mem<dram>> {d1.name = "y"}) attributes {d1.num_inputs = 1 : i64}
// CHECK: memref.alloc() {d1.address = 64 : i64}
module attributes {d1.sram_peak = 64 : i64, d1.dram_size = 128 : i64} {
  func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = "x", d1.address = 0 : i64}) -> (memref<16xf32, #tile.mem<dram>> {d1.name = "y"}) attributes {d1.num_inputs = 1 : i64} {
    %a = memref.alloc() {d1.address = 64 : i64} : memref<16xf32, #tile.mem<sram>>
    return %x : memref<16xf32, #tile.mem<dram>>
  }
}
