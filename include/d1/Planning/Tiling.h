//===- Tiling.h - Tile sizes of the SRAM kernels and their traffic -*- C++ -*-===//
//
// How a convolution (or pooling) and a matrix product are cut into tiles
// that fit the SRAM budget, and the DRAM bytes the tiled kernel moves. The
// lowering (GraphToTile) tiles with these; the fusion cost model prices a
// fused epilogue with them, so both see the same tiles.
//
//===----------------------------------------------------------------------===//
#ifndef D1_PLANNING_TILING_H
#define D1_PLANNING_TILING_H

#include <cstdint>
#include <string>
#include <vector>

namespace d1::plan {

/// A sliding-window kernel over NCHW: a convolution (Conv) or a pooling.
struct WindowShape {
  bool Conv = true;
  int64_t N = 1, C = 1, H = 1, W = 1; // input
  int64_t F = 1, OH = 1, OW = 1;      // output channels and size
  int64_t KH = 1, KW = 1, StrideH = 1, StrideW = 1, DilH = 1, DilW = 1;
  int64_t PadT = 0, PadL = 0, PadB = 0, PadR = 0, Group = 1;
  /// On the matrix unit (conv2d_mma): the tile also holds the input's bf16
  /// views (d1/Planning/MmaConv.h).
  bool Mma = false;
};

struct WindowTiling {
  int64_t TF = 1;  // filters (or channels when pooling) per tile
  int64_t TC = 1;  // input channels per tile (convolution)
  int64_t TOY = 1; // output rows per tile
  bool Fits = false;
  /// With all input channels in one tile (TC = channels): rows outside and
  /// each row tile's input loaded once for all filter tiles (weights read
  /// per row tile), instead of filter tiles outside with their weights
  /// loaded once (input read per filter tile).
  bool InputOnce = false;
  /// Double buffering (GraphToTile): the next row tile's input, or the next
  /// filter tile's weights, is loaded while the current tile computes, in a
  /// second buffer of its own.
  bool DoubleInput = false, DoubleWeights = false;
};

/// Where a convolution can double-buffer: with all input channels in one
/// tile, its input across row tiles (when there are several) and its
/// weights across filter tiles (when there are several).
inline bool canDoubleInput(const WindowShape &S, int64_t TC, int64_t TOY) {
  return S.Conv && TC >= S.C / S.Group && TOY < S.OH;
}
inline bool canDoubleWeights(const WindowShape &S, int64_t TF, int64_t TC) {
  return S.Conv && TC >= S.C / S.Group && TF < S.F / S.Group;
}

/// Elements of SRAM one tile needs: the padded input rows, the weights, the
/// output tile, the bias, and ExtraOutTiles more output-sized tiles (a
/// fused epilogue's operands and intermediates); input and weights twice
/// where asked to be and able to be double-buffered.
int64_t windowTileElements(const WindowShape &S, int64_t TF, int64_t TC, int64_t TOY,
                           int64_t ExtraOutTiles = 0, bool DoubleInput = false,
                           bool DoubleWeights = false);

/// Halves the filter and channel tiles (from 64) until one output row
/// fits BudgetElements, then doubles the rows while they fit. Double
/// buffering is taken where it moves no more DRAM bytes than single
/// buffers (it hides DMA time but its second buffers shrink the tiles).
WindowTiling windowTiling(const WindowShape &S, int64_t BudgetElements, int64_t ExtraOutTiles = 0,
                          bool AllowDouble = true);

/// A window kernel's decision: its tiling, and whether it runs on the
/// matrix unit.
struct WindowChoice {
  WindowTiling Tiling;
  bool Mma = false;
};

/// The right padding of S's rows on the matrix unit: padded rows a multiple
/// of twice the column stride wide (MmaConv.h's views), the extra columns
/// on the right read by no window.
int64_t mmaPadRight(const WindowShape &S);

/// The tiling of window kernel S (S.Mma: the matrix unit may run it; S.PadR
/// the layer's own padding). On the matrix unit the tiles must align with
/// its A tiles (8 filters x 4 channels, or all of them); where the best
/// tiling does not, the kernel runs on the vector unit instead.
WindowChoice chooseWindowTiling(const WindowShape &S, int64_t BudgetElements, int64_t ExtraOutTiles,
                                bool AllowDouble);

/// Why tiling T of window kernel S (S.Mma and S.PadR as chosen) cannot
/// run, with ExtraOutTiles and BudgetElements: a tile out of range, a
/// double buffer or an input-once order it cannot have, tiles the matrix
/// unit cannot take, or more SRAM than the budget; empty when it can.
std::string checkWindowTiling(const WindowShape &S, const WindowTiling &T, int64_t BudgetElements,
                              int64_t ExtraOutTiles);

/// DRAM bytes the tiled window kernel reads and writes (fp32): input rows
/// once per filter tile, weights once per row tile, output once.
int64_t windowTraffic(const WindowShape &S, const WindowTiling &T);

/// One kernel of a depth-first chain: stage s + 1 reads stage s's output,
/// which never leaves SRAM. Extra output-sized tiles serve the stage's
/// fused epilogue; Bias says whether it adds one value per filter.
struct ChainStage {
  WindowShape Shape;
  int64_t ExtraOutTiles = 0;
  bool Bias = false;
};

/// What one stage does in one band. Each stage keeps its padded input
/// rows in a tile (planes x TileRows x padded width) whose row 0 is input
/// row InRow0; rows it still needs are moved up from the previous band
/// (a line buffer: no row is loaded or computed twice), and the new rows
/// arrive below them, from DRAM for the first stage, from the previous
/// stage's output otherwise.
struct ChainStep {
  int64_t OutLo = 0, OutRows = 0;                    // output rows computed
  int64_t InRow0 = 0;                                // input row at tile row 0
  int64_t CarryFrom = 0, CarryTo = 0, CarryRows = 0; // tile rows kept
  int64_t NewLo = 0, NewRows = 0;                    // input rows that arrive
  int64_t NewTo = 0;                                 // tile row of input row NewLo
  /// Tile rows to refill with the pad value once the kept rows have moved:
  /// the top padding [0, PadTop) and the bottom padding [PadFrom, PadFrom +
  /// PadRows), when rows of an earlier band are left there.
  int64_t PadTop = 0, PadFrom = 0, PadRows = 0;
};

struct ChainTiling {
  bool Fits = false;
  int64_t Rows = 0;                             // the last stage's output rows per band
  std::vector<int64_t> TileRows;                // per stage: rows of its input tile
  std::vector<int64_t> MaxOutRows;              // per stage: most output rows of a band
  std::vector<std::vector<ChainStep>> Bands;    // [band][stage]
  int64_t Elements = 0;                         // SRAM, fp32 elements
  int64_t Traffic = 0;                          // DRAM bytes of one image: its input and output
  int64_t OnceBytes = 0;                        // DRAM bytes for all images: weights and biases
  int64_t DramTransfers = 0, SramTransfers = 0; // DMAs (one image)
};

/// The bands of Stages run depth-first with Rows output rows of the last
/// stage per band, and the SRAM they need: every stage's input tile,
/// weights and bias at once, and the largest stage's output tiles.
ChainTiling chainBands(const std::vector<ChainStage> &Stages, int64_t Rows);

/// The most rows per band (up to the last stage's height) whose tiles fit
/// BudgetElements; Fits is false when one row does not.
ChainTiling chainTiling(const std::vector<ChainStage> &Stages, int64_t BudgetElements);

struct MatmulTiling {
  int64_t TM = 1, TN = 1, TK = 1;
};

/// Tiles of up to 256 x 256 (K, N), M filling the budget (at most 256).
/// On the matrix unit (Mma) K tiles are up to 128 deep, the budget also
/// holds the bf16 copies of A and B (MmaConv.h), and M tiles are whole
/// 8-row blocks where M allows.
MatmulTiling matmulTiling(int64_t M, int64_t N, int64_t K, int64_t BudgetElements,
                          int64_t ExtraOutTiles = 0, bool Mma = false);

/// Why Rows whole rows per tile of a row kernel cannot run where at most
/// Most fit the budget; empty when they can.
std::string checkRowTiling(int64_t Rows, int64_t Most);

/// Why bands of Rows output rows of the last stage of Stages cannot run
/// within BudgetElements; empty when they can.
std::string checkChainTiling(const std::vector<ChainStage> &Stages, int64_t Rows,
                             int64_t BudgetElements);

/// SRAM elements of a product's tiles (matmulTiling's budget rule).
int64_t matmulTileElements(const MatmulTiling &T, int64_t ExtraOutTiles, bool Mma);

/// Why tiling T of an [M, K] x [K, N] product cannot run within
/// BudgetElements; empty when it can.
std::string checkMatmulTiling(int64_t M, int64_t N, int64_t K, const MatmulTiling &T,
                              int64_t BudgetElements, int64_t ExtraOutTiles, bool Mma);

/// DRAM bytes of one [M, K] x [K, N] product so tiled (fp32): A once per
/// column tile, B once per row tile, C once.
int64_t matmulTraffic(int64_t M, int64_t N, int64_t K, const MatmulTiling &T);

/// SRAM budgets (fp32 elements) on a core with SramBytes: one tile of a
/// streaming kernel (elementwise, copies, reductions), all of a window
/// kernel's tiles, all of a matrix product's tiles.
inline int64_t tileBudget(int64_t SramBytes) {
  return SramBytes / 4 / 8 > 1024 ? SramBytes / 4 / 8 : 1024;
}
inline int64_t windowBudget(int64_t SramBytes) { return SramBytes / 4 / 2; }
inline int64_t matmulBudget(int64_t SramBytes) { return 2 * tileBudget(SramBytes); }
/// All tiles of a row kernel (reductions, softmax, fused row groups).
inline int64_t rowBudget(int64_t SramBytes) { return 2 * tileBudget(SramBytes); }

/// One op of a fused epilogue over output-sized tiles: the values it reads
/// and the value it gives. Value 0 is the anchor's result (in its own tile);
/// a value no step gives is an outside operand, which needs a tile of its own
/// when ReadWhole says so (else it is small: a row, a column, a scalar).
struct EpilogueStep {
  std::vector<int> Reads;
  int Result;
};

struct EpilogueTiles {
  std::vector<int> Slot; // per value id: its tile (-1: none)
  int Slots = 1;         // tiles in all, the anchor's included
};

/// Gives each value a tile, reusing a tile once its value is read for the
/// last time and writing a result over its first operand's tile when that
/// read is the last.
EpilogueTiles assignEpilogueTiles(const std::vector<EpilogueStep> &Steps, int NumValues,
                                  const std::vector<bool> &ReadWhole);

} // namespace d1::plan

#endif
