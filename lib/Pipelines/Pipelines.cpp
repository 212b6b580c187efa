//===- Pipelines.cpp - d1c's pass pipeline, shared with d1-opt ------------===//
#include "d1/Pipelines/Pipelines.h"
#include "d1/Conversion/Passes.h"
#include "dialects/D1ISA/Transforms/Passes.h"
#include "dialects/Graph/Transforms/Passes.h"
#include "dialects/Tile/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace d1 {
#define GEN_PASS_DEF_LOWERTOD1ISA
#include "d1/Pipelines/Passes.h.inc"
} // namespace d1

using namespace d1;

namespace {

struct LowerToD1ISA : public d1::impl::LowerToD1ISABase<LowerToD1ISA> {
  using LowerToD1ISABase::LowerToD1ISABase;

  void build(mlir::OpPassManager &PM, bool WithResidency) const {
    PlanMemoryOptions PO;
    PO.SramReuse = SramReuse;
    PO.DramReuse = DramReuse;
    PO.Resident = WithResidency;
    PO.ReserveBytes = ReserveBytes;
    PM.addPass(createPlanMemory(PO));
    PM.addPass(createAssignSemaphores());
    // No CSE here: the lowering builds each address next to its use, and
    // sharing them would keep them live across whole loops.
    TileToISAOptions TO;
    TO.ActivationTables = ActivationTables;
    TO.SoftwarePipelining = SoftwarePipelining;
    PM.addPass(createTileToISA(TO));
    if (Schedule)
      PM.addPass(createSchedule());
  }

  void getDependentDialects(mlir::DialectRegistry &Registry) const override {
    mlir::OpPassManager PM(mlir::ModuleOp::getOperationName());
    build(PM, Resident);
    PM.getDependentDialects(Registry);
  }

  void runOnOperation() override {
    mlir::ModuleOp Module = getOperation();
    mlir::OpPassManager PM(mlir::ModuleOp::getOperationName());
    if (Resident) {
      // The tile IR as it was, for the second attempt.
      mlir::OwningOpRef<mlir::ModuleOp> Backup(Module.clone());
      build(PM, true);
      mlir::LogicalResult First = mlir::failure();
      {
        mlir::ScopedDiagnosticHandler Quietly(&getContext(),
                                              [](mlir::Diagnostic &) { return mlir::success(); });
        First = runPipeline(PM, Module);
      }
      if (mlir::succeeded(First))
        return;
      Module.getBodyRegion().takeBody(Backup->getBodyRegion());
      Module->setAttrs(Backup.get()->getAttrDictionary());
      mlir::emitRemark(Module.getLoc(), "retrying without SRAM residency");
      PM.clear();
    }
    build(PM, false);
    if (mlir::failed(runPipeline(PM, Module)))
      signalPassFailure();
  }
};

} // namespace

void d1::buildD1GraphPlanPipeline(mlir::OpPassManager &PM, const D1PipelineOptions &O) {
  bool Bf16 = O.Precision == "bf16";
  if (O.OptLevel != 0 && !O.DisableFusion) {
    FuseOptions FO;
    // Chains run their convolutions on the vector unit: with bf16 each
    // convolution runs on its own on the matrix unit instead.
    FO.DepthFirst = !O.DisableDepthFirst && !Bf16;
    PM.addPass(createFoldBatchNorm());
    PM.addPass(createFuse(FO));
  }
  SelectTilingOptions SO;
  SO.Precision = Bf16 ? "bf16" : "fp32";
  // Double buffering is DMA/compute overlap, scheduled at the tile level.
  SO.DoubleBuffer = !O.DisableScheduling;
  PM.addPass(createSelectTiling(SO));
}

void d1::buildD1GraphToTilePipeline(mlir::OpPassManager &PM, const D1PipelineOptions &O) {
  buildD1GraphPlanPipeline(PM, O);
  GraphToTileOptions GO;
  GO.Precision = O.Precision == "bf16" ? "bf16" : "fp32";
  GO.DoubleBuffer = !O.DisableScheduling;
  PM.addPass(createGraphToTile(GO));
  PM.addPass(mlir::createCanonicalizerPass());
}

void d1::buildD1TileToISAPipeline(mlir::OpPassManager &PM, const D1PipelineOptions &O) {
  bool Optimize = O.OptLevel != 0;
  LowerToD1ISAOptions LO;
  LO.SramReuse = !O.DisableSramReuse;
  LO.DramReuse = !O.DisableDramReuse;
  LO.Resident = Optimize && !O.DisableSramResidency;
  LO.ReserveBytes = O.SramReserve;
  LO.ActivationTables = Optimize && !O.DisableActivationTables;
  LO.SoftwarePipelining = Optimize && !O.DisableScheduling;
  LO.Schedule = Optimize && !O.DisableScheduling;
  PM.addPass(std::make_unique<LowerToD1ISA>(LO));
}

void d1::buildD1RegisterAllocationPipeline(mlir::OpPassManager &PM, const D1PipelineOptions &O) {
  AllocateRegistersOptions AO;
  AO.Registers = O.AllocatableRegisters;
  AO.Accumulators = O.AllocatableAccumulators;
  PM.addPass(createAllocateRegisters(AO));
}

void d1::buildD1Pipeline(mlir::OpPassManager &PM, const D1PipelineOptions &O) {
  buildD1GraphToTilePipeline(PM, O);
  buildD1TileToISAPipeline(PM, O);
}

void d1::registerD1Pipelines() {
  mlir::PassRegistration<LowerToD1ISA>();
  mlir::PassPipelineRegistration<D1PipelineOptions>(
      "d1-pipeline", "graph -> d1isa, as d1c compiles (its switches as options)", buildD1Pipeline);
  mlir::PassPipelineRegistration<D1PipelineOptions>(
      "d1-plan-graph", "graph -> planned graph, as d1c: fusion, graph-select-tiling",
      buildD1GraphPlanPipeline);
  mlir::PassPipelineRegistration<D1PipelineOptions>(
      "d1-lower-to-tile",
      "graph -> tile, as d1c: fusion, graph-select-tiling, convert-graph-to-tile, canonicalize",
      buildD1GraphToTilePipeline);
  mlir::PassPipelineRegistration<D1PipelineOptions>(
      "d1-lower-to-isa",
      "tile -> d1isa, as d1c: tile-plan-memory, convert-tile-to-d1isa, d1isa-schedule",
      buildD1TileToISAPipeline);
  mlir::PassPipelineRegistration<D1PipelineOptions>(
      "d1-allocate", "d1isa -> allocated d1isa, as d1c: d1isa-allocate-registers",
      buildD1RegisterAllocationPipeline);
}
