//===- Passes.td - the D1 ISA dialect's passes -*- tablegen -*-===//
#ifndef D1_D1ISA_TRANSFORMS_PASSES_TD
#define D1_D1ISA_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def Schedule : Pass<"d1isa-schedule", "mlir::ModuleOp"> {
  let summary = "Order each basic block's D1 instructions for the in-order core";
  let description = [{
    Runs after `convert-tile-to-d1isa`, on virtual registers. Each block (a
    function body, a loop body) is cut at instructions that must keep their
    place (DMA, semaphores, barriers, branches, nested loops, and `cycle`,
    `rngseed` and `vcvtsr.bf16.f32`, which read or set state no operand
    shows); each piece is
    reordered by `d1::plan::listSchedule` (`d1/Planning/Schedule.h`) over
    the emulator's own issue model (`d1/Target/Timing.h`: latencies, units,
    slots and occupancies from ISA.td and the machine description).
    Dependences are the SSA def-use edges with the producer's latency, and
    memory order: a store stays after the loads and stores before it, and a
    load after the stores before it. An order is kept only when it is
    shorter than program order and needs no more registers of a class than
    program order did or 24, whichever is more (the allocator does not
    spill).

    Before (a load waits behind the add that needs the first load):
    ```mlir
    %a = d1isa.ld %p {imm = 0 : i64} : (index) -> index
    %b = d1isa.addi %a {imm = 1 : i64} : (index) -> index
    %c = d1isa.ld %p {imm = 8 : i64} : (index) -> index
    %d = d1isa.addi %c {imm = 1 : i64} : (index) -> index
    ```
    After:
    ```mlir
    %a = d1isa.ld %p {imm = 0 : i64} : (index) -> index
    %c = d1isa.ld %p {imm = 8 : i64} : (index) -> index
    %b = d1isa.addi %a {imm = 1 : i64} : (index) -> index
    %d = d1isa.addi %c {imm = 1 : i64} : (index) -> index
    ```
  }];
}

def AllocateRegisters : Pass<"d1isa-allocate-registers", "mlir::ModuleOp"> {
  let summary = "Give every value of @main a physical register, spilling to SRAM";
  let description = [{
    Runs last on the d1isa program (after `d1isa-schedule`); the translation
    to .d1x (`d1-translate --d1isa-to-d1x`) reads what it leaves.

    Constant loads (`d1isa.li`) are first re-created at each use (except
    those marked `d1.hoisted`). Then a linear scan over @main in order, with
    loops kept structured: a value used inside a loop it was not defined in
    stays live to the loop's back edge; loop-carried values, loop results and
    tied destinations ask for their partner's register. A value that does
    not fit lives in an SRAM slot (after the descriptors and tables of
    `d1.sram_data`) for its whole life: the one whose web (the values copied
    into one another) is read least often for its length, reads in loops
    counting 8 times per loop. x31 and v31 are reserved for spill code; when
    the accumulators run out, the allocation starts again with the last
    accumulator given up to spill code.

    The result is recorded in the IR: `d1isa.reg` on each instruction with a
    result, `d1isa.regs` on each `scf.for` (the induction variable and the
    iteration arguments, which the results share). Spill code, copies and
    parallel copies are d1isa instructions: reloads (`d1isa.ld`, `vld`,
    `mma_ld`) and stores (`sd`, `vst`, `mma_st`) addressed from `d1isa.x0`
    (accumulators' row stride 32 set in x31 by a `d1isa.li`), moves
    (`addi`, `vmv`); an instruction whose tied destination is elsewhere gets
    a copy first; loop entries, back edges and exits get the copies that put
    each loop-carried value in its argument's register. Iteration arguments
    spilled to a slot leave the `scf.for`: they are memory. Fails with an
    error at the value's location when a class runs out of registers with
    nothing spillable, or the spill slots pass the end of SRAM.

    Before (`registers=4`: v0-v3, and five vectors live at once):
    ```mlir
    %a = d1isa.vld %p {imm = 0 : i64} : (index) -> !d1isa.v
    %b = d1isa.vld %p {imm = 64 : i64} : (index) -> !d1isa.v
    ...
    %e = d1isa.vld %p {imm = 256 : i64} : (index) -> !d1isa.v
    %s = d1isa.vadd_f32 %a, %b : (!d1isa.v, !d1isa.v) -> !d1isa.v
    ```
    After (`%a` lives in the slot at byte 4096, after `d1.sram_data`; it is
    computed in the scratch register v31, stored, and reloaded into v31):
    ```mlir
    %zero = d1isa.x0
    %a = d1isa.vld %p {d1isa.reg = 31 : i64, imm = 0 : i64} : (index) -> !d1isa.v
    d1isa.vst %a, %zero {imm = 4096 : i64} : (!d1isa.v, index) -> ()
    %b = d1isa.vld %p {d1isa.reg = 1 : i64, imm = 64 : i64} : (index) -> !d1isa.v
    ...
    %e = d1isa.vld %p {d1isa.reg = 0 : i64, imm = 256 : i64} : (index) -> !d1isa.v
    %r = d1isa.vld %zero {d1isa.reg = 31 : i64, imm = 4096 : i64} : (index) -> !d1isa.v
    %s = d1isa.vadd_f32 %r, %b {d1isa.reg = 1 : i64} : (!d1isa.v, !d1isa.v) -> !d1isa.v
    ```
  }];
  let options = [
    Option<"Registers", "registers", "int", "31",
           "Scalar and vector registers the allocator may use, 4 to 31 (d1c "
           "--allocatable-registers; fewer force spilling)">,
    Option<"Accumulators", "accumulators", "int", "4",
           "Matrix accumulators the allocator may use, 1 to 4 (d1c "
           "--allocatable-accumulators)">,
  ];
  let dependentDialects = ["::d1::d1isa::D1ISADialect"];
}

#endif // D1_D1ISA_TRANSFORMS_PASSES_TD
