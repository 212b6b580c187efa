//===- MemoryPlan.h - Offsets for buffers with live ranges ------*- C++ -*-===//
//
// The memory planner of SRAM tiles and DRAM activations, kept apart from the
// IR: buffers come in as live ranges [Start, End) over program points with a
// size and an alignment; offsets come out such that no two buffers live at
// the same time share a byte. Plain C++, unit-tested on its own.
//
//===----------------------------------------------------------------------===//
#ifndef D1_PLANNING_MEMORYPLAN_H
#define D1_PLANNING_MEMORYPLAN_H

#include <cstdint>
#include <string>
#include <vector>

namespace d1::plan {

struct Buffer {
  int64_t Start = 0, End = 0; // live over program points [Start, End)
  int64_t Bytes = 0;
  int64_t Align = 1; // a power of two
};

struct Plan {
  std::vector<int64_t> Offsets; // one per buffer
  int64_t Peak = 0;             // highest end offset
};

enum class Strategy {
  /// Buffers whose live ranges do not overlap may share bytes: the best of
  /// three greedy orders (by size, by size x lifetime, by lifetime), each
  /// placing a buffer in the smallest gap that fits between the buffers
  /// already placed that overlap it in time.
  Reuse,
  /// Every buffer has its own bytes, in the order given.
  NoReuse,
};

Plan planMemory(const std::vector<Buffer> &Buffers, Strategy S = Strategy::Reuse);

/// The largest sum of sizes live at one program point: no plan can peak
/// lower.
int64_t livenessLowerBound(const std::vector<Buffer> &Buffers);

/// "" when P places every buffer at an aligned offset, below P.Peak, and no
/// two buffers live at the same time overlap; else names the first fault.
std::string verifyPlan(const std::vector<Buffer> &Buffers, const Plan &P);

/// A value that may stay in SRAM between the kernels that write and read it
/// instead of making a round trip through DRAM: live over [Start, End) and
/// used at the sorted program points Uses.
struct Candidate {
  int64_t Start = 0, End = 0, Bytes = 0;
  std::vector<int64_t> Uses;
};

/// Which candidates stay in SRAM (true) so that at every program point the
/// Fixed buffers live there (the kernels' own tiles) and the resident
/// candidates live there fit in Capacity bytes. Walks the program in order
/// and admits each candidate when it starts; where the bytes live pass the
/// capacity it spills the resident candidate whose next use is farthest in
/// the future (Belady's rule), for its whole life (its bytes go to DRAM).
std::vector<bool> chooseResident(const std::vector<Candidate> &Candidates,
                                 const std::vector<Buffer> &Fixed, int64_t Capacity);

} // namespace d1::plan

#endif
