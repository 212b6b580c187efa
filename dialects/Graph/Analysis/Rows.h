//===- Rows.h - What a fused row kernel runs and the SRAM it needs -*- C++ -*-===//
//
// A row kernel (graph.fused rows) walks a domain [..., Len] a tile of whole
// rows at a time (all leading dims flattened into rows) and runs a DAG of
// elementwise ops, last-axis reductions and softmax on it in SRAM: layer
// norm, softmax and chains of elementwise ops become one pass over memory.
// These rules are shared by graph-fuse (which prices a group) and GraphToTile
// (which lowers it).
//
//===----------------------------------------------------------------------===//
#ifndef D1_GRAPH_ANALYSIS_ROWS_H
#define D1_GRAPH_ANALYSIS_ROWS_H

#include "d1/Planning/PeakCount.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <vector>

namespace d1 {

/// How a tensor of shape S lines up with a row domain: whole, one value per
/// row ([..., 1]), one row broadcast over every row ([Len]), one scalar;
/// Other cannot be read by a row kernel.
enum class RowForm { Full, PerRow, RowVector, Scalar, Other };
RowForm rowForm(llvm::ArrayRef<int64_t> S, llvm::ArrayRef<int64_t> Domain);

/// The domain Op's row kernel walks (a reduction's or softmax's input, an
/// elementwise op's result); empty when Op cannot run in one.
llvm::SmallVector<int64_t> rowDomain(mlir::Operation *Op);

/// Whether Op can run in a row kernel over Domain: an fp32 elementwise op
/// (at most two operands) giving a Full or PerRow value; sum, mean, max,
/// min or product over the last axis keeping it; softmax over the last
/// axis. Operands may be of any form but Other.
bool rowMember(mlir::Operation *Op, llvm::ArrayRef<int64_t> Domain);

/// The SRAM a row kernel's values take per tile. Full slots hold Rows x Len
/// elements, row slots Rows; a slot is reused once its value is dead, so an
/// elementwise op whose operand dies there runs in place. Outside operands
/// of Full or PerRow form take slots while they are read; RowVector and
/// Scalar operands are loaded once and stay for every tile (Resident).
struct RowSlots {
  llvm::DenseMap<mlir::Value, unsigned> Slot;
  std::vector<bool> IsFull; // per slot
  int64_t Resident = 0;     // elements loaded once
  int64_t TempRows = 0;     // per-row scratch (softmax's max and sum)
  int64_t elementsPerRow(int64_t Len) const;
};
RowSlots rowSlots(llvm::ArrayRef<mlir::Operation *> Ops, llvm::ArrayRef<int64_t> Domain);

/// rowSlots' numbers for a group that grows an op at a time, as graph-fuse
/// prices each op that may join it: for the ops added so far and for those
/// and one more, in O(log n) per op where rowSlots takes O(n). A slot is
/// made only when none of its kind is free, so a kind's slots are the most
/// values of that kind holding one at once: values hold slots over ranges
/// of points (two per op: after its new outside operands are taken, after
/// its result is), and an op added at the end extends its operands' ranges
/// to it.
class RowSlotCount {
public:
  explicit RowSlotCount(llvm::ArrayRef<int64_t> Domain) : Domain(Domain) {}
  struct Counts {
    int64_t Full = 0, Rows = 0; // slots of each kind
    int64_t Resident = 0, TempRows = 0;
    int64_t slots() const { return Full + Rows; }
    int64_t elementsPerRow(int64_t Len) const { return TempRows + Full * Len + Rows; }
  };
  /// The ops added so far.
  const Counts &counts() const { return Now; }
  /// Those and Op after them.
  Counts with(mlir::Operation *Op) const { return step(Op).C; }
  void add(mlir::Operation *Op);

private:
  struct Step {
    Counts C;
    llvm::SmallVector<mlir::Value, 2> Held, NewSlots, NewResident; // operands
    int64_t At[2] = {0, 0}; // values holding slots of each kind after the operands
  };
  Step step(mlir::Operation *Op) const;
  bool fullSlot(mlir::Value V) const;

  llvm::SmallVector<int64_t> Domain;
  Counts Now;
  plan::PeakCount Live[2]; // values holding Full, row slots at each point
  /// Values holding or having held a slot: the first point they are not
  /// counted at.
  llvm::DenseMap<mlir::Value, size_t> From;
  llvm::DenseSet<mlir::Value> Resident;
};

/// Rows per tile of a kernel of Outer rows within Budget elements; 0 when
/// one row does not fit.
int64_t rowsPerTile(const RowSlots &S, int64_t Len, int64_t Outer, int64_t Budget);

} // namespace d1

#endif
