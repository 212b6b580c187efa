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
  bool Occupies = false; // some unit stays busy past the issue cycle
  struct {
    uint8_t U, Slots; // unit and slots taken in the issue cycle
    uint32_t Occ;     // cycles the whole unit stays busy (1: just the slots)
  } Uses[3];
  uint64_t Demand = 0; // Slots per unit, one byte per unit (IssueSlots::Used)
};

/// Every opcode's timing and the core's issue limits on one machine.
struct TimingTable {
  explicit TimingTable(const MachineDesc &M);
  OpTiming Op[256];
  uint8_t UnitCap[NumUnits]; // slots per cycle (at most 100)
  /// Per unit byte, 0x80 - (cap + 1): a byte of used + demand + this has
  /// its top bit set exactly when it exceeds the unit's cap.
  uint64_t CapBias = 0;
  unsigned IssueWidth;
  uint64_t TakenBranchLat;
  const OpTiming &operator[](Opcode O) const { return Op[uint8_t(O)]; }
};

/// The units' slots of an in-order core (rules 1 and 3): at most IssueWidth
/// instructions per cycle, each unit's slots per cycle, and units held
/// busy by an occupancy.
struct IssueSlots {
  static_assert(NumUnits <= 8, "one byte per unit in a 64-bit word");
  uint64_t Cycle = 0; // the cycle of the latest issue
  unsigned IssuedInCycle = 0;
  uint64_t Used = 0; // slots taken in Cycle, one byte per unit
  uint64_t BusyUntil[NumUnits] = {};
  uint64_t MaxBusy = 0; // the latest of BusyUntil

  /// Whether an instruction with timing OT still fits in Cycle.
  bool fits(const OpTiming &OT, const TimingTable &Tab) const {
    return IssuedInCycle < Tab.IssueWidth &&
           !((Used + OT.Demand + Tab.CapBias) & 0x8080808080808080ull);
  }

  /// The first cycle at or after T (>= Cycle) where an instruction with
  /// timing OT finds its slots free.
  uint64_t firstFree(const OpTiming &OT, uint64_t T, const TimingTable &Tab) const {
    for (;;) {
      bool Ok = T != Cycle || fits(OT, Tab);
      uint64_t Next = T + 1;
      if (T < MaxBusy)
        for (unsigned K = 0; K < OT.NumUses; ++K)
          if (uint64_t Busy = BusyUntil[OT.Uses[K].U]; Busy > T) {
            Ok = false;
            Next = std::max(Next, Busy);
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
      Used = 0;
    }
    ++IssuedInCycle;
    Used += OT.Demand;
    if (OT.Occupies)
      for (unsigned K = 0; K < OT.NumUses; ++K)
        if (OT.Uses[K].Occ > 1) {
          BusyUntil[OT.Uses[K].U] = T + OT.Uses[K].Occ;
          MaxBusy = std::max(MaxBusy, T + OT.Uses[K].Occ);
        }
  }
};

} // namespace d1

#endif
