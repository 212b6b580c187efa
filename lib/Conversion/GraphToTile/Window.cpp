//===- Window.cpp - Convolution and pooling ---------------------------------===//
#include "Lowering.h"

namespace d1::graphtotile {

/// Whether two window decisions are the same (a recorded tiling is the one
/// chooseWindowTiling picks: no check needed).
static bool sameChoice(const plan::WindowChoice &A, const plan::WindowChoice &C) {
  const plan::WindowTiling &X = A.Tiling, &Y = C.Tiling;
  return A.Mma == C.Mma && Y.Fits && X.TF == Y.TF && X.TC == Y.TC && X.TOY == Y.TOY &&
         X.InputOnce == Y.InputOnce && X.DoubleInput == Y.DoubleInput &&
         X.DoubleWeights == Y.DoubleWeights;
}

/// The recorded tiling of a window kernel, if any.
static std::optional<plan::WindowChoice> recorded(Operation *Op) {
  if (auto A = Op->getAttrOfType<graph::WindowTilingAttr>(TilingAttrName))
    return windowChoice(A);
  return std::nullopt;
}

Value Lowering::global(ArrayRef<float> Data, Shape S) {
  auto TT = RankedTensorType::get(S, B.getF32Type());
  std::string Name = "cst" + std::to_string(State.NextGlobal++);
  {
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(M.getBody());
    B.create<memref::GlobalOp>(Loc, Name, B.getStringAttr("private"), dramType(TT),
                               DenseElementsAttr::get(TT, Data), true, IntegerAttr());
  }
  return B.create<memref::GetGlobalOp>(Loc, dramType(TT), Name);
}

Value Lowering::packedWeights(Value Weight, int64_t Groups) {
  auto Get = Weight.getDefiningOp<memref::GetGlobalOp>();
  if (!Get)
    return Value();
  auto G = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(Get, Get.getNameAttr());
  auto Data = G ? dyn_cast_or_null<DenseElementsAttr>(G.getInitialValueAttr()) : nullptr;
  if (!Data || !Data.getElementType().isF32())
    return Value();
  Shape S(cast<MemRefType>(Weight.getType()).getShape());
  std::vector<float> W(Data.getValues<float>().begin(), Data.getValues<float>().end());
  std::vector<uint16_t> Packed = plan::packMmaWeights(W, S[0], S[1], S[2], S[3], Groups);
  auto TT = RankedTensorType::get({int64_t(Packed.size())}, B.getBF16Type());
  std::string Name = "cst" + std::to_string(State.NextGlobal++);
  {
    OpBuilder::InsertionGuard Guard(B);
    B.setInsertionPointToStart(M.getBody());
    auto Raw = ArrayRef<char>(reinterpret_cast<const char *>(Packed.data()), Packed.size() * 2);
    B.create<memref::GlobalOp>(Loc, Name, B.getStringAttr("private"), dramType(TT),
                               DenseElementsAttr::getFromRawBuffer(TT, Raw), true, IntegerAttr());
  }
  return B.create<memref::GetGlobalOp>(Loc, dramType(TT), Name);
}

namespace {

/// One convolution or pooling over NCHW buffers, lowered with its tiling:
/// tiles of TF filters (channels when pooling) x TC input channels x TOY
/// output rows in SRAM, the loops over them, and the copies in and out.
/// Where the tiles cannot hold one output row, pooling falls back to
/// chunks of kernel rows or strips of output columns.
class WindowKernel : Lowering {
public:
  WindowKernel(Lowering &L, tile::WindowKind Kind, Value In, Shape IS, Value Weight, Value Bias,
               Value Out, Shape OS, int64_t KH, int64_t KW, ArrayRef<int64_t> St,
               ArrayRef<int64_t> Pads, ArrayRef<int64_t> Dil, int64_t Group, ArrayRef<float> Scale,
               Epilogue *Ep)
      : Lowering(L), Kind(Kind), In(In), IS(IS), Weight(Weight), Bias(Bias), Out(Out), OS(OS),
        KH(KH), KW(KW), St(St), Pads(Pads), Dil(Dil), Group(Group), Scale(Scale), Ep(Ep),
        Conv(Kind == tile::WindowKind::Conv), N(IS[0]), C(IS[1]), H(IS[2]), W(IS[3]), F(OS[1]),
        OH(OS[2]), OW(OS[3]), Cg(Conv ? C / Group : 1), Fg(Conv ? F / Group : 1),
        Groups(Conv ? Group : 1), PT(Pads[0]), PL(Pads[1]), K2(KH * KW) {}

  void lower(std::optional<plan::WindowChoice> Chosen);

private:
  struct RowTile {
    int64_t Oy0, Toy, SrcRow, DstRow, Rows;
  };
  using RowBody = std::function<void(Value Oy0, const RowTile &T, Value XOff)>;
  using FilterBody = std::function<void(Value F0, int64_t Tf, Value WOff)>;

  int64_t rowsFor(int64_t Toy) const { return (Toy - 1) * St[0] + (KH - 1) * Dil[0] + 1; }
  int64_t need(int64_t Toy) const { return plan::windowTileElements(WS, TF, TC, Toy, Extra); }
  /// The tiling: recorded (checked when set by hand) or chosen here; false
  /// after an error.
  bool choose(std::optional<plan::WindowChoice> Chosen);
  void maxPoolByRowChunks();
  void poolByColumnStrips();
  void allocate();
  void planRowTiles();
  Value loadWeights(Value Gb, Value F0, int64_t Tf, Value C0, int64_t Tc, Value WOff,
                    bool Async = false);
  Value loadInput(Value Nb, Value Gb, Value Oy0, const RowTile &T, Value First, int64_t Planes,
                  Value XOff, bool Async = false);
  void wait(Value Token) {
    if (Token)
      B.create<tile::DmaWaitOp>(Loc, Token, In, XBuf, IntegerAttr());
  }
  void makeViews(Value XOff, int64_t Planes);
  void filterTile(Value Nb, Value Gb, Value Oy0, const RowTile &T, Value F0, int64_t Tf, Value XOff,
                  Value WOff);
  void convolveChannelTile(Value Nb, Value Gb, Value Oy0, const RowTile &T, Value F0, int64_t Tf,
                           Value XOff, Value WOff, Value C0, int64_t Tc, bool Split);
  void finishFilterTile(Value Nb, Value Gb, Value Oy0, const RowTile &T, Value F0, int64_t Tf,
                        bool Split);
  bool sameRowTile(const RowTile &A, const RowTile &X) const {
    return A.Toy == X.Toy && A.DstRow == X.DstRow && A.Rows == X.Rows &&
           X.SrcRow - A.SrcRow == (X.Oy0 - A.Oy0) * St[0];
  }
  void rows(const std::function<void(Value Oy0, const RowTile &T)> &Body);
  void pipelinedRows(Value Nb, Value Gb, const RowBody &Body);
  void filterTiles(Value Gb, const FilterBody &Body);
  void emitLoops();

  // The op.
  tile::WindowKind Kind;
  Value In;
  Shape IS;
  Value Weight, Bias, Out;
  Shape OS;
  int64_t KH, KW;
  ArrayRef<int64_t> St, Pads, Dil;
  int64_t Group;
  ArrayRef<float> Scale;
  Epilogue *Ep;
  bool Conv;
  int64_t N, C, H, W, F, OH, OW, Cg, Fg, Groups, PT, PL, K2;
  // The tiling.
  Value Packed; // the bf16 weights on the matrix unit
  int64_t Budget = 0, Extra = 0;
  plan::WindowShape WS;
  plan::WindowTiling WT;
  bool Mma = false, DoubleIn = false, DoubleW = false, InputOnce = false, WeightsResident = false;
  int64_t IWp = 0, TF = 0, TC = 0, TOY = 1, XRows = 0, XHalf = 0, WHalf = 0, Cg4 = 0, Fg8 = 0;
  std::vector<RowTile> Tiles;
  // SRAM buffers (and the average pooling's scales in DRAM).
  Value XBuf, WBuf, Views, OBuf, BBuf, SBuf, ScaleG;
};

bool WindowKernel::choose(std::optional<plan::WindowChoice> Chosen) {
  // With --precision=bf16 a convolution with constant weights runs on the
  // matrix unit (conv2d_mma) where its tiles align with the A tiles (8
  // filters x 4 channels); depthwise-like groups and column strides above 2
  // stay on the vector unit. Its padded rows are a multiple of twice the
  // stride wide (for the views, d1/Planning/MmaConv.h): extra columns on
  // the right that no window reads.
  if (Conv && Bf16 && St[1] <= 2 && (Group == 1 || (Cg >= 4 && Fg >= 8)))
    Packed = packedWeights(Weight, Group);
  // Tiles: TF filters (or channels when pooling) x TC input channels x TOY
  // output rows, within half of SRAM (d1/Planning/Tiling.h): the op's
  // graph.tiling (graph-select-tiling, or set by hand), else chosen here.
  Budget = plan::windowBudget(SramBytes);
  Extra = Ep ? Ep->ExtraTiles : 0;
  WS = plan::WindowShape{Conv,  N,     C,      H,      W,       F,       OH,      OW,      KH,   KW,
                         St[0], St[1], Dil[0], Dil[1], Pads[0], Pads[1], Pads[2], Pads[3], Group};
  WS.Mma = bool(Packed);
  plan::WindowChoice Choice = plan::chooseWindowTiling(WS, Budget, Extra, DoubleBuffer);
  bool ByHand = Chosen && !sameChoice(*Chosen, Choice);
  if (Chosen)
    Choice = *Chosen;
  if (Choice.Mma && !Packed) {
    checkTiling(windowTilingAttr(B.getContext(), Choice), NotOnMatrixUnit.str());
    return false;
  }
  if (!Choice.Mma)
    Packed = Value();
  WS.Mma = Choice.Mma;
  if (WS.Mma)
    WS.PadR = plan::mmaPadRight(WS);
  IWp = W + PL + WS.PadR;
  WT = Choice.Tiling;
  if (ByHand && !checkTiling(windowTilingAttr(B.getContext(), Choice),
                             plan::checkWindowTiling(WS, WT, Budget, Extra)))
    return false;
  Mma = WS.Mma;
  TF = WT.TF;
  TC = WT.TC;
  return true;
}

void WindowKernel::lower(std::optional<plan::WindowChoice> Chosen) {
  if (!choose(Chosen))
    return;
  // (Even one output column's window does not fit: split the kernel rows.)
  if (need(1) > Budget && Kind == tile::WindowKind::Max && KH > 1 &&
      TF * rowsFor(1) * ((KW - 1) * Dil[1] + 1) > Budget / 4)
    return maxPoolByRowChunks();
  if (need(1) > Budget && !Conv && Scale.empty() && OW > 1)
    return poolByColumnStrips();
  if (!WT.Fits) {
    fail(Loc, "one output row of this layer needs " + std::to_string(need(1) * 4) +
                  " bytes of SRAM; the tile budget is " + std::to_string(Budget * 4));
    return;
  }
  TOY = WT.TOY;
  allocate();
  planRowTiles();
  emitLoops();
  for (Value V : {XBuf, WBuf, OBuf, BBuf, SBuf, Views})
    if (V)
      free(V);
}

void WindowKernel::maxPoolByRowChunks() {
  // Windows of too many rows: the maximum over chunks of kernel rows, each
  // a max pooling of its own over the input shifted by the chunk's first
  // row (cropped where the shift passes the top padding).
  int64_t KHc = std::max<int64_t>(1, (Budget / 4 / (TF * IWp) - 1) / Dil[0] + 1);
  KHc = std::min(KHc, KH - 1);
  Type E = eltOf(In);
  Value Tmp;
  for (int64_t Ky0 = 0; Ky0 < KH; Ky0 += KHc) {
    int64_t Kc = std::min(KHc, KH - Ky0);
    int64_t Top = PT - Ky0 * Dil[0]; // the chunk's top padding
    int64_t Crop = std::max<int64_t>(0, -Top);
    int64_t Hc = std::max<int64_t>(0, H - Crop);
    int64_t NeedRows = (OH - 1) * St[0] + (Kc - 1) * Dil[0] + 1;
    int64_t Bottom = std::max<int64_t>(0, NeedRows - (std::max<int64_t>(Top, 0) + Hc));
    Value CIn = In;
    Shape CS = IS;
    if (Crop) {
      CS[2] = Hc;
      CIn = B.create<memref::AllocOp>(Loc, tile::bufferType(CS, E, tile::Space::DRAM));
      if (Hc)
        stridedCopy(In, Crop * W, {C * H * W, H * W, W, 1}, CIn, 0, {C * Hc * W, Hc * W, W, 1}, CS);
    }
    Value Dst = Ky0 == 0 ? Out
                         : (Tmp ? Tmp
                                : Tmp = B.create<memref::AllocOp>(
                                      Loc, tile::bufferType(OS, E, tile::Space::DRAM)));
    lowerWindow(Kind, CIn, CS, Value(), Value(), Dst, OS, Kc, KW, St,
                {std::max<int64_t>(Top, 0), Pads[1], Bottom, Pads[3]}, Dil, 1, {});
    if (Ky0)
      elementwiseBuffers(tile::EltKind::Max, {{Out, OS}, {Tmp, OS}}, OS, Out, {});
  }
}

void WindowKernel::poolByColumnStrips() {
  // Pooling rows too wide for SRAM: pool column strips of the output, each
  // from a copy of the input columns it reads (padding kept per strip).
  int64_t TW = OW;
  while (TW > 1) {
    TW = (TW + 1) / 2;
    int64_t Cols = (TW - 1) * St[1] + (KW - 1) * Dil[1] + 1;
    if (TF * rowsFor(1) * Cols + 64 * St[1] + TF * TW + TF <= Budget / 2)
      break;
  }
  Type E = eltOf(In);
  for (int64_t Ox0 = 0; Ox0 < OW; Ox0 += TW) {
    int64_t Tw = std::min(TW, OW - Ox0);
    int64_t X0 = Ox0 * St[1] - PL, X1 = X0 + (Tw - 1) * St[1] + (KW - 1) * Dil[1] + 1;
    int64_t Lo = std::max<int64_t>(X0, 0), Hi = std::min<int64_t>(X1, W);
    Shape SIS = {N, C, H, std::max<int64_t>(Hi - Lo, 0)}, SOS = {N, C, OH, Tw};
    Value SIn = B.create<memref::AllocOp>(Loc, tile::bufferType(SIS, E, tile::Space::DRAM));
    Value SOut = B.create<memref::AllocOp>(Loc, tile::bufferType(SOS, E, tile::Space::DRAM));
    if (Hi > Lo)
      stridedCopy(In, Lo, {C * H * W, H * W, W, 1}, SIn, 0, {C * H * SIS[3], H * SIS[3], SIS[3], 1},
                  SIS);
    lowerWindow(Kind, SIn, SIS, Value(), Value(), SOut, SOS, KH, KW, St,
                {Pads[0], Lo - X0, Pads[2], X1 - Hi}, Dil, 1, {});
    stridedCopy(SOut, 0, {C * OH * Tw, OH * Tw, Tw, 1}, Out, Ox0, {C * OH * OW, OH * OW, OW, 1},
                SOS);
  }
}

void WindowKernel::allocate() {
  XRows = rowsFor(TOY);
  int64_t XPlanes = Conv ? TC : TF;
  // Double-buffered, the input tile has two halves: row tile t's input goes
  // to half t & 1 while tile t - 1 computes from the other.
  // Likewise the weights: filter tile t's in half t & 1 of WBuf.
  DoubleIn = WT.DoubleInput;
  DoubleW = WT.DoubleWeights;
  XHalf = XPlanes * XRows * IWp + 64 * St[1];
  // On the matrix unit the weights are bf16 A tiles and the input's bf16
  // views get a scratch buffer.
  Cg4 = plan::roundUp(Cg, 4);
  Fg8 = plan::roundUp(Fg, 8);
  WHalf = Mma ? plan::mmaWeightElements(TF, TC, KH, KW) : TF * TC * K2;
  XBuf = sram(XHalf * (DoubleIn ? 2 : 1));
  WBuf = Conv ? sram(WHalf * (DoubleW ? 2 : 1), Mma ? B.getBF16Type() : Type()) : Value();
  Views =
      Mma ? sram(plan::mmaConvLayout(TC, XRows, IWp, OW, KW, St[1], Dil[1], TF).ScratchBytes / 2,
                 B.getBF16Type())
          : Value();
  // (On the matrix unit, channel tiles that add up read each 8 x 8 block
  // of old outputs whole: a last partial block reads up to 8 elements past
  // the tile.)
  OBuf = sram(TF * TOY * OW + (Mma ? 8 : 0));
  // On the matrix unit the bias starts the accumulators: all of a group's
  // filters' biases are loaded once.
  BBuf = Bias ? sram(Mma ? Fg : TF) : Value();
  SBuf = !Scale.empty() ? sram(TOY * OW) : Value();
  ScaleG = !Scale.empty() ? global(Scale, {OH * OW}) : Value();
}

void WindowKernel::planRowTiles() {
  // Row tiles: the first and last may be clipped by the padding; the rest
  // are alike and share a loop.
  for (int64_t Oy0 = 0; Oy0 < OH; Oy0 += TOY) {
    int64_t Toy = std::min(TOY, OH - Oy0);
    int64_t Y0 = Oy0 * St[0] - PT, Need = rowsFor(Toy);
    int64_t Lo = std::max<int64_t>(Y0, 0), Hi = std::min<int64_t>(Y0 + Need, H);
    Tiles.push_back({Oy0, Toy, Lo, Lo - Y0, std::max<int64_t>(Hi - Lo, 0)});
  }
  // With every input channel in one tile, one operand stays in SRAM across
  // the other's tiles, whichever the tiling found moves fewer bytes: a
  // filter tile's weights across all row tiles (filter tiles outside,
  // weights read once), or a row tile's input across all filter tiles (rows
  // outside, weights per filter tile). Otherwise rows outside, and weights
  // and input per (row, filter, channel) tile.
  InputOnce = Conv && WT.InputOnce;
  WeightsResident = Conv && Cg <= TC && !InputOnce;
}

/// Returns the copy's token when Async.
Value WindowKernel::loadWeights(Value Gb, Value F0, int64_t Tf, Value C0, int64_t Tc, Value WOff,
                                bool Async) {
  if (Mma) {
    // Rows of A tiles: (filter block, ky, kx) x the channel tile's blocks.
    int64_t Tc4 = plan::roundUp(Tc, 4);
    Value WSrc = add(add(mul(Gb, Fg8 * K2 * Cg4), mul(F0, K2 * Cg4)), mul(C0, 8));
    return dma(Packed, WSrc, WBuf, WOff, {1, plan::roundUp(Tf, 8) / 8 * K2, Tc4 * 8}, {0, Cg4 * 8},
               {0, Tc4 * 8}, Async);
  }
  Value WSrc = add(mul(add(mul(Gb, Fg), F0), Cg * K2), mul(C0, K2));
  return dma(Weight, WSrc, WBuf, WOff, {1, Tf, Tc * K2}, {0, Cg * K2}, {0, Tc * K2}, Async);
}

/// The padded input tile of Planes channels from channel First (within the
/// group) at XOff: pad value, then the input rows inside. Started only when
/// Async (and there are rows): the copy's token, for wait().
Value WindowKernel::loadInput(Value Nb, Value Gb, Value Oy0, const RowTile &T, Value First,
                              int64_t Planes, Value XOff, bool Async) {
  float PadValue = Kind == tile::WindowKind::Max ? -INFINITY : 0.0f;
  elementwise(tile::EltKind::Fill, XBuf, XOff, 0, Value(), Value(), 0, XBuf, XOff,
              Planes * XRows * IWp, {PadValue});
  if (T.Rows > 0) {
    int64_t InPlane = H * W;
    Value Ch = Conv ? add(mul(Gb, Cg), First) : First;
    // First input row: Oy0 * stride - pad_top + the rows clipped away.
    Value Src = add(add(mul(Nb, C * InPlane), mul(Ch, InPlane)),
                    add(mul(Oy0, St[0] * W), idx((T.DstRow - PT) * W)));
    return dma(In, Src, XBuf, add(XOff, T.DstRow * IWp + PL), {Planes, T.Rows, W}, {InPlane, W},
               {XRows * IWp, IWp}, Async);
  }
  return Value();
}

/// On the matrix unit: the bf16 views of an input tile that has arrived,
/// for every filter tile over it.
void WindowKernel::makeViews(Value XOff, int64_t Planes) {
  if (Mma)
    B.create<tile::MmaViewsOp>(Loc, XBuf, XOff, Views, idx(0), B.getI64IntegerAttr(Planes),
                               B.getI64IntegerAttr(XRows), B.getI64IntegerAttr(IWp),
                               B.getI64IntegerAttr(OW), B.getI64IntegerAttr(KW),
                               B.getI64IntegerAttr(St[1]), B.getI64IntegerAttr(Dil[1]));
}

/// One filter tile of one row tile, its input at XOff (loaded here unless
/// the caller loaded it).
void WindowKernel::filterTile(Value Nb, Value Gb, Value Oy0, const RowTile &T, Value F0, int64_t Tf,
                              Value XOff, Value WOff) {
  bool Split = Conv && Cg > TC;
  if (Split)
    elementwise(tile::EltKind::Fill, OBuf, idx(0), 0, Value(), Value(), 0, OBuf, idx(0),
                Tf * T.Toy * OW, {0.0f});
  forTiles(Conv ? Cg : 1, Conv ? TC : 1, [&](Value C0, int64_t Tc) {
    convolveChannelTile(Nb, Gb, Oy0, T, F0, Tf, XOff, WOff, C0, Tc, Split);
  });
  finishFilterTile(Nb, Gb, Oy0, T, F0, Tf, Split);
}

/// The channel tile [C0, C0 + Tc) of a filter tile (the pooled channels
/// when pooling): into OBuf, added to it when Split.
void WindowKernel::convolveChannelTile(Value Nb, Value Gb, Value Oy0, const RowTile &T, Value F0,
                                       int64_t Tf, Value XOff, Value WOff, Value C0, int64_t Tc,
                                       bool Split) {
  int64_t Toy = T.Toy;
  int64_t Planes = Conv ? Tc : Tf;
  if (!InputOnce && !DoubleIn) {
    loadInput(Nb, Gb, Oy0, T, Conv ? C0 : F0, Planes, XOff);
    makeViews(XOff, Planes);
  }
  if (Conv && !WeightsResident && !DoubleW)
    loadWeights(Gb, F0, Tf, C0, Tc, idx(0));
  if (Mma) {
    // The bias starts the accumulators (unless channel tiles add up).
    B.create<tile::Conv2DMmaOp>(
        Loc, XBuf, XOff, WBuf, WOff, Views, idx(0), Bias && !Split ? BBuf : Value(),
        Bias && !Split ? F0 : Value(), OBuf, idx(0), B.getI64IntegerAttr(Planes),
        B.getI64IntegerAttr(Tf), B.getI64IntegerAttr(XRows), B.getI64IntegerAttr(IWp),
        B.getI64IntegerAttr(Toy), B.getI64IntegerAttr(OW), B.getI64IntegerAttr(KH),
        B.getI64IntegerAttr(KW), B.getI64IntegerAttr(St[0]), B.getI64IntegerAttr(St[1]),
        B.getI64IntegerAttr(Dil[0]), B.getI64IntegerAttr(Dil[1]), B.getBoolAttr(Split));
    return;
  }
  B.create<tile::Conv2DOp>(
      Loc, tile::WindowKindAttr::get(B.getContext(), Kind), XBuf, XOff, Conv ? WBuf : Value(),
      Conv ? WOff : Value(), OBuf, idx(0), B.getI64IntegerAttr(Planes),
      B.getI64IntegerAttr(Conv ? Tf : 1), B.getI64IntegerAttr(XRows), B.getI64IntegerAttr(IWp),
      B.getI64IntegerAttr(Toy), B.getI64IntegerAttr(OW), B.getI64IntegerAttr(KH),
      B.getI64IntegerAttr(KW), B.getI64IntegerAttr(St[0]), B.getI64IntegerAttr(St[1]),
      B.getI64IntegerAttr(Dil[0]), B.getI64IntegerAttr(Dil[1]), B.getBoolAttr(Split));
}

/// A filter tile's output in OBuf: the bias, the average pooling's scale,
/// then the epilogue or the copy out.
void WindowKernel::finishFilterTile(Value Nb, Value Gb, Value Oy0, const RowTile &T, Value F0,
                                    int64_t Tf, bool Split) {
  int64_t Toy = T.Toy;
  int64_t Px = Toy * OW;
  if (Bias && !(Mma && !Split)) {
    Value BOff = Mma ? F0 : idx(0);
    if (!Mma)
      dma(Bias, add(mul(Gb, Fg), F0), BBuf, idx(0), {1, 1, Tf}, {0, 0}, {0, 0});
    auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Tf), idx(1));
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(For.getBody());
    Value Fi = For.getInductionVar();
    elementwise(tile::EltKind::Add, OBuf, mul(Fi, Px), 1, BBuf, add(BOff, Fi), 0, OBuf, mul(Fi, Px),
                Px);
  }
  if (Kind == tile::WindowKind::Sum) {
    if (SBuf) {
      dma(ScaleG, mul(Oy0, OW), SBuf, idx(0), {1, 1, Px}, {0, 0}, {0, 0});
      auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Tf), idx(1));
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(For.getBody());
      Value Fi = For.getInductionVar();
      elementwise(tile::EltKind::Mul, OBuf, mul(Fi, Px), 1, SBuf, idx(0), 1, OBuf, mul(Fi, Px), Px);
    } else {
      elementwise(tile::EltKind::Affine, OBuf, idx(0), 1, Value(), Value(), 0, OBuf, idx(0),
                  Tf * Px, {1.0f / float(K2), 0.0f});
    }
  }
  int64_t OutPlane = OH * OW;
  Value Ch = Conv ? add(mul(Gb, Fg), F0) : F0;
  Value Dst = add(add(mul(Nb, F * OutPlane), mul(Ch, OutPlane)), mul(Oy0, OW));
  if (Ep)
    runEpilogue(*Ep, OBuf, Tf, Toy, OW, {Nb, Ch, Oy0, idx(0)}, Dst, {OutPlane, OW});
  else
    dma(OBuf, idx(0), Out, Dst, {Tf, Toy, OW}, {Toy * OW, OW}, {OutPlane, OW});
}

/// Every row tile; runs of row tiles that differ only by their position
/// share a loop.
void WindowKernel::rows(const std::function<void(Value Oy0, const RowTile &T)> &Body) {
  size_t K = 0;
  while (K < Tiles.size()) {
    size_t E = K + 1;
    while (E < Tiles.size() && sameRowTile(Tiles[K], Tiles[E]))
      ++E;
    if (E - K == 1) {
      Body(idx(Tiles[K].Oy0), Tiles[K]);
    } else {
      auto For = B.create<scf::ForOp>(Loc, idx(Tiles[K].Oy0), idx(Tiles[E - 1].Oy0 + 1), idx(TOY));
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(For.getBody());
      Body(For.getInductionVar(), Tiles[K]);
    }
    K = E;
  }
}

/// Every row tile with its input double-buffered: before tile t computes,
/// tile t + 1's input is started into the other half, so that the copy
/// runs while t computes. The last tile of each run of alike tiles is
/// peeled off, since the tile after it is shaped differently.
void WindowKernel::pipelinedRows(Value Nb, Value Gb, const RowBody &Body) {
  auto Start = [&](Value Oy0, const RowTile &T, Value XOff) {
    return loadInput(Nb, Gb, Oy0, T, idx(0), Cg, XOff, /*Async=*/true);
  };
  // The started copy of the next tile's input (none for a tile without
  // input rows); alike tiles have rows alike, so a run's loop carries a
  // token in every iteration or in none.
  Value Token = Start(idx(Tiles[0].Oy0), Tiles[0], idx(0));
  size_t K = 0;
  while (K < Tiles.size()) {
    size_t E = K + 1;
    while (E < Tiles.size() && sameRowTile(Tiles[K], Tiles[E]))
      ++E;
    if (E - K > 1) {
      auto For = tokenLoop(idx(0), idx(int64_t(E - 1 - K)), idx(1), Token);
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(For.getBody());
      Value J = For.getInductionVar(), T = add(J, int64_t(K));
      Value Oy0 = add(mul(J, TOY), Tiles[K].Oy0);
      wait(Token ? For.getRegionIterArgs()[0] : Value());
      Value Next = Start(add(Oy0, TOY), Tiles[K], half(add(T, 1), XHalf));
      makeViews(half(T, XHalf), Cg);
      Body(Oy0, Tiles[K], half(T, XHalf));
      if (Token) {
        B.setInsertionPointToEnd(For.getBody());
        B.create<scf::YieldOp>(Loc, Next);
        Token = For.getResult(0);
      }
    }
    wait(Token);
    Token = Value();
    if (E < Tiles.size())
      Token = Start(idx(Tiles[E].Oy0), Tiles[E], half(int64_t(E), XHalf));
    makeViews(half(int64_t(E - 1), XHalf), Cg);
    Body(idx(Tiles[E - 1].Oy0), Tiles[E - 1], half(int64_t(E - 1), XHalf));
    K = E;
  }
}

/// Every filter tile (channel tile when pooling), each with its weights at
/// WOff; double-buffered like the rows: filter tile t + 1's weights are
/// started before tile t computes.
void WindowKernel::filterTiles(Value Gb, const FilterBody &Body) {
  if (!DoubleW)
    return forTiles(Conv ? Fg : C, TF, [&](Value F0, int64_t Tf) { Body(F0, Tf, idx(0)); });
  int64_t Full = Fg / TF, Rem = Fg % TF;
  auto Start = [&](Value F0, int64_t Tf, Value WOff) {
    return loadWeights(Gb, F0, Tf, idx(0), Cg, WOff, /*Async=*/true);
  };
  auto WaitW = [&](Value Token) {
    B.create<tile::DmaWaitOp>(Loc, Token, Mma ? Packed : Weight, WBuf, IntegerAttr());
  };
  Value Token = Start(idx(0), TF, idx(0)); // canDoubleWeights: TF < Fg, so Full >= 1
  if (Full > 1) {
    auto For = tokenLoop(idx(0), idx(Full - 1), idx(1), Token);
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(For.getBody());
    Value J = For.getInductionVar();
    WaitW(For.getRegionIterArgs()[0]);
    Value Next = Start(mul(add(J, 1), TF), TF, half(add(J, 1), WHalf));
    Body(mul(J, TF), TF, half(J, WHalf));
    B.setInsertionPointToEnd(For.getBody());
    B.create<scf::YieldOp>(Loc, Next);
    Token = For.getResult(0);
  }
  WaitW(Token);
  if (Rem)
    Token = Start(idx(Full * TF), Rem, half(Full, WHalf));
  Body(idx((Full - 1) * TF), TF, half(Full - 1, WHalf));
  if (Rem) {
    WaitW(Token);
    Body(idx(Full * TF), Rem, half(Full, WHalf));
  }
}

void WindowKernel::emitLoops() {
  loop(N, [&](Value Nb) {
    loop(Groups, [&](Value Gb) {
      if (Mma && Bias)
        dma(Bias, mul(Gb, Fg), BBuf, idx(0), {1, 1, Fg}, {0, 0}, {0, 0});
      if (WeightsResident) {
        filterTiles(Gb, [&](Value F0, int64_t Tf, Value WOff) {
          if (!DoubleW)
            loadWeights(Gb, F0, Tf, idx(0), Cg, WOff);
          if (DoubleIn)
            pipelinedRows(Nb, Gb, [&](Value Oy0, const RowTile &T, Value XOff) {
              filterTile(Nb, Gb, Oy0, T, F0, Tf, XOff, WOff);
            });
          else
            rows([&](Value Oy0, const RowTile &T) {
              filterTile(Nb, Gb, Oy0, T, F0, Tf, idx(0), WOff);
            });
        });
        return;
      }
      auto Filters = [&](Value Oy0, const RowTile &T, Value XOff) {
        filterTiles(Gb, [&](Value F0, int64_t Tf, Value WOff) {
          filterTile(Nb, Gb, Oy0, T, F0, Tf, XOff, WOff);
        });
      };
      if (DoubleIn)
        return pipelinedRows(Nb, Gb, Filters);
      rows([&](Value Oy0, const RowTile &T) {
        if (InputOnce) {
          loadInput(Nb, Gb, Oy0, T, idx(0), Cg, idx(0));
          makeViews(idx(0), Cg);
        }
        Filters(Oy0, T, idx(0));
      });
    });
  });
}

} // namespace

void Lowering::lowerWindow(tile::WindowKind Kind, Value In, Shape IS, Value Weight, Value Bias,
                           Value Out, Shape OS, int64_t KH, int64_t KW, ArrayRef<int64_t> St,
                           ArrayRef<int64_t> Pads, ArrayRef<int64_t> Dil, int64_t Group,
                           ArrayRef<float> Scale, Epilogue *Ep,
                           std::optional<plan::WindowChoice> Chosen) {
  WindowKernel(*this, Kind, In, IS, Weight, Bias, Out, OS, KH, KW, St, Pads, Dil, Group, Scale, Ep)
      .lower(Chosen);
}

Value Lowering::lowerConv(graph::ConvOp C, Value Dest, Epilogue *Ep) {
  Value Out = result(C.getResult(), Dest, Ep);
  Shape WS = shapeOf(C.getWeight()), OS = shapeOf(C.getResult());
  if (WS[1] == 0) {
    // No input channels: every output is the filter's bias (or 0).
    if (Ep)
      return fail(Loc, "a convolution without input channels has no epilogue");
    fill(Out, shapes::numElements(OS), 0.0f);
    if (C.getBias())
      elementwiseBuffers(tile::EltKind::Add, {{Out, OS}, {buffer(C.getBias()), {1, OS[1], 1, 1}}},
                         OS, Out, {});
    return Out;
  }
  lowerWindow(tile::WindowKind::Conv, buffer(C.getInput()), shapeOf(C.getInput()),
              buffer(C.getWeight()), C.getBias() ? buffer(C.getBias()) : Value(), Out, OS, WS[2],
              WS[3], C.getStrides(), C.getPads(), C.getDilations(), C.getGroup(), {}, Ep,
              recorded(C));
  return Out;
}

Value Lowering::lowerMaxPool(graph::MaxPoolOp P, Value Dest) {
  Value Out = result(P.getResult(), Dest);
  lowerWindow(tile::WindowKind::Max, buffer(P.getInput()), shapeOf(P.getInput()), Value(), Value(),
              Out, shapeOf(P.getResult()), P.getKernel()[0], P.getKernel()[1], P.getStrides(),
              P.getPads(), P.getDilations(), 1, {}, nullptr, recorded(P));
  return Out;
}

Value Lowering::lowerAvgPool(graph::AvgPoolOp P, Value Dest) {
  Value Out = result(P.getResult(), Dest);
  Shape IS = shapeOf(P.getInput()), OS = shapeOf(P.getResult());
  auto Pads = P.getPads();
  bool Padded = Pads[0] || Pads[1] || Pads[2] || Pads[3];
  std::vector<float> Scale;
  if (Padded && !P.getCountIncludePad()) {
    // Windows at the border count only the input elements they cover.
    auto Span = [&](int64_t O, int64_t S, int64_t Pd, int64_t K, int64_t In) {
      int64_t Lo = O * S - Pd, Hi = Lo + K;
      return std::min(Hi, In) - std::max<int64_t>(Lo, 0);
    };
    for (int64_t Oy = 0; Oy < OS[2]; ++Oy)
      for (int64_t Ox = 0; Ox < OS[3]; ++Ox) {
        int64_t Count = Span(Oy, P.getStrides()[0], Pads[0], P.getKernel()[0], IS[2]) *
                        Span(Ox, P.getStrides()[1], Pads[1], P.getKernel()[1], IS[3]);
        Scale.push_back(1.0f / float(std::max<int64_t>(Count, 1)));
      }
  }
  lowerWindow(tile::WindowKind::Sum, buffer(P.getInput()), IS, Value(), Value(), Out, OS,
              P.getKernel()[0], P.getKernel()[1], P.getStrides(), Pads, {1, 1}, 1, Scale, nullptr,
              recorded(P));
  return Out;
}

void populateWindowPatterns(PatternSink &P) {
  P.add<graph::ConvOp>(&Lowering::lowerConv);
  P.add(&Lowering::lowerMaxPool);
  P.add(&Lowering::lowerAvgPool);
}

} // namespace d1::graphtotile
