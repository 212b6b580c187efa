//===- Tensor.cpp - Shape and data-movement operators ---------------------===//
#include "Importer.h"

namespace d1::import {

LogicalResult Importer::importIdentity() { return setOutput(0, input(0)); }

LogicalResult Importer::importDropout() {
  if (failed(onlyAttrs({"seed", "ratio", "is_test"})))
    return failure();
  if (hasInput(2)) {
    bool Training = !isConst(2);
    if (!Training) {
      FailureOr<double> Mode = constScalar(2, "training_mode");
      if (failed(Mode))
        return failure();
      Training = *Mode != 0;
    }
    if (Training)
      return fail("training_mode must be a constant false (inference only)");
  }
  // In inference every element is kept: the mask is all true.
  if (!outputName(1).empty()) {
    Const Mask;
    Mask.DType = onnx::TensorProto::BOOL;
    FailureOr<Shape> S = inputShape(0);
    if (failed(S))
      return failure();
    Mask.Dims = *S;
    if (failed(checkComputed(Mask.Dims, Mask.DType, "output " + q(outputName(1)))))
      return failure();
    Mask.I.assign(size_t(Mask.size()), 1);
    if (failed(setConst(1, Mask)))
      return failure();
  }
  return setOutput(0, input(0));
}

// Shape-only ops work on constants and values alike.
LogicalResult Importer::reshapedOutput(const Shape &Out) {
  if (isConst(0)) {
    Const C = Consts[Node->input(0)];
    C.Dims = Out;
    return setConst(0, C);
  }
  return setOutput(0, reshape(input(0), Out));
}

LogicalResult Importer::importReshape() {
  if (failed(onlyAttrs({"allowzero", "shape"})))
    return failure();
  std::vector<int64_t> Target;
  if (Opset < 5) {
    Target = intsAttr("shape");
  } else {
    FailureOr<std::vector<int64_t>> T = constInts(1, "shape");
    if (failed(T))
      return failure();
    Target = std::move(*T);
  }
  FailureOr<Shape> S = inputShape(0);
  if (failed(S))
    return failure();
  Shape Out;
  std::string E = shapes::reshape(*S, Target, intAttr("allowzero", 0) != 0, Out);
  if (!E.empty())
    return fail(E);
  return reshapedOutput(Out);
}

LogicalResult Importer::importFlatten() {
  if (failed(onlyAttrs({"axis"})))
    return failure();
  FailureOr<Shape> FS = inputShape(0);
  if (failed(FS))
    return failure();
  const Shape &S = *FS;
  int64_t Axis = intAttr("axis", 1);
  if (Axis < 0)
    Axis += int64_t(S.size());
  if (Axis < 0 || Axis > int64_t(S.size()))
    return fail("axis out of range");
  return reshapedOutput(shapes::flatten2D(S, Axis));
}

FailureOr<std::vector<int64_t>> Importer::squeezeAxes() {
  if (Opset >= 13 && hasInput(1))
    return constInts(1, "axes");
  return intsAttr("axes");
}

LogicalResult Importer::importSqueeze() {
  if (failed(onlyAttrs({"axes"})))
    return failure();
  FailureOr<Shape> FS = inputShape(0);
  if (failed(FS))
    return failure();
  const Shape &S = *FS;
  FailureOr<std::vector<int64_t>> Axes = squeezeAxes();
  if (failed(Axes))
    return failure();
  std::vector<bool> Drop(S.size(), false);
  if (Axes->empty())
    for (size_t D = 0; D < S.size(); ++D)
      Drop[D] = S[D] == 1;
  for (int64_t A : *Axes) {
    if (!shapes::normalizeAxis(A, int64_t(S.size())) || S[size_t(A)] != 1)
      return fail("cannot squeeze axis " + std::to_string(A) + " of " + shapeStr(S));
    Drop[size_t(A)] = true;
  }
  Shape Out;
  for (size_t D = 0; D < S.size(); ++D)
    if (!Drop[D])
      Out.push_back(S[D]);
  return reshapedOutput(Out);
}

LogicalResult Importer::importUnsqueeze() {
  if (failed(onlyAttrs({"axes"})))
    return failure();
  FailureOr<Shape> FS = inputShape(0);
  if (failed(FS))
    return failure();
  const Shape &S = *FS;
  FailureOr<std::vector<int64_t>> Axes = squeezeAxes();
  if (failed(Axes))
    return failure();
  int64_t R = int64_t(S.size() + Axes->size());
  std::vector<bool> New(size_t(R), false);
  for (int64_t A : *Axes) {
    if (!shapes::normalizeAxis(A, R) || New[size_t(A)])
      return fail("bad unsqueeze axis");
    New[size_t(A)] = true;
  }
  Shape Out;
  size_t K = 0;
  for (int64_t D = 0; D < R; ++D)
    Out.push_back(New[size_t(D)] ? 1 : S[K++]);
  return reshapedOutput(Out);
}

LogicalResult Importer::importTranspose() {
  if (failed(onlyAttrs({"perm"})))
    return failure();
  FailureOr<Shape> FS = inputShape(0);
  if (failed(FS))
    return failure();
  const Shape &S = *FS;
  std::vector<int64_t> Perm = intsAttr("perm");
  if (Perm.empty())
    for (size_t D = S.size(); D-- > 0;)
      Perm.push_back(int64_t(D));
  Shape Out;
  std::string E = shapes::transpose(S, Perm, Out);
  if (!E.empty())
    return fail(E);
  if (isConst(0)) {
    const Const &C = Consts[Node->input(0)];
    auto St = stridesOf(S);
    return setConst(0, gatherConst(C, Out, [&](const std::vector<int64_t> &Co) {
                      int64_t Src = 0;
                      for (size_t D = 0; D < Perm.size(); ++D)
                        Src += Co[D] * St[size_t(Perm[D])];
                      return Src;
                    }));
  }
  Value X = input(0);
  if (!X)
    return failure();
  return setOutput(0, B.create<graph::TransposeOp>(Loc, RankedTensorType::get(Out, eltOf(X)), X,
                                                   B.getDenseI64ArrayAttr(Perm)));
}

LogicalResult Importer::importConcat() {
  if (failed(onlyAttrs({"axis"})))
    return failure();
  std::vector<Value> Ins;
  std::vector<Shape> Shapes;
  for (size_t K = 0; K < numInputs(); ++K) {
    Ins.push_back(input(int(K)));
    if (!Ins.back())
      return failure();
    Shapes.push_back(shapeOf(Ins.back()));
  }
  int64_t Axis = intAttr("axis", 0);
  Shape Out;
  std::string E = shapes::concat(Shapes, Axis, Out);
  if (!E.empty())
    return fail(E);
  shapes::normalizeAxis(Axis, int64_t(Out.size()));
  return setOutput(0, B.create<graph::ConcatOp>(Loc, RankedTensorType::get(Out, eltOf(Ins[0])), Ins,
                                                B.getI64IntegerAttr(Axis)));
}

LogicalResult Importer::importSlice() {
  if (failed(onlyAttrs({"starts", "ends", "axes"})))
    return failure();
  std::vector<int64_t> Starts, Ends, Axes, Steps;
  if (Opset < 10) {
    Starts = intsAttr("starts");
    Ends = intsAttr("ends");
    Axes = intsAttr("axes");
  } else {
    // Each of the inputs 1 to 4 present, in order.
    auto Read = [&](int K, const char *What, std::vector<int64_t> &To) -> LogicalResult {
      FailureOr<std::vector<int64_t>> V = constInts(K, What);
      if (failed(V))
        return failure();
      To = std::move(*V);
      return success();
    };
    if (failed(Read(1, "starts", Starts)) || failed(Read(2, "ends", Ends)) ||
        (hasInput(3) && failed(Read(3, "axes", Axes))) ||
        (hasInput(4) && failed(Read(4, "steps", Steps))))
      return failure();
  }
  FailureOr<Shape> FS = inputShape(0);
  if (failed(FS))
    return failure();
  const Shape &S = *FS;
  Shape Out;
  std::vector<int64_t> AS, AE, ASt;
  std::string E = shapes::slice(S, Starts, Ends, Axes, Steps, AS, AE, ASt, Out);
  if (!E.empty())
    return fail(E);
  // A step beyond the dimension takes at most one element, as a step of
  // the dimension does; the lowering never sees one near INT64_MIN.
  for (size_t D = 0; D < S.size(); ++D)
    ASt[D] = std::clamp<int64_t>(ASt[D], -std::max<int64_t>(S[D], 1), std::max<int64_t>(S[D], 1));
  if (isConst(0)) {
    auto St = stridesOf(S);
    return setConst(0, gatherConst(Consts[Node->input(0)], Out, [&](const std::vector<int64_t> &C) {
                      int64_t Src = 0;
                      for (size_t D = 0; D < S.size(); ++D)
                        Src += (AS[D] + C[D] * ASt[D]) * St[D];
                      return Src;
                    }));
  }
  Value X = input(0);
  if (!X)
    return failure();
  return setOutput(0, B.create<graph::SliceOp>(
                          Loc, RankedTensorType::get(Out, eltOf(X)), X, B.getDenseI64ArrayAttr(AS),
                          B.getDenseI64ArrayAttr(AE), B.getDenseI64ArrayAttr(ASt)));
}

LogicalResult Importer::splitOutputs(std::vector<int64_t> Sizes) {
  Value X = input(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  int64_t Axis = intAttr("axis", 0);
  if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
    return fail("axis out of range");
  int64_t N = Node->output_size();
  if (N < 1)
    return fail("Split needs outputs");
  if (Sizes.empty()) {
    if (S[size_t(Axis)] % N)
      return fail("dimension " + std::to_string(S[size_t(Axis)]) + " does not split into " +
                  std::to_string(N) + " equal parts");
    Sizes.assign(size_t(N), S[size_t(Axis)] / N);
  }
  int64_t Sum = 0;
  bool Bad = false;
  for (int64_t Z : Sizes)
    Bad |= Z < 0 || __builtin_add_overflow(Sum, Z, &Sum);
  if (Bad || int64_t(Sizes.size()) != N || Sum != S[size_t(Axis)])
    return fail("split sizes do not add up to dimension " + std::to_string(S[size_t(Axis)]));
  int64_t At = 0;
  for (int64_t K = 0; K < N; ++K) {
    if (failed(setOutput(int(K), sliceAlong(X, Axis, At, At + Sizes[size_t(K)]))))
      return failure();
    At += Sizes[size_t(K)];
  }
  return success();
}

LogicalResult Importer::importSplit() {
  if (failed(onlyAttrs({"axis", "split"})))
    return failure();
  if (Opset >= 13 && hasInput(1)) {
    FailureOr<std::vector<int64_t>> V = constInts(1, "split");
    if (failed(V))
      return failure();
    return splitOutputs(std::move(*V));
  }
  return splitOutputs(intsAttr("split"));
}

/// From opset 18, num_outputs instead of the split input gives chunks of
/// ceil(dim / num_outputs), the last smaller. With neither (which the
/// spec leaves open), equal parts, one per output, as before opset 18:
/// an uneven dimension is refused rather than guessed.
LogicalResult Importer::importSplit18() {
  if (failed(onlyAttrs({"axis", "num_outputs"})))
    return failure();
  if (hasInput(1)) {
    if (attr("num_outputs"))
      return fail("num_outputs and the split input are mutually exclusive");
    FailureOr<std::vector<int64_t>> V = constInts(1, "split");
    if (failed(V))
      return failure();
    return splitOutputs(std::move(*V));
  }
  if (!attr("num_outputs"))
    return splitOutputs({});
  int64_t N = intAttr("num_outputs", 0);
  if (N < 1)
    return fail("num_outputs must be positive, got " + std::to_string(N));
  if (N != Node->output_size())
    return fail("num_outputs " + std::to_string(N) + " differs from the node's " +
                std::to_string(Node->output_size()) + " outputs");
  FailureOr<Shape> S = inputShape(0);
  if (failed(S))
    return failure();
  int64_t Axis = intAttr("axis", 0);
  if (!shapes::normalizeAxis(Axis, int64_t(S->size())))
    return fail("axis out of range");
  // N * Chunk < Dim + N: no overflow for a dimension in DRAM.
  int64_t Dim = (*S)[size_t(Axis)], Chunk = Dim / N + (Dim % N != 0);
  int64_t Last = Dim - Chunk * (N - 1);
  if (Last < 0)
    return fail("dimension " + std::to_string(Dim) + " does not split into " + std::to_string(N) +
                " chunks of " + std::to_string(Chunk));
  std::vector<int64_t> Sizes(size_t(N - 1), Chunk);
  Sizes.push_back(Last);
  return splitOutputs(std::move(Sizes));
}

LogicalResult Importer::importGather() {
  if (failed(onlyAttrs({"axis"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  int64_t Axis = intAttr("axis", 0);
  if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
    return fail("axis out of range");
  Value Idx;
  if (isConst(1)) {
    // Constant indices: normalize negative ones and check the range here.
    Const C = Consts[Node->input(1)];
    if (C.isFloat())
      return fail("indices must be integers");
    for (int64_t &I : C.I) {
      if (I < -S[size_t(Axis)] || I >= S[size_t(Axis)])
        return fail("index " + std::to_string(I) + " out of range for dimension " +
                    std::to_string(S[size_t(Axis)]));
      if (I < 0)
        I += S[size_t(Axis)];
    }
    C.DType = onnx::TensorProto::INT64;
    Idx = materialize(C);
  } else {
    Idx = input(1);
  }
  if (!Idx)
    return failure();
  Shape Out;
  std::string E = shapes::gather(S, shapeOf(Idx), Axis, Out);
  if (!E.empty())
    return fail(E);
  return setOutput(0, B.create<graph::GatherOp>(Loc, RankedTensorType::get(Out, eltOf(X)), X, Idx,
                                                B.getI64IntegerAttr(Axis)));
}

LogicalResult Importer::importGatherElements() {
  if (failed(onlyAttrs({"axis"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  int64_t Axis = intAttr("axis", 0);
  if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
    return fail("axis out of range");
  return setOutput(0, gatherElements(X, input(1), Axis));
}

LogicalResult Importer::castOutput(int32_t To) {
  if (!isFloatType(To) && !isIntType(To))
    return fail("Cast to " + dtypeName(To) +
                " is not supported (d1c computes FLOAT, BOOL and integers)");
  // Between storage floats, through fp32 (one rounding each way).
  Value X = input(0);
  if (!X)
    return failure();
  Type T = elementType(To);
  if (isStorageFloat(eltOf(X)) && !T.isF32())
    X = castTo(X, B.getF32Type());
  if (isStorageFloat(T) && !eltOf(X).isF32())
    X = castTo(X, B.getF32Type());
  return setOutput(0, castTo(X, T));
}

LogicalResult Importer::importCast() {
  if (failed(onlyAttrs({"to", "saturate"})))
    return failure();
  return castOutput(int32_t(intAttr("to", 0)));
}

LogicalResult Importer::importCastLike() {
  if (failed(onlyAttrs({"to", "saturate"})))
    return failure();
  Value Like = input(1);
  if (!Like)
    return failure();
  return castOutput(onnxType(eltOf(Like)));
}

LogicalResult Importer::importTrilu() {
  if (failed(onlyAttrs({"upper"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  if (S.size() < 2)
    return fail("input needs two dimensions");
  bool Upper = intAttr("upper", 1) != 0;
  // Keep x where (column - row) >= k (upper) or <= k (lower).
  Shape DS = {S[S.size() - 2], S.back()};
  Value Diff = constFrom(DS, B.getI64Type(),
                         [](const std::vector<int64_t> &C) { return double(C[1] - C[0]); });
  if (!Diff)
    return failure();
  Value K = hasInput(1) ? reshape(inputAs(1, B.getI64Type()), {}) : scalar(0, B.getI64Type());
  Value Keep = compare(Upper ? graph::ComparePredicate::GE : graph::ComparePredicate::LE, Diff, K);
  return setOutput(0, where(Keep, X, scalar(0, eltOf(X))));
}

} // namespace d1::import
