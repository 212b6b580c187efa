//===- TestIterationSpace.cpp - Print graph ops' iteration spaces ---------===//
//
// The test pass of IterationSpaceOpInterface: loops, maps and, for a tile
// given in `test.tile`, the window of each operand, as remarks.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

namespace d1 {
#define GEN_PASS_DEF_TESTITERATIONSPACE
#include "dialects/Graph/Transforms/Passes.h.inc"
} // namespace d1

using namespace mlir;
using namespace d1;

namespace {

struct TestIterationSpacePass : d1::impl::TestIterationSpaceBase<TestIterationSpacePass> {
  void runOnOperation() override {
    getOperation().walk([&](graph::IterationSpaceOpInterface Op) {
      SmallVector<int64_t> Ranges = Op.getStaticLoopRanges();
      std::string Text;
      llvm::raw_string_ostream OS(Text);
      OS << "loops [";
      llvm::interleaveComma(Ranges, OS);
      OS << "] (";
      llvm::interleaveComma(Op.getLoopIteratorTypes(), OS,
                            [&](utils::IteratorType T) { OS << utils::stringifyIteratorType(T); });
      OS << ") maps ";
      llvm::interleaveComma(Op.getIndexingMaps(), OS);
      Op->emitRemark(OS.str());
      auto Tile = Op->getAttrOfType<DenseI64ArrayAttr>("test.tile");
      if (!Tile)
        return;
      if (Tile.size() != 2 * int64_t(Ranges.size())) {
        Op->emitError("test.tile needs an offset and a size per loop: ")
            << 2 * Ranges.size() << " values";
        return signalPassFailure();
      }
      ArrayRef<int64_t> Offsets = Tile.asArrayRef().take_front(Ranges.size());
      ArrayRef<int64_t> Sizes = Tile.asArrayRef().drop_front(Ranges.size());
      unsigned N = Op->getNumOperands() + Op->getNumResults();
      for (unsigned K = 0; K < N; ++K) {
        graph::Window W = Op.getOperandWindow(K, Offsets, Sizes);
        auto R = Op->emitRemark(K < Op->getNumOperands() ? "operand " : "result ")
                 << (K < Op->getNumOperands() ? K : K - Op->getNumOperands()) << " window [";
        llvm::interleaveComma(W.Offsets, R);
        R << "] sizes [";
        llvm::interleaveComma(W.Sizes, R);
        R << "]";
      }
    });
  }
};

} // namespace
