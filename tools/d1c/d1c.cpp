//===- d1c.cpp - The d1c compiler driver -----------------------------------===//
//
// d1c MODEL.onnx [-o MODEL.d1x] [--emit=graph|tile|isa|asm] [--shape N=1x3x8x8]
//     [-O0|-O1|-O2] [--target FILE] [MLIR options such as --mlir-timing]
//
// Phase banners with times go to stderr. Nothing is written unless the whole
// compilation succeeds.
//
//===----------------------------------------------------------------------===//
#include "d1/Dialects/Graph/Graph.h"
#include "d1/Import/ONNXImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace llvm;

static cl::opt<std::string> Input(cl::Positional, cl::desc("<model.onnx>"), cl::Required);
static cl::opt<std::string> Output("o", cl::desc("Output file"), cl::value_desc("file"));
enum class Emit { Graph, Tile, ISA, Asm, Binary };
static cl::opt<Emit> EmitStage(
    "emit", cl::desc("Stop after a stage and print it"), cl::init(Emit::Binary),
    cl::values(clEnumValN(Emit::Graph, "graph", "the graph dialect after import"),
               clEnumValN(Emit::Tile, "tile", "the tile dialect"),
               clEnumValN(Emit::ISA, "isa", "the ISA dialect"),
               clEnumValN(Emit::Asm, "asm", "D1 assembly")));
static cl::list<std::string> Shapes("shape", cl::desc("Fix an input's shape: NAME=1x3x224x224"),
                                    cl::value_desc("name=dims"));
enum OptLevelKind { O0, O1, O2 };
static cl::opt<OptLevelKind> OptLevel(cl::desc("Optimization level"), cl::init(O2),
                                      cl::values(clEnumVal(O0, "no optimization"),
                                                 clEnumVal(O1, "fast optimizations"),
                                                 clEnumVal(O2, "all optimizations (default)")));
static cl::opt<std::string> Target("target", cl::desc("Machine description file"),
                                   cl::value_desc("file"));
static cl::opt<bool> Quiet("q", cl::desc("No phase banners"));

namespace {
struct Phases {
  unsigned N = 0, Total;
  std::chrono::steady_clock::time_point Start = std::chrono::steady_clock::now();
  explicit Phases(unsigned Total) : Total(Total) {}
  void begin(const char *Name) {
    if (!Quiet)
      errs() << "[" << ++N << "/" << Total << "] " << Name;
    Start = std::chrono::steady_clock::now();
  }
  void end() {
    double Ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - Start).count();
    if (!Quiet)
      errs() << format(" (%.1f ms)\n", Ms);
  }
};

int fail(const std::string &Msg) {
  errs() << "error: " << Msg << "\n";
  return 1;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM Init(argc, argv);
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerAsmPrinterCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "d1c: ONNX to D1 compiler\n");

  d1::ImportOptions Opts;
  for (const std::string &S : Shapes) {
    auto Eq = S.find('=');
    std::vector<int64_t> Dims;
    if (Eq == std::string::npos || !d1::parseDims(S.substr(Eq + 1), Dims))
      return fail("--shape expects NAME=DIMxDIM..., got '" + S + "'");
    Opts.InputShapes[S.substr(0, Eq)] = Dims;
  }
  if (EmitStage != Emit::Graph)
    return fail("only --emit=graph is available so far: lowering to D1 code is not built yet");

  mlir::MLIRContext Ctx;
  Ctx.loadDialect<d1::graph::GraphDialect, mlir::func::FuncDialect>();
  Phases P(1);
  P.begin("Importing ONNX model");
  std::string Err;
  auto Module = d1::importONNX(Ctx, Input, Opts, Err);
  if (!Module) {
    if (!Quiet)
      errs() << "\n";
    return fail(Err);
  }
  P.end();

  std::string OutPath = Output.empty() ? "-" : Output.getValue();
  std::error_code EC;
  auto Out = std::make_unique<ToolOutputFile>(OutPath, EC, sys::fs::OF_None);
  if (EC)
    return fail("cannot write '" + OutPath + "': " + EC.message());
  mlir::OpPrintingFlags Flags;
  Flags.elideLargeElementsAttrs(16);
  Module->print(Out->os(), Flags);
  Out->keep();
  return 0;
}
