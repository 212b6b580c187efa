//===- GatherScatter.cpp - Gathers and scatters by run-time indices ---------===//
#include "Codegen.h"

namespace d1::tiletoisa {

// Rows picked by run-time indices: each index is loaded into a scalar
// register and becomes the source address of two DMAs through SRAM.
void Codegen::lowerGather(tile::GatherOp Op) {
  int64_t Count = Op.getCount(), Outer = Op.getOuter(), Len = Op.getLen(), Inner = Op.getInner();
  int64_t EB = elemBytes(Op.getData());
  auto Desc = [&](uint8_t Kind, int64_t SrcRow, int64_t DstRow) {
    std::vector<uint8_t> D(64, 0);
    auto Put = [&](size_t At, uint64_t V, unsigned N) {
      for (unsigned K = 0; K < N; ++K)
        D[At + K] = uint8_t(V >> (8 * K));
    };
    Put(0, Kind, 1);
    Put(2, 0xff, 1);
    Put(8, uint64_t(Inner * EB), 4);
    Put(12, uint64_t(Outer), 4);
    Put(16, 1, 4);
    Put(24, uint64_t(SrcRow * EB), 8);
    Put(40, uint64_t(DstRow * EB), 8);
    return descriptor(D);
  };
  int64_t In = Desc(0, Len * Inner, Inner), Out = Desc(1, Inner, Count * Inner);
  int64_t Data = Address.lookup(Op.getData()), Res = Address.lookup(Op.getOut());
  Value Stage = I.constant(Address.lookup(Op.getStage()));
  Value Idx = addr(Op.getIndices(), Op.getIndicesOffset());
  auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Count), I.constant(1));
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(For.getBody());
  Value J = For.getInductionVar();
  Value X = I.ld({I.add({Idx, scaled(J, 8)}), 0});
  // A negative index counts from the end; anything still outside [0, Len)
  // traps (a wrapped product must never reach the DMA as a valid address).
  X = I.add({X, I.mul({I.slt({X, I.constant(0)}), I.constant(Len)})});
  X = I.chk_ltu({X, I.constant(Len)});
  Value Src = I.add({I.constant(Data), scaled(X, Inner * EB)});
  I.dma({Stage, Src, I.constant(In)});
  I.sem_wait({0, 1});
  Value Dst = I.add({I.constant(Res), scaled(J, Inner * EB)});
  I.dma({Dst, Stage, I.constant(Out)});
  I.sem_wait({0, 1});
}

void Codegen::lowerScatter(tile::ScatterOp Op) {
  Type T = getElementTypeOrSelf(Op.getOut());
  int64_t EB = tile::elementBytes(T);
  int64_t OutAt = Address.lookup(Op.getOut()), IdxAt = Address.lookup(Op.getIndices()),
          UpdAt = Address.lookup(Op.getUpdates());
  auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Op.getCount()), I.constant(1));
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(For.getBody());
  Value K = For.getInductionVar();
  Value Idx = I.ld({I.addi({scaled(K, 8), IdxAt}), 0});
  // Flat indices into the output: one outside it traps instead of writing
  // over whatever lies next to it in SRAM.
  Idx = I.chk_ltu({Idx, I.constant(cast<ShapedType>(Op.getOut().getType()).getNumElements())});
  Value Ptr = I.addi({scaled(Idx, EB), OutAt});
  Value U = loadScalar(T, I.addi({scaled(K, EB), UpdAt}));
  if (Op.getKind() != 0) {
    Value Old = loadScalar(T, Ptr);
    using Kd = tile::EltKind;
    Kd Kind = Op.getKind() == 1   ? Kd::Add
              : Op.getKind() == 2 ? Kd::Mul
              : Op.getKind() == 3 ? Kd::Max
                                  : Kd::Min;
    if (T.isF32()) {
      Opcode Mn = Kind == Kd::Add   ? Opcode::VADD
                  : Kind == Kd::Mul ? Opcode::VMUL
                  : Kind == Kd::Max ? Opcode::VMAX
                                    : Opcode::VMIN;
      U = viaLane(Mn, {Old, U});
    } else {
      U = applyScalar(Kind, T, {Old, U}, {});
    }
  }
  storeScalar(T, U, Ptr);
}

void Codegen::addGatherScatterKernels(KernelTable &T) {
  T.add(&Codegen::lowerGather);
  T.add(&Codegen::lowerScatter);
}

} // namespace d1::tiletoisa
