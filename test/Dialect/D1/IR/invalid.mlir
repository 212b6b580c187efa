// RUN: d1-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{unknown machine parameter 'sram_size'}}
module attributes {d1.target = #d1.target<{sram_size = 65536 : i64}>} {
}

// -----

// expected-error @+1 {{machine parameter 'sram_bytes' must be an integer}}
module attributes {d1.target = #d1.target<{sram_bytes = "big"}>} {
}

// -----

// expected-error @+1 {{'builtin.module' op unknown attribute 'd1.sram_size' (the d1 dialect declares its attributes; docs/dialects/d1.md)}}
module attributes {d1.sram_size = 4 : i64} {
}

// -----

// expected-error @+1 {{'d1.sram_peak' must be a non-negative integer}}
module attributes {d1.sram_peak = -1 : i64} {
}

// -----

module {
  // expected-error @+1 {{'d1.target' belongs on the module}}
  func.func @main() attributes {d1.target = #d1.target<{}>} {
    return
  }
}

// -----

module {
  // expected-error @+1 {{'d1.name' must be a string}}
  func.func @main(%x: memref<16xf32, #tile.mem<dram>> {d1.name = 3 : i64}) {
    return
  }
}

// -----

module {
  func.func @main() {
    // expected-error @+1 {{'d1.address' belongs on a memref.alloc or memref.global}}
    %c = arith.constant {d1.address = 0 : i64} 0 : index
    return
  }
}
