//===- Nodes.cpp - One ONNX node to graph ops -------------------------------===//
#include "Importer.h"

namespace d1::import {

void Importer::importNode() {
  const std::string &Op = Node->op_type();
  if (!Node->domain().empty() && Node->domain() != "ai.onnx")
    fail("operator domain " + q(Node->domain()) + " is not supported");
  if (Op == "If") {
    importIf();
    return;
  }
  for (const auto &A : Node->attribute())
    if (A.type() == onnx::AttributeProto::GRAPH || A.type() == onnx::AttributeProto::GRAPHS)
      fail("subgraph attribute " + q(A.name()) + " is not supported");
  if (fold())
    return;

  std::string Err;
  auto Unary = [&](auto Tag) {
    using OpT = decltype(Tag);
    onlyAttrs({});
    setOutput(0, un<OpT>(floatInput(0)));
  };
  auto RequireF32 = [&](int K) {
    Value V = input(K);
    if (!cast<RankedTensorType>(V.getType()).getElementType().isF32())
      fail("input " + q(Node->input(K)) + " is " +
           std::string("not float32; this operator is computed in fp32 only"));
  };
  for (size_t K = 0; K < numInputs(); ++K)
    if (hasInput(int(K)) && !isConst(int(K)) && !Values.count(Node->input(int(K))))
      fail("input " + q(Node->input(int(K))) + " is not defined before this node");

  if (importElementwise() || importDecomposed() || importQuantized() || importResize())
    return;
  if (Op == "Relu")
    return Unary(graph::ReluOp());
  if (Op == "Sigmoid")
    return Unary(graph::SigmoidOp());
  if (Op == "Tanh")
    return Unary(graph::TanhOp());
  if (Op == "Erf")
    return Unary(graph::ErfOp());
  if (Op == "Exp")
    return Unary(graph::ExpOp());
  if (Op == "Log")
    return Unary(graph::LogOp());
  if (Op == "Sqrt")
    return Unary(graph::SqrtOp());
  if (Op == "Reciprocal")
    return Unary(graph::ReciprocalOp());
  if (Op == "Identity" || Op == "Dropout") {
    if (Op == "Dropout") {
      onlyAttrs({"seed", "ratio", "is_test"});
      if (hasInput(2) && (!isConst(2) || constScalar(2, "training_mode") != 0))
        fail("training_mode must be a constant false (inference only)");
      // In inference every element is kept: the mask is all true.
      if (!outputName(1).empty()) {
        Const Mask;
        Mask.DType = onnx::TensorProto::BOOL;
        Mask.Dims = inputShape(0);
        checkComputed(Mask.Dims, Mask.DType, "output " + q(outputName(1)));
        Mask.I.assign(size_t(Mask.size()), 1);
        setConst(1, Mask);
      }
    }
    setOutput(0, input(0));
    return;
  }
  if (Op == "LeakyRelu") {
    onlyAttrs({"alpha"});
    Value X = input(0);
    setOutput(0, B.create<graph::LeakyReluOp>(Loc, X.getType(), X,
                                              B.getF32FloatAttr(floatAttr("alpha", 0.01f))));
    return;
  }
  if (Op == "Clip") {
    float Lo = std::numeric_limits<float>::lowest(), Hi = std::numeric_limits<float>::max();
    if (Opset < 11) {
      onlyAttrs({"min", "max"});
      Lo = floatAttr("min", Lo);
      Hi = floatAttr("max", Hi);
    } else {
      onlyAttrs({});
      Value X = input(0);
      Type T = eltOf(X);
      if (T.isInteger(1))
        fail("input is bool");
      if (!T.isF32() || (hasInput(1) && !isConst(1)) || (hasInput(2) && !isConst(2))) {
        // Bounds known at run time, or integers: max, then min.
        Value R = X;
        if (hasInput(1))
          R = bin<graph::MaxOp>(R, reshape(inputAs(1, T), {}));
        if (hasInput(2))
          R = bin<graph::MinOp>(R, reshape(inputAs(2, T), {}));
        setOutput(0, R == X ? bin<graph::MaxOp>(X, X) : R);
        return;
      }
      if (hasInput(1))
        Lo = float(constScalar(1, "min"));
      if (hasInput(2))
        Hi = float(constScalar(2, "max"));
    }
    Value X = floatInput(0);
    setOutput(0, B.create<graph::ClipOp>(Loc, X.getType(), X, B.getF32FloatAttr(Lo),
                                         B.getF32FloatAttr(Hi)));
    return;
  }
  if (Op == "MatMul") {
    onlyAttrs({});
    RequireF32(0);
    RequireF32(1);
    Value L = input(0), R = input(1);
    Shape Out;
    std::string E = shapes::matmul(shapeOf(L), shapeOf(R), Out);
    if (!E.empty())
      fail(E);
    setOutput(0, B.create<graph::MatMulOp>(Loc, f32(Out), L, R));
    return;
  }
  if (Op == "Gemm") {
    onlyAttrs({"alpha", "beta", "transA", "transB", "broadcast"});
    Value A = input(0), Bm = input(1);
    bool TA = intAttr("transA", 0), TB = intAttr("transB", 0);
    Shape Out;
    std::string E = shapes::gemm(shapeOf(A), shapeOf(Bm), TA, TB, Out);
    if (!E.empty())
      fail(E);
    Value C = hasInput(2) ? input(2) : Value();
    if (C) {
      Shape Tmp;
      if (!shapes::broadcast(shapeOf(C), Out, Tmp).empty() || Tmp != Out)
        fail("C " + shapeStr(shapeOf(C)) + " does not broadcast to " + shapeStr(Out));
    }
    setOutput(0, B.create<graph::GemmOp>(Loc, f32(Out), A, Bm, C,
                                         B.getF32FloatAttr(floatAttr("alpha", 1.0f)),
                                         B.getF32FloatAttr(floatAttr("beta", 1.0f)),
                                         B.getBoolAttr(TA), B.getBoolAttr(TB)));
    return;
  }
  if (Op == "Conv")
    return importConv();
  if (Op == "MaxPool")
    return importPool(true);
  if (Op == "AveragePool")
    return importPool(false);
  if (Op == "GlobalAveragePool" || Op == "GlobalMaxPool") {
    onlyAttrs({});
    Value X = input(0);
    Shape S = shapeOf(X);
    if (S.size() < 3)
      fail("input needs spatial dimensions");
    std::vector<int64_t> Axes;
    Shape Out = S;
    for (size_t D = 2; D < S.size(); ++D) {
      Axes.push_back(int64_t(D));
      Out[D] = 1;
    }
    auto Kind = Op == "GlobalAveragePool" ? graph::ReduceKind::Mean : graph::ReduceKind::Max;
    setOutput(0, B.create<graph::ReduceOp>(Loc, f32(Out), X, graph::ReduceKindAttr::get(&Ctx, Kind),
                                           B.getDenseI64ArrayAttr(Axes), B.getBoolAttr(true)));
    return;
  }
  if (Op == "BatchNormalization") {
    onlyAttrs({"epsilon", "momentum", "training_mode", "spatial", "is_test", "consumed_inputs"});
    if (intAttr("training_mode", 0))
      fail("training_mode is not supported");
    if (intAttr("spatial", 1) != 1)
      fail("spatial = 0 is not supported");
    Value X = floatInput(0);
    if (shapeOf(X).size() < 2)
      fail("input needs a channel dimension (rank >= 2), got " + shapeStr(shapeOf(X)));
    float Eps = floatAttr("epsilon", 1e-5f);
    if (isConst(1) && isConst(2) && isConst(3) && isConst(4)) {
      setOutput(0, B.create<graph::BatchNormOp>(Loc, X.getType(), X, input(1), input(2), input(3),
                                                input(4), B.getF32FloatAttr(Eps)));
      return;
    }
    // Parameters known at run time: (x - mean) * scale / sqrt(var + eps) + bias
    // with [C] reshaped to [C, 1, ...].
    Shape S = shapeOf(X), PS(S.size() - 1, 1);
    PS[0] = S[1];
    auto Param = [&](int K) { return reshape(floatInput(K), PS); };
    Value Inv =
        un<graph::ReciprocalOp>(un<graph::SqrtOp>(bin<graph::AddOp>(Param(4), scalar(Eps))));
    Value Y = bin<graph::MulOp>(bin<graph::SubOp>(X, Param(3)), bin<graph::MulOp>(Param(1), Inv));
    setOutput(0, bin<graph::AddOp>(Y, Param(2)));
    return;
  }
  if (Op == "LayerNormalization") {
    onlyAttrs({"axis", "epsilon", "stash_type"});
    Value X = input(0);
    int64_t Axis = intAttr("axis", -1);
    if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
      fail("axis out of range");
    Value Bias = hasInput(2) ? input(2) : Value();
    bool Stats = (Node->output_size() > 1 && !Node->output(1).empty()) ||
                 (Node->output_size() > 2 && !Node->output(2).empty());
    if (!Stats) {
      setOutput(0, B.create<graph::LayerNormOp>(Loc, X.getType(), X, input(1), Bias,
                                                B.getI64IntegerAttr(Axis),
                                                B.getF32FloatAttr(floatAttr("epsilon", 1e-5f))));
      return;
    }
    // Mean and 1 / sqrt(var + eps) are outputs too: the computation in ops.
    Shape S = shapeOf(X), KS = S;
    std::vector<int64_t> Axes;
    for (int64_t D = Axis; D < int64_t(S.size()); ++D) {
      Axes.push_back(D);
      KS[size_t(D)] = 1;
    }
    auto Mean = [&](Value V) {
      return B
          .create<graph::ReduceOp>(Loc, f32(KS), V,
                                   graph::ReduceKindAttr::get(&Ctx, graph::ReduceKind::Mean),
                                   B.getDenseI64ArrayAttr(Axes), B.getBoolAttr(true))
          .getResult();
    };
    Value M = Mean(X), D = bin<graph::SubOp>(X, M);
    Value Var = Mean(bin<graph::MulOp>(D, D));
    Value Inv = un<graph::ReciprocalOp>(
        un<graph::SqrtOp>(bin<graph::AddOp>(Var, scalar(floatAttr("epsilon", 1e-5f)))));
    Value Y = bin<graph::MulOp>(bin<graph::MulOp>(D, Inv), floatInput(1));
    if (Bias)
      Y = bin<graph::AddOp>(Y, floatInput(2));
    setOutput(0, Y);
    setOutput(1, M);
    setOutput(2, Inv);
    return;
  }
  if (Op == "Softmax") {
    onlyAttrs({"axis"});
    Value X = input(0);
    Shape S = shapeOf(X);
    int64_t Axis = intAttr("axis", Opset >= 13 ? -1 : 1);
    if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
      fail("axis out of range");
    if (Opset < 13 && Axis != int64_t(S.size()) - 1) {
      // Before opset 13 the input is flattened to 2D at `axis`.
      int64_t Outer = 1, Inner = 1;
      for (size_t D = 0; D < S.size(); ++D)
        (int64_t(D) < Axis ? Outer : Inner) *= S[D];
      Value Flat = reshape(X, {Outer, Inner});
      Value R = B.create<graph::SoftmaxOp>(Loc, Flat.getType(), Flat, B.getI64IntegerAttr(1));
      setOutput(0, reshape(R, S));
      return;
    }
    setOutput(0, B.create<graph::SoftmaxOp>(Loc, X.getType(), X, B.getI64IntegerAttr(Axis)));
    return;
  }
  if (Op.rfind("Reduce", 0) == 0) {
    static const std::set<std::string> Family = {
        "ReduceMean", "ReduceSum", "ReduceMax",       "ReduceMin",    "ReduceProd",
        "ReduceL1",   "ReduceL2",  "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"};
    if (!Family.count(Op))
      fail("unsupported operator");
    onlyAttrs({"axes", "keepdims", "noop_with_empty_axes"});
    Value X = floatInput(0);
    std::vector<int64_t> Axes = intsAttr("axes");
    if (hasInput(1))
      Axes = constInts(1, "axes");
    if (Axes.empty() && intAttr("noop_with_empty_axes", 0)) {
      setOutput(0, X);
      return;
    }
    bool Keep = intAttr("keepdims", 1) != 0;
    using RK = graph::ReduceKind;
    auto Reduce = [&](RK Kind, Value V, bool KeepDims) {
      std::vector<int64_t> A = Axes;
      Shape Out;
      std::string E = shapes::reduce(shapeOf(V), A, KeepDims, Out);
      if (!E.empty())
        fail(E);
      return B
          .create<graph::ReduceOp>(Loc, f32(Out), V, graph::ReduceKindAttr::get(&Ctx, Kind),
                                   B.getDenseI64ArrayAttr(A), B.getBoolAttr(KeepDims))
          .getResult();
    };
    // The family from sum, mean, max, min and product.
    Value R;
    if (Op == "ReduceMean")
      R = Reduce(RK::Mean, X, Keep);
    else if (Op == "ReduceSum")
      R = Reduce(RK::Sum, X, Keep);
    else if (Op == "ReduceMax")
      R = Reduce(RK::Max, X, Keep);
    else if (Op == "ReduceMin")
      R = Reduce(RK::Min, X, Keep);
    else if (Op == "ReduceProd")
      R = Reduce(RK::Prod, X, Keep);
    else if (Op == "ReduceL1")
      R = Reduce(RK::Sum, un<graph::AbsOp>(X), Keep);
    else if (Op == "ReduceSumSquare")
      R = Reduce(RK::Sum, bin<graph::MulOp>(X, X), Keep);
    else if (Op == "ReduceL2")
      R = un<graph::SqrtOp>(Reduce(RK::Sum, bin<graph::MulOp>(X, X), Keep));
    else if (Op == "ReduceLogSum")
      R = un<graph::LogOp>(Reduce(RK::Sum, X, Keep));
    else {
      // log(sum(e^(x - max))) + max, which does not overflow.
      Value M = Reduce(RK::Max, X, true);
      Value S = Reduce(RK::Sum, un<graph::ExpOp>(bin<graph::SubOp>(X, M)), Keep);
      R = bin<graph::AddOp>(un<graph::LogOp>(S), reshape(M, shapeOf(S)));
    }
    setOutput(0, R);
    return;
  }
  if (Op == "LogSoftmax" || Op == "Hardmax") {
    onlyAttrs({"axis"});
    Value X = floatInput(0);
    Shape S = shapeOf(X);
    int64_t Axis = intAttr("axis", Opset >= 13 ? -1 : 1);
    if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
      fail("axis out of range");
    Value V = X;
    if (Opset < 13) {
      // Before opset 13 the input is flattened to 2D at `axis`.
      int64_t Outer = 1, Inner = 1;
      for (size_t D = 0; D < S.size(); ++D)
        (int64_t(D) < Axis ? Outer : Inner) *= S[D];
      V = reshape(X, {Outer, Inner});
      Axis = 1;
    }
    Shape VS = shapeOf(V);
    Value R;
    if (Op == "LogSoftmax") {
      R = logSoftmax(V, Axis);
    } else {
      // 1 at the first maximum along the axis.
      Value First = argExtreme(V, Axis, true, false, true);
      Shape IS(VS.size(), 1);
      IS[size_t(Axis)] = VS[size_t(Axis)];
      Value Iota = constFrom(IS, B.getI64Type(), [&](const std::vector<int64_t> &C) {
        return double(C[size_t(Axis)]);
      });
      R = castTo(compare(graph::ComparePredicate::EQ, Iota, First), B.getF32Type());
    }
    setOutput(0, reshape(R, S));
    return;
  }
  if (Op == "ArgMax" || Op == "ArgMin") {
    onlyAttrs({"axis", "keepdims", "select_last_index"});
    Value X = floatInput(0);
    int64_t Axis = intAttr("axis", 0);
    if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
      fail("axis out of range");
    Shape S = shapeOf(X);
    int64_t Others = 1;
    for (size_t D = 0; D < S.size(); ++D)
      Others *= int64_t(D) == Axis ? 1 : S[D];
    if (S[size_t(Axis)] == 0 && Others != 0)
      fail("an empty axis has no index of its extreme");
    setOutput(0, argExtreme(X, Axis, Op == "ArgMax", intAttr("select_last_index", 0) != 0,
                            intAttr("keepdims", 1) != 0));
    return;
  }
  if (Op == "GatherElements") {
    onlyAttrs({"axis"});
    Value X = input(0);
    int64_t Axis = intAttr("axis", 0);
    if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
      fail("axis out of range");
    setOutput(0, gatherElements(X, input(1), Axis));
    return;
  }
  if (Op == "NegativeLogLikelihoodLoss" || Op == "SoftmaxCrossEntropyLoss") {
    onlyAttrs({"ignore_index", "reduction"});
    std::optional<int64_t> Ignore;
    if (attr("ignore_index"))
      Ignore = intAttr("ignore_index", 0);
    Value X = floatInput(0), LogProb = X;
    if (Op == "SoftmaxCrossEntropyLoss")
      LogProb = logSoftmax(X, 1);
    Value W = hasInput(2) ? floatInput(2) : Value();
    setOutput(0, nllLoss(LogProb, input(1), W, Ignore, stringAttr("reduction", "mean")));
    if (Op == "SoftmaxCrossEntropyLoss")
      setOutput(1, LogProb);
    return;
  }
  if (Op == "Trilu") {
    onlyAttrs({"upper"});
    Value X = input(0);
    Shape S = shapeOf(X);
    if (S.size() < 2)
      fail("input needs two dimensions");
    bool Upper = intAttr("upper", 1) != 0;
    // Keep x where (column - row) >= k (upper) or <= k (lower).
    Shape DS = {S[S.size() - 2], S.back()};
    Value Diff = constFrom(DS, B.getI64Type(),
                           [](const std::vector<int64_t> &C) { return double(C[1] - C[0]); });
    Value K = hasInput(1) ? reshape(inputAs(1, B.getI64Type()), {}) : scalar(0, B.getI64Type());
    Value Keep =
        compare(Upper ? graph::ComparePredicate::GE : graph::ComparePredicate::LE, Diff, K);
    setOutput(0, where(Keep, X, scalar(0, eltOf(X))));
    return;
  }

  // Shape-only ops work on constants and values alike.
  auto Reshaped = [&](const Shape &Out) {
    if (isConst(0)) {
      Const C = Consts[Node->input(0)];
      C.Dims = Out;
      setConst(0, C);
    } else {
      setOutput(0, reshape(input(0), Out));
    }
  };
  if (Op == "Reshape") {
    onlyAttrs({"allowzero", "shape"});
    std::vector<int64_t> Target = Opset < 5 ? intsAttr("shape") : constInts(1, "shape");
    Shape Out;
    std::string E = shapes::reshape(inputShape(0), Target, intAttr("allowzero", 0) != 0, Out);
    if (!E.empty())
      fail(E);
    return Reshaped(Out);
  }
  if (Op == "Flatten") {
    onlyAttrs({"axis"});
    Shape S = inputShape(0);
    int64_t Axis = intAttr("axis", 1);
    if (Axis < 0)
      Axis += int64_t(S.size());
    if (Axis < 0 || Axis > int64_t(S.size()))
      fail("axis out of range");
    int64_t Outer = 1, Inner = 1;
    for (size_t D = 0; D < S.size(); ++D)
      (int64_t(D) < Axis ? Outer : Inner) *= S[D];
    return Reshaped({Outer, Inner});
  }
  if (Op == "Squeeze" || Op == "Unsqueeze") {
    onlyAttrs({"axes"});
    Shape S = inputShape(0);
    std::vector<int64_t> Axes =
        Opset >= 13 && hasInput(1) ? constInts(1, "axes") : intsAttr("axes");
    Shape Out;
    if (Op == "Squeeze") {
      std::vector<bool> Drop(S.size(), false);
      if (Axes.empty())
        for (size_t D = 0; D < S.size(); ++D)
          Drop[D] = S[D] == 1;
      for (int64_t A : Axes) {
        if (!shapes::normalizeAxis(A, int64_t(S.size())) || S[size_t(A)] != 1)
          fail("cannot squeeze axis " + std::to_string(A) + " of " + shapeStr(S));
        Drop[size_t(A)] = true;
      }
      for (size_t D = 0; D < S.size(); ++D)
        if (!Drop[D])
          Out.push_back(S[D]);
    } else {
      int64_t R = int64_t(S.size() + Axes.size());
      std::vector<bool> New(size_t(R), false);
      for (int64_t A : Axes) {
        if (!shapes::normalizeAxis(A, R) || New[size_t(A)])
          fail("bad unsqueeze axis");
        New[size_t(A)] = true;
      }
      size_t K = 0;
      for (int64_t D = 0; D < R; ++D)
        Out.push_back(New[size_t(D)] ? 1 : S[K++]);
    }
    return Reshaped(Out);
  }
  if (Op == "Transpose") {
    onlyAttrs({"perm"});
    Shape S = inputShape(0);
    std::vector<int64_t> Perm = intsAttr("perm");
    if (Perm.empty())
      for (size_t D = S.size(); D-- > 0;)
        Perm.push_back(int64_t(D));
    Shape Out;
    std::string E = shapes::transpose(S, Perm, Out);
    if (!E.empty())
      fail(E);
    if (isConst(0)) {
      const Const &C = Consts[Node->input(0)];
      auto St = stridesOf(S);
      setConst(0, gatherConst(C, Out, [&](const std::vector<int64_t> &Co) {
                 int64_t Src = 0;
                 for (size_t D = 0; D < Perm.size(); ++D)
                   Src += Co[D] * St[size_t(Perm[D])];
                 return Src;
               }));
      return;
    }
    Value X = input(0);
    setOutput(0,
              B.create<graph::TransposeOp>(
                  Loc,
                  RankedTensorType::get(Out, cast<RankedTensorType>(X.getType()).getElementType()),
                  X, B.getDenseI64ArrayAttr(Perm)));
    return;
  }
  if (Op == "Concat") {
    onlyAttrs({"axis"});
    std::vector<Value> Ins;
    std::vector<Shape> Shapes;
    for (size_t K = 0; K < numInputs(); ++K) {
      Ins.push_back(input(int(K)));
      Shapes.push_back(shapeOf(Ins.back()));
    }
    int64_t Axis = intAttr("axis", 0);
    Shape Out;
    std::string E = shapes::concat(Shapes, Axis, Out);
    if (!E.empty())
      fail(E);
    shapes::normalizeAxis(Axis, int64_t(Out.size()));
    setOutput(0, B.create<graph::ConcatOp>(
                     Loc,
                     RankedTensorType::get(
                         Out, cast<RankedTensorType>(Ins[0].getType()).getElementType()),
                     Ins, B.getI64IntegerAttr(Axis)));
    return;
  }
  auto EmitSlice = [&](Value X, const std::vector<int64_t> &S0, const std::vector<int64_t> &E0,
                       const std::vector<int64_t> &St0, const Shape &Out) {
    return B.create<graph::SliceOp>(
        Loc, RankedTensorType::get(Out, cast<RankedTensorType>(X.getType()).getElementType()), X,
        B.getDenseI64ArrayAttr(S0), B.getDenseI64ArrayAttr(E0), B.getDenseI64ArrayAttr(St0));
  };
  if (Op == "Slice") {
    onlyAttrs({"starts", "ends", "axes"});
    std::vector<int64_t> Starts, Ends, Axes, Steps;
    if (Opset < 10) {
      Starts = intsAttr("starts");
      Ends = intsAttr("ends");
      Axes = intsAttr("axes");
    } else {
      Starts = constInts(1, "starts");
      Ends = constInts(2, "ends");
      if (hasInput(3))
        Axes = constInts(3, "axes");
      if (hasInput(4))
        Steps = constInts(4, "steps");
    }
    Shape S = inputShape(0), Out;
    std::vector<int64_t> AS, AE, ASt;
    std::string E = shapes::slice(S, Starts, Ends, Axes, Steps, AS, AE, ASt, Out);
    if (!E.empty())
      fail(E);
    // A step beyond the dimension takes at most one element, as a step of
    // the dimension does; the lowering never sees one near INT64_MIN.
    for (size_t D = 0; D < S.size(); ++D)
      ASt[D] = std::clamp<int64_t>(ASt[D], -std::max<int64_t>(S[D], 1), std::max<int64_t>(S[D], 1));
    if (isConst(0)) {
      auto St = stridesOf(S);
      setConst(0, gatherConst(Consts[Node->input(0)], Out, [&](const std::vector<int64_t> &C) {
                 int64_t Src = 0;
                 for (size_t D = 0; D < S.size(); ++D)
                   Src += (AS[D] + C[D] * ASt[D]) * St[D];
                 return Src;
               }));
      return;
    }
    setOutput(0, EmitSlice(input(0), AS, AE, ASt, Out));
    return;
  }
  if (Op == "Split") {
    onlyAttrs({"axis", "split"});
    Value X = input(0);
    Shape S = shapeOf(X);
    int64_t Axis = intAttr("axis", 0);
    if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
      fail("axis out of range");
    std::vector<int64_t> Sizes =
        Opset >= 13 && hasInput(1) ? constInts(1, "split") : intsAttr("split");
    int64_t N = Node->output_size();
    if (N < 1)
      fail("Split needs outputs");
    if (Sizes.empty()) {
      if (S[size_t(Axis)] % N)
        fail("dimension " + std::to_string(S[size_t(Axis)]) + " does not split into " +
             std::to_string(N) + " equal parts");
      Sizes.assign(size_t(N), S[size_t(Axis)] / N);
    }
    int64_t Sum = 0;
    bool Bad = false;
    for (int64_t Z : Sizes)
      Bad |= Z < 0 || __builtin_add_overflow(Sum, Z, &Sum);
    if (Bad || int64_t(Sizes.size()) != N || Sum != S[size_t(Axis)])
      fail("split sizes do not add up to dimension " + std::to_string(S[size_t(Axis)]));
    int64_t At = 0;
    for (int64_t K = 0; K < N; ++K) {
      setOutput(int(K), sliceAlong(X, Axis, At, At + Sizes[size_t(K)]));
      At += Sizes[size_t(K)];
    }
    return;
  }
  if (Op == "Gather") {
    onlyAttrs({"axis"});
    Value X = input(0);
    Shape S = shapeOf(X);
    int64_t Axis = intAttr("axis", 0);
    if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
      fail("axis out of range");
    Value Idx;
    Shape IdxShape;
    if (isConst(1)) {
      // Constant indices: normalize negative ones and check the range here.
      Const C = Consts[Node->input(1)];
      if (C.isFloat())
        fail("indices must be integers");
      for (int64_t &I : C.I) {
        if (I < -S[size_t(Axis)] || I >= S[size_t(Axis)])
          fail("index " + std::to_string(I) + " out of range for dimension " +
               std::to_string(S[size_t(Axis)]));
        if (I < 0)
          I += S[size_t(Axis)];
      }
      C.DType = onnx::TensorProto::INT64;
      Idx = materialize(C);
    } else {
      Idx = input(1);
    }
    Shape Out;
    std::string E = shapes::gather(S, shapeOf(Idx), Axis, Out);
    if (!E.empty())
      fail(E);
    setOutput(0,
              B.create<graph::GatherOp>(
                  Loc,
                  RankedTensorType::get(Out, cast<RankedTensorType>(X.getType()).getElementType()),
                  X, Idx, B.getI64IntegerAttr(Axis)));
    return;
  }
  if (Op == "Cast" || Op == "CastLike") {
    onlyAttrs({"to", "saturate"});
    int32_t To = Op == "Cast" ? int32_t(intAttr("to", 0)) : onnxType(eltOf(input(1)));
    if (!isFloatType(To) && !isIntType(To))
      fail("Cast to " + dtypeName(To) +
           " is not supported (d1c computes FLOAT, BOOL and integers)");
    // Between storage floats, through fp32 (one rounding each way).
    Value X = input(0);
    Type T = elementType(To);
    if (isStorageFloat(eltOf(X)) && !T.isF32())
      X = castTo(X, B.getF32Type());
    if (isStorageFloat(T) && !eltOf(X).isF32())
      X = castTo(X, B.getF32Type());
    setOutput(0, castTo(X, T));
    return;
  }
  fail("unsupported operator");
}

} // namespace d1::import
