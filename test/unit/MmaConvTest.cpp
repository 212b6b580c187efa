//===- MmaConvTest.cpp - Layouts of convolutions on the matrix unit -------===//
//
// The views must give every stored output pixel its input through aligned
// 8-element chunks, and the packed weights must put filter i, channel k of
// each A tile in lane 4i + k.
//
//===----------------------------------------------------------------------===//
#include "d1/Planning/MmaConv.h"
#include "d1/Target/Numerics.h"

#include <gtest/gtest.h>

#include <random>

using namespace d1;
using namespace d1::plan;

TEST(MmaConv, ViewsReachEveryWindowColumn) {
  std::mt19937 Rng(7);
  for (int Case = 0; Case < 500; ++Case) {
    int64_t SW = 1 + Rng() % 2, DW = 1 + Rng() % 3, KW = 1 + Rng() % 7;
    int64_t OW = 1 + Rng() % 40, C = 1 + Rng() % 9, Rows = 1 + Rng() % 5;
    int64_t IW = roundUp((OW - 1) * SW + (KW - 1) * DW + 1 + int64_t(Rng() % 3), 2 * SW);
    MmaConvLayout L = mmaConvLayout(C, Rows, IW, OW, KW, SW, DW, 1 + Rng() % 70);
    ASSERT_EQ(L.C4 % 4, 0);
    ASSERT_GE(L.C4, C);
    ASSERT_EQ(L.Pitch % 2, 0);
    ASSERT_EQ(L.ChannelBytes % 4, 0) << "gathers need 4-byte strides";
    ASSERT_EQ(L.Pitch * SW, IW);
    int64_t Slack = L.ViewBytes - L.C4 * L.ChannelBytes;
    ASSERT_GE(Slack, 0);
    ASSERT_GE(L.StageOffset, int64_t(L.Views.size()) * L.ViewBytes);
    ASSERT_GE(L.ScratchBytes, L.BiasOffset);
    for (int64_t Kx = 0; Kx < KW; ++Kx) {
      const MmaConvLayout::View &V = L.Views[size_t(L.ColView[size_t(Kx)])];
      int64_t Index = L.ColIndex[size_t(Kx)];
      ASSERT_EQ(Index % 2, 0) << "chunks start 4-byte aligned";
      for (int64_t Ox0 = 0; Ox0 < OW; Ox0 += 8) {
        // A chunk may run past its row, but not past the view's slack...
        ASSERT_LE((Ox0 + Index + 8 - L.Pitch) * 2, Slack);
        for (int64_t J = 0; J < 8 && Ox0 + J < OW; ++J) {
          // ... and each stored pixel's element comes from its own row's
          // input column that its window reads.
          int64_t I = Ox0 + Index + J;
          ASSERT_LT(I, L.ViewValid[size_t(L.ColView[size_t(Kx)])]);
          ASSERT_EQ(V.Phase + SW * (I + V.Shift), (Ox0 + J) * SW + Kx * DW);
        }
      }
    }
  }
}

TEST(MmaConv, PackedWeightsAreATiles) {
  std::mt19937 Rng(3);
  for (int Case = 0; Case < 50; ++Case) {
    int64_t G = 1 + Rng() % 2, Fg = 1 + Rng() % 20, Cg = 1 + Rng() % 10;
    int64_t KH = 1 + Rng() % 3, KW = 1 + Rng() % 3;
    std::vector<float> W(size_t(G * Fg * Cg * KH * KW));
    std::normal_distribution<float> N;
    for (float &X : W)
      X = N(Rng);
    std::vector<uint16_t> P = packMmaWeights(W, G * Fg, Cg, KH, KW, G);
    int64_t F8 = roundUp(Fg, 8), C4 = roundUp(Cg, 4);
    ASSERT_EQ(int64_t(P.size()), G * F8 * KH * KW * C4);
    for (int64_t Gi = 0; Gi < G; ++Gi)
      for (int64_t F = 0; F < F8; ++F)
        for (int64_t C = 0; C < C4; ++C)
          for (int64_t Ky = 0; Ky < KH; ++Ky)
            for (int64_t Kx = 0; Kx < KW; ++Kx) {
              int64_t Tile = (((Gi * F8 / 8 + F / 8) * KH + Ky) * KW + Kx) * (C4 / 4) + C / 4;
              uint16_t Got = P[size_t(Tile * 32 + 4 * (F % 8) + C % 4)];
              uint16_t Want =
                  F < Fg && C < Cg
                      ? f32ToBf16RNE(W[size_t((((Gi * Fg + F) * Cg + C) * KH + Ky) * KW + Kx)])
                      : 0;
              ASSERT_EQ(Got, Want);
            }
  }
}

TEST(MmaMatmul, TilesAreAlignedGathers) {
  // A rows of K4 bf16 (8-byte chunks), B rows of N8 (16-byte chunks), each
  // part 64-byte aligned, the staging block last.
  MmaMatmulLayout L = mmaMatmulLayout(13, 20, 37);
  EXPECT_EQ(L.M8, 16);
  EXPECT_EQ(L.N8, 24);
  EXPECT_EQ(L.K4, 40);
  EXPECT_EQ(L.BOffset, 16 * 40 * 2);
  EXPECT_EQ(L.StageOffset % 64, 0);
  EXPECT_GE(L.StageOffset, L.BOffset + 40 * 24 * 2);
  EXPECT_EQ(L.ScratchBytes, L.StageOffset + 256);
}
