//===- Decomposed.cpp - Operators written with other graph ops --------------===//
#include "Importer.h"

namespace d1::import {

bool Importer::importDecomposed() {
  const std::string &Op = Node->op_type();
  if (Op == "Range" || Op == "ConstantOfShape" || Op == "OneHot") {
    // Folded when their inputs are constants; otherwise the output's shape
    // depends on run-time values.
    fail(std::string(Op == "Range"    ? "start, limit and delta"
                     : Op == "OneHot" ? "depth"
                                      : "the shape") +
         " must be constants: the output's shape depends on them");
  }
  if (Op == "Expand" || Op == "Tile") {
    onlyAttrs({});
    Value X = input(0);
    std::vector<int64_t> Arg = constInts(1, Op == "Expand" ? "shape" : "repeats");
    Shape S = shapeOf(X);
    for (int64_t V : Arg)
      if (V < 0)
        fail(std::string(Op == "Expand" ? "shape" : "repeats") + " must not be negative");
    if (Op == "Expand") {
      Shape Out;
      std::string E = shapes::broadcast(S, Arg, Out);
      if (!E.empty())
        fail(E);
      checkSize(Out, bytesOf(eltOf(X)), "output " + q(outputName(0)));
      setOutput(0, broadcastTo(X, Arg));
      return true;
    }
    // Tile: [d0, d1, ..] as [1, d0, 1, d1, ..] broadcast to [r0, d0, r1, d1, ..].
    if (Arg.size() != S.size())
      fail("repeats needs one value per dimension");
    Shape Split, Rep, Out;
    for (size_t D = 0; D < S.size(); ++D) {
      Split.insert(Split.end(), {1, S[D]});
      Rep.insert(Rep.end(), {Arg[D], S[D]});
      Out.push_back(mulOrFail(Arg[D], S[D], "the tiled size"));
    }
    checkSize(Out, bytesOf(eltOf(X)), "output " + q(outputName(0)));
    setOutput(0, reshape(broadcastTo(reshape(X, Split), Rep), Out));
    return true;
  }
  if (Op == "ReverseSequence") {
    // Index along time: len - 1 - t inside each sequence, t past its end.
    onlyAttrs({"batch_axis", "time_axis"});
    Value X = input(0);
    Shape S = shapeOf(X);
    int64_t BA = intAttr("batch_axis", 1), TA = intAttr("time_axis", 0);
    if (S.size() < 2 || !shapes::normalizeAxis(BA, int64_t(S.size())) ||
        !shapes::normalizeAxis(TA, int64_t(S.size())) || BA == TA)
      fail("batch_axis and time_axis must be two different axes");
    Type I64 = B.getI64Type();
    Shape LS(S.size(), 1), TS(S.size(), 1);
    LS[size_t(BA)] = S[size_t(BA)];
    TS[size_t(TA)] = S[size_t(TA)];
    Value Len = reshape(castTo(input(1), I64), LS);
    Value T =
        constFrom(TS, I64, [&](const std::vector<int64_t> &C) { return double(C[size_t(TA)]); });
    Value Rev = bin<graph::SubOp>(bin<graph::SubOp>(Len, scalar(1, I64)), T);
    Value Idx =
        where(compare(graph::ComparePredicate::LT, T, Len), Rev, broadcastTo(T, shapeOf(Rev)));
    setOutput(0, gatherElements(X, broadcastTo(Idx, S), TA));
    return true;
  }
  if (Op == "Det") {
    // Leibniz's formula over the permutations of the last two (n x n, n <= 4) axes.
    onlyAttrs({});
    Value X = floatInput(0);
    Shape S = shapeOf(X);
    if (S.size() < 2 || S.back() != S[S.size() - 2] || S.back() > 4 || S.back() < 1)
      fail("Det supports square matrices up to 4 x 4 (input " + shapeStr(S) + ")");
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
    setOutput(0, Sum);
    return true;
  }
  if (Op == "ScatterElements" || Op == "Scatter") {
    onlyAttrs({"axis", "reduction"});
    Value X = input(0);
    int64_t Axis = intAttr("axis", 0);
    if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
      fail("axis out of range");
    Value Idx = input(1);
    if (shapeOf(Idx) != shapeOf(input(2)))
      fail("indices and updates differ in shape");
    Shape DS = shapeOf(X), IS = shapeOf(Idx);
    for (size_t D = 0; D < DS.size() && D < IS.size(); ++D)
      if (int64_t(D) != Axis && IS[D] > DS[D])
        fail("indices " + shapeStr(IS) + " exceed the data " + shapeStr(DS));
    setOutput(0, scatter(X, elementIndices(DS, Idx, Axis), inputAs(2, eltOf(X)),
                         stringAttr("reduction", "none")));
    return true;
  }
  if (Op == "GatherND" || Op == "ScatterND") {
    onlyAttrs({"batch_dims", "reduction"});
    Value X = input(0), Idx = input(1);
    Shape DS = shapeOf(X), IS = shapeOf(Idx);
    int64_t Bd = Op == "GatherND" ? intAttr("batch_dims", 0) : 0, Inner = 1;
    Value Row = rowIndices(DS, Idx, Bd, Inner); // checks Bd and the index depth
    Shape Lead(IS.begin(), IS.end() - 1), Tail(DS.begin() + Bd + IS.back(), DS.end());
    Shape Out = Lead;
    Out.insert(Out.end(), Tail.begin(), Tail.end());
    int64_t Rows = shapes::numElements(DS) / std::max<int64_t>(Inner, 1);
    if (Op == "GatherND") {
      Shape GS = Lead;
      GS.push_back(Inner);
      Value G = B.create<graph::GatherOp>(Loc, RankedTensorType::get(GS, eltOf(X)),
                                          reshape(X, {Rows, Inner}), Row, B.getI64IntegerAttr(0));
      setOutput(0, reshape(G, Out));
      return true;
    }
    // ScatterND: every element of each addressed row.
    Shape RS = Lead;
    RS.push_back(1);
    Value Iota = constFrom({Inner}, B.getI64Type(),
                           [](const std::vector<int64_t> &C) { return double(C[0]); });
    Value Flat = bin<graph::AddOp>(
        bin<graph::MulOp>(reshape(Row, RS), scalar(double(Inner), B.getI64Type())), Iota);
    Value U = inputAs(2, eltOf(X));
    if (shapeOf(U) != Out)
      fail("updates should be " + shapeStr(Out));
    setOutput(0, scatter(X, Flat, U, stringAttr("reduction", "none")));
    return true;
  }
  if (Op == "MaxUnpool") {
    onlyAttrs({"kernel_shape", "pads", "strides"});
    if (hasInput(2))
      fail("output_shape is not supported");
    Value X = floatInput(0);
    Shape XS = shapeOf(X), Out = XS;
    std::vector<int64_t> K = intsAttr("kernel_shape");
    if (XS.size() < 3)
      fail("input needs spatial dimensions, got " + shapeStr(XS));
    size_t NS = XS.size() - 2;
    std::vector<int64_t> St = intsAttr("strides", 1, NS), P = intsAttr("pads", 0, 2 * NS);
    if (K.size() != NS)
      fail("kernel_shape must have " + std::to_string(NS) + " values");
    checkWindowAttrs(NS, K, St, {}, P);
    for (size_t D = 0; D < NS; ++D) {
      Out[2 + D] = addOrFail(mulOrFail(XS[2 + D] - 1, St[D], "the output size"),
                             K[D] - P[D] - P[D + NS], "the output size");
      if (Out[2 + D] < 0)
        fail("the pads are larger than the output");
    }
    checkSize(Out, 4, "output " + q(outputName(0)));
    Value Zeros = splat(Out, B.getF32Type(), 0.0);
    Value Idx = input(1);
    if (shapeOf(Idx) != XS)
      fail("indices must have the input's shape");
    setOutput(0, scatter(Zeros, normalizedIndex(Idx, shapes::numElements(Out)), X, "none"));
    return true;
  }
  if (Op == "RNN" || Op == "GRU" || Op == "LSTM") {
    importRecurrent();
    return true;
  }
  if (Op == "ConvTranspose") {
    importConvTranspose();
    return true;
  }
  if (Op == "Pad") {
    onlyAttrs({"mode", "pads", "value"});
    Value X = input(0);
    std::vector<int64_t> Pads =
        Opset < 11 ? intsAttr(Opset < 2 ? "paddings" : "pads") : constInts(1, "pads");
    double V = Opset < 11    ? floatAttr("value", 0.0f)
               : hasInput(2) ? constScalar(2, "constant_value")
                             : 0.0;
    setOutput(0, pad(X, Pads, stringAttr("mode", "constant"), V));
    return true;
  }
  if (Op == "EyeLike") {
    onlyAttrs({"dtype", "k"});
    Shape S = inputShape(0);
    if (S.size() != 2)
      fail("input must be 2D");
    int64_t K = intAttr("k", 0);
    int32_t DT = attr("dtype") ? int32_t(intAttr("dtype", 1))
                 : isConst(0)  ? Consts[Node->input(0)].DType
                               : onnxType(eltOf(input(0)));
    if (DT != onnx::TensorProto::FLOAT && !isIntType(DT))
      fail("dtype " + dtypeName(DT) + " is not supported");
    Const C;
    C.DType = DT;
    C.Dims = S;
    checkComputed(S, DT, "output");
    for (int64_t I = 0; I < (C.size() ? S[0] : 0); ++I)
      for (int64_t J = 0; J < S[1]; ++J) {
        if (C.isFloat())
          C.F.push_back(J - I == K ? 1.0f : 0.0f);
        else
          C.I.push_back(J - I == K);
      }
    setConst(0, C);
    return true;
  }
  if (Op == "DepthToSpace" || Op == "SpaceToDepth") {
    onlyAttrs({"blocksize", "mode"});
    Value X = input(0);
    Shape S = shapeOf(X);
    int64_t Bs = intAttr("blocksize", 0);
    if (S.size() != 4 || Bs < 1)
      fail("needs a 4D input and a positive blocksize");
    if (Op == "DepthToSpace") // spatial sizes grow by Bs
      checkSize({S[0], S[1], mulOrFail(S[2], Bs, "the output size"),
                 mulOrFail(S[3], Bs, "the output size")},
                1, "output " + q(outputName(0)));
    int64_t N = S[0], C = S[1], H = S[2], W = S[3];
    Type T = eltOf(X);
    auto Perm = [&](Value V, std::vector<int64_t> P) {
      Shape In = shapeOf(V), Out;
      for (int64_t D : P)
        Out.push_back(In[size_t(D)]);
      return B
          .create<graph::TransposeOp>(Loc, RankedTensorType::get(Out, T), V,
                                      B.getDenseI64ArrayAttr(P))
          .getResult();
    };
    int64_t Bs2 = mulOrFail(Bs, Bs, "blocksize^2");
    if (Op == "DepthToSpace") {
      if (C % Bs2)
        fail("channels do not divide by blocksize^2");
      bool CRD = stringAttr("mode", "DCR") == "CRD";
      Value V = CRD ? reshape(X, {N, C / (Bs * Bs), Bs, Bs, H, W})
                    : reshape(X, {N, Bs, Bs, C / (Bs * Bs), H, W});
      V = CRD ? Perm(V, {0, 1, 4, 2, 5, 3}) : Perm(V, {0, 3, 4, 1, 5, 2});
      setOutput(0, reshape(V, {N, C / (Bs * Bs), H * Bs, W * Bs}));
    } else {
      if (H % Bs || W % Bs)
        fail("spatial size does not divide by blocksize");
      Value V = reshape(X, {N, C, H / Bs, Bs, W / Bs, Bs});
      V = Perm(V, {0, 3, 5, 1, 2, 4});
      setOutput(0, reshape(V, {N, C * Bs * Bs, H / Bs, W / Bs}));
    }
    return true;
  }
  if (Op == "InstanceNormalization" || Op == "MeanVarianceNormalization") {
    onlyAttrs({"epsilon", "axes"});
    Value X = floatInput(0);
    Shape S = shapeOf(X);
    std::vector<int64_t> Axes;
    if (Op == "InstanceNormalization") {
      if (S.size() < 3)
        fail("input needs channels and spatial dimensions (rank >= 3), got " + shapeStr(S));
      for (size_t D = 2; D < S.size(); ++D)
        Axes.push_back(int64_t(D));
    } else {
      Axes = intsAttr("axes", {0, 2, 3});
    }
    auto Mean = [&](Value V) { return reduceOf(graph::ReduceKind::Mean, V, Axes, true); };
    Value D = bin<graph::SubOp>(X, Mean(X));
    Value Var = Mean(bin<graph::MulOp>(D, D));
    float Eps = Op == "InstanceNormalization" ? floatAttr("epsilon", 1e-5f) : 1e-9f;
    Value Y = bin<graph::MulOp>(
        D, un<graph::ReciprocalOp>(un<graph::SqrtOp>(bin<graph::AddOp>(Var, scalar(Eps)))));
    if (Op == "InstanceNormalization") {
      Shape PS(S.size() - 1, 1);
      PS[0] = S[1];
      Y = bin<graph::AddOp>(bin<graph::MulOp>(Y, reshape(floatInput(1), PS)),
                            reshape(floatInput(2), PS));
    }
    setOutput(0, Y);
    return true;
  }
  if (Op == "LRN") {
    // x / (bias + alpha / size * sum of x^2 over a window of channels)^beta
    onlyAttrs({"alpha", "beta", "bias", "size"});
    Value X = floatInput(0);
    Shape S = shapeOf(X);
    int64_t Size = intAttr("size", 0);
    if (S.size() < 3 || Size < 1)
      fail("needs channels and a positive size");
    checkUnroll(Size, "size " + std::to_string(Size));
    Value Sq = bin<graph::MulOp>(X, X);
    std::vector<int64_t> Pads(2 * S.size(), 0);
    Pads[1] = (Size - 1) / 2;
    Pads[1 + S.size()] = Size / 2;
    Value P = pad(Sq, Pads, "constant", 0);
    Value Sum;
    for (int64_t K = 0; K < Size; ++K) {
      Value Part = sliceAlong(P, 1, K, K + S[1]);
      Sum = Sum ? bin<graph::AddOp>(Sum, Part) : Part;
    }
    Value Den =
        bin<graph::AddOp>(scalar(floatAttr("bias", 1.0f)),
                          bin<graph::MulOp>(Sum, scalar(floatAttr("alpha", 1e-4f) / float(Size))));
    setOutput(0, bin<graph::DivOp>(X, bin<graph::PowOp>(Den, scalar(floatAttr("beta", 0.75f)))));
    return true;
  }
  return false;
}

} // namespace d1::import
