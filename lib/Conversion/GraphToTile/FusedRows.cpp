//===- FusedRows.cpp - Fused row groups -------------------------------------===//
#include "Lowering.h"

namespace d1::graphtotile {

SmallVector<Value> Lowering::lowerRowGroup(graph::FusedOp F) {
  using K = tile::EltKind;
  RowGroup G = rowGroup(F, SramBytes);
  if (Operation *Op = G.NotMember)
    return fail(Op->getLoc(),
                "'" + Op->getName().getStringRef().str() + "' cannot run in this row kernel");
  const std::vector<Operation *> &Ops = G.Ops;
  ArrayRef<int64_t> D = G.Domain;
  int64_t Len = G.Len, Outer = G.Outer, TR = G.Rows;
  if (Outer == 0 || Len == 0)
    return fail(Loc, "a row kernel over an empty tensor is not lowered yet");
  const RowSlots &S = G.Slots;
  if (!TR)
    return fail(Loc, "a row of " + std::to_string(Len) + " elements with " +
                         std::to_string(S.elementsPerRow(Len)) +
                         " elements of SRAM per row does not fit the tile budget of " +
                         std::to_string(plan::rowBudget(SramBytes)) + " elements");
  // The group's graph.tiling (graph-select-tiling, or set by hand: fewer
  // rows take less SRAM).
  if (auto A = F->getAttrOfType<graph::RowTilingAttr>(TilingAttrName)) {
    if (A.getRows() != TR && !checkTiling(A, plan::checkRowTiling(A.getRows(), TR)))
      return {};
    TR = A.getRows();
  }
  DenseMap<Value, Value> Out; // escaping value -> its DRAM buffer
  auto Yield = cast<graph::YieldOp>(F.getBody().front().getTerminator());
  SmallVector<Value> Results;
  for (auto [V, R] : llvm::zip(Yield.getValues(), F.getResults())) {
    Results.push_back(result(R, State.Dests.lookup(R)));
    Out[V] = Results.back();
  }
  auto FormOf = [&](Value V) { return rowForm(cast<RankedTensorType>(V.getType()).getShape(), D); };
  // Rows and scalars read by every tile: loaded once (freed in that order).
  llvm::MapVector<Value, Value> Resident;
  llvm::SmallPtrSet<Operation *, 16> Members(Ops.begin(), Ops.end());
  for (Operation *Op : Ops)
    for (Value X : Op->getOperands()) {
      RowForm Fm = FormOf(X);
      if ((X.getDefiningOp() && Members.count(X.getDefiningOp())) || Resident.count(X) ||
          (Fm != RowForm::RowVector && Fm != RowForm::Scalar))
        continue;
      int64_t N = Fm == RowForm::RowVector ? Len : 1;
      Value Buf = sram(N);
      dma(buffer(X), idx(0), Buf, idx(0), {1, 1, N}, {0, 0}, {0, 0});
      Resident[X] = Buf;
    }
  std::vector<Value> Slots;
  for (bool Full : S.IsFull)
    Slots.push_back(sram(Full ? TR * Len : TR));
  Value T0 = S.TempRows ? sram(TR) : Value(), T1 = S.TempRows ? sram(TR) : Value();
  forTiles(Outer, TR, [&](Value R0, int64_t Rows) {
    llvm::DenseSet<Value> Loaded;
    struct Access {
      Value Buf;
      RowForm F;
    };
    auto Get = [&](Value X) -> Access {
      if (Value Buf = Resident.lookup(X))
        return {Buf, FormOf(X)};
      Value Buf = Slots[S.Slot.lookup(X)];
      RowForm Fm = FormOf(X);
      bool Internal = X.getDefiningOp() && Members.count(X.getDefiningOp());
      if (!Internal && Loaded.insert(X).second) {
        if (Fm == RowForm::Full)
          dma(buffer(X), mul(R0, Len), Buf, idx(0), {1, 1, Rows * Len}, {0, 0}, {0, 0});
        else
          dma(buffer(X), R0, Buf, idx(0), {1, 1, Rows}, {0, 0}, {0, 0});
      }
      return {Buf, Fm};
    };
    for (Operation *Op : Ops) {
      Value Res = Op->getResult(0);
      Value RB = Slots[S.Slot.lookup(Res)];
      bool ResFull = FormOf(Res) == RowForm::Full;
      auto Reduce = [&](tile::WindowKind Kd, Value Src, Value Dst) {
        B.create<tile::ReduceOp>(Loc, tile::WindowKindAttr::get(B.getContext(), Kd), Src, idx(0),
                                 Dst, idx(0), B.getI64IntegerAttr(Rows), B.getI64IntegerAttr(Len));
      };
      if (auto R = dyn_cast<graph::ReduceOp>(Op)) {
        using RK = graph::ReduceKind;
        RK Kd = R.getKind();
        Reduce(Kd == RK::Max    ? tile::WindowKind::Max
               : Kd == RK::Min  ? tile::WindowKind::Min
               : Kd == RK::Prod ? tile::WindowKind::Prod
                                : tile::WindowKind::Sum,
               Get(R.getInput()).Buf, RB);
        if (Kd == RK::Mean)
          elementwise(K::Affine, RB, idx(0), 1, Value(), Value(), 0, RB, idx(0), Rows,
                      {1.0f / float(Len), 0.0f});
      } else if (auto Sm = dyn_cast<graph::SoftmaxOp>(Op)) {
        // e^(x - max) / sum, as the unfused softmax.
        Value X = Get(Sm.getInput()).Buf;
        Reduce(tile::WindowKind::Max, X, T0);
        loop(Rows, [&](Value Rv) {
          Value Off = mul(Rv, Len);
          elementwise(K::Sub, X, Off, 1, T0, Rv, 0, RB, Off, Len);
          elementwise(K::Exp, RB, Off, 1, Value(), Value(), 0, RB, Off, Len);
        });
        Reduce(tile::WindowKind::Sum, RB, T1);
        loop(Rows, [&](Value Rv) {
          Value Off = mul(Rv, Len);
          elementwise(K::Div, RB, Off, 1, T1, Rv, 0, RB, Off, Len);
        });
      } else {
        auto Elt = dyn_cast<graph::ElementwiseOpInterface>(Op);
        if (!Elt)
          return (void)fail(Loc, "internal error: a row-kernel op that is not elementwise");
        K Kind = Elt.getEltKind();
        SmallVector<float> Params = Elt.getEltParams();
        std::vector<Value> Ins(Op->getOperands().begin(), Op->getOperands().end());
        exactPow(Kind, Ins);
        std::vector<Access> Acc;
        bool PerRowLoop = false;
        for (Value X : Ins) {
          Acc.push_back(Get(X));
          PerRowLoop |=
              ResFull && (Acc.back().F == RowForm::PerRow || Acc.back().F == RowForm::RowVector);
        }
        // Operand K's offset and stride for a run at row Rv (null: the tile).
        auto Emit = [&](Value Rv, int64_t Count) {
          std::vector<Value> Off;
          std::vector<int64_t> Str;
          for (const Access &A : Acc) {
            switch (A.F) {
            case RowForm::Full:
              Off.push_back(Rv ? mul(Rv, Len) : idx(0));
              Str.push_back(1);
              break;
            case RowForm::PerRow:
              Off.push_back(Rv ? Rv : idx(0));
              Str.push_back(Rv ? 0 : 1);
              break;
            case RowForm::RowVector:
              Off.push_back(idx(0));
              Str.push_back(1);
              break;
            case RowForm::Scalar:
              Off.push_back(idx(0));
              Str.push_back(0);
              break;
            case RowForm::Other:
              llvm_unreachable("rowMember refuses other forms");
            }
          }
          auto In = [&](size_t I) { return I < Acc.size() ? Acc[I].Buf : Value(); };
          auto InOff = [&](size_t I) { return I < Acc.size() ? Off[I] : Value(); };
          auto InStr = [&](size_t I) { return I < Acc.size() ? Str[I] : int64_t(0); };
          Value ResOff = Rv ? (ResFull ? mul(Rv, Len) : Rv) : idx(0);
          elementwise(Kind, In(0), InOff(0), InStr(0), In(1), InOff(1), InStr(1), RB, ResOff, Count,
                      Params);
        };
        if (PerRowLoop)
          loop(Rows, [&](Value Rv) { Emit(Rv, Len); });
        else
          Emit(Value(), ResFull ? Rows * Len : Rows);
      }
      if (Value Dst = Out.lookup(Res))
        dma(RB, idx(0), Dst, ResFull ? mul(R0, Len) : R0, {1, 1, ResFull ? Rows * Len : Rows},
            {0, 0}, {0, 0});
    }
  });
  for (Value V : Slots)
    free(V);
  for (Value V : {T0, T1})
    if (V)
      free(V);
  for (auto &[X, Buf] : Resident)
    free(Buf);
  return Results;
}

void populateFusedRowsPatterns(PatternSink &P) {
  P.addFused(graph::FusionKind::Rows, &Lowering::lowerRowGroup);
}

} // namespace d1::graphtotile
