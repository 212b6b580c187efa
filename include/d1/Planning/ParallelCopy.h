//===- ParallelCopy.h - Sequencing copies that happen at once --*- C++ -*-===//
//
// Loop entries, back edges and exits move every loop-carried value at once:
// a parallel copy between registers and SRAM slots. This orders it into
// single copies. Plain C++ over places, unit-tested; the emitter turns each
// copy into instructions.
//
//===----------------------------------------------------------------------===//
#ifndef D1_PLANNING_PARALLELCOPY_H
#define D1_PLANNING_PARALLELCOPY_H

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace d1::plan {

/// Where a value is at a copy: a register, or (Slot >= 0) an SRAM slot.
struct Place {
  int Reg = -1;
  int64_t Slot = -1;
  bool operator==(const Place &O) const { return Reg == O.Reg && Slot == O.Slot; }
};

/// A copy to its first place from its second.
using PlaceCopy = std::pair<Place, Place>;

/// Emits Copies, pairs of one register class with distinct destinations, as
/// single copies in an order where none reads a place an earlier one wrote.
/// The emitter passes a slot-to-slot copy through its scratch register. A
/// cycle is broken by parking one source: in ParkReg, that scratch register
/// (if >= 0), unless a slot-to-slot copy is still to come; else in the slot
/// ParkSlot returns (called at most once per call).
void sequenceCopies(std::vector<PlaceCopy> Copies, int ParkReg,
                    const std::function<int64_t()> &ParkSlot,
                    const std::function<void(Place Dst, Place Src)> &Emit);

} // namespace d1::plan

#endif
