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
  auto Perm = [&](Value V, std::vector<int64_t> P) { return transpose(V, P); };
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

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

struct Importer::EinsumTerm {
  Value V;
  std::string Labels; // one per axis
};

FailureOr<Importer::EinsumTerm> Importer::einsumReduce(EinsumTerm T, const std::string &Keep) {
  // A label repeated within a term is its diagonal: the two axes last,
  // flattened, and every (n + 1)-th element gathered.
  for (size_t P = 0; P < T.Labels.size(); ++P) {
    size_t Q = T.Labels.find(T.Labels[P], P + 1);
    if (Q == std::string::npos)
      continue;
    Shape S = shapeOf(T.V);
    if (S[P] != S[Q])
      return fail("einsum label '" + std::string(1, T.Labels[P]) + "' has sizes " +
                  std::to_string(S[P]) + " and " + std::to_string(S[Q]) + " in one operand");
    std::vector<int64_t> Perm;
    std::string Labels;
    Shape Rest;
    for (size_t D = 0; D < S.size(); ++D)
      if (D != P && D != Q) {
        Perm.push_back(int64_t(D));
        Labels += T.Labels[D];
        Rest.push_back(S[D]);
      }
    Perm.push_back(int64_t(P));
    Perm.push_back(int64_t(Q));
    int64_t N = S[P];
    Shape Flat = Rest, Out = Rest;
    Flat.push_back(N * N);
    Out.push_back(N);
    Value Diag = constFrom({N}, B.getI64Type(),
                           [&](const std::vector<int64_t> &I) { return double(I[0] * (N + 1)); });
    Value X = reshape(transpose(T.V, Perm), Flat);
    if (!X || !Diag)
      return failure();
    T.V = B.create<graph::GatherOp>(Loc, RankedTensorType::get(Out, eltOf(X)), X, Diag,
                                    B.getI64IntegerAttr(int64_t(Rest.size())));
    T.Labels = Labels + T.Labels[P];
    P = size_t(-1); // again from the start: the labels moved
  }
  // Labels nobody else needs are summed out.
  std::vector<int64_t> Axes;
  std::string Left;
  for (size_t D = 0; D < T.Labels.size(); ++D) {
    if (Keep.find(T.Labels[D]) == std::string::npos)
      Axes.push_back(int64_t(D));
    else
      Left += T.Labels[D];
  }
  if (!Axes.empty()) {
    T.V = reduceOf(graph::ReduceKind::Sum, T.V, Axes, /*KeepDims=*/false);
    T.Labels = Left;
  }
  if (!T.V)
    return failure();
  return T;
}

FailureOr<Importer::EinsumTerm> Importer::einsumContract(const EinsumTerm &A, const EinsumTerm &X,
                                                         const std::string &Keep) {
  // [batch, A's own, summed] x [batch, summed, X's own] as one batched
  // matmul of [Bt, M, K] x [Bt, K, N].
  Shape AS = shapeOf(A.V), XS = shapeOf(X.V);
  std::string Batch, AOwn, Summed, XOwn;
  for (size_t D = 0; D < A.Labels.size(); ++D) {
    char L = A.Labels[D];
    size_t In = X.Labels.find(L);
    if (In == std::string::npos) {
      AOwn += L;
      continue;
    }
    if (AS[D] != XS[In])
      return fail("einsum label '" + std::string(1, L) + "' has sizes " + std::to_string(AS[D]) +
                  " and " + std::to_string(XS[In]) + " (broadcasting is not supported)");
    (Keep.find(L) == std::string::npos ? Summed : Batch) += L;
  }
  for (char L : X.Labels)
    if (A.Labels.find(L) == std::string::npos)
      XOwn += L;
  auto Order = [](const std::string &Labels, const std::string &Want) {
    std::vector<int64_t> Perm;
    for (char L : Want)
      Perm.push_back(int64_t(Labels.find(L)));
    return Perm;
  };
  auto SizeOf = [](const Shape &S, const std::string &Labels, const std::string &Of) {
    Shape Out;
    int64_t N = 1;
    for (char L : Of) {
      Out.push_back(S[Labels.find(L)]);
      N *= Out.back();
    }
    return std::make_pair(Out, N);
  };
  auto [BDims, Bt] = SizeOf(AS, A.Labels, Batch);
  auto [MDims, M] = SizeOf(AS, A.Labels, AOwn);
  auto [KDims, K] = SizeOf(AS, A.Labels, Summed);
  auto [NDims, N] = SizeOf(XS, X.Labels, XOwn);
  (void)KDims;
  Value L = reshape(transpose(A.V, Order(A.Labels, Batch + AOwn + Summed)), {Bt, M, K});
  Value R = reshape(transpose(X.V, Order(X.Labels, Batch + Summed + XOwn)), {Bt, K, N});
  if (!L || !R)
    return failure();
  Value P = B.create<graph::MatMulOp>(Loc, RankedTensorType::get({Bt, M, N}, eltOf(L)), L, R);
  Shape Out = BDims;
  Out.insert(Out.end(), MDims.begin(), MDims.end());
  Out.insert(Out.end(), NDims.begin(), NDims.end());
  return EinsumTerm{reshape(P, Out), Batch + AOwn + XOwn};
}

LogicalResult Importer::importEinsum() {
  if (failed(onlyAttrs({"equation"})))
    return failure();
  std::string Eq;
  for (char C : stringAttr("equation", ""))
    if (C != ' ')
      Eq += C;
  std::string In = Eq, OutSpec;
  size_t Arrow = Eq.find("->");
  bool Explicit = Arrow != std::string::npos;
  if (Explicit) {
    In = Eq.substr(0, Arrow);
    OutSpec = Eq.substr(Arrow + 2);
  }
  std::vector<std::string> Specs;
  for (size_t From = 0;;) {
    size_t Comma = In.find(',', From);
    Specs.push_back(In.substr(From, Comma == std::string::npos ? std::string::npos : Comma - From));
    if (Comma == std::string::npos)
      break;
    From = Comma + 1;
  }
  int64_t NumInputs = Node->input_size();
  if (int64_t(Specs.size()) != NumInputs)
    return fail("equation " + q(Eq) + " has " + std::to_string(Specs.size()) +
                " operands; the node has " + std::to_string(NumInputs) + " inputs");
  // Each operand's labels; an ellipsis stands for the axes the letters do
  // not name, labelled '0', '1', ... so that they align from the right.
  auto Letters = [](const std::string &Spec, std::string &Out) {
    size_t Dots = Spec.find("...");
    for (size_t I = 0; I < Spec.size(); ++I) {
      if (I == Dots) {
        I += 2;
        continue;
      }
      if (!std::isalpha(static_cast<unsigned char>(Spec[I])))
        return false;
      Out += Spec[I];
    }
    return Spec.find("...", Dots == std::string::npos ? 0 : Dots + 3) == std::string::npos;
  };
  std::vector<EinsumTerm> Terms;
  size_t MaxEllipsis = 0;
  std::vector<size_t> Ellipsis;
  for (int64_t K = 0; K < NumInputs; ++K) {
    const std::string &Spec = Specs[size_t(K)];
    std::string Named;
    if (!Letters(Spec, Named))
      return fail("equation " + q(Eq) + ": operand " + q(Spec) +
                  " is not letters with at most one '...'");
    Value V = floatInput(int(K));
    if (!V)
      return failure();
    size_t Rank = shapeOf(V).size();
    bool HasDots = Spec.find("...") != std::string::npos;
    if (Named.size() > Rank || (!HasDots && Named.size() != Rank))
      return fail("operand " + q(Spec) + " does not match input " + std::to_string(K) + " " +
                  shapeStr(shapeOf(V)));
    Ellipsis.push_back(Rank - Named.size());
    MaxEllipsis = std::max(MaxEllipsis, Ellipsis.back());
    Terms.push_back({V, Spec});
  }
  if (MaxEllipsis > 10)
    return fail("an ellipsis of more than 10 axes is not supported");
  auto DotLabels = [&](size_t Count) {
    std::string L;
    for (size_t I = MaxEllipsis - Count; I < MaxEllipsis; ++I)
      L += char('0' + I);
    return L;
  };
  std::map<char, int64_t> Sizes;
  for (size_t K = 0; K < Terms.size(); ++K) {
    std::string Spec = Terms[K].Labels, Labels;
    size_t Dots = Spec.find("...");
    Labels = Dots == std::string::npos
                 ? Spec
                 : Spec.substr(0, Dots) + DotLabels(Ellipsis[K]) + Spec.substr(Dots + 3);
    Terms[K].Labels = Labels;
    Shape S = shapeOf(Terms[K].V);
    for (size_t D = 0; D < Labels.size(); ++D) {
      auto [It, New] = Sizes.insert({Labels[D], S[D]});
      if (!New && It->second != S[D])
        return fail("einsum label '" + std::string(1, Labels[D]) + "' has sizes " +
                    std::to_string(It->second) + " and " + std::to_string(S[D]) +
                    " (broadcasting is not supported)");
    }
  }
  // The output's labels: as written, or (implicit) the ellipsis then the
  // letters used once, in alphabetical order.
  std::string Out;
  if (Explicit) {
    std::string Named;
    if (!Letters(OutSpec, Named))
      return fail("equation " + q(Eq) + ": output " + q(OutSpec) +
                  " is not letters with at most one '...'");
    size_t Dots = OutSpec.find("...");
    Out = Dots == std::string::npos
              ? OutSpec
              : OutSpec.substr(0, Dots) + DotLabels(MaxEllipsis) + OutSpec.substr(Dots + 3);
    for (size_t I = 0; I < Out.size(); ++I)
      if (!Sizes.count(Out[I]) || Out.find(Out[I], I + 1) != std::string::npos)
        return fail("equation " + q(Eq) + ": output label '" + std::string(1, Out[I]) +
                    "' is not an input label used once in the output");
  } else {
    Out = DotLabels(MaxEllipsis);
    std::map<char, int> Uses;
    for (const EinsumTerm &T : Terms)
      for (char L : T.Labels)
        ++Uses[L];
    for (auto [L, N] : Uses)
      if (N == 1 && std::isalpha(static_cast<unsigned char>(L)))
        Out += L;
  }
  // Each operand reduced on its own, then contracted left to right.
  auto LabelsAfter = [&](size_t K) {
    std::string L = Out;
    for (size_t J = K + 1; J < Terms.size(); ++J)
      L += Terms[J].Labels;
    return L;
  };
  for (size_t K = 0; K < Terms.size(); ++K) {
    std::string Keep = LabelsAfter(K);
    for (size_t J = 0; J < K; ++J)
      Keep += Terms[J].Labels;
    FailureOr<EinsumTerm> R = einsumReduce(Terms[K], Keep);
    if (failed(R))
      return failure();
    Terms[K] = *R;
  }
  EinsumTerm Acc = Terms[0];
  for (size_t K = 1; K < Terms.size(); ++K) {
    FailureOr<EinsumTerm> R = einsumContract(Acc, Terms[K], LabelsAfter(K));
    if (failed(R))
      return failure();
    Acc = *R;
  }
  FailureOr<EinsumTerm> Last = einsumReduce(Acc, Out);
  if (failed(Last))
    return failure();
  std::vector<int64_t> Perm;
  for (char L : Out)
    Perm.push_back(int64_t(Last->Labels.find(L)));
  Value Y = Last->V;
  if (!std::is_sorted(Perm.begin(), Perm.end()))
    Y = transpose(Y, Perm);
  Shape OS;
  for (char L : Out)
    OS.push_back(Sizes[L]);
  return setOutput(0, reshape(Y, OS));
}

} // namespace d1::import
