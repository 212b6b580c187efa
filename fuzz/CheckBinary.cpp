//===- CheckBinary.cpp - Load, disassemble and run a .d1x -----------------===//
#include "CheckBinary.h"
#include "FuzzSupport.h"

#include "d1/Asm/Assembler.h"
#include "d1/Runtime/Emulator.h"

#include <cstring>
#include <set>

namespace d1x = d1::d1x;

namespace d1fuzz {

namespace {

/// Memory bounds of a run under the fuzzer (the emulator maps DRAM in and
/// makes each core's SRAM when it is first reached).
constexpr uint64_t MaxDramBytes = 64 << 20;
constexpr uint64_t MaxMeshSramBytes = uint64_t(1) << 30;
constexpr uint64_t MaxTensorBytes = 16 << 20;

uint64_t tensorBytes(const d1x::Tensor &T) {
  uint64_t N = d1::dtypeSize(T.dtype());
  for (int64_t D : T.shape()) {
    if (D < 0 || (D > 0 && N > MaxTensorBytes / uint64_t(D)))
      return UINT64_MAX;
    N *= uint64_t(D);
  }
  return N;
}

bool withinBounds(const d1::D1XFile &F) {
  const d1::MachineDesc &M = F.machine();
  uint64_t Sram = uint64_t(M[d1::MachineParamId::sram_bytes]);
  return F.header().dram_size() <= MaxDramBytes && Sram * M.numCores() <= MaxMeshSramBytes;
}

struct Outcome {
  bool Ok = false;
  std::string Err;
  uint64_t Cycles = 0, Instructions = 0;
  std::vector<std::string> Outputs;
};

Outcome run(const d1::D1XFile &F, bool Memo) {
  Outcome O;
  auto E = d1::Emulator::create(F, O.Err);
  if (!E)
    return O;
  // Inputs: a fixed byte pattern (every dtype's bits, NaNs included).
  for (const auto &T : F.header().inputs()) {
    uint64_t N = tensorBytes(T);
    if (N > MaxTensorBytes)
      continue;
    if (uint8_t *P = E->memory(T.space(), T.core(), T.address(), N))
      for (uint64_t K = 0; K < N; ++K)
        P[K] = uint8_t(K * 131 + 7);
  }
  d1::RunOptions Opts;
  Opts.MaxCycles = CycleBudget;
  Opts.Threads = 1;
  Opts.MemoizeTiming = Memo;
  O.Ok = E->run(Opts, O.Err);
  O.Cycles = E->stats().Cycles;
  O.Instructions = E->stats().Instructions;
  if (O.Ok) {
    (void)E->statsJson();
    for (const auto &T : F.header().outputs()) {
      uint64_t N = tensorBytes(T);
      const uint8_t *P =
          N <= MaxTensorBytes ? E->memory(T.space(), T.core(), T.address(), N) : nullptr;
      O.Outputs.push_back(P ? std::string(reinterpret_cast<const char *>(P), N) : "<none>");
    }
  }
  return O;
}

/// The statements of a disassembly: lines that are only a comment (file
/// offsets, sizes) dropped.
std::string statements(const std::string &Asm) {
  std::string Out;
  size_t Pos = 0;
  while (Pos < Asm.size()) {
    size_t End = Asm.find('\n', Pos);
    if (End == std::string::npos)
      End = Asm.size();
    size_t First = Asm.find_first_not_of(" \t", Pos);
    if (First < End && Asm[First] != '#')
      Out.append(Asm, Pos, End - Pos).push_back('\n');
    Pos = End + 1;
  }
  return Out;
}

} // namespace

bool checkBinary(const std::string &Bytes, RoundTrip RT) {
  std::string Err;
  auto F = d1::D1XFile::fromBuffer(Bytes, "fuzz.d1x", Err);
  if (!F)
    return false;
  // d1-objdump and d1-run --profile check the debug information; a file
  // whose check fails is rejected by them, and disassembles without it.
  bool DebugOk = F->validateDebug(Err);
  std::string Asm = d1::disassemble(*F, true);
  // An instruction word that does not decode is printed as a comment
  // ("# invalid: ..."), so such a file does not round-trip; the emulator
  // rejects it.
  if (RT != RoundTrip::None && DebugOk && Asm.find("# invalid:") == std::string::npos) {
    d1::D1XWriter W;
    std::vector<d1::AsmDiagnostic> Diags;
    if (!d1::assemble(Asm, "fuzz.s", d1::MachineDesc(), W, Diags)) {
      invariant("disasm-assembles", "the disassembly does not assemble",
                Diags.empty() ? std::string() : Diags.front().str());
    } else if (RT == RoundTrip::SameBytes) {
      std::string Again = W.serialize();
      if (Again != Bytes)
        invariant("disasm-same-bytes", "the disassembly reassembles to different bytes",
                  std::to_string(Bytes.size()) + " -> " + std::to_string(Again.size()) + " bytes");
    } else {
      auto G = d1::D1XFile::fromBuffer(W.serialize(), "fuzz.d1x", Err);
      if (!G)
        invariant("disasm-loads", "the reassembled disassembly does not load", Err);
      else if (statements(d1::disassemble(*G, true)) != statements(Asm))
        invariant("disasm-same-text", "disassembly, assembly and disassembly again change the text",
                  "");
    }
  }
  if (!withinBounds(*F))
    return true;
  Outcome A = run(*F, true), B = run(*F, false);
  // Same outcome: the same error, or the same cycles, instruction count and
  // outputs.
  if (A.Ok != B.Ok || A.Err != B.Err ||
      (A.Ok &&
       (A.Cycles != B.Cycles || A.Instructions != B.Instructions || A.Outputs != B.Outputs)))
    invariant("memo-same-run", "memoised block timing changes the run",
              "memo: " + std::string(A.Ok ? "ok" : A.Err) + ", " + std::to_string(A.Cycles) +
                  " cycles, " + std::to_string(A.Instructions) +
                  " instructions; no memo: " + std::string(B.Ok ? "ok" : B.Err) + ", " +
                  std::to_string(B.Cycles) + " cycles, " + std::to_string(B.Instructions) +
                  " instructions" + (A.Outputs != B.Outputs ? "; outputs differ" : ""));
  return true;
}

} // namespace d1fuzz
