//===- Decomposed.cpp - Operators written with other graph ops --------------===//
#include "Importer.h"

namespace d1::import {

// Range, ConstantOfShape and OneHot are folded when their inputs are
// constants; otherwise the output's shape depends on run-time values.
static std::string shapeDependsOn(const char *What) {
  return std::string(What) + " must be constants: the output's shape depends on them";
}

LogicalResult Importer::importRange() { return fail(shapeDependsOn("start, limit and delta")); }

LogicalResult Importer::importConstantOfShape() { return fail(shapeDependsOn("the shape")); }

LogicalResult Importer::importOneHot() { return fail(shapeDependsOn("depth")); }

FailureOr<std::vector<int64_t>> Importer::nonNegativeConstInts(int K, const char *What) {
  FailureOr<std::vector<int64_t>> Arg = constInts(K, What);
  if (failed(Arg))
    return failure();
  for (int64_t V : *Arg)
    if (V < 0)
      return fail(std::string(What) + " must not be negative");
  return Arg;
}

LogicalResult Importer::importExpand() {
  if (failed(onlyAttrs({})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  FailureOr<std::vector<int64_t>> Arg = nonNegativeConstInts(1, "shape");
  if (failed(Arg))
    return failure();
  Shape Out;
  std::string E = shapes::broadcast(shapeOf(X), *Arg, Out);
  if (!E.empty())
    return fail(E);
  if (failed(checkSize(Out, bytesOf(eltOf(X)), "output " + q(outputName(0)))))
    return failure();
  return setOutput(0, broadcastTo(X, *Arg));
}

LogicalResult Importer::importTile() {
  if (failed(onlyAttrs({})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  FailureOr<std::vector<int64_t>> Arg = nonNegativeConstInts(1, "repeats");
  if (failed(Arg))
    return failure();
  Shape S = shapeOf(X);
  // [d0, d1, ..] as [1, d0, 1, d1, ..] broadcast to [r0, d0, r1, d1, ..].
  if (Arg->size() != S.size())
    return fail("repeats needs one value per dimension");
  Shape Split, Rep, Out;
  for (size_t D = 0; D < S.size(); ++D) {
    Split.insert(Split.end(), {1, S[D]});
    Rep.insert(Rep.end(), {(*Arg)[D], S[D]});
    FailureOr<int64_t> Size = mulOrFail((*Arg)[D], S[D], "the tiled size");
    if (failed(Size))
      return failure();
    Out.push_back(*Size);
  }
  if (failed(checkSize(Out, bytesOf(eltOf(X)), "output " + q(outputName(0)))))
    return failure();
  return setOutput(0, reshape(broadcastTo(reshape(X, Split), Rep), Out));
}

LogicalResult Importer::importReverseSequence() {
  // Index along time: len - 1 - t inside each sequence, t past its end.
  if (failed(onlyAttrs({"batch_axis", "time_axis"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  int64_t BA = intAttr("batch_axis", 1), TA = intAttr("time_axis", 0);
  if (S.size() < 2 || !shapes::normalizeAxis(BA, int64_t(S.size())) ||
      !shapes::normalizeAxis(TA, int64_t(S.size())) || BA == TA)
    return fail("batch_axis and time_axis must be two different axes");
  Type I64 = B.getI64Type();
  Shape LS(S.size(), 1), TS(S.size(), 1);
  LS[size_t(BA)] = S[size_t(BA)];
  TS[size_t(TA)] = S[size_t(TA)];
  Value Len = reshape(castTo(input(1), I64), LS);
  if (!Len)
    return failure();
  Value T =
      constFrom(TS, I64, [&](const std::vector<int64_t> &C) { return double(C[size_t(TA)]); });
  Value Rev = bin<graph::SubOp>(bin<graph::SubOp>(Len, scalar(1, I64)), T);
  if (!Rev)
    return failure();
  Value Idx =
      where(compare(graph::ComparePredicate::LT, T, Len), Rev, broadcastTo(T, shapeOf(Rev)));
  return setOutput(0, gatherElements(X, broadcastTo(Idx, S), TA));
}

LogicalResult Importer::importDet() {
  // Leibniz's formula over the permutations of the last two (n x n, n <= 4) axes.
  if (failed(onlyAttrs({})))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  if (S.size() < 2 || S.back() != S[S.size() - 2] || S.back() > 4 || S.back() < 1)
    return fail("Det supports square matrices up to 4 x 4 (input " + shapeStr(S) + ")");
  int64_t N = S.back();
  Shape Lead(S.begin(), S.end() - 2);
  auto At = [&](int64_t I, int64_t J) {
    std::vector<int64_t> Lo(S.size(), 0), Hi(S.begin(), S.end()), Sp(S.size(), 1);
    Lo[S.size() - 2] = I;
    Hi[S.size() - 2] = I + 1;
    Lo[S.size() - 1] = J;
    Hi[S.size() - 1] = J + 1;
    Shape PS = S;
    PS[S.size() - 2] = PS[S.size() - 1] = 1;
    Value V = B.create<graph::SliceOp>(Loc, f32(PS), X, B.getDenseI64ArrayAttr(Lo),
                                       B.getDenseI64ArrayAttr(Hi), B.getDenseI64ArrayAttr(Sp));
    return reshape(V, Lead);
  };
  std::vector<int64_t> P(static_cast<size_t>(N));
  for (int64_t K = 0; K < N; ++K)
    P[size_t(K)] = K;
  Value Sum;
  do {
    int64_t Inv = 0;
    for (int64_t I = 0; I < N; ++I)
      for (int64_t J = I + 1; J < N; ++J)
        Inv += P[size_t(I)] > P[size_t(J)];
    Value Term = At(0, P[0]);
    for (int64_t I = 1; I < N; ++I)
      Term = bin<graph::MulOp>(Term, At(I, P[size_t(I)]));
    Sum = !Sum      ? (Inv % 2 ? un<graph::NegOp>(Term) : Term)
          : Inv % 2 ? bin<graph::SubOp>(Sum, Term)
                    : bin<graph::AddOp>(Sum, Term);
  } while (std::next_permutation(P.begin(), P.end()));
  return setOutput(0, Sum);
}

FailureOr<std::string> Importer::scatterReduction(bool MaxMin) {
  std::string R = stringAttr("reduction", "none");
  if (!MaxMin && (R == "max" || R == "min"))
    return fail("reduction " + q(R) + " is supported from opset 18 on");
  return R;
}

LogicalResult Importer::scatterElementsOutput(bool MaxMin) {
  if (failed(onlyAttrs({"axis", "reduction"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  int64_t Axis = intAttr("axis", 0);
  if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
    return fail("axis out of range");
  Value Idx = input(1);
  if (!Idx)
    return failure();
  Value Updates = input(2);
  if (!Updates)
    return failure();
  if (shapeOf(Idx) != shapeOf(Updates))
    return fail("indices and updates differ in shape");
  Shape DS = shapeOf(X), IS = shapeOf(Idx);
  for (size_t D = 0; D < DS.size() && D < IS.size(); ++D)
    if (int64_t(D) != Axis && IS[D] > DS[D])
      return fail("indices " + shapeStr(IS) + " exceed the data " + shapeStr(DS));
  FailureOr<std::string> Reduction = scatterReduction(MaxMin);
  if (failed(Reduction))
    return failure();
  return setOutput(0, scatter(X, elementIndices(DS, Idx, Axis), inputAs(2, eltOf(X)), *Reduction));
}

LogicalResult Importer::importScatterElements() { return scatterElementsOutput(false); }

/// Opset 18 adds the reductions max and min.
LogicalResult Importer::importScatterElements18() { return scatterElementsOutput(true); }

/// Scatter (deprecated) is ScatterElements.
LogicalResult Importer::importScatter() { return importScatterElements(); }

LogicalResult Importer::gatherOrScatterND(bool Scatter, bool MaxMin) {
  if (failed(onlyAttrs({"batch_dims", "reduction"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Value Idx = input(1);
  if (!Idx)
    return failure();
  Shape DS = shapeOf(X), IS = shapeOf(Idx);
  int64_t Bd = Scatter ? 0 : intAttr("batch_dims", 0), Inner = 1;
  Value Row = rowIndices(DS, Idx, Bd, Inner); // checks Bd and the index depth
  if (!Row)
    return failure();
  Shape Lead(IS.begin(), IS.end() - 1), Tail(DS.begin() + Bd + IS.back(), DS.end());
  Shape Out = Lead;
  Out.insert(Out.end(), Tail.begin(), Tail.end());
  int64_t Rows = shapes::numElements(DS) / std::max<int64_t>(Inner, 1);
  if (!Scatter) {
    Shape GS = Lead;
    GS.push_back(Inner);
    Value G = B.create<graph::GatherOp>(Loc, RankedTensorType::get(GS, eltOf(X)),
                                        reshape(X, {Rows, Inner}), Row, B.getI64IntegerAttr(0));
    return setOutput(0, reshape(G, Out));
  }
  // ScatterND: every element of each addressed row.
  Shape RS = Lead;
  RS.push_back(1);
  Value Iota = constFrom({Inner}, B.getI64Type(),
                         [](const std::vector<int64_t> &C) { return double(C[0]); });
  Value Flat = bin<graph::AddOp>(
      bin<graph::MulOp>(reshape(Row, RS), scalar(double(Inner), B.getI64Type())), Iota);
  if (!Flat)
    return failure();
  Value U = inputAs(2, eltOf(X));
  if (!U)
    return failure();
  if (shapeOf(U) != Out)
    return fail("updates should be " + shapeStr(Out));
  FailureOr<std::string> Reduction = scatterReduction(MaxMin);
  if (failed(Reduction))
    return failure();
  return setOutput(0, scatter(X, Flat, U, *Reduction));
}

LogicalResult Importer::importGatherND() { return gatherOrScatterND(/*Scatter=*/false); }

LogicalResult Importer::importScatterND() { return gatherOrScatterND(/*Scatter=*/true); }

LogicalResult Importer::importScatterND18() {
  return gatherOrScatterND(/*Scatter=*/true, /*MaxMin=*/true);
}

LogicalResult Importer::importMaxUnpool() {
  if (failed(onlyAttrs({"kernel_shape", "pads", "strides"})))
    return failure();
  if (hasInput(2))
    return fail("output_shape is not supported");
  Value X = floatInput(0);
  if (!X)
    return failure();
  Shape XS = shapeOf(X), Out = XS;
  std::vector<int64_t> K = intsAttr("kernel_shape");
  if (XS.size() < 3)
    return fail("input needs spatial dimensions, got " + shapeStr(XS));
  size_t NS = XS.size() - 2;
  FailureOr<std::vector<int64_t>> St = intsAttr("strides", 1, NS);
  if (failed(St))
    return failure();
  FailureOr<std::vector<int64_t>> P = intsAttr("pads", 0, 2 * NS);
  if (failed(P))
    return failure();
  if (K.size() != NS)
    return fail("kernel_shape must have " + std::to_string(NS) + " values");
  if (failed(checkWindowAttrs(NS, K, *St, {}, *P)))
    return failure();
  for (size_t D = 0; D < NS; ++D) {
    FailureOr<int64_t> Scaled = mulOrFail(XS[2 + D] - 1, (*St)[D], "the output size");
    if (failed(Scaled))
      return failure();
    FailureOr<int64_t> Size = addOrFail(*Scaled, K[D] - (*P)[D] - (*P)[D + NS], "the output size");
    if (failed(Size))
      return failure();
    Out[2 + D] = *Size;
    if (Out[2 + D] < 0)
      return fail("the pads are larger than the output");
  }
  if (failed(checkSize(Out, 4, "output " + q(outputName(0)))))
    return failure();
  Value Zeros = splat(Out, B.getF32Type(), 0.0);
  if (!Zeros)
    return failure();
  Value Idx = input(1);
  if (!Idx)
    return failure();
  if (shapeOf(Idx) != XS)
    return fail("indices must have the input's shape");
  return setOutput(0, scatter(Zeros, normalizedIndex(Idx, shapes::numElements(Out)), X, "none"));
}

LogicalResult Importer::importPad() {
  if (failed(onlyAttrs({"mode", "pads", "value"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  std::vector<int64_t> Pads;
  double V = 0.0;
  if (Opset < 11) {
    Pads = intsAttr(Opset < 2 ? "paddings" : "pads");
    V = floatAttr("value", 0.0f);
  } else {
    FailureOr<std::vector<int64_t>> ConstPads = constInts(1, "pads");
    if (failed(ConstPads))
      return failure();
    Pads = *ConstPads;
    if (hasInput(2)) {
      FailureOr<double> Fill = constScalar(2, "constant_value");
      if (failed(Fill))
        return failure();
      V = *Fill;
    }
  }
  std::string Mode = stringAttr("mode", "constant");
  if (Mode == "wrap")
    return fail("pad mode 'wrap' is supported from opset 19 on");
  return setOutput(0, pad(X, Pads, Mode, V));
}

LogicalResult Importer::padOutput18(bool Wrap) {
  if (failed(onlyAttrs({"mode"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  FailureOr<std::vector<int64_t>> Given = constInts(1, "pads");
  if (failed(Given))
    return failure();
  double Fill = 0.0;
  if (hasInput(2)) {
    FailureOr<double> V = constScalar(2, "constant_value");
    if (failed(V))
      return failure();
    Fill = *V;
  }
  std::vector<int64_t> Pads = *Given;
  if (hasInput(3)) {
    // Begin values for the listed axes, then end values; the others 0.
    FailureOr<std::vector<int64_t>> Axes = constInts(3, "axes");
    if (failed(Axes))
      return failure();
    int64_t R = int64_t(shapeOf(X).size()), N = int64_t(Axes->size());
    if (int64_t(Given->size()) != 2 * N)
      return fail("pads has " + std::to_string(Given->size()) + " values for " + std::to_string(N) +
                  " axes, needs " + std::to_string(2 * N));
    Pads.assign(size_t(2 * R), 0);
    std::vector<bool> Seen(size_t(R), false);
    for (int64_t K = 0; K < N; ++K) {
      int64_t A = (*Axes)[size_t(K)];
      if (!shapes::normalizeAxis(A, R))
        return fail("axis " + std::to_string(A) + " out of range for rank " + std::to_string(R));
      if (Seen[size_t(A)])
        return fail("axis " + std::to_string(A) + " repeated");
      Seen[size_t(A)] = true;
      Pads[size_t(A)] = (*Given)[size_t(K)];
      Pads[size_t(A + R)] = (*Given)[size_t(K + N)];
    }
  }
  std::string Mode = stringAttr("mode", "constant");
  if (Mode == "wrap" && !Wrap)
    return fail("pad mode 'wrap' is supported from opset 19 on");
  return setOutput(0, pad(X, Pads, Mode, Fill));
}

LogicalResult Importer::importPad18() { return padOutput18(/*Wrap=*/false); }

LogicalResult Importer::importPad19() { return padOutput18(/*Wrap=*/true); }

/// Each listed axis cropped or padded with zeros to its target size,
/// centered: a crop starts at (in - out) / 2, a pad puts (out - in) / 2
/// before (both rounded down).
LogicalResult Importer::importCenterCropPad() {
  if (failed(onlyAttrs({"axes"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  FailureOr<std::vector<int64_t>> Target = constInts(1, "shape");
  if (failed(Target))
    return failure();
  Shape S = shapeOf(X);
  int64_t R = int64_t(S.size());
  std::vector<int64_t> Axes = intsAttr("axes");
  if (Axes.empty())
    for (int64_t D = 0; D < R; ++D)
      Axes.push_back(D);
  if (Target->size() != Axes.size())
    return fail("shape has " + std::to_string(Target->size()) + " values for " +
                std::to_string(Axes.size()) + " axes");
  std::vector<int64_t> Pads(size_t(2 * R), 0);
  std::vector<bool> Seen(size_t(R), false);
  for (size_t K = 0; K < Axes.size(); ++K) {
    int64_t A = Axes[K], Out = (*Target)[K];
    if (!shapes::normalizeAxis(A, R))
      return fail("axis " + std::to_string(A) + " out of range for rank " + std::to_string(R));
    if (Seen[size_t(A)])
      return fail("axis " + std::to_string(A) + " repeated");
    Seen[size_t(A)] = true;
    if (Out < 0)
      return fail("shape value " + std::to_string(Out) + " is negative");
    int64_t In = S[size_t(A)];
    if (Out < In) {
      int64_t From = (In - Out) / 2;
      X = sliceAlong(X, A, From, From + Out);
    } else if (Out > In) {
      Pads[size_t(A)] = (Out - In) / 2;
      Pads[size_t(A + R)] = Out - In - Pads[size_t(A)];
    }
  }
  return setOutput(0, pad(X, Pads, "constant", 0));
}

LogicalResult Importer::importEyeLike() {
  if (failed(onlyAttrs({"dtype", "k"})))
    return failure();
  FailureOr<Shape> InShape = inputShape(0);
  if (failed(InShape))
    return failure();
  Shape S = *InShape;
  if (S.size() != 2)
    return fail("input must be 2D");
  int64_t K = intAttr("k", 0);
  int32_t DT;
  if (attr("dtype")) {
    DT = int32_t(intAttr("dtype", 1));
  } else if (isConst(0)) {
    DT = Consts[Node->input(0)].DType;
  } else {
    Value X = input(0);
    if (!X)
      return failure();
    DT = onnxType(eltOf(X));
  }
  if (DT != onnx::TensorProto::FLOAT && !isIntType(DT))
    return fail("dtype " + dtypeName(DT) + " is not supported");
  Const C;
  C.DType = DT;
  C.Dims = S;
  if (failed(checkComputed(S, DT, "output")))
    return failure();
  for (int64_t I = 0; I < (C.size() ? S[0] : 0); ++I)
    for (int64_t J = 0; J < S[1]; ++J) {
      if (C.isFloat())
        C.F.push_back(J - I == K ? 1.0f : 0.0f);
      else
        C.I.push_back(J - I == K);
    }
  return setConst(0, C);
}

LogicalResult Importer::rearrangeBlocks(bool ToSpace) {
  if (failed(onlyAttrs({"blocksize", "mode"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  int64_t Bs = intAttr("blocksize", 0);
  if (S.size() != 4 || Bs < 1)
    return fail("needs a 4D input and a positive blocksize");
  if (ToSpace) { // spatial sizes grow by Bs
    FailureOr<int64_t> OH = mulOrFail(S[2], Bs, "the output size");
    if (failed(OH))
      return failure();
    FailureOr<int64_t> OW = mulOrFail(S[3], Bs, "the output size");
    if (failed(OW))
      return failure();
    if (failed(checkSize({S[0], S[1], *OH, *OW}, 1, "output " + q(outputName(0)))))
      return failure();
  }
  int64_t N = S[0], C = S[1], H = S[2], W = S[3];
  Type T = eltOf(X);
  auto Perm = [&](Value V, std::vector<int64_t> P) -> Value {
    if (!V)
      return {};
    Shape In = shapeOf(V), Out;
    for (int64_t D : P)
      Out.push_back(In[size_t(D)]);
    return B
        .create<graph::TransposeOp>(Loc, RankedTensorType::get(Out, T), V,
                                    B.getDenseI64ArrayAttr(P))
        .getResult();
  };
  FailureOr<int64_t> Bs2 = mulOrFail(Bs, Bs, "blocksize^2");
  if (failed(Bs2))
    return failure();
  if (ToSpace) {
    if (C % *Bs2)
      return fail("channels do not divide by blocksize^2");
    bool CRD = stringAttr("mode", "DCR") == "CRD";
    Value V = CRD ? reshape(X, {N, C / (Bs * Bs), Bs, Bs, H, W})
                  : reshape(X, {N, Bs, Bs, C / (Bs * Bs), H, W});
    V = CRD ? Perm(V, {0, 1, 4, 2, 5, 3}) : Perm(V, {0, 3, 4, 1, 5, 2});
    return setOutput(0, reshape(V, {N, C / (Bs * Bs), H * Bs, W * Bs}));
  }
  if (H % Bs || W % Bs)
    return fail("spatial size does not divide by blocksize");
  Value V = reshape(X, {N, C, H / Bs, Bs, W / Bs, Bs});
  V = Perm(V, {0, 3, 5, 1, 2, 4});
  return setOutput(0, reshape(V, {N, C * Bs * Bs, H / Bs, W / Bs}));
}

LogicalResult Importer::importDepthToSpace() { return rearrangeBlocks(/*ToSpace=*/true); }

LogicalResult Importer::importSpaceToDepth() { return rearrangeBlocks(/*ToSpace=*/false); }

Value Importer::meanVarianceNormalized(Value X, const std::vector<int64_t> &Axes, float Eps) {
  auto Mean = [&](Value V) { return reduceOf(graph::ReduceKind::Mean, V, Axes, true); };
  Value D = bin<graph::SubOp>(X, Mean(X));
  Value Var = Mean(bin<graph::MulOp>(D, D));
  return bin<graph::MulOp>(
      D, un<graph::ReciprocalOp>(un<graph::SqrtOp>(bin<graph::AddOp>(Var, scalar(Eps)))));
}

LogicalResult Importer::importInstanceNormalization() {
  if (failed(onlyAttrs({"epsilon", "axes"})))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  if (S.size() < 3)
    return fail("input needs channels and spatial dimensions (rank >= 3), got " + shapeStr(S));
  std::vector<int64_t> Axes;
  for (size_t D = 2; D < S.size(); ++D)
    Axes.push_back(int64_t(D));
  Value Y = meanVarianceNormalized(X, Axes, floatAttr("epsilon", 1e-5f));
  if (!Y)
    return failure();
  Shape PS(S.size() - 1, 1);
  PS[0] = S[1];
  Y = bin<graph::AddOp>(bin<graph::MulOp>(Y, reshape(floatInput(1), PS)),
                        reshape(floatInput(2), PS));
  return setOutput(0, Y);
}

LogicalResult Importer::importMeanVarianceNormalization() {
  if (failed(onlyAttrs({"epsilon", "axes"})))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  return setOutput(0, meanVarianceNormalized(X, intsAttr("axes", {0, 2, 3}), 1e-9f));
}

LogicalResult Importer::importLRN() {
  // x / (bias + alpha / size * sum of x^2 over a window of channels)^beta
  if (failed(onlyAttrs({"alpha", "beta", "bias", "size"})))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  int64_t Size = intAttr("size", 0);
  if (S.size() < 3 || Size < 1)
    return fail("needs channels and a positive size");
  if (failed(checkUnroll(Size, "size " + std::to_string(Size))))
    return failure();
  Value Sq = bin<graph::MulOp>(X, X);
  std::vector<int64_t> Pads(2 * S.size(), 0);
  Pads[1] = (Size - 1) / 2;
  Pads[1 + S.size()] = Size / 2;
  Value P = pad(Sq, Pads, "constant", 0);
  if (!P)
    return failure();
  Value Sum;
  for (int64_t K = 0; K < Size; ++K) {
    Value Part = sliceAlong(P, 1, K, K + S[1]);
    Sum = Sum ? bin<graph::AddOp>(Sum, Part) : Part;
  }
  Value Den =
      bin<graph::AddOp>(scalar(floatAttr("bias", 1.0f)),
                        bin<graph::MulOp>(Sum, scalar(floatAttr("alpha", 1e-4f) / float(Size))));
  return setOutput(0,
                   bin<graph::DivOp>(X, bin<graph::PowOp>(Den, scalar(floatAttr("beta", 0.75f)))));
}

} // namespace d1::import
