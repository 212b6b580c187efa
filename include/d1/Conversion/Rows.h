//===- Rows.h - What a fused row kernel runs and the SRAM it needs -*- C++ -*-===//
//
// A row kernel (graph.fused rows) walks a domain [..., Len] a tile of whole
// rows at a time (all leading dims flattened into rows) and runs a DAG of
// elementwise ops, last-axis reductions and softmax on it in SRAM: layer
// norm, softmax and chains of elementwise ops become one pass over memory.
// These rules are shared by d1-fuse (which prices a group) and GraphToTile
// (which lowers it).
//
//===----------------------------------------------------------------------===//
#ifndef D1_CONVERSION_ROWS_H
#define D1_CONVERSION_ROWS_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
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

/// Rows per tile of a kernel of Outer rows within Budget elements; 0 when
/// one row does not fit.
int64_t rowsPerTile(const RowSlots &S, int64_t Len, int64_t Outer, int64_t Budget);

} // namespace d1

#endif
