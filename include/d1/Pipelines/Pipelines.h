//===- Pipelines.h - d1c's pass pipeline, shared with d1-opt ----*- C++ -*-===//
//
// The one definition of what d1c runs between the imported graph and the
// d1isa program: d1c builds its pass managers from these functions and
// d1-opt registers them (--d1-pipeline="precision=bf16 disable-fusion=1"),
// so the two cannot diverge. The machine is the module's d1.target.
//
//===----------------------------------------------------------------------===//
#ifndef D1_PIPELINES_PIPELINES_H
#define D1_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace d1 {

#define GEN_PASS_DECL
#include "d1/Pipelines/Passes.h.inc"

/// d1c's switches, as pass-pipeline options.
struct D1PipelineOptions : public mlir::PassPipelineOptions<D1PipelineOptions> {
  Option<unsigned> OptLevel{*this, "opt-level",
                            llvm::cl::desc("0: no optimization; 1 and 2: all (d1c -O0/-O1/-O2)"),
                            llvm::cl::init(2)};
  Option<std::string> Precision{
      *this, "precision",
      llvm::cl::desc("Arithmetic of convolutions and matrix products: fp32 or bf16"),
      llvm::cl::init("fp32")};
  Option<int64_t> SramReserve{
      *this, "sram-reserve",
      llvm::cl::desc("SRAM kept free for DMA descriptors and tables with resident activations"),
      llvm::cl::init(131072)};
  Option<bool> DisableFusion{*this, "disable-fusion", llvm::cl::desc("Lower every op on its own"),
                             llvm::cl::init(false)};
  Option<bool> DisableDepthFirst{*this, "disable-depth-first",
                                 llvm::cl::desc("No depth-first chains of window kernels"),
                                 llvm::cl::init(false)};
  Option<bool> DisableSramResidency{*this, "disable-sram-residency",
                                    llvm::cl::desc("Every activation goes to DRAM between kernels"),
                                    llvm::cl::init(false)};
  Option<bool> DisableActivationTables{*this, "disable-activation-tables",
                                       llvm::cl::desc("Compute every activation function"),
                                       llvm::cl::init(false)};
  Option<bool> DisableScheduling{
      *this, "disable-scheduling",
      llvm::cl::desc("No instruction scheduling, software pipelining or double buffering"),
      llvm::cl::init(false)};
  Option<bool> DisableSramReuse{*this, "disable-sram-reuse",
                                llvm::cl::desc("Every SRAM buffer gets bytes of its own"),
                                llvm::cl::init(false)};
  Option<bool> DisableDramReuse{*this, "disable-dram-reuse",
                                llvm::cl::desc("Every DRAM activation gets bytes of its own"),
                                llvm::cl::init(false)};
  Option<int> AllocatableRegisters{
      *this, "allocatable-registers",
      llvm::cl::desc("Scalar and vector registers for d1isa-allocate-registers (4 to 31)"),
      llvm::cl::init(31)};
  Option<int> AllocatableAccumulators{
      *this, "allocatable-accumulators",
      llvm::cl::desc("Accumulators for d1isa-allocate-registers (1 to 4)"), llvm::cl::init(4)};
};

/// graph -> planned graph: batch-norm folding and fusion (unless O0 or
/// disable-fusion), then graph-select-tiling (every kernel's graph.tiling).
void buildD1GraphPlanPipeline(mlir::OpPassManager &PM, const D1PipelineOptions &O);
/// graph -> tile: the plan pipeline, convert-graph-to-tile, canonicalization.
void buildD1GraphToTilePipeline(mlir::OpPassManager &PM, const D1PipelineOptions &O);
/// tile -> d1isa: d1-lower-to-d1isa (memory plan, conversion, scheduling,
/// the residency retry).
void buildD1TileToISAPipeline(mlir::OpPassManager &PM, const D1PipelineOptions &O);
/// d1isa -> allocated d1isa: d1isa-allocate-registers with the
/// allocatable registers and accumulators; what the translation to .d1x
/// (d1::translateToD1X, d1-translate --d1isa-to-d1x) reads.
void buildD1RegisterAllocationPipeline(mlir::OpPassManager &PM, const D1PipelineOptions &O);
/// graph -> d1isa: the first two above (registers not yet allocated).
void buildD1Pipeline(mlir::OpPassManager &PM, const D1PipelineOptions &O);

/// Registers d1-lower-to-d1isa and the pipelines d1-pipeline,
/// d1-lower-to-tile, d1-lower-to-isa and d1-allocate.
void registerD1Pipelines();

} // namespace d1

#endif
