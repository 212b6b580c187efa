// RUN: d1-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// The registers d1isa-allocate-registers records, declared and verified by
// the d1isa dialect.
// CHECK-LABEL: func.func @main
// CHECK: d1isa.x0
// CHECK: d1isa.reg = 1 : i64
// CHECK: d1isa.regs = array<i64: 2, 0>
module {
  func.func @main() {
    %z = d1isa.x0
    %n = d1isa.li {d1isa.reg = 1 : i64, imm = 4 : i64} : () -> index
    %v = d1isa.vld %z {d1isa.reg = 0 : i64, imm = 0 : i64} : (index) -> !d1isa.v
    %r = scf.for %i = %z to %n step %n iter_args(%x = %v) -> (!d1isa.v) {
      scf.yield %x : !d1isa.v
    } {d1isa.regs = array<i64: 2, 0>}
    return
  }
}

// -----

func.func @acc() {
  // expected-error @+1 {{'d1isa.reg' gives register 4 to a value of type '!d1isa.acc' (0 to 3)}}
  %a = d1isa.mma_zero {d1isa.reg = 4 : i64} : () -> !d1isa.acc
  return
}

// -----

func.func @x0() {
  // expected-error @+1 {{'d1isa.reg' gives register 0 to a value of type 'index' (1 to 31)}}
  %a = d1isa.li {d1isa.reg = 0 : i64, imm = 1 : i64} : () -> index
  return
}

// -----

func.func @no_result(%p: index) {
  // expected-error @+1 {{'d1isa.reg' belongs on a d1isa instruction with a result}}
  d1isa.sd %p, %p {d1isa.reg = 1 : i64, imm = 0 : i64} : (index, index) -> ()
  return
}

// -----

func.func @loop(%n: index) {
  // expected-error @+1 {{'d1isa.regs' must be an array<i64: ...> of 1 registers: the induction variable's, then each iteration argument's}}
  scf.for %i = %n to %n step %n {
  } {d1isa.regs = array<i64: 1, 2>}
  return
}

// -----

// expected-error @+1 {{unknown attribute 'd1isa.register' (the d1isa dialect declares d1isa.reg and d1isa.regs)}}
func.func @unknown() attributes {d1isa.register = 1 : i64} {
  return
}
