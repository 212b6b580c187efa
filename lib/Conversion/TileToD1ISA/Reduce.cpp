//===- Reduce.cpp - Row reductions ------------------------------------------===//
#include "Codegen.h"

namespace d1::tiletoisa {

// out[i] = sum or max of a row of Len elements, for each of Count rows.
void Codegen::lowerReduce(tile::ReduceOp Op) {
  using W = tile::WindowKind;
  W Kind = Op.getKind();
  int64_t Count = Op.getCount(), Len = Op.getLen();
  Value In = addr(Op.getIn(), Op.getInOffset());
  Value Out = addr(Op.getOut(), Op.getOutOffset());
  float Neutral = Kind == W::Max    ? -INFINITY
                  : Kind == W::Min  ? INFINITY
                  : Kind == W::Prod ? 1.0f
                                    : 0.0f;
  Opcode Combine = Kind == W::Max    ? Opcode::VMAX
                   : Kind == W::Min  ? Opcode::VMIN
                   : Kind == W::Prod ? Opcode::VMUL
                                     : Opcode::VADD;
  // Across the lanes: vredsum/max/min, or for products halving shuffles.
  auto Horizontal = [&](Value V) {
    if (Kind != W::Prod)
      return I.build(Kind == W::Max   ? Opcode::VREDMAX
                     : Kind == W::Min ? Opcode::VREDMIN
                                      : Opcode::VREDSUM,
                     {V});
    for (int32_t Half : {8, 4, 2, 1}) {
      Value Idx = laneIndices([&](int32_t L) { return (L + Half) % 16; });
      V = I.vmul_f32({V, I.vperm_32({V, V, Idx})});
    }
    return V;
  };
  // Lanes past a partial load must hold the neutral value.
  int64_t Tail = Len % 16;
  std::vector<int32_t> Lanes;
  for (int32_t L = 0; L < 16; ++L)
    Lanes.push_back(L < Tail ? -1 : 0);
  int64_t MaskAt = Tail ? table(Lanes) : 0;
  auto Row = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Count), I.constant(1));
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(Row.getBody());
  Value Iv = Row.getInductionVar();
  Value Base = I.add({In, I.mul({Iv, I.constant(Len * 4)})});
  Value AccV = bcast(Neutral);
  int64_t Full = Len / 16;
  if (Full) {
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Full * 64), I.constant(64),
                                    ValueRange{AccV});
    OpBuilder::InsertionGuard G2(B);
    B.setInsertionPointToStart(For.getBody());
    Value V = I.vld({I.add({Base, For.getInductionVar()}), 0});
    B.create<scf::YieldOp>(I.Loc, ValueRange{I.build(Combine, {For.getRegionIterArgs()[0], V})});
    B.setInsertionPointAfter(For);
    AccV = For.getResult(0);
  }
  if (Tail) {
    Value V = I.vldp({I.addi({Base, Full * 64}), I.constant(Tail * 4)});
    V = I.vsel({I.vld({I.constant(MaskAt), 0}), V, bcast(Neutral)});
    AccV = I.build(Combine, {AccV, V});
  }
  Value R = Horizontal(AccV);
  I.vstp({R, I.add({Out, scaled(Iv, 4)}), I.constant(4)});
}

void Codegen::addReduceKernels(KernelTable &T) { T.add(&Codegen::lowerReduce); }

} // namespace d1::tiletoisa
