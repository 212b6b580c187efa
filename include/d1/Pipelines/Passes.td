//===- Passes.td - Passes of d1c's pipeline --------------------*- tablegen -*-===//
#ifndef D1_PIPELINES_PASSES_TD
#define D1_PIPELINES_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerToD1ISA : Pass<"d1-lower-to-d1isa", "mlir::ModuleOp"> {
  let summary = "tile -> d1isa: plan memory, convert, schedule; retried without SRAM residency";
  let description = [{
    Runs `tile-plan-memory`, `convert-tile-to-d1isa` and (with `schedule`)
    `d1isa-schedule` as one nested pipeline. With `resident=true`
    activations may stay in SRAM between kernels, leaving `reserve-bytes`
    for the DMA descriptors and tables; a program that needs more, or that
    fails for any other reason with residency, is lowered again from the
    tile IR it started with, without residency. The first attempt's errors
    are dropped, and a remark says that the retry happened; only the second
    attempt's errors are shown.

    This is the step of `buildD1Pipeline` (`d1/Pipelines/Pipelines.h`) that
    d1c and `d1-opt --d1-pipeline` share.

    Before:
    ```mlir
    func.func @main(%x: memref<256xf32, #tile.mem<dram>>, %y: memref<256xf32, #tile.mem<dram>>) {
      %a = memref.alloc() : memref<256xf32, #tile.mem<sram>>
      tile.dma %x[%c0] -> %a[%c0] ...
    ```
    After: the same program as `d1isa` ops on virtual registers, addresses
    planned, each block scheduled.
  }];
  let options = [
    Option<"SramReuse", "sram-reuse", "bool", "true",
           "Let SRAM buffers with disjoint lifetimes share bytes">,
    Option<"DramReuse", "dram-reuse", "bool", "true",
           "Let DRAM activations with disjoint lifetimes share bytes">,
    Option<"Resident", "resident", "bool", "false",
           "Keep activations in SRAM between kernels where they fit (retried without)">,
    Option<"ReserveBytes", "reserve-bytes", "int64_t", "131072",
           "SRAM kept free for DMA descriptors and tables when activations stay resident">,
    Option<"ActivationTables", "activation-tables", "bool", "true",
           "Read activation functions from tables in SRAM where they pay">,
    Option<"SoftwarePipelining", "software-pipelining", "bool", "true",
           "Software-pipeline the inner loops">,
    Option<"Schedule", "schedule", "bool", "true",
           "Order each block's instructions (d1isa-schedule)">
  ];
}

#endif // D1_PIPELINES_PASSES_TD
