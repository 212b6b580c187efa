//===- ParallelCopyTest.cpp - Sequencing copies that happen at once -------===//
#include "d1/Planning/ParallelCopy.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

using namespace d1::plan;

namespace {

constexpr int Scratch = 31;
constexpr int64_t ParkAt = 9999;
/// Slot-to-slot copies go through Scratch, or this register when the class
/// has none to park in (accumulators).
constexpr int Hidden = 30;

struct ByPlace {
  bool operator()(const Place &A, const Place &B) const {
    return std::make_pair(A.Reg, A.Slot) < std::make_pair(B.Reg, B.Slot);
  }
};

Place reg(int R) { return {R, -1}; }
Place slot(int64_t S) { return {-1, S}; }

/// Runs the sequenced copies on a machine where every place starts with its
/// own name and a slot-to-slot copy goes through a scratch register.
/// Checks that each destination ends with its source's first value and that
/// nothing else changed but the scratch register and the parking slot.
/// Returns the number of single copies.
int check(const std::vector<PlaceCopy> &Copies, int ParkReg) {
  int ScratchReg = ParkReg >= 0 ? ParkReg : Hidden;
  std::map<Place, int, ByPlace> Value;
  int Name = 0;
  auto ValueOf = [&](Place P) {
    auto [It, New] = Value.try_emplace(P, Name);
    Name += New;
    return It->second;
  };
  for (auto &[Dst, Src] : Copies)
    ValueOf(Dst), ValueOf(Src);
  std::map<Place, int, ByPlace> Before = Value;
  int Emitted = 0, ParkCalls = 0;
  sequenceCopies(
      Copies, ParkReg,
      [&] {
        ++ParkCalls;
        return ParkAt;
      },
      [&](Place Dst, Place Src) {
        ++Emitted;
        EXPECT_FALSE(Dst == Src);
        int V = ValueOf(Src);
        if (Dst.Slot >= 0 && Src.Slot >= 0)
          Value[reg(ScratchReg)] = V;
        Value[Dst] = V;
      });
  EXPECT_LE(ParkCalls, 1);
  std::map<Place, bool, ByPlace> IsDst;
  for (auto &[Dst, Src] : Copies) {
    EXPECT_EQ(Value[Dst], Before[Src]);
    IsDst[Dst] = true;
  }
  for (auto &[P, V] : Before) {
    if (!IsDst.count(P) && !(P == reg(ScratchReg)) && !(P == slot(ParkAt))) {
      EXPECT_EQ(Value[P], V);
    }
  }
  return Emitted;
}

TEST(ParallelCopy, SwapGoesThroughTheScratchRegister) {
  EXPECT_EQ(check({{reg(1), reg(2)}, {reg(2), reg(1)}}, Scratch), 3);
}

TEST(ParallelCopy, ChainsNeedNoParking) {
  // r1 <- r2 <- r3 <- s0: copied from the end that nobody reads.
  EXPECT_EQ(check({{reg(1), reg(2)}, {reg(2), reg(3)}, {reg(3), slot(0)}}, Scratch), 3);
}

TEST(ParallelCopy, CyclesWithSlotsParkInASlot) {
  // The cycle r1 -> s8 -> r1 beside a slot-to-slot copy, which needs the
  // scratch register; and a cycle of accumulators, which have none.
  EXPECT_EQ(check({{reg(1), slot(8)}, {slot(8), reg(1)}, {slot(16), slot(24)}}, Scratch), 4);
  EXPECT_EQ(check({{reg(0), reg(1)}, {reg(1), reg(2)}, {reg(2), reg(0)}}, -1), 4);
}

TEST(ParallelCopy, SelfCopiesVanish) {
  EXPECT_EQ(check({{reg(1), reg(1)}, {slot(8), slot(8)}}, Scratch), 0);
}

TEST(ParallelCopy, RandomCopiesKeepTheirValues) {
  std::mt19937 Rng(7);
  for (int Round = 0; Round < 2000; ++Round) {
    // Places: registers 0-5 and slots 0-5 (8 bytes apart); each destination
    // once, sources anywhere (fan-out and cycles included).
    std::vector<Place> All;
    for (int K = 0; K < 6; ++K)
      All.push_back(reg(K)), All.push_back(slot(8 * K));
    std::shuffle(All.begin(), All.end(), Rng);
    int N = 1 + int(Rng() % 8);
    std::vector<PlaceCopy> Copies;
    for (int K = 0; K < N; ++K)
      Copies.push_back({All[size_t(K)], All[Rng() % All.size()]});
    int Scr = Round % 3 == 0 ? -1 : Scratch;
    int Emitted = check(Copies, Scr);
    // At most one extra copy per cycle, and a cycle takes two copies.
    EXPECT_LE(Emitted, N + N / 2) << "round " << Round;
  }
}

} // namespace
