//===- fuzz-asm.cpp - Assembly text through the assembler and the emulator -===//
//
// Input: D1 assembly (at most 64 KiB), assembled with d1::assemble for the
// default machine. A program that assembles must serialize to a .d1x that
// loads, whose disassembly reassembles to the identical bytes, and that runs
// the same with and without memoised block timing within the cycle budget
// (CheckBinary.h). A rejected program must come with a diagnostic.
//
//===----------------------------------------------------------------------===//
#include "CheckBinary.h"
#include "FuzzSupport.h"

#include "d1/Asm/Assembler.h"

using namespace d1fuzz;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  quietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size > (64 << 10))
    return -1;
  std::string Source(reinterpret_cast<const char *>(Data), Size);
  d1::D1XWriter W;
  std::vector<d1::AsmDiagnostic> Diags;
  if (!d1::assemble(Source, "fuzz.s", d1::MachineDesc(), W, Diags)) {
    if (Diags.empty())
      invariant("asm-diagnostic", "the assembler failed without a diagnostic", "");
    for (const auto &D : Diags)
      (void)D.str();
    return 0;
  }
  std::string Bytes = W.serialize();
  if (!checkBinary(Bytes, RoundTrip::SameBytes)) {
    std::string Err;
    d1::D1XFile::fromBuffer(Bytes, "fuzz.d1x", Err);
    invariant("asm-loads", "the assembled binary does not load", Err);
  }
  return 0;
}
