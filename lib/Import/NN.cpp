//===- NN.cpp - Convolutions, pooling, padding ------------------------------===//
#include "Importer.h"

namespace d1::import {

void Importer::importConv() {
  onlyAttrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  if (shapeOf(input(0)).size() == 5)
    return importConv3D();
  setOutput(0, buildConv(input(0), input(1), hasInput(2) ? input(2) : Value()));
}

Value Importer::buildConv(Value X, Value W, Value Bias) {
  Shape XS = shapeOf(X);
  bool OneD = XS.size() == 3;
  if (XS.size() != 4 && !OneD)
    fail("only 1D, 2D and 3D convolutions are supported (input " + shapeStr(XS) + ")");
  Shape WS = shapeOf(W);
  if (WS.size() != XS.size())
    fail("weight rank differs from input rank");
  std::vector<int64_t> Strides = intsAttr("strides"), Dil = intsAttr("dilations"),
                       Pads = intsAttr("pads"), Kernel = intsAttr("kernel_shape");
  // A 1D convolution is a 2D one of height 1.
  checkWindowAttrs(XS.size() - 2, Kernel, Strides, Dil, Pads);
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
    fail("kernel_shape " + shapeStr(Kernel) + " differs from the weight's " +
         shapeStr({WS[2], WS[3]}));
  resolveAutoPad(XS, {WS[2], WS[3]}, Strides, Dil, Pads);
  int64_t Group = intAttr("group", 1);
  Shape Out;
  std::string E = shapes::conv2d(XS, WS, Strides, Pads, Dil, Group, Out);
  if (!E.empty())
    fail(E);
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
void Importer::importConv3D() {
  Value X = floatInput(0), W = floatInput(1);
  Shape XS = shapeOf(X), WS = shapeOf(W);
  if (WS.size() != 5)
    fail("weight rank differs from input rank");
  std::vector<int64_t> St = intsAttr("strides", 1, 3), Dil = intsAttr("dilations", 1, 3),
                       Pads = intsAttr("pads", 0, 6), Kernel = intsAttr("kernel_shape");
  checkWindowAttrs(3, Kernel, St, Dil, Pads);
  if (!Kernel.empty() && Kernel != std::vector<int64_t>{WS[2], WS[3], WS[4]})
    fail("kernel_shape " + shapeStr(Kernel) + " differs from the weight's " +
         shapeStr({WS[2], WS[3], WS[4]}));
  resolveAutoPad(XS, {WS[2], WS[3], WS[4]}, St, Dil, Pads);
  int64_t G = intAttr("group", 1);
  std::vector<int64_t> DP(10, 0);
  DP[2] = Pads[0];
  DP[7] = Pads[3];
  Value P = pad(X, DP, "constant", 0);
  Shape PS = shapeOf(P);
  int64_t KD = WS[2];
  int64_t OD = shapes::windowOut(PS[2], KD, St[0], 0, 0, Dil[0]);
  if (OD < 1 || KD < 1)
    fail("the kernel is deeper than the padded input");
  checkUnroll(mulOrFail(OD, KD, "the number of 2D convolutions"),
              "the 3D convolution (" + std::to_string(OD) + " output planes of " +
                  std::to_string(KD) + ")");
  auto Plane = [&](Value V, int64_t Z) {
    Shape S = shapeOf(V);
    return reshape(sliceAlong(V, 2, Z, Z + 1), {S[0], S[1], S[3], S[4]});
  };
  std::vector<Value> KPlanes;
  for (int64_t Kd = 0; Kd < KD; ++Kd)
    KPlanes.push_back(Plane(W, Kd));
  Value Bias = hasInput(2) ? floatInput(2) : Value();
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
        fail(E);
      Value C =
          B.create<graph::ConvOp>(Loc, f32(Out), In, KPlanes[size_t(Kd)], Kd == 0 ? Bias : Value(),
                                  B.getDenseI64ArrayAttr(S2), B.getDenseI64ArrayAttr(P2),
                                  B.getDenseI64ArrayAttr(D2), B.getI64IntegerAttr(G));
      Acc = Acc ? bin<graph::AddOp>(Acc, C) : C;
    }
    Shape AS = shapeOf(Acc);
    Outs.push_back(reshape(Acc, {AS[0], AS[1], 1, AS[2], AS[3]}));
  }
  Shape S0 = shapeOf(Outs[0]);
  setOutput(0, B.create<graph::ConcatOp>(Loc, f32({S0[0], S0[1], OD, S0[3], S0[4]}), Outs,
                                         B.getI64IntegerAttr(2)));
}

void Importer::importPool(bool Max) {
  if (Max)
    onlyAttrs(
        {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  else
    onlyAttrs({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  Value X = input(0);
  Shape XS = shapeOf(X);
  size_t NS = XS.size() < 3 ? 0 : XS.size() - 2;
  if (NS < 1 || NS > 3)
    fail("only 1D, 2D and 3D pooling is supported (input " + shapeStr(XS) + ")");
  Type T = eltOf(X);
  if (T.isInteger(1) || (!Max && !T.isF32()))
    fail("pooling takes fp32 (max pooling also integers)");
  if (!T.isF32()) // integers: exact in fp32 up to 2^24
    X = castTo(X, B.getF32Type());
  std::vector<int64_t> Kernel = intsAttr("kernel_shape");
  if (Kernel.size() != NS)
    fail("kernel_shape must have " + std::to_string(NS) + " values");
  std::vector<int64_t> Strides = intsAttr("strides", 1, NS), Pads = intsAttr("pads", 0, 2 * NS),
                       Dil = Max ? intsAttr("dilations", 1, NS) : std::vector<int64_t>(NS, 1);
  checkWindowAttrs(NS, Kernel, Strides, Dil, Pads);
  if (intAttr("storage_order", 0) != 0)
    fail("storage_order 1 is not supported");
  resolveAutoPad(XS, Kernel, Strides, Dil, Pads);
  bool CountPad = intAttr("count_include_pad", 0) != 0;
  if (intAttr("ceil_mode", 0)) {
    // ceil_mode: pad the end so that the floor rule gives the ceil size (a
    // window must start inside the input or its left padding).
    // Attributes are at most 2^31 and dimensions within DRAM: no overflow.
    for (size_t D = 0; D < NS; ++D) {
      int64_t Span = XS[2 + D] + Pads[D] + Pads[D + NS] - Dil[D] * (Kernel[D] - 1) - 1;
      if (Span < 0)
        fail("the window is larger than the padded input");
      int64_t Out = shapes::windowOut(XS[2 + D], Kernel[D], Strides[D], Pads[D], Pads[D + NS],
                                      Dil[D], /*Ceil=*/true);
      int64_t Need = (Out - 1) * Strides[D] + Dil[D] * (Kernel[D] - 1) + 1 -
                     (XS[2 + D] + Pads[D] + Pads[D + NS]);
      if (Need > 0) {
        if (!Max && CountPad)
          fail("ceil_mode with count_include_pad is not supported");
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
      fail(E);
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
    Shape RS = shapeOf(R);
    R = reshape(R, {RS[0], RS[1], RS[3]});
  } else if (NS == 2) {
    R = Pool2D(X, Kernel, Strides, Pads, Dil);
  } else {
    // 3D: each output depth combines 2D poolings of kd input planes.
    if (!Max && (Pads[0] || Pads[3]) && !CountPad)
      fail("3D average pooling with depth padding excluded from the count is not supported");
    std::vector<int64_t> DP(2 * XS.size(), 0);
    DP[2] = Pads[0];
    DP[2 + XS.size()] = Pads[3];
    Value P = pad(X, DP, "constant", Max ? -INFINITY : 0.0);
    Shape PS = shapeOf(P);
    int64_t OD = shapes::windowOut(PS[2], Kernel[0], Strides[0], 0, 0, Dil[0]);
    if (OD < 1)
      fail("the window is deeper than the padded input");
    checkUnroll(mulOrFail(OD, Kernel[0], "the number of 2D poolings"),
                "the 3D pooling (" + std::to_string(OD) + " output planes of " +
                    std::to_string(Kernel[0]) + ")");
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
      }
      if (!Max)
        Acc = bin<graph::MulOp>(Acc, scalar(1.0 / double(Kernel[0])));
      Shape AS = shapeOf(Acc);
      Planes.push_back(reshape(Acc, {AS[0], AS[1], 1, AS[2], AS[3]}));
    }
    Shape S0 = shapeOf(Planes[0]);
    R = B.create<graph::ConcatOp>(Loc, f32({S0[0], S0[1], OD, S0[3], S0[4]}), Planes,
                                  B.getI64IntegerAttr(2));
  }
  setOutput(0, castTo(R, T));
}

Value Importer::pad(Value X, const std::vector<int64_t> &Pads, const std::string &Mode,
                    double Fill) {
  Shape S = shapeOf(X);
  size_t R = S.size();
  if (Pads.size() != 2 * R)
    fail("pads needs " + std::to_string(2 * R) + " values");
  if (Mode != "constant" && Mode != "edge" && Mode != "reflect")
    fail("pad mode " + q(Mode) + " is not supported");
  Type T = eltOf(X);
  // The padded shape first: nothing is built for one beyond DRAM.
  // (Negative pads crop at most the whole dimension.)
  auto Crop = [](int64_t P, int64_t Dim) { return P < -Dim ? Dim : std::max<int64_t>(0, -P); };
  Shape Padded = S;
  for (size_t D = 0; D < R; ++D) {
    int64_t Lo = Pads[D], Hi = Pads[D + R];
    int64_t Kept = std::max<int64_t>(0, S[D] - Crop(Lo, S[D]) - Crop(Hi, S[D]));
    Padded[D] = addOrFail(addOrFail(Kept, std::max<int64_t>(Lo, 0), "the padded size"),
                          std::max<int64_t>(Hi, 0), "the padded size");
  }
  checkSize(Padded, bytesOf(T), "the padded tensor");
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
      fail("reflect padding of " + std::to_string(std::max(Lo, Hi)) +
           " needs a dimension larger than " + std::to_string(S[D]));
    if (Mode != "constant" && S[D] == 0)
      fail("cannot pad an empty dimension by " + Mode);
    if (Mode != "constant")
      checkComputed({std::max(Lo, Hi)}, onnx::TensorProto::INT64, "the padding's index table");
    // The pieces before and after: constant blocks, or copies of the edge
    // (reflected) elements taken with constant gathers.
    auto Piece = [&](int64_t N, bool Before) -> Value {
      Shape PS = S;
      PS[D] = N;
      if (Mode == "constant")
        return splat(PS, T, Fill);
      Const Idx;
      Idx.DType = onnx::TensorProto::INT64;
      Idx.Dims = {N};
      for (int64_t K = 0; K < N; ++K) {
        int64_t At = Mode == "edge" ? (Before ? 0 : S[D] - 1) : Before ? N - K : S[D] - 2 - K;
        Idx.I.push_back(At);
      }
      return B.create<graph::GatherOp>(Loc, RankedTensorType::get(PS, T), X, materialize(Idx),
                                       B.getI64IntegerAttr(int64_t(D)));
    };
    std::vector<Value> Parts;
    if (Lo)
      Parts.push_back(Piece(Lo, true));
    Parts.push_back(X);
    if (Hi)
      Parts.push_back(Piece(Hi, false));
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
  if (Stride == 1)
    return X;
  Shape S = shapeOf(X), S1 = S;
  S1.insert(S1.begin() + Axis + 1, 1);
  Shape ZS = S1;
  ZS[size_t(Axis + 1)] = Stride - 1;
  Shape CS = S1;
  CS[size_t(Axis + 1)] = Stride;
  checkSize(CS, bytesOf(eltOf(X)), "the input with zeros between its elements");
  Value Z = splat(ZS, eltOf(X), 0.0);
  Value C = B.create<graph::ConcatOp>(Loc, RankedTensorType::get(CS, eltOf(X)),
                                      ValueRange{reshape(X, S1), Z}, B.getI64IntegerAttr(Axis + 1));
  Shape Flat = S;
  Flat[size_t(Axis)] *= Stride; // no overflow: CS, the same size, is checked
  std::vector<int64_t> Pads(2 * S.size(), 0);
  Pads[S.size() + size_t(Axis)] = -(Stride - 1);
  return pad(reshape(C, Flat), Pads, "constant", 0);
}

void Importer::importConvTranspose() {
  onlyAttrs({"auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape",
             "pads", "strides"});
  Value X = floatInput(0), W = floatInput(1);
  Shape XS = shapeOf(X), WS = shapeOf(W);
  size_t NS = XS.size() < 2 ? 0 : XS.size() - 2; // spatial dims
  if ((NS != 1 && NS != 2) || WS.size() != XS.size())
    fail("only 1D and 2D transposed convolutions are supported (input " + shapeStr(XS) + ")");
  int64_t G = intAttr("group", 1), C = XS[1];
  if (G < 1 || C % G || WS[0] != C)
    fail("weight " + shapeStr(WS) + " does not match " + std::to_string(C) + " channels in " +
         std::to_string(G) + " groups");
  std::vector<int64_t> St = intsAttr("strides", 1, NS), Dil = intsAttr("dilations", 1, NS),
                       OP = intsAttr("output_padding", 0, NS), Pads = intsAttr("pads", 0, 2 * NS);
  std::vector<int64_t> K(WS.begin() + 2, WS.end());
  if (!intsAttr("kernel_shape").empty() && intsAttr("kernel_shape") != K)
    fail("kernel_shape differs from the weight's");
  checkWindowAttrs(NS, {}, St, Dil, Pads);
  for (int64_t V : OP)
    if (V < 0 || V > (int64_t(1) << 31))
      fail("output_padding value " + std::to_string(V) + " is out of range (0 to 2^31)");
  std::string AutoPad = stringAttr("auto_pad", "NOTSET");
  std::vector<int64_t> OutShape = intsAttr("output_shape");
  if (OutShape.size() > NS)
    OutShape.erase(OutShape.begin(), OutShape.end() - long(NS));
  if (!OutShape.empty() && OutShape.size() != NS)
    fail("output_shape needs " + std::to_string(NS) + " values");
  // Sizes with attributes up to 2^31 and weights and inputs within DRAM:
  // checked, as their products can overflow.
  auto Mul = [&](int64_t A, int64_t B) { return mulOrFail(A, B, "the output size"); };
  auto Add = [&](int64_t A, int64_t B) { return addOrFail(A, B, "the output size"); };
  for (size_t D = 0; D < NS; ++D) {
    int64_t Full = Add(Add(Mul(St[D], XS[2 + D] - 1), OP[D]), Add(Mul(Dil[D], K[D] - 1), 1));
    int64_t Want = !OutShape.empty()                                    ? OutShape[D]
                   : AutoPad == "SAME_UPPER" || AutoPad == "SAME_LOWER" ? Mul(XS[2 + D], St[D])
                                                                        : -1;
    if (Want >= 0) {
      int64_t Total = Add(Full, -Want);
      bool Upper = AutoPad != "SAME_LOWER";
      Pads[D] = Upper ? Total / 2 : Total - Total / 2;
      Pads[D + NS] = Total - Pads[D];
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
    Pd[2 + D] = Add(Mul(Dil[D], K[D] - 1), -Pads[D]);
    Pd[2 + D + XS.size()] = Add(Add(Mul(Dil[D], K[D] - 1), -Pads[D + NS]), OP[D]);
  }
  X = pad(X, Pd, "constant", 0);
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
    checkComputed(Rev.Dims, Rev.DType, "the kernel's index table");
    for (int64_t I = K[D]; I-- > 0;)
      Rev.I.push_back(I);
    Wt = B.create<graph::GatherOp>(Loc, Wt.getType(), Wt, materialize(Rev),
                                   B.getI64IntegerAttr(int64_t(3 + D)));
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
    fail(E);
  Value Bias = hasInput(2) ? floatInput(2) : Value();
  Value R = B.create<graph::ConvOp>(Loc, f32(Out), X, Wt, Bias, B.getDenseI64ArrayAttr({1, 1}),
                                    B.getDenseI64ArrayAttr({0, 0, 0, 0}),
                                    B.getDenseI64ArrayAttr(D2), B.getI64IntegerAttr(G));
  if (NS == 1)
    R = reshape(R, {Out[0], Out[1], Out[3]});
  setOutput(0, R);
}

} // namespace d1::import
