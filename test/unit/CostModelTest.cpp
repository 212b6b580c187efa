//===- CostModelTest.cpp - Tiling, epilogue tiles and the fusion cost model ===//
#include "d1/Planning/CostModel.h"
#include "d1/Planning/MmaConv.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace d1;
using namespace d1::plan;

namespace {

/// ResNet-18's layer1 convolution: 64 -> 64 channels, 56 x 56, 3 x 3.
WindowShape layer1() {
  WindowShape S;
  S.C = S.F = 64;
  S.H = S.W = S.OH = S.OW = 56;
  S.KH = S.KW = 3;
  S.PadT = S.PadL = S.PadB = S.PadR = 1;
  return S;
}

TEST(Tiling, WindowTilesFitTheBudgetAndShrinkForAnEpilogue) {
  WindowShape S = layer1();
  int64_t Budget = windowBudget(1310720);
  WindowTiling T0 = windowTiling(S, Budget), T2 = windowTiling(S, Budget, 2);
  ASSERT_TRUE(T0.Fits && T2.Fits);
  EXPECT_LE(windowTileElements(S, T0.TF, T0.TC, T0.TOY), Budget);
  EXPECT_LE(windowTileElements(S, T2.TF, T2.TC, T2.TOY, 2), Budget);
  EXPECT_EQ(T0.TF, 64);
  // Row tiles of 8 with the input double-buffered move no more bytes than
  // single-buffered tiles of 16 (4 tiles of 18 input rows against 7 of 10).
  EXPECT_EQ(T0.TOY, 8);
  EXPECT_TRUE(T0.DoubleInput);
  EXPECT_FALSE(T0.DoubleWeights); // one filter tile
  EXPECT_LE(windowTileElements(S, T0.TF, T0.TC, T0.TOY, 0, true), Budget);
  EXPECT_LE(T2.TOY, T0.TOY);
  // All 64 input channels fit one tile, so the weights stay in SRAM across
  // row tiles: smaller row tiles only change the input rows' halo.
  EXPECT_NEAR(double(windowTraffic(S, T2)), double(windowTraffic(S, T0)),
              0.05 * double(windowTraffic(S, T0)));
  // With more channels than a tile holds, each row tile reads the weights
  // again: smaller row tiles read them more often.
  WindowShape Wide = S;
  Wide.C = 512;
  WindowTiling W0 = windowTiling(Wide, Budget), W2 = windowTiling(Wide, Budget, 2);
  ASSERT_LT(W0.TC, 512);
  ASSERT_LT(W2.TOY, W0.TOY);
  EXPECT_GT(windowTraffic(Wide, W2), windowTraffic(Wide, W0));
  // Traffic at least moves every byte once.
  EXPECT_GE(windowTraffic(S, T0), 4 * (64 * 56 * 56 * 2 + 64 * 64 * 9));
}

TEST(Tiling, ConvolutionsKeepWhicheverOperandSavesBytes) {
  // ResNet-18's layer3.0.conv1: 128 -> 256 channels, 28 x 28 -> 14 x 14.
  WindowShape S = layer1();
  S.C = 128;
  S.F = 256;
  S.H = S.W = 28;
  S.OH = S.OW = 14;
  S.StrideH = S.StrideW = 2;
  int64_t Budget = windowBudget(1310720);
  WindowTiling T = windowTiling(S, Budget);
  ASSERT_TRUE(T.Fits);
  // All 128 channels in one tile, the input loaded once per row tile: the
  // four filter tiles share it instead of reading it four times.
  EXPECT_EQ(T.TC, 128);
  EXPECT_TRUE(T.InputOnce);
  WindowTiling Split = T, WeightsKept = T;
  Split.TC = 64;
  Split.InputOnce = false;
  WeightsKept.InputOnce = false;
  EXPECT_LT(windowTraffic(S, T), windowTraffic(S, Split));
  EXPECT_LT(windowTraffic(S, T), windowTraffic(S, WeightsKept));
  // Many rows and few filters: the weights are what stays.
  WindowShape Wide = layer1();
  WindowTiling W = windowTiling(Wide, Budget);
  EXPECT_FALSE(W.InputOnce);
}

TEST(Tiling, DoubleBuffersWeightsWhereItCostsNoBytes) {
  // ResNet-18's layer4 convolution: 512 -> 512 channels, 7 x 7, 3 x 3. Its
  // 9.4 MB of weights stream through SRAM once, filter tile by filter tile,
  // the next tile's loading while the current one computes; the input and
  // output are moved once.
  WindowShape S = layer1();
  S.C = S.F = 512;
  S.H = S.W = S.OH = S.OW = 7;
  int64_t Budget = windowBudget(1310720);
  WindowTiling T = windowTiling(S, Budget);
  ASSERT_TRUE(T.Fits);
  EXPECT_TRUE(T.DoubleWeights);
  EXPECT_FALSE(T.DoubleInput); // one row tile
  EXPECT_LT(T.TF, 512);
  EXPECT_LE(windowTileElements(S, T.TF, T.TC, T.TOY, 0, T.DoubleInput, T.DoubleWeights), Budget);
  EXPECT_EQ(windowTraffic(S, T), 4 * (512 * 512 * 9 + 2 * 512 * 49));
}

TEST(Tiling, MatmulTilesLeaveRoomForTheEpilogue) {
  int64_t Budget = matmulBudget(1310720);
  MatmulTiling T0 = matmulTiling(1000, 512, 512, Budget),
               T3 = matmulTiling(1000, 512, 512, Budget, 3);
  EXPECT_EQ(T0.TN, 256);
  EXPECT_EQ(T0.TK, 256);
  EXPECT_LT(T3.TM, T0.TM);
  EXPECT_LE(T3.TK * T3.TN + T3.TM * (T3.TK + 4 * T3.TN), Budget);
  EXPECT_GT(matmulTraffic(1000, 512, 512, T3), matmulTraffic(1000, 512, 512, T0));
}

// What the planners choose passes the checks a tiling set by hand gets
// (graph-select-tiling); a larger or misshapen one is refused, with why.
TEST(Tiling, ChosenTilingsPassTheChecksOfTilingsSetByHand) {
  int64_t WB = windowBudget(1310720), MB = matmulBudget(1310720);
  for (int64_t Extra : {0, 1, 3})
    for (bool Mma : {false, true}) {
      WindowShape S = layer1();
      S.Mma = Mma;
      WindowChoice C = chooseWindowTiling(S, WB, Extra, true);
      ASSERT_TRUE(C.Tiling.Fits);
      S.Mma = C.Mma;
      if (S.Mma)
        S.PadR = mmaPadRight(S);
      EXPECT_EQ(checkWindowTiling(S, C.Tiling, WB, Extra), "") << Extra << " " << Mma;
      MatmulTiling T = matmulTiling(1000, 512, 512, MB, Extra, Mma);
      EXPECT_EQ(checkMatmulTiling(1000, 512, 512, T, MB, Extra, Mma), "");
    }
  WindowShape S = layer1();
  WindowTiling All = windowTiling(S, WB);
  All.TOY = 56;
  All.DoubleInput = All.DoubleWeights = false;
  EXPECT_NE(checkWindowTiling(S, All, WB, 0).find("bytes of SRAM; the budget is"),
            std::string::npos);
  WindowTiling Wide = windowTiling(S, WB);
  Wide.TF = 65;
  EXPECT_EQ(checkWindowTiling(S, Wide, WB, 0), "filters = 65 is not in [1, 64]");
  // On the matrix unit, tiles of whole 8-filter, 4-channel blocks.
  S.Mma = true;
  WindowTiling Odd = windowTiling(S, WB);
  Odd.TF = 12;
  EXPECT_EQ(checkWindowTiling(S, Odd, WB, 0),
            "the matrix unit takes whole groups of 8 filters and 4 channels");
  EXPECT_EQ(checkMatmulTiling(4, 8, 8, MatmulTiling{5, 4, 8}, MB, 0, false),
            "m = 5 is not in [1, 4]");
  EXPECT_EQ(checkMatmulTiling(4, 8, 300, MatmulTiling{4, 8, 200}, MB, 0, true),
            "k = 200 is not in [1, 128]");
  EXPECT_EQ(matmulTileElements(MatmulTiling{4, 8, 8}, 1, false), 8 * 8 + 4 * (8 + 8 * 2));
}

TEST(Tiling, MatmulTilesOnTheMatrixUnitHoldTheBf16Copies) {
  int64_t Budget = matmulBudget(1310720);
  for (int64_t Extra : {0, 3}) {
    MatmulTiling T = matmulTiling(1000, 512, 512, Budget, Extra, /*Mma=*/true);
    EXPECT_EQ(T.TK, 128);
    EXPECT_EQ(T.TM % 8, 0);
    MmaMatmulLayout L = mmaMatmulLayout(T.TM, T.TN, T.TK);
    EXPECT_LE(T.TK * T.TN + T.TM * (T.TK + (1 + Extra) * T.TN) + L.ScratchBytes / 4, Budget);
  }
  // Small products take their whole size.
  MatmulTiling S = matmulTiling(13, 20, 36, Budget, 0, true);
  EXPECT_EQ(S.TM, 13);
  EXPECT_EQ(S.TN, 20);
  EXPECT_EQ(S.TK, 36);
}

TEST(EpilogueTiles, ChainsRunInPlace) {
  // v1 = add(v0, v2 outside), v3 = relu(v1): the anchor's tile and one for
  // the outside operand.
  std::vector<EpilogueStep> Steps = {{{0, 2}, 1}, {{1}, 3}};
  EpilogueTiles T = assignEpilogueTiles(Steps, 4, {false, false, true, false});
  EXPECT_EQ(T.Slots, 2);
  EXPECT_EQ(T.Slot[1], 0);
  EXPECT_EQ(T.Slot[3], 0);
  EXPECT_EQ(T.Slot[2], 1);
  // A broadcast outside operand needs no tile of its own.
  EXPECT_EQ(assignEpilogueTiles(Steps, 4, {false, false, false, false}).Slots, 1);
}

TEST(EpilogueTiles, ValuesReadTwiceKeepTheirTile) {
  // v1 = sigmoid(v0); v2 = mul(v0, v1): v0 is still needed by the mul.
  std::vector<EpilogueStep> Steps = {{{0}, 1}, {{0, 1}, 2}};
  EpilogueTiles T = assignEpilogueTiles(Steps, 3, {false, false, false});
  EXPECT_EQ(T.Slots, 2);
  EXPECT_NE(T.Slot[1], T.Slot[0]);
  EXPECT_EQ(T.Slot[2], T.Slot[0]); // the mul reads v0 last: in place
}

TEST(CostModel, DmaCyclesFollowTheMachine) {
  MachineDesc M;
  CostModel CM(M);
  double Lat = double(M[MachineParamId::dram_latency]);
  double Rate = double(M[MachineParamId::dma_bytes_per_cycle]);
  EXPECT_DOUBLE_EQ(CM.dmaCycles(6400, 2), 2 * Lat + 6400 / Rate);
  ASSERT_EQ(M.set("dram_latency", 1000), "");
  EXPECT_DOUBLE_EQ(CostModel(M).dmaCycles(0, 3), 3000.0);
}

TEST(CostModel, FusingAReluSavesItsRoundTrip) {
  MachineDesc M;
  CostModel CM(M);
  Anchor A;
  A.Window = layer1();
  int64_t Bytes = 64 * 56 * 56 * 4;
  double Both = CM.epilogueGain(A, Bytes, /*StillWritten=*/false, 0);
  double ReadOnly = CM.epilogueGain(A, Bytes, /*StillWritten=*/true, 0);
  EXPECT_GT(ReadOnly, double(Bytes) / 64);
  EXPECT_NEAR(Both, 2 * ReadOnly, 1e-6);
  // A relu needs no extra tile: it costs nothing.
  EXPECT_EQ(CM.epilogueCost(A, 0, 0), 0.0);
  // Operands' tiles make the row tiles smaller: a real cost, smaller than
  // what fusing their ops saves.
  double Cost = CM.epilogueCost(A, 0, 3);
  EXPECT_GT(Cost, 0.0);
  EXPECT_LT(Cost, CM.epilogueGain(A, Bytes, false, 3));
}

TEST(CostModel, AnEpilogueThatNoLongerFitsIsRefused) {
  MachineDesc M;
  ASSERT_EQ(M.set("sram_bytes", 65536), "");
  CostModel CM(M);
  Anchor A;
  A.Window = layer1();
  // Even one output row per filter (56 elements) times 200 tiles is too much.
  EXPECT_TRUE(std::isinf(CM.epilogueCost(A, 0, 200)));
  EXPECT_EQ(CM.anchorCost(A, 200).Tiles, 0);
  EXPECT_GT(CM.anchorCost(A, 2).Tiles, 0);
}

TEST(CostModel, RowKernelsSaveTheRoundTripUntilRowsStopFitting) {
  MachineDesc M;
  CostModel CM(M);
  double Rate = double(M[MachineParamId::dma_bytes_per_cycle]);
  // A layer norm's centred rows (20 x 64 fp32) stay in SRAM: no write, no read.
  EXPECT_DOUBLE_EQ(CM.rowGain(5120, /*StillWritten=*/false), 2 * 5120 / Rate);
  EXPECT_DOUBLE_EQ(CM.rowGain(5120, /*StillWritten=*/true), 5120 / Rate);
  // Small rows: one tile before and after, so the second slot is free.
  EXPECT_EQ(CM.rowCost(20, 0, 64, 128, 3), 0.0);
  // Long rows that need more tiles pay a DMA latency per transfer per tile.
  int64_t Budget = rowBudget(M[MachineParamId::sram_bytes]);
  int64_t Len = Budget / 4; // four rows per tile with one slot, two with two
  double Lat = double(M[MachineParamId::dram_latency]);
  EXPECT_DOUBLE_EQ(CM.rowCost(8, 0, Len, 2 * Len, 3), (4 - 2) * 3 * Lat);
  // A row that no longer fits beside its resident operands is refused.
  EXPECT_TRUE(std::isinf(CM.rowCost(8, 0, Len, 5 * Len, 3)));
  EXPECT_TRUE(std::isinf(CM.rowCost(8, Budget - Len + 1, 0, Len, 3)));
}

} // namespace
