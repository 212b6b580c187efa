//===- Schedule.cpp - List scheduling of a basic block --------------------===//
#include "d1/Planning/Schedule.h"

#include <algorithm>
#include <array>
#include <map>
#include <numeric>

using namespace d1;
using namespace d1::plan;

namespace {

/// Each instruction's predecessors and successors, with the latency of
/// each edge.
struct Edges {
  std::vector<std::vector<std::pair<unsigned, uint32_t>>> Preds, Succs;
  explicit Edges(const SchedBlock &B) : Preds(B.Ops.size()), Succs(B.Ops.size()) {
    for (const SchedBlock::Dep &D : B.Deps) {
      Preds[D.To].push_back({D.From, D.Latency});
      Succs[D.From].push_back({D.To, D.Latency});
    }
  }
};

} // namespace

/// The cycle after the last result and the last issue cycle of Order.
static std::pair<uint64_t, uint64_t> issueSpan(const SchedBlock &B, const Edges &G,
                                               const std::vector<unsigned> &Order,
                                               const TimingTable &T) {
  const auto &Preds = G.Preds;
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
  return {End, Prev};
}

uint64_t d1::plan::scheduleLength(const SchedBlock &B, const std::vector<unsigned> &Order,
                                  const TimingTable &T) {
  return issueSpan(B, Edges(B), Order, T).first;
}

/// One greedy pass: at each step the instruction that can issue soonest;
/// among those, with Bottleneck (a unit, or NumUnits for none) one using
/// that unit first, then the longest latency path to the block's end, then
/// the first in program order.
///
/// The ready instructions are kept by opcode, so that a step looks at each
/// opcode once and not at every ready instruction: an instruction can issue
/// at f(max(Prev, Earliest)), where f(t), the first cycle from t whose slots
/// are free for its opcode, grows with t. So the soonest of an opcode is X =
/// f(max(Prev, the least Earliest)), every one with Earliest <= X issues then
/// too, and the best of those is the one with the longest path (then the
/// first). Those with Earliest <= Prev are in one heap; the others in one
/// heap per Earliest, of which X - Prev is at most a few cycles.
static std::vector<unsigned> greedy(const SchedBlock &B, const Edges &G, const TimingTable &T,
                                    const std::vector<uint64_t> &Height, unsigned Bottleneck) {
  size_t N = B.Ops.size();
  const auto &Preds = G.Preds, &Succs = G.Succs;
  auto Uses = [&](Opcode Op) {
    const OpTiming &OT = T[Op];
    for (unsigned K = 0; K < OT.NumUses; ++K)
      if (OT.Uses[K].U == Bottleneck)
        return true;
    return false;
  };
  // Heap order: the top is the longest path, then the first.
  auto Lower = [&](unsigned A, unsigned C) {
    return Height[A] < Height[C] || (Height[A] == Height[C] && A > C);
  };
  struct Class {
    std::vector<unsigned> Now;                       // Earliest <= Prev
    std::map<uint64_t, std::vector<unsigned>> Later; // by Earliest > Prev
    size_t Size = 0;
  };
  std::vector<Class> Classes; // one per opcode seen
  std::vector<Opcode> OpOf;   // of each class
  std::array<int, 256> ClassOf;
  ClassOf.fill(-1);
  std::vector<unsigned> Active; // classes with ready instructions
  std::vector<uint64_t> Earliest(N, 0);
  uint64_t Prev = 0;
  auto MakeReady = [&](unsigned I) {
    int &C = ClassOf[uint8_t(B.Ops[I])];
    if (C < 0) {
      C = int(Classes.size());
      Classes.emplace_back();
      OpOf.push_back(B.Ops[I]);
    }
    Class &Cl = Classes[size_t(C)];
    if (!Cl.Size++)
      Active.push_back(unsigned(C));
    std::vector<unsigned> &H = Earliest[I] <= Prev ? Cl.Now : Cl.Later[Earliest[I]];
    H.push_back(I);
    std::push_heap(H.begin(), H.end(), Lower);
  };
  std::vector<unsigned> Waiting(N, 0);
  for (size_t I = 0; I < N; ++I)
    Waiting[I] = unsigned(Preds[I].size());
  std::vector<unsigned> Order;
  Order.reserve(N);
  for (unsigned I = 0; I < N; ++I)
    if (!Waiting[I])
      MakeReady(I);
  IssueSlots Slots;
  while (!Active.empty()) {
    // The best of each opcode, and of those the best.
    size_t BestClass = 0;
    std::vector<unsigned> *BestHeap = nullptr;
    uint64_t BestAt = ~uint64_t(0);
    bool BestUses = false;
    for (size_t K = 0; K < Active.size(); ++K) {
      Class &Cl = Classes[Active[K]];
      while (!Cl.Later.empty() && Cl.Later.begin()->first <= Prev) {
        for (unsigned I : Cl.Later.begin()->second) {
          Cl.Now.push_back(I);
          std::push_heap(Cl.Now.begin(), Cl.Now.end(), Lower);
        }
        Cl.Later.erase(Cl.Later.begin());
      }
      const OpTiming &OT = T[OpOf[Active[K]]];
      uint64_t From = Cl.Now.empty() ? Cl.Later.begin()->first : Prev;
      uint64_t At = Slots.firstFree(OT, From, T);
      std::vector<unsigned> *Heap = Cl.Now.empty() ? nullptr : &Cl.Now;
      for (auto &[E, H] : Cl.Later) {
        if (E > At)
          break;
        if (!Heap || Lower(Heap->front(), H.front()))
          Heap = &H;
      }
      bool U = Uses(OpOf[Active[K]]);
      bool Better = At < BestAt;
      if (At == BestAt) {
        unsigned I = Heap->front(), Cur = BestHeap->front();
        Better = U != BestUses ? U : Lower(Cur, I);
      }
      if (Better) {
        BestClass = K;
        BestHeap = Heap;
        BestAt = At;
        BestUses = U;
      }
    }
    unsigned I = BestHeap->front();
    std::pop_heap(BestHeap->begin(), BestHeap->end(), Lower);
    BestHeap->pop_back();
    Class &Cl = Classes[Active[BestClass]];
    if (BestHeap != &Cl.Now && BestHeap->empty())
      Cl.Later.erase(Earliest[I]);
    if (!--Cl.Size) {
      Active[BestClass] = Active.back();
      Active.pop_back();
    }
    Slots.commit(T[B.Ops[I]], BestAt);
    Prev = BestAt;
    Order.push_back(I);
    for (auto [To, Lat] : Succs[I]) {
      Earliest[To] = std::max(Earliest[To], BestAt + Lat);
      if (--Waiting[To] == 0)
        MakeReady(To);
    }
  }
  return Order;
}

std::vector<unsigned> d1::plan::listSchedule(const SchedBlock &B, const TimingTable &T) {
  size_t N = B.Ops.size();
  std::vector<unsigned> Program(N);
  std::iota(Program.begin(), Program.end(), 0u);
  if (N < 3)
    return Program;
  Edges G(B);
  // Priority: the longest latency path from an instruction to the end.
  std::vector<uint64_t> Height(N, 0);
  for (size_t I = N; I-- > 0;) {
    Height[I] = T[B.Ops[I]].Lat;
    for (auto [To, Lat] : G.Succs[I])
      Height[I] = std::max(Height[I], Lat + Height[To]);
  }
  // The unit with the most cycles of work in the block: where it bounds
  // the block (a K loop's matrix or vector unit), issuing its instructions
  // as soon as they can go keeps it busy; latency paths alone miss that.
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
  // The shortest order; between two as long, the one whose last issue
  // comes first (in a loop, the next iteration can start then, while the
  // last results are still on their way).
  std::vector<unsigned> Best = Program;
  auto BestSpan = issueSpan(B, G, Program, T);
  for (unsigned Prefer : {unsigned(NumUnits), Bottleneck}) {
    std::vector<unsigned> Order = greedy(B, G, T, Height, Prefer);
    if (Order.size() != N)
      continue;
    auto Span = issueSpan(B, G, Order, T);
    if (Span < BestSpan) {
      Best = std::move(Order);
      BestSpan = Span;
    }
  }
  return Best;
}
