//===- ParallelCopy.cpp - Sequencing copies that happen at once -----------===//
#include "d1/Planning/ParallelCopy.h"

#include <algorithm>
#include <cassert>

using namespace d1::plan;

void d1::plan::sequenceCopies(std::vector<PlaceCopy> Copies, int ParkReg,
                              const std::function<int64_t()> &ParkSlot,
                              const std::function<void(Place Dst, Place Src)> &Emit) {
  for (size_t I = 0; I < Copies.size(); ++I)
    for (size_t J = I + 1; J < Copies.size(); ++J)
      assert(!(Copies[I].first == Copies[J].first) && "two copies to one place");
  Copies.erase(std::remove_if(Copies.begin(), Copies.end(),
                              [](const PlaceCopy &C) { return C.first == C.second; }),
               Copies.end());
  auto IsRead = [&](const Place &P) {
    return std::any_of(Copies.begin(), Copies.end(),
                       [&](const PlaceCopy &C) { return C.second == P; });
  };
  int64_t Parked = -1;
  while (!Copies.empty()) {
    // A copy whose destination no other copy still reads.
    auto Ready = std::find_if(Copies.begin(), Copies.end(),
                              [&](const PlaceCopy &C) { return !IsRead(C.first); });
    if (Ready != Copies.end()) {
      Emit(Ready->first, Ready->second);
      Copies.erase(Ready);
      continue;
    }
    // Every destination is still read: a cycle. Park one source where no
    // copy writes and read it from there.
    Place Old = Copies.front().second;
    bool SlotToSlotLeft = std::any_of(Copies.begin(), Copies.end(), [](const PlaceCopy &C) {
      return C.first.Slot >= 0 && C.second.Slot >= 0;
    });
    Place Park;
    if (ParkReg >= 0 && !SlotToSlotLeft) {
      Park.Reg = ParkReg;
    } else {
      if (Parked < 0)
        Parked = ParkSlot();
      Park.Slot = Parked;
    }
    Emit(Park, Old);
    for (PlaceCopy &C : Copies)
      if (C.second == Old)
        C.second = Park;
  }
}
