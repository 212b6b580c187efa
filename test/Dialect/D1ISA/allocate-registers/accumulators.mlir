// RUN: d1-opt %s --d1isa-allocate-registers | FileCheck %s --check-prefix=FOUR
// RUN: d1-opt %s --d1isa-allocate-registers=accumulators=2 | FileCheck %s

// Three accumulators live at once. With four, each has its own.
// FOUR-COUNT-3: d1isa.mma {{.*}}d1isa.reg = {{[0-2]}}
// FOUR-NOT: mma_st

// With two, the allocation fails for the accumulator class and starts
// again with acc1 given up to spill code: %m0 keeps acc0, the other two
// live in 256-byte slots (8 rows of 32 bytes) and pass through acc1. Each
// accumulator reload and store first sets the row stride, 32, in x31.
// CHECK: %[[ZERO:.*]] = d1isa.x0
// CHECK: %[[Z0:.*]] = d1isa.mma_zero {d1isa.reg = 0 : i64}
// CHECK: %[[Z1:.*]] = d1isa.mma_zero {d1isa.reg = 1 : i64}
// CHECK-NEXT: %[[S1:.*]] = d1isa.li {d1isa.reg = 31 : i64, imm = 32 : i64}
// CHECK-NEXT: d1isa.mma_st %[[Z1]], %[[ZERO]], %[[S1]] {imm = 4096 : i64}
// CHECK: d1isa.mma_st {{.*}} {imm = 4352 : i64}
// CHECK: d1isa.mma %[[Z0]], {{.*}} {d1isa.reg = 0 : i64}
// CHECK: %[[S2:.*]] = d1isa.li {d1isa.reg = 31 : i64, imm = 32 : i64}
// CHECK-NEXT: %[[L1:.*]] = d1isa.mma_ld %[[ZERO]], %[[S2]] {d1isa.reg = 1 : i64, imm = 4096 : i64}
// CHECK-NEXT: %[[M1:.*]] = d1isa.mma %[[L1]], {{.*}} {d1isa.reg = 1 : i64}
// CHECK-NEXT: d1isa.li {d1isa.reg = 31 : i64, imm = 32 : i64}
// CHECK-NEXT: d1isa.mma_st %[[M1]], %[[ZERO]], {{.*}} {imm = 4096 : i64}
// CHECK-NOT: d1isa.reg = 2
module attributes {d1.target = #d1.target<{sram_bytes = 8192 : i64}>} {
  func.func @main() attributes {d1.sram_data_address = 4096 : i64} {
    %p = d1isa.li {imm = 0 : i64, d1.hoisted} : () -> index
    %v = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
    %z0 = d1isa.mma_zero : () -> !d1isa.acc
    %z1 = d1isa.mma_zero : () -> !d1isa.acc
    %z2 = d1isa.mma_zero : () -> !d1isa.acc
    %m0 = d1isa.mma %z0, %v, %v : (!d1isa.acc, !d1isa.v, !d1isa.v) -> !d1isa.acc
    %m1 = d1isa.mma %z1, %v, %v : (!d1isa.acc, !d1isa.v, !d1isa.v) -> !d1isa.acc
    %m2 = d1isa.mma %z2, %v, %v : (!d1isa.acc, !d1isa.v, !d1isa.v) -> !d1isa.acc
    %r0 = d1isa.mma_rd %m0 {imm = 0 : i64} : (!d1isa.acc) -> !d1isa.v
    d1isa.vst %r0, %p {imm = 64 : i64} : (!d1isa.v, index) -> ()
    %r1 = d1isa.mma_rd %m1 {imm = 0 : i64} : (!d1isa.acc) -> !d1isa.v
    d1isa.vst %r1, %p {imm = 128 : i64} : (!d1isa.v, index) -> ()
    %r2 = d1isa.mma_rd %m2 {imm = 0 : i64} : (!d1isa.acc) -> !d1isa.v
    d1isa.vst %r2, %p {imm = 192 : i64} : (!d1isa.v, index) -> ()
    return
  }
}
