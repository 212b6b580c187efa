//===- Scalar.cpp - Element-by-element forms --------------------------------===//
#include "Codegen.h"

namespace d1::tiletoisa {

//===----------------------------------------------------------------------===//
// Element-by-element forms for integers, bools and mixed types
//===----------------------------------------------------------------------===//

Value Codegen::loadScalar(Type T, Value Ptr) {
  int64_t EB = tile::elementBytes(T);
  bool Unsigned = T.isInteger(1) || T.isUnsignedInteger() || T.isF16() || T.isBF16();
  Opcode Mn = EB == 1   ? (Unsigned ? Opcode::LBU : Opcode::LB)
              : EB == 2 ? (Unsigned ? Opcode::LHU : Opcode::LH)
              : EB == 4 ? (Unsigned && !T.isF32() ? Opcode::LWU : Opcode::LW)
                        : Opcode::LD;
  return I.build(Mn, {Ptr}, {0});
}

void Codegen::storeScalar(Type T, Value X, Value Ptr) {
  int64_t EB = tile::elementBytes(T);
  I.build(EB == 1   ? Opcode::SB
          : EB == 2 ? Opcode::SH
          : EB == 4 ? Opcode::SW
                    : Opcode::SD,
          {X, Ptr}, {0});
}

// An fp32 instruction on scalar registers holding fp32 bits: broadcast them,
// compute, and read lane 0 back (sign-extended).
Value Codegen::viaLane(Opcode Op, ArrayRef<Value> X) {
  SmallVector<Value> V;
  for (Value R : X)
    V.push_back(I.vbcast_32(R));
  return I.vext_32({I.build(Op, V), 0});
}

Value Codegen::applyScalar(tile::EltKind Kind, Type T, ArrayRef<Value> X, ArrayRef<float> P) {
  using K = tile::EltKind;
  bool F = T.isF32();
  // Unsigned values are zero-extended, signed ones sign-extended to 64 bits,
  // so only 64-bit unsigned values need unsigned comparisons; division and
  // remainder take the unsigned forms for every unsigned type.
  bool U = T.isUnsignedInteger() || T.isInteger(1);
  Opcode Lt = U && T.getIntOrFloatBitWidth() == 64 ? Opcode::SLTU : Opcode::SLT;
  Value Zero = I.constant(0);
  auto Bool = [&](Value Mask) { return I.andi({Mask, 1}); };
  if (F) {
    switch (Kind) {
    case K::Eq:
      return Bool(viaLane(Opcode::VCMPEQ, {X[0], X[1]}));
    case K::Lt:
      return Bool(viaLane(Opcode::VCMPLT, {X[0], X[1]}));
    case K::Le:
      return Bool(viaLane(Opcode::VCMPLE, {X[0], X[1]}));
    case K::Gt:
      return Bool(viaLane(Opcode::VCMPLT, {X[1], X[0]}));
    case K::Ge:
      return Bool(viaLane(Opcode::VCMPLE, {X[1], X[0]}));
    case K::IsNaN:
      return I.xori({Bool(viaLane(Opcode::VCMPEQ, {X[0], X[0]})), 1});
    case K::IsInf: {
      Value R = Zero;
      if (P[0] != 0)
        R = I.or_({R, Bool(viaLane(Opcode::VCMPEQ, {X[0], I.constant(int64_t(0xff800000u))}))});
      if (P[1] != 0)
        R = I.or_({R, Bool(viaLane(Opcode::VCMPEQ, {X[0], I.constant(int64_t(0x7f800000))}))});
      return R;
    }
    case K::Copy:
      return X[0];
    default:
      break;
    }
  }
  switch (Kind) {
  case K::Copy:
    return X[0];
  case K::Fill:
    return I.constant(F ? int64_t(f32bits(P[0])) : int64_t(P[0]));
  case K::Add:
    return I.add({X[0], X[1]});
  case K::Sub:
    return I.sub({X[0], X[1]});
  case K::Mul:
    return I.mul({X[0], X[1]});
  case K::Div:
    return I.build(U ? Opcode::DIVU : Opcode::DIV, {X[0], X[1]});
  case K::FMod:
    return I.build(U ? Opcode::REMU : Opcode::REM, {X[0], X[1]});
  case K::Mod: {
    if (U)
      return I.remu({X[0], X[1]});
    // The remainder takes the divisor's sign (Python's %).
    Value R = I.rem({X[0], X[1]});
    Value Fix = I.and_({I.sltu({Zero, R}), I.slt({I.xor_({R, X[1]}), Zero})});
    return I.add({R, I.mul({Fix, X[1]})});
  }
  case K::Max:
  case K::Min: {
    if (!U || T.getIntOrFloatBitWidth() < 64)
      return I.build(Kind == K::Max ? Opcode::MAX : Opcode::MIN, {X[0], X[1]});
    // r = b ^ ((a ^ b) & -(pick a))
    Value PickA = Kind == K::Max ? I.build(Lt, {X[1], X[0]}) : I.build(Lt, {X[0], X[1]});
    return I.xor_({X[1], I.and_({I.xor_({X[0], X[1]}), I.sub({Zero, PickA})})});
  }
  case K::Shl:
    return I.sll({X[0], X[1]});
  case K::Shr:
    return I.build(U ? Opcode::SRL : Opcode::SRA, {X[0], X[1]});
  case K::And:
    return I.and_({X[0], X[1]});
  case K::Or:
    return I.or_({X[0], X[1]});
  case K::Xor:
    return I.xor_({X[0], X[1]});
  case K::Not: // logical on bool (0 or 1), bitwise on integers
    return I.xori({X[0], T.isInteger(1) ? 1 : -1});
  case K::Neg:
    return I.sub({Zero, X[0]});
  case K::Abs:
    return U ? X[0] : I.max({X[0], I.sub({Zero, X[0]})});
  case K::Sign:
    return I.sub({I.build(Lt, {Zero, X[0]}), I.build(Lt, {X[0], Zero})});
  case K::Eq:
    return I.sltiu({I.xor_({X[0], X[1]}), 1});
  case K::Lt:
    return I.build(Lt, {X[0], X[1]});
  case K::Gt:
    return I.build(Lt, {X[1], X[0]});
  case K::Le:
    return I.xori({I.build(Lt, {X[1], X[0]}), 1});
  case K::Ge:
    return I.xori({I.build(Lt, {X[0], X[1]}), 1});
  case K::Where:
    // y ^ ((x ^ y) & -cond)
    return I.xor_({X[2], I.and_({I.xor_({X[1], X[2]}), I.sub({Zero, X[0]})})});
  default:
    break;
  }
  std::string TypeName;
  llvm::raw_string_ostream(TypeName) << T;
  fail(I.Loc, Twine("elementwise '") + tile::stringifyEltKind(Kind) + "' is not available for " +
                  TypeName);
  return I.constant(0);
}

void Codegen::lowerScalarElementwise(tile::ElementwiseOp Op) {
  tile::EltKind Kind = Op.getKind();
  unsigned N = tile::arity(Kind);
  Value Ins[3] = {Op.getIn0(), Op.getIn1(), Op.getIn2()};
  Value Offs[3] = {Op.getIn0Offset(), Op.getIn1Offset(), Op.getIn2Offset()};
  int64_t Strides[3] = {int64_t(Op.getIn0Stride()), int64_t(Op.getIn1Stride()),
                        int64_t(Op.getIn2Stride())};
  Type T = getElementTypeOrSelf(Kind == tile::EltKind::Where ? Op.getIn1() : Op.getIn0());
  Type OutT = getElementTypeOrSelf(Op.getOut());
  SmallVector<float> P(Op.getParams().begin(), Op.getParams().end());
  bool Reads = Kind != tile::EltKind::Fill;
  SmallVector<Value> Base;
  for (unsigned K = 0; K < N; ++K)
    Base.push_back(addr(Ins[K], Offs[K]));
  Value OutBase = addr(Op.getOut(), Op.getOutOffset());
  auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Op.getCount()), I.constant(1));
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(For.getBody());
  Value Iv = For.getInductionVar();
  SmallVector<Value> X;
  for (unsigned K = 0; K < N && Reads; ++K) {
    Type KT = getElementTypeOrSelf(Ins[K]);
    Value Ptr = Strides[K] ? I.add({Base[K], scaled(Iv, tile::elementBytes(KT))}) : Base[K];
    X.push_back(loadScalar(KT, Ptr));
  }
  Value R = applyScalar(Kind, T, X, P);
  storeScalar(OutT, R, I.add({OutBase, scaled(Iv, tile::elementBytes(OutT))}));
}

Value Codegen::f32ToWide(Value X) {
  X = I.srli({I.slli({X, 32}), 32});
  Value S = I.srli({X, 31});
  Value E = I.andi({I.srli({X, 23}), 0xff});
  Value M = I.andi({X, 0x7fffff});
  Value Abs = I.andi({X, 0x7fffffff});
  // A subnormal times 2^24 is normal: its exponent, less 24, and mantissa.
  Value Y = viaLane(Opcode::VMUL, {Abs, I.constant(0x4b800000)});
  Value Sub = isEq(E, 0);
  E = select(Sub, I.addi({I.andi({I.srli({Y, 23}), 0xff}), -24}), E);
  M = select(Sub, I.andi({Y, 0x7fffff}), M);
  Value E64 = select(isEq(E, 0xff), I.constant(0x7ff), I.addi({E, 1023 - 127}));
  Value Bits = I.or_({I.slli({E64, 52}), I.slli({M, 29})});
  Bits = select(isEq(Abs, 0), I.constant(0), Bits);
  return I.or_({Bits, I.slli({S, 63})});
}

// Narrows a float of SE exponent and SM mantissa bits (in the low bits of
// X) to DE and DM bits, rounding to nearest even: normal results keep the
// top DM mantissa bits, subnormal ones shift the hidden bit in; overflow
// gives infinity, NaN stays a quiet NaN with the top payload bits.
Value Codegen::narrowFloat(Value X, int SE, int SM, int DE, int DM) {
  int64_t SBias = (int64_t(1) << (SE - 1)) - 1, DBias = (int64_t(1) << (DE - 1)) - 1;
  int64_t DInf = ((int64_t(1) << DE) - 1) << DM, Drop = SM - DM, MinExp = 1 - DBias;
  Value S = I.andi({I.srli({X, SE + SM}), 1});
  Value E = I.andi({I.srli({X, SM}), (int64_t(1) << SE) - 1});
  Value M = I.srli({I.slli({X, 64 - SM}), 64 - SM});
  Value Special = I.or_(
      {I.constant(DInf),
       select(I.sltu({I.constant(0), M}),
              I.or_({I.constant(int64_t(1) << (DM - 1)), I.srli({M, Drop})}), I.constant(0))});
  Value Ex = I.addi({E, -SBias}); // unbiased
  Value Norm = roundEven(I.srli({M, Drop}), I.and_({M, I.constant((int64_t(1) << Drop) - 1)}),
                         I.constant(int64_t(1) << (Drop - 1)));
  Norm = I.add({I.slli({I.addi({Ex, DBias}), DM}), Norm});
  Norm = I.min({Norm, I.constant(DInf)}); // overflow to infinity
  // Subnormal results: the hidden bit too, shifted right by Drop + (MinExp - Ex).
  Value Full = I.or_({M, I.constant(int64_t(1) << SM)});
  Value Tot = I.min({I.sub({I.constant(Drop + MinExp), Ex}), I.constant(63)});
  Value One = I.constant(1);
  Value Sub = roundEven(I.srl({Full, Tot}), I.and_({Full, I.addi({I.sll({One, Tot}), -1})}),
                        I.sll({One, I.addi({Tot, -1})}));
  Value Bits = select(I.slt({Ex, I.constant(MinExp)}), Sub, Norm);
  Bits = select(isEq(E, (int64_t(1) << SE) - 1), Special, Bits);
  return I.or_({Bits, I.slli({S, DE + DM})});
}

Value Codegen::halfToF32(Value X) {
  Value S = I.andi({I.srli({X, 15}), 1});
  Value E = I.andi({I.srli({X, 10}), 0x1f});
  Value M = I.andi({X, 0x3ff});
  Value Norm = I.or_({I.slli({I.addi({E, 112}), 23}), I.slli({M, 13})});
  Value Special = I.or_({I.constant(0x7f800000), I.slli({M, 13})});
  // Subnormal halves (and zero): m * 2^-24, exact in fp32.
  Value Sub = I.vext_32({I.vmul_f32({I.vcvt_f32_i32(I.vbcast_32(M)), bcastI(0x33800000)}), 0});
  Value Bits = select(isEq(E, 0), Sub, select(isEq(E, 0x1f), Special, Norm));
  return I.or_({I.srli({I.slli({Bits, 32}), 32}), I.slli({S, 31})});
}

Value Codegen::convertScalar(Type From, Type To, Value X) {
  if (From == To)
    return X;
  // Storage floats go through fp32.
  Type F32 = Float32Type::get(From.getContext());
  auto Storage = [](Type T) { return T.isF64() || T.isF16() || T.isBF16(); };
  if (Storage(From)) {
    X = From.isF64()   ? narrowFloat(X, 11, 52, 8, 23)
        : From.isF16() ? halfToF32(X)
                       : I.slli({X, 16});
    return convertScalar(F32, To, X);
  }
  if (Storage(To)) {
    X = convertScalar(From, F32, X);
    if (To.isF64())
      return f32ToWide(X);
    if (To.isF16())
      return narrowFloat(X, 8, 23, 5, 10);
    Value V = I.vbcast_32(X);
    return I.andi({I.vext_32({I.vcvt_bf16_f32({V, V}), 0}), 0xffff});
  }
  if (From.isF32()) {
    if (To.isInteger(1))
      return I.xori({I.andi({viaLane(Opcode::VCMPEQ, {X, I.constant(0)}), 1}), 1});
    return viaLane(Opcode::VCVTI32F32, {X});
  }
  if (To.isF32()) {
    if (From.getIntOrFloatBitWidth() < 32 ||
        (From.getIntOrFloatBitWidth() == 32 && !From.isUnsignedInteger()))
      return viaLane(Opcode::VCVTF32I32, {X});
    // Wider values (int64, uint32, uint64): x = a 2^40 + m 2^16 + l, with
    // a = x >> 40 (24 bits and the sign), m the next 24 bits and l the low
    // 16, each exact in fp32; then (a 2^24 + m) 2^16 + l in two fused
    // steps: exact below 2^24 in magnitude, at most two roundings above
    // (d1::intToF32 in Numerics.h is the same sequence).
    bool U = From.isUnsignedInteger();
    Value A = I.vcvt_f32_i32(I.vbcast_32(U ? I.srli({X, 40}) : I.srai({X, 40})));
    Value M = I.vcvt_f32_i32(I.vbcast_32(I.andi({I.srli({X, 16}), 0xffffff})));
    Value L = I.vcvt_f32_i32(I.vbcast_32(I.andi({X, 0xffff})));
    Value T = I.vfma_f32({A, bcast(16777216.0f), M});
    return I.vext_32({I.vfma_f32({T, bcast(65536.0f), L}), 0});
  }
  if (To.isInteger(1))
    return I.sltu({I.constant(0), X});
  return X; // between integers: the store keeps the low bits
}

} // namespace d1::tiletoisa
