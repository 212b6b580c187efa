//===- Tiling.cpp - Tile sizes of the SRAM kernels and their traffic ------===//
#include "d1/Planning/Tiling.h"
#include "d1/Planning/MmaConv.h"

#include <algorithm>

using namespace d1::plan;

static int64_t ceilDiv(int64_t A, int64_t B) { return (A + B - 1) / B; }

static int64_t rowsFor(const WindowShape &S, int64_t Toy) {
  return (Toy - 1) * S.StrideH + (S.KH - 1) * S.DilH + 1;
}

int64_t d1::plan::windowTileElements(const WindowShape &S, int64_t TF, int64_t TC, int64_t TOY,
                                     int64_t ExtraOutTiles, bool DoubleInput, bool DoubleWeights) {
  int64_t IWp = S.W + S.PadL + S.PadR;
  int64_t In = ((S.Conv ? TC : TF) * rowsFor(S, TOY) * IWp + 64 * S.StrideW) *
               (DoubleInput && canDoubleInput(S, TC, TOY) ? 2 : 1);
  // On the matrix unit the weights are bf16 A tiles (8 filters x 4 channels).
  int64_t Weights =
      (S.Conv ? S.Mma ? ceilDiv(mmaWeightElements(TF, TC, S.KH, S.KW), 2) : TF * TC * S.KH * S.KW
              : 0) *
      (DoubleWeights && canDoubleWeights(S, TF, TC) ? 2 : 1);
  int64_t Out = TF * TOY * S.OW;
  // On the matrix unit also the bf16 views, all of a group's biases and 8
  // elements of slack after the output tile (GraphToTile allocates them).
  int64_t Views = 0;
  if (S.Mma && S.Conv)
    Views =
        S.F / S.Group - TF + 8 +
        ceilDiv(
            mmaConvLayout(TC, rowsFor(S, TOY), IWp, S.OW, S.KW, S.StrideW, S.DilW, TF).ScratchBytes,
            4);
  return In + Weights + Out * (1 + ExtraOutTiles) + TF + Views;
}

/// The tiling with double buffering asked for (DI, DW) or not.
static WindowTiling tileWindow(const WindowShape &S, int64_t Budget, int64_t Extra, bool DI,
                               bool DW) {
  int64_t Cg = S.Conv ? S.C / S.Group : 1, Fg = S.Conv ? S.F / S.Group : 1;
  auto Elements = [&](int64_t TF, int64_t TC, int64_t TOY) {
    return windowTileElements(S, TF, TC, TOY, Extra, DI, DW);
  };
  WindowTiling T;
  T.TF = S.Conv ? std::min<int64_t>(Fg, 64) : std::min<int64_t>(S.C, 64);
  T.TC = S.Conv ? std::min<int64_t>(Cg, 64) : 1;
  auto Need = [&](int64_t Toy) { return Elements(T.TF, T.TC, Toy); };
  while (Need(1) > Budget && (T.TF > 1 || T.TC > 1)) {
    if (T.TC >= T.TF && T.TC > 1)
      T.TC = (T.TC + 1) / 2;
    else
      T.TF = (T.TF + 1) / 2;
  }
  T.Fits = Need(1) <= Budget;
  if (!T.Fits)
    return T;
  auto Rows = [&](WindowTiling &X) {
    X.TOY = 1;
    while (X.TOY < S.OH && Elements(X.TF, X.TC, X.TOY * 2) <= Budget)
      X.TOY *= 2;
    X.TOY = std::min(X.TOY, S.OH);
  };
  Rows(T);
  // A convolution whose input channels do not fit one channel tile reads
  // its weights again for every row tile and its input again for every
  // filter tile. With all channels in one tile (fewer filters per tile if
  // need be, not under 8) either stays in SRAM across the other's tiles:
  // take that where it moves fewer bytes.
  if (S.Conv && Cg > T.TC) {
    int64_t Best = windowTraffic(S, T);
    // (On the matrix unit not under 16: with fewer than two filter blocks
    // the K loop gathers more B tiles than its load ports can feed.)
    int64_t Least = std::min<int64_t>(Fg, S.Mma ? 16 : 8);
    for (int64_t TF = std::min<int64_t>(Fg, 64); TF >= Least; TF /= 2) {
      WindowTiling X;
      X.TF = TF;
      X.TC = Cg;
      X.Fits = Elements(TF, Cg, 1) <= Budget;
      if (!X.Fits)
        continue;
      Rows(X);
      for (bool Once : {false, true}) {
        X.InputOnce = Once;
        int64_t Traffic = windowTraffic(S, X);
        if (Traffic * 50 < Best * 49) { // at least 2 % fewer bytes
          T = X;
          Best = Traffic;
        }
      }
    }
  }
  // All channels in one tile: keep the input or the weights across tiles,
  // whichever moves fewer bytes.
  if (S.Conv && Cg <= T.TC) {
    WindowTiling X = T;
    X.InputOnce = true;
    if (windowTraffic(S, X) < windowTraffic(S, T))
      T = X;
  }
  T.DoubleInput = DI && canDoubleInput(S, T.TC, T.TOY);
  T.DoubleWeights = DW && canDoubleWeights(S, T.TF, T.TC);
  return T;
}

WindowTiling d1::plan::windowTiling(const WindowShape &S, int64_t Budget, int64_t Extra,
                                    bool AllowDouble) {
  WindowTiling Best = tileWindow(S, Budget, Extra, false, false);
  if (!Best.Fits || !AllowDouble)
    return Best;
  int64_t Bytes = windowTraffic(S, Best);
  // Most overlap first; a variant must move no more bytes. On the matrix
  // unit it must also keep 16 filters per tile where single buffers do:
  // fewer starve the K loop of A tiles.
  for (auto [DI, DW] : {std::pair{true, true}, {false, true}, {true, false}}) {
    WindowTiling X = tileWindow(S, Budget, Extra, DI, DW);
    if (X.Fits && (X.DoubleInput || X.DoubleWeights) && windowTraffic(S, X) <= Bytes &&
        (!S.Mma || X.TF >= std::min<int64_t>(Best.TF, 16)))
      return X;
  }
  return Best;
}

int64_t d1::plan::mmaPadRight(const WindowShape &S) {
  int64_t Wp = S.W + S.PadL + S.PadR;
  return S.PadR + roundUp(Wp, 2 * S.StrideW) - Wp;
}

WindowChoice d1::plan::chooseWindowTiling(const WindowShape &S, int64_t Budget, int64_t Extra,
                                          bool AllowDouble) {
  WindowShape M = S;
  if (M.Mma)
    M.PadR = mmaPadRight(S);
  WindowTiling T = windowTiling(M, Budget, Extra, AllowDouble);
  int64_t Cg = S.C / S.Group, Fg = S.F / S.Group;
  if (M.Mma && !((T.TF % 8 == 0 || T.TF >= Fg) && (T.TC % 4 == 0 || T.TC >= Cg))) {
    M = S;
    M.Mma = false;
    T = windowTiling(M, Budget, Extra, AllowDouble);
  }
  return {T, M.Mma};
}

std::string d1::plan::checkWindowTiling(const WindowShape &S, const WindowTiling &T, int64_t Budget,
                                        int64_t Extra) {
  int64_t Cg = S.Conv ? S.C / S.Group : 1, Fg = S.Conv ? S.F / S.Group : S.C;
  auto Range = [](const char *What, int64_t V, int64_t Max) {
    return V >= 1 && V <= Max ? std::string()
                              : std::string(What) + " = " + std::to_string(V) + " is not in [1, " +
                                    std::to_string(Max) + "]";
  };
  for (std::string E :
       {Range("filters", T.TF, Fg), Range("channels", T.TC, Cg), Range("rows", T.TOY, S.OH)})
    if (!E.empty())
      return E;
  if (T.DoubleInput && !canDoubleInput(S, T.TC, T.TOY))
    return "double_input needs every input channel in one tile and more than one row tile";
  if (T.DoubleWeights && !canDoubleWeights(S, T.TF, T.TC))
    return "double_weights needs every input channel in one tile and more than one filter tile";
  if (T.InputOnce && !(S.Conv && T.TC >= Cg))
    return "input_once needs a convolution with every input channel in one tile";
  if (S.Mma && !((T.TF % 8 == 0 || T.TF >= Fg) && (T.TC % 4 == 0 || T.TC >= Cg)))
    return "the matrix unit takes whole groups of 8 filters and 4 channels";
  int64_t Need = windowTileElements(S, T.TF, T.TC, T.TOY, Extra, T.DoubleInput, T.DoubleWeights);
  if (Need > Budget)
    return "its tiles need " + std::to_string(Need * 4) + " bytes of SRAM; the budget is " +
           std::to_string(Budget * 4);
  return "";
}

int64_t d1::plan::windowTraffic(const WindowShape &S, const WindowTiling &T) {
  int64_t Groups = S.Conv ? S.Group : 1;
  int64_t Cg = S.Conv ? S.C / S.Group : 1, Fg = S.Conv ? S.F / S.Group : S.C;
  int64_t RowTiles = ceilDiv(S.OH, T.TOY), FTiles = ceilDiv(Fg, T.TF);
  int64_t Rows = std::min(S.H, rowsFor(S, T.TOY));
  // Pooling reads each channel's rows once (its "filter tiles" are channels).
  int64_t Input = S.Conv ? S.N * Groups * FTiles * Cg * RowTiles * Rows * S.W
                         : S.N * S.C * RowTiles * Rows * S.W;
  // With all input channels in one tile, either a filter tile's weights
  // stay in SRAM across row tiles (the input is read per filter tile) or a
  // row tile's input stays across filter tiles (the weights are read per
  // row tile); GraphToTile's lowerWindow.
  bool OneChannelTile = Cg <= T.TC;
  int64_t WeightReads = OneChannelTile && !T.InputOnce ? 1 : RowTiles;
  if (S.Conv && OneChannelTile && T.InputOnce)
    Input /= FTiles;
  int64_t Weights = S.Conv ? S.N * Groups * WeightReads * Fg * Cg * S.KH * S.KW : 0;
  int64_t Output = S.N * S.F * S.OH * S.OW;
  return 4 * (Input + Weights + Output);
}

MatmulTiling d1::plan::matmulTiling(int64_t M, int64_t N, int64_t K, int64_t Budget, int64_t Extra,
                                    bool Mma) {
  MatmulTiling T;
  T.TN = std::min<int64_t>(N, 256);
  T.TK = std::min<int64_t>(K, Mma ? 128 : 256);
  if (!Mma) {
    T.TM = std::max<int64_t>(
        1, std::min<int64_t>(M, (Budget - T.TK * T.TN) / (T.TK + T.TN * (1 + Extra))));
    T.TM = std::min<int64_t>(T.TM, 256);
    return T;
  }
  // fp32 A, B and C tiles, then the bf16 copies (half an element each) of
  // A and B padded to whole tiles, and the staging block.
  int64_t K4 = roundUp(T.TK, 4), N8 = roundUp(T.TN, 8);
  int64_t Fixed = T.TK * T.TN + K4 * N8 / 2 + 64;
  int64_t PerRow = T.TK + K4 / 2 + T.TN * (1 + Extra);
  T.TM = std::clamp<int64_t>((Budget - Fixed) / PerRow, 1, std::min<int64_t>(M, 256));
  if (T.TM < M && T.TM > 8)
    T.TM = T.TM / 8 * 8;
  return T;
}

std::string d1::plan::checkRowTiling(int64_t Rows, int64_t Most) {
  if (Rows >= 1 && Rows <= Most)
    return "";
  return "rows = " + std::to_string(Rows) + " is not in [1, " + std::to_string(Most) +
         "], the rows whose tiles fit the budget";
}

std::string d1::plan::checkChainTiling(const std::vector<ChainStage> &Stages, int64_t Rows,
                                       int64_t Budget) {
  int64_t OH = Stages.back().Shape.OH;
  if (Rows < 1 || Rows > OH)
    return "rows = " + std::to_string(Rows) + " is not in [1, " + std::to_string(OH) + "]";
  int64_t Need = chainBands(Stages, Rows).Elements;
  if (Need > Budget)
    return "its bands need " + std::to_string(Need * 4) + " bytes of SRAM; the budget is " +
           std::to_string(Budget * 4);
  return "";
}

int64_t d1::plan::matmulTileElements(const MatmulTiling &T, int64_t Extra, bool Mma) {
  if (!Mma)
    return T.TK * T.TN + T.TM * (T.TK + T.TN * (1 + Extra));
  int64_t K4 = roundUp(T.TK, 4), N8 = roundUp(T.TN, 8);
  return T.TK * T.TN + K4 * N8 / 2 + 64 + T.TM * (T.TK + K4 / 2 + T.TN * (1 + Extra));
}

std::string d1::plan::checkMatmulTiling(int64_t M, int64_t N, int64_t K, const MatmulTiling &T,
                                        int64_t Budget, int64_t Extra, bool Mma) {
  auto Range = [](const char *What, int64_t V, int64_t Max) {
    return V >= std::min<int64_t>(1, Max) && V <= Max
               ? std::string()
               : std::string(What) + " = " + std::to_string(V) + " is not in [1, " +
                     std::to_string(Max) + "]";
  };
  for (std::string E : {Range("m", T.TM, M), Range("n", T.TN, N),
                        Range("k", T.TK, std::min<int64_t>(K, Mma ? 128 : K))})
    if (!E.empty())
      return E;
  int64_t Need = matmulTileElements(T, Extra, Mma);
  if (Need > Budget)
    return "its tiles need " + std::to_string(Need * 4) + " bytes of SRAM; the budget is " +
           std::to_string(Budget * 4);
  return "";
}

int64_t d1::plan::matmulTraffic(int64_t M, int64_t N, int64_t K, const MatmulTiling &T) {
  int64_t A = M * K * ceilDiv(N, T.TN), B = K * N * ceilDiv(M, T.TM), C = M * N;
  return 4 * (A + B + C);
}

EpilogueTiles d1::plan::assignEpilogueTiles(const std::vector<EpilogueStep> &Steps, int NumValues,
                                            const std::vector<bool> &ReadWhole) {
  EpilogueTiles T;
  T.Slot.assign(size_t(NumValues), -1);
  std::vector<int> LastRead(size_t(NumValues), -1);
  std::vector<bool> Given(size_t(NumValues), false);
  for (size_t I = 0; I < Steps.size(); ++I) {
    for (int X : Steps[I].Reads)
      LastRead[size_t(X)] = int(I);
    Given[size_t(Steps[I].Result)] = true;
  }
  std::vector<bool> Busy{true};
  auto Alloc = [&]() {
    for (size_t K = 0; K < Busy.size(); ++K)
      if (!Busy[K]) {
        Busy[K] = true;
        return int(K);
      }
    Busy.push_back(true);
    return int(Busy.size() - 1);
  };
  T.Slot[0] = 0;
  for (size_t I = 0; I < Steps.size(); ++I) {
    const EpilogueStep &S = Steps[I];
    for (int X : S.Reads)
      if (X != 0 && !Given[size_t(X)] && ReadWhole[size_t(X)] && T.Slot[size_t(X)] < 0)
        T.Slot[size_t(X)] = Alloc();
    int In0 = S.Reads.empty() ? -1 : S.Reads[0];
    bool InPlace = In0 >= 0 && T.Slot[size_t(In0)] >= 0 && LastRead[size_t(In0)] == int(I);
    int R = S.Result;
    T.Slot[size_t(R)] = InPlace ? T.Slot[size_t(In0)] : Alloc();
    for (int X : S.Reads)
      if (T.Slot[size_t(X)] >= 0 && LastRead[size_t(X)] == int(I) && !(InPlace && X == In0))
        Busy[size_t(T.Slot[size_t(X)])] = false;
    if (LastRead[size_t(R)] < 0)
      Busy[size_t(T.Slot[size_t(R)])] = false; // written out at once
  }
  T.Slots = int(Busy.size());
  return T;
}

ChainTiling d1::plan::chainBands(const std::vector<ChainStage> &Stages, int64_t Rows) {
  ChainTiling T;
  size_t S = Stages.size();
  T.Rows = Rows;
  T.TileRows.assign(S, 0);
  T.MaxOutRows.assign(S, 0);
  // The input rows each stage's tile holds, [Lo, Hi) with input row Row0
  // at tile row 0, once a band has filled it.
  struct Held {
    int64_t Lo = 0, Hi = 0, Row0 = 0;
    bool Used = false;
  };
  std::vector<Held> H(S);
  const WindowShape &Last = Stages.back().Shape;
  for (int64_t Lo = 0; Lo < Last.OH; Lo += Rows) {
    std::vector<ChainStep> Band(S);
    // From the last stage back: the rows a stage computes are the new
    // input rows of the stage after it.
    int64_t OutLo = Lo, OutRows = std::min(Rows, Last.OH - Lo);
    for (size_t K = S; K-- > 0;) {
      const WindowShape &W = Stages[K].Shape;
      ChainStep &St = Band[K];
      St.OutLo = OutLo;
      St.OutRows = OutRows;
      if (OutRows == 0)
        continue;
      int64_t Need = rowsFor(W, OutRows), Y0 = OutLo * W.StrideH - W.PadT;
      int64_t InLo = std::max<int64_t>(Y0, 0), InHi = std::min(W.H, Y0 + Need);
      Held &Hd = H[K];
      St.InRow0 = Y0;
      int64_t KeepHi = Hd.Used ? std::min(InHi, Hd.Hi) : InLo;
      if (KeepHi > InLo) {
        St.CarryFrom = InLo - Hd.Row0;
        St.CarryTo = InLo - Y0;
        St.CarryRows = KeepHi - InLo;
      }
      St.NewLo = std::max(InLo, KeepHi);
      St.NewRows = std::max<int64_t>(0, InHi - St.NewLo);
      St.NewTo = St.NewLo - Y0;
      if (Hd.Used) {
        // Padding wider than the window can leave a band with no input row
        // at all: clamp both ranges to the tile rows the band reads.
        St.PadTop = std::clamp<int64_t>(InLo - Y0, 0, Need);
        St.PadFrom = std::clamp<int64_t>(InHi - Y0, St.PadTop, Need);
        St.PadRows = Need - St.PadFrom;
      }
      Hd = Held{InLo, InHi, Y0, true};
      T.TileRows[K] = std::max(T.TileRows[K], Need);
      T.MaxOutRows[K] = std::max(T.MaxOutRows[K], OutRows);
      OutLo = St.NewLo;
      OutRows = St.NewRows;
    }
    const ChainStep &First = Band.front();
    T.Traffic += 4 * First.NewRows * Stages.front().Shape.C * Stages.front().Shape.W;
    T.DramTransfers += (First.NewRows > 0) + 1; // the input rows, the output
    for (size_t K = 0; K < S; ++K)
      T.SramTransfers += (Band[K].CarryRows > 0) + (K + 1 < S && Band[K].OutRows > 0);
    T.Bands.push_back(std::move(Band));
  }
  int64_t Largest = 0;
  for (size_t K = 0; K < S; ++K) {
    const WindowShape &W = Stages[K].Shape;
    int64_t Weights = W.Conv ? W.F * (W.C / W.Group) * W.KH * W.KW : 0;
    int64_t Bias = Stages[K].Bias ? W.F : 0;
    T.Elements += W.C * T.TileRows[K] * (W.W + W.PadL + W.PadR) + 64 * W.StrideW + Weights + Bias;
    T.OnceBytes += 4 * (Weights + Bias);
    T.DramTransfers += 1 + (Bias > 0);
    int64_t OutF = W.Conv ? W.F : W.C;
    Largest = std::max(Largest, OutF * T.MaxOutRows[K] * W.OW * (1 + Stages[K].ExtraOutTiles));
  }
  T.Elements += Largest;
  T.Traffic += 4 * (Last.Conv ? Last.F : Last.C) * Last.OH * Last.OW;
  return T;
}

ChainTiling d1::plan::chainTiling(const std::vector<ChainStage> &Stages, int64_t Budget) {
  int64_t OH = Stages.back().Shape.OH;
  auto Fit = [&](int64_t R) { return chainBands(Stages, R).Elements <= Budget; };
  if (!Fit(1))
    return chainBands(Stages, 1); // Fits stays false
  // The tile sizes grow with the rows per band: the most that fit.
  int64_t Lo = 1, Hi = OH;
  while (Lo < Hi) {
    int64_t Mid = (Lo + Hi + 1) / 2;
    if (Fit(Mid))
      Lo = Mid;
    else
      Hi = Mid - 1;
  }
  // Bands of equal height share one loop: take a divisor of the height
  // when one is within a quarter of the most.
  int64_t Rows = Lo;
  for (int64_t R = Lo; R * 4 >= Lo * 3 && OH % Lo; --R)
    if (OH % R == 0) {
      Rows = R;
      break;
    }
  ChainTiling T = chainBands(Stages, Rows);
  T.Fits = true;
  return T;
}
