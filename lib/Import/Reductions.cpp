//===- Reductions.cpp - Softmax, reductions, scans, arg-extremes, losses --===//
#include "Importer.h"

namespace d1::import {

LogicalResult Importer::importSoftmax() {
  if (failed(onlyAttrs({"axis"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  int64_t Axis = intAttr("axis", Opset >= 13 ? -1 : 1);
  if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
    return fail("axis out of range");
  if (Opset < 13 && Axis != int64_t(S.size()) - 1) {
    // Before opset 13 the input is flattened to 2D at `axis`.
    Value Flat = reshape(X, shapes::flatten2D(S, Axis));
    Value R = B.create<graph::SoftmaxOp>(Loc, Flat.getType(), Flat, B.getI64IntegerAttr(1));
    return setOutput(0, reshape(R, S));
  }
  return setOutput(0, B.create<graph::SoftmaxOp>(Loc, X.getType(), X, B.getI64IntegerAttr(Axis)));
}

LogicalResult Importer::alongSoftmaxAxis(llvm::function_ref<Value(Value V, int64_t Axis)> Along) {
  if (failed(onlyAttrs({"axis"})))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  int64_t Axis = intAttr("axis", Opset >= 13 ? -1 : 1);
  if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
    return fail("axis out of range");
  Value V = X;
  if (Opset < 13) {
    // Before opset 13 the input is flattened to 2D at `axis`.
    V = reshape(X, shapes::flatten2D(S, Axis));
    Axis = 1;
  }
  return setOutput(0, reshape(Along(V, Axis), S));
}

LogicalResult Importer::importLogSoftmax() {
  return alongSoftmaxAxis([&](Value V, int64_t Axis) { return logSoftmax(V, Axis); });
}

LogicalResult Importer::importHardmax() {
  return alongSoftmaxAxis([&](Value V, int64_t Axis) -> Value {
    // 1 at the first maximum along the axis.
    Shape VS = shapeOf(V);
    Value First = argExtreme(V, Axis, true, false, true);
    if (!First)
      return {};
    Shape IS(VS.size(), 1);
    IS[size_t(Axis)] = VS[size_t(Axis)];
    Value Iota = constFrom(IS, B.getI64Type(),
                           [&](const std::vector<int64_t> &C) { return double(C[size_t(Axis)]); });
    return castTo(compare(graph::ComparePredicate::EQ, Iota, First), B.getF32Type());
  });
}

LogicalResult Importer::reduceOutput(ReduceFamily Kind, ReduceForm Form) {
  // From opset 18 (ReduceSum 13) axes is an input only; older forms take
  // either (the input leniently).
  if (Form != ReduceForm::AxesAttr && attr("axes"))
    return fail("axes is an input from opset " +
                std::to_string(Kind == ReduceFamily::Sum ? 13 : 18) + ", not an attribute");
  if (failed(onlyAttrs({"axes", "keepdims", "noop_with_empty_axes"})))
    return failure();
  // Bool ReduceMax and ReduceMin (opset 20) are any and all: computed in
  // fp32 on 0 and 1, then compared with 0 (the empty max, -inf, is false;
  // the empty min, +inf, true).
  bool Bool = Form == ReduceForm::AxesInputBool &&
              (isConst(0) ? Consts[Node->input(0)].DType == onnx::TensorProto::BOOL
                          : input(0) && eltOf(input(0)).isInteger(1));
  Value X = Bool ? castTo(input(0), B.getF32Type()) : floatInput(0);
  if (!X)
    return failure();
  std::vector<int64_t> Axes = intsAttr("axes");
  if (hasInput(1)) {
    FailureOr<std::vector<int64_t>> A = constInts(1, "axes");
    if (failed(A))
      return failure();
    Axes = std::move(*A);
  }
  if (Axes.empty() && intAttr("noop_with_empty_axes", 0))
    return setOutput(0, Bool ? input(0) : X);
  bool Keep = intAttr("keepdims", 1) != 0;
  using RK = graph::ReduceKind;
  if (Bool) {
    Value R = reduceOf(Kind == ReduceFamily::Max ? RK::Max : RK::Min, X, Axes, Keep);
    return setOutput(0, compare(graph::ComparePredicate::GT, R, scalar(0)));
  }
  auto Reduce = [&](RK K, Value V, bool KeepDims) { return reduceOf(K, V, Axes, KeepDims); };
  // The family from sum, mean, max, min and product.
  switch (Kind) {
  case ReduceFamily::Mean:
    return setOutput(0, Reduce(RK::Mean, X, Keep));
  case ReduceFamily::Sum:
    return setOutput(0, Reduce(RK::Sum, X, Keep));
  case ReduceFamily::Max:
    return setOutput(0, Reduce(RK::Max, X, Keep));
  case ReduceFamily::Min:
    return setOutput(0, Reduce(RK::Min, X, Keep));
  case ReduceFamily::Prod:
    return setOutput(0, Reduce(RK::Prod, X, Keep));
  case ReduceFamily::L1:
    return setOutput(0, Reduce(RK::Sum, un<graph::AbsOp>(X), Keep));
  case ReduceFamily::SumSquare:
    return setOutput(0, Reduce(RK::Sum, bin<graph::MulOp>(X, X), Keep));
  case ReduceFamily::L2:
    return setOutput(0, un<graph::SqrtOp>(Reduce(RK::Sum, bin<graph::MulOp>(X, X), Keep)));
  case ReduceFamily::LogSum:
    return setOutput(0, un<graph::LogOp>(Reduce(RK::Sum, X, Keep)));
  case ReduceFamily::LogSumExp:
    break;
  }
  // log(sum(e^(x - max))) + max, which does not overflow.
  Value M = Reduce(RK::Max, X, true);
  if (!M)
    return failure();
  Value S = Reduce(RK::Sum, un<graph::ExpOp>(bin<graph::SubOp>(X, M)), Keep);
  if (!S)
    return failure();
  return setOutput(0, bin<graph::AddOp>(un<graph::LogOp>(S), reshape(M, shapeOf(S))));
}

LogicalResult Importer::importReduceMean() { return reduceOutput(ReduceFamily::Mean); }
LogicalResult Importer::importReduceSum() { return reduceOutput(ReduceFamily::Sum); }
LogicalResult Importer::importReduceMax() { return reduceOutput(ReduceFamily::Max); }
LogicalResult Importer::importReduceMin() { return reduceOutput(ReduceFamily::Min); }
LogicalResult Importer::importReduceProd() { return reduceOutput(ReduceFamily::Prod); }
LogicalResult Importer::importReduceL1() { return reduceOutput(ReduceFamily::L1); }
LogicalResult Importer::importReduceL2() { return reduceOutput(ReduceFamily::L2); }
LogicalResult Importer::importReduceSumSquare() { return reduceOutput(ReduceFamily::SumSquare); }
LogicalResult Importer::importReduceLogSum() { return reduceOutput(ReduceFamily::LogSum); }
LogicalResult Importer::importReduceLogSumExp() { return reduceOutput(ReduceFamily::LogSumExp); }

using RF = Importer::ReduceFamily;
using RForm = Importer::ReduceForm;
LogicalResult Importer::importReduceSum13() { return reduceOutput(RF::Sum, RForm::AxesInput); }
LogicalResult Importer::importReduceMean18() { return reduceOutput(RF::Mean, RForm::AxesInput); }
LogicalResult Importer::importReduceMax18() { return reduceOutput(RF::Max, RForm::AxesInput); }
LogicalResult Importer::importReduceMin18() { return reduceOutput(RF::Min, RForm::AxesInput); }
LogicalResult Importer::importReduceProd18() { return reduceOutput(RF::Prod, RForm::AxesInput); }
LogicalResult Importer::importReduceL1_18() { return reduceOutput(RF::L1, RForm::AxesInput); }
LogicalResult Importer::importReduceL2_18() { return reduceOutput(RF::L2, RForm::AxesInput); }
LogicalResult Importer::importReduceSumSquare18() {
  return reduceOutput(RF::SumSquare, RForm::AxesInput);
}
LogicalResult Importer::importReduceLogSum18() {
  return reduceOutput(RF::LogSum, RForm::AxesInput);
}
LogicalResult Importer::importReduceLogSumExp18() {
  return reduceOutput(RF::LogSumExp, RForm::AxesInput);
}
LogicalResult Importer::importReduceMax20() { return reduceOutput(RF::Max, RForm::AxesInputBool); }
LogicalResult Importer::importReduceMin20() { return reduceOutput(RF::Min, RForm::AxesInputBool); }

LogicalResult Importer::argExtremeOutput(bool Max) {
  if (failed(onlyAttrs({"axis", "keepdims", "select_last_index"})))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  int64_t Axis = intAttr("axis", 0);
  if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
    return fail("axis out of range");
  Shape S = shapeOf(X);
  int64_t Others = 1;
  for (size_t D = 0; D < S.size(); ++D)
    Others *= int64_t(D) == Axis ? 1 : S[D];
  if (S[size_t(Axis)] == 0 && Others != 0)
    return fail("an empty axis has no index of its extreme");
  return setOutput(0, argExtreme(X, Axis, Max, intAttr("select_last_index", 0) != 0,
                                 intAttr("keepdims", 1) != 0));
}

LogicalResult Importer::importArgMax() { return argExtremeOutput(true); }
LogicalResult Importer::importArgMin() { return argExtremeOutput(false); }

LogicalResult Importer::lossOutputs(bool WithSoftmax) {
  if (failed(onlyAttrs({"ignore_index", "reduction"})))
    return failure();
  std::optional<int64_t> Ignore;
  if (attr("ignore_index"))
    Ignore = intAttr("ignore_index", 0);
  Value X = floatInput(0);
  if (!X)
    return failure();
  Value LogProb = WithSoftmax ? logSoftmax(X, 1) : X;
  if (!LogProb)
    return failure();
  Value W;
  if (hasInput(2)) {
    W = floatInput(2);
    if (!W)
      return failure();
  }
  Value Target = input(1);
  if (!Target)
    return failure();
  if (failed(setOutput(0, nllLoss(LogProb, Target, W, Ignore, stringAttr("reduction", "mean")))))
    return failure();
  if (WithSoftmax)
    return setOutput(1, LogProb);
  return success();
}

LogicalResult Importer::importNegativeLogLikelihoodLoss() { return lossOutputs(false); }
LogicalResult Importer::importSoftmaxCrossEntropyLoss() { return lossOutputs(true); }

Value Importer::cumulativeSum(Value X, int64_t Axis, bool Exclusive, bool Reverse) {
  if (!X)
    return {};
  Shape S = shapeOf(X);
  int64_t L = S[size_t(Axis)];
  if (L == 0)
    return X;
  auto Flip = [&](Value V) -> Value {
    if (!V)
      return {};
    Value Rev = constFrom({L}, B.getI64Type(),
                          [&](const std::vector<int64_t> &I) { return double(L - 1 - I[0]); });
    return B.create<graph::GatherOp>(Loc, V.getType(), V, Rev, B.getI64IntegerAttr(Axis));
  };
  // V moved K places along the axis, zeros coming in: padded by K before,
  // cropped by K after.
  auto Shift = [&](Value V, int64_t K) {
    std::vector<int64_t> Pads(2 * S.size(), 0);
    Pads[size_t(Axis)] = K;
    Pads[size_t(Axis) + S.size()] = -K;
    return pad(V, Pads, "constant", 0.0);
  };
  Value V = Reverse ? Flip(X) : X;
  for (int64_t K = 1; K < L; K *= 2)
    V = bin<graph::AddOp>(V, Shift(V, K));
  if (Exclusive)
    V = Shift(V, 1);
  return Reverse ? Flip(V) : V;
}

LogicalResult Importer::importCumSum() {
  if (failed(onlyAttrs({"exclusive", "reverse"})))
    return failure();
  bool Exclusive = intAttr("exclusive", 0) != 0, Reverse = intAttr("reverse", 0) != 0;
  Value X = input(0);
  if (!X)
    return failure();
  if (isStorageFloat(eltOf(X)))
    X = castTo(X, B.getF32Type());
  if (eltOf(X).isInteger(1))
    return fail("CumSum of bool is not defined");
  int64_t Rank = int64_t(shapeOf(X).size());
  if (Rank == 0)
    return fail("CumSum needs an input of rank 1 or more");
  if (isConst(1)) {
    FailureOr<std::vector<int64_t>> A = constInts(1, "axis");
    if (failed(A))
      return failure();
    if (A->size() != 1 || (*A)[0] < -Rank || (*A)[0] >= Rank)
      return fail("axis must be one value in [" + std::to_string(-Rank) + ", " +
                  std::to_string(Rank) + ")");
    int64_t Axis = (*A)[0] < 0 ? (*A)[0] + Rank : (*A)[0];
    return setOutput(0, cumulativeSum(X, Axis, Exclusive, Reverse));
  }
  // An axis known only at run time: the sums along every axis, the one it
  // names selected. It is first looked up in the table of axes, so that a
  // value outside [-rank, rank) traps with this node's location.
  Value A = input(1);
  if (!A)
    return failure();
  if (shapes::numElements(shapeOf(A)) != 1 || (!eltOf(A).isInteger(64) && !eltOf(A).isInteger(32)))
    return fail("axis must be one int32 or int64 value");
  if (Rank > 4)
    return fail("an axis given at run time needs an input of rank 4 or less (rank " +
                std::to_string(Rank) + ")");
  Value Axes =
      constFrom({Rank}, B.getI64Type(), [](const std::vector<int64_t> &I) { return double(I[0]); });
  Value Index = reshape(normalizedIndex(A, Rank), {1});
  if (!Index || !Axes)
    return failure();
  Value Axis = B.create<graph::GatherOp>(Loc, RankedTensorType::get({1}, B.getI64Type()), Axes,
                                         Index, B.getI64IntegerAttr(0));
  Value Out = cumulativeSum(X, Rank - 1, Exclusive, Reverse);
  for (int64_t D = Rank - 2; D >= 0; --D)
    Out = where(compare(graph::ComparePredicate::EQ, Axis, scalar(double(D), B.getI64Type())),
                cumulativeSum(X, D, Exclusive, Reverse), Out);
  return setOutput(0, Out);
}

} // namespace d1::import
