// RUN: d1-opt %s -split-input-file -verify-diagnostics --d1isa-allocate-registers=registers=4

// With four registers, x0 and the scratch x31 aside, three scalars fit;
// constants are never spilled (they are re-created instead).
module {
  func.func @main() {
    %a = d1isa.li {imm = 1 : i64, d1.hoisted} : () -> index
    %b = d1isa.li {imm = 2 : i64, d1.hoisted} : () -> index
    %c = d1isa.li {imm = 3 : i64, d1.hoisted} : () -> index
    // expected-error @+1 {{too many live scalar values for the registers, none of which can be spilled}}
    %d = d1isa.li {imm = 4 : i64, d1.hoisted} : () -> index
    %s = d1isa.add %a, %b : (index, index) -> index
    %t = d1isa.add %c, %d : (index, index) -> index
    d1isa.sd %s, %t {imm = 0 : i64} : (index, index) -> ()
    return
  }
}

// -----

// A spill slot past the end of SRAM: the descriptors end where SRAM does.
module attributes {d1.target = #d1.target<{sram_bytes = 4096 : i64}>} {
  func.func @main() attributes {d1.sram_data_address = 4096 : i64} {
    %p = d1isa.li {imm = 0 : i64, d1.hoisted} : () -> index
    // expected-error @+1 {{SRAM overflow: spilled registers need 64 bytes after the descriptors and tables, past the core's 4096}}
    %a = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
    %b = d1isa.vld %p {imm = 64 : i64} : (index) -> !d1isa.v
    %c = d1isa.vld %p {imm = 128 : i64} : (index) -> !d1isa.v
    %d = d1isa.vld %p {imm = 192 : i64} : (index) -> !d1isa.v
    %e = d1isa.vld %p {imm = 256 : i64} : (index) -> !d1isa.v
    %s = d1isa.vadd_f32 %a, %b : (!d1isa.v, !d1isa.v) -> !d1isa.v
    %t = d1isa.vadd_f32 %s, %c : (!d1isa.v, !d1isa.v) -> !d1isa.v
    %u = d1isa.vadd_f32 %t, %d : (!d1isa.v, !d1isa.v) -> !d1isa.v
    %v = d1isa.vadd_f32 %u, %e : (!d1isa.v, !d1isa.v) -> !d1isa.v
    d1isa.vst %v, %p {imm = 320 : i64} : (!d1isa.v, index) -> ()
    return
  }
}

// -----

// Only d1isa instructions and loops have registers.
module {
  func.func @main() {
    // expected-error @+1 {{cannot allocate registers for 'arith.constant': not a d1isa instruction}}
    %c = arith.constant 0 : index
    d1isa.sd %c, %c {imm = 0 : i64} : (index, index) -> ()
    return
  }
}

// -----

// expected-error @+1 {{the module is not at the ISA level (run convert-tile-to-d1isa first)}}
module {
  func.func @main(%p: index) {
    return
  }
}

// -----

module {
  // expected-error @+1 {{registers are already allocated}}
  func.func @main() {
    %a = d1isa.li {d1isa.reg = 1 : i64, imm = 1 : i64} : () -> index
    return
  }
}
