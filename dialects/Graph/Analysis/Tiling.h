//===- Tiling.h - The tiling of each kernel, chosen once --------*- C++ -*-===//
//
// What graph-select-tiling records in an op's `graph.tiling` and
// convert-graph-to-tile reads: the graph-level inputs of the planners in
// d1/Planning/Tiling.h (kernel shapes, epilogue tiles, batch folding), and
// the attributes' conversions to and from the planners' structs. The pass
// and the lowering both call these, so a tiling chosen by one is the
// tiling the other would choose.
//
//===----------------------------------------------------------------------===//
#ifndef D1_DIALECTS_GRAPH_ANALYSIS_TILING_H
#define D1_DIALECTS_GRAPH_ANALYSIS_TILING_H

#include "d1/Planning/Tiling.h"
#include "dialects/Graph/Analysis/Rows.h"
#include "dialects/Graph/IR/Graph.h"

#include <optional>
#include <string>
#include <vector>

namespace d1 {

/// The attribute name of every tiling decision.
inline constexpr llvm::StringLiteral TilingAttrName = "graph.tiling";

/// Why a window tiling with mma = true cannot run on a layer the matrix
/// unit does not take.
inline constexpr llvm::StringLiteral NotOnMatrixUnit =
    "the matrix unit takes a layer only with --precision=bf16, constant weights, a column "
    "stride of 1 or 2 and whole groups of 8 filters and 4 channels";

struct TilingOptions {
  int64_t SramBytes = 0;
  bool Bf16 = false; // convolutions and products on the matrix unit
  bool DoubleBuffer = true;
};

/// The window kernel of a convolution, max or average pooling as the
/// lowering tiles it, with Mma set where the matrix unit may run it (bf16,
/// constant fp32 weights, column stride 1 or 2, whole groups of 8 filters
/// and 4 channels); std::nullopt for other ops.
std::optional<plan::WindowShape> windowKernelShape(mlir::Operation *Op, bool Bf16);

/// The ops of an epilogue group after its anchor, in order.
std::vector<mlir::Operation *> epilogueOps(graph::FusedOp F);

/// Output-sized SRAM tiles an epilogue group needs beyond its anchor's.
int64_t epilogueExtraTiles(graph::FusedOp F);

/// Whether a batched product runs as one product over the batch's rows:
/// its right operand is shared by the batch, and every operand of its
/// epilogue (EpilogueOps, empty when unfused) lines up with those rows.
bool matmulFoldsBatch(graph::MatMulOp MM, llvm::ArrayRef<mlir::Operation *> EpilogueOps);

/// M, N and K of a product as the lowering runs it.
struct MatmulExtent {
  int64_t M = 0, N = 0, K = 0;
};
MatmulExtent matmulExtent(mlir::Operation *Op, llvm::ArrayRef<mlir::Operation *> EpilogueOps);

/// A rows group as its kernel runs: its ops, the domain [..., Len] of
/// Outer rows, the SRAM slots, and the most whole rows per tile within the
/// budget (0 when not one fits). NotMember is an op that cannot run in the
/// kernel (then nothing else is set).
struct RowGroup {
  std::vector<mlir::Operation *> Ops;
  llvm::SmallVector<int64_t> Domain;
  int64_t Len = 0, Outer = 0, Rows = 0;
  RowSlots Slots;
  mlir::Operation *NotMember = nullptr;
};
RowGroup rowGroup(graph::FusedOp F, int64_t SramBytes);

/// The stages of a depth-first group as plan::chainTiling prices them.
std::vector<plan::ChainStage> chainStages(graph::FusedOp F);

// The attributes and the planners' structs.
graph::WindowTilingAttr windowTilingAttr(mlir::MLIRContext *Ctx, const plan::WindowChoice &C);
plan::WindowChoice windowChoice(graph::WindowTilingAttr A);
graph::MatmulTilingAttr matmulTilingAttr(mlir::MLIRContext *Ctx, const plan::MatmulTiling &T);
plan::MatmulTiling matmulTiling(graph::MatmulTilingAttr A);

/// Chooses the tiling of Op (a window kernel, a product, a rows or
/// depth-first group; an epilogue group's anchor) and records it in
/// graph.tiling, unless it has one; then checks the recorded one. Returns
/// an error text, empty when the tiling is fine (ops without a tiling and
/// window kernels that need splitting record nothing).
std::string selectTiling(mlir::Operation *Op, const TilingOptions &O);

} // namespace d1

#endif
