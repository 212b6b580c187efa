//===- d1-as.cpp - Assemble D1 assembly into a .d1x -----------------------===//
#include "d1/Asm/Assembler.h"
#include "d1/Support/CommandLine.h"
#include "d1/Support/Escape.h"
#include "d1/Support/FileIO.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::opt<std::string> Input(cl::Positional, cl::desc("<input .s>"), cl::Required);
static cl::opt<std::string> Output("o", cl::desc("Output .d1x (default: input with .d1x)"),
                                   cl::value_desc("file"));
static cl::opt<std::string> Target("target",
                                   cl::desc("Machine description file (name = value lines)"),
                                   cl::value_desc("file"));

static int fail(const std::string &Msg) {
  errs() << "error: " << d1::escapeControl(Msg) << "\n";
  return 1;
}

int main(int argc, char **argv) {
  d1::parseCommandLineOrExit(argc, argv, "D1 assembler\n");
  d1::MachineDesc Machine;
  if (!Target.empty()) {
    std::string TargetErr = Machine.parseFile(Target);
    if (!TargetErr.empty())
      return fail(TargetErr);
  }
  // The largest program the assembler takes (the whole DRAM image of a big
  // model written as data directives stays well below it).
  const uint64_t MaxSource = uint64_t(1) << 30;
  std::string Source, Err;
  if (Input == "-" ? !d1::readStandardInput(Source, Err, MaxSource)
                   : !d1::readInputFile(Input, Source, Err, MaxSource, "assembly"))
    return fail(Err);
  d1::D1XWriter W;
  std::vector<d1::AsmDiagnostic> Diags;
  if (!d1::assemble(Source, Input, Machine, W, Diags)) {
    for (const auto &D : Diags)
      errs() << d1::escapeControl(D.str()) << "\n";
    return 1;
  }
  std::string Out = Output;
  if (Out.empty()) {
    StringRef In(Input);
    Out = (In.ends_with(".s") ? In.drop_back(2).str() : In.str()) + ".d1x";
  }
  d1::OutputFiles Outs;
  if (Input != "-")
    Outs.protect(Input);
  if (!Target.empty())
    Outs.protect(Target);
  if (!Outs.add(Out, W.serialize(), Err) || !Outs.commit(Err))
    return fail(Err);
  return 0;
}
