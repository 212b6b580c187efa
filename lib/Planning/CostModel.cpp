//===- CostModel.cpp - What fusing an op saves and costs ------------------===//
#include "d1/Planning/CostModel.h"
#include "d1/Target/Network.h"

#include <algorithm>
#include <limits>

using namespace d1;
using namespace d1::plan;

CostModel::CostModel(const MachineDesc &M)
    // One core's DRAM rate: its engine's, or its port's share of DRAM.
    : BytesPerCycle(std::min(double(M[MachineParamId::dma_bytes_per_cycle]),
                             net::Geometry::of(M).PortBytesPerCycle)),
      Latency(double(M[MachineParamId::dram_latency])),
      MeshLatency(double(M[MachineParamId::dma_mesh_latency])),
      SramBytes(M[MachineParamId::sram_bytes]) {}

double CostModel::dmaCycles(int64_t Bytes, int64_t Transfers) const {
  return double(Transfers) * Latency + double(Bytes) / BytesPerCycle;
}

CostModel::AnchorCost CostModel::anchorCost(const Anchor &A, int64_t Extra) const {
  AnchorCost C;
  if (A.IsWindow) {
    const WindowShape &S = A.Window;
    WindowTiling T = windowTiling(S, windowBudget(SramBytes), Extra);
    if (A.FixedWindow) {
      T = *A.FixedWindow;
      T.Fits = windowTileElements(S, T.TF, T.TC, T.TOY, Extra, T.DoubleInput, T.DoubleWeights) <=
               windowBudget(SramBytes);
    }
    if (!T.Fits)
      return C;
    int64_t Fg = S.Conv ? S.F / S.Group : S.C;
    C.Tiles =
        S.N * (S.Conv ? S.Group : 1) * ((S.OH + T.TOY - 1) / T.TOY) * ((Fg + T.TF - 1) / T.TF);
    C.TileElements = T.TF * T.TOY * S.OW;
    C.Traffic = windowTraffic(S, T);
    return C;
  }
  MatmulTiling T =
      A.FixedMatmul ? *A.FixedMatmul : matmulTiling(A.M, A.N, A.K, matmulBudget(SramBytes), Extra);
  if (matmulTileElements(T, Extra, false) > matmulBudget(SramBytes))
    return C;
  C.Tiles = A.Batch * ((A.M + T.TM - 1) / T.TM) * ((A.N + T.TN - 1) / T.TN);
  C.TileElements = T.TM * T.TN;
  C.Traffic = A.Batch * matmulTraffic(A.M, A.N, A.K, T);
  return C;
}

double CostModel::epilogueGain(const Anchor &A, int64_t Bytes, bool StillWritten,
                               int64_t Extra) const {
  AnchorCost C = anchorCost(A, Extra);
  int64_t Tiles = std::max<int64_t>(C.Tiles, 1);
  // Unfused, the consumer reads its operand back tile by tile (and the
  // anchor writes it); fused, neither happens.
  double Saved = dmaCycles(Bytes, Tiles);
  if (!StillWritten)
    Saved += dmaCycles(Bytes, Tiles);
  return Saved;
}

double CostModel::epilogueCost(const Anchor &A, int64_t Extra, int64_t More) const {
  AnchorCost Before = anchorCost(A, Extra), After = anchorCost(A, Extra + More);
  if (!After.Tiles)
    return std::numeric_limits<double>::infinity();
  return dmaCycles(std::max<int64_t>(0, After.Traffic - Before.Traffic),
                   std::max<int64_t>(0, After.Tiles - Before.Tiles));
}

double CostModel::rowGain(int64_t Bytes, bool StillWritten) const {
  return (StillWritten ? 1.0 : 2.0) * double(Bytes) / BytesPerCycle;
}

double CostModel::rowCost(int64_t Rows, int64_t Resident, int64_t OldPerRow, int64_t NewPerRow,
                          int64_t Transfers) const {
  int64_t Room = rowBudget(SramBytes) - Resident;
  auto Tiles = [&](int64_t PerRow) {
    int64_t PerTile = std::min(Rows, Room / std::max<int64_t>(PerRow, 1));
    return PerTile < 1 ? int64_t(-1) : (Rows + PerTile - 1) / PerTile;
  };
  int64_t Before = Tiles(OldPerRow), After = Tiles(NewPerRow);
  if (After < 0)
    return std::numeric_limits<double>::infinity();
  return double(std::max<int64_t>(0, After - std::max<int64_t>(Before, 0))) * double(Transfers) *
         Latency;
}

double CostModel::windowCycles(const WindowShape &S, int64_t Extra) const {
  Anchor A;
  A.Window = S;
  AnchorCost C = anchorCost(A, Extra);
  if (!C.Tiles)
    return std::numeric_limits<double>::infinity();
  // Each tile loads its input (and weights, counted in the traffic) and
  // writes its output.
  return dmaCycles(C.Traffic, 2 * C.Tiles);
}

double CostModel::chainCycles(const ChainTiling &T, int64_t Images) const {
  // Weights and biases are loaded once for all images.
  return dmaCycles(T.OnceBytes, 0) + double(Images) * (dmaCycles(T.Traffic, T.DramTransfers) +
                                                       double(T.SramTransfers) * MeshLatency);
}

ChainTiling CostModel::chainTiling(const std::vector<ChainStage> &Stages) const {
  return plan::chainTiling(Stages, windowBudget(SramBytes));
}
