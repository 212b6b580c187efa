//===- SelectTiling.cpp - Each kernel's tiling, chosen once ---------------===//
#include "dialects/D1/IR/D1.h"
#include "dialects/Graph/Analysis/Tiling.h"
#include "dialects/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace d1 {
#define GEN_PASS_DEF_SELECTTILING
#include "dialects/Graph/Transforms/Passes.h.inc"
} // namespace d1

using namespace mlir;
using namespace d1;

namespace {

struct SelectTilingPass : d1::impl::SelectTilingBase<SelectTilingPass> {
  using SelectTilingBase::SelectTilingBase;
  void runOnOperation() override {
    ModuleOp M = getOperation();
    if (Precision != "fp32" && Precision != "bf16") {
      M.emitError("precision must be fp32 or bf16, not '") << Precision << "'";
      return signalPassFailure();
    }
    TilingOptions O;
    O.SramBytes = getTargetMachine(M)[MachineParamId::sram_bytes];
    O.Bf16 = Precision == "bf16";
    O.DoubleBuffer = DoubleBuffer;
    for (auto F : M.getOps<func::FuncOp>()) {
      if (F.isExternal())
        continue;
      for (Operation &Op : F.getBody().front()) {
        std::string E = selectTiling(&Op, O);
        if (E.empty())
          continue;
        Operation *At = isa<graph::FusedOp>(Op) &&
                                cast<graph::FusedOp>(Op).getKind() == graph::FusionKind::Epilogue
                            ? cast<graph::FusedOp>(Op).anchor()
                            : &Op;
        At->emitError("graph.tiling ") << At->getAttr(TilingAttrName) << " cannot run: " << E;
        return signalPassFailure();
      }
    }
  }
};

} // namespace
