//===- Quantization.cpp - Quantized operators -------------------------------===//
//
// The builders of Quantization.def and the helpers quantize, dequantize and
// perAxis. Quantization operators in fp32: exact for 8-bit data and sums
// below 2^24.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

namespace d1::import {

Value Importer::perAxis(Value V, const Shape &Like, int64_t Axis) {
  if (!V)
    return {};
  Shape S = shapeOf(V);
  if (S.size() != 1 || Like.empty())
    return V;
  if (!shapes::normalizeAxis(Axis, int64_t(Like.size())) || S[0] != Like[size_t(Axis)])
    return fail("per-axis parameter " + shapeStr(S) + " does not match axis " +
                std::to_string(Axis) + " of " + shapeStr(Like));
  Shape R(Like.size(), 1);
  R[size_t(Axis)] = S[0];
  return reshape(V, R);
}

// A null ZeroPoint is an absent one.
Value Importer::dequantize(Value X, Value ZeroPoint, int64_t Axis) {
  if (!X)
    return {};
  Value F = castTo(X, B.getF32Type());
  if (!ZeroPoint)
    return F;
  return bin<graph::SubOp>(F, perAxis(castTo(ZeroPoint, B.getF32Type()), shapeOf(X), Axis));
}

// A null ZeroPoint is an absent one.
Value Importer::quantize(Value Real, Value ZeroPoint) {
  if (!Real)
    return {};
  Type T = ZeroPoint ? eltOf(ZeroPoint) : IntegerType::get(&Ctx, 8, IntegerType::Unsigned);
  if (!T.isInteger(8))
    return fail("quantized type must be int8 or uint8");
  bool U = T.isUnsignedInteger();
  Value Q = un<graph::RoundOp>(Real); // ties to even
  if (ZeroPoint)
    Q = bin<graph::AddOp>(Q, castTo(ZeroPoint, B.getF32Type()));
  Q = bin<graph::MaxOp>(Q, scalar(U ? 0 : -128));
  Q = bin<graph::MinOp>(Q, scalar(U ? 255 : 127));
  return castTo(Q, T);
}

// A [1] parameter acts as a scalar.
Value Importer::singletonAsScalar(Value V) {
  if (!V)
    return {};
  return shapeOf(V).size() == 1 && shapeOf(V)[0] == 1 ? reshape(V, {}) : V;
}

/// V is input K, or null if the input is absent (an optional zero point):
/// fails only if it is given and cannot be read.
static LogicalResult optionalInput(Importer &I, int K, Value &V) {
  V = I.hasInput(K) ? I.input(K) : Value();
  return failure(I.hasInput(K) && !V);
}

LogicalResult Importer::importQuantizeLinear() {
  if (failed(onlyAttrs({"axis"})))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  int64_t Axis = intAttr("axis", 1);
  Value Scale = perAxis(singletonAsScalar(floatInput(1)), shapeOf(X), Axis);
  if (!Scale)
    return failure();
  Value Zp;
  if (failed(optionalInput(*this, 2, Zp)))
    return failure();
  if (Zp) {
    Zp = perAxis(singletonAsScalar(Zp), shapeOf(X), Axis);
    if (!Zp)
      return failure();
  }
  return setOutput(0, quantize(bin<graph::DivOp>(X, Scale), Zp));
}

LogicalResult Importer::importDequantizeLinear() {
  if (failed(onlyAttrs({"axis"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  int64_t Axis = intAttr("axis", 1);
  Value Zp;
  if (failed(optionalInput(*this, 2, Zp)))
    return failure();
  Value R = dequantize(X, Zp ? singletonAsScalar(Zp) : Zp, Axis);
  if (!R)
    return failure();
  return setOutput(
      0, bin<graph::MulOp>(R, perAxis(singletonAsScalar(floatInput(1)), shapeOf(X), Axis)));
}

LogicalResult Importer::importDynamicQuantizeLinear() {
  if (failed(onlyAttrs({})))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  // The range always includes 0: scale = (max - min) / 255.
  Value Mx = bin<graph::MaxOp>(reduceOf(graph::ReduceKind::Max, X, {}, false), scalar(0));
  Value Mn = bin<graph::MinOp>(reduceOf(graph::ReduceKind::Min, X, {}, false), scalar(0));
  Value Scale = bin<graph::DivOp>(bin<graph::SubOp>(Mx, Mn), scalar(255));
  Value Zp = quantize(bin<graph::DivOp>(un<graph::NegOp>(Mn), Scale), Value());
  if (!Zp)
    return failure();
  if (failed(setOutput(0, quantize(bin<graph::DivOp>(X, Scale), Zp))) ||
      failed(setOutput(1, Scale)) || failed(setOutput(2, Zp)))
    return failure();
  return success();
}

LogicalResult Importer::quantizedMatMul(bool QLinear) {
  if (failed(onlyAttrs({})))
    return failure();
  Value A = input(0);
  if (!A)
    return failure();
  Value Bm = input(QLinear ? 3 : 1);
  if (!Bm)
    return failure();
  Value Az, Bz; // zero points
  if (failed(optionalInput(*this, 2, Az)) || failed(optionalInput(*this, QLinear ? 5 : 3, Bz)))
    return failure();
  // A's zero point is per row (the second-last axis), B's per column.
  Value Af = dequantize(A, Az ? singletonAsScalar(Az) : Az, int64_t(shapeOf(A).size()) - 2);
  if (!Af)
    return failure();
  Value Bf = dequantize(Bm, Bz ? singletonAsScalar(Bz) : Bz, int64_t(shapeOf(Bm).size()) - 1);
  if (!Bf)
    return failure();
  Shape Out;
  std::string E = shapes::matmul(shapeOf(Af), shapeOf(Bf), Out);
  if (!E.empty())
    return fail(E);
  Value R = B.create<graph::MatMulOp>(Loc, f32(Out), Af, Bf);
  if (!QLinear)
    return setOutput(0, castTo(R, B.getI32Type()));
  return requantizedOutput(R, bin<graph::DivOp>(bin<graph::MulOp>(singletonAsScalar(floatInput(1)),
                                                                  singletonAsScalar(floatInput(4))),
                                                singletonAsScalar(floatInput(6))));
}

LogicalResult Importer::requantizedOutput(Value R, Value S) {
  if (!S)
    return failure();
  // The output zero point before the product, as the compiler evaluated
  // the arguments of quantize(R * S, y_zero_point) before.
  Value Zp = singletonAsScalar(input(7));
  if (!Zp)
    return failure();
  return setOutput(0, quantize(bin<graph::MulOp>(R, S), Zp));
}

LogicalResult Importer::importMatMulInteger() { return quantizedMatMul(false); }
LogicalResult Importer::importQLinearMatMul() { return quantizedMatMul(true); }

LogicalResult Importer::quantizedConv(bool QLinear) {
  if (failed(onlyAttrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Value W = input(QLinear ? 3 : 1);
  if (!W)
    return failure();
  Value Xz, Wz; // zero points
  if (failed(optionalInput(*this, 2, Xz)) || failed(optionalInput(*this, QLinear ? 5 : 3, Wz)))
    return failure();
  Value Xf = dequantize(X, Xz ? singletonAsScalar(Xz) : Xz, 1);
  if (!Xf)
    return failure();
  Value Wf = dequantize(W, Wz ? singletonAsScalar(Wz) : Wz, 0);
  if (!Wf)
    return failure();
  Value Bias;
  if (QLinear && hasInput(8)) {
    Bias = castTo(input(8), B.getF32Type());
    if (!Bias)
      return failure();
  }
  Value R = buildConv(Xf, Wf, Bias);
  if (!R)
    return failure();
  if (!QLinear)
    return setOutput(0, castTo(R, B.getI32Type()));
  return requantizedOutput(
      R,
      bin<graph::DivOp>(bin<graph::MulOp>(singletonAsScalar(floatInput(1)),
                                          perAxis(singletonAsScalar(floatInput(4)), shapeOf(R), 1)),
                        singletonAsScalar(floatInput(6))));
}

LogicalResult Importer::importConvInteger() { return quantizedConv(false); }
LogicalResult Importer::importQLinearConv() { return quantizedConv(true); }

} // namespace d1::import
