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
    %a = memref.alloc() : memref<256xf32, #tile.mem<sram>>
    tile.dma %x[%c0] -> %a[%c0] ...
    memref.dealloc %a : memref<256xf32, #tile.mem<sram>>
    %b = memref.alloc() : memref<256xf32, #tile.mem<sram>>
    ```
    After:
    ```mlir
    %a = memref.alloc() {d1.address = 0 : i64} : memref<256xf32, #tile.mem<sram>>
    tile.dma %x[%c0] -> %a[%c0] ...
    memref.dealloc %a : memref<256xf32, #tile.mem<sram>>
    %b = memref.alloc() {d1.address = 0 : i64} : memref<256xf32, #tile.mem<sram>>
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

def AssignSemaphores : Pass<"tile-assign-semaphores", "mlir::ModuleOp"> {
  let summary = "Map each started copy's token to one of the core's semaphores";
  let description = [{
    A `tile.dma` with a `!tile.dma_token` result starts a copy; the
    `tile.dma_wait` that consumes the token completes it. At the ISA level
    the token is a semaphore that the copy increments and the wait
    decrements, so copies in flight at the same time need different ones.

    Tokens joined by `scf.for` iteration arguments (and `scf.if` results)
    are one chain: the copy started in one iteration is waited for in the
    next. Each chain is live from its first copy to its last wait in program
    order, and over the whole of a loop that carries it; chains are given
    semaphores by linear scan (1 to the ISA's highest; 0 belongs to the
    copies that are waited for at once): among the free numbers, one that
    earlier copies of the same shape used (they then share one DMA
    descriptor in SRAM), else the lowest. The
    result is the `sem` attribute of every `tile.dma` and `tile.dma_wait` of
    the chain, which a test may also set by hand (the pass keeps no
    assignment it finds).

    Errors: more chains live at once than there are semaphores (at the copy
    that finds none free); a token waited for more than once or never (a
    copy that would hang or outlive its buffers); a token flowing into an op
    other than `tile.dma_wait`, `scf.for`, `scf.if` and `scf.yield`.

    Before:
    ```mlir
    %t0 = tile.dma %x[%c0] -> %in[%c0] ... -> !tile.dma_token
    %r = scf.for %i = %c0 to %n step %c1 iter_args(%t = %t0) -> (!tile.dma_token) {
      tile.dma_wait %t on %x -> %in : ...
      %next = tile.dma %x[%i] -> %in[%half] ... -> !tile.dma_token
      ...
      scf.yield %next : !tile.dma_token
    }
    tile.dma_wait %r on %x -> %in : ...
    ```
    After: every `tile.dma` and `tile.dma_wait` above has `{sem = 1 : i64}`.
  }];
}

#endif // D1_TILE_TRANSFORMS_PASSES_TD
