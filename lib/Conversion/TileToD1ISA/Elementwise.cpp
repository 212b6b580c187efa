//===- Elementwise.cpp - Vector elementwise functions and loops -------------===//
#include "Codegen.h"

namespace d1::tiletoisa {

// One elementwise function on vectors; the single place that knows how each
// kind is computed with D1 instructions.
Value Codegen::apply(tile::EltKind Kind, Value A, Value X, ArrayRef<float> P) {
  using K = tile::EltKind;
  if (CurTable.T && CurTable.T == tableOf(Kind))
    return applyTable(A);
  switch (Kind) {
  case K::Copy:
    return A;
  case K::Add:
    return I.vadd_f32({A, X});
  case K::Sub:
    return I.vsub_f32({A, X});
  case K::Mul:
    return I.vmul_f32({A, X});
  case K::Div:
    return I.vdiv_f32({A, X});
  case K::Max:
    return I.vmax_f32({A, X});
  case K::Min:
    return I.vmin_f32({A, X});
  case K::Relu:
    return I.vmax_f32({A, bcast(0.0f)});
  case K::Neg:
    return I.vneg_f32(A);
  case K::Abs:
    return I.vabs_f32(A);
  case K::Exp:
    return I.vexp_f32(A);
  case K::Sqrt:
    return I.vsqrt_f32(A);
  case K::Rsqrt:
    return I.vrsqrt_f32(A);
  case K::Reciprocal:
    return I.vrcp_f32(A);
  case K::Affine:
    return I.vfma_f32({A, bcast(P[0]), bcast(P[1])});
  case K::Fill:
    return bcast(P[0]);
  case K::LeakyRelu: {
    Value Neg = I.vcmplt_f32({A, bcast(0.0f)});
    return I.vsel({Neg, I.vmul_f32({A, bcast(P[0])}), A});
  }
  case K::Clip:
    return I.vmax_f32({I.vmin_f32({A, bcast(P[1])}), bcast(P[0])});
  case K::Sigmoid: {
    // 1 / (1 + e^-x)
    Value E = I.vexp_f32(I.vneg_f32(A));
    return I.vrcp_f32(I.vadd_f32({E, bcast(1.0f)}));
  }
  case K::Tanh:
    return tanhForm(A);
  case K::Erf:
    return erfForm(A);
  case K::Floor:
  case K::Ceil: {
    // Round to nearest, then step back where that went past x.
    // ceil x = -floor(-x), which keeps the sign of a zero result
    // (ceil(-0.75) = -0).
    Value X = Kind == K::Ceil ? I.vneg_f32(A) : A;
    Value R = I.vround_f32(X);
    R = I.vsel({I.vcmplt_f32({X, R}), I.vsub_f32({R, bcast(1.0f)}), R});
    return Kind == K::Ceil ? I.vneg_f32(R) : R;
  }
  case K::Round:
    return I.vround_f32(A);
  case K::Sign: {
    Value R = I.vsel({I.vcmplt_f32({bcast(0.0f), A}), bcast(1.0f), bcast(0.0f)});
    R = I.vsel({I.vcmplt_f32({A, bcast(0.0f)}), bcast(-1.0f), R});
    return I.vsel({I.vcmpeq_f32({A, A}), R, A}); // NaN stays NaN
  }
  case K::Sin:
  case K::Cos:
    return sinCosForm(Kind, A);
  case K::Atan:
    return atanForm(A);
  case K::FMod:
  case K::Mod: {
    // a - trunc(a / b) * b (C's fmod); Mod then moves a remainder whose sign
    // differs from b's by b (Python's %). The quotient must fit in int32.
    Value Q = I.vcvt_f32_i32(I.vcvt_i32_f32(I.vdiv_f32({A, X})));
    Value R = I.vfma_f32({I.vneg_f32(Q), X, A});
    if (Kind == K::FMod)
      return R;
    Value Differ = I.vcmplt_f32({I.vmul_f32({R, X}), bcast(0.0f)});
    return I.vsel({Differ, I.vadd_f32({R, X}), R});
  }
  case K::Log:
  case K::Pow:
    return logPowForm(Kind, A, X);
  default:
    break;
  }
  fail(I.Loc, Twine("internal error: no vector form of elementwise '") +
                  tile::stringifyEltKind(Kind) + "'");
  return bcastI(0);
}

Value Codegen::tanhForm(Value A) {
  // sign(x) * (1 - e^-2|x|) / (1 + e^-2|x|)
  Value Abs = I.vabs_f32(A);
  Value E = I.vexp_f32(I.vmul_f32({Abs, bcast(-2.0f)}));
  Value Num = I.vsub_f32({bcast(1.0f), E});
  Value Den = I.vadd_f32({bcast(1.0f), E});
  Value T = I.vdiv_f32({Num, Den});
  // Below 0.625, where 1 - e^-2|x| cancels, Cephes tanhf's odd polynomial.
  Value Z = I.vmul_f32({Abs, Abs});
  Value P = bcast(-5.70498872745e-3f);
  for (float C : {2.06390887954e-2f, -5.37397155531e-2f, 1.33314422036e-1f, -3.33332819422e-1f})
    P = I.vfma_f32({P, Z, bcast(C)});
  Value Small = I.vfma_f32({I.vmul_f32({P, Z}), Abs, Abs});
  T = I.vsel({I.vcmplt_f32({Abs, bcast(0.625f)}), Small, T});
  return withSignOf(T, A);
}

Value Codegen::erfForm(Value A) {
  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), with the sign of x.
  Value Abs = I.vabs_f32(A);
  Value T = I.vrcp_f32(I.vfma_f32({Abs, bcast(0.3275911f), bcast(1.0f)}));
  Value Poly = bcast(1.061405429f);
  for (float C : {-1.453152027f, 1.421413741f, -0.284496736f, 0.254829592f})
    Poly = I.vfma_f32({Poly, T, bcast(C)});
  Poly = I.vmul_f32({Poly, T});
  Value E = I.vexp_f32(I.vneg_f32(I.vmul_f32({Abs, Abs})));
  Value R = I.vsub_f32({bcast(1.0f), I.vmul_f32({Poly, E})});
  // Below 1, Cephes erff's series x P(x^2) keeps the relative error small.
  Value Z = I.vmul_f32({Abs, Abs});
  Value S = bcast(7.853861353153693e-5f);
  for (float C : {-8.010193625184903e-4f, 5.188327685732524e-3f, -2.685381193529856e-2f,
                  1.128358514861418e-1f, -3.761262582423300e-1f, 1.128379165726710e+0f})
    S = I.vfma_f32({S, Z, bcast(C)});
  R = I.vsel({I.vcmplt_f32({Abs, bcast(1.0f)}), I.vmul_f32({S, Abs}), R});
  return withSignOf(R, A);
}

Value Codegen::sinCosForm(tile::EltKind Kind, Value A) {
  using K = tile::EltKind;
  // Cephes sinf/cosf: j = the octant of |x| rounded up to even, the
  // argument reduced by j * pi/4 in three parts, a polynomial for sin or
  // cos on [-pi/4, pi/4] by (j & 2), the sign from (j & 4) (and, for sin,
  // the sign of x). |error| <= 2 ulp for |x| < 8192.
  Value Ax = I.vabs_f32(A);
  Value J = I.vcvt_i32_f32(I.vmul_f32({Ax, bcast(1.27323954473516f)}));
  J = I.vand({I.vadd_i32({J, bcastI(1)}), bcastI(~1)});
  Value Y = I.vcvt_f32_i32(J);
  Value Z = I.vfma_f32({Y, bcast(-0.78515625f), Ax});
  Z = I.vfma_f32({Y, bcast(-2.4187564849853515625e-4f), Z});
  Z = I.vfma_f32({Y, bcast(-3.77489497744594108e-8f), Z});
  Value ZZ = I.vmul_f32({Z, Z});
  Value SP = I.vfma_f32({bcast(-1.9515295891e-4f), ZZ, bcast(8.3321608736e-3f)});
  SP = I.vfma_f32({SP, ZZ, bcast(-1.6666654611e-1f)});
  SP = I.vfma_f32({I.vmul_f32({SP, ZZ}), Z, Z});
  Value CP = I.vfma_f32({bcast(2.443315711809948e-5f), ZZ, bcast(-1.388731625493765e-3f)});
  CP = I.vfma_f32({CP, ZZ, bcast(4.166664568298827e-2f)});
  CP = I.vmul_f32({I.vmul_f32({CP, ZZ}), ZZ});
  CP = I.vadd_f32({I.vfma_f32({ZZ, bcast(-0.5f), CP}), bcast(1.0f)});
  Value Odd = I.vcmpeq_i32({I.vand({J, bcastI(2)}), bcastI(2)});
  Value Bit4 = I.vslli_32({I.vand({J, bcastI(4)}), 29});
  Value R, SignBits;
  if (Kind == K::Sin) {
    R = I.vsel({Odd, CP, SP});
    SignBits = I.vxor({Bit4, I.vand({A, bcastI(int32_t(0x80000000u))})});
  } else {
    R = I.vsel({Odd, SP, CP});
    SignBits = I.vxor({Bit4, I.vslli_32({I.vand({J, bcastI(2)}), 30})});
  }
  return I.vxor({R, SignBits});
}

Value Codegen::atanForm(Value A) {
  // Cephes atanf: |x| > tan(3pi/8) uses pi/2 - atan(1/|x|), |x| > tan(pi/8)
  // pi/4 + atan((|x| - 1) / (|x| + 1)); then a degree-9 odd polynomial.
  Value Ax = I.vabs_f32(A);
  Value Big = I.vcmplt_f32({bcast(2.414213562373095f), Ax});
  Value Mid = I.vcmplt_f32({bcast(0.4142135623730950f), Ax});
  Value TMid = I.vdiv_f32({I.vsub_f32({Ax, bcast(1.0f)}), I.vadd_f32({Ax, bcast(1.0f)})});
  Value TBig = I.vneg_f32(I.vrcp_f32(Ax));
  Value T = I.vsel({Big, TBig, I.vsel({Mid, TMid, Ax})});
  Value Y0 = I.vsel(
      {Big, bcast(1.5707963267948966f), I.vsel({Mid, bcast(0.7853981633974483f), bcast(0.0f)})});
  Value Z = I.vmul_f32({T, T});
  Value Poly = I.vfma_f32({bcast(8.05374449538e-2f), Z, bcast(-1.38776856032e-1f)});
  Poly = I.vfma_f32({Poly, Z, bcast(1.99777106478e-1f)});
  Poly = I.vfma_f32({Poly, Z, bcast(-3.33329491539e-1f)});
  Value R = I.vadd_f32({I.vfma_f32({I.vmul_f32({Poly, Z}), T, T}), Y0});
  return withSignOf(R, A);
}

Value Codegen::logPowForm(tile::EltKind Kind, Value A, Value X) {
  using K = tile::EltKind;
  // log x = e ln2 + 2 atanh(s), s = (m - 1) / (m + 1), x = m 2^e with m in
  // [sqrt(1/2), sqrt(2)); the series to s^9 is exact to fp32 rounding.
  // Pow takes the log of |x| and fixes the sign afterwards.
  Value X0 = A;
  if (Kind == K::Pow)
    A = I.vabs_f32(A);
  Value Bits = A;
  Value E = I.vsub_i32({I.vsrai_32({Bits, 23}), I.vbcasti_32(127)});
  Value Mant = I.vor({I.vand({Bits, I.vbcasti_32(0x007fffff)}), I.vbcasti_32(0x3f800000)});
  Value Big = I.vcmplt_f32({bcast(1.41421356f), Mant});
  Mant = I.vsel({Big, I.vmul_f32({Mant, bcast(0.5f)}), Mant});
  E = I.vsel({Big, I.vadd_i32({E, I.vbcasti_32(1)}), E});
  Value S = I.vdiv_f32({I.vsub_f32({Mant, bcast(1.0f)}), I.vadd_f32({Mant, bcast(1.0f)})});
  Value S2 = I.vmul_f32({S, S});
  Value Poly = bcast(1.0f / 9);
  for (float C : {1.0f / 7, 1.0f / 5, 1.0f / 3, 1.0f})
    Poly = I.vfma_f32({Poly, S2, bcast(C)});
  Value LogM = I.vmul_f32({I.vmul_f32({Poly, S}), bcast(2.0f)});
  Value Log = I.vfma_f32({I.vcvt_f32_i32(E), bcast(0.693147181f), LogM});
  // The special cases: log 0 = -inf, log of a negative number NaN, log inf
  // = inf (NaN stays NaN through the arithmetic above).
  Log = I.vsel({I.vcmpeq_f32({A, bcast(0.0f)}), bcast(-INFINITY), Log});
  Log = I.vsel({I.vcmpeq_f32({A, bcast(INFINITY)}), bcast(INFINITY), Log});
  if (Kind == K::Log)
    return I.vsel({I.vcmplt_f32({A, bcast(0.0f)}), bcastI(0x7fc00000), Log});
  // x^y = e^(y log|x|); a negative x needs an integral y (odd: negated),
  // else NaN; x^0 = 1 always.
  Value R = I.vexp_f32(I.vmul_f32({X, Log}));
  Value Integral = I.vcmpeq_f32({I.vround_f32(X), X});
  Value Half = I.vmul_f32({X, bcast(0.5f)});
  Value Odd = I.vand({Integral, I.vxor({I.vcmpeq_f32({I.vround_f32(Half), Half}), bcastI(-1)})});
  Value Neg = I.vcmplt_f32({X0, bcast(0.0f)});
  R = I.vsel({I.vand({Neg, Odd}), I.vneg_f32(R), R});
  R = I.vsel({I.vand({Neg, I.vxor({Integral, bcastI(-1)})}), bcastI(0x7fc00000), R});
  return I.vsel({I.vcmpeq_f32({X, bcast(0.0f)}), bcast(1.0f), R});
}

void Codegen::lowerElementwise(tile::ElementwiseOp Op) {
  tile::EltKind Kind = Op.getKind();
  // The vector unit computes fp32 in and out; everything else goes element
  // by element.
  bool Vector = getElementTypeOrSelf(Op.getOut()).isF32() && Kind != tile::EltKind::Where;
  for (Value V : {Op.getIn0(), Op.getIn1(), Op.getIn2()})
    Vector &= !V || getElementTypeOrSelf(V).isF32();
  if (!Vector)
    return lowerScalarElementwise(Op);
  int64_t N = Op.getCount();
  bool Unary = !Op.getIn1();
  SmallVector<float> P(Op.getParams().begin(), Op.getParams().end());
  Value A0 = addr(Op.getIn0(), Op.getIn0Offset());
  Value A1 = Unary ? Value() : addr(Op.getIn1(), Op.getIn1Offset());
  Value O = addr(Op.getOut(), Op.getOutOffset());
  bool S0 = Op.getIn0Stride() == 1, S1 = !Unary && Op.getIn1Stride() == 1;
  bool Reads0 = Kind != tile::EltKind::Fill;
  // Broadcast inputs are loaded once.
  Value B0 = Reads0 && !S0 ? I.vldb_32({A0, 0}) : Value();
  Value B1 = !Unary && !S1 ? I.vldb_32({A1, 0}) : Value();
  // A table form's registers are loaded once, before the loop.
  CurTable = TableRegs();
  if (Tables && tableOf(Kind) && tablePays(Kind)) {
    const FunctionTable &T = *tableOf(Kind);
    std::vector<int32_t> Words;
    for (const auto &Row : T.C)
      for (float F : Row)
        Words.push_back(int32_t(f32bits(F)));
    int64_t At = table(Words);
    CurTable.T = &T;
    for (int K = 0; K < 4; ++K)
      for (int H = 0; H < 2; ++H)
        CurTable.C[K][H] = I.vld({I.constant(At + (K * 2 + H) * 64), 0});
  }
  // A fill's value is one register for the whole loop.
  Value Filled = Kind == tile::EltKind::Fill ? bcast(P[0]) : Value();
  // One vector in two halves: its loads and result, then its store.
  auto Compute = [&](Value Off, int64_t Bytes) {
    auto Load = [&](Value Base, bool Walk, Value Bcast) -> Value {
      if (!Walk)
        return Bcast;
      Value Ptr = Off ? I.add({Base, Off}) : Base;
      if (Bytes == 64)
        return I.vld({Ptr, 0});
      return I.vldp({Ptr, I.constant(Bytes)});
    };
    Value X0 = Reads0 ? Load(A0, S0, B0) : Value();
    Value X1 = Unary ? Value() : Load(A1, S1, B1);
    return Filled ? Filled : apply(Kind, X0, X1, P);
  };
  auto Store = [&](Value R, Value Off, int64_t Bytes) {
    Value Ptr = Off ? I.add({O, Off}) : O;
    if (Bytes == 64)
      I.vst({R, Ptr, 0});
    else
      I.vstp({R, Ptr, I.constant(Bytes)});
  };
  auto Body = [&](Value Off, int64_t Bytes) { Store(Compute(Off, Bytes), Off, Bytes); };
  // Within an iteration the loads of all vectors may go before the stores
  // (the scheduler keeps loads after earlier stores) when each input is
  // another buffer than the output (views resolved to their source) or the
  // same elements of it (the same offset, or one computed alike).
  auto Root = [](Value V) {
    while (auto View = V.getDefiningOp<tile::ViewOp>())
      V = View.getSource();
    return V;
  };
  auto SameOffset = [](Value A, Value X) {
    if (A == X)
      return true;
    APInt CA, CX;
    if (matchPattern(A, m_ConstantInt(&CA)) && matchPattern(X, m_ConstantInt(&CX)))
      return CA == CX;
    Operation *DA = A.getDefiningOp(), *DX = X.getDefiningOp();
    return DA && DX &&
           OperationEquivalence::isEquivalentTo(DA, DX, OperationEquivalence::IgnoreLocations);
  };
  auto Apart = [&](Value In, Value InOff) {
    return !In || Root(In) != Root(Op.getOut()) ||
           (In == Op.getOut() && SameOffset(InOff, Op.getOutOffset()));
  };
  bool LoadsFirst = (!Reads0 || Apart(Op.getIn0(), Op.getIn0Offset())) &&
                    (Unary || Apart(Op.getIn1(), Op.getIn1Offset())) &&
                    (!Op.getIn2() || Apart(Op.getIn2(), Op.getIn2Offset()));
  // Four vectors per iteration, so that the scheduler can overlap one
  // vector's loads with another's arithmetic and store; the vectors left
  // over and the partial one follow the loop.
  int64_t Full = N / 16, Tail = N % 16;
  const int64_t U = 4;
  int64_t Loop = Full >= 2 * U ? Full / U : 0, Done = Loop * U;
  if (Loop) {
    // A buffer at a constant address folds into the loads' and stores'
    // immediates; one at a computed address takes one add per iteration.
    auto Split = [&](Value A) -> std::pair<Value, int64_t> {
      if (std::optional<int64_t> C = constantOf(A))
        return {Value(), *C};
      return {A, 0};
    };
    auto [R0, C0] = Split(Reads0 && S0 ? A0 : Value());
    auto [R1, C1] = Split(!Unary && S1 ? A1 : Value());
    auto [RO, CO] = Split(O);
    bool Walk0 = Reads0 && S0, Walk1 = !Unary && S1;
    Hoisted.clear();
    // Software pipelined where the loads may pass the stores, in three
    // stages: an iteration stores the vectors computed in the one before,
    // computes those loaded in the one before, and loads those of the
    // iteration after next, vector by vector (each vector's store just
    // before its next loads: loads and stores alternate, which memory
    // order keeps). The first two iterations' loads and results go before
    // the loop, the last two's stores after it.
    bool Pipelined = Pipeline && LoadsFirst && (Walk0 || Walk1);
    if (!Pipelined) {
      auto For =
          B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Loop * U * 64), I.constant(U * 64));
      OpBuilder::InsertionGuard G(B);
      ConstantsAt = OpBuilder::InsertPoint(For->getBlock(), For->getIterator());
      B.setInsertionPointToStart(For.getBody());
      Value Iv = For.getInductionVar();
      auto Ptr = [&](Value R) { return R ? I.add({R, Iv}) : Iv; };
      Value P0 = Walk0 ? Ptr(R0) : Value(), P1 = Walk1 ? Ptr(R1) : Value(), PO = Ptr(RO);
      // All loads and results before the stores where the inputs cannot
      // overlap the output; else each vector's loads after the stores
      // before it (one vector at a time, as the op's order says).
      SmallVector<Value> Results;
      for (int64_t K = 0; K < U; ++K) {
        Value X0 = !Reads0 ? Value() : Walk0 ? I.vld({P0, C0 + K * 64}) : B0;
        Value X1 = Unary ? Value() : Walk1 ? I.vld({P1, C1 + K * 64}) : B1;
        Results.push_back(Filled ? Filled : apply(Kind, X0, X1, P));
        if (!LoadsFirst)
          I.vst({Results.pop_back_val(), PO, CO + K * 64});
      }
      for (size_t K = 0; K < Results.size(); ++K)
        I.vst({Results[K], PO, CO + int64_t(K) * 64});
    } else {
      size_t NR = size_t(Walk0) + size_t(Walk1); // inputs per vector
      auto LoadK = [&](Value P0, Value P1, int64_t From, int64_t K, SmallVector<Value> &Into) {
        if (Walk0)
          Into.push_back(I.vld({P0, C0 + From + K * 64}));
        if (Walk1)
          Into.push_back(I.vld({P1, C1 + From + K * 64}));
      };
      auto ComputeK = [&](ValueRange Raw, int64_t K) {
        ValueRange Xs = Raw.slice(size_t(K) * NR, NR);
        Value X0 = !Reads0 ? Value() : Walk0 ? Xs[0] : B0;
        Value X1 = Unary ? Value() : Walk1 ? Xs[Walk0 ? 1 : 0] : B1;
        return apply(Kind, X0, X1, P);
      };
      ConstantsAt = OpBuilder::InsertPoint(B.getInsertionBlock(), B.getInsertionPoint());
      Value Q0 = Walk0 ? (R0 ? R0 : I.constant(0)) : Value(),
            Q1 = Walk1 ? (R1 ? R1 : I.constant(0)) : Value();
      SmallVector<Value> Raw0, Carried;
      for (int64_t K = 0; K < U; ++K)
        LoadK(Q0, Q1, 0, K, Raw0);
      for (int64_t K = 0; K < U; ++K)
        Carried.push_back(ComputeK(Raw0, K));
      for (int64_t K = 0; K < U; ++K)
        LoadK(Q0, Q1, U * 64, K, Carried);
      SmallVector<Value> Last(Carried);
      if (Loop > 2) {
        auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant((Loop - 2) * U * 64),
                                        I.constant(U * 64), Carried);
        OpBuilder::InsertionGuard G(B);
        B.setInsertionPointToStart(For.getBody());
        Value Iv = For.getInductionVar();
        auto Ptr = [&](Value R) { return R ? I.add({R, Iv}) : Iv; };
        Value P0 = Walk0 ? Ptr(R0) : Value(), P1 = Walk1 ? Ptr(R1) : Value(), PO = Ptr(RO);
        ValueRange Args = For.getRegionIterArgs();
        ValueRange Raw = Args.drop_front(size_t(U));
        SmallVector<Value> Next, NextRaw;
        for (int64_t K = 0; K < U; ++K) {
          I.vst({Args[size_t(K)], PO, CO + K * 64});
          Next.push_back(ComputeK(Raw, K));
          LoadK(P0, P1, 2 * U * 64, K, NextRaw);
        }
        Next.append(NextRaw.begin(), NextRaw.end());
        B.create<scf::YieldOp>(I.Loc, Next);
        Last.assign(For.getResults().begin(), For.getResults().end());
      }
      int64_t At = (Loop - 2) * U * 64;
      Value PO = RO ? (At ? I.addi({RO, At}) : RO) : I.constant(At);
      ValueRange L(Last);
      for (int64_t K = 0; K < U; ++K)
        I.vst({L[size_t(K)], PO, CO + K * 64});
      for (int64_t K = 0; K < U; ++K)
        I.vst({ComputeK(L.drop_front(size_t(U)), K), PO, CO + (U + K) * 64});
    }
    ConstantsAt.reset();
  }
  for (int64_t K = Done; K < Full; ++K)
    Body(K ? I.constant(K * 64) : Value(), 64);
  if (Tail)
    Body(Full ? I.constant(Full * 64) : Value(), Tail * 4);
  CurTable = TableRegs();
}

const FunctionTable *Codegen::tableOf(tile::EltKind Kind) {
  // Beyond the range, erf(4) and tanh(9) are 1 in fp32.
  static const FunctionTable Erf = oddFunctionTable([](double X) { return std::erf(X); }, 4.0);
  static const FunctionTable Tanh = oddFunctionTable([](double X) { return std::tanh(X); }, 9.0);
  return Kind == tile::EltKind::Erf ? &Erf : Kind == tile::EltKind::Tanh ? &Tanh : nullptr;
}

Value Codegen::applyTable(Value A) {
  // The steps of d1::evaluate (FunctionTable.cpp), one instruction each.
  const FunctionTable &T = *CurTable.T;
  Value Abs = I.vabs_f32(A);
  Value U = I.vmin_f32({I.vmul_f32({Abs, bcast(T.Scale)}), bcast(T.Last)});
  Value P = I.vcvt_i32_f32(U);
  Value Tt = I.vsub_f32({U, I.vcvt_f32_i32(P)});
  auto Coef = [&](int K) { return I.vperm_32({CurTable.C[K][0], CurTable.C[K][1], P}); };
  Value Y = I.vfma_f32({Coef(3), Tt, Coef(2)});
  Y = I.vfma_f32({Y, Tt, Coef(1)});
  Y = I.vfma_f32({Y, Tt, Coef(0)});
  return withSignOf(Y, A);
}

bool Codegen::tablePays(tile::EltKind Kind) {
  auto It = TablePays.find(Kind);
  if (It != TablePays.end())
    return It->second;
  // Both forms of one vector, built in a scratch block and weighed by the
  // vector-unit cycles the ISA description gives each instruction.
  auto VectorCycles = [&](bool Table) {
    Block Scratch;
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(&Scratch);
    Value X = I.vbcasti_32(0);
    TableRegs Saved = CurTable;
    if (Table) {
      CurTable.T = tableOf(Kind);
      for (auto &Row : CurTable.C)
        Row[0] = Row[1] = X;
    } else {
      CurTable = TableRegs();
    }
    apply(Kind, X, Value(), {});
    CurTable = Saved;
    int64_t Cycles = 0;
    for (Operation &Op : Scratch)
      if (const InstInfo *Info = instOf(&Op))
        for (unsigned U = 0; U < Info->NumUses; ++U) {
          const UseInfo &Use = Info->Uses[U];
          if (Use.U == Unit::Vector)
            Cycles += Use.OccParam >= 0 ? Machine[MachineParamId(Use.OccParam)] : Use.Occ;
        }
    for (Operation &Op : llvm::make_early_inc_range(llvm::reverse(Scratch)))
      Op.erase();
    return Cycles - 1; // the stand-in input
  };
  bool Pays = VectorCycles(true) < VectorCycles(false);
  TablePays[Kind] = Pays;
  return Pays;
}

void Codegen::addElementwiseKernels(KernelTable &T) { T.add(&Codegen::lowerElementwise); }

} // namespace d1::tiletoisa
