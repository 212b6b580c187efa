//===- d1-as.cpp - Assemble D1 assembly into a .d1x -----------------------===//
#include "d1/Asm/Assembler.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::opt<std::string> Input(cl::Positional, cl::desc("<input .s>"), cl::Required);
static cl::opt<std::string> Output("o", cl::desc("Output .d1x (default: input with .d1x)"),
                                   cl::value_desc("file"));
static cl::opt<std::string> Target("target",
                                   cl::desc("Machine description file (name = value lines)"),
                                   cl::value_desc("file"));

static int fail(const std::string &Msg) {
  errs() << "error: " << Msg << "\n";
  return 1;
}

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(argc, argv, "D1 assembler\n");
  d1::MachineDesc Machine;
  if (!Target.empty()) {
    std::string TargetErr = Machine.parseFile(Target);
    if (!TargetErr.empty())
      return fail(TargetErr);
  }
  auto Buf = MemoryBuffer::getFileOrSTDIN(Input);
  if (!Buf)
    return fail("cannot open '" + Input + "': " + Buf.getError().message());
  d1::D1XWriter W;
  std::vector<d1::AsmDiagnostic> Diags;
  if (!d1::assemble((*Buf)->getBuffer().str(), Input, Machine, W, Diags)) {
    for (const auto &D : Diags)
      errs() << D.str() << "\n";
    return 1;
  }
  std::string Out = Output;
  if (Out.empty()) {
    StringRef In(Input);
    Out = (In.ends_with(".s") ? In.drop_back(2).str() : In.str()) + ".d1x";
  }
  if (Out == Input)
    return fail("output '" + Out + "' would overwrite the input");
  std::string Err;
  if (!W.write(Out, Err))
    return fail(Err);
  return 0;
}
