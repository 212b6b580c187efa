//===- d1-objdump.cpp - Print a .d1x as reassemblable assembly ------------===//
#include "d1/Asm/Assembler.h"
#include "d1/Support/CommandLine.h"
#include "d1/Support/Escape.h"
#include "d1/Support/FileIO.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::opt<std::string> Input(cl::Positional, cl::desc("<input .d1x>"), cl::Required);
static cl::opt<bool> NoEncoding("no-encoding", cl::desc("Leave out the PC and encoding comments"));

int main(int argc, char **argv) {
  d1::parseCommandLineOrExit(argc, argv, "D1 binary dumper\n");
  std::string Err;
  auto File = d1::D1XFile::open(Input, Err);
  if (!File || !File->validateDebug(Err)) {
    errs() << "error: " << d1::escapeControl(Err) << "\n";
    return 1;
  }
  if (!d1::writeStandardOutput(d1::disassemble(*File, !NoEncoding), Err)) {
    errs() << "error: " << d1::escapeControl(Err) << "\n";
    return 1;
  }
  return 0;
}
