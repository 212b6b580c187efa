// RUN: d1-translate --d1isa-to-d1x %s -split-input-file -verify-diagnostics -o /dev/null

// The translation allocates nothing: a register missing from the module is
// an error at the op.
module {
  func.func @main() {
    %p = d1isa.li {d1isa.reg = 1 : i64, imm = 0 : i64} : () -> index
    // expected-error @+1 {{'d1isa.vld' op has no register for its result (run d1isa-allocate-registers first)}}
    %a = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
    return
  }
}

// -----

// Loop-carried values must already be in their arguments' registers.
module {
  func.func @main() {
    %p = d1isa.li {d1isa.reg = 1 : i64, imm = 0 : i64} : () -> index
    %a = d1isa.vld %p {d1isa.reg = 0 : i64, imm = 0 : i64} : (index) -> !d1isa.v
    // expected-error @+1 {{'scf.for' op an initial value is in register 0, not 3 (the allocator's copy is missing)}}
    %r = scf.for %i = %p to %p step %p iter_args(%x = %a) -> (!d1isa.v) {
      scf.yield %x : !d1isa.v
    } {d1isa.regs = array<i64: 1, 3>}
    return
  }
}

// -----

// A loop whose registers were never allocated.
module {
  func.func @main() {
    %p = d1isa.li {d1isa.reg = 1 : i64, imm = 0 : i64} : () -> index
    // expected-error @+1 {{'scf.for' op reads block argument #0 that has no register (run d1isa-allocate-registers first)}}
    scf.for %i = %p to %p step %p {
    }
    return
  }
}

// -----

// The SRAM data must be there, not elided by the printer (the allocator
// reads only its size).
module {
  // expected-error @+1 {{d1.sram_data holds no bytes (elided? print the module with --mlir-elide-elementsattrs-if-larger=N)}}
  func.func @main() attributes {d1.sram_data = dense_resource<__elided__> : tensor<64xi8>, d1.sram_data_address = 0 : i64} {
    return
  }
}

// -----

// expected-error @+1 {{the module is not at the ISA level (run convert-tile-to-d1isa first)}}
module {
}
