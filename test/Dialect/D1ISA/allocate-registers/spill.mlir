// RUN: d1-opt %s --d1isa-allocate-registers | FileCheck %s --check-prefix=ALL
// RUN: d1-opt %s --d1isa-allocate-registers=registers=4 | FileCheck %s
// RUN: d1-opt %s --d1isa-allocate-registers=registers=4 | d1-translate --d1isa-to-d1x -o %t.d1x
// RUN: d1-objdump %t.d1x | FileCheck %s --check-prefix=ASM

// Five vectors live at once. With every register, each has its own and
// nothing touches SRAM.
// ALL-NOT: d1isa.x0
// ALL-NOT: imm = 4096

// With four vector registers (v0-v3; v31 is the scratch register), the
// value read least often for its length, %a, lives in a slot after
// d1.sram_data_address: computed in v31 and stored, reloaded into v31 from
// x0 + 4096 before its one read.
// CHECK: %[[ZERO:.*]] = d1isa.x0
// CHECK: %[[P:.*]] = d1isa.li {{.*}}d1isa.reg = 1
// CHECK: %[[A:.*]] = d1isa.vld %[[P]] {d1isa.reg = 31 : i64, imm = 0 : i64}
// CHECK-NEXT: d1isa.vst %[[A]], %[[ZERO]] {imm = 4096 : i64}
// CHECK-COUNT-4: d1isa.vld %[[P]] {d1isa.reg = {{[0-3]}} : i64
// CHECK: %[[R:.*]] = d1isa.vld %[[ZERO]] {d1isa.reg = 31 : i64, imm = 4096 : i64}
// CHECK-NEXT: d1isa.vadd_f32 %[[R]], %{{.*}} {d1isa.reg = {{[0-3]}} : i64}

// ASM: vld v31, 0(x1)
// ASM: vst v31, 4096(x0)
// ASM: vld v31, 4096(x0)
// ASM: vadd.f32 v{{[0-3]}}, v31, v{{[0-3]}}

module attributes {d1.target = #d1.target<{sram_bytes = 8192 : i64}>} {
  func.func @main() attributes {d1.sram_data_address = 4096 : i64} {
    %p = d1isa.li {imm = 0 : i64, d1.hoisted} : () -> index
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
