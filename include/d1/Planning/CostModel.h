//===- CostModel.h - What fusing an op saves and costs ----------*- C++ -*-===//
//
// Prices fusion decisions in modeled cycles from the machine description:
// DMA rate and latency to DRAM, the SRAM budgets and the tiles the lowering
// will choose (Tiling.h). Plain C++, unit-tested.
//
//===----------------------------------------------------------------------===//
#ifndef D1_PLANNING_COSTMODEL_H
#define D1_PLANNING_COSTMODEL_H

#include "d1/Planning/Tiling.h"
#include "d1/Target/Machine.h"

#include <cstdint>
#include <optional>

namespace d1::plan {

/// The anchor of an epilogue: a window kernel, or a [M, K] x [K, N] product
/// (Batch of them).
struct Anchor {
  bool IsWindow = true;
  WindowShape Window;
  int64_t M = 1, N = 1, K = 1, Batch = 1;
  /// A tiling fixed beforehand (an op's graph.tiling set by hand): priced
  /// as it is, and the anchor no longer fits once its epilogue's tiles
  /// push it over the budget.
  std::optional<WindowTiling> FixedWindow;
  std::optional<MatmulTiling> FixedMatmul;
};

class CostModel {
public:
  explicit CostModel(const MachineDesc &M);

  /// Cycles to move Bytes between DRAM and SRAM in Transfers DMAs, each
  /// waited for: the latency of each plus the bytes at the core's rate.
  double dmaCycles(int64_t Bytes, int64_t Transfers) const;

  /// Output tiles, SRAM elements per output tile and DRAM bytes of the
  /// anchor when its epilogue needs Extra more output-sized tiles; Tiles is
  /// 0 when it no longer fits.
  struct AnchorCost {
    int64_t Tiles = 0, TileElements = 0, Traffic = 0;
  };
  AnchorCost anchorCost(const Anchor &A, int64_t Extra) const;

  /// Cycles saved by running a consumer on the anchor's output tiles instead
  /// of reading its operand (Bytes) back from DRAM, and also not writing the
  /// operand when nothing after the group reads it.
  double epilogueGain(const Anchor &A, int64_t Bytes, bool StillWritten, int64_t Extra) const;

  /// Cycles the anchor loses when its epilogue grows from Extra to
  /// Extra + More tiles (its tiles shrink, its inputs are re-read more);
  /// infinite when it no longer fits.
  double epilogueCost(const Anchor &A, int64_t Extra, int64_t More) const;

  /// Row kernels (whole rows per tile). Cycles saved when a consumer joins
  /// the producer's row kernel: it reads the Bytes from SRAM instead of
  /// DRAM, and unless the value is StillWritten for readers after the group,
  /// the producer no longer writes them.
  double rowGain(int64_t Bytes, bool StillWritten) const;
  /// Cycles a row kernel of Rows rows loses when its SRAM per row grows
  /// from OldPerRow to NewPerRow elements beside Resident elements loaded
  /// once: more tiles, each paying Transfers DMA latencies; infinite when a
  /// row no longer fits.
  double rowCost(int64_t Rows, int64_t Resident, int64_t OldPerRow, int64_t NewPerRow,
                 int64_t Transfers) const;
  /// Depth-first chains (Tiling.h). DMA cycles of a window kernel run on
  /// its own with Extra epilogue tiles (its tiles' input, weights and
  /// output), infinite when it does not fit.
  double windowCycles(const WindowShape &S, int64_t Extra) const;
  /// DMA cycles of the chain so tiled: DRAM traffic and transfers, and the
  /// SRAM-to-SRAM copies that move rows between and within its tiles.
  double chainCycles(const ChainTiling &T, int64_t Images) const;
  /// The chain's tiling within the window kernels' SRAM budget.
  ChainTiling chainTiling(const std::vector<ChainStage> &Stages) const;
  int64_t sramBytes() const { return SramBytes; }

private:
  double BytesPerCycle, Latency, MeshLatency;
  int64_t SramBytes;
};

} // namespace d1::plan

#endif
