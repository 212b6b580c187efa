//===- ScheduleTest.cpp - List scheduling on the emulator's issue model ---===//
#include "d1/Planning/Schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace d1;
using namespace d1::plan;

namespace {

uint32_t latency(const TimingTable &T, Opcode O) { return T[O].Lat; }

TEST(Schedule, LoadsMoveAheadOfWhatWaitsForThem) {
  TimingTable T{MachineDesc{}};
  // x1 = ld; x2 = add x1; x3 = ld; x4 = add x3: in program order the second
  // load waits behind the first add; scheduled, both loads go first.
  SchedBlock B;
  B.Ops = {Opcode::LD, Opcode::ADD, Opcode::LD, Opcode::ADD};
  uint32_t L = latency(T, Opcode::LD);
  B.Deps = {{0, 1, L}, {2, 3, L}};
  std::vector<unsigned> Order = listSchedule(B, T);
  EXPECT_EQ(Order, (std::vector<unsigned>{0, 2, 1, 3}));
  EXPECT_LT(scheduleLength(B, Order, T), scheduleLength(B, {0, 1, 2, 3}, T));
  // Both loads issue at 0 (two load ports), both adds at L (two ALUs).
  EXPECT_EQ(scheduleLength(B, Order, T), uint64_t(L) + 1);
}

TEST(Schedule, ABlockAlreadyInOrderStaysAsItIs) {
  TimingTable T{MachineDesc{}};
  SchedBlock B;
  B.Ops = {Opcode::ADD, Opcode::ADD, Opcode::ADD};
  B.Deps = {{0, 1, 1}, {1, 2, 1}};
  EXPECT_EQ(listSchedule(B, T), (std::vector<unsigned>{0, 1, 2}));
}

/// Issue cycle of each instruction of B issued in Order (as the emulator
/// would: in order, operands ready, slots free).
std::vector<uint64_t> issueCycles(const SchedBlock &B, const std::vector<unsigned> &Order,
                                  const TimingTable &T) {
  std::vector<uint64_t> Issue(B.Ops.size(), 0);
  IssueSlots Slots;
  uint64_t Prev = 0;
  for (unsigned I : Order) {
    uint64_t At = Prev;
    for (const SchedBlock::Dep &D : B.Deps)
      if (D.To == I)
        At = std::max(At, Issue[D.From] + D.Latency);
    At = Slots.firstFree(T[B.Ops[I]], At, T);
    Slots.commit(T[B.Ops[I]], At);
    Issue[I] = Prev = At;
  }
  return Issue;
}

TEST(Schedule, TheBottleneckUnitIssuesEveryCycle) {
  TimingTable T{MachineDesc{}};
  // Sixteen MMAs into four accumulators (a K loop's body) and, beside
  // them, four address chains (add -> load -> add -> load) whose latency
  // paths are longer: by latency alone the chains take the issue slots
  // first and the matrix unit idles; the bottleneck pass keeps it busy
  // every cycle, and its order ends issuing first.
  SchedBlock B;
  uint32_t L = latency(T, Opcode::LD), A = latency(T, Opcode::ADD), M = latency(T, Opcode::MMA);
  for (unsigned C = 0; C < 4; ++C) {
    unsigned At = unsigned(B.Ops.size());
    B.Ops.insert(B.Ops.end(), {Opcode::ADD, Opcode::LD, Opcode::ADD, Opcode::LD});
    B.Deps.push_back({At, At + 1, A});
    B.Deps.push_back({At + 1, At + 2, L});
    B.Deps.push_back({At + 2, At + 3, A});
  }
  std::vector<unsigned> Mmas;
  for (unsigned K = 0; K < 16; ++K) {
    Mmas.push_back(unsigned(B.Ops.size()));
    B.Ops.push_back(Opcode::MMA);
    if (K >= 4)
      B.Deps.push_back({Mmas[K - 4], Mmas[K], M});
  }
  std::vector<uint64_t> Issue = issueCycles(B, listSchedule(B, T), T);
  std::vector<uint64_t> MmaCycles;
  for (unsigned I : Mmas)
    MmaCycles.push_back(Issue[I]);
  std::sort(MmaCycles.begin(), MmaCycles.end());
  for (unsigned K = 0; K < 16; ++K)
    EXPECT_EQ(MmaCycles[K], K);
}

TEST(Schedule, RandomBlocksKeepTheirDependencesAndNeverGetLonger) {
  TimingTable T{MachineDesc{}};
  const Opcode Pool[] = {Opcode::ADD,  Opcode::MUL,     Opcode::LD,   Opcode::SD,
                         Opcode::VLD,  Opcode::VST,     Opcode::VFMA, Opcode::VADD,
                         Opcode::VDIV, Opcode::VREDSUM, Opcode::DIV};
  std::mt19937 Rng(3);
  auto Pick = [&](unsigned Lo, unsigned Hi) {
    return std::uniform_int_distribution<unsigned>(Lo, Hi)(Rng);
  };
  uint64_t Before = 0, After = 0;
  for (int Trial = 0; Trial < 500; ++Trial) {
    SchedBlock B;
    unsigned N = Pick(1, 40);
    for (unsigned I = 0; I < N; ++I)
      B.Ops.push_back(Pool[Pick(0, std::size(Pool) - 1)]);
    for (unsigned To = 1; To < N; ++To)
      for (unsigned K = Pick(0, 3); K > 0; --K) {
        unsigned From = Pick(0, To - 1);
        // A register result, or an order alone.
        B.Deps.push_back({From, To, Pick(0, 3) ? latency(T, B.Ops[From]) : 0});
      }
    std::vector<unsigned> Program(N);
    for (unsigned I = 0; I < N; ++I)
      Program[I] = I;
    std::vector<unsigned> Order = listSchedule(B, T);
    ASSERT_EQ(Order.size(), N);
    std::vector<unsigned> Pos(N, N);
    for (unsigned K = 0; K < N; ++K)
      Pos[Order[K]] = K;
    for (unsigned I = 0; I < N; ++I)
      ASSERT_LT(Pos[I], N) << "instruction " << I << " missing";
    for (const SchedBlock::Dep &D : B.Deps)
      ASSERT_LT(Pos[D.From], Pos[D.To]) << "trial " << Trial;
    uint64_t P = scheduleLength(B, Program, T), S = scheduleLength(B, Order, T);
    ASSERT_LE(S, P) << "trial " << Trial;
    Before += P;
    After += S;
  }
  // And shorter on the whole: independent work fills the latencies.
  EXPECT_LT(After, Before);
}

} // namespace
