// RUN: d1-opt %s -cse -canonicalize | FileCheck %s

// The effects ISA.td declares per instruction make MLIR's generic passes
// safe on d1isa: arithmetic is pure (CSE merges it, dead code goes), loads
// read SRAM (merged only with no store between), stores, DMA and
// semaphores stay, and the cycle counter and the generator are never
// merged or dropped.

// CHECK-LABEL: func.func @effects
func.func @effects(%p: index, %v: !d1isa.v) -> (index, index, !d1isa.v, !d1isa.v, index, index) {
  // CHECK: %[[A:.*]] = d1isa.add
  // CHECK-NOT: d1isa.add
  %a = d1isa.add %p, %p : (index, index) -> index
  %b = d1isa.add %p, %p : (index, index) -> index
  // An unused product is dead.
  // CHECK-NOT: d1isa.mul
  %dead = d1isa.mul %p, %p : (index, index) -> index
  // Two loads with no store between are one; a store in between keeps the
  // third.
  // CHECK: d1isa.vld
  // CHECK-NEXT: d1isa.vst
  // CHECK-NEXT: d1isa.vld
  %l0 = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
  %l1 = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
  d1isa.vst %v, %p {imm = 0 : i64} : (!d1isa.v, index) -> ()
  %l2 = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
  %s = d1isa.vadd_f32 %l0, %l1 : (!d1isa.v, !d1isa.v) -> !d1isa.v
  // Reads of the cycle counter: both stay, even unused ones.
  // CHECK-COUNT-3: d1isa.cycle
  %c0 = d1isa.cycle : () -> index
  %c1 = d1isa.cycle : () -> index
  %c2 = d1isa.cycle : () -> index
  // Stochastic rounding draws from the generator: both stay.
  // CHECK-COUNT-2: d1isa.vcvtsr_bf16_f32
  %r0 = d1isa.vcvtsr_bf16_f32 %v, %v : (!d1isa.v, !d1isa.v) -> !d1isa.v
  %r1 = d1isa.vcvtsr_bf16_f32 %v, %v : (!d1isa.v, !d1isa.v) -> !d1isa.v
  // CHECK: d1isa.sem_wait
  d1isa.sem_wait {imm = 1 : i64, rd = 1 : i32} : () -> ()
  // CHECK: d1isa.fence
  // CHECK: return %[[A]], %[[A]],
  d1isa.fence : () -> ()
  return %a, %b, %s, %l2, %c0, %c1 : index, index, !d1isa.v, !d1isa.v, index, index
}
