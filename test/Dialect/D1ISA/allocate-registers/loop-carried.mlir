// RUN: d1-opt %s -split-input-file --d1isa-allocate-registers | FileCheck %s
// RUN: d1-opt %s -split-input-file --d1isa-allocate-registers=registers=5 | FileCheck %s --check-prefix=FIVE

// Loop-carried values live in their iteration arguments' registers
// (d1isa.regs: the induction variable's, then each argument's). The entry
// copies the initial values there; the back edge swaps the two arguments,
// a cycle broken by parking one in the scratch register v31; the results
// stay in the arguments' registers.
// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = d1isa.vld {{.*}}d1isa.reg = 0
// CHECK: %[[B:.*]] = d1isa.vld {{.*}}d1isa.reg = 1
// CHECK: %[[IB:.*]] = d1isa.vmv %[[B]] {d1isa.reg = 2 : i64}
// CHECK: %[[IA:.*]] = d1isa.vmv %[[A]] {d1isa.reg = 1 : i64}
// CHECK: %[[R:.*]]:2 = scf.for %{{.*}} iter_args(%[[X:.*]] = %[[IA]], %[[Y:.*]] = %[[IB]])
// CHECK: %[[S:.*]] = d1isa.vadd_f32 %[[X]], %[[Y]] {d1isa.reg = 1 : i64}
// CHECK: %[[PARK:.*]] = d1isa.vmv %[[Y]] {d1isa.reg = 31 : i64}
// CHECK: %[[NS:.*]] = d1isa.vmv %[[S]] {d1isa.reg = 2 : i64}
// CHECK: %[[NY:.*]] = d1isa.vmv %[[PARK]] {d1isa.reg = 1 : i64}
// CHECK: scf.yield %[[NY]], %[[NS]]
// CHECK: } {d1isa.regs = array<i64: 2, 1, 2>}
// CHECK: d1isa.vadd_f32 %[[R]]#0, %[[R]]#1
module attributes {d1.target = #d1.target<{sram_bytes = 8192 : i64}>} {
  func.func @main() attributes {d1.sram_data_address = 4096 : i64} {
    %p = d1isa.li {imm = 0 : i64, d1.hoisted} : () -> index
    %a = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
    %b = d1isa.vld %p {imm = 64 : i64} : (index) -> !d1isa.v
    %lb = d1isa.li {imm = 0 : i64} : () -> index
    %ub = d1isa.li {imm = 4 : i64} : () -> index
    %st = d1isa.li {imm = 1 : i64} : () -> index
    %r:2 = scf.for %i = %lb to %ub step %st iter_args(%x = %a, %y = %b) -> (!d1isa.v, !d1isa.v) {
      %s = d1isa.vadd_f32 %x, %y : (!d1isa.v, !d1isa.v) -> !d1isa.v
      scf.yield %y, %s : !d1isa.v, !d1isa.v
    }
    %t = d1isa.vadd_f32 %r#0, %r#1 : (!d1isa.v, !d1isa.v) -> !d1isa.v
    d1isa.vst %t, %p {imm = 128 : i64} : (!d1isa.v, index) -> ()
    d1isa.vst %a, %p {imm = 192 : i64} : (!d1isa.v, index) -> ()
    return
  }
}

// -----

// Five loop-carried vectors and a load in the loop, with five vector
// registers: %x4, only yielded back, lives in a slot. It leaves the scf.for
// (four arguments remain): the entry stores its initial value in the slot,
// the back edge has nothing to copy (it yields itself), and the exit
// reloads it into a register of its own.
// FIVE-LABEL: func.func @main
// FIVE: %[[ZERO:.*]] = d1isa.x0
// FIVE: %[[E:.*]] = d1isa.vld {{.*}}imm = 256
// FIVE: d1isa.vst %[[E]], %[[ZERO]] {imm = 4096 : i64}
// FIVE-NEXT: %[[R:.*]]:4 = scf.for
// FIVE-NOT: imm = 4096
// FIVE: } {d1isa.regs = array<i64: 2, 0, 1, 2, 3>}
// FIVE-NEXT: %[[X4:.*]] = d1isa.vld %[[ZERO]] {d1isa.reg = 4 : i64, imm = 4096 : i64}
// FIVE: d1isa.vst %[[R]]#0
// FIVE: d1isa.vst %[[X4]]
module attributes {d1.target = #d1.target<{sram_bytes = 8192 : i64}>} {
  func.func @main() attributes {d1.sram_data_address = 4096 : i64} {
    %p = d1isa.li {imm = 0 : i64, d1.hoisted} : () -> index
    %a = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
    %b = d1isa.vld %p {imm = 64 : i64} : (index) -> !d1isa.v
    %c = d1isa.vld %p {imm = 128 : i64} : (index) -> !d1isa.v
    %d = d1isa.vld %p {imm = 192 : i64} : (index) -> !d1isa.v
    %e = d1isa.vld %p {imm = 256 : i64} : (index) -> !d1isa.v
    %lb = d1isa.li {imm = 0 : i64} : () -> index
    %ub = d1isa.li {imm = 4 : i64} : () -> index
    %st = d1isa.li {imm = 1 : i64} : () -> index
    %r:5 = scf.for %i = %lb to %ub step %st iter_args(%x0 = %a, %x1 = %b, %x2 = %c, %x3 = %d, %x4 = %e) -> (!d1isa.v, !d1isa.v, !d1isa.v, !d1isa.v, !d1isa.v) {
      %k = d1isa.vld %p {imm = 320 : i64} : (index) -> !d1isa.v
      %n0 = d1isa.vadd_f32 %x0, %k : (!d1isa.v, !d1isa.v) -> !d1isa.v
      %n1 = d1isa.vadd_f32 %x1, %k : (!d1isa.v, !d1isa.v) -> !d1isa.v
      %n2 = d1isa.vadd_f32 %x2, %k : (!d1isa.v, !d1isa.v) -> !d1isa.v
      %n3 = d1isa.vadd_f32 %x3, %k : (!d1isa.v, !d1isa.v) -> !d1isa.v
      scf.yield %n0, %n1, %n2, %n3, %x4 : !d1isa.v, !d1isa.v, !d1isa.v, !d1isa.v, !d1isa.v
    }
    d1isa.vst %r#0, %p {imm = 384 : i64} : (!d1isa.v, index) -> ()
    d1isa.vst %r#4, %p {imm = 448 : i64} : (!d1isa.v, index) -> ()
    return
  }
}
