//===- Schedule.cpp - List scheduling of a basic block --------------------===//
#include "d1/Planning/Schedule.h"

#include <algorithm>
#include <numeric>

using namespace d1;
using namespace d1::plan;

namespace {

/// Predecessors of each instruction with the latency of each edge.
std::vector<std::vector<std::pair<unsigned, uint32_t>>> predecessors(const SchedBlock &B) {
  std::vector<std::vector<std::pair<unsigned, uint32_t>>> P(B.Ops.size());
  for (const SchedBlock::Dep &D : B.Deps)
    P[D.To].push_back({D.From, D.Latency});
  return P;
}

} // namespace

uint64_t d1::plan::scheduleLength(const SchedBlock &B, const std::vector<unsigned> &Order,
                                  const TimingTable &T) {
  auto Preds = predecessors(B);
  std::vector<uint64_t> Issue(B.Ops.size(), 0);
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
  return End;
}

std::vector<unsigned> d1::plan::listSchedule(const SchedBlock &B, const TimingTable &T) {
  size_t N = B.Ops.size();
  std::vector<unsigned> Program(N);
  std::iota(Program.begin(), Program.end(), 0u);
  if (N < 3)
    return Program;
  auto Preds = predecessors(B);
  std::vector<std::vector<std::pair<unsigned, uint32_t>>> Succs(N);
  for (const SchedBlock::Dep &D : B.Deps)
    Succs[D.From].push_back({D.To, D.Latency});
  // Priority: the longest latency path from an instruction to the end.
  std::vector<uint64_t> Height(N, 0);
  for (size_t I = N; I-- > 0;) {
    Height[I] = T[B.Ops[I]].Lat;
    for (auto [To, Lat] : Succs[I])
      Height[I] = std::max(Height[I], Lat + Height[To]);
  }
  std::vector<unsigned> Waiting(N, 0);
  for (size_t I = 0; I < N; ++I)
    Waiting[I] = unsigned(Preds[I].size());
  std::vector<uint64_t> Issue(N, 0), Earliest(N, 0);
  std::vector<unsigned> Ready, Order;
  for (unsigned I = 0; I < N; ++I)
    if (!Waiting[I])
      Ready.push_back(I);
  IssueSlots Slots;
  uint64_t Prev = 0;
  while (!Ready.empty()) {
    size_t Best = 0;
    uint64_t BestAt = ~uint64_t(0);
    for (size_t K = 0; K < Ready.size(); ++K) {
      unsigned I = Ready[K];
      uint64_t At = Slots.firstFree(T[B.Ops[I]], std::max(Prev, Earliest[I]), T);
      unsigned Cur = Ready[Best];
      if (At < BestAt ||
          (At == BestAt && (Height[I] > Height[Cur] || (Height[I] == Height[Cur] && I < Cur)))) {
        Best = K;
        BestAt = At;
      }
    }
    unsigned I = Ready[Best];
    Ready.erase(Ready.begin() + long(Best));
    Slots.commit(T[B.Ops[I]], BestAt);
    Issue[I] = Prev = BestAt;
    Order.push_back(I);
    for (auto [To, Lat] : Succs[I]) {
      Earliest[To] = std::max(Earliest[To], BestAt + Lat);
      if (--Waiting[To] == 0)
        Ready.push_back(To);
    }
  }
  if (Order.size() == N && scheduleLength(B, Order, T) < scheduleLength(B, Program, T))
    return Order;
  return Program;
}
