//===- FusedDepthFirst.cpp - Depth-first chains -----------------------------===//
#include "Lowering.h"

namespace d1::graphtotile {

namespace {

/// A graph.fused depth_first group lowered band by band (plan::chainBands):
/// each stage keeps the input rows it still needs in an SRAM tile, takes
/// the new ones from DRAM (the first stage) or from the stage before, and
/// computes its rows into the next stage's tile or, last, to DRAM.
class ChainKernel : Lowering {
public:
  ChainKernel(Lowering &L, graph::FusedOp F) : Lowering(L), F(F) {}
  SmallVector<Value> lower();

private:
  struct Stage {
    Operation *Window;
    Epilogue Ep;
    plan::ChainStage Cost;
    tile::WindowKind Kind;
    Value In, Weight, Bias;
    Value XBuf, WBuf, BBuf;
    int64_t Groups = 1, Cg = 1, Fg = 1, IWp = 0, TileRows = 0;
  };
  using Steps = std::vector<plan::ChainStep>;

  void collectStages();
  /// The group's graph.tiling (graph-select-tiling, or set by hand), else
  /// chosen here; false after an error.
  bool chooseTiling();
  /// Each stage's SRAM tiles, its weights and biases loaded once.
  void allocate();
  void fillRows(Stage &S, int64_t From, int64_t Rows);
  /// Stage K's tile before a band: the rows kept moved down, the padding.
  void prepare(size_t K, const Steps &Band);
  /// One band; OutLo[K] is stage K's first output row, NewLo0 the first
  /// input row the first stage loads.
  void band(Value Nb, const Steps &Band, ArrayRef<Value> OutLo, Value NewLo0);
  void computeStage(size_t K, Value Nb, const Steps &Band, Value OutLo);
  /// Every band of one image; bands alike but for their position (the same
  /// sizes and tile rows, the positions moving by the same steps) share a
  /// loop.
  void bands(Value Nb);

  graph::FusedOp F;
  std::vector<std::unique_ptr<Stage>> Stages;
  SmallVector<Value> Results;
  plan::ChainTiling T;
};

void ChainKernel::collectStages() {
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
  for (auto [V, R] : llvm::zip(Yield.getValues(), F.getResults())) {
    Results.push_back(result(R, State.Dests.lookup(R)));
    Stages.back()->Ep.Out[V] = Results.back();
  }
}

bool ChainKernel::chooseTiling() {
  std::vector<plan::ChainStage> Costs;
  for (auto &S : Stages) {
    planEpilogue(S->Ep);
    S->Cost.ExtraOutTiles = S->Ep.ExtraTiles;
    Costs.push_back(S->Cost);
  }
  T = plan::chainTiling(Costs, plan::windowBudget(SramBytes));
  if (auto A = F->getAttrOfType<graph::RowTilingAttr>(TilingAttrName); A && A.getRows() != T.Rows) {
    if (!checkTiling(A, plan::checkChainTiling(Costs, A.getRows(), plan::windowBudget(SramBytes))))
      return false;
    T = plan::chainBands(Costs, A.getRows());
    T.Fits = true;
  }
  if (!T.Fits) {
    fail(Loc, "this depth-first group needs more than the " +
                  std::to_string(plan::windowBudget(SramBytes) * 4) +
                  " bytes of SRAM its tiles may take; fuse it again for this "
                  "SRAM size");
    return false;
  }
  return true;
}

void ChainKernel::allocate() {
  Stages.front()->In = buffer(Stages.front()->Window->getOperand(0));
  for (size_t K = 0; K < Stages.size(); ++K) {
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
}

void ChainKernel::fillRows(Stage &S, int64_t From, int64_t Rows) {
  if (Rows <= 0)
    return;
  float PadValue = S.Kind == tile::WindowKind::Max ? -INFINITY : 0.0f;
  int64_t Plane = S.TileRows * S.IWp;
  loop(S.Cost.Shape.C, [&](Value P) {
    Value Off = add(mul(P, Plane), From * S.IWp);
    elementwise(tile::EltKind::Fill, S.XBuf, Off, 0, Value(), Value(), 0, S.XBuf, Off, Rows * S.IWp,
                {PadValue});
  });
}

void ChainKernel::prepare(size_t K, const Steps &Band) {
  Stage &S = *Stages[K];
  const plan::ChainStep &St = Band[K];
  int64_t Plane = S.TileRows * S.IWp;
  if (St.CarryRows && St.CarryFrom != St.CarryTo)
    dma(S.XBuf, idx(St.CarryFrom * S.IWp), S.XBuf, idx(St.CarryTo * S.IWp),
        {S.Cost.Shape.C, St.CarryRows, S.IWp}, {Plane, S.IWp}, {Plane, S.IWp});
  fillRows(S, 0, St.PadTop);
  fillRows(S, St.PadFrom, St.PadRows);
}

void ChainKernel::band(Value Nb, const Steps &Band, ArrayRef<Value> OutLo, Value NewLo0) {
  prepare(0, Band);
  {
    Stage &S = *Stages[0];
    const plan::WindowShape &W = S.Cost.Shape;
    const plan::ChainStep &St = Band[0];
    if (St.NewRows)
      dma(S.In, add(mul(Nb, W.C * W.H * W.W), mul(NewLo0, W.W)), S.XBuf,
          idx(St.NewTo * S.IWp + W.PadL), {W.C, St.NewRows, W.W}, {W.H * W.W, W.W},
          {S.TileRows * S.IWp, S.IWp});
  }
  for (size_t K = 0; K < Stages.size(); ++K) {
    if (K + 1 < Stages.size())
      prepare(K + 1, Band);
    if (Band[K].OutRows)
      computeStage(K, Nb, Band, OutLo[K]);
  }
  Loc = F.getLoc();
}

/// Stage K's rows of a band from its tile: through its epilogue into the
/// next stage's tile or, last, to DRAM.
void ChainKernel::computeStage(size_t K, Value Nb, const Steps &Band, Value OutLo) {
  Stage &S = *Stages[K];
  const plan::WindowShape &W = S.Cost.Shape;
  int64_t Rows = Band[K].OutRows;
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
        B.getI64IntegerAttr(W.StrideW), B.getI64IntegerAttr(W.DilH), B.getI64IntegerAttr(W.DilW),
        B.getBoolAttr(false));
  });
  if (S.BBuf)
    loop(W.F, [&](Value Fi) {
      elementwise(tile::EltKind::Add, OBuf, mul(Fi, Px), 1, S.BBuf, Fi, 0, OBuf, mul(Fi, Px), Px);
    });
  Value Dst;
  std::array<int64_t, 2> Strides;
  if (K + 1 < Stages.size()) {
    Stage &Next = *Stages[K + 1];
    Dst = idx(Band[K + 1].NewTo * Next.IWp + Next.Cost.Shape.PadL);
    Strides = {Next.TileRows * Next.IWp, Next.IWp};
  } else {
    Dst = add(mul(Nb, W.F * W.OH * W.OW), mul(OutLo, W.OW));
    Strides = {W.OH * W.OW, W.OW};
  }
  runEpilogue(S.Ep, OBuf, W.F, Rows, W.OW, {Nb, idx(0), OutLo, idx(0)}, Dst, Strides);
  free(OBuf);
}

/// The positions of a band: each stage's first output row, then the first
/// stage's first new input row.
static std::vector<int64_t> positions(const std::vector<plan::ChainStep> &Band) {
  std::vector<int64_t> P;
  for (const plan::ChainStep &St : Band)
    P.push_back(St.OutLo);
  P.push_back(Band[0].NewLo);
  return P;
}

/// Whether two bands differ only by their positions.
static bool sameShape(const std::vector<plan::ChainStep> &A,
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
}

void ChainKernel::bands(Value Nb) {
  for (auto &S : Stages)
    fillRows(*S, 0, S->TileRows);
  size_t K = 0, NB = T.Bands.size();
  while (K < NB) {
    size_t E = K + 1;
    std::vector<int64_t> P0 = positions(T.Bands[K]), Step;
    if (E < NB && sameShape(T.Bands[K], T.Bands[E])) {
      std::vector<int64_t> P1 = positions(T.Bands[E]);
      for (size_t I = 0; I < P0.size(); ++I)
        Step.push_back(P1[I] - P0[I]);
      ++E;
      while (E < NB && sameShape(T.Bands[K], T.Bands[E])) {
        std::vector<int64_t> Pe = positions(T.Bands[E]), Pp = positions(T.Bands[E - 1]);
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
      band(Nb, T.Bands[K], Pos, NewLo0);
    };
    if (E - K == 1)
      At(Value());
    else
      loop(int64_t(E - K), [&](Value Kv) { At(Kv); });
    K = E;
  }
}

SmallVector<Value> ChainKernel::lower() {
  collectStages();
  if (!chooseTiling())
    return Results;
  allocate();
  loop(Stages.front()->Cost.Shape.N, [&](Value Nb) { bands(Nb); });
  for (auto &S : Stages)
    for (Value V : {S->XBuf, S->WBuf, S->BBuf})
      if (V)
        free(V);
  return Results;
}

} // namespace

SmallVector<Value> Lowering::lowerChain(graph::FusedOp F) { return ChainKernel(*this, F).lower(); }

void populateFusedDepthFirstPatterns(PatternSink &P) {
  P.addFused(graph::FusionKind::DepthFirst, &Lowering::lowerChain);
}

} // namespace d1::graphtotile
