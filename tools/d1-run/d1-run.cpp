//===- d1-run.cpp - Run a .d1x on the emulator -----------------------------===//
//
// d1-run PROG.d1x [--input FILE | --input NAME=FILE]... [--output-dir DIR]
//        [--output-format pb|npy] [--stats-json FILE|-] [--trace FILE|-]
//        [--profile FILE|-] [--hot N] [--max-cycles N] [--threads N]
//        [--no-timing-memo] [--print] [--quiet]
//
//===----------------------------------------------------------------------===//
#include "d1/Runtime/Emulator.h"
#include "d1/Runtime/Profile.h"
#include "d1/Runtime/TensorIO.h"
#include "d1/Support/CommandLine.h"
#include "d1/Support/Escape.h"
#include "d1/Support/FileIO.h"
#include "d1/Target/Numerics.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>

using namespace llvm;
using namespace d1;

static cl::OptionCategory RunCategory("d1-run options");

/// A count in decimal: no sign, no hex, no overflow ("-1" is a mistake, not
/// the largest count).
template <class T> struct CountParser : cl::parser<T> {
  using cl::parser<T>::parser;
  bool parse(cl::Option &O, StringRef, StringRef Arg, T &Value) {
    if (Arg.getAsInteger(10, Value))
      return O.error("needs a non-negative integer, not '" + Arg + "'");
    return false;
  }
};

/// d1-run's options. LLVM has a -stats-json of its own (print LLVM's
/// statistics as JSON), and two options of one name abort the parser:
/// parseOptions removes LLVM's before it builds these.
struct Options {
  cl::list<std::string> Programs{cl::Positional, cl::desc("<PROG.d1x>"), cl::cat(RunCategory)};
  cl::list<std::string> Inputs{
      "input",
      cl::desc("An input tensor (.npy or TensorProto .pb): NAME=FILE, or FILE for the next "
               "input not named"),
      cl::value_desc("[name=]file"), cl::cat(RunCategory)};
  cl::opt<std::string> OutputDir{"output-dir",
                                 cl::desc("Write the outputs to DIR/output_<i>.pb (or .npy)"),
                                 cl::value_desc("dir"), cl::cat(RunCategory)};
  cl::opt<std::string> OutputFormat{"output-format",
                                    cl::desc("Format of the output files: pb (default) or npy"),
                                    cl::value_desc("pb|npy"), cl::init("pb"), cl::cat(RunCategory)};
  cl::opt<std::string> StatsJson{
      "stats-json", cl::desc("Write the run's statistics as JSON ('-': standard output)"),
      cl::value_desc("file"), cl::cat(RunCategory)};
  cl::opt<std::string> TraceFile{
      "trace", cl::desc("Write a timeline of every unit as Chrome Trace Event JSON"),
      cl::value_desc("file"), cl::cat(RunCategory)};
  cl::opt<std::string> Profile{
      "profile",
      cl::desc("Write one row per layer: cycles, MACs, DRAM bytes, utilization (JSON when "
               "the name ends in .json; '-': standard output)"),
      cl::value_desc("file"), cl::cat(RunCategory)};
  cl::opt<unsigned long long, false, CountParser<unsigned long long>> Hot{
      "hot", cl::desc("Print each core's N instructions that cost the most cycles"),
      cl::value_desc("n"), cl::cat(RunCategory)};
  cl::opt<unsigned long long, false, CountParser<unsigned long long>> MaxCycles{
      "max-cycles", cl::desc("Stop with an error if the run has not ended by cycle N (0: never)"),
      cl::value_desc("n"), cl::cat(RunCategory)};
  cl::opt<unsigned, false, CountParser<unsigned>> Threads{
      "threads",
      cl::desc("Host threads (0, the default: one per core with code, at most the "
               "host's)"),
      cl::value_desc("n"), cl::cat(RunCategory)};
  cl::opt<bool> NoTimingMemo{
      "no-timing-memo",
      cl::desc("Time every instruction in full instead of replaying recorded loop bodies"),
      cl::cat(RunCategory)};
  cl::opt<bool> NetworkFlows{
      "network-flows",
      cl::desc("Time every DMA by the network's flow model between windows, even with one core "
               "(a check: the figures are the same)"),
      cl::cat(RunCategory)};
  cl::opt<bool> Print{"print", cl::desc("Print the outputs' values"), cl::cat(RunCategory)};
  cl::opt<bool> Quiet{"quiet", cl::desc("No summary of the run on standard error"),
                      cl::cat(RunCategory)};
};

/// Parses the command line into d1-run's options, or prints a one-line error
/// and exits with 1 (--help prints the options and exits with 0).
static Options &parseOptions(int argc, char **argv) {
  // (getRegisteredOptions registers LLVM's common options first.)
  StringMap<cl::Option *> &Registered = cl::getRegisteredOptions();
  if (cl::Option *LLVMStatsJson = Registered.lookup("stats-json"))
    LLVMStatsJson->removeArgument();
  static Options O;
  // -h, as d1-run has always taken it.
  if (cl::Option *Help = Registered.lookup("help"))
    static cl::alias ShortHelp("h", cl::desc("Alias for --help"), cl::aliasopt(*Help),
                               cl::cat(RunCategory));
  cl::HideUnrelatedOptions(RunCategory);
  parseCommandLineOrExit(argc, argv, "d1-run: runs a .d1x on the D1 emulator\n");
  auto Usage = [](const std::string &Err) {
    errs() << "error: " << escapeControl(Err) << " (d1-run --help lists the options)\n";
    std::exit(1);
  };
  if (O.Programs.empty())
    Usage("no program given");
  if (O.Programs.size() > 1)
    Usage("more than one program given ('" + O.Programs[0] + "', '" + O.Programs[1] + "')");
  return O;
}

static int fail(const std::string &Msg) {
  errs() << "error: " << escapeControl(Msg) << "\n";
  return 1;
}

static void printTensor(raw_ostream &OS, unsigned Index, const HostTensor &T) {
  OS << "output " << Index << " '" << T.Name << "' " << describe(T.DType, T.Shape) << ":";
  unsigned Size = dtypeSize(T.DType);
  size_t N = T.Bytes.size() / Size;
  for (size_t I = 0; I < N; ++I) {
    const char *P = T.Bytes.data() + I * Size;
    uint64_t U = 0;
    std::memcpy(&U, P, Size);
    char Buf[48];
    switch (T.DType) {
    case d1x::F32:
      std::snprintf(Buf, sizeof Buf, " %.9g", double(bitsF32(uint32_t(U))));
      break;
    case d1x::BF16:
      std::snprintf(Buf, sizeof Buf, " %.5g", double(bf16ToF32(uint16_t(U))));
      break;
    case d1x::F64: {
      double D;
      std::memcpy(&D, P, 8);
      std::snprintf(Buf, sizeof Buf, " %.17g", D);
      break;
    }
    case d1x::I8:
      std::snprintf(Buf, sizeof Buf, " %d", int(int8_t(U)));
      break;
    case d1x::I16:
      std::snprintf(Buf, sizeof Buf, " %d", int(int16_t(U)));
      break;
    case d1x::I32:
      std::snprintf(Buf, sizeof Buf, " %d", int(int32_t(U)));
      break;
    case d1x::I64:
      std::snprintf(Buf, sizeof Buf, " %lld", (long long)int64_t(U));
      break;
    default:
      std::snprintf(Buf, sizeof Buf, " %llu", (unsigned long long)U);
      break;
    }
    OS << Buf;
  }
  OS << "\n";
}

int main(int argc, char **argv) {
  Options &O = parseOptions(argc, argv);
  std::string Err;
  const std::string &Program = O.Programs[0];
  const std::string &OutputDir = O.OutputDir, &OutputFormat = O.OutputFormat,
                    &StatsJson = O.StatsJson, &TraceFile = O.TraceFile;
  if (OutputFormat != "pb" && OutputFormat != "npy")
    return fail("--output-format must be pb or npy, not '" + OutputFormat + "'");
  auto File = D1XFile::open(Program, Err);
  if (!File)
    return fail(Err);
  // A profile names layers: their debug information must be sound.
  if (!O.Profile.empty() && !File->validateDebug(Err))
    return fail(Err);
  auto Emu = Emulator::create(*File, Err);
  if (!Emu)
    return fail(Program + ": " + Err);
  const d1x::Header &H = File->header();

  // Inputs: by name, then the rest in the program's order.
  std::vector<std::string> Given(H.inputs_size());
  std::vector<std::string> Positional;
  std::map<std::string, int> ByName;
  for (int I = 0; I < H.inputs_size(); ++I)
    ByName[H.inputs(I).name()] = I;
  std::vector<std::string> InputPaths;
  for (const std::string &Arg : O.Inputs) {
    auto Eq = Arg.find('=');
    if (Eq != std::string::npos && ByName.count(Arg.substr(0, Eq))) {
      int I = ByName[Arg.substr(0, Eq)];
      if (!Given[I].empty())
        return fail("input '" + Arg.substr(0, Eq) + "' given twice");
      Given[I] = Arg.substr(Eq + 1);
    } else if (Eq != std::string::npos && !sys::fs::exists(Arg)) {
      // NAME=FILE with a name the program does not have (and no file of
      // that whole name).
      std::string Names;
      for (int I = 0; I < H.inputs_size(); ++I)
        Names += (I ? ", '" : "'") + H.inputs(I).name() + "'";
      return fail("the program has no input '" + Arg.substr(0, Eq) +
                  "' (its inputs: " + (Names.empty() ? std::string("none") : Names) + ")");
    } else {
      Positional.push_back(Arg);
    }
  }
  size_t Next = 0;
  for (int I = 0; I < H.inputs_size(); ++I)
    if (Given[I].empty() && Next < Positional.size())
      Given[I] = Positional[Next++];
  if (Next < Positional.size())
    return fail("too many inputs: the program takes " + std::to_string(H.inputs_size()) + "; '" +
                Positional[Next] + "' is left over");
  for (int I = 0; I < H.inputs_size(); ++I) {
    const d1x::Tensor &Want = H.inputs(I);
    std::vector<int64_t> Shape(Want.shape().begin(), Want.shape().end());
    if (Given[I].empty())
      return fail("missing input " + std::to_string(I) + " '" + Want.name() + "' (" +
                  describe(Want.dtype(), Shape) + ")");
    HostTensor T;
    // A tensor file holds the data once, in at most 16 bytes an element
    // (varints), plus a header: a larger file cannot be this input.
    uint64_t Elements = 1;
    for (int64_t D : Shape)
      Elements *= uint64_t(D);
    if (!readTensorFile(Given[I], T, Err, 16 * Elements + (1 << 20)))
      return fail(Err);
    if (!conformTensor(T, Want, Err))
      return fail("input '" + Want.name() + "' from '" + Given[I] + "': " + Err);
    // An empty tensor needs no memory (a program may have no DRAM at all).
    if (!T.Bytes.empty()) {
      uint8_t *Dst = Emu->memory(Want.space(), Want.core(), Want.address(), T.Bytes.size());
      if (!Dst)
        return fail("input '" + Want.name() + "' does not fit its memory");
      std::memcpy(Dst, T.Bytes.data(), T.Bytes.size());
    }
    InputPaths.push_back(Given[I]);
  }

  RunOptions Opts;
  Opts.MaxCycles = O.MaxCycles;
  Opts.Threads = O.Threads;
  Opts.MemoizeTiming = !O.NoTimingMemo;
  Opts.NetworkFlows = O.NetworkFlows;
  Opts.Trace = !TraceFile.empty();
  Opts.Profile = !O.Profile.empty() || O.Hot;
  auto Start = std::chrono::steady_clock::now();
  if (!Emu->run(Opts, Err))
    return fail(Err);
  double Secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();

  // Outputs: written all or nothing, never over the program or an input.
  OutputFiles Outs;
  Outs.protect(Program);
  for (const std::string &In : InputPaths)
    Outs.protect(In);
  if (!OutputDir.empty() && !Outs.createDirectories(OutputDir, Err))
    return fail(Err);
  for (int I = 0; I < H.outputs_size(); ++I) {
    const d1x::Tensor &Out = H.outputs(I);
    HostTensor T;
    T.Name = Out.name();
    T.DType = Out.dtype();
    T.Shape.assign(Out.shape().begin(), Out.shape().end());
    uint64_t N = dtypeSize(Out.dtype());
    for (int64_t D : T.Shape)
      N *= uint64_t(D);
    if (N) {
      const uint8_t *Src = Emu->memory(Out.space(), Out.core(), Out.address(), N);
      if (!Src)
        return fail("output '" + Out.name() + "' does not fit its memory");
      T.Bytes.assign(reinterpret_cast<const char *>(Src), N);
    }
    if (O.Print)
      printTensor(outs(), unsigned(I), T);
    if (OutputDir.empty())
      continue;
    SmallString<256> Path(OutputDir);
    sys::path::append(Path,
                      "output_" + std::to_string(I) + (OutputFormat == "npy" ? ".npy" : ".pb"));
    if (!Outs.add(Path.str().str(), encodeTensorFile(T, OutputFormat == "npy"), Err))
      return fail(Err);
  }

  const RunStats &S = Emu->stats();
  if (!StatsJson.empty()) {
    std::string J = Emu->statsJson();
    if (StatsJson == "-")
      outs() << J;
    else if (!Outs.add(StatsJson, std::move(J), Err))
      return fail(Err);
  }
  if (!O.Profile.empty()) {
    // One row per layer; JSON when the file name ends in .json.
    bool Json = O.Profile.size() > 5 && O.Profile.substr(O.Profile.size() - 5) == ".json";
    std::string Report = formatLayerCosts(layerCosts(*File, S), Json);
    if (O.Profile == "-")
      outs() << Report;
    else if (!Outs.add(O.Profile, std::move(Report), Err))
      return fail(Err);
  }
  if (O.Hot) {
    // The instructions that cost the most cycles (stalls included), per
    // core, with their PCs as d1-objdump and --emit=asm number them.
    for (const CoreStats &CS : S.Cores) {
      std::vector<size_t> Pcs;
      for (size_t Pc = 0; Pc < CS.Profile.size(); ++Pc)
        if (CS.Profile[Pc].Cycles)
          Pcs.push_back(Pc);
      std::sort(Pcs.begin(), Pcs.end(),
                [&](size_t A, size_t B) { return CS.Profile[A].Cycles > CS.Profile[B].Cycles; });
      outs() << "core " << CS.Id << ": pc, cycles, issues, share of the core's cycles\n";
      for (size_t K = 0; K < Pcs.size() && K < O.Hot; ++K) {
        const PcProfile &P = CS.Profile[Pcs[K]];
        outs() << format("%8zu %12llu %12llu %6.2f%%\n", Pcs[K], (unsigned long long)P.Cycles,
                         (unsigned long long)P.Issues,
                         100.0 * double(P.Cycles) / double(std::max<uint64_t>(CS.Cycles, 1)));
      }
    }
  }
  if (!TraceFile.empty()) {
    // (Staged whole, as every output is, so that it appears only if the run
    // succeeds; writeTrace streams into it.)
    std::string Trace;
    raw_string_ostream TraceOS(Trace);
    TraceOS.SetBuffered(); // (json::OStream writes a character at a time)
    Emu->writeTrace(TraceOS);
    TraceOS.flush();
    if (!Outs.add(TraceFile, std::move(Trace), Err))
      return fail(Err);
  }
  // Standard output first (a full disk or a closed pipe fails the run before
  // any file appears), then the files.
  outs().flush();
  if (outs().has_error()) {
    std::string Why = outs().error().message();
    outs().clear_error();
    return fail("cannot write standard output: " + Why);
  }
  if (!Outs.commit(Err))
    return fail(Err);
  if (!O.Quiet) {
    errs() << format("cycles %llu  instructions %llu  macs %llu  dram read %llu B  write %llu B  "
                     "sram peak %llu B  cores %zu\n",
                     (unsigned long long)S.Cycles, (unsigned long long)S.Instructions,
                     (unsigned long long)S.Macs, (unsigned long long)S.DramReadBytes,
                     (unsigned long long)S.DramWriteBytes, (unsigned long long)S.SramPeakBytes,
                     S.Cores.size());
    errs() << format("host: %.3f s, %.1f M instructions/s, %u thread(s)\n", Secs,
                     Secs > 0 ? double(S.Instructions) / Secs / 1e6 : 0.0, S.Threads);
  }
  return 0;
}
