//===- Epilogue.h - How a fused epilogue lines up with its tiles -*- C++ -*-===//
//
// The rules shared by the fusion pass (which prices an epilogue) and the
// lowering (which runs it): which output dims a tile's planes, rows and
// columns walk, how an outside operand is read against such a tile, and
// which tiles the epilogue's values take.
//
//===----------------------------------------------------------------------===//
#ifndef D1_GRAPH_ANALYSIS_EPILOGUE_H
#define D1_GRAPH_ANALYSIS_EPILOGUE_H

#include "d1/Planning/PeakCount.h"
#include "d1/Planning/Tiling.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <array>
#include <optional>
#include <vector>

namespace d1 {

/// Element strides of a tensor of shape S broadcast to rank Rank (0 where
/// it broadcasts), numpy-aligned from the right.
std::vector<int64_t> broadcastStrides(llvm::ArrayRef<int64_t> S, size_t Rank);

/// The sliding window of a graph.conv or graph.max_pool (NCHW), as the
/// tiling, the fusion cost model and the lowering see it; none for other ops.
std::optional<plan::WindowShape> windowShapeOf(mlir::Operation *Op);

/// The output dims an anchor's [P][R][C] tile walks: a convolution's tiles
/// are channels x rows x columns, a product's rows x columns (no planes).
struct TileDims {
  int P = -1, R = 0, C = 0;
};
TileDims tileDims(mlir::Operation *Anchor);

/// How an operand from outside the epilogue is read against a tile: whole
/// (one element per output element), one row broadcast over the tile, one
/// scalar, one scalar per plane or per row; Strided when its columns are
/// not contiguous (not fusable).
enum class TileForm { Full, RowVector, Scalar, PerPlane, PerRow, Strided };
/// The operand's element strides along the tile's planes, rows, columns.
std::array<int64_t, 3> tileStrides(llvm::ArrayRef<int64_t> Operand, llvm::ArrayRef<int64_t> Out,
                                   TileDims D);
TileForm tileForm(llvm::ArrayRef<int64_t> Operand, llvm::ArrayRef<int64_t> Out, TileDims D);

/// A batched product whose right operand is the same for every batch item
/// (a Linear layer on [B, M, K]) is lowered as one [B * M, K] x [K, N]
/// product, so that its right operand is read once and not once per item.
bool batchFoldsIntoRows(llvm::ArrayRef<int64_t> Lhs, llvm::ArrayRef<int64_t> Rhs);
/// Whether an outside operand of such a product's epilogue reads alike on
/// the folded rows: on every dim before the columns it has the output's
/// size, or 1 on all of them.
bool flattensWithRows(llvm::ArrayRef<int64_t> Operand, llvm::ArrayRef<int64_t> Out);

/// The tile of each value of an epilogue (the anchor's result in tile 0,
/// results of Ops, outside operands read whole) and how many tiles it takes
/// in all (plan::assignEpilogueTiles).
struct ValueTiles {
  llvm::DenseMap<mlir::Value, unsigned> Slot;
  int Slots = 1;
};
ValueTiles epilogueTiles(mlir::Value Anchor, llvm::ArrayRef<mlir::Operation *> Ops, TileDims D);

/// epilogueTiles(...).Slots for an epilogue that grows an op at a time, as
/// graph-fuse prices each op that may join it: for the ops added so far and
/// for those and one more, in O(log n) per op where epilogueTiles takes
/// O(n). A tile is made only when none is free, so the tiles are the most
/// values holding one at once: values hold tiles over ranges of points (two
/// per op: after its operands are given tiles, after its result is), and an
/// op added at the end extends its operands' ranges to it.
class EpilogueTileCount {
public:
  EpilogueTileCount(mlir::Value Anchor, TileDims D);
  /// The ops added so far.
  int64_t slots() const { return Slots; }
  /// Those and Op after them.
  int64_t slotsWith(mlir::Operation *Op) const { return step(Op).Slots; }
  void add(mlir::Operation *Op);

private:
  struct Step {
    int64_t Slots = 0;
    /// Operands with tiles: those that had one before, those taking one.
    llvm::SmallVector<mlir::Value, 2> Held, New;
    mlir::Value InPlace; // the operand whose tile the result takes
    int64_t At = 0;      // values holding tiles after the operands
  };
  Step step(mlir::Operation *Op) const;

  llvm::SmallVector<int64_t> Out;
  TileDims Dims;
  int64_t Slots = 1;
  plan::PeakCount Live;
  /// Values holding or having held a tile: the first point they are not
  /// counted at.
  llvm::DenseMap<mlir::Value, size_t> From;
};

} // namespace d1

#endif
