//===- ChainTest.cpp - Depth-first chains of window kernels ---------------===//
//
// The band schedule is checked by replaying it on a model of the tiles:
// every tile row a stage reads must hold the input row (or the padding) the
// window expects, and every row of every stage is computed exactly once.
//
//===----------------------------------------------------------------------===//
#include "d1/Planning/CostModel.h"

#include <gtest/gtest.h>

#include <random>

using namespace d1;
using namespace d1::plan;

namespace {

constexpr int64_t Pad = -1000000; // a tile row holding the pad value

WindowShape window(int64_t C, int64_t F, int64_t H, int64_t K, int64_t Stride, int64_t PadTB,
                   int64_t Dil = 1, bool Conv = true) {
  WindowShape S;
  S.Conv = Conv;
  S.C = C;
  S.F = Conv ? F : C;
  S.H = S.W = H;
  S.KH = S.KW = K;
  S.StrideH = S.StrideW = Stride;
  S.DilH = S.DilW = Dil;
  S.PadT = S.PadL = S.PadB = S.PadR = PadTB;
  S.OH = S.OW = (H + 2 * PadTB - Dil * (K - 1) - 1) / Stride + 1;
  return S;
}

/// Replays the bands on tiles of row numbers; returns how often each
/// stage computed each of its output rows.
std::vector<std::vector<int>> replay(const std::vector<ChainStage> &Stages, const ChainTiling &T) {
  size_t S = Stages.size();
  std::vector<std::vector<int64_t>> Tile(S);
  std::vector<std::vector<int>> Computed(S);
  for (size_t K = 0; K < S; ++K) {
    Tile[K].assign(size_t(T.TileRows[K]), Pad);
    Computed[K].assign(size_t(Stages[K].Shape.OH), 0);
  }
  auto Prepare = [&](size_t K, const ChainStep &St) {
    std::vector<int64_t> &X = Tile[K];
    std::vector<int64_t> Kept(X.begin() + St.CarryFrom, X.begin() + St.CarryFrom + St.CarryRows);
    std::copy(Kept.begin(), Kept.end(), X.begin() + St.CarryTo);
    for (int64_t R = 0; R < St.PadTop; ++R)
      X[size_t(R)] = Pad;
    for (int64_t R = St.PadFrom; R < St.PadFrom + St.PadRows; ++R)
      X[size_t(R)] = Pad;
  };
  for (const std::vector<ChainStep> &Band : T.Bands) {
    Prepare(0, Band[0]);
    for (int64_t R = 0; R < Band[0].NewRows; ++R)
      Tile[0][size_t(Band[0].NewTo + R)] = Band[0].NewLo + R;
    for (size_t K = 0; K < S; ++K) {
      const ChainStep &St = Band[K];
      const WindowShape &W = Stages[K].Shape;
      if (K + 1 < S)
        Prepare(K + 1, Band[K + 1]);
      if (!St.OutRows)
        continue;
      // The rows the windows read.
      int64_t Need = (St.OutRows - 1) * W.StrideH + (W.KH - 1) * W.DilH + 1;
      EXPECT_LE(Need, T.TileRows[K]);
      for (int64_t R = 0; R < Need; ++R) {
        int64_t Y = St.InRow0 + R;
        EXPECT_EQ(Tile[K][size_t(R)], Y < 0 || Y >= W.H ? Pad : Y)
            << "stage " << K << " tile row " << R << " of the band at " << St.OutLo;
      }
      EXPECT_EQ(St.InRow0, St.OutLo * W.StrideH - W.PadT);
      for (int64_t R = St.OutLo; R < St.OutLo + St.OutRows; ++R)
        ++Computed[K][size_t(R)];
      if (K + 1 < S) {
        const ChainStep &Next = Band[K + 1];
        EXPECT_EQ(Next.NewLo, St.OutLo);
        EXPECT_EQ(Next.NewRows, St.OutRows);
        for (int64_t R = 0; R < St.OutRows; ++R)
          Tile[K + 1][size_t(Next.NewTo + R)] = St.OutLo + R;
      }
    }
  }
  return Computed;
}

TEST(Chain, BandsFeedEveryWindowTheRowsItReads) {
  std::mt19937 Rng(7);
  auto Pick = [&](int64_t Lo, int64_t Hi) {
    return std::uniform_int_distribution<int64_t>(Lo, Hi)(Rng);
  };
  for (int Trial = 0; Trial < 300; ++Trial) {
    std::vector<ChainStage> Stages;
    int64_t H = Pick(5, 40);
    int64_t N = Pick(1, 4);
    for (int64_t K = 0; K < N && H > 0; ++K) {
      int64_t Kh = Pick(1, 5), Stride = Pick(1, 3), Dil = Pick(1, 2);
      // Padding up to past the window's span: bands with no input row.
      int64_t P = Pick(0, Kh * Dil + 1);
      WindowShape W = window(2, 3, H, Kh, Stride, P, Dil, Pick(0, 1) == 1);
      if (W.OH < 1 || H + 2 * P < Dil * (Kh - 1) + 1)
        break;
      if (!Stages.empty())
        W.C = Stages.back().Shape.F;
      Stages.push_back({W, 0, false});
      H = W.OH;
    }
    if (Stages.empty())
      continue;
    int64_t Rows = Pick(1, Stages.back().Shape.OH);
    ChainTiling T = chainBands(Stages, Rows);
    std::vector<std::vector<int>> Computed = replay(Stages, T);
    // Every row of the last stage once; no row of any stage twice.
    for (int C : Computed.back())
      EXPECT_EQ(C, 1);
    for (const std::vector<int> &Stage : Computed)
      for (int C : Stage)
        EXPECT_LE(C, 1);
    if (HasFailure()) {
      ADD_FAILURE() << "trial " << Trial << ": " << Stages.size() << " stages, rows " << Rows;
      break;
    }
  }
}

/// ResNet's stem: a 7 x 7 stride-2 convolution, then 3 x 3 stride-2 max
/// pooling, at 224 x 224.
std::vector<ChainStage> stem() {
  return {{window(3, 64, 224, 7, 2, 3), 0, false},
          {window(64, 64, 112, 3, 2, 1, 1, false), 0, false}};
}

TEST(Chain, TheStemFitsAndReadsEachInputRowOnce) {
  std::vector<ChainStage> Stages = stem();
  int64_t Budget = windowBudget(1310720);
  ChainTiling T = chainTiling(Stages, Budget);
  ASSERT_TRUE(T.Fits);
  EXPECT_LE(T.Elements, Budget);
  EXPECT_GT(chainBands(Stages, T.Rows + 1).Elements, Budget);
  EXPECT_EQ(56 % T.Rows, 0); // equal bands
  // Input once, weights once, the pooled output once: the 112 x 112
  // convolution output never reaches DRAM.
  EXPECT_EQ(T.Traffic, 4 * (3 * 224 * 224 + 64 * 56 * 56));
  EXPECT_EQ(T.OnceBytes, 4 * 64 * 3 * 49);
  CostModel CM(MachineDesc{});
  double Separate = CM.windowCycles(Stages[0].Shape, 0) + CM.windowCycles(Stages[1].Shape, 0);
  EXPECT_LT(CM.chainCycles(T, 1), 0.5 * Separate);
}

TEST(Chain, AChainThatCannotHoldItsWeightsDoesNotFit) {
  // Two 512-channel 3 x 3 convolutions: 18.9 MB of weights.
  std::vector<ChainStage> Stages = {{window(512, 512, 7, 3, 1, 1), 0, true},
                                    {window(512, 512, 7, 3, 1, 1), 1, true}};
  EXPECT_FALSE(chainTiling(Stages, windowBudget(1310720)).Fits);
}

} // namespace
