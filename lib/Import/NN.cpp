//===- NN.cpp - Convolutions, pooling, matmuls, normalizations --------------===//
#include "Importer.h"

namespace d1::import {

namespace {
/// Stores a result that did not fail into Out, for chains of checks such as
/// `if (!into(intsAttr("pads", 0, 4), Pads)) return failure();`.
template <class T> bool into(FailureOr<T> R, T &Out) {
  if (failed(R))
    return false;
  Out = std::move(*R);
  return true;
}
} // namespace

LogicalResult Importer::importConv() {
  if (failed(onlyAttrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  if (shapeOf(X).size() == 5)
    return buildConv3D();
  return setOutput(0, buildConv(X, input(1), hasInput(2) ? input(2) : Value()));
}

Value Importer::buildConv(Value X, Value W, Value Bias) {
  if (!X || !W)
    return {};
  Shape XS = shapeOf(X);
  bool OneD = XS.size() == 3;
  if (XS.size() != 4 && !OneD)
    return fail("only 1D, 2D and 3D convolutions are supported (input " + shapeStr(XS) + ")");
  Shape WS = shapeOf(W);
  if (WS.size() != XS.size())
    return fail("weight rank differs from input rank");
  std::vector<int64_t> Strides = intsAttr("strides"), Dil = intsAttr("dilations"),
                       Pads = intsAttr("pads"), Kernel = intsAttr("kernel_shape");
  // A 1D convolution is a 2D one of height 1.
  if (failed(checkWindowAttrs(XS.size() - 2, Kernel, Strides, Dil, Pads)))
    return {};
  if (OneD) {
    X = reshape(X, {XS[0], XS[1], 1, XS[2]});
    W = reshape(W, {WS[0], WS[1], 1, WS[2]});
    XS = shapeOf(X);
    WS = shapeOf(W);
    auto Lift = [](std::vector<int64_t> &V, int64_t One) {
      if (V.size() == 1)
        V.insert(V.begin(), One);
    };
    Lift(Strides, 1);
    Lift(Dil, 1);
    Lift(Kernel, 1);
    if (Pads.size() == 2)
      Pads = {0, Pads[0], 0, Pads[1]};
  }
  if (Strides.empty())
    Strides = {1, 1};
  if (Dil.empty())
    Dil = {1, 1};
  if (Pads.empty())
    Pads = {0, 0, 0, 0};
  if (!Kernel.empty() && Kernel != std::vector<int64_t>{WS[2], WS[3]})
    return fail("kernel_shape " + shapeStr(Kernel) + " differs from the weight's " +
                shapeStr({WS[2], WS[3]}));
  if (failed(resolveAutoPad(XS, {WS[2], WS[3]}, Strides, Dil, Pads)))
    return {};
  int64_t Group = intAttr("group", 1);
  Shape Out;
  std::string E = shapes::conv2d(XS, WS, Strides, Pads, Dil, Group, Out);
  if (!E.empty())
    return fail(E);
  Value R = B.create<graph::ConvOp>(Loc, f32(Out), X, W, Bias, B.getDenseI64ArrayAttr(Strides),
                                    B.getDenseI64ArrayAttr(Pads), B.getDenseI64ArrayAttr(Dil),
                                    B.getI64IntegerAttr(Group));
  if (OneD)
    R = reshape(R, {Out[0], Out[1], Out[3]});
  return R;
}

// A 3D convolution as 2D ones: output plane d sums, over the kernel depth
// kd, the 2D convolution of input plane d * stride + kd * dilation with the
// kernel's plane kd.
LogicalResult Importer::buildConv3D() {
  Value X = floatInput(0);
  if (!X)
    return failure();
  Value W = floatInput(1);
  if (!W)
    return failure();
  Shape XS = shapeOf(X), WS = shapeOf(W);
  if (WS.size() != 5)
    return fail("weight rank differs from input rank");
  std::vector<int64_t> St, Dil, Pads, Kernel;
  if (!into(intsAttr("strides", 1, 3), St) || !into(intsAttr("dilations", 1, 3), Dil) ||
      !into(intsAttr("pads", 0, 6), Pads))
    return failure();
  Kernel = intsAttr("kernel_shape");
  if (failed(checkWindowAttrs(3, Kernel, St, Dil, Pads)))
    return failure();
  if (!Kernel.empty() && Kernel != std::vector<int64_t>{WS[2], WS[3], WS[4]})
    return fail("kernel_shape " + shapeStr(Kernel) + " differs from the weight's " +
                shapeStr({WS[2], WS[3], WS[4]}));
  if (failed(resolveAutoPad(XS, {WS[2], WS[3], WS[4]}, St, Dil, Pads)))
    return failure();
  int64_t G = intAttr("group", 1);
  std::vector<int64_t> DP(10, 0);
  DP[2] = Pads[0];
  DP[7] = Pads[3];
  Value P = pad(X, DP, "constant", 0);
  if (!P)
    return failure();
  Shape PS = shapeOf(P);
  int64_t KD = WS[2];
  int64_t OD = shapes::windowOut(PS[2], KD, St[0], 0, 0, Dil[0]);
  if (OD < 1 || KD < 1)
    return fail("the kernel is deeper than the padded input");
  FailureOr<int64_t> Convs = mulOrFail(OD, KD, "the number of 2D convolutions");
  if (failed(Convs) ||
      failed(checkUnroll(*Convs, "the 3D convolution (" + std::to_string(OD) +
                                     " output planes of " + std::to_string(KD) + ")")))
    return failure();
  auto Plane = [&](Value V, int64_t Z) {
    Shape S = shapeOf(V);
    return reshape(sliceAlong(V, 2, Z, Z + 1), {S[0], S[1], S[3], S[4]});
  };
  std::vector<Value> KPlanes;
  for (int64_t Kd = 0; Kd < KD; ++Kd)
    KPlanes.push_back(Plane(W, Kd));
  Value Bias = hasInput(2) ? floatInput(2) : Value();
  if (hasInput(2) && !Bias)
    return failure();
  std::vector<Value> Outs;
  for (int64_t Od = 0; Od < OD; ++Od) {
    Value Acc;
    for (int64_t Kd = 0; Kd < KD; ++Kd) {
      Value In = Plane(P, Od * St[0] + Kd * Dil[0]);
      Shape Out;
      std::vector<int64_t> S2 = {St[1], St[2]}, P2 = {Pads[1], Pads[2], Pads[4], Pads[5]},
                           D2 = {Dil[1], Dil[2]};
      std::string E = shapes::conv2d(shapeOf(In), shapeOf(KPlanes[size_t(Kd)]), S2, P2, D2, G, Out);
      if (!E.empty())
        return fail(E);
      Value C =
          B.create<graph::ConvOp>(Loc, f32(Out), In, KPlanes[size_t(Kd)], Kd == 0 ? Bias : Value(),
                                  B.getDenseI64ArrayAttr(S2), B.getDenseI64ArrayAttr(P2),
                                  B.getDenseI64ArrayAttr(D2), B.getI64IntegerAttr(G));
      Acc = Acc ? bin<graph::AddOp>(Acc, C) : C;
      if (!Acc)
        return failure();
    }
    Shape AS = shapeOf(Acc);
    Outs.push_back(reshape(Acc, {AS[0], AS[1], 1, AS[2], AS[3]}));
  }
  Shape S0 = shapeOf(Outs[0]);
  return setOutput(0, B.create<graph::ConcatOp>(Loc, f32({S0[0], S0[1], OD, S0[3], S0[4]}), Outs,
                                                B.getI64IntegerAttr(2)));
}

LogicalResult Importer::importMaxPool() { return buildPool(/*Max=*/true); }

LogicalResult Importer::importAveragePool() { return buildPool(/*Max=*/false); }

// Opset 19 adds dilations; the graph's average pooling has none, so only 1s.
LogicalResult Importer::importAveragePool19() {
  return buildPool(/*Max=*/false, /*AvgDilations=*/true);
}

LogicalResult Importer::buildPool(bool Max, bool AvgDilations) {
  LogicalResult Known = Max ? onlyAttrs({"auto_pad", "ceil_mode", "dilations", "kernel_shape",
                                         "pads", "storage_order", "strides"})
                        : AvgDilations ? onlyAttrs({"auto_pad", "ceil_mode", "count_include_pad",
                                                    "dilations", "kernel_shape", "pads", "strides"})
                                       : onlyAttrs({"auto_pad", "ceil_mode", "count_include_pad",
                                                    "kernel_shape", "pads", "strides"});
  if (failed(Known))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Shape XS = shapeOf(X);
  size_t NS = XS.size() < 3 ? 0 : XS.size() - 2;
  if (NS < 1 || NS > 3)
    return fail("only 1D, 2D and 3D pooling is supported (input " + shapeStr(XS) + ")");
  Type T = eltOf(X);
  if (T.isInteger(1) || (!Max && !T.isF32()))
    return fail("pooling takes fp32 (max pooling also integers)");
  if (!T.isF32()) // integers: exact in fp32 up to 2^24
    X = castTo(X, B.getF32Type());
  std::vector<int64_t> Kernel = intsAttr("kernel_shape");
  if (Kernel.size() != NS)
    return fail("kernel_shape must have " + std::to_string(NS) + " values");
  std::vector<int64_t> Strides, Pads, Dil(NS, 1);
  if (!into(intsAttr("strides", 1, NS), Strides) || !into(intsAttr("pads", 0, 2 * NS), Pads) ||
      ((Max || AvgDilations) && !into(intsAttr("dilations", 1, NS), Dil)))
    return failure();
  if (failed(checkWindowAttrs(NS, Kernel, Strides, Dil, Pads)))
    return failure();
  if (!Max && llvm::any_of(Dil, [](int64_t D) { return D != 1; }))
    return fail("dilations " + shapeStr(Dil) + " are not supported (average pooling takes 1s)");
  if (intAttr("storage_order", 0) != 0)
    return fail("storage_order 1 is not supported");
  if (failed(resolveAutoPad(XS, Kernel, Strides, Dil, Pads)))
    return failure();
  bool CountPad = intAttr("count_include_pad", 0) != 0;
  if (intAttr("ceil_mode", 0)) {
    // ceil_mode: pad the end so that the floor rule gives the ceil size (a
    // window must start inside the input or its left padding).
    // Attributes are at most 2^31 and dimensions within DRAM: no overflow.
    for (size_t D = 0; D < NS; ++D) {
      int64_t Span = XS[2 + D] + Pads[D] + Pads[D + NS] - Dil[D] * (Kernel[D] - 1) - 1;
      if (Span < 0)
        return fail("the window is larger than the padded input");
      int64_t Out = shapes::windowOut(XS[2 + D], Kernel[D], Strides[D], Pads[D], Pads[D + NS],
                                      Dil[D], /*Ceil=*/true);
      int64_t Need = (Out - 1) * Strides[D] + Dil[D] * (Kernel[D] - 1) + 1 -
                     (XS[2 + D] + Pads[D] + Pads[D + NS]);
      if (Need > 0) {
        if (!Max && CountPad)
          return fail("ceil_mode with count_include_pad is not supported");
        Pads[D + NS] += Need;
      }
    }
  }
  // One 2D pooling (the depth of 3D pooling is combined by the caller).
  auto Pool2D = [&](Value In, std::vector<int64_t> K, std::vector<int64_t> St,
                    std::vector<int64_t> P, std::vector<int64_t> Dl) -> Value {
    Shape Out;
    std::string E = shapes::pool2d(shapeOf(In), K, St, P, Dl, false, Out);
    if (!E.empty())
      return fail(E);
    if (Max)
      return B.create<graph::MaxPoolOp>(Loc, f32(Out), In, B.getDenseI64ArrayAttr(K),
                                        B.getDenseI64ArrayAttr(St), B.getDenseI64ArrayAttr(P),
                                        B.getDenseI64ArrayAttr(Dl));
    return B.create<graph::AvgPoolOp>(Loc, f32(Out), In, B.getDenseI64ArrayAttr(K),
                                      B.getDenseI64ArrayAttr(St), B.getDenseI64ArrayAttr(P),
                                      B.getBoolAttr(CountPad));
  };
  Value R;
  if (NS == 1) { // as 2D of height 1
    Value V = reshape(X, {XS[0], XS[1], 1, XS[2]});
    R = Pool2D(V, {1, Kernel[0]}, {1, Strides[0]}, {0, Pads[0], 0, Pads[1]}, {1, Dil[0]});
    if (!R)
      return failure();
    Shape RS = shapeOf(R);
    R = reshape(R, {RS[0], RS[1], RS[3]});
  } else if (NS == 2) {
    R = Pool2D(X, Kernel, Strides, Pads, Dil);
  } else {
    // 3D: each output depth combines 2D poolings of kd input planes.
    if (!Max && (Pads[0] || Pads[3]) && !CountPad)
      return fail("3D average pooling with depth padding excluded from the count is not supported");
    std::vector<int64_t> DP(2 * XS.size(), 0);
    DP[2] = Pads[0];
    DP[2 + XS.size()] = Pads[3];
    Value P = pad(X, DP, "constant", Max ? -INFINITY : 0.0);
    if (!P)
      return failure();
    Shape PS = shapeOf(P);
    int64_t OD = shapes::windowOut(PS[2], Kernel[0], Strides[0], 0, 0, Dil[0]);
    if (OD < 1)
      return fail("the window is deeper than the padded input");
    FailureOr<int64_t> Pools = mulOrFail(OD, Kernel[0], "the number of 2D poolings");
    if (failed(Pools) ||
        failed(checkUnroll(*Pools, "the 3D pooling (" + std::to_string(OD) + " output planes of " +
                                       std::to_string(Kernel[0]) + ")")))
      return failure();
    std::vector<Value> Planes;
    for (int64_t Od = 0; Od < OD; ++Od) {
      Value Acc;
      for (int64_t Kd = 0; Kd < Kernel[0]; ++Kd) {
        int64_t Z = Od * Strides[0] + Kd * Dil[0];
        Value Plane = sliceAlong(P, 2, Z, Z + 1);
        Value V = Pool2D(reshape(Plane, {PS[0], PS[1], PS[3], PS[4]}), {Kernel[1], Kernel[2]},
                         {Strides[1], Strides[2]}, {Pads[1], Pads[2], Pads[4], Pads[5]},
                         {Dil[1], Dil[2]});
        Acc = !Acc ? V : Max ? bin<graph::MaxOp>(Acc, V) : bin<graph::AddOp>(Acc, V);
        if (!Acc)
          return failure();
      }
      if (!Max)
        Acc = bin<graph::MulOp>(Acc, scalar(1.0 / double(Kernel[0])));
      if (!Acc)
        return failure();
      Shape AS = shapeOf(Acc);
      Planes.push_back(reshape(Acc, {AS[0], AS[1], 1, AS[2], AS[3]}));
    }
    Shape S0 = shapeOf(Planes[0]);
    R = B.create<graph::ConcatOp>(Loc, f32({S0[0], S0[1], OD, S0[3], S0[4]}), Planes,
                                  B.getI64IntegerAttr(2));
  }
  return setOutput(0, castTo(R, T));
}

Value Importer::pad(Value X, const std::vector<int64_t> &Pads, const std::string &Mode,
                    double Fill) {
  if (!X)
    return {};
  Shape S = shapeOf(X);
  size_t R = S.size();
  if (Pads.size() != 2 * R)
    return fail("pads needs " + std::to_string(2 * R) + " values");
  if (Mode != "constant" && Mode != "edge" && Mode != "reflect" && Mode != "wrap")
    return fail("pad mode " + q(Mode) + " is not supported");
  bool Wrap = Mode == "wrap";
  // A crop then a wrap could take the wrapped elements from the input or
  // from what is kept: refused rather than guessed.
  if (Wrap && llvm::any_of(Pads, [](int64_t P) { return P < 0; }))
    return fail("negative pads are not supported in mode 'wrap'");
  Type T = eltOf(X);
  // The padded shape first: nothing is built for one beyond DRAM.
  // (Negative pads crop at most the whole dimension.)
  auto Crop = [](int64_t P, int64_t Dim) { return P < -Dim ? Dim : std::max<int64_t>(0, -P); };
  Shape Padded = S;
  for (size_t D = 0; D < R; ++D) {
    int64_t Lo = Pads[D], Hi = Pads[D + R];
    int64_t Kept = std::max<int64_t>(0, S[D] - Crop(Lo, S[D]) - Crop(Hi, S[D]));
    FailureOr<int64_t> WithLo = addOrFail(Kept, std::max<int64_t>(Lo, 0), "the padded size");
    if (failed(WithLo))
      return {};
    FailureOr<int64_t> Size = addOrFail(*WithLo, std::max<int64_t>(Hi, 0), "the padded size");
    if (failed(Size))
      return {};
    Padded[D] = *Size;
  }
  if (failed(checkSize(Padded, bytesOf(T), "the padded tensor")))
    return {};
  for (size_t D = 0; D < R; ++D) {
    int64_t Lo = Pads[D], Hi = Pads[D + R];
    S = shapeOf(X);
    if (Lo < 0 || Hi < 0) { // negative pads crop
      int64_t From = Crop(Lo, S[D]);
      X = sliceAlong(X, int64_t(D), From, std::max(From, S[D] - Crop(Hi, S[D])));
      S = shapeOf(X);
      Lo = std::max<int64_t>(Lo, 0);
      Hi = std::max<int64_t>(Hi, 0);
    }
    if (!Lo && !Hi)
      continue;
    if (Mode == "reflect" && (Lo >= S[D] || Hi >= S[D]))
      return fail("reflect padding of " + std::to_string(std::max(Lo, Hi)) +
                  " needs a dimension larger than " + std::to_string(S[D]));
    if (Mode != "constant" && S[D] == 0)
      return fail("cannot pad an empty dimension by " + Mode);
    // (Wrap padding no longer than the axis is a slice: no table.)
    if (Mode != "constant" && !(Wrap && std::max(Lo, Hi) <= S[D]) &&
        failed(checkComputed({std::max(Lo, Hi)}, onnx::TensorProto::INT64,
                             "the padding's index table")))
      return {};
    // The pieces before and after: constant blocks, or copies of the edge
    // (reflected) elements taken with constant gathers. Wrapped, padded
    // element i is input element (i - Lo) mod S[D]: a slice of the far end,
    // or a gather where the padding is longer than the axis.
    auto Piece = [&](int64_t N, bool Before) -> Value {
      Shape PS = S;
      PS[D] = N;
      if (Mode == "constant")
        return splat(PS, T, Fill);
      if (Wrap && N <= S[D])
        return sliceAlong(X, int64_t(D), Before ? S[D] - N : 0, Before ? S[D] : N);
      Const Idx;
      Idx.DType = onnx::TensorProto::INT64;
      Idx.Dims = {N};
      for (int64_t K = 0; K < N; ++K) {
        int64_t At = Wrap             ? (Before ? ((K - N) % S[D] + S[D]) % S[D] : K % S[D])
                     : Mode == "edge" ? (Before ? 0 : S[D] - 1)
                     : Before         ? N - K
                                      : S[D] - 2 - K;
        Idx.I.push_back(At);
      }
      Value IdxV = materialize(Idx);
      if (!IdxV)
        return {};
      return B.create<graph::GatherOp>(Loc, RankedTensorType::get(PS, T), X, IdxV,
                                       B.getI64IntegerAttr(int64_t(D)));
    };
    std::vector<Value> Parts;
    if (Lo)
      Parts.push_back(Piece(Lo, true));
    Parts.push_back(X);
    if (Hi)
      Parts.push_back(Piece(Hi, false));
    if (llvm::is_contained(Parts, Value()))
      return {};
    Shape Out = S;
    Out[D] += Lo + Hi; // no overflow: checked as Padded
    X = B.create<graph::ConcatOp>(Loc, RankedTensorType::get(Out, T), Parts,
                                  B.getI64IntegerAttr(int64_t(D)));
  }
  return X;
}

Value Importer::interleaveZeros(Value X, int64_t Axis, int64_t Stride) {
  // [.., H, ..] -> [.., H, 1, ..] ++ zeros [.., H, s - 1, ..] -> [.., H s, ..],
  // then the trailing s - 1 zeros are dropped.
  if (!X)
    return {};
  if (Stride == 1)
    return X;
  Shape S = shapeOf(X), S1 = S;
  S1.insert(S1.begin() + Axis + 1, 1);
  Shape ZS = S1;
  ZS[size_t(Axis + 1)] = Stride - 1;
  Shape CS = S1;
  CS[size_t(Axis + 1)] = Stride;
  if (failed(checkSize(CS, bytesOf(eltOf(X)), "the input with zeros between its elements")))
    return {};
  Value Z = splat(ZS, eltOf(X), 0.0);
  if (!Z)
    return {};
  Value C = B.create<graph::ConcatOp>(Loc, RankedTensorType::get(CS, eltOf(X)),
                                      ValueRange{reshape(X, S1), Z}, B.getI64IntegerAttr(Axis + 1));
  Shape Flat = S;
  Flat[size_t(Axis)] *= Stride; // no overflow: CS, the same size, is checked
  std::vector<int64_t> Pads(2 * S.size(), 0);
  Pads[S.size() + size_t(Axis)] = -(Stride - 1);
  return pad(reshape(C, Flat), Pads, "constant", 0);
}

LogicalResult Importer::importConvTranspose() {
  if (failed(onlyAttrs({"auto_pad", "dilations", "group", "kernel_shape", "output_padding",
                        "output_shape", "pads", "strides"})))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  Value W = floatInput(1);
  if (!W)
    return failure();
  Shape XS = shapeOf(X), WS = shapeOf(W);
  size_t NS = XS.size() < 2 ? 0 : XS.size() - 2; // spatial dims
  if ((NS != 1 && NS != 2) || WS.size() != XS.size())
    return fail("only 1D and 2D transposed convolutions are supported (input " + shapeStr(XS) +
                ")");
  int64_t G = intAttr("group", 1), C = XS[1];
  if (G < 1 || C % G || WS[0] != C)
    return fail("weight " + shapeStr(WS) + " does not match " + std::to_string(C) +
                " channels in " + std::to_string(G) + " groups");
  std::vector<int64_t> St, Dil, OP, Pads;
  if (!into(intsAttr("strides", 1, NS), St) || !into(intsAttr("dilations", 1, NS), Dil) ||
      !into(intsAttr("output_padding", 0, NS), OP) || !into(intsAttr("pads", 0, 2 * NS), Pads))
    return failure();
  std::vector<int64_t> K(WS.begin() + 2, WS.end());
  if (!intsAttr("kernel_shape").empty() && intsAttr("kernel_shape") != K)
    return fail("kernel_shape differs from the weight's");
  if (failed(checkWindowAttrs(NS, {}, St, Dil, Pads)))
    return failure();
  for (int64_t V : OP)
    if (V < 0 || V > (int64_t(1) << 31))
      return fail("output_padding value " + std::to_string(V) + " is out of range (0 to 2^31)");
  std::string AutoPad = stringAttr("auto_pad", "NOTSET");
  std::vector<int64_t> OutShape = intsAttr("output_shape");
  if (OutShape.size() > NS)
    OutShape.erase(OutShape.begin(), OutShape.end() - long(NS));
  if (!OutShape.empty() && OutShape.size() != NS)
    return fail("output_shape needs " + std::to_string(NS) + " values");
  // Sizes with attributes up to 2^31 and weights and inputs within DRAM:
  // checked, as their products can overflow. A failed operand (its error
  // recorded) fails the sum or product.
  using Size = FailureOr<int64_t>;
  auto Mul = [&](Size L, Size R) -> Size {
    if (failed(L) || failed(R))
      return failure();
    return mulOrFail(*L, *R, "the output size");
  };
  auto Add = [&](Size L, Size R) -> Size {
    if (failed(L) || failed(R))
      return failure();
    return addOrFail(*L, *R, "the output size");
  };
  for (size_t D = 0; D < NS; ++D) {
    Size Full = Add(Add(Mul(St[D], XS[2 + D] - 1), OP[D]), Add(Mul(Dil[D], K[D] - 1), 1));
    if (failed(Full))
      return failure();
    Size Want = !OutShape.empty()                                    ? Size(OutShape[D])
                : AutoPad == "SAME_UPPER" || AutoPad == "SAME_LOWER" ? Mul(XS[2 + D], St[D])
                                                                     : Size(-1);
    if (failed(Want))
      return failure();
    if (*Want >= 0) {
      Size Total = Add(Full, -*Want);
      if (failed(Total))
        return failure();
      bool Upper = AutoPad != "SAME_LOWER";
      Pads[D] = Upper ? *Total / 2 : *Total - *Total / 2;
      Pads[D + NS] = *Total - Pads[D];
    } else if (AutoPad == "VALID") {
      Pads[D] = Pads[D + NS] = 0;
    }
  }
  // A stride-1 convolution over the input with zeros between its elements,
  // padded by dil * (k - 1) - pad, with the kernel flipped and its channel
  // axes swapped per group.
  std::vector<int64_t> Pd(2 * XS.size(), 0);
  for (size_t D = 0; D < NS; ++D) {
    X = interleaveZeros(X, int64_t(2 + D), St[D]);
    if (!X)
      return failure();
    if (!into(Add(Mul(Dil[D], K[D] - 1), -Pads[D]), Pd[2 + D]) ||
        !into(Add(Add(Mul(Dil[D], K[D] - 1), -Pads[D + NS]), OP[D]), Pd[2 + D + XS.size()]))
      return failure();
  }
  X = pad(X, Pd, "constant", 0);
  if (!X)
    return failure();
  int64_t FG = WS[1], CG = C / G; // filters and channels per group
  Shape W5 = {G, CG, FG};
  W5.insert(W5.end(), K.begin(), K.end());
  std::vector<int64_t> Perm = {0, 2, 1};
  for (size_t D = 0; D < NS; ++D)
    Perm.push_back(int64_t(3 + D));
  Shape WT = {G, FG, CG};
  WT.insert(WT.end(), K.begin(), K.end());
  Value Wt =
      B.create<graph::TransposeOp>(Loc, f32(WT), reshape(W, W5), B.getDenseI64ArrayAttr(Perm));
  for (size_t D = 0; D < NS; ++D) {
    Const Rev;
    Rev.DType = onnx::TensorProto::INT64;
    Rev.Dims = {K[D]};
    if (failed(checkComputed(Rev.Dims, Rev.DType, "the kernel's index table")))
      return failure();
    for (int64_t I = K[D]; I-- > 0;)
      Rev.I.push_back(I);
    Value RevV = materialize(Rev);
    if (!RevV)
      return failure();
    Wt =
        B.create<graph::GatherOp>(Loc, Wt.getType(), Wt, RevV, B.getI64IntegerAttr(int64_t(3 + D)));
  }
  Shape WF = {G * FG, CG};
  WF.insert(WF.end(), K.begin(), K.end());
  Wt = reshape(Wt, WF);
  Shape PS = shapeOf(X);
  if (NS == 1) { // as 2D of height 1
    X = reshape(X, {PS[0], PS[1], 1, PS[2]});
    Wt = reshape(Wt, {WF[0], WF[1], 1, WF[2]});
  }
  std::vector<int64_t> D2 = NS == 1 ? std::vector<int64_t>{1, Dil[0]} : Dil;
  Shape Out;
  std::string E = shapes::conv2d(shapeOf(X), shapeOf(Wt), {1, 1}, {0, 0, 0, 0}, D2, G, Out);
  if (!E.empty())
    return fail(E);
  Value Bias = hasInput(2) ? floatInput(2) : Value();
  if (hasInput(2) && !Bias)
    return failure();
  Value R = B.create<graph::ConvOp>(Loc, f32(Out), X, Wt, Bias, B.getDenseI64ArrayAttr({1, 1}),
                                    B.getDenseI64ArrayAttr({0, 0, 0, 0}),
                                    B.getDenseI64ArrayAttr(D2), B.getI64IntegerAttr(G));
  if (NS == 1)
    R = reshape(R, {Out[0], Out[1], Out[3]});
  return setOutput(0, R);
}

LogicalResult Importer::importMatMul() {
  if (failed(onlyAttrs({})))
    return failure();
  auto RequireF32 = [&](int K) -> LogicalResult {
    Value V = input(K);
    if (!V)
      return failure();
    if (!cast<RankedTensorType>(V.getType()).getElementType().isF32())
      return fail("input " + q(Node->input(K)) + " is " +
                  std::string("not float32; this operator is computed in fp32 only"));
    return success();
  };
  if (failed(RequireF32(0)) || failed(RequireF32(1)))
    return failure();
  Value L = input(0), R = input(1);
  Shape Out;
  std::string E = shapes::matmul(shapeOf(L), shapeOf(R), Out);
  if (!E.empty())
    return fail(E);
  return setOutput(0, B.create<graph::MatMulOp>(Loc, f32(Out), L, R));
}

LogicalResult Importer::importGemm() {
  if (failed(onlyAttrs({"alpha", "beta", "transA", "transB", "broadcast"})))
    return failure();
  Value A = input(0);
  if (!A)
    return failure();
  Value Bm = input(1);
  if (!Bm)
    return failure();
  bool TA = intAttr("transA", 0), TB = intAttr("transB", 0);
  Shape Out;
  std::string E = shapes::gemm(shapeOf(A), shapeOf(Bm), TA, TB, Out);
  if (!E.empty())
    return fail(E);
  Value C = hasInput(2) ? input(2) : Value();
  if (hasInput(2) && !C)
    return failure();
  if (C) {
    Shape Tmp;
    if (!shapes::broadcast(shapeOf(C), Out, Tmp).empty() || Tmp != Out)
      return fail("C " + shapeStr(shapeOf(C)) + " does not broadcast to " + shapeStr(Out));
  }
  return setOutput(0, B.create<graph::GemmOp>(Loc, f32(Out), A, Bm, C,
                                              B.getF32FloatAttr(floatAttr("alpha", 1.0f)),
                                              B.getF32FloatAttr(floatAttr("beta", 1.0f)),
                                              B.getBoolAttr(TA), B.getBoolAttr(TB)));
}

LogicalResult Importer::importGlobalAveragePool() {
  return buildGlobalPool(graph::ReduceKind::Mean);
}

LogicalResult Importer::importGlobalMaxPool() { return buildGlobalPool(graph::ReduceKind::Max); }

LogicalResult Importer::buildGlobalPool(graph::ReduceKind Kind) {
  if (failed(onlyAttrs({})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  if (S.size() < 3)
    return fail("input needs spatial dimensions");
  std::vector<int64_t> Axes;
  Shape Out = S;
  for (size_t D = 2; D < S.size(); ++D) {
    Axes.push_back(int64_t(D));
    Out[D] = 1;
  }
  return setOutput(0, B.create<graph::ReduceOp>(Loc, f32(Out), X,
                                                graph::ReduceKindAttr::get(&Ctx, Kind),
                                                B.getDenseI64ArrayAttr(Axes), B.getBoolAttr(true)));
}

LogicalResult Importer::importBatchNormalization() {
  if (failed(onlyAttrs(
          {"epsilon", "momentum", "training_mode", "spatial", "is_test", "consumed_inputs"})))
    return failure();
  if (intAttr("training_mode", 0))
    return fail("training_mode is not supported");
  if (intAttr("spatial", 1) != 1)
    return fail("spatial = 0 is not supported");
  Value X = floatInput(0);
  if (!X)
    return failure();
  if (shapeOf(X).size() < 2)
    return fail("input needs a channel dimension (rank >= 2), got " + shapeStr(shapeOf(X)));
  float Eps = floatAttr("epsilon", 1e-5f);
  if (isConst(1) && isConst(2) && isConst(3) && isConst(4)) {
    // Materialized last to first, as GCC evaluated them when they were the
    // arguments of one call (right to left): the constants keep their order
    // in the output.
    Value Var = input(4), Mean = input(3), Bias = input(2), Scale = input(1);
    if (!Var || !Mean || !Bias || !Scale)
      return failure();
    return setOutput(0, B.create<graph::BatchNormOp>(Loc, X.getType(), X, Scale, Bias, Mean, Var,
                                                     B.getF32FloatAttr(Eps)));
  }
  // Parameters known at run time: (x - mean) * scale / sqrt(var + eps) + bias
  // with [C] reshaped to [C, 1, ...].
  Shape S = shapeOf(X), PS(S.size() - 1, 1);
  PS[0] = S[1];
  auto Param = [&](int K) { return reshape(floatInput(K), PS); };
  Value Inv = un<graph::ReciprocalOp>(un<graph::SqrtOp>(bin<graph::AddOp>(Param(4), scalar(Eps))));
  Value Y = bin<graph::MulOp>(bin<graph::SubOp>(X, Param(3)), bin<graph::MulOp>(Param(1), Inv));
  return setOutput(0, bin<graph::AddOp>(Y, Param(2)));
}

LogicalResult Importer::importLayerNormalization() {
  if (failed(onlyAttrs({"axis", "epsilon", "stash_type"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  int64_t Axis = intAttr("axis", -1);
  if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
    return fail("axis out of range");
  Value Bias = hasInput(2) ? input(2) : Value();
  if (hasInput(2) && !Bias)
    return failure();
  bool Stats = (Node->output_size() > 1 && !Node->output(1).empty()) ||
               (Node->output_size() > 2 && !Node->output(2).empty());
  if (!Stats) {
    Value Scale = input(1);
    if (!Scale)
      return failure();
    return setOutput(
        0, B.create<graph::LayerNormOp>(Loc, X.getType(), X, Scale, Bias, B.getI64IntegerAttr(Axis),
                                        B.getF32FloatAttr(floatAttr("epsilon", 1e-5f))));
  }
  // Mean and 1 / sqrt(var + eps) are outputs too: the computation in ops.
  Shape S = shapeOf(X), KS = S;
  std::vector<int64_t> Axes;
  for (int64_t D = Axis; D < int64_t(S.size()); ++D) {
    Axes.push_back(D);
    KS[size_t(D)] = 1;
  }
  auto Mean = [&](Value V) -> Value {
    if (!V)
      return {};
    return B.create<graph::ReduceOp>(Loc, f32(KS), V,
                                     graph::ReduceKindAttr::get(&Ctx, graph::ReduceKind::Mean),
                                     B.getDenseI64ArrayAttr(Axes), B.getBoolAttr(true));
  };
  Value M = Mean(X), D = bin<graph::SubOp>(X, M);
  Value Var = Mean(bin<graph::MulOp>(D, D));
  Value Inv = un<graph::ReciprocalOp>(
      un<graph::SqrtOp>(bin<graph::AddOp>(Var, scalar(floatAttr("epsilon", 1e-5f)))));
  Value Y = bin<graph::MulOp>(bin<graph::MulOp>(D, Inv), floatInput(1));
  if (Bias)
    Y = bin<graph::AddOp>(Y, floatInput(2));
  if (failed(setOutput(0, Y)) || failed(setOutput(1, M)) || failed(setOutput(2, Inv)))
    return failure();
  return success();
}

// x [N, C, ...] as [N, G, C/G * spatial], normalized along its last axis,
// then scaled and shifted per group ([G, 1]) or per channel ([C, 1, ...]).
LogicalResult Importer::groupNorm(bool PerChannel) {
  LogicalResult Known = PerChannel ? onlyAttrs({"epsilon", "num_groups", "stash_type"})
                                   : onlyAttrs({"epsilon", "num_groups"});
  if (failed(Known))
    return failure();
  if (!attr("num_groups"))
    return fail("num_groups must be set");
  int64_t G = intAttr("num_groups", 0);
  if (int64_t St = intAttr("stash_type", 1); St != 1)
    return fail("stash_type '" + std::to_string(St) + "' is not supported");
  Value X = floatInput(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  if (S.size() < 2)
    return fail("input needs a channel dimension (rank >= 2), got " + shapeStr(S));
  int64_t C = S[1];
  if (G < 1 || C % G)
    return fail("num_groups " + std::to_string(G) + " does not divide " + std::to_string(C) +
                " channels");
  int64_t Len = PerChannel ? C : G;
  Value Params[2];
  for (int K : {1, 2}) {
    Value P = floatInput(K);
    if (!P)
      return failure();
    if (shapeOf(P) != Shape{Len})
      return fail(std::string(K == 1 ? "scale " : "bias ") + shapeStr(shapeOf(P)) + " should be [" +
                  std::to_string(Len) + "] (" + (PerChannel ? "channels" : "num_groups") + ")");
    Params[K - 1] = P;
  }
  if (shapes::numElements(S) == 0) // (num_groups is arbitrary if C is 0)
    return setOutput(0, splat(S, B.getF32Type(), 0));
  // The group's elements: C/G channels of the spatial size (no overflow:
  // at most the input's elements).
  int64_t Rest = C / G;
  for (size_t D = 2; D < S.size(); ++D)
    Rest *= S[D];
  Value Y = reshape(X, {S[0], G, Rest});
  Value M = reduceOf(graph::ReduceKind::Mean, Y, {2}, true), Dev = bin<graph::SubOp>(Y, M);
  Value Var = reduceOf(graph::ReduceKind::Mean, bin<graph::MulOp>(Dev, Dev), {2}, true);
  Value Inv = un<graph::ReciprocalOp>(
      un<graph::SqrtOp>(bin<graph::AddOp>(Var, scalar(floatAttr("epsilon", 1e-5f)))));
  Value Norm = bin<graph::MulOp>(Dev, Inv);
  Shape PS = {G, 1};
  if (PerChannel) {
    Norm = reshape(Norm, S);
    PS.assign(S.size() - 1, 1);
    PS[0] = C;
  }
  Value R =
      bin<graph::AddOp>(bin<graph::MulOp>(Norm, reshape(Params[0], PS)), reshape(Params[1], PS));
  return setOutput(0, reshape(R, S));
}

LogicalResult Importer::importGroupNormalization18() { return groupNorm(false); }
LogicalResult Importer::importGroupNormalization21() { return groupNorm(true); }

} // namespace d1::import
