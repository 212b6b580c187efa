//===- FusedEpilogue.cpp - Fused epilogue groups ----------------------------===//
#include "Lowering.h"

#include "llvm/ADT/TypeSwitch.h"

namespace d1::graphtotile {

//===----------------------------------------------------------------------===//
// Fused epilogues
//===----------------------------------------------------------------------===//

TileForm Lowering::formOf(const Epilogue &Ep, Value Operand) {
  TileForm F = tileForm(cast<RankedTensorType>(Operand.getType()).getShape(), Ep.OutShape, Ep.Dims);
  if (F == TileForm::Strided)
    fail(Loc, "internal error: an epilogue operand with strided columns");
  return F;
}

void Lowering::planEpilogue(Epilogue &Ep) {
  ValueTiles T = epilogueTiles(Ep.Anchor, Ep.Ops, Ep.Dims);
  Ep.OpSet = DenseSet<Operation *>(Ep.Ops.begin(), Ep.Ops.end());
  Ep.Slot = std::move(T.Slot);
  Ep.ExtraTiles = T.Slots - 1;
}

void Lowering::runEpilogue(Epilogue &Ep, Value Tile, int64_t P, int64_t R, int64_t C,
                           ArrayRef<Value> Origin, Value OutOff,
                           std::array<int64_t, 2> OutStrides) {
  int64_t N = P * R * C;
  unsigned Slots = unsigned(Ep.ExtraTiles + 1);
  std::vector<Value> SlotBuf(Slots);
  SlotBuf[0] = Tile;
  for (unsigned K = 1; K < Slots; ++K)
    SlotBuf[K] = sram(N);
  std::vector<Value> Small;
  auto WriteOut = [&](Value V) {
    if (Value Dst = Ep.Out.lookup(V))
      dma(SlotBuf[Ep.Slot.lookup(V)], idx(0), Dst, OutOff, {P, R, C}, {R * C, C},
          {OutStrides[0], OutStrides[1]});
  };
  // Where an outside operand's tile starts in its DRAM buffer.
  auto OperandOffset = [&](Value X) {
    Shape S(cast<RankedTensorType>(X.getType()).getShape());
    std::vector<int64_t> St = broadcastStrides(S, Ep.OutShape.size());
    Value Off = idx(0);
    for (size_t D = 0; D < St.size(); ++D)
      if (St[D])
        Off = add(Off, mul(Origin[D], St[D]));
    return Off;
  };
  struct Access {
    Value Buf;
    TileForm F;
  };
  DenseMap<Value, Access> Loaded;
  auto Load = [&](Value X) -> Access {
    if (auto It = Loaded.find(X); It != Loaded.end())
      return It->second;
    TileForm F = formOf(Ep, X);
    auto [SP, SR, SC] =
        tileStrides(cast<RankedTensorType>(X.getType()).getShape(), Ep.OutShape, Ep.Dims);
    Value Src = buffer(X), Off = OperandOffset(X);
    Value Buf;
    switch (F) {
    case TileForm::Full:
      Buf = SlotBuf[Ep.Slot.lookup(X)];
      dma(Src, Off, Buf, idx(0), {P, R, C}, {SP, SR}, {R * C, C});
      break;
    case TileForm::RowVector:
      Buf = sram(C);
      dma(Src, Off, Buf, idx(0), {1, 1, C}, {0, 0}, {0, 0});
      break;
    case TileForm::Scalar:
      Buf = sram(1);
      dma(Src, Off, Buf, idx(0), {1, 1, 1}, {0, 0}, {0, 0});
      break;
    case TileForm::PerPlane:
      Buf = sram(P);
      dma(Src, Off, Buf, idx(0), {P, 1, 1}, {SP, 0}, {1, 0});
      break;
    case TileForm::PerRow:
      Buf = sram(P * R);
      dma(Src, Off, Buf, idx(0), {P, R, 1}, {SP, SR}, {R, 1});
      break;
    case TileForm::Strided:
      llvm_unreachable("formOf refuses strided operands");
    }
    if (F != TileForm::Full)
      Small.push_back(Buf);
    return Loaded[X] = Access{Buf, F};
  };

  WriteOut(Ep.Anchor);
  for (Operation *Op : Ep.Ops) {
    auto Elt = dyn_cast<graph::ElementwiseOpInterface>(Op);
    if (!Elt)
      return (void)fail(Loc, "internal error: a fused op that is not elementwise");
    tile::EltKind Kind = Elt.getEltKind();
    SmallVector<float> Params = Elt.getEltParams();
    std::vector<Value> Ins(Op->getOperands().begin(), Op->getOperands().end());
    exactPow(Kind, Ins);
    std::vector<Access> Acc;
    int Level = 0; // 0: one op over the tile; 1: per plane; 2: per row
    for (Value X : Ins) {
      Access A = Ep.internal(X) ? Access{SlotBuf[Ep.Slot.lookup(X)], TileForm::Full} : Load(X);
      Acc.push_back(A);
      Level = std::max(Level, A.F == TileForm::PerPlane                               ? 1
                              : A.F == TileForm::PerRow || A.F == TileForm::RowVector ? 2
                                                                                      : 0);
    }
    Value Res = SlotBuf[Ep.Slot.lookup(Op->getResult(0))];
    // Offsets and strides of each operand for a run of Count elements at
    // plane Pv and row Rv (null at the levels above).
    auto Emit = [&](Value Pv, Value Rv, int64_t Count) {
      std::vector<Value> Off;
      std::vector<int64_t> Str;
      auto FullOff = [&]() {
        if (Rv)
          return add(mul(Pv, R * C), mul(Rv, C));
        return Pv ? mul(Pv, R * C) : idx(0);
      };
      for (const Access &A : Acc) {
        switch (A.F) {
        case TileForm::Full:
          Off.push_back(FullOff());
          Str.push_back(1);
          break;
        case TileForm::Scalar:
          Off.push_back(idx(0));
          Str.push_back(0);
          break;
        case TileForm::RowVector:
          Off.push_back(idx(0));
          Str.push_back(1);
          break;
        case TileForm::PerPlane:
          Off.push_back(Pv);
          Str.push_back(0);
          break;
        case TileForm::PerRow:
          Off.push_back(add(mul(Pv, R), Rv));
          Str.push_back(0);
          break;
        case TileForm::Strided:
          llvm_unreachable("formOf refuses strided operands");
        }
      }
      auto Get = [&](size_t K) { return K < Acc.size() ? Acc[K].Buf : Value(); };
      auto GetOff = [&](size_t K) { return K < Acc.size() ? Off[K] : Value(); };
      auto GetStr = [&](size_t K) { return K < Acc.size() ? Str[K] : int64_t(0); };
      elementwise(Kind, Get(0), GetOff(0), GetStr(0), Get(1), GetOff(1), GetStr(1), Res, FullOff(),
                  Count, Params, Get(2), GetOff(2), GetStr(2));
    };
    if (Level == 0)
      Emit(Value(), Value(), N);
    else if (Level == 1)
      loop(P, [&](Value Pv) { Emit(Pv, Value(), R * C); });
    else
      loop(P, [&](Value Pv) { loop(R, [&](Value Rv) { Emit(Pv, Rv, C); }); });
    WriteOut(Op->getResult(0));
  }
  for (unsigned K = 1; K < Slots; ++K)
    free(SlotBuf[K]);
  for (Value V : Small)
    free(V);
}

void Lowering::exactPow(tile::EltKind &Kind, std::vector<Value> &Ins) {
  if (Kind != tile::EltKind::Pow)
    return;
  std::vector<float> E = graph::constantF32(Ins[1]);
  if (E.size() == 1 && E[0] == 2.0f) {
    Kind = tile::EltKind::Mul;
    Ins[1] = Ins[0];
  } else if (E.size() == 1 && (E[0] == 0.5f || E[0] == -1.0f || E[0] == 1.0f)) {
    Kind = E[0] == 0.5f    ? tile::EltKind::Sqrt
           : E[0] == -1.0f ? tile::EltKind::Reciprocal
                           : tile::EltKind::Copy;
    Ins.pop_back();
  }
}

SmallVector<Value> Lowering::lowerEpilogueGroup(graph::FusedOp F) {
  Epilogue Ep;
  Operation *Anchor = F.anchor();
  Ep.Anchor = Anchor->getResult(0);
  Ep.Ops = epilogueOps(F);
  Ep.OutShape = shapeOf(Ep.Anchor);
  Ep.Dims = tileDims(Anchor);
  // Each yielded value goes to its own DRAM buffer (the output's, when
  // @main returns it).
  SmallVector<Value> Results;
  auto Yield = cast<graph::YieldOp>(F.getBody().front().getTerminator());
  for (auto [V, R] : llvm::zip(Yield.getValues(), F.getResults())) {
    Results.push_back(result(R, State.Dests.lookup(R)));
    Ep.Out[V] = Results.back();
  }
  planEpilogue(Ep);
  // The anchor's kernel runs the epilogue on each output tile.
  llvm::TypeSwitch<Operation *>(Anchor)
      .Case([&](graph::ConvOp Op) { lowerConv(Op, Value(), &Ep); })
      .Case([&](graph::GemmOp Op) { lowerGemm(Op, Value(), &Ep); })
      .Case([&](graph::MatMulOp Op) { lowerMatMul(Op, Value(), &Ep); })
      .Default([&](Operation *Op) {
        fail(Op->getLoc(),
             "'" + Op->getName().getStringRef().str() + "' cannot anchor an epilogue group");
      });
  return Results;
}

void populateFusedEpiloguePatterns(PatternSink &P) {
  P.addFused(graph::FusionKind::Epilogue, &Lowering::lowerEpilogueGroup);
}

} // namespace d1::graphtotile
