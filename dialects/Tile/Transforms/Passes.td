//===- Passes.td - the tile dialect's passes -*- tablegen -*-===//
#ifndef D1_TILE_TRANSFORMS_PASSES_TD
#define D1_TILE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PlanMemory : Pass<"tile-plan-memory", "mlir::ModuleOp"> {
  let summary = "Give every SRAM tile and DRAM activation an address, reusing bytes across lifetimes";
  let description = [{
    Numbers @main's ops in program order (a loop's body counts as part of
    the loop) and gives every `memref.alloc` a live range from the alloc to
    its last use (through `tile.view`s; a use inside a loop keeps the buffer
    to the loop's end; the dealloc does not count). The planner (`d1/Planning/MemoryPlan.h`) then places
    SRAM buffers below the target's `sram_bytes` (`d1.target`) and DRAM activations after the constants
    and @main's arguments, so that buffers live at the same time never share
    a byte, 64-byte aligned; each plan is verified. With `sram-reuse=false`
    or `dram-reuse=false` every buffer gets bytes of its own (the baseline
    that measures the reuse).

    Results are attributes: `d1.address` on allocs, globals and @main's
    arguments; on the module `d1.sram_peak`, `d1.sram_bound` (the most bytes
    live at once: no plan can peak lower), `d1.dram_size`, and for reports
    `d1.sram_worst_kernel_permille` (the largest ratio of a kernel's planned
    peak to its bound), `d1.dram_activation_bytes` and
    `d1.dram_activation_bytes_no_reuse`.

    A plan above `sram_bytes` is an error at the op where the most bytes are
    live, listing the buffers live there and the capacity.

    With `resident=true`, activations of @main that only DMAs touch may stay
    in SRAM between the kernels that write and read them, so their copies
    are SRAM-to-SRAM and never reach DRAM. Each is admitted when it starts;
    where the kernels' own tiles need the room (below `sram_bytes` minus
    `reserve-bytes` for DMA descriptors and tables), the resident activation
    whose next use is farthest away is spilled: it lives in DRAM instead
    (`d1/Planning/MemoryPlan.h`, `chooseResident`). Module attributes
    `d1.sram_resident_bytes` and `d1.sram_resident_spilled` report the
    choice.

    Before:
    ```mlir
    %a = memref.alloc() : memref<256xf32, 1>
    tile.dma %x[%c0] -> %a[%c0] ...
    memref.dealloc %a : memref<256xf32, 1>
    %b = memref.alloc() : memref<256xf32, 1>
    ```
    After:
    ```mlir
    %a = memref.alloc() {d1.address = 0 : i64} : memref<256xf32, 1>
    tile.dma %x[%c0] -> %a[%c0] ...
    memref.dealloc %a : memref<256xf32, 1>
    %b = memref.alloc() {d1.address = 0 : i64} : memref<256xf32, 1>
    ```
  }];
  let options = [
    Option<"SramReuse", "sram-reuse", "bool", "true",
           "Let SRAM buffers with disjoint lifetimes share bytes">,
    Option<"DramReuse", "dram-reuse", "bool", "true",
           "Let DRAM activations with disjoint lifetimes share bytes">,
    Option<"Resident", "resident", "bool", "false",
           "Keep activations in SRAM between kernels where they fit, spilling by Belady's rule">,
    Option<"ReserveBytes", "reserve-bytes", "int64_t", "131072",
           "SRAM kept free for DMA descriptors and tables when activations stay resident">
  ];
}

#endif // D1_TILE_TRANSFORMS_PASSES_TD
