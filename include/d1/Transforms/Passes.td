//===- Passes.td - d1c's optimization passes -------------------*- tablegen -*-===//
#ifndef D1_TRANSFORMS_PASSES_TD
#define D1_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PlanMemory : Pass<"d1-plan-memory", "mlir::ModuleOp"> {
  let summary = "Give every SRAM tile and DRAM activation an address, reusing bytes across lifetimes";
  let description = [{
    Numbers @main's ops in program order (a loop's body counts as part of
    the loop) and gives every `memref.alloc` a live range from the alloc to
    its last use (through `tile.view`s; a use inside a loop keeps the buffer
    to the loop's end; the dealloc does not count). The planner (`d1/Planning/MemoryPlan.h`) then places
    SRAM buffers below `sram-bytes` and DRAM activations after the constants
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

    A plan above `sram-bytes` is an error at the op where the most bytes are
    live, listing the buffers live there and the capacity.

    With `resident=true`, activations of @main that only DMAs touch may stay
    in SRAM between the kernels that write and read them, so their copies
    are SRAM-to-SRAM and never reach DRAM. Each is admitted when it starts;
    where the kernels' own tiles need the room (below `sram-bytes` minus
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
    Option<"SramBytes", "sram-bytes", "int64_t", "1310720",
           "SRAM per core (the target's sram_bytes)">,
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

def FoldBatchNorm : Pass<"d1-fold-batch-norm", "mlir::ModuleOp"> {
  let summary = "Fold inference batch normalization into the convolution before it";
  let description = [{
    A `graph.batch_norm` with constant parameters is y = x * a + b per
    channel, a = scale / sqrt(variance + epsilon), b = bias - mean * a.
    When x is a convolution with constant weights whose only reader is the
    batch norm, a scales each filter and the bias becomes bias * a + b: the
    batch norm costs nothing at run time. Otherwise it becomes a `graph.mul`
    and a `graph.add` by per-channel constants, which `d1-fuse` can run in
    the epilogue of the op before it. Part of fusion: `d1c --disable-fusion`
    skips it, and the batch norm is then its own two passes over memory.

    Before:
    ```mlir
    %c = graph.conv %x, %w, %b {...} : (...) -> tensor<1x8x4x4xf32>
    %y = graph.batch_norm %c, %s, %t, %m, %v {epsilon = 1.0e-05 : f32} : (...) -> tensor<1x8x4x4xf32>
    ```
    After:
    ```mlir
    %w2 = graph.constant dense<...> : tensor<8x4x3x3xf32>
    %b2 = graph.constant dense<...> : tensor<8xf32>
    %y = graph.conv %x, %w2, %b2 {...} : (...) -> tensor<1x8x4x4xf32>
    ```
  }];
  let dependentDialects = ["d1::graph::GraphDialect"];
}

def Fuse : Pass<"d1-fuse", "mlir::ModuleOp"> {
  let summary = "Group ops into kernels whose intermediates stay in SRAM: epilogues, row kernels and depth-first chains";
  let description = [{
    Walks each function in order. A convolution, matmul or gemm starts a group; an
    fp32 elementwise op joins the group of one of its operands' producers
    when the cost model (`d1/Planning/CostModel.h`, over the machine
    description) says running it on the anchor's output tiles saves more
    DMA cycles than the anchor loses to the SRAM its tiles need, and the
    group still fits. The producer's DAG is followed, not only chains: an op
    may read several values of the group (x * sigmoid(x)), values of the
    group may have several readers, and other operands may be whole tensors
    of the anchor's shape (a residual) or broadcast along its channels,
    rows or columns (biases, batch-norm scales, constants). A group becomes
    a `graph.fused epilogue` op placed at its last member, yielding the
    values read after it.

    An op no epilogue takes may instead join, or start, a row kernel
    (`graph.fused rows`, rules in `d1/Conversion/Rows.h`): fp32 elementwise
    ops, last-axis reductions and softmax over whole rows of one domain,
    with per-row, per-column and scalar operands. It joins when the cost
    model says the DRAM round trip it saves is worth more than the extra
    tiles its SRAM costs; a decomposed layer norm or softmax becomes one
    pass over memory. A group of one op stays as it was.

    Then consecutive window kernels chain depth-first (`graph.fused
    depth_first`; option `depth-first`): a convolution's group, or a max
    pooling, whose one value is read only by the next convolution or max
    pooling joins it when the chain's tiles (every stage's input rows,
    weights and bias at once; `d1/Planning/Tiling.h`, `chainTiling`) fit and
    the cost model prices its DMAs below the stages' own. Every stage but the
    last then keeps its output in SRAM: the ResNet stem (convolution, relu,
    max pooling) and MobileNetV2's expansion, depthwise and projection
    convolutions each read their input and write their output once.

    Before:
    ```mlir
    %c = graph.conv %x, %w, %b {...} : (...) -> tensor<1x8x4x4xf32>
    %s = graph.add %c, %r : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
    %y = graph.relu %s : tensor<1x8x4x4xf32>
    ```
    After:
    ```mlir
    %y = graph.fused epilogue {
      %c = graph.conv %x, %w, %b {...} : (...) -> tensor<1x8x4x4xf32>
      %s = graph.add %c, %r : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
      %y = graph.relu %s : tensor<1x8x4x4xf32>
      graph.yield %y : tensor<1x8x4x4xf32>
    } : tensor<1x8x4x4xf32>
    ```
    and a convolution whose relu output only a max pooling reads:
    ```mlir
    %y = graph.fused depth_first {
      %c = graph.conv %x, %w, %b {...} : (...) -> tensor<1x16x32x32xf32>
      %r = graph.relu %c : tensor<1x16x32x32xf32>
      %p = graph.max_pool %r {...} : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
      graph.yield %p : tensor<1x16x16x16xf32>
    } : tensor<1x16x16x16xf32>
    ```
  }];
  let options = [
    Option<"Target", "target", "std::string", "\"\"",
           "Machine description file (default: the D1 parameters of Machine.td)">,
    Option<"SramBytes", "sram-bytes", "int64_t", "0",
           "SRAM per core, overriding the target's (0: the target's)">,
    Option<"DepthFirst", "depth-first", "bool", "true",
           "Chain consecutive window kernels depth-first where it pays">
  ];
  let dependentDialects = ["d1::graph::GraphDialect"];
}


def Schedule : Pass<"d1-schedule", "mlir::ModuleOp"> {
  let summary = "Order each basic block's D1 instructions for the in-order core";
  let description = [{
    Runs after `d1-tile-to-isa`, on virtual registers. Each block (a
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
  let options = [
    Option<"Target", "target", "std::string", "\"\"",
           "Machine description file (default: the D1 parameters of Machine.td)">
  ];
}

#endif
