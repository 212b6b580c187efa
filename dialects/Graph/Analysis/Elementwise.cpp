//===- Elementwise.cpp - Graph elementwise ops as tile functions ----------===//
#include "dialects/Graph/Analysis/Elementwise.h"
#include "dialects/Graph/IR/Graph.h"

using namespace mlir;

bool d1::fusableElementwise(Operation *Op) {
  if (Op->getNumResults() != 1 || Op->getNumOperands() > 2 ||
      !isa<graph::ElementwiseOpInterface>(Op))
    return false;
  auto F32 = [](Type T) { return cast<RankedTensorType>(T).getElementType().isF32(); };
  if (!llvm::all_of(Op->getOperandTypes(), F32) || !F32(Op->getResult(0).getType()))
    return false;
  if (auto Pw = dyn_cast<graph::PowOp>(Op))
    if (std::vector<float> E = graph::constantF32(Pw.getRhs()); E.size() == 1 && E[0] == 3.0f)
      return false;
  return true;
}
