//===- Elementwise.cpp - Elementwise operators ------------------------------===//
//
// The builders of Elementwise.def: unary operators (computed in fp32, or of
// any type but bool), binary, logical, comparison and variadic ones, and
// the fp32 decompositions of the activations the graph dialect lacks.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

namespace d1::import {

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

LogicalResult Importer::floatUnaryOf(std::initializer_list<const char *> Attrs,
                                     llvm::function_ref<Value(Value)> Build) {
  if (failed(onlyAttrs(Attrs)))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  return setOutput(0, Build(X));
}

template <class OpT> LogicalResult Importer::floatUnaryOp() {
  return floatUnaryOf({}, [&](Value X) { return un<OpT>(X); });
}

template <class OpT> LogicalResult Importer::nonBoolUnaryOp() {
  if (failed(onlyAttrs({})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  if (eltOf(X).isInteger(1))
    return fail("input is bool");
  return setOutput(0, un<OpT>(X));
}

// e^x - 1 without losing small x (Kahan): (u - 1) x / log u, u = e^x (x
// itself where u rounds to 1).
Value Importer::expm1(Value X) {
  if (!X)
    return {};
  Value U = un<graph::ExpOp>(X);
  Value R =
      bin<graph::DivOp>(bin<graph::MulOp>(bin<graph::SubOp>(U, scalar(1)), X), un<graph::LogOp>(U));
  Value Tiny = compare(graph::ComparePredicate::EQ, U, scalar(1));
  Value Big = compare(graph::ComparePredicate::GT, un<graph::AbsOp>(X), scalar(1));
  return where(Tiny, X, where(Big, bin<graph::SubOp>(U, scalar(1)), R));
}

// log(1 + u) without losing small u: log(w) u / (w - 1) with w = 1 + u
// (u itself where w rounds to 1).
Value Importer::log1p(Value U) {
  if (!U)
    return {};
  Value W = bin<graph::AddOp>(scalar(1), U);
  Value R =
      bin<graph::DivOp>(bin<graph::MulOp>(un<graph::LogOp>(W), U), bin<graph::SubOp>(W, scalar(1)));
  return where(compare(graph::ComparePredicate::EQ, W, scalar(1)), U, R);
}

// Same-type operands (a constant takes the other operand's type).
std::pair<Value, Value> Importer::sameTypeOperands(bool AllowBool) {
  Type T = operandType({0, 1});
  if (!T)
    return {};
  if (T.isInteger(1) && !AllowBool) {
    (void)fail("operands are bool");
    return {};
  }
  Value A = inputAs(0, T);
  if (!A)
    return {};
  Value X = legacyBroadcast(A, inputAs(1, T));
  if (!X)
    return {};
  return {A, X};
}

template <class OpT> LogicalResult Importer::arithmeticOp() {
  if (failed(onlyAttrs({"broadcast", "axis"})))
    return failure();
  auto [A, X] = sameTypeOperands(false);
  if (!A)
    return failure();
  return setOutput(0, bin<OpT>(A, X));
}

template <class OpT> LogicalResult Importer::logicalOp() {
  if (failed(onlyAttrs({"broadcast", "axis"})))
    return failure();
  Value A = inputAs(0, B.getI1Type());
  if (!A)
    return failure();
  Value X = legacyBroadcast(A, inputAs(1, B.getI1Type()));
  if (!X)
    return failure();
  return setOutput(0, bin<OpT>(A, X));
}

//===----------------------------------------------------------------------===//
// Unary ops of fp32
//===----------------------------------------------------------------------===//

LogicalResult Importer::importRelu() { return floatUnaryOp<graph::ReluOp>(); }
LogicalResult Importer::importSigmoid() { return floatUnaryOp<graph::SigmoidOp>(); }
LogicalResult Importer::importTanh() { return floatUnaryOp<graph::TanhOp>(); }
LogicalResult Importer::importErf() { return floatUnaryOp<graph::ErfOp>(); }
LogicalResult Importer::importExp() { return floatUnaryOp<graph::ExpOp>(); }
LogicalResult Importer::importLog() { return floatUnaryOp<graph::LogOp>(); }
LogicalResult Importer::importSqrt() { return floatUnaryOp<graph::SqrtOp>(); }
LogicalResult Importer::importReciprocal() { return floatUnaryOp<graph::ReciprocalOp>(); }
LogicalResult Importer::importFloor() { return floatUnaryOp<graph::FloorOp>(); }
LogicalResult Importer::importCeil() { return floatUnaryOp<graph::CeilOp>(); }
LogicalResult Importer::importRound() { return floatUnaryOp<graph::RoundOp>(); }
LogicalResult Importer::importSin() { return floatUnaryOp<graph::SinOp>(); }
LogicalResult Importer::importCos() { return floatUnaryOp<graph::CosOp>(); }
LogicalResult Importer::importAtan() { return floatUnaryOp<graph::AtanOp>(); }

LogicalResult Importer::importTan() {
  return floatUnaryOf(
      {}, [&](Value X) { return bin<graph::DivOp>(un<graph::SinOp>(X), un<graph::CosOp>(X)); });
}

LogicalResult Importer::importAsin() { // atan(x / sqrt(1 - x^2))
  return floatUnaryOf({}, [&](Value X) {
    return un<graph::AtanOp>(bin<graph::DivOp>(
        X, un<graph::SqrtOp>(bin<graph::SubOp>(scalar(1), bin<graph::MulOp>(X, X)))));
  });
}

LogicalResult Importer::importAcos() {
  // 2 atan(sqrt((1 - x) / (1 + x))), without the cancellation of pi/2 - asin
  return floatUnaryOf({}, [&](Value X) {
    return bin<graph::MulOp>(
        scalar(2), un<graph::AtanOp>(un<graph::SqrtOp>(bin<graph::DivOp>(
                       bin<graph::SubOp>(scalar(1), X), bin<graph::AddOp>(scalar(1), X)))));
  });
}

LogicalResult Importer::importSinh() {
  return floatUnaryOf({}, [&](Value X) {
    Value E = un<graph::ExpOp>(X), Inv = un<graph::ExpOp>(un<graph::NegOp>(X));
    // Below 1, where e^x - e^-x cancels, the series to x^9.
    Value Z = bin<graph::MulOp>(X, X), P = scalar(1.0 / 362880);
    for (double K : {1.0 / 5040, 1.0 / 120, 1.0 / 6, 1.0})
      P = bin<graph::AddOp>(bin<graph::MulOp>(P, Z), scalar(K));
    Value Small = compare(graph::ComparePredicate::LT, un<graph::AbsOp>(X), scalar(1));
    return where(Small, bin<graph::MulOp>(P, X),
                 bin<graph::MulOp>(bin<graph::SubOp>(E, Inv), scalar(0.5)));
  });
}

LogicalResult Importer::importCosh() {
  return floatUnaryOf({}, [&](Value X) {
    Value E = un<graph::ExpOp>(X), Inv = un<graph::ExpOp>(un<graph::NegOp>(X));
    return bin<graph::MulOp>(bin<graph::AddOp>(E, Inv), scalar(0.5));
  });
}

LogicalResult Importer::importAsinh() { // sign(x) log1p(|x| + x^2 / (1 + sqrt(x^2 + 1)))
  return floatUnaryOf({}, [&](Value X) {
    Value A = un<graph::AbsOp>(X), Z = bin<graph::MulOp>(X, X);
    Value R = log1p(bin<graph::AddOp>(
        A, bin<graph::DivOp>(Z, bin<graph::AddOp>(scalar(1), un<graph::SqrtOp>(bin<graph::AddOp>(
                                                                 Z, scalar(1)))))));
    return bin<graph::MulOp>(un<graph::SignOp>(X), R);
  });
}

LogicalResult Importer::importAcosh() { // log1p(t + sqrt(2t + t^2)), t = x - 1
  return floatUnaryOf({}, [&](Value X) {
    Value T = bin<graph::SubOp>(X, scalar(1));
    return log1p(
        bin<graph::AddOp>(T, un<graph::SqrtOp>(bin<graph::AddOp>(bin<graph::MulOp>(T, scalar(2)),
                                                                 bin<graph::MulOp>(T, T)))));
  });
}

LogicalResult Importer::importAtanh() { // log1p(2x / (1 - x)) / 2
  return floatUnaryOf({}, [&](Value X) {
    return bin<graph::MulOp>(
        log1p(bin<graph::DivOp>(bin<graph::MulOp>(X, scalar(2)), bin<graph::SubOp>(scalar(1), X))),
        scalar(0.5));
  });
}

LogicalResult Importer::importSoftplus() { // relu(x) + log1p(e^-|x|): no overflow for large x
  return floatUnaryOf({}, [&](Value X) {
    return bin<graph::AddOp>(un<graph::ReluOp>(X),
                             log1p(un<graph::ExpOp>(un<graph::NegOp>(un<graph::AbsOp>(X)))));
  });
}

// x tanh(softplus(x)) = x n / (n + 2) with n = u (u + 2), u = e^x: no
// tanh (D1's loses precision near 0) and no cancellation for negative x;
// e^x is taken at min(x, 20), beyond which the fraction is 1 in fp32.
LogicalResult Importer::importMish() {
  return floatUnaryOf({}, [&](Value X) {
    Value U = un<graph::ExpOp>(bin<graph::MinOp>(X, scalar(20)));
    Value N = bin<graph::MulOp>(U, bin<graph::AddOp>(U, scalar(2)));
    return bin<graph::MulOp>(X, bin<graph::DivOp>(N, bin<graph::AddOp>(N, scalar(2))));
  });
}

// approximate = "none": x/2 (1 + erf(x / sqrt 2)), erf taken as +-1 from
// |x / sqrt 2| >= 4 on (where fp32's erf is; D1's stops an ulp short, which
// would leave -x 2^-25 for large negative x). approximate = "tanh":
// x/2 (1 + tanh(z)) with z = sqrt(2/pi) (x + 0.044715 x^3), computed as
// x sigmoid(2 z): the same value, without the cancellation of 1 + tanh(z)
// for negative x, and exact at z = +-inf.
LogicalResult Importer::importGelu() {
  std::string Approx = stringAttr("approximate", "none");
  if (Approx != "none" && Approx != "tanh")
    return fail("approximate " + q(Approx) + " is not supported");
  return floatUnaryOf({"approximate"}, [&](Value X) {
    if (Approx == "tanh") {
      Value X3 = bin<graph::MulOp>(bin<graph::MulOp>(X, X), X);
      Value Z = bin<graph::AddOp>(X, bin<graph::MulOp>(X3, scalar(0.044715)));
      return bin<graph::MulOp>(
          X, un<graph::SigmoidOp>(bin<graph::MulOp>(Z, scalar(2 * std::sqrt(2.0 / M_PI)))));
    }
    Value T = bin<graph::MulOp>(X, scalar(M_SQRT1_2));
    Value Erf = where(compare(graph::ComparePredicate::GE, un<graph::AbsOp>(T), scalar(4)),
                      un<graph::SignOp>(T), un<graph::ErfOp>(T));
    return bin<graph::MulOp>(bin<graph::MulOp>(X, scalar(0.5)), bin<graph::AddOp>(scalar(1), Erf));
  });
}

LogicalResult Importer::importSoftsign() {
  return floatUnaryOf({}, [&](Value X) {
    return bin<graph::DivOp>(X, bin<graph::AddOp>(scalar(1), un<graph::AbsOp>(X)));
  });
}

// relu(x) + alpha (e^min(x, 0) - 1), times gamma
LogicalResult Importer::eluOp(bool Selu) {
  return floatUnaryOf({"alpha", "gamma"}, [&](Value X) {
    float Alpha = floatAttr("alpha", Selu ? 1.67326319217681884765625f : 1.0f);
    Value R =
        bin<graph::AddOp>(un<graph::ReluOp>(X),
                          bin<graph::MulOp>(scalar(Alpha), expm1(bin<graph::MinOp>(X, scalar(0)))));
    if (Selu)
      R = bin<graph::MulOp>(R, scalar(floatAttr("gamma", 1.05070102214813232421875f)));
    return R;
  });
}

LogicalResult Importer::importElu() { return eluOp(false); }
LogicalResult Importer::importSelu() { return eluOp(true); }

LogicalResult Importer::importCelu() { // relu(x) + min(0, alpha (e^(x / alpha) - 1))
  return floatUnaryOf({"alpha"}, [&](Value X) {
    float Alpha = floatAttr("alpha", 1.0f);
    Value E = bin<graph::MulOp>(
        scalar(Alpha),
        bin<graph::SubOp>(un<graph::ExpOp>(bin<graph::MulOp>(X, scalar(1.0 / Alpha))), scalar(1)));
    return bin<graph::AddOp>(un<graph::ReluOp>(X), bin<graph::MinOp>(E, scalar(0)));
  });
}

// clip(alpha x + beta, 0, 1) (times x)
LogicalResult Importer::hardSigmoidOp(bool Swish) {
  return floatUnaryOf({"alpha", "beta"}, [&](Value X) -> Value {
    float Alpha = Swish ? 1.0f / 6 : floatAttr("alpha", 0.2f);
    float Beta = Swish ? 0.5f : floatAttr("beta", 0.5f);
    Value Lin = bin<graph::AddOp>(bin<graph::MulOp>(X, scalar(Alpha)), scalar(Beta));
    if (!Lin)
      return {};
    Value H = B.create<graph::ClipOp>(Loc, X.getType(), Lin, B.getF32FloatAttr(0.0f),
                                      B.getF32FloatAttr(1.0f));
    return Swish ? bin<graph::MulOp>(X, H) : H;
  });
}

LogicalResult Importer::importHardSigmoid() { return hardSigmoidOp(false); }
LogicalResult Importer::importHardSwish() { return hardSigmoidOp(true); }

LogicalResult Importer::importThresholdedRelu() {
  return floatUnaryOf({"alpha"}, [&](Value X) {
    return where(compare(graph::ComparePredicate::GT, X, scalar(floatAttr("alpha", 1.0f))), X,
                 scalar(0));
  });
}

LogicalResult Importer::importLeakyRelu() {
  if (failed(onlyAttrs({"alpha"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  return setOutput(0, B.create<graph::LeakyReluOp>(Loc, X.getType(), X,
                                                   B.getF32FloatAttr(floatAttr("alpha", 0.01f))));
}

LogicalResult Importer::importPRelu() {
  if (failed(onlyAttrs({})))
    return failure();
  Value X = floatInput(0);
  if (!X)
    return failure();
  Value Slope = floatInput(1);
  if (!Slope)
    return failure();
  // Before opset 7 a [C] slope applies along the channel axis.
  Shape XS = shapeOf(X);
  if (Opset < 7 && shapeOf(Slope).size() == 1 && XS.size() > 2 && shapeOf(Slope)[0] == XS[1]) {
    Shape PS(XS.size() - 1, 1);
    PS[0] = XS[1];
    Slope = reshape(Slope, PS);
  }
  Shape S;
  if (!shapes::broadcast(shapeOf(Slope), shapeOf(X), S).empty() || S != shapeOf(X))
    return fail("slope " + shapeStr(shapeOf(Slope)) + " does not broadcast to " +
                shapeStr(shapeOf(X)));
  return setOutput(
      0, where(compare(graph::ComparePredicate::LT, X, scalar(0)), bin<graph::MulOp>(X, Slope), X));
}

/// Output 0 as input 0 in fp32 clipped to [Lo, Hi] (bounds known here).
static LogicalResult clipFloatInput(Importer &I, float Lo, float Hi) {
  Value X = I.floatInput(0);
  if (!X)
    return failure();
  return I.setOutput(0, I.B.create<graph::ClipOp>(I.Loc, X.getType(), X, I.B.getF32FloatAttr(Lo),
                                                  I.B.getF32FloatAttr(Hi)));
}

// Before opset 11 the bounds are attributes.
LogicalResult Importer::importClip1() {
  float Lo = std::numeric_limits<float>::lowest(), Hi = std::numeric_limits<float>::max();
  if (failed(onlyAttrs({"min", "max"})))
    return failure();
  Lo = floatAttr("min", Lo);
  Hi = floatAttr("max", Hi);
  return clipFloatInput(*this, Lo, Hi);
}

LogicalResult Importer::importClip() {
  float Lo = std::numeric_limits<float>::lowest(), Hi = std::numeric_limits<float>::max();
  if (failed(onlyAttrs({})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Type T = eltOf(X);
  if (T.isInteger(1))
    return fail("input is bool");
  if (!T.isF32() || (hasInput(1) && !isConst(1)) || (hasInput(2) && !isConst(2))) {
    // Bounds known at run time, or integers: max, then min.
    Value R = X;
    if (hasInput(1)) {
      R = bin<graph::MaxOp>(R, reshape(inputAs(1, T), {}));
      if (!R)
        return failure();
    }
    if (hasInput(2)) {
      R = bin<graph::MinOp>(R, reshape(inputAs(2, T), {}));
      if (!R)
        return failure();
    }
    return setOutput(0, R == X ? bin<graph::MaxOp>(X, X) : R);
  }
  if (hasInput(1)) {
    FailureOr<double> Min = constScalar(1, "min");
    if (failed(Min))
      return failure();
    Lo = float(*Min);
  }
  if (hasInput(2)) {
    FailureOr<double> Max = constScalar(2, "max");
    if (failed(Max))
      return failure();
    Hi = float(*Max);
  }
  return clipFloatInput(*this, Lo, Hi);
}

LogicalResult Importer::importIsNaN() {
  return floatUnaryOf({}, [&](Value X) -> Value {
    return B.create<graph::IsNaNOp>(Loc, RankedTensorType::get(shapeOf(X), B.getI1Type()), X);
  });
}

LogicalResult Importer::importIsInf() {
  return floatUnaryOf({"detect_negative", "detect_positive"}, [&](Value X) -> Value {
    return B.create<graph::IsInfOp>(Loc, RankedTensorType::get(shapeOf(X), B.getI1Type()), X,
                                    B.getBoolAttr(intAttr("detect_negative", 1) != 0),
                                    B.getBoolAttr(intAttr("detect_positive", 1) != 0));
  });
}

//===----------------------------------------------------------------------===//
// Integer-capable unary ops
//===----------------------------------------------------------------------===//

LogicalResult Importer::importNeg() { return nonBoolUnaryOp<graph::NegOp>(); }
LogicalResult Importer::importAbs() { return nonBoolUnaryOp<graph::AbsOp>(); }
LogicalResult Importer::importSign() { return nonBoolUnaryOp<graph::SignOp>(); }

LogicalResult Importer::importShrink() {
  using P = graph::ComparePredicate;
  if (failed(onlyAttrs({"lambd", "bias"})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Type T = eltOf(X);
  if (T.isInteger(1))
    return fail("input is bool");
  double L = floatAttr("lambd", 0.5f), Bi = floatAttr("bias", 0.0f);
  Value Lo =
      where(compare(P::LT, X, scalar(-L, T)), bin<graph::AddOp>(X, scalar(Bi, T)), scalar(0, T));
  return setOutput(0,
                   where(compare(P::GT, X, scalar(L, T)), bin<graph::SubOp>(X, scalar(Bi, T)), Lo));
}

//===----------------------------------------------------------------------===//
// Binary and variadic ops
//===----------------------------------------------------------------------===//

LogicalResult Importer::importAdd() { return arithmeticOp<graph::AddOp>(); }
LogicalResult Importer::importSub() { return arithmeticOp<graph::SubOp>(); }
LogicalResult Importer::importMul() { return arithmeticOp<graph::MulOp>(); }
LogicalResult Importer::importDiv() { return arithmeticOp<graph::DivOp>(); }

LogicalResult Importer::importPow() {
  if (failed(onlyAttrs({"broadcast", "axis"})))
    return failure();
  Type F32 = B.getF32Type();
  Value X = input(0);
  if (!X)
    return failure();
  Type T = eltOf(X);
  if (T.isInteger(1))
    return fail("base is bool");
  // Integer powers are computed in fp32 and truncated back.
  Value Y = legacyBroadcast(X, isConst(1) ? inputAs(1, F32) : castTo(input(1), F32));
  if (!Y)
    return failure();
  Value R = bin<graph::PowOp>(castTo(X, F32), Y);
  return setOutput(0, castTo(R, T));
}

LogicalResult Importer::importMod() {
  if (failed(onlyAttrs({"fmod"})))
    return failure();
  auto [A, X] = sameTypeOperands(false);
  if (!A)
    return failure();
  bool FMod = intAttr("fmod", 0) != 0;
  if (eltOf(A).isF32() && !FMod)
    return fail("fmod = 0 needs integer inputs");
  FailureOr<Shape> S = broadcastShape(A, X);
  if (failed(S))
    return failure();
  return setOutput(0, B.create<graph::ModOp>(Loc, RankedTensorType::get(*S, eltOf(A)), A, X,
                                             B.getBoolAttr(FMod)));
}

LogicalResult Importer::importBitShift() {
  if (failed(onlyAttrs({"direction"})))
    return failure();
  auto [A, X] = sameTypeOperands(false);
  if (!A)
    return failure();
  std::string Dir = stringAttr("direction", "");
  if (Dir != "LEFT" && Dir != "RIGHT")
    return fail("direction must be LEFT or RIGHT");
  if (!eltOf(A).isInteger() || eltOf(A).isInteger(1))
    return fail("BitShift takes integers");
  FailureOr<Shape> S = broadcastShape(A, X);
  if (failed(S))
    return failure();
  return setOutput(0, B.create<graph::BitShiftOp>(Loc, RankedTensorType::get(*S, eltOf(A)), A, X,
                                                  B.getBoolAttr(Dir == "LEFT")));
}

LogicalResult Importer::importAnd() { return logicalOp<graph::AndOp>(); }
LogicalResult Importer::importOr() { return logicalOp<graph::OrOp>(); }
LogicalResult Importer::importXor() { return logicalOp<graph::XorOp>(); }

LogicalResult Importer::importNot() {
  if (failed(onlyAttrs({})))
    return failure();
  return setOutput(0, un<graph::NotOp>(inputAs(0, B.getI1Type())));
}

// BitwiseAnd, BitwiseOr, BitwiseXor and BitwiseNot: graph.and, or, xor and
// not on integers, which are bitwise there (logical on bool, which these
// ONNX operators do not take).
LogicalResult Importer::bitwiseType(Type T) {
  if (T.isInteger() && !T.isInteger(1))
    return success();
  return fail("bitwise operators take integers, not " + dtypeName(onnxType(T)));
}

template <class OpT> LogicalResult Importer::bitwiseOp() {
  if (failed(onlyAttrs({})))
    return failure();
  Type T = operandType({0, 1}, /*Compute=*/false);
  if (!T)
    return failure();
  if (failed(bitwiseType(T)))
    return failure();
  auto [A, X] = sameTypeOperands(false);
  if (!A)
    return failure();
  return setOutput(0, bin<OpT>(A, X));
}

LogicalResult Importer::importBitwiseAnd() { return bitwiseOp<graph::AndOp>(); }
LogicalResult Importer::importBitwiseOr() { return bitwiseOp<graph::OrOp>(); }
LogicalResult Importer::importBitwiseXor() { return bitwiseOp<graph::XorOp>(); }

LogicalResult Importer::importBitwiseNot() {
  if (failed(onlyAttrs({})))
    return failure();
  Value X = input(0);
  if (!X)
    return failure();
  Type T = eltOf(X);
  if (failed(bitwiseType(T)))
    return failure();
  return setOutput(0, un<graph::NotOp>(X));
}

LogicalResult Importer::comparisonOp(graph::ComparePredicate P) {
  if (failed(onlyAttrs({"broadcast", "axis"})))
    return failure();
  // Only Equal takes bool operands.
  auto [A, X] = sameTypeOperands(P == graph::ComparePredicate::EQ);
  if (!A)
    return failure();
  if (eltOf(A).isInteger(1)) // bool equality: not xor
    return setOutput(0, un<graph::NotOp>(bin<graph::XorOp>(A, X)));
  return setOutput(0, compare(P, A, X));
}

LogicalResult Importer::importEqual() { return comparisonOp(graph::ComparePredicate::EQ); }
LogicalResult Importer::importLess() { return comparisonOp(graph::ComparePredicate::LT); }
LogicalResult Importer::importGreater() { return comparisonOp(graph::ComparePredicate::GT); }
LogicalResult Importer::importLessOrEqual() { return comparisonOp(graph::ComparePredicate::LE); }
LogicalResult Importer::importGreaterOrEqual() { return comparisonOp(graph::ComparePredicate::GE); }

LogicalResult Importer::importWhere() {
  if (failed(onlyAttrs({})))
    return failure();
  Type T = operandType({1, 2}, /*Compute=*/false); // where only moves bits
  if (!T)
    return failure();
  return setOutput(0, where(inputAs(0, B.getI1Type()), inputAs(1, T), inputAs(2, T)));
}

LogicalResult Importer::variadicOp(graph::ReduceKind Kind) {
  using RK = graph::ReduceKind;
  if (failed(onlyAttrs({})))
    return failure();
  size_t N = numInputs();
  if (N == 0)
    return fail("needs at least one input");
  std::vector<int> All;
  for (size_t K = 0; K < N; ++K)
    All.push_back(int(K));
  Type T = operandType(All);
  if (!T)
    return failure();
  if (T.isInteger(1))
    return fail("inputs are bool");
  Value R = inputAs(0, T);
  if (!R)
    return failure();
  for (size_t K = 1; K < N; ++K) {
    Value X = inputAs(int(K), T);
    R = Kind == RK::Max   ? bin<graph::MaxOp>(R, X)
        : Kind == RK::Min ? bin<graph::MinOp>(R, X)
                          : bin<graph::AddOp>(R, X);
    if (!R)
      return failure();
  }
  if (Kind == RK::Mean)
    R = bin<graph::MulOp>(R, scalar(1.0 / double(N), T));
  if (N == 1 && R == input(0))
    R = Kind == RK::Max   ? bin<graph::MaxOp>(R, R)
        : Kind == RK::Min ? bin<graph::MinOp>(R, R)
                          : bin<graph::AddOp>(R, scalar(0, T));
  return setOutput(0, R);
}

LogicalResult Importer::importMax() { return variadicOp(graph::ReduceKind::Max); }
LogicalResult Importer::importMin() { return variadicOp(graph::ReduceKind::Min); }
LogicalResult Importer::importSum() { return variadicOp(graph::ReduceKind::Sum); }
LogicalResult Importer::importMean() { return variadicOp(graph::ReduceKind::Mean); }

} // namespace d1::import
