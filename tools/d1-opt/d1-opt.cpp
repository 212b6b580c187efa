//===- d1-opt.cpp - MlirOptMain with every d1c dialect and pass -----------===//
#include "d1/Conversion/Passes.h"
#include "d1/Pipelines/Pipelines.h"
#include "d1/Support/CommandLine.h"
#include "d1/Support/Escape.h"
#include "d1/Support/FileIO.h"
#include "dialects/D1/Transforms/Passes.h"
#include "dialects/D1ISA/Transforms/Passes.h"
#include "dialects/Graph/IR/Graph.h"
#include "dialects/Graph/Transforms/Passes.h"
#include "dialects/Tile/IR/Tile.h"
#include "dialects/Tile/Transforms/Passes.h"

#include "mlir/Debug/Counter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/Timing.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

#include <unistd.h>

int main(int argc, char **argv) {
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerLoopInvariantCodeMotionPass();
  mlir::registerSymbolDCEPass();
  d1::registerD1ConversionPasses();
  d1::registerD1TransformsPasses();
  d1::registerGraphTransformsPasses();
  d1::registerTileTransformsPasses();
  d1::registerD1ISATransformsPasses();
  // d1c's pipeline (d1-pipeline) and its two lowering steps
  // (d1-lower-to-tile, d1-lower-to-isa), with d1c's switches as options.
  d1::registerD1Pipelines();
  mlir::DialectRegistry Registry;
  Registry.insert<d1::D1Dialect, d1::graph::GraphDialect, d1::tile::TileDialect,
                  d1::d1isa::D1ISADialect, mlir::func::FuncDialect, mlir::memref::MemRefDialect,
                  mlir::scf::SCFDialect, mlir::arith::ArithDialect>();
  // MlirOptMain's own parsing prints a command-line mistake without
  // "error: ": register the same options here and parse them ourselves.
  static llvm::cl::opt<std::string> InputFile(llvm::cl::Positional, llvm::cl::desc("<input file>"),
                                              llvm::cl::init("-"));
  static llvm::cl::opt<std::string> OutputFile("o", llvm::cl::desc("Output filename"),
                                               llvm::cl::value_desc("filename"),
                                               llvm::cl::init("-"));
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  mlir::tracing::DebugCounter::registerCLOptions();
  mlir::MlirOptMainConfig::registerCLOptions(Registry);
  d1::parseCommandLineOrExit(argc, argv, "d1c optimizer driver\n");
  std::string Err;
  if (InputFile != "-") {
    int FD = d1::openInputFile(InputFile, Err);
    if (FD < 0) {
      llvm::errs() << "error: " << d1::escapeControl(Err) << "\n";
      return 1;
    }
    ::close(FD);
  }
  return mlir::asMainReturnCode(mlir::MlirOptMain(argc, argv, InputFile, OutputFile, Registry));
}
