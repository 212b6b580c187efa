//===- Schedule.h - List scheduling of a basic block ----------*- C++ -*-===//
//
// Orders a basic block's instructions for the in-order core: each
// instruction issues once its operands are ready and its unit has a slot
// (d1/Target/Timing.h, the emulator's own issue model). Plain C++ over
// opcodes and dependences, unit-tested; the ISA dialect builds the block.
//
//===----------------------------------------------------------------------===//
#ifndef D1_PLANNING_SCHEDULE_H
#define D1_PLANNING_SCHEDULE_H

#include "d1/Target/Timing.h"

#include <cstdint>
#include <vector>

namespace d1::plan {

/// A basic block: its instructions in program order and the dependences
/// an order must keep.
struct SchedBlock {
  std::vector<Opcode> Ops;
  /// To issues after From, and no earlier than From's issue + Latency
  /// cycles: a register result (the producer's latency) or an order alone
  /// (0: memory, side effects). From < To, in program order.
  struct Dep {
    unsigned From, To;
    uint32_t Latency;
  };
  std::vector<Dep> Deps;
};

/// Cycles the block takes when issued in Order on an idle core: until the
/// last issue and the last result.
uint64_t scheduleLength(const SchedBlock &B, const std::vector<unsigned> &Order,
                        const TimingTable &T);

/// An order of B's instructions keeping every dependence: at each step the
/// instruction that can issue soonest, the one with the longest latency
/// path to the block's end among those. Never longer than program order
/// (which it returns when it finds nothing shorter).
std::vector<unsigned> listSchedule(const SchedBlock &B, const TimingTable &T);

} // namespace d1::plan

#endif
