//===- Elementwise.cpp - Elementwise operators ------------------------------===//
#include "Importer.h"

namespace d1::import {

bool Importer::importElementwise() {
  const std::string &Op = Node->op_type();
  using P = graph::ComparePredicate;
  Type F32 = B.getF32Type();
  auto X0 = [&] { return floatInput(0); };
  auto Out = [&](Value V) {
    setOutput(0, V);
    return true;
  };
  // Same-type operands (a constant takes the other operand's type).
  auto Pair = [&](bool AllowBool) {
    Type T = operandType({0, 1});
    if (T.isInteger(1) && !AllowBool)
      fail("operands are bool");
    Value A = inputAs(0, T);
    return std::make_pair(A, legacyBroadcast(A, inputAs(1, T)));
  };
  auto Relu = [&](Value V) { return un<graph::ReluOp>(V); };
  auto Exp = [&](Value V) { return un<graph::ExpOp>(V); };
  auto Log = [&](Value V) { return un<graph::LogOp>(V); };
  auto Sqrt = [&](Value V) { return un<graph::SqrtOp>(V); };
  auto Add = [&](Value A, Value X) { return bin<graph::AddOp>(A, X); };
  auto Sub = [&](Value A, Value X) { return bin<graph::SubOp>(A, X); };
  auto Mul = [&](Value A, Value X) { return bin<graph::MulOp>(A, X); };
  auto Div = [&](Value A, Value X) { return bin<graph::DivOp>(A, X); };
  auto C = [&](double V) { return scalar(V, F32); };
  // e^x - 1 without losing small x (Kahan): (u - 1) x / log u, u = e^x (x
  // itself where u rounds to 1).
  auto expm1 = [&](Value X) {
    Value U = Exp(X);
    Value R = Div(Mul(Sub(U, C(1)), X), Log(U));
    Value Tiny = compare(graph::ComparePredicate::EQ, U, C(1));
    Value Big = compare(graph::ComparePredicate::GT, un<graph::AbsOp>(X), C(1));
    return where(Tiny, X, where(Big, Sub(U, C(1)), R));
  };
  // log(1 + u) without losing small u: log(w) u / (w - 1) with w = 1 + u
  // (u itself where w rounds to 1).
  auto log1p = [&](Value U) {
    Value W = Add(C(1), U);
    Value R = Div(Mul(Log(W), U), Sub(W, C(1)));
    return where(compare(graph::ComparePredicate::EQ, W, C(1)), U, R);
  };

  // Integer-capable unary ops.
  if (Op == "Neg" || Op == "Abs" || Op == "Sign") {
    onlyAttrs({});
    Value X = input(0);
    if (eltOf(X).isInteger(1))
      fail("input is bool");
    if (Op == "Neg")
      return Out(un<graph::NegOp>(X));
    if (Op == "Abs")
      return Out(un<graph::AbsOp>(X));
    return Out(un<graph::SignOp>(X));
  }
  if (Op == "Floor") {
    onlyAttrs({});
    return Out(un<graph::FloorOp>(X0()));
  }
  if (Op == "Ceil") {
    onlyAttrs({});
    return Out(un<graph::CeilOp>(X0()));
  }
  if (Op == "Round") {
    onlyAttrs({});
    return Out(un<graph::RoundOp>(X0()));
  }
  if (Op == "Sin") {
    onlyAttrs({});
    return Out(un<graph::SinOp>(X0()));
  }
  if (Op == "Cos") {
    onlyAttrs({});
    return Out(un<graph::CosOp>(X0()));
  }
  if (Op == "Atan") {
    onlyAttrs({});
    return Out(un<graph::AtanOp>(X0()));
  }
  if (Op == "Tan") {
    onlyAttrs({});
    Value X = X0();
    return Out(Div(un<graph::SinOp>(X), un<graph::CosOp>(X)));
  }
  if (Op == "Asin" || Op == "Acos") {
    onlyAttrs({});
    Value X = X0();
    if (Op == "Asin") // atan(x / sqrt(1 - x^2))
      return Out(un<graph::AtanOp>(Div(X, Sqrt(Sub(C(1), Mul(X, X))))));
    // 2 atan(sqrt((1 - x) / (1 + x))), without the cancellation of pi/2 - asin
    return Out(Mul(C(2), un<graph::AtanOp>(Sqrt(Div(Sub(C(1), X), Add(C(1), X))))));
  }
  if (Op == "Sinh" || Op == "Cosh") {
    onlyAttrs({});
    Value X = X0();
    Value E = Exp(X), Inv = Exp(un<graph::NegOp>(X));
    if (Op == "Cosh")
      return Out(Mul(Add(E, Inv), C(0.5)));
    // Below 1, where e^x - e^-x cancels, the series to x^9.
    Value Z = Mul(X, X), P = C(1.0 / 362880);
    for (double K : {1.0 / 5040, 1.0 / 120, 1.0 / 6, 1.0})
      P = Add(Mul(P, Z), C(K));
    Value Small = compare(graph::ComparePredicate::LT, un<graph::AbsOp>(X), C(1));
    return Out(where(Small, Mul(P, X), Mul(Sub(E, Inv), C(0.5))));
  }
  if (Op == "Asinh") { // sign(x) log1p(|x| + x^2 / (1 + sqrt(x^2 + 1)))
    onlyAttrs({});
    Value X = X0(), A = un<graph::AbsOp>(X), Z = Mul(X, X);
    Value R = log1p(Add(A, Div(Z, Add(C(1), Sqrt(Add(Z, C(1)))))));
    return Out(Mul(un<graph::SignOp>(X), R));
  }
  if (Op == "Acosh") { // log1p(t + sqrt(2t + t^2)), t = x - 1
    onlyAttrs({});
    Value X = X0(), T = Sub(X, C(1));
    return Out(log1p(Add(T, Sqrt(Add(Mul(T, C(2)), Mul(T, T))))));
  }
  if (Op == "Atanh") { // log1p(2x / (1 - x)) / 2
    onlyAttrs({});
    Value X = X0();
    return Out(Mul(log1p(Div(Mul(X, C(2)), Sub(C(1), X))), C(0.5)));
  }
  if (Op == "Softplus") { // relu(x) + log1p(e^-|x|): no overflow for large x
    onlyAttrs({});
    Value X = X0();
    return Out(Add(Relu(X), log1p(Exp(un<graph::NegOp>(un<graph::AbsOp>(X))))));
  }
  if (Op == "Softsign") {
    onlyAttrs({});
    Value X = X0();
    return Out(Div(X, Add(C(1), un<graph::AbsOp>(X))));
  }
  if (Op == "Elu" || Op == "Selu") { // relu(x) + alpha (e^min(x, 0) - 1), times gamma
    onlyAttrs({"alpha", "gamma"});
    Value X = X0();
    float Alpha = floatAttr("alpha", Op == "Elu" ? 1.0f : 1.67326319217681884765625f);
    Value R = Add(Relu(X), Mul(C(Alpha), expm1(bin<graph::MinOp>(X, C(0)))));
    if (Op == "Selu")
      R = Mul(R, C(floatAttr("gamma", 1.05070102214813232421875f)));
    return Out(R);
  }
  if (Op == "Celu") { // relu(x) + min(0, alpha (e^(x / alpha) - 1))
    onlyAttrs({"alpha"});
    Value X = X0();
    float Alpha = floatAttr("alpha", 1.0f);
    Value E = Mul(C(Alpha), Sub(Exp(Mul(X, C(1.0 / Alpha))), C(1)));
    return Out(Add(Relu(X), bin<graph::MinOp>(E, C(0))));
  }
  if (Op == "HardSigmoid" || Op == "HardSwish") { // clip(alpha x + beta, 0, 1) (times x)
    onlyAttrs({"alpha", "beta"});
    Value X = X0();
    float Alpha = Op == "HardSwish" ? 1.0f / 6 : floatAttr("alpha", 0.2f);
    float Beta = Op == "HardSwish" ? 0.5f : floatAttr("beta", 0.5f);
    Value H = B.create<graph::ClipOp>(Loc, X.getType(), Add(Mul(X, C(Alpha)), C(Beta)),
                                      B.getF32FloatAttr(0.0f), B.getF32FloatAttr(1.0f));
    return Out(Op == "HardSwish" ? Mul(X, H) : H);
  }
  if (Op == "ThresholdedRelu") {
    onlyAttrs({"alpha"});
    Value X = X0();
    return Out(where(compare(P::GT, X, C(floatAttr("alpha", 1.0f))), X, C(0)));
  }
  if (Op == "Shrink") {
    onlyAttrs({"lambd", "bias"});
    Value X = input(0);
    Type T = eltOf(X);
    if (T.isInteger(1))
      fail("input is bool");
    double L = floatAttr("lambd", 0.5f), Bi = floatAttr("bias", 0.0f);
    Value Lo = where(compare(P::LT, X, scalar(-L, T)), Add(X, scalar(Bi, T)), scalar(0, T));
    return Out(where(compare(P::GT, X, scalar(L, T)), Sub(X, scalar(Bi, T)), Lo));
  }
  if (Op == "PRelu") {
    onlyAttrs({});
    Value X = X0(), Slope = floatInput(1);
    // Before opset 7 a [C] slope applies along the channel axis.
    Shape XS = shapeOf(X);
    if (Opset < 7 && shapeOf(Slope).size() == 1 && XS.size() > 2 && shapeOf(Slope)[0] == XS[1]) {
      Shape PS(XS.size() - 1, 1);
      PS[0] = XS[1];
      Slope = reshape(Slope, PS);
    }
    Shape S;
    if (!shapes::broadcast(shapeOf(Slope), shapeOf(X), S).empty() || S != shapeOf(X))
      fail("slope " + shapeStr(shapeOf(Slope)) + " does not broadcast to " + shapeStr(shapeOf(X)));
    return Out(where(compare(P::LT, X, C(0)), Mul(X, Slope), X));
  }
  if (Op == "IsNaN") {
    onlyAttrs({});
    Value X = X0();
    return Out(B.create<graph::IsNaNOp>(Loc, RankedTensorType::get(shapeOf(X), B.getI1Type()), X));
  }
  if (Op == "IsInf") {
    onlyAttrs({"detect_negative", "detect_positive"});
    Value X = X0();
    return Out(B.create<graph::IsInfOp>(Loc, RankedTensorType::get(shapeOf(X), B.getI1Type()), X,
                                        B.getBoolAttr(intAttr("detect_negative", 1) != 0),
                                        B.getBoolAttr(intAttr("detect_positive", 1) != 0)));
  }

  // Binary and variadic ops.
  if (Op == "Add" || Op == "Sub" || Op == "Mul" || Op == "Div") {
    onlyAttrs({"broadcast", "axis"});
    auto [A, X] = Pair(false);
    return Out(Op == "Add"   ? Add(A, X)
               : Op == "Sub" ? Sub(A, X)
               : Op == "Mul" ? Mul(A, X)
                             : Div(A, X));
  }
  if (Op == "Pow") {
    onlyAttrs({"broadcast", "axis"});
    Value X = input(0);
    Type T = eltOf(X);
    if (T.isInteger(1))
      fail("base is bool");
    // Integer powers are computed in fp32 and truncated back.
    Value Y = legacyBroadcast(X, isConst(1) ? inputAs(1, F32) : castTo(input(1), F32));
    Value R = bin<graph::PowOp>(castTo(X, F32), Y);
    return Out(castTo(R, T));
  }
  if (Op == "Mod") {
    onlyAttrs({"fmod"});
    auto [A, X] = Pair(false);
    bool FMod = intAttr("fmod", 0) != 0;
    if (eltOf(A).isF32() && !FMod)
      fail("fmod = 0 needs integer inputs");
    return Out(B.create<graph::ModOp>(Loc, RankedTensorType::get(broadcastShape(A, X), eltOf(A)), A,
                                      X, B.getBoolAttr(FMod)));
  }
  if (Op == "BitShift") {
    onlyAttrs({"direction"});
    auto [A, X] = Pair(false);
    std::string Dir = stringAttr("direction", "");
    if (Dir != "LEFT" && Dir != "RIGHT")
      fail("direction must be LEFT or RIGHT");
    if (!eltOf(A).isInteger() || eltOf(A).isInteger(1))
      fail("BitShift takes integers");
    return Out(B.create<graph::BitShiftOp>(Loc,
                                           RankedTensorType::get(broadcastShape(A, X), eltOf(A)), A,
                                           X, B.getBoolAttr(Dir == "LEFT")));
  }
  if (Op == "And" || Op == "Or" || Op == "Xor") {
    onlyAttrs({"broadcast", "axis"});
    Value A = inputAs(0, B.getI1Type());
    Value X = legacyBroadcast(A, inputAs(1, B.getI1Type()));
    if (Op == "And")
      return Out(bin<graph::AndOp>(A, X));
    if (Op == "Or")
      return Out(bin<graph::OrOp>(A, X));
    return Out(bin<graph::XorOp>(A, X));
  }
  if (Op == "Not") {
    onlyAttrs({});
    return Out(un<graph::NotOp>(inputAs(0, B.getI1Type())));
  }
  if (Op == "Equal" || Op == "Less" || Op == "Greater" || Op == "LessOrEqual" ||
      Op == "GreaterOrEqual") {
    onlyAttrs({"broadcast", "axis"});
    auto [A, X] = Pair(Op == "Equal");
    if (eltOf(A).isInteger(1)) // bool equality: not xor
      return Out(un<graph::NotOp>(bin<graph::XorOp>(A, X)));
    P Pr = Op == "Equal"         ? P::EQ
           : Op == "Less"        ? P::LT
           : Op == "Greater"     ? P::GT
           : Op == "LessOrEqual" ? P::LE
                                 : P::GE;
    return Out(compare(Pr, A, X));
  }
  if (Op == "Where") {
    onlyAttrs({});
    Type T = operandType({1, 2}, /*Compute=*/false); // where only moves bits
    return Out(where(inputAs(0, B.getI1Type()), inputAs(1, T), inputAs(2, T)));
  }
  if (Op == "Max" || Op == "Min" || Op == "Sum" || Op == "Mean") {
    onlyAttrs({});
    size_t N = numInputs();
    if (N == 0)
      fail("needs at least one input");
    std::vector<int> All;
    for (size_t K = 0; K < N; ++K)
      All.push_back(int(K));
    Type T = operandType(All);
    if (T.isInteger(1))
      fail("inputs are bool");
    Value R = inputAs(0, T);
    for (size_t K = 1; K < N; ++K) {
      Value X = inputAs(int(K), T);
      R = Op == "Max" ? bin<graph::MaxOp>(R, X) : Op == "Min" ? bin<graph::MinOp>(R, X) : Add(R, X);
    }
    if (Op == "Mean")
      R = Mul(R, scalar(1.0 / double(N), T));
    if (N == 1 && R == input(0))
      R = Op == "Max"   ? bin<graph::MaxOp>(R, R)
          : Op == "Min" ? bin<graph::MinOp>(R, R)
                        : Add(R, scalar(0, T));
    return Out(R);
  }
  return false;
}

} // namespace d1::import
