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

/// listSchedule as it was first written, looking at every ready instruction
/// at every step: the reference the faster selection must agree with.
std::vector<unsigned> referenceSchedule(const SchedBlock &B, const TimingTable &T) {
  size_t N = B.Ops.size();
  std::vector<unsigned> Program(N);
  for (unsigned I = 0; I < N; ++I)
    Program[I] = I;
  if (N < 3)
    return Program;
  std::vector<std::vector<std::pair<unsigned, uint32_t>>> Preds(N), Succs(N);
  for (const SchedBlock::Dep &D : B.Deps) {
    Preds[D.To].push_back({D.From, D.Latency});
    Succs[D.From].push_back({D.To, D.Latency});
  }
  std::vector<uint64_t> Height(N, 0);
  for (size_t I = N; I-- > 0;) {
    Height[I] = T[B.Ops[I]].Lat;
    for (auto [To, Lat] : Succs[I])
      Height[I] = std::max(Height[I], Lat + Height[To]);
  }
  std::vector<uint64_t> Demand(NumUnits, 0);
  for (Opcode Op : B.Ops) {
    const OpTiming &OT = T[Op];
    for (unsigned K = 0; K < OT.NumUses; ++K)
      Demand[OT.Uses[K].U] +=
          OT.Uses[K].Occ > 1 ? OT.Uses[K].Occ * T.UnitCap[OT.Uses[K].U] : OT.Uses[K].Slots;
  }
  unsigned Bottleneck = 0;
  for (unsigned U = 1; U < NumUnits; ++U)
    if (Demand[U] * T.UnitCap[Bottleneck] > Demand[Bottleneck] * T.UnitCap[U])
      Bottleneck = U;
  auto Greedy = [&](unsigned Prefer) {
    auto Uses = [&](unsigned I) {
      const OpTiming &OT = T[B.Ops[I]];
      for (unsigned K = 0; K < OT.NumUses; ++K)
        if (OT.Uses[K].U == Prefer)
          return true;
      return false;
    };
    std::vector<unsigned> Waiting(N), Ready, Order;
    for (size_t I = 0; I < N; ++I)
      if (!(Waiting[I] = unsigned(Preds[I].size())))
        Ready.push_back(unsigned(I));
    std::vector<uint64_t> Earliest(N, 0);
    IssueSlots Slots;
    uint64_t Prev = 0;
    while (!Ready.empty()) {
      size_t Best = 0;
      uint64_t BestAt = ~uint64_t(0);
      for (size_t K = 0; K < Ready.size(); ++K) {
        unsigned I = Ready[K], Cur = Ready[Best];
        uint64_t At = Slots.firstFree(T[B.Ops[I]], std::max(Prev, Earliest[I]), T);
        bool Better = At < BestAt;
        if (At == BestAt) {
          bool UI = Uses(I), UC = Uses(Cur);
          Better = UI != UC ? UI : Height[I] > Height[Cur] || (Height[I] == Height[Cur] && I < Cur);
        }
        if (Better) {
          Best = K;
          BestAt = At;
        }
      }
      unsigned I = Ready[Best];
      Ready.erase(Ready.begin() + long(Best));
      Slots.commit(T[B.Ops[I]], BestAt);
      Prev = BestAt;
      Order.push_back(I);
      for (auto [To, Lat] : Succs[I]) {
        Earliest[To] = std::max(Earliest[To], BestAt + Lat);
        if (--Waiting[To] == 0)
          Ready.push_back(To);
      }
    }
    return Order;
  };
  std::vector<unsigned> Best = Program;
  auto Span = [&](const std::vector<unsigned> &Order) {
    std::vector<uint64_t> Issue(N, 0);
    IssueSlots Slots;
    uint64_t Prev = 0, End = 0;
    for (unsigned I : Order) {
      uint64_t At = Prev;
      for (auto [From, Lat] : Preds[I])
        At = std::max(At, Issue[From] + Lat);
      const OpTiming &OT = T[B.Ops[I]];
      At = Slots.firstFree(OT, At, T);
      Slots.commit(OT, At);
      Issue[I] = Prev = At;
      End = std::max({End, At + 1, At + OT.Lat});
    }
    return std::make_pair(End, Prev);
  };
  auto BestSpan = Span(Program);
  for (unsigned Prefer : {unsigned(NumUnits), Bottleneck}) {
    std::vector<unsigned> Order = Greedy(Prefer);
    if (Order.size() != N)
      continue;
    auto S = Span(Order);
    if (S < BestSpan) {
      Best = std::move(Order);
      BestSpan = S;
    }
  }
  return Best;
}

TEST(Schedule, PicksWhatLookingAtEveryReadyInstructionPicks) {
  // Blocks with many instructions ready at once (constants, independent
  // chains), units held busy (divisions, long vector ops, the matrix unit)
  // and zero-latency order edges: the selection by opcode must agree with
  // comparing every ready instruction at every step.
  TimingTable T{MachineDesc{}};
  const Opcode Pool[] = {Opcode::ADD,  Opcode::MUL,     Opcode::LD,   Opcode::SD,   Opcode::LI,
                         Opcode::VLD,  Opcode::VST,     Opcode::VFMA, Opcode::VADD, Opcode::MMA,
                         Opcode::VDIV, Opcode::VREDSUM, Opcode::DIV,  Opcode::VEXP};
  std::mt19937 Rng(7);
  auto Pick = [&](unsigned Lo, unsigned Hi) {
    return std::uniform_int_distribution<unsigned>(Lo, Hi)(Rng);
  };
  for (int Trial = 0; Trial < 2000; ++Trial) {
    SchedBlock B;
    unsigned N = Pick(1, Trial < 1900 ? 60 : 600), Kinds = Pick(1, std::size(Pool));
    for (unsigned I = 0; I < N; ++I)
      B.Ops.push_back(Pool[Pick(0, Kinds - 1)]);
    unsigned Fan = Pick(0, 3);
    for (unsigned To = 1; To < N; ++To)
      for (unsigned K = Pick(0, Fan); K > 0; --K) {
        unsigned From = Pick(To > 8 && Pick(0, 1) ? To - 8 : 0, To - 1);
        B.Deps.push_back({From, To, Pick(0, 3) ? latency(T, B.Ops[From]) : 0});
      }
    ASSERT_EQ(listSchedule(B, T), referenceSchedule(B, T)) << "trial " << Trial;
  }
}

} // namespace
