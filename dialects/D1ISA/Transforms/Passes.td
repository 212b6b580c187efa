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

#endif // D1_D1ISA_TRANSFORMS_PASSES_TD
