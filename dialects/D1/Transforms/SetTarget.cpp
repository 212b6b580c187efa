//===- SetTarget.cpp - Attach a machine description to the module ---------===//
#include "dialects/D1/Transforms/Passes.h"

namespace d1 {
#define GEN_PASS_DEF_SETTARGET
#include "dialects/D1/Transforms/Passes.h.inc"
} // namespace d1

using namespace d1;

namespace {

struct SetTargetPass : d1::impl::SetTargetBase<SetTargetPass> {
  using SetTargetBase::SetTargetBase;

  void runOnOperation() override {
    MachineDesc Machine;
    if (!File.empty()) {
      std::string Err = Machine.parseFile(File);
      if (!Err.empty()) {
        getOperation().emitError(Err);
        return signalPassFailure();
      }
    }
    getOperation()->setAttr(TargetAttrName, TargetAttr::get(&getContext(), Machine));
  }
};

} // namespace
