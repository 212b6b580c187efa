//===- FusedDepthFirst.cpp - Depth-first chains -----------------------------===//
#include "Lowering.h"

namespace d1::graphtotile {

SmallVector<Value> Lowering::lowerChain(graph::FusedOp F) {
  struct Stage {
    Operation *Window;
    Epilogue Ep;
    plan::ChainStage Cost;
    tile::WindowKind Kind;
    Value In, Weight, Bias;
    Value XBuf, WBuf, BBuf;
    int64_t Groups = 1, Cg = 1, Fg = 1, IWp = 0, TileRows = 0;
  };
  std::vector<std::unique_ptr<Stage>> Stages;
  for (Operation &Op : F.getBody().front().without_terminator()) {
    if (!isa<graph::ConvOp, graph::MaxPoolOp>(Op)) {
      Stages.back()->Ep.Ops.push_back(&Op);
      continue;
    }
    auto S = std::make_unique<Stage>();
    S->Window = &Op;
    const plan::WindowShape &W = S->Cost.Shape = *windowShapeOf(&Op);
    if (auto C = dyn_cast<graph::ConvOp>(Op)) {
      S->Kind = tile::WindowKind::Conv;
      S->Weight = buffer(C.getWeight());
      S->Bias = C.getBias() ? buffer(C.getBias()) : Value();
      S->Groups = W.Group;
      S->Cg = W.C / W.Group;
      S->Fg = W.F / W.Group;
    } else {
      S->Kind = tile::WindowKind::Max;
    }
    S->Cost.Bias = bool(S->Bias);
    S->IWp = W.W + W.PadL + W.PadR;
    S->Ep.Anchor = Op.getResult(0);
    S->Ep.OutShape = shapeOf(Op.getResult(0));
    S->Ep.Dims = tileDims(&Op);
    Stages.push_back(std::move(S));
  }
  // The last stage's values go to DRAM; every other stage's value goes to
  // the next stage's input tile.
  auto Yield = cast<graph::YieldOp>(F.getBody().front().getTerminator());
  SmallVector<Value> Results;
  for (auto [V, R] : llvm::zip(Yield.getValues(), F.getResults())) {
    Results.push_back(result(R, State.Dests.lookup(R)));
    Stages.back()->Ep.Out[V] = Results.back();
  }
  std::vector<plan::ChainStage> Costs;
  for (auto &S : Stages) {
    planEpilogue(S->Ep);
    S->Cost.ExtraOutTiles = S->Ep.ExtraTiles;
    Costs.push_back(S->Cost);
  }
  // The group's graph.tiling (graph-select-tiling, or set by hand), else
  // chosen here.
  plan::ChainTiling T = plan::chainTiling(Costs, plan::windowBudget(SramBytes));
  if (auto A = F->getAttrOfType<graph::RowTilingAttr>(TilingAttrName); A && A.getRows() != T.Rows) {
    if (!checkTiling(A, plan::checkChainTiling(Costs, A.getRows(), plan::windowBudget(SramBytes))))
      return Results;
    T = plan::chainBands(Costs, A.getRows());
    T.Fits = true;
  }
  if (!T.Fits)
    return fail(Loc, "this depth-first group needs more than the " +
                         std::to_string(plan::windowBudget(SramBytes) * 4) +
                         " bytes of SRAM its tiles may take; fuse it again for this "
                         "SRAM size");
  Stages.front()->In = buffer(Stages.front()->Window->getOperand(0));
  size_t NS = Stages.size();
  for (size_t K = 0; K < NS; ++K) {
    Stage &S = *Stages[K];
    const plan::WindowShape &W = S.Cost.Shape;
    S.TileRows = T.TileRows[K];
    S.XBuf = sram(W.C * S.TileRows * S.IWp + 64 * W.StrideW);
    if (S.Weight) {
      int64_t PerFilter = S.Cg * W.KH * W.KW;
      S.WBuf = sram(W.F * PerFilter);
      dma(S.Weight, idx(0), S.WBuf, idx(0), {1, W.F, PerFilter}, {0, PerFilter}, {0, PerFilter});
    }
    if (S.Bias) {
      S.BBuf = sram(W.F);
      dma(S.Bias, idx(0), S.BBuf, idx(0), {1, 1, W.F}, {0, 0}, {0, 0});
    }
    // The value this stage reads is written to its tile, not to DRAM.
    if (K > 0)
      Stages[K - 1]->Ep.Out[S.Window->getOperand(0)] = S.XBuf;
  }

  auto PadValue = [](const Stage &S) { return S.Kind == tile::WindowKind::Max ? -INFINITY : 0.0f; };
  auto FillRows = [&](Stage &S, int64_t From, int64_t Rows) {
    if (Rows <= 0)
      return;
    int64_t Plane = S.TileRows * S.IWp;
    loop(S.Cost.Shape.C, [&](Value P) {
      Value Off = add(mul(P, Plane), From * S.IWp);
      elementwise(tile::EltKind::Fill, S.XBuf, Off, 0, Value(), Value(), 0, S.XBuf, Off,
                  Rows * S.IWp, {PadValue(S)});
    });
  };
  // One band: each stage's tile keeps the rows it still needs and takes
  // the new ones (from DRAM, or from the stage before), then the stage
  // computes its rows into the next stage's tile or, last, to DRAM.
  // OutLo[K] is stage K's first output row, NewLo0 the first input row
  // the first stage loads.
  auto Band = [&](Value Nb, const std::vector<plan::ChainStep> &Steps, ArrayRef<Value> OutLo,
                  Value NewLo0) {
    auto Prepare = [&](size_t K) {
      Stage &S = *Stages[K];
      const plan::ChainStep &St = Steps[K];
      int64_t Plane = S.TileRows * S.IWp;
      if (St.CarryRows && St.CarryFrom != St.CarryTo)
        dma(S.XBuf, idx(St.CarryFrom * S.IWp), S.XBuf, idx(St.CarryTo * S.IWp),
            {S.Cost.Shape.C, St.CarryRows, S.IWp}, {Plane, S.IWp}, {Plane, S.IWp});
      FillRows(S, 0, St.PadTop);
      FillRows(S, St.PadFrom, St.PadRows);
    };
    Prepare(0);
    {
      Stage &S = *Stages[0];
      const plan::WindowShape &W = S.Cost.Shape;
      const plan::ChainStep &St = Steps[0];
      if (St.NewRows)
        dma(S.In, add(mul(Nb, W.C * W.H * W.W), mul(NewLo0, W.W)), S.XBuf,
            idx(St.NewTo * S.IWp + W.PadL), {W.C, St.NewRows, W.W}, {W.H * W.W, W.W},
            {S.TileRows * S.IWp, S.IWp});
    }
    for (size_t K = 0; K < NS; ++K) {
      if (K + 1 < NS)
        Prepare(K + 1);
      Stage &S = *Stages[K];
      const plan::WindowShape &W = S.Cost.Shape;
      int64_t Rows = Steps[K].OutRows;
      if (!Rows)
        continue;
      Loc = S.Window->getLoc();
      int64_t Px = Rows * W.OW, Plane = S.TileRows * S.IWp;
      Value OBuf = sram(W.F * Px);
      bool Conv = S.Kind == tile::WindowKind::Conv;
      loop(S.Groups, [&](Value Gb) {
        B.create<tile::Conv2DOp>(
            Loc, tile::WindowKindAttr::get(B.getContext(), S.Kind), S.XBuf, mul(Gb, S.Cg * Plane),
            Conv ? S.WBuf : Value(), Conv ? mul(Gb, S.Fg * S.Cg * W.KH * W.KW) : Value(), OBuf,
            mul(Gb, S.Fg * Px), B.getI64IntegerAttr(Conv ? S.Cg : W.C),
            B.getI64IntegerAttr(Conv ? S.Fg : 1), B.getI64IntegerAttr(S.TileRows),
            B.getI64IntegerAttr(S.IWp), B.getI64IntegerAttr(Rows), B.getI64IntegerAttr(W.OW),
            B.getI64IntegerAttr(W.KH), B.getI64IntegerAttr(W.KW), B.getI64IntegerAttr(W.StrideH),
            B.getI64IntegerAttr(W.StrideW), B.getI64IntegerAttr(W.DilH),
            B.getI64IntegerAttr(W.DilW), B.getBoolAttr(false));
      });
      if (S.BBuf)
        loop(W.F, [&](Value Fi) {
          elementwise(tile::EltKind::Add, OBuf, mul(Fi, Px), 1, S.BBuf, Fi, 0, OBuf, mul(Fi, Px),
                      Px);
        });
      Value Dst;
      std::array<int64_t, 2> Strides;
      if (K + 1 < NS) {
        Stage &Next = *Stages[K + 1];
        Dst = idx(Steps[K + 1].NewTo * Next.IWp + Next.Cost.Shape.PadL);
        Strides = {Next.TileRows * Next.IWp, Next.IWp};
      } else {
        Dst = add(mul(Nb, W.F * W.OH * W.OW), mul(OutLo[K], W.OW));
        Strides = {W.OH * W.OW, W.OW};
      }
      runEpilogue(S.Ep, OBuf, W.F, Rows, W.OW, {Nb, idx(0), OutLo[K], idx(0)}, Dst, Strides);
      free(OBuf);
    }
    Loc = F.getLoc();
  };
  // Bands alike but for their position (the same sizes and tile rows, the
  // positions moving by the same steps) share a loop.
  auto Positions = [&](const std::vector<plan::ChainStep> &Steps) {
    std::vector<int64_t> P;
    for (const plan::ChainStep &St : Steps)
      P.push_back(St.OutLo);
    P.push_back(Steps[0].NewLo);
    return P;
  };
  auto SameShape = [](const std::vector<plan::ChainStep> &A,
                      const std::vector<plan::ChainStep> &X) {
    for (size_t K = 0; K < A.size(); ++K) {
      const plan::ChainStep &P = A[K], &Q = X[K];
      if (std::tie(P.OutRows, P.CarryFrom, P.CarryTo, P.CarryRows, P.NewRows, P.NewTo, P.PadTop,
                   P.PadFrom, P.PadRows) != std::tie(Q.OutRows, Q.CarryFrom, Q.CarryTo, Q.CarryRows,
                                                     Q.NewRows, Q.NewTo, Q.PadTop, Q.PadFrom,
                                                     Q.PadRows))
        return false;
    }
    return true;
  };
  loop(Stages.front()->Cost.Shape.N, [&](Value Nb) {
    for (auto &S : Stages)
      FillRows(*S, 0, S->TileRows);
    size_t K = 0, NB = T.Bands.size();
    while (K < NB) {
      size_t E = K + 1;
      std::vector<int64_t> P0 = Positions(T.Bands[K]), Step;
      if (E < NB && SameShape(T.Bands[K], T.Bands[E])) {
        std::vector<int64_t> P1 = Positions(T.Bands[E]);
        for (size_t I = 0; I < P0.size(); ++I)
          Step.push_back(P1[I] - P0[I]);
        ++E;
        while (E < NB && SameShape(T.Bands[K], T.Bands[E])) {
          std::vector<int64_t> Pe = Positions(T.Bands[E]), Pp = Positions(T.Bands[E - 1]);
          bool Linear = true;
          for (size_t I = 0; I < P0.size(); ++I)
            Linear &= Pe[I] - Pp[I] == Step[I];
          if (!Linear)
            break;
          ++E;
        }
      }
      auto At = [&](Value Kv) {
        std::vector<Value> Pos;
        for (size_t I = 0; I < P0.size(); ++I)
          Pos.push_back(Kv ? add(mul(Kv, Step[I]), P0[I]) : idx(P0[I]));
        Value NewLo0 = Pos.back();
        Pos.pop_back();
        Band(Nb, T.Bands[K], Pos, NewLo0);
      };
      if (E - K == 1)
        At(Value());
      else
        loop(int64_t(E - K), [&](Value Kv) { At(Kv); });
      K = E;
    }
  });
  for (auto &S : Stages)
    for (Value V : {S->XBuf, S->WBuf, S->BBuf})
      if (V)
        free(V);
  return Results;
}

void populateFusedDepthFirstPatterns(PatternSink &P) {
  P.addFused(graph::FusionKind::DepthFirst, &Lowering::lowerChain);
}

} // namespace d1::graphtotile
