//===- Timing.cpp - Opcode timings from the ISA tables and a machine ------===//
#include "d1/Target/Timing.h"

using namespace d1;

TimingTable::TimingTable(const MachineDesc &M) {
  // (issue_width is at most 8: a cap above 100 never binds, and keeping it
  // there lets IssueSlots pack one byte per unit.)
  for (unsigned U = 0; U < NumUnits; ++U) {
    UnitCap[U] = uint8_t(std::min<int64_t>(100, M.get(unsigned(unitInfo(Unit(U)).CapParam))));
    CapBias |= uint64_t(0x80 - (UnitCap[U] + 1)) << (8 * U);
  }
  IssueWidth = unsigned(M[MachineParamId::issue_width]);
  TakenBranchLat = uint64_t(M[MachineParamId::lat_taken_branch]);
  for (const InstInfo *I = instBegin(); I != instEnd(); ++I) {
    OpTiming &T = Op[uint8_t(I->Op)];
    T.Lat = I->LatencyParam >= 0 ? uint32_t(M.get(unsigned(I->LatencyParam))) : 0;
    T.Macs = I->Macs;
    T.NumUses = I->NumUses;
    for (unsigned K = 0; K < I->NumUses; ++K) {
      T.Uses[K].U = uint8_t(I->Uses[K].U);
      T.Uses[K].Slots = I->Uses[K].Slots;
      T.Uses[K].Occ = I->Uses[K].OccParam >= 0 ? uint32_t(M.get(unsigned(I->Uses[K].OccParam)))
                                               : I->Uses[K].Occ;
      T.Demand += uint64_t(T.Uses[K].Slots) << (8 * T.Uses[K].U);
      T.Occupies |= T.Uses[K].Occ > 1;
    }
  }
}
