//===- Tiling.cpp - Tile sizes of the SRAM kernels and their traffic ------===//
#include "d1/Planning/Tiling.h"

#include <algorithm>

using namespace d1::plan;

static int64_t ceilDiv(int64_t A, int64_t B) { return (A + B - 1) / B; }

static int64_t rowsFor(const WindowShape &S, int64_t Toy) {
  return (Toy - 1) * S.StrideH + (S.KH - 1) * S.DilH + 1;
}

int64_t d1::plan::windowTileElements(const WindowShape &S, int64_t TF, int64_t TC, int64_t TOY,
                                     int64_t ExtraOutTiles) {
  int64_t IWp = S.W + S.PadL + S.PadR;
  int64_t In = (S.Conv ? TC : TF) * rowsFor(S, TOY) * IWp + 64 * S.StrideW;
  int64_t Weights = S.Conv ? TF * TC * S.KH * S.KW : 0;
  int64_t Out = TF * TOY * S.OW;
  return In + Weights + Out * (1 + ExtraOutTiles) + TF;
}

WindowTiling d1::plan::windowTiling(const WindowShape &S, int64_t Budget, int64_t Extra) {
  int64_t Cg = S.Conv ? S.C / S.Group : 1, Fg = S.Conv ? S.F / S.Group : 1;
  WindowTiling T;
  T.TF = S.Conv ? std::min<int64_t>(Fg, 64) : std::min<int64_t>(S.C, 64);
  T.TC = S.Conv ? std::min<int64_t>(Cg, 64) : 1;
  auto Need = [&](int64_t Toy) { return windowTileElements(S, T.TF, T.TC, Toy, Extra); };
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
    while (X.TOY < S.OH && windowTileElements(S, X.TF, X.TC, X.TOY * 2, Extra) <= Budget)
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
    for (int64_t TF = std::min<int64_t>(Fg, 64); TF >= std::min<int64_t>(Fg, 8); TF /= 2) {
      WindowTiling X;
      X.TF = TF;
      X.TC = Cg;
      X.Fits = windowTileElements(S, TF, Cg, 1, Extra) <= Budget;
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
  return T;
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

MatmulTiling d1::plan::matmulTiling(int64_t M, int64_t N, int64_t K, int64_t Budget,
                                    int64_t Extra) {
  MatmulTiling T;
  T.TN = std::min<int64_t>(N, 256);
  T.TK = std::min<int64_t>(K, 256);
  T.TM = std::max<int64_t>(
      1, std::min<int64_t>(M, (Budget - T.TK * T.TN) / (T.TK + T.TN * (1 + Extra))));
  T.TM = std::min<int64_t>(T.TM, 256);
  return T;
}

int64_t d1::plan::matmulTraffic(int64_t M, int64_t N, int64_t K, const MatmulTiling &T) {
  int64_t A = M * K * ceilDiv(N, T.TN), B = K * N * ceilDiv(M, T.TM), C = M * N;
  return 4 * (A + B + C);
}

EpilogueTiles d1::plan::assignEpilogueTiles(const std::vector<EpilogueStep> &Steps,
                                            int NumValues, const std::vector<bool> &ReadWhole) {
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
