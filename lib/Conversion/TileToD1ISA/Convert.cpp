//===- Convert.cpp - Type conversions ---------------------------------------===//
#include "Codegen.h"

namespace d1::tiletoisa {

void Codegen::lowerScalarConvert(tile::ConvertOp Op) {
  Type From = getElementTypeOrSelf(Op.getIn()), To = getElementTypeOrSelf(Op.getOut());
  Value In = addr(Op.getIn(), Op.getInOffset()), Out = addr(Op.getOut(), Op.getOutOffset());
  auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Op.getCount()), I.constant(1));
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(For.getBody());
  Value Iv = For.getInductionVar();
  Value X = loadScalar(From, I.add({In, scaled(Iv, tile::elementBytes(From))}));
  storeScalar(To, convertScalar(From, To, X), I.add({Out, scaled(Iv, tile::elementBytes(To))}));
}

// Conversions 16 elements at a time. int64 lanes are read as pairs of
// 32-bit words: vperm.32 picks the low words, and writing int64 interleaves
// the values with their sign words.
void Codegen::lowerConvert(tile::ConvertOp Op) {
  // fp32 <-> int32 16 lanes at a time; int64 values go element by element
  // (convertScalar: exact below 2^24 in magnitude, within two roundings
  // above).
  auto Lanes = [](Type T) {
    T = getElementTypeOrSelf(T);
    return T.isF32() || T.isSignlessInteger(32);
  };
  if (!Lanes(Op.getIn().getType()) || !Lanes(Op.getOut().getType()) ||
      getElementTypeOrSelf(Op.getIn()) == getElementTypeOrSelf(Op.getOut()))
    return lowerScalarConvert(Op);
  int64_t InB = elemBytes(Op.getIn()), OutB = elemBytes(Op.getOut());
  bool InF = cast<MemRefType>(Op.getIn().getType()).getElementType().isF32();
  bool OutF = cast<MemRefType>(Op.getOut().getType()).getElementType().isF32();
  Value In = addr(Op.getIn(), Op.getInOffset()), Out = addr(Op.getOut(), Op.getOutOffset());
  std::vector<int32_t> Even, Lo, Hi;
  for (int32_t L = 0; L < 16; ++L) {
    Even.push_back(2 * L);
    Lo.push_back(L % 2 ? 16 + L / 2 : L / 2);
    Hi.push_back(L % 2 ? 24 + L / 2 : 8 + L / 2);
  }
  int64_t EvenAt = table(Even), LoAt = table(Lo), HiAt = table(Hi);
  auto Load = [&](Value P, int64_t Bytes) {
    return Bytes >= 64 ? I.vld({P, 0}) : I.vldp({P, I.constant(Bytes)});
  };
  auto Store = [&](Value V, Value P, int64_t Bytes) {
    if (Bytes >= 64)
      I.vst({V, P, 0});
    else if (Bytes > 0)
      I.vstp({V, P, I.constant(Bytes)});
  };
  auto Body = [&](Value Off, int64_t N) { // Off: element index of this group
    Value IP = I.add({In, scaled(Off, InB)}), OP = I.add({Out, scaled(Off, OutB)});
    Value W; // 16 x 32-bit lanes
    if (InB == 8) {
      Value A = Load(IP, std::min<int64_t>(N * 8, 64));
      Value Bv = N > 8 ? Load(I.addi({IP, 64}), (N - 8) * 8) : bcast(0.0f);
      W = I.vperm_32({A, Bv, I.vld({I.constant(EvenAt), 0})});
    } else {
      W = Load(IP, N * 4);
    }
    if (InF && !OutF)
      W = I.vcvt_i32_f32(W);
    else if (!InF && OutF)
      W = I.vcvt_f32_i32(W);
    if (OutB == 8) {
      Value Sign = I.vsrai_32({W, 31});
      Store(I.vperm_32({W, Sign, I.vld({I.constant(LoAt), 0})}), OP, std::min<int64_t>(N * 8, 64));
      if (N > 8)
        Store(I.vperm_32({W, Sign, I.vld({I.constant(HiAt), 0})}), I.addi({OP, 64}), (N - 8) * 8);
    } else {
      Store(W, OP, N * 4);
    }
  };
  steps(Op.getCount(), 16, 1, Body);
}

void Codegen::addConvertKernels(KernelTable &T) { T.add(&Codegen::lowerConvert); }

} // namespace d1::tiletoisa
