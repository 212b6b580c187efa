//===- MemoryPlan.cpp - Offsets for buffers with live ranges --------------===//
#include "d1/Planning/MemoryPlan.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>

using namespace d1::plan;

namespace {

int64_t alignUp(int64_t V, int64_t A) { return (V + A - 1) / A * A; }

/// The buffers live at the same time as a given one among those placed so
/// far, without looking at every placed buffer: the buffers (those live at
/// all) sorted by start, under a tree holding the latest end of the placed
/// ones below each node. Those overlapping [Start, End) start before End
/// (a prefix) and end after Start (the subtrees whose latest end is after
/// Start): O(log n) per buffer found.
class TimeIndex {
public:
  explicit TimeIndex(const std::vector<Buffer> &Bufs) : Bufs(Bufs) {
    for (size_t I = 0; I < Bufs.size(); ++I)
      if (Bufs[I].Start < Bufs[I].End)
        ByStart.push_back(I);
    std::sort(ByStart.begin(), ByStart.end(),
              [&](size_t A, size_t B) { return Bufs[A].Start < Bufs[B].Start; });
    Pos.assign(Bufs.size(), ByStart.size());
    for (size_t P = 0; P < ByStart.size(); ++P)
      Pos[ByStart[P]] = P;
    for (Cap = 1; Cap < ByStart.size();)
      Cap *= 2;
    clear();
  }
  void clear() { LatestEnd.assign(2 * Cap, None); }
  void place(size_t I) {
    size_t P = Pos[I];
    if (P == ByStart.size())
      return;
    for (P += Cap; P; P /= 2)
      LatestEnd[P] = std::max(LatestEnd[P], Bufs[I].End);
  }
  /// The placed buffers live at the same time as B, appended to Out.
  void overlapping(const Buffer &B, std::vector<size_t> &Out) const {
    if (B.Start >= B.End)
      return;
    size_t Hi = size_t(std::lower_bound(ByStart.begin(), ByStart.end(), B.End,
                                        [&](size_t J, int64_t V) { return Bufs[J].Start < V; }) -
                       ByStart.begin());
    find(1, 0, Cap, Hi, B.Start, Out);
  }

private:
  static constexpr int64_t None = std::numeric_limits<int64_t>::min();
  const std::vector<Buffer> &Bufs;
  std::vector<size_t> ByStart, Pos;
  size_t Cap = 1;
  std::vector<int64_t> LatestEnd;

  void find(size_t K, size_t L, size_t R, size_t Hi, int64_t After,
            std::vector<size_t> &Out) const {
    if (L >= Hi || LatestEnd[K] <= After)
      return;
    if (R - L == 1) {
      Out.push_back(ByStart[L]);
      return;
    }
    size_t Mid = (L + R) / 2;
    find(2 * K, L, Mid, Hi, After, Out);
    find(2 * K + 1, Mid, R, Hi, After, Out);
  }
};

/// Places buffers in Order, each in the smallest aligned gap that fits among
/// the already placed buffers live at the same time (else above them all).
Plan greedy(const std::vector<Buffer> &Bufs, const std::vector<size_t> &Order, TimeIndex &Index) {
  Plan P;
  P.Offsets.assign(Bufs.size(), 0);
  Index.clear();
  // Buffers at one offset are looked at in the order they were placed.
  std::vector<size_t> Seq(Bufs.size(), 0);
  std::vector<size_t> Live;
  for (size_t K = 0; K < Order.size(); ++K) {
    size_t I = Order[K];
    const Buffer &B = Bufs[I];
    Live.clear();
    Index.overlapping(B, Live);
    std::sort(Live.begin(), Live.end(), [&](size_t X, size_t Y) {
      return std::make_pair(P.Offsets[X], Seq[X]) < std::make_pair(P.Offsets[Y], Seq[Y]);
    });
    int64_t Prev = 0, Best = -1, BestGap = std::numeric_limits<int64_t>::max();
    for (size_t J : Live) {
      int64_t At = alignUp(Prev, B.Align), Gap = P.Offsets[J] - At;
      if (Gap >= B.Bytes && Gap < BestGap) {
        Best = At;
        BestGap = Gap;
      }
      Prev = std::max(Prev, P.Offsets[J] + Bufs[J].Bytes);
    }
    if (Best < 0)
      Best = alignUp(Prev, B.Align);
    P.Offsets[I] = Best;
    P.Peak = std::max(P.Peak, Best + B.Bytes);
    Seq[I] = K;
    Index.place(I);
  }
  return P;
}

} // namespace

Plan d1::plan::planMemory(const std::vector<Buffer> &Bufs, Strategy S) {
  if (S == Strategy::NoReuse) {
    Plan P;
    for (const Buffer &B : Bufs) {
      int64_t At = alignUp(P.Peak, B.Align);
      P.Offsets.push_back(At);
      P.Peak = At + B.Bytes;
    }
    return P;
  }
  std::vector<size_t> Order(Bufs.size());
  std::iota(Order.begin(), Order.end(), size_t(0));
  auto Life = [&](size_t I) { return Bufs[I].End - Bufs[I].Start; };
  using Key = std::function<bool(size_t, size_t)>;
  // Ties go to the earlier start, then the buffer's index: deterministic.
  const Key Keys[] = {
      [&](size_t A, size_t B) {
        return std::make_tuple(-Bufs[A].Bytes, Bufs[A].Start, A) <
               std::make_tuple(-Bufs[B].Bytes, Bufs[B].Start, B);
      },
      [&](size_t A, size_t B) {
        return std::make_tuple(-Bufs[A].Bytes * Life(A), Bufs[A].Start, A) <
               std::make_tuple(-Bufs[B].Bytes * Life(B), Bufs[B].Start, B);
      },
      [&](size_t A, size_t B) {
        return std::make_tuple(-Life(A), -Bufs[A].Bytes, A) <
               std::make_tuple(-Life(B), -Bufs[B].Bytes, B);
      },
  };
  Plan Best;
  bool Have = false;
  TimeIndex Index(Bufs);
  for (const Key &K : Keys) {
    std::stable_sort(Order.begin(), Order.end(), K);
    Plan P = greedy(Bufs, Order, Index);
    if (!Have || P.Peak < Best.Peak)
      Best = std::move(P);
    Have = true;
  }
  return Best;
}

int64_t d1::plan::livenessLowerBound(const std::vector<Buffer> &Bufs) {
  // Sweep: at equal points, ends come before starts ([Start, End)).
  std::vector<std::pair<int64_t, int64_t>> Events;
  for (const Buffer &B : Bufs)
    if (B.Start < B.End) {
      Events.push_back({B.Start, B.Bytes});
      Events.push_back({B.End, -B.Bytes});
    }
  std::sort(Events.begin(), Events.end());
  int64_t Live = 0, Peak = 0;
  for (auto [At, Delta] : Events) {
    Live += Delta;
    Peak = std::max(Peak, Live);
  }
  return Peak;
}

std::string d1::plan::verifyPlan(const std::vector<Buffer> &Bufs, const Plan &P) {
  if (P.Offsets.size() != Bufs.size())
    return "the plan has " + std::to_string(P.Offsets.size()) + " offsets for " +
           std::to_string(Bufs.size()) + " buffers";
  for (size_t I = 0; I < Bufs.size(); ++I) {
    const Buffer &B = Bufs[I];
    if (P.Offsets[I] < 0 || P.Offsets[I] % B.Align)
      return "buffer " + std::to_string(I) + " at " + std::to_string(P.Offsets[I]) +
             " is not aligned to " + std::to_string(B.Align);
    if (P.Offsets[I] + B.Bytes > P.Peak)
      return "buffer " + std::to_string(I) + " ends above the peak";
  }
  // Sweep over time in start order; compare each buffer with those live.
  std::vector<size_t> Order(Bufs.size());
  std::iota(Order.begin(), Order.end(), size_t(0));
  std::sort(Order.begin(), Order.end(),
            [&](size_t A, size_t B) { return Bufs[A].Start < Bufs[B].Start; });
  std::vector<size_t> Active;
  for (size_t I : Order) {
    const Buffer &B = Bufs[I];
    if (B.Start >= B.End)
      continue;
    Active.erase(std::remove_if(Active.begin(), Active.end(),
                                [&](size_t J) { return Bufs[J].End <= B.Start; }),
                 Active.end());
    for (size_t J : Active) {
      int64_t Lo = std::max(P.Offsets[I], P.Offsets[J]);
      int64_t Hi = std::min(P.Offsets[I] + B.Bytes, P.Offsets[J] + Bufs[J].Bytes);
      if (Lo < Hi)
        return "buffers " + std::to_string(std::min(I, J)) + " and " +
               std::to_string(std::max(I, J)) + " are live at the same time and share bytes [" +
               std::to_string(Lo) + ", " + std::to_string(Hi) + ")";
    }
    Active.push_back(I);
  }
  return "";
}

std::vector<bool> d1::plan::chooseResident(const std::vector<Candidate> &Candidates,
                                           const std::vector<Buffer> &Fixed, int64_t Capacity) {
  std::vector<bool> Resident(Candidates.size(), false);
  // The bytes only grow where a buffer starts: check there.
  std::vector<int64_t> Times;
  for (const Buffer &B : Fixed)
    Times.push_back(B.Start);
  for (const Candidate &C : Candidates)
    Times.push_back(C.Start);
  std::sort(Times.begin(), Times.end());
  Times.erase(std::unique(Times.begin(), Times.end()), Times.end());
  // Fixed bytes live at each of those times, by a sweep over starts and ends.
  std::vector<std::pair<int64_t, int64_t>> Delta; // (time, +-bytes)
  for (const Buffer &B : Fixed) {
    Delta.push_back({B.Start, B.Bytes});
    Delta.push_back({B.End, -B.Bytes});
  }
  std::sort(Delta.begin(), Delta.end());
  std::vector<size_t> ByStart(Candidates.size());
  for (size_t I = 0; I < ByStart.size(); ++I)
    ByStart[I] = I;
  std::stable_sort(ByStart.begin(), ByStart.end(),
                   [&](size_t A, size_t B) { return Candidates[A].Start < Candidates[B].Start; });
  size_t NextDelta = 0, NextCand = 0;
  int64_t FixedLive = 0;
  std::vector<size_t> Live; // resident candidates admitted, maybe ended
  for (int64_t T : Times) {
    while (NextDelta < Delta.size() && Delta[NextDelta].first <= T)
      FixedLive += Delta[NextDelta++].second;
    while (NextCand < ByStart.size() && Candidates[ByStart[NextCand]].Start <= T) {
      Resident[ByStart[NextCand]] = true;
      Live.push_back(ByStart[NextCand++]);
    }
    Live.erase(std::remove_if(Live.begin(), Live.end(),
                              [&](size_t I) { return !Resident[I] || Candidates[I].End <= T; }),
               Live.end());
    int64_t Sum = FixedLive;
    for (size_t I : Live)
      Sum += Candidates[I].Bytes;
    while (Sum > Capacity && !Live.empty()) {
      // Belady: the one not needed for the longest time goes.
      auto NextUse = [&](size_t I) {
        const std::vector<int64_t> &U = Candidates[I].Uses;
        auto It = std::lower_bound(U.begin(), U.end(), T);
        return It == U.end() ? INT64_MAX : *It;
      };
      auto Far = std::max_element(Live.begin(), Live.end(), [&](size_t A, size_t B) {
        int64_t NA = NextUse(A), NB = NextUse(B);
        return NA != NB ? NA < NB : Candidates[A].Bytes < Candidates[B].Bytes;
      });
      Resident[*Far] = false;
      Sum -= Candidates[*Far].Bytes;
      Live.erase(Far);
    }
  }
  return Resident;
}
