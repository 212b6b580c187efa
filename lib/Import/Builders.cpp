//===- Builders.cpp - Graph ops the node importers share --------------------===//
#include "Importer.h"

namespace d1::import {

Value Importer::constFrom(const Shape &S, Type E,
                          const std::function<double(const std::vector<int64_t> &)> &F) {
  Const C;
  C.DType = onnxType(E);
  C.Dims = S;
  if (failed(checkComputed(S, C.DType, "constant")))
    return {};
  std::vector<int64_t> Co(S.size(), 0);
  for (int64_t K = 0; K < C.size(); ++K) {
    double V = F(Co);
    if (C.isFloat())
      C.F.push_back(float(V));
    else
      C.I.push_back(toInt64(V));
    for (size_t D = S.size(); D-- > 0;) {
      if (++Co[D] < S[D])
        break;
      Co[D] = 0;
    }
  }
  return materialize(C);
}

Value Importer::splat(const Shape &S, Type E, double V) {
  if (failed(checkSize(S, bytesOf(E), "constant")))
    return {};
  if (shapes::numElements(S) == 0) // printed as dense<>, like constFrom's
    return constFrom(S, E, [](const std::vector<int64_t> &) { return 0.0; });
  auto T = RankedTensorType::get(S, E);
  Attribute A;
  if (E.isInteger(1))
    A = B.getBoolAttr(V != 0);
  else if (isa<FloatType>(E))
    A = FloatAttr::get(E, float(V));
  else
    A = IntegerAttr::get(E, APInt(64, uint64_t(toInt64(V))).trunc(E.getIntOrFloatBitWidth()));
  return B.create<graph::ConstantOp>(Loc, T, DenseElementsAttr::get(T, A));
}

Value Importer::reduceOf(graph::ReduceKind Kind, Value V, std::vector<int64_t> Axes,
                         bool KeepDims) {
  if (!V)
    return {};
  Shape Out;
  std::string E = shapes::reduce(shapeOf(V), Axes, KeepDims, Out);
  if (!E.empty())
    return fail(E);
  return B.create<graph::ReduceOp>(Loc, f32(Out), V, graph::ReduceKindAttr::get(&Ctx, Kind),
                                   B.getDenseI64ArrayAttr(Axes), B.getBoolAttr(KeepDims));
}

Value Importer::logSoftmax(Value X, int64_t Axis) {
  if (!X)
    return {};
  // (x - max) - log(sum(e^(x - max)))
  Value D = bin<graph::SubOp>(X, reduceOf(graph::ReduceKind::Max, X, {Axis}, true));
  Value S = reduceOf(graph::ReduceKind::Sum, un<graph::ExpOp>(D), {Axis}, true);
  return bin<graph::SubOp>(D, un<graph::LogOp>(S));
}

Value Importer::argExtreme(Value X, int64_t Axis, bool Max, bool Last, bool KeepDims) {
  if (!X)
    return {};
  // Positions holding the extreme, then the smallest (largest) such index.
  Shape S = shapeOf(X);
  int64_t Len = S[size_t(Axis)];
  auto Ext = Max ? graph::ReduceKind::Max : graph::ReduceKind::Min;
  Value At = compare(graph::ComparePredicate::EQ, X, reduceOf(Ext, X, {Axis}, true));
  if (!At)
    return {};
  Shape IS(S.size(), 1);
  IS[size_t(Axis)] = Len;
  Value Iota = constFrom(IS, B.getF32Type(),
                         [&](const std::vector<int64_t> &C) { return double(C[size_t(Axis)]); });
  Value Pick = where(At, Iota, scalar(Last ? -1.0 : double(Len)));
  Value R =
      reduceOf(Last ? graph::ReduceKind::Max : graph::ReduceKind::Min, Pick, {Axis}, KeepDims);
  return castTo(R, B.getI64Type());
}

Value Importer::gatherElements(Value Data, Value Indices, int64_t Axis) {
  if (!Data || !Indices)
    return {};
  Shape DS = shapeOf(Data), IS = shapeOf(Indices);
  Value Flat = elementIndices(DS, Indices, Axis);
  if (!Flat)
    return {};
  Value FlatData = reshape(Data, {shapes::numElements(DS)});
  return B.create<graph::GatherOp>(Loc, RankedTensorType::get(IS, eltOf(Data)), FlatData, Flat,
                                   B.getI64IntegerAttr(0));
}

Value Importer::normalizedIndex(Value Idx, int64_t Len) {
  if (!Idx)
    return {};
  Type I64 = B.getI64Type();
  Idx = castTo(Idx, I64);
  return where(compare(graph::ComparePredicate::LT, Idx, scalar(0, I64)),
               bin<graph::AddOp>(Idx, scalar(double(Len), I64)), Idx);
}

Value Importer::elementIndices(const Shape &DS, Value Indices, int64_t Axis) {
  if (!Indices)
    return {};
  Shape IS = shapeOf(Indices);
  if (DS.size() != IS.size())
    return fail("indices must have the rank of the data");
  for (size_t D = 0; D < DS.size(); ++D)
    if (int64_t(D) != Axis && IS[D] > DS[D])
      return fail("indices " + shapeStr(IS) + " exceed the data " + shapeStr(DS));
  Type I64 = B.getI64Type();
  auto St = stridesOf(DS);
  Value Idx = normalizedIndex(Indices, DS[size_t(Axis)]);
  // Element index = idx * stride(axis) + sum of the other coordinates' offsets.
  Value Base = constFrom(IS, I64, [&](const std::vector<int64_t> &C) {
    int64_t Off = 0;
    for (size_t D = 0; D < C.size(); ++D)
      if (int64_t(D) != Axis)
        Off += C[D] * St[D];
    return double(Off);
  });
  return bin<graph::AddOp>(bin<graph::MulOp>(Idx, scalar(double(St[size_t(Axis)]), I64)), Base);
}

Value Importer::rowIndices(const Shape &DS, Value Indices, int64_t BatchDims, int64_t &Inner) {
  if (!Indices)
    return {};
  Shape IS = shapeOf(Indices);
  int64_t K = IS.empty() ? 0 : IS.back(), Bd = BatchDims;
  if (IS.empty() || K < 1 || Bd < 0 || Bd >= int64_t(IS.size()) || Bd > int64_t(DS.size()) ||
      K > int64_t(DS.size()) - Bd)
    return fail("indices " + shapeStr(IS) + " do not address data " + shapeStr(DS));
  for (int64_t D = 0; D < Bd; ++D)
    if (IS[size_t(D)] != DS[size_t(D)])
      return fail("batch dimensions of indices and data differ");
  Type I64 = B.getI64Type();
  Inner = 1;
  for (size_t D = size_t(Bd + K); D < DS.size(); ++D)
    Inner *= DS[D];
  Shape Lead(IS.begin(), IS.end() - 1); // one row index per leading position
  Value Row;
  int64_t Stride = 1;
  for (int64_t J = K; J-- > 0;) {
    Value Part = sliceAlong(Indices, int64_t(IS.size()) - 1, J, J + 1);
    Value I = normalizedIndex(reshape(Part, Lead), DS[size_t(Bd + J)]);
    Value Term = bin<graph::MulOp>(I, scalar(double(Stride), I64));
    Row = Row ? bin<graph::AddOp>(Row, Term) : Term;
    if (!Row) // a failed step must not restart the sum
      return {};
    Stride *= DS[size_t(Bd + J)];
  }
  if (Bd) { // each batch position has its own block of rows
    Shape BS(Lead.size(), 1);
    for (int64_t D = 0; D < Bd; ++D)
      BS[size_t(D)] = Lead[size_t(D)];
    auto BSt = stridesOf(Shape(Lead.begin(), Lead.begin() + Bd));
    Value Base = constFrom(BS, I64, [&](const std::vector<int64_t> &C) {
      int64_t F = 0;
      for (int64_t D = 0; D < Bd; ++D)
        F += C[size_t(D)] * BSt[size_t(D)];
      return double(F * Stride);
    });
    Row = bin<graph::AddOp>(Row, Base);
  }
  return Row;
}

Value Importer::nllLoss(Value LogProb, Value Target, Value Weight, std::optional<int64_t> Ignore,
                        const std::string &Reduction) {
  // Weight is optional: null when there is none.
  if (!LogProb || !Target)
    return {};
  Shape PS = shapeOf(LogProb), TS = shapeOf(Target);
  if (PS.size() < 2 || TS.size() != PS.size() - 1 || TS[0] != PS[0])
    return fail("input " + shapeStr(PS) + " and target " + shapeStr(TS) + " do not match");
  if (Reduction != "none" && Reduction != "sum" && Reduction != "mean")
    return fail("reduction " + q(Reduction) + " is not none, sum or mean");
  Type I64 = B.getI64Type();
  Value T = castTo(Target, I64), Valid;
  if (Ignore) {
    Valid = un<graph::NotOp>(compare(graph::ComparePredicate::EQ, T, scalar(double(*Ignore), I64)));
    T = where(Valid, T, scalar(0, I64));
  }
  if (!T)
    return {};
  // The log-probability of each target class: a gather along axis 1.
  Shape US = TS;
  US.insert(US.begin() + 1, 1);
  Value Picked = reshape(gatherElements(LogProb, reshape(T, US), 1), TS);
  Value Loss = un<graph::NegOp>(Picked), W;
  if (Weight)
    W = B.create<graph::GatherOp>(Loc, f32(TS), Weight, T, B.getI64IntegerAttr(0));
  if (Valid) {
    Value Zero = scalar(0);
    W = where(Valid, W ? W : scalar(1), Zero);
  }
  if (W)
    Loss = bin<graph::MulOp>(Loss, W);
  if (Reduction == "none")
    return Loss;
  Value Sum = reduceOf(graph::ReduceKind::Sum, Loss, {}, false);
  if (Reduction == "sum")
    return Sum;
  if (!W)
    return reduceOf(graph::ReduceKind::Mean, Loss, {}, false);
  // A weighted mean: divided by the weights of the targets counted.
  return bin<graph::DivOp>(Sum, reduceOf(graph::ReduceKind::Sum, W, {}, false));
}

Value Importer::scatter(Value Data, Value Flat, Value Updates, const std::string &Reduction) {
  if (!Data || !Flat || !Updates)
    return {};
  using R = graph::ScatterReduction;
  R Kind = Reduction == "none"  ? R::None
           : Reduction == "add" ? R::Add
           : Reduction == "mul" ? R::Mul
           : Reduction == "max" ? R::Max
           : Reduction == "min" ? R::Min
                                : R(-1);
  if (int(Kind) < 0)
    return fail("reduction " + q(Reduction) + " is not supported");
  if (eltOf(Updates) != eltOf(Data))
    return fail("updates and data differ in element type");
  Shape US = shapeOf(Updates);
  if (shapes::numElements(shapeOf(Flat)) != shapes::numElements(US))
    return fail("indices do not match updates " + shapeStr(US));
  return B.create<graph::ScatterOp>(Loc, Data.getType(), Data, reshape(Flat, US), Updates,
                                    graph::ScatterReductionAttr::get(&Ctx, Kind));
}

} // namespace d1::import
