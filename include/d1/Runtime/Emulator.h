//===- Emulator.h - The D1 mesh emulator ------------------------*- C++ -*-===//
//
// Runs a .d1x bit-exactly and counts cycles with the timing model of
// docs/isa.md. Cores advance in windows of MachineDesc::lookahead() cycles;
// everything one core does to another (DMA, semaphores, barrier, DRAM) is
// applied between windows in a fixed order, so results and cycle counts do
// not depend on the number of host threads.
//
//===----------------------------------------------------------------------===//
#ifndef D1_RUNTIME_EMULATOR_H
#define D1_RUNTIME_EMULATOR_H

#include "d1/Binary/D1X.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace d1 {

struct RunOptions {
  /// Stop with an error when the program has not finished by this cycle
  /// (0: no limit).
  uint64_t MaxCycles = 0;
  /// Host threads; 0 picks min(hardware threads, cores with code).
  unsigned Threads = 0;
  /// Record a timeline for writeTrace().
  bool Trace = false;
  /// At most this many timeline events per core.
  uint64_t TraceLimit = 1000000;
  /// Count cycles, MACs and DRAM bytes per instruction (CoreStats::Profile).
  bool Profile = false;
  /// Replay the recorded issue timing of straight-line blocks entered in a
  /// timing state seen before (same cycles, faster; off under Trace and
  /// Profile).
  bool MemoizeTiming = true;
  /// Time every DMA by the flow model between windows even when one core
  /// has code (which is otherwise timed as it issues, with the same
  /// figures: a check of the two).
  bool NetworkFlows = false;
};

/// What one instruction (one PC) cost over a run: the cycles from the
/// previous issue to its own (stalls are charged to the instruction that
/// waited), and the work and DRAM traffic it started.
struct PcProfile {
  uint64_t Issues = 0, Cycles = 0, Macs = 0, DramReadBytes = 0, DramWriteBytes = 0;
};

struct CoreStats {
  uint32_t Id = 0;
  uint64_t Cycles = 0; // cycle after the core's halt
  uint64_t Instructions = 0;
  uint64_t Macs = 0;
  uint64_t DramReadBytes = 0;
  uint64_t DramWriteBytes = 0;
  uint64_t NocSendBytes = 0;
  uint64_t SramPeakBytes = 0; // highest SRAM address touched + 1
  uint64_t WaitCycles = 0;    // cycles spent blocked on semaphores, barrier, fence, DMA queue
  uint64_t Dmas = 0;
  std::vector<uint64_t> UnitIssues; // per Unit
  std::vector<PcProfile> Profile;   // per PC, when RunOptions::Profile
};

/// What one link or DRAM port carried over a run.
struct LinkStats {
  std::string Name; // "link 3->4", "port 0 (west, row 0)"
  uint64_t Bytes = 0;
  double Utilization = 0; // Bytes / (its rate x the run's cycles)
};

struct RunStats {
  uint64_t Cycles = 0;
  uint64_t Instructions = 0;
  uint64_t Macs = 0;
  uint64_t DramReadBytes = 0;
  uint64_t DramWriteBytes = 0;
  uint64_t SramPeakBytes = 0;
  unsigned Threads = 1;
  std::vector<CoreStats> Cores;
  /// The links and ports that carried anything, busiest first.
  std::vector<LinkStats> Links;
};

class Emulator {
public:
  /// Loads File. On a bad program (undecodable instruction, ...) returns
  /// null with Err set to a one-line reason.
  static std::unique_ptr<Emulator> create(const D1XFile &File, std::string &Err);
  ~Emulator();

  /// Bytes of a memory for loading inputs and reading outputs; null when
  /// [Address, Address + Size) is outside it.
  uint8_t *memory(d1x::Space Space, uint32_t Core, uint64_t Address, uint64_t Size);

  /// Runs to completion. On a trap, deadlock or --max-cycles, returns false
  /// with Err a one-line message naming the core, PC and instruction.
  bool run(const RunOptions &Opts, std::string &Err);

  const RunStats &stats() const;
  /// The stats as JSON, indented (cycles, time_us, instructions, macs,
  /// dram_read_bytes, dram_write_bytes, sram_peak_bytes, cores, machine,
  /// per_core), written with llvm::json.
  std::string statsJson() const;
  /// Chrome Trace Event JSON of the recorded timeline, streamed to OS with
  /// llvm::json (one event a line).
  void writeTrace(llvm::raw_ostream &OS) const;

  struct Impl;

private:
  Emulator() = default;
  std::unique_ptr<Impl> P;
};

} // namespace d1

#endif
