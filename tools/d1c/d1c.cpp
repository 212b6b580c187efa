//===- d1c.cpp - The d1c compiler driver -----------------------------------===//
//
// d1c MODEL.onnx [-o MODEL.d1x] [--emit=graph|graph-planned|tile|isa|isa-allocated|asm] [--shape
// N=1x3x8x8]
//     [-O0|-O1|-O2] [--target FILE] [MLIR options such as --mlir-timing]
//
// Phase banners with times go to stderr. Nothing is written unless the whole
// compilation succeeds.
//
//===----------------------------------------------------------------------===//
#include "d1/Asm/Assembler.h"
#include "d1/Codegen/Emitter.h"
#include "d1/Import/ONNXImporter.h"
#include "d1/Pipelines/Pipelines.h"
#include "d1/Support/CommandLine.h"
#include "d1/Support/Escape.h"
#include "d1/Support/FileIO.h"
#include "dialects/Graph/IR/Graph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace llvm;

// --help lists these; LLVM's and MLIR's options stay usable (--help-hidden).
static cl::OptionCategory D1cCategory("d1c options");

static cl::opt<std::string> Input(cl::Positional, cl::desc("<model.onnx>"), cl::Required,
                                  cl::cat(D1cCategory));
static cl::opt<std::string> Output("o", cl::desc("Output file"), cl::value_desc("file"),
                                   cl::cat(D1cCategory));
enum class Emit { Graph, GraphPlanned, Tile, ISA, ISAAllocated, Asm, Binary };
static cl::opt<Emit>
    EmitStage("emit", cl::desc("Stop after a stage and print it"), cl::init(Emit::Binary),
              cl::values(clEnumValN(Emit::Graph, "graph", "the graph dialect after import"),
                         clEnumValN(Emit::GraphPlanned, "graph-planned",
                                    "the graph dialect after fusion and tiling selection: "
                                    "each kernel's graph.tiling"),
                         clEnumValN(Emit::Tile, "tile", "the tile dialect"),
                         clEnumValN(Emit::ISA, "isa", "the ISA dialect"),
                         clEnumValN(Emit::ISAAllocated, "isa-allocated",
                                    "the ISA dialect after register allocation"),
                         clEnumValN(Emit::Asm, "asm", "D1 assembly")),
              cl::cat(D1cCategory));
static cl::list<std::string> Shapes("shape", cl::desc("Fix an input's shape: NAME=1x3x224x224"),
                                    cl::value_desc("name=dims"), cl::cat(D1cCategory));
enum OptLevelKind { O0, O1, O2 };
static cl::opt<OptLevelKind> OptLevel(cl::desc("Optimization level"), cl::init(O2),
                                      cl::values(clEnumVal(O0, "no optimization"),
                                                 clEnumVal(O1, "fast optimizations"),
                                                 clEnumVal(O2, "all optimizations (default)")),
                                      cl::cat(D1cCategory));
static cl::opt<std::string> Target("target", cl::desc("Machine description file"),
                                   cl::value_desc("file"), cl::cat(D1cCategory));
static cl::opt<bool> Quiet("q", cl::desc("No phase banners"), cl::cat(D1cCategory));
static cl::opt<bool> DisableSramReuse(
    "disable-sram-reuse",
    cl::desc("Give every SRAM buffer bytes of its own (measures the planner; may not fit)"),
    cl::cat(D1cCategory));
static cl::opt<bool> DisableFusion("disable-fusion",
                                   cl::desc("Lower every op as its own kernel (measures fusion)"),
                                   cl::cat(D1cCategory));
static cl::opt<bool> DisableDepthFirst(
    "disable-depth-first",
    cl::desc("Run each convolution and pooling on its own instead of chaining consecutive ones "
             "depth-first (measures depth-first tiling)"),
    cl::cat(D1cCategory));
static cl::opt<bool> DisableScheduling(
    "disable-scheduling",
    cl::desc("Keep the D1 instructions in the order the lowering wrote them (measures the "
             "instruction scheduler)"),
    cl::cat(D1cCategory));
enum class PrecisionKind { Fp32, Bf16 };
static cl::opt<PrecisionKind> Precision(
    "precision", cl::desc("Arithmetic of convolutions and matrix products"),
    cl::init(PrecisionKind::Fp32),
    cl::values(clEnumValN(PrecisionKind::Fp32, "fp32", "fp32 FMAs on the vector unit (default)"),
               clEnumValN(PrecisionKind::Bf16, "bf16",
                          "the matrix unit: inputs and weights rounded to bf16 (nearest even), "
                          "fp32 accumulation; elementwise work stays fp32")),
    cl::cat(D1cCategory));
static cl::opt<int> AllocatableRegisters(
    "allocatable-registers", cl::init(31), cl::Hidden,
    cl::desc("Scalar and vector registers the allocator may use (fewer force spilling; for "
             "testing)"),
    cl::cat(D1cCategory));
static cl::opt<int> AllocatableAccumulators(
    "allocatable-accumulators", cl::init(4), cl::Hidden,
    cl::desc("Matrix accumulators the allocator may use (fewer force spilling; for testing)"),
    cl::cat(D1cCategory));
static cl::opt<bool>
    MemoryReport("memory-report",
                 cl::desc("Print the SRAM and DRAM plans' sizes against their bounds"),
                 cl::cat(D1cCategory));
static cl::opt<bool> DisableResidency(
    "disable-sram-residency",
    cl::desc("Send every activation to DRAM between kernels (measures SRAM residency)"),
    cl::cat(D1cCategory));
static cl::opt<bool> DisableTables(
    "disable-activation-tables",
    cl::desc("Compute every activation function instead of reading tables in SRAM where they pay"),
    cl::cat(D1cCategory));
static cl::opt<int64_t> SramReserve(
    "sram-reserve", cl::init(131072), cl::value_desc("bytes"),
    cl::desc("SRAM kept free for DMA descriptors and tables when activations stay resident"),
    cl::cat(D1cCategory));
static cl::opt<bool> DisableDramReuse("disable-dram-reuse",
                                      cl::desc("Give every DRAM activation bytes of its own"),
                                      cl::cat(D1cCategory));
static cl::opt<bool> VerifyEach(
    "verify-each",
    cl::desc("Verify the IR after every pass (by default once at the end of each stage)"),
    cl::init(false), cl::cat(D1cCategory));

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
  std::vector<std::string> Notes;
  void end() {
    double Ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - Start).count();
    if (!Quiet) {
      for (const std::string &Note : Notes)
        errs() << " (" << Note << ")";
      errs() << format(" (%.1f ms)\n", Ms);
    }
    Notes.clear();
  }
};

int fail(const std::string &Msg) {
  errs() << "error: " << d1::escapeControl(Msg) << "\n";
  return 1;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM Init(argc, argv);
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerAsmPrinterCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::HideUnrelatedOptions(D1cCategory);
  d1::parseCommandLineOrExit(
      argc, argv,
      "d1c: ONNX to D1 compiler\n\n"
      "  MLIR's debugging options (--mlir-timing, --mlir-print-ir-after-all, "
      "...)\n  work too; --help-hidden lists them.\n");

  d1::ImportOptions Opts;
  for (const std::string &S : Shapes) {
    auto Eq = S.find('=');
    std::vector<int64_t> Dims;
    if (Eq == std::string::npos || !d1::parseDims(S.substr(Eq + 1), Dims))
      return fail("--shape expects NAME=DIMxDIM..., got '" + S + "'");
    Opts.InputShapes[S.substr(0, Eq)] = Dims;
  }
  d1::MachineDesc Machine;
  if (!Target.empty()) {
    std::string TargetErr = Machine.parseFile(Target);
    if (!TargetErr.empty())
      return fail(TargetErr);
  }
  int64_t Sram = Machine[d1::MachineParamId::sram_bytes];
  Opts.MaxTensorBytes = Machine[d1::MachineParamId::dram_bytes];
  Opts.Target = Machine;

  bool Banners = !Quiet;
  unsigned Stages = EmitStage == Emit::Graph                                     ? 1
                    : EmitStage == Emit::Tile || EmitStage == Emit::GraphPlanned ? 2
                    : EmitStage == Emit::ISA                                     ? 3
                                                                                 : 4;
  Phases P(Stages);
  mlir::MLIRContext Ctx;
  Ctx.loadDialect<d1::graph::GraphDialect, mlir::func::FuncDialect>();
  // Diagnostics become one-line errors (the location names the ONNX node).
  // Remarks (the pipeline retrying without SRAM residency) go with the
  // phase banner.
  mlir::ScopedDiagnosticHandler Diags(&Ctx, [&](mlir::Diagnostic &D) {
    if (D.getSeverity() == mlir::DiagnosticSeverity::Remark && !Quiet)
      P.Notes.push_back(D.str());
    if (D.getSeverity() != mlir::DiagnosticSeverity::Error)
      return mlir::success();
    std::string Where;
    llvm::raw_string_ostream OS(Where);
    mlir::Location L = D.getLocation();
    if (auto N = dyn_cast<mlir::NameLoc>(L)) {
      if (auto F = dyn_cast<mlir::FileLineColLoc>(N.getChildLoc()))
        OS << F.getFilename().str() << ": ";
      OS << "node " << N.getName().str() << ": ";
    } else if (auto F = dyn_cast<mlir::FileLineColLoc>(L)) {
      OS << F.getFilename().str() << ": ";
    }
    errs() << "error: " << d1::escapeControl(OS.str() + D.str()) << "\n";
    return mlir::success();
  });
  auto Failed = [&](const std::string &Msg) {
    if (Banners)
      errs() << "\n";
    return Msg.empty() ? 1 : fail(Msg);
  };
  P.begin("Importing ONNX model");
  std::string Err;
  auto Module = d1::importONNX(Ctx, Input, Opts, Err);
  if (!Module)
    return Failed(Err);
  P.end();

  // --mlir-timing reports every pass of every stage in one tree.
  mlir::DefaultTimingManager Timing;
  mlir::applyDefaultTimingManagerCLOptions(Timing);
  mlir::TimingScope RootTiming = Timing.getRootScope();
  auto RunPasses = [&](auto AddPasses) {
    mlir::PassManager PM(&Ctx);
    if (failed(mlir::applyPassManagerCLOptions(PM)))
      return false;
    PM.enableTiming(RootTiming);
    // Verifying a d1isa module of a large model after each of its passes
    // costs more than some of the passes; a stage's result is verified once.
    PM.enableVerifier(VerifyEach);
    AddPasses(PM);
    if (failed(PM.run(*Module)))
      return false;
    if (VerifyEach)
      return true;
    mlir::TimingScope Verifying = RootTiming.nest("verify");
    return succeeded(mlir::verify(*Module));
  };
  auto Run = [&](const char *Banner, auto AddPasses) {
    P.begin(Banner);
    if (!RunPasses(AddPasses))
      return false;
    P.end();
    return true;
  };
  // d1c's switches as the options of the pipeline d1-opt registers too.
  d1::D1PipelineOptions PO;
  PO.OptLevel = OptLevel == O0 ? 0 : OptLevel == O1 ? 1 : 2;
  PO.Precision = Precision == PrecisionKind::Bf16 ? "bf16" : "fp32";
  PO.SramReserve = SramReserve.getValue();
  PO.DisableFusion = DisableFusion.getValue();
  PO.DisableDepthFirst = DisableDepthFirst.getValue();
  PO.DisableSramResidency = DisableResidency.getValue();
  PO.DisableActivationTables = DisableTables.getValue();
  PO.DisableScheduling = DisableScheduling.getValue();
  PO.DisableSramReuse = DisableSramReuse.getValue();
  PO.DisableDramReuse = DisableDramReuse.getValue();
  PO.AllocatableRegisters = AllocatableRegisters.getValue();
  PO.AllocatableAccumulators = AllocatableAccumulators.getValue();
  if (EmitStage == Emit::GraphPlanned && !Run("Planning the graph", [&](mlir::PassManager &PM) {
        d1::buildD1GraphPlanPipeline(PM, PO);
      }))
    return Failed("");
  bool PastGraph = EmitStage != Emit::Graph && EmitStage != Emit::GraphPlanned;
  if (PastGraph && !Run("Lowering to tiles",
                        [&](mlir::PassManager &PM) { d1::buildD1GraphToTilePipeline(PM, PO); }))
    return Failed("");
  if (PastGraph && EmitStage != Emit::Tile) {
    if (!Run("Lowering to D1 instructions",
             [&](mlir::PassManager &PM) { d1::buildD1TileToISAPipeline(PM, PO); }))
      return Failed("");
    if (MemoryReport) {
      auto Get = [&](StringRef Name) {
        auto A = (*Module)->getAttrOfType<mlir::IntegerAttr>(Name);
        return A ? A.getInt() : int64_t(0);
      };
      outs() << format("sram: peak %lld bytes, bound %lld bytes, worst kernel %.3fx of its bound, "
                       "capacity %lld bytes\n",
                       (long long)Get("d1.sram_peak"), (long long)Get("d1.sram_bound"),
                       double(Get("d1.sram_worst_kernel_permille")) / 1000.0, (long long)Sram)
             << format("dram: activations %lld bytes (%lld without reuse), total %lld bytes\n",
                       (long long)Get("d1.dram_activation_bytes"),
                       (long long)Get("d1.dram_activation_bytes_no_reuse"),
                       (long long)Get("d1.dram_size"))
             << format("resident: %lld bytes of activations kept in SRAM between kernels, "
                       "%lld spilled to DRAM\n",
                       (long long)Get("d1.sram_resident_bytes"),
                       (long long)Get("d1.sram_resident_spilled"));
    }
  }
  d1::D1XWriter W;
  std::string Asm;
  if (EmitStage == Emit::ISAAllocated || EmitStage == Emit::Asm || EmitStage == Emit::Binary) {
    P.begin(EmitStage == Emit::ISAAllocated ? "Allocating registers"
                                            : "Allocating registers and encoding");
    if (AllocatableRegisters < 4 || AllocatableRegisters > 31)
      return fail("--allocatable-registers must be 4 to 31");
    if (AllocatableAccumulators < 1 || AllocatableAccumulators > 4)
      return fail("--allocatable-accumulators must be 1 to 4");
    if (!RunPasses([&](mlir::PassManager &PM) { d1::buildD1RegisterAllocationPipeline(PM, PO); }))
      return Failed("");
    if (EmitStage != Emit::ISAAllocated) {
      mlir::TimingScope Encoding = RootTiming.nest("d1isa-to-d1x");
      if (failed(d1::translateToD1X(*Module, W)))
        return Failed("");
    }
    if (EmitStage == Emit::Asm) {
      auto F = d1::D1XFile::fromBuffer(W.serialize(), Input, Err);
      if (!F)
        return Failed("internal error: " + Err);
      Asm = d1::disassemble(*F, true);
    }
    P.end();
  }

  // Written all or nothing, never over the model or the machine description.
  d1::OutputFiles Outs;
  Outs.protect(Input);
  if (!Target.empty())
    Outs.protect(Target);
  std::string OutPath = Output;
  std::string Bytes;
  if (EmitStage == Emit::Binary) {
    if (OutPath.empty()) {
      StringRef In(Input);
      OutPath = (In.ends_with(".onnx") ? In.drop_back(5).str() : In.str()) + ".d1x";
    }
    Bytes = W.serialize();
  } else {
    if (OutPath.empty())
      OutPath = "-";
    if (EmitStage == Emit::Asm) {
      Bytes = std::move(Asm);
    } else {
      raw_string_ostream OS(Bytes);
      // Large constants are elided unless --mlir-elide-elementsattrs-if-larger
      // asks otherwise (a graph for d1-opt needs its weights).
      mlir::OpPrintingFlags Flags;
      if (!Flags.getLargeElementsAttrLimit())
        Flags.elideLargeElementsAttrs(16);
      Module->print(OS, Flags);
    }
  }
  // The memory report went to standard output: a full disk fails the run.
  outs().flush();
  if (outs().has_error()) {
    std::string Why = outs().error().message();
    outs().clear_error();
    return fail("cannot write standard output: " + Why);
  }
  if (!Outs.add(OutPath, std::move(Bytes), Err) || !Outs.commit(Err))
    return fail(Err);
  return 0;
}
