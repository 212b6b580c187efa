//===- FoldBatchNorm.cpp - Batch norm into the convolution before it ------===//
//
// Inference batch norm is a per-channel affine map. Folded into a
// convolution's filters and bias it disappears; elsewhere it becomes a
// multiply and an add that graph-fuse can put in an epilogue. The per-channel
// factors are BatchNormOp::affine's, as for an unfolded batch norm in
// GraphToTile, so the mul/add form gives the same bits.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/SetVector.h"

namespace d1 {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "dialects/Graph/Transforms/Passes.h.inc"
} // namespace d1

using namespace mlir;
using namespace d1;

namespace {

Value constant(OpBuilder &B, Location Loc, ArrayRef<int64_t> Shape, ArrayRef<float> Values) {
  auto T = RankedTensorType::get(Shape, B.getF32Type());
  return B.create<graph::ConstantOp>(Loc, T, DenseElementsAttr::get(T, Values));
}

struct FoldBatchNormPass : d1::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    SmallVector<graph::BatchNormOp> Norms;
    getOperation().walk([&](graph::BatchNormOp Bn) { Norms.push_back(Bn); });
    for (graph::BatchNormOp Bn : Norms) {
      llvm::SmallSetVector<Operation *, 6> Params;
      SmallVector<Value> Inputs{Bn.getScale(), Bn.getBias(), Bn.getMean(), Bn.getVariance()};
      if (auto Conv = Bn.getInput().getDefiningOp<graph::ConvOp>())
        Inputs.append({Conv.getWeight(), Conv.getBias()});
      for (Value V : Inputs)
        if (auto C = V ? V.getDefiningOp<graph::ConstantOp>() : graph::ConstantOp())
          Params.insert(C);
      if (!fold(Bn))
        continue;
      // What the new constants replaced, once each (a constant may be both
      // a bias and a parameter), unless something else still reads it.
      for (Operation *C : Params)
        if (C->use_empty())
          C->erase();
    }
  }

  static bool fold(graph::BatchNormOp Bn) {
    std::vector<float> A, Sh;
    if (!Bn.affine(A, Sh))
      return false; // run-time parameters: left to the lowering
    size_t C = A.size();
    OpBuilder B(Bn);
    Location Loc = Bn.getLoc();
    if (auto Conv = Bn.getInput().getDefiningOp<graph::ConvOp>(); Conv && Conv->hasOneUse()) {
      std::vector<float> W = graph::constantF32(Conv.getWeight());
      std::vector<float> Bias =
          Conv.getBias() ? graph::constantF32(Conv.getBias()) : std::vector<float>(C, 0.0f);
      if (!W.empty() && Bias.size() == C) {
        auto WS = cast<RankedTensorType>(Conv.getWeight().getType()).getShape();
        size_t PerFilter = W.size() / C;
        for (size_t K = 0; K < C; ++K) {
          for (size_t J = 0; J < PerFilter; ++J)
            W[K * PerFilter + J] *= A[K];
          Bias[K] = Bias[K] * A[K] + Sh[K];
        }
        // The conv may sit before the batch norm's parameters: build there.
        B.setInsertionPoint(Conv);
        Value NewW = constant(B, Conv.getWeight().getLoc(), WS, W);
        Value NewB = constant(B, Loc, {int64_t(C)}, Bias);
        auto New = B.create<graph::ConvOp>(FusedLoc::get(B.getContext(), {Conv.getLoc(), Loc}),
                                           Conv.getType(), Conv.getInput(), NewW, NewB,
                                           Conv.getStridesAttr(), Conv.getPadsAttr(),
                                           Conv.getDilationsAttr(), Conv.getGroupAttr());
        Bn.replaceAllUsesWith(New.getResult());
        Bn.erase();
        Conv.erase(); // its unread weights go with the parameters
        return true;
      }
    }
    // y = x * a + b with a and b broadcast along the channel axis (1).
    auto XT = cast<RankedTensorType>(Bn.getInput().getType());
    SmallVector<int64_t> PS(XT.getRank() - 1, 1);
    PS[0] = int64_t(C);
    Value AV = constant(B, Loc, PS, A), BV = constant(B, Loc, PS, Sh);
    // The result types are inferred (broadcast of [N, C, ...] and [C, 1...]).
    Value Mul = B.create<graph::MulOp>(Loc, Bn.getInput(), AV);
    Value Add = B.create<graph::AddOp>(Loc, Mul, BV);
    Bn.replaceAllUsesWith(Add);
    Bn.erase();
    return true;
  }
};

} // namespace
