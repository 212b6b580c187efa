//===- Quantization.cpp - Quantized operators -------------------------------===//
#include "Importer.h"

namespace d1::import {

Value Importer::perAxis(Value V, const Shape &Like, int64_t Axis) {
  Shape S = shapeOf(V);
  if (S.size() != 1 || Like.empty())
    return V;
  if (!shapes::normalizeAxis(Axis, int64_t(Like.size())) || S[0] != Like[size_t(Axis)])
    fail("per-axis parameter " + shapeStr(S) + " does not match axis " + std::to_string(Axis) +
         " of " + shapeStr(Like));
  Shape R(Like.size(), 1);
  R[size_t(Axis)] = S[0];
  return reshape(V, R);
}

Value Importer::dequantize(Value X, Value ZeroPoint, int64_t Axis) {
  Value F = castTo(X, B.getF32Type());
  if (!ZeroPoint)
    return F;
  return bin<graph::SubOp>(F, perAxis(castTo(ZeroPoint, B.getF32Type()), shapeOf(X), Axis));
}

Value Importer::quantize(Value Real, Value ZeroPoint) {
  Type T = ZeroPoint ? eltOf(ZeroPoint) : IntegerType::get(&Ctx, 8, IntegerType::Unsigned);
  if (!T.isInteger(8))
    fail("quantized type must be int8 or uint8");
  bool U = T.isUnsignedInteger();
  Value Q = un<graph::RoundOp>(Real); // ties to even
  if (ZeroPoint)
    Q = bin<graph::AddOp>(Q, castTo(ZeroPoint, B.getF32Type()));
  Q = bin<graph::MaxOp>(Q, scalar(U ? 0 : -128));
  Q = bin<graph::MinOp>(Q, scalar(U ? 255 : 127));
  return castTo(Q, T);
}

bool Importer::importQuantized() {
  const std::string &Op = Node->op_type();
  auto Opt = [&](int K) { return hasInput(K) ? input(K) : Value(); };
  // A [1] parameter acts as a scalar.
  auto Scalarish = [&](Value V) {
    return shapeOf(V).size() == 1 && shapeOf(V)[0] == 1 ? reshape(V, {}) : V;
  };
  if (Op == "QuantizeLinear") {
    onlyAttrs({"axis"});
    Value X = floatInput(0);
    int64_t Axis = intAttr("axis", 1);
    Value Scale = perAxis(Scalarish(floatInput(1)), shapeOf(X), Axis);
    Value Zp = Opt(2);
    if (Zp)
      Zp = perAxis(Scalarish(Zp), shapeOf(X), Axis);
    setOutput(0, quantize(bin<graph::DivOp>(X, Scale), Zp));
    return true;
  }
  if (Op == "DequantizeLinear") {
    onlyAttrs({"axis"});
    Value X = input(0);
    int64_t Axis = intAttr("axis", 1);
    Value Zp = Opt(2);
    Value R = dequantize(X, Zp ? Scalarish(Zp) : Zp, Axis);
    setOutput(0, bin<graph::MulOp>(R, perAxis(Scalarish(floatInput(1)), shapeOf(X), Axis)));
    return true;
  }
  if (Op == "DynamicQuantizeLinear") {
    onlyAttrs({});
    Value X = floatInput(0);
    // The range always includes 0: scale = (max - min) / 255.
    Value Mx = bin<graph::MaxOp>(reduceOf(graph::ReduceKind::Max, X, {}, false), scalar(0));
    Value Mn = bin<graph::MinOp>(reduceOf(graph::ReduceKind::Min, X, {}, false), scalar(0));
    Value Scale = bin<graph::DivOp>(bin<graph::SubOp>(Mx, Mn), scalar(255));
    Value Zp = quantize(bin<graph::DivOp>(un<graph::NegOp>(Mn), Scale), Value());
    setOutput(0, quantize(bin<graph::DivOp>(X, Scale), Zp));
    setOutput(1, Scale);
    setOutput(2, Zp);
    return true;
  }
  if (Op == "MatMulInteger" || Op == "QLinearMatMul") {
    onlyAttrs({});
    bool Q = Op == "QLinearMatMul";
    Value A = input(0), Bm = input(Q ? 3 : 1);
    Value Az = Opt(2), Bz = Opt(Q ? 5 : 3); // zero points
    // A's zero point is per row (the second-last axis), B's per column.
    Value Af = dequantize(A, Az ? Scalarish(Az) : Az, int64_t(shapeOf(A).size()) - 2);
    Value Bf = dequantize(Bm, Bz ? Scalarish(Bz) : Bz, int64_t(shapeOf(Bm).size()) - 1);
    Shape Out;
    std::string E = shapes::matmul(shapeOf(Af), shapeOf(Bf), Out);
    if (!E.empty())
      fail(E);
    Value R = B.create<graph::MatMulOp>(Loc, f32(Out), Af, Bf);
    if (!Q) {
      setOutput(0, castTo(R, B.getI32Type()));
      return true;
    }
    Value S =
        bin<graph::DivOp>(bin<graph::MulOp>(Scalarish(floatInput(1)), Scalarish(floatInput(4))),
                          Scalarish(floatInput(6)));
    setOutput(0, quantize(bin<graph::MulOp>(R, S), Scalarish(input(7))));
    return true;
  }
  if (Op == "ConvInteger" || Op == "QLinearConv") {
    onlyAttrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    bool Q = Op == "QLinearConv";
    Value X = input(0), W = input(Q ? 3 : 1);
    Value Xz = Opt(2), Wz = Opt(Q ? 5 : 3);
    Value Xf = dequantize(X, Xz ? Scalarish(Xz) : Xz, 1);
    Value Wf = dequantize(W, Wz ? Scalarish(Wz) : Wz, 0);
    Value Bias = Q && hasInput(8) ? castTo(input(8), B.getF32Type()) : Value();
    Value R = buildConv(Xf, Wf, Bias);
    if (!Q) {
      setOutput(0, castTo(R, B.getI32Type()));
      return true;
    }
    Value S = bin<graph::DivOp>(bin<graph::MulOp>(Scalarish(floatInput(1)),
                                                  perAxis(Scalarish(floatInput(4)), shapeOf(R), 1)),
                                Scalarish(floatInput(6)));
    setOutput(0, quantize(bin<graph::MulOp>(R, S), Scalarish(input(7))));
    return true;
  }
  return false;
}

} // namespace d1::import
