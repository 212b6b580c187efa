// RUN: d1-opt %s -split-input-file --d1isa-schedule | FileCheck %s

// The second load moves ahead of the add that waits for the first one, so
// both loads' latencies overlap.
// CHECK-LABEL: func.func @loads_first
// CHECK: %[[A:.*]] = d1isa.ld %arg0 {imm = 0 : i64}
// CHECK-NEXT: %[[C:.*]] = d1isa.ld %arg0 {imm = 8 : i64}
// CHECK-NEXT: d1isa.addi %[[A]]
// CHECK-NEXT: d1isa.addi %[[C]]
func.func @loads_first(%p: index) -> (index, index) {
  %a = d1isa.ld %p {imm = 0 : i64} : (index) -> index
  %b = d1isa.addi %a {imm = 1 : i64} : (index) -> index
  %c = d1isa.ld %p {imm = 8 : i64} : (index) -> index
  %d = d1isa.addi %c {imm = 1 : i64} : (index) -> index
  return %b, %d : index, index
}

// -----

// A load after a store stays after it: they may touch the same bytes.
// CHECK-LABEL: func.func @store_then_load
// CHECK: d1isa.sd
// CHECK: d1isa.ld %arg0 {imm = 8 : i64}
func.func @store_then_load(%p: index, %x: index) -> (index, index) {
  %a = d1isa.ld %p {imm = 0 : i64} : (index) -> index
  %b = d1isa.addi %a {imm = 1 : i64} : (index) -> index
  d1isa.sd %b, %p {imm = 8 : i64} : (index, index) -> ()
  %c = d1isa.ld %p {imm = 8 : i64} : (index) -> index
  %d = d1isa.addi %x {imm = 1 : i64} : (index) -> index
  return %c, %d : index, index
}

// -----

// Nothing crosses a DMA or a semaphore wait: the load after the wait stays
// after it even though it could issue first.
// CHECK-LABEL: func.func @control_stays
// CHECK: d1isa.addi
// CHECK: d1isa.addi
// CHECK: d1isa.sem_wait
// CHECK-NEXT: d1isa.ld
func.func @control_stays(%p: index) -> (index, index) {
  %a = d1isa.addi %p {imm = 1 : i64} : (index) -> index
  %b = d1isa.addi %a {imm = 1 : i64} : (index) -> index
  d1isa.sem_wait {imm = 1 : i64, rd = 1 : i32} : () -> ()
  %c = d1isa.ld %p {imm = 0 : i64} : (index) -> index
  return %b, %c : index, index
}

// -----

// In a loop body: the four weight broadcasts of an FMA block go first so
// that no FMA waits for its load.
// CHECK-LABEL: func.func @fma_block
// CHECK: scf.for
// CHECK-COUNT-2: d1isa.vldb_32
// CHECK: d1isa.vfma_f32
// CHECK: d1isa.vfma_f32
// CHECK: scf.yield
func.func @fma_block(%w: index, %x: !d1isa.v, %n: index) -> (!d1isa.v, !d1isa.v) {
  %c0 = d1isa.li {imm = 0 : i64} : () -> index
  %c1 = d1isa.li {imm = 1 : i64} : () -> index
  %z = d1isa.vbcasti_32 {imm = 0 : i64} : () -> !d1isa.v
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%s0 = %z, %s1 = %z) -> (!d1isa.v, !d1isa.v) {
    %a0 = d1isa.vldb_32 %w {imm = 0 : i64} : (index) -> !d1isa.v
    %f0 = d1isa.vfma_f32 %a0, %x, %s0 : (!d1isa.v, !d1isa.v, !d1isa.v) -> !d1isa.v
    %a1 = d1isa.vldb_32 %w {imm = 4 : i64} : (index) -> !d1isa.v
    %f1 = d1isa.vfma_f32 %a1, %x, %s1 : (!d1isa.v, !d1isa.v, !d1isa.v) -> !d1isa.v
    scf.yield %f0, %f1 : !d1isa.v, !d1isa.v
  }
  return %r#0, %r#1 : !d1isa.v, !d1isa.v
}

// -----

// Reading the cycle counter keeps its place: the loads do not move across
// it.
// CHECK-LABEL: func.func @cycle_counter
// CHECK: d1isa.ld %arg0 {imm = 0 : i64}
// CHECK-NEXT: d1isa.addi
// CHECK-NEXT: d1isa.cycle
// CHECK-NEXT: d1isa.ld %arg0 {imm = 8 : i64}
func.func @cycle_counter(%p: index) -> (index, index, index) {
  %a = d1isa.ld %p {imm = 0 : i64} : (index) -> index
  %b = d1isa.addi %a {imm = 1 : i64} : (index) -> index
  %t = d1isa.cycle : () -> index
  %c = d1isa.ld %p {imm = 8 : i64} : (index) -> index
  return %b, %t, %c : index, index, index
}

// -----

// vins.32 writes into its first operand's register: the add that reads the
// old value stays before it, though the insert could issue while the add
// waits for its load.
// CHECK-LABEL: func.func @tied_destination
// CHECK: d1isa.vadd_f32 %{{.*}}, %arg1
// CHECK: d1isa.vins_32 %arg1
func.func @tied_destination(%p: index, %v: !d1isa.v, %x: index) -> (!d1isa.v, !d1isa.v) {
  %a = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
  %r = d1isa.vadd_f32 %a, %v : (!d1isa.v, !d1isa.v) -> !d1isa.v
  %w = d1isa.vins_32 %v, %x {imm = 3 : i64} : (!d1isa.v, index) -> !d1isa.v
  return %r, %w : !d1isa.v, !d1isa.v
}

// -----

// A software-pipelined loop: the next iteration's tile (%next) goes back to
// the register of the current one (%t), so its load moves up only as far
// as the reader of %t; the independent load of %q moves up too, ahead of
// the FMA that waits for %f.
// CHECK-LABEL: func.func @loop_carried
// CHECK: scf.for {{.*}} iter_args(%[[T:[a-z0-9]+]] = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK-NEXT: d1isa.vfma_f32 %[[T]]
// CHECK-NEXT: d1isa.vld %arg1
// CHECK-NEXT: d1isa.vld %arg0 {imm = 64 : i64}
// CHECK: scf.yield
func.func @loop_carried(%p: index, %q: index, %x: !d1isa.v, %n: index) -> (!d1isa.v, !d1isa.v) {
  %c0 = d1isa.li {imm = 0 : i64} : () -> index
  %c1 = d1isa.li {imm = 1 : i64} : () -> index
  %first = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%t = %first, %s = %x) -> (!d1isa.v, !d1isa.v) {
    %f = d1isa.vfma_f32 %t, %x, %s : (!d1isa.v, !d1isa.v, !d1isa.v) -> !d1isa.v
    %g = d1isa.vfma_f32 %f, %x, %x : (!d1isa.v, !d1isa.v, !d1isa.v) -> !d1isa.v
    %o = d1isa.vld %q {imm = 0 : i64} : (index) -> !d1isa.v
    %h = d1isa.vfma_f32 %o, %x, %x : (!d1isa.v, !d1isa.v, !d1isa.v) -> !d1isa.v
    %k = d1isa.vadd_f32 %g, %h : (!d1isa.v, !d1isa.v) -> !d1isa.v
    %next = d1isa.vld %p {imm = 64 : i64} : (index) -> !d1isa.v
    scf.yield %next, %k : !d1isa.v, !d1isa.v
  }
  return %r#0, %r#1 : !d1isa.v, !d1isa.v
}
