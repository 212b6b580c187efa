// RUN: d1-translate --d1isa-to-d1x %s -o %t.d1x
// RUN: d1-objdump %t.d1x | FileCheck %s
// RUN: d1-run %t.d1x --stats-json - --quiet | FileCheck %s --check-prefix=STATS

// The translation of an allocated module (as d1isa-allocate-registers
// leaves it): each instruction is one word with the registers of d1isa.reg
// and d1isa.regs, d1isa.x0 is x0 and emits nothing, and the loop becomes its
// body and a back edge: advance the induction variable by the constant
// step, re-create the constant bound in x31, branch back while below it.
// The copies are already instructions of the module.
// CHECK: .core 0
// CHECK: .loc "{{.*}}d1isa-to-d1x.mlir" {{[0-9]+}} 10
// CHECK-NEXT: li x1, 0
// CHECK-NEXT: .loc "{{.*}}d1isa-to-d1x.mlir" {{[0-9]+}} 10
// CHECK-NEXT: vld v0, 0(x1)
// CHECK: vmv v2, v1
// CHECK: vmv v1, v0
// CHECK: [[TOP:.Lpc[0-9]+]]:
// CHECK: vadd.f32 v1, v1, v2
// CHECK: vmv v31, v2
// CHECK: vmv v2, v1
// CHECK: vmv v1, v31
// CHECK: addi x2, x2, 1
// CHECK: li x31, 4
// CHECK: blt x2, x31, [[TOP]]
// CHECK: vadd.f32 v1, v1, v2
// CHECK: vst v1, 128(x1)
// CHECK: vst v31, 192(x0)
// CHECK: halt
// The two vectors swap 4 times: 13 instructions before the loop and after,
// 7 in each iteration.
// STATS: "instructions": 41,

module attributes {d1.target = #d1.target<{sram_bytes = 8192 : i64}>} {
  func.func @main() {
    %zero = d1isa.x0
    %p = d1isa.li {d1isa.reg = 1 : i64, imm = 0 : i64} : () -> index
    %a = d1isa.vld %p {d1isa.reg = 0 : i64, imm = 0 : i64} : (index) -> !d1isa.v
    %b = d1isa.vld %p {d1isa.reg = 1 : i64, imm = 64 : i64} : (index) -> !d1isa.v
    %lb = d1isa.li {d1isa.reg = 2 : i64, imm = 0 : i64} : () -> index
    %ub = d1isa.li {d1isa.reg = 3 : i64, imm = 4 : i64} : () -> index
    %st = d1isa.li {d1isa.reg = 4 : i64, imm = 1 : i64} : () -> index
    %ib = d1isa.vmv %b {d1isa.reg = 2 : i64} : (!d1isa.v) -> !d1isa.v
    %ia = d1isa.vmv %a {d1isa.reg = 1 : i64} : (!d1isa.v) -> !d1isa.v
    %r:2 = scf.for %i = %lb to %ub step %st iter_args(%x = %ia, %y = %ib) -> (!d1isa.v, !d1isa.v) {
      %s = d1isa.vadd_f32 %x, %y {d1isa.reg = 1 : i64} : (!d1isa.v, !d1isa.v) -> !d1isa.v
      %park = d1isa.vmv %y {d1isa.reg = 31 : i64} : (!d1isa.v) -> !d1isa.v
      %ns = d1isa.vmv %s {d1isa.reg = 2 : i64} : (!d1isa.v) -> !d1isa.v
      %ny = d1isa.vmv %park {d1isa.reg = 1 : i64} : (!d1isa.v) -> !d1isa.v
      scf.yield %ny, %ns : !d1isa.v, !d1isa.v
    } {d1isa.regs = array<i64: 2, 1, 2>}
    %t = d1isa.vadd_f32 %r#0, %r#1 {d1isa.reg = 1 : i64} : (!d1isa.v, !d1isa.v) -> !d1isa.v
    d1isa.vst %t, %p {imm = 128 : i64} : (!d1isa.v, index) -> ()
    %sp = d1isa.vmv %a {d1isa.reg = 31 : i64} : (!d1isa.v) -> !d1isa.v
    d1isa.vst %sp, %zero {imm = 192 : i64} : (!d1isa.v, index) -> ()
    d1isa.halt : () -> ()
    return
  }
}
