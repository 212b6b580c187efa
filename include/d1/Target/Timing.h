//===- Timing.h - The in-order issue model, shared by emulator and compiler ===//
//
// One definition of how an instruction issues (docs/isa.md, "Timing"): the
// emulator charges every instruction with it, and the instruction scheduler
// predicts a block's cycles with it. Latencies, units, slots and
// occupancies come from the ISA tables (ISA.td) and a machine description.
//
//===----------------------------------------------------------------------===//
#ifndef D1_TARGET_TIMING_H
#define D1_TARGET_TIMING_H

#include "d1/Target/ISA.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace d1 {

/// One opcode's timing on a machine.
struct OpTiming {
  uint32_t Lat = 0; // cycles from issue until the result is ready
  uint32_t Macs = 0;
  uint8_t NumUses = 0;
  struct {
    uint8_t U, Slots; // unit and slots taken in the issue cycle
    uint32_t Occ;     // cycles the whole unit stays busy (1: just the slots)
  } Uses[3];
};

/// Every opcode's timing and the core's issue limits on one machine.
struct TimingTable {
  explicit TimingTable(const MachineDesc &M);
  OpTiming Op[256];
  uint8_t UnitCap[NumUnits]; // slots per cycle
  unsigned IssueWidth;
  uint64_t TakenBranchLat;
  const OpTiming &operator[](Opcode O) const { return Op[uint8_t(O)]; }
};

/// The units' slots of an in-order core (rules 1 and 3): at most IssueWidth
/// instructions per cycle, each unit's slots per cycle, and units held
/// busy by an occupancy.
struct IssueSlots {
  uint64_t Cycle = 0; // the cycle of the latest issue
  unsigned IssuedInCycle = 0;
  uint8_t UsedInCycle[NumUnits] = {};
  uint64_t BusyUntil[NumUnits] = {};

  /// The first cycle at or after T (>= Cycle) where an instruction with
  /// timing OT finds its slots free.
  uint64_t firstFree(const OpTiming &OT, uint64_t T, const TimingTable &Tab) const {
    for (;;) {
      bool Same = T == Cycle;
      if (Same && IssuedInCycle >= Tab.IssueWidth) {
        ++T;
        continue;
      }
      uint64_t Next = T + 1;
      bool Ok = true;
      for (unsigned K = 0; K < OT.NumUses; ++K) {
        unsigned U = OT.Uses[K].U;
        if (BusyUntil[U] > T) {
          Ok = false;
          Next = std::max(Next, BusyUntil[U]);
        } else if (Same && UsedInCycle[U] + OT.Uses[K].Slots > Tab.UnitCap[U]) {
          Ok = false;
        }
      }
      if (Ok)
        return T;
      T = Next;
    }
  }

  /// Takes the slots of an instruction issuing at T.
  void commit(const OpTiming &OT, uint64_t T) {
    if (T != Cycle) {
      Cycle = T;
      IssuedInCycle = 0;
      std::memset(UsedInCycle, 0, sizeof UsedInCycle);
    }
    ++IssuedInCycle;
    for (unsigned K = 0; K < OT.NumUses; ++K) {
      unsigned U = OT.Uses[K].U;
      UsedInCycle[U] += OT.Uses[K].Slots;
      if (OT.Uses[K].Occ > 1)
        BusyUntil[U] = T + OT.Uses[K].Occ;
    }
  }
};

} // namespace d1

#endif
