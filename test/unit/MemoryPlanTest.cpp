//===- MemoryPlanTest.cpp - The memory planner ----------------------------===//
#include "d1/Planning/MemoryPlan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <functional>
#include <random>
#include <tuple>

using namespace d1::plan;

namespace {

/// Brute force: do any two buffers live at the same time share a byte?
bool anyOverlap(const std::vector<Buffer> &Bufs, const Plan &P) {
  for (size_t I = 0; I < Bufs.size(); ++I)
    for (size_t J = I + 1; J < Bufs.size(); ++J) {
      const Buffer &A = Bufs[I], &B = Bufs[J];
      bool Time = A.Start < B.End && B.Start < A.End && A.Start < A.End && B.Start < B.End;
      bool Space = P.Offsets[I] < P.Offsets[J] + B.Bytes && P.Offsets[J] < P.Offsets[I] + A.Bytes;
      if (Time && Space && A.Bytes && B.Bytes)
        return true;
    }
  return false;
}

std::vector<Buffer> randomBuffers(std::mt19937_64 &R, size_t N, int64_t Span) {
  std::vector<Buffer> Bufs;
  for (size_t I = 0; I < N; ++I) {
    int64_t S = int64_t(R() % uint64_t(Span)), L = 1 + int64_t(R() % uint64_t(Span / 4 + 1));
    Buffer B;
    B.Start = S;
    B.End = S + L;
    B.Bytes = 1 + int64_t(R() % 5000);
    B.Align = int64_t(1) << (R() % 7);
    Bufs.push_back(B);
  }
  return Bufs;
}

/// Buffers the way a kernel makes them: allocated, used, freed in nested
/// order (tiles inside loops inside the kernel), sizes multiples of 64.
std::vector<Buffer> nestedBuffers(std::mt19937_64 &R, size_t N) {
  std::vector<Buffer> Bufs;
  std::vector<size_t> Open;
  int64_t T = 0;
  while (Bufs.size() < N || !Open.empty()) {
    bool Alloc = Bufs.size() < N && (Open.empty() || R() % 3 != 0);
    if (Alloc) {
      Buffer B;
      B.Start = T;
      B.Bytes = 64 * (1 + int64_t(R() % 256));
      B.Align = 64;
      Open.push_back(Bufs.size());
      Bufs.push_back(B);
    } else {
      Bufs[Open.back()].End = T;
      Open.pop_back();
    }
    ++T;
  }
  return Bufs;
}

TEST(MemoryPlan, DisjointLifetimesShareBytes) {
  std::vector<Buffer> Bufs = {{0, 2, 100, 4}, {2, 4, 100, 4}, {1, 3, 50, 4}};
  Plan P = planMemory(Bufs);
  EXPECT_EQ(verifyPlan(Bufs, P), "");
  EXPECT_EQ(P.Offsets[0], P.Offsets[1]);
  EXPECT_EQ(P.Peak, 150); // 0 and 1 at 0, 2 above them
  EXPECT_EQ(livenessLowerBound(Bufs), 150);
}

TEST(MemoryPlan, AlignmentIsHonoured) {
  std::vector<Buffer> Bufs = {{0, 4, 3, 1}, {0, 4, 64, 64}, {0, 4, 5, 16}};
  Plan P = planMemory(Bufs);
  EXPECT_EQ(verifyPlan(Bufs, P), "");
  EXPECT_EQ(P.Offsets[1] % 64, 0);
  EXPECT_EQ(P.Offsets[2] % 16, 0);
}

TEST(MemoryPlan, NoReuseGivesEachBufferItsOwnBytes) {
  std::vector<Buffer> Bufs = {{0, 1, 64, 64}, {1, 2, 64, 64}, {2, 3, 10, 64}};
  Plan P = planMemory(Bufs, Strategy::NoReuse);
  EXPECT_EQ(P.Offsets, (std::vector<int64_t>{0, 64, 128}));
  EXPECT_EQ(P.Peak, 138);
  EXPECT_EQ(planMemory(Bufs).Peak, 64);
}

TEST(MemoryPlan, GapsAreFilledSmallestFirst) {
  // 0 and 2 live throughout with a 100-byte hole between them once 1 ends;
  // a later 100-byte buffer goes into the hole, not above.
  std::vector<Buffer> Bufs = {{0, 10, 1000, 1}, {0, 5, 100, 1}, {0, 10, 1000, 1}, {6, 10, 100, 1}};
  Plan P = planMemory(Bufs);
  EXPECT_EQ(verifyPlan(Bufs, P), "");
  EXPECT_EQ(P.Peak, 2100);
}

TEST(MemoryPlan, VerifierFindsEveryFault) {
  std::vector<Buffer> Bufs = {{0, 4, 100, 4}, {2, 6, 100, 4}};
  EXPECT_NE(verifyPlan(Bufs, Plan{{0, 96}, 196}), "");  // overlap while both live
  EXPECT_EQ(verifyPlan(Bufs, Plan{{0, 100}, 200}), ""); // touching is fine
  EXPECT_NE(verifyPlan(Bufs, Plan{{0, 102}, 202}), ""); // misaligned
  EXPECT_NE(verifyPlan(Bufs, Plan{{0, 100}, 150}), ""); // above the peak
  EXPECT_NE(verifyPlan(Bufs, Plan{{0}, 100}), "");      // an offset missing
  std::vector<Buffer> Apart = {{0, 2, 100, 4}, {2, 4, 100, 4}};
  EXPECT_EQ(verifyPlan(Apart, Plan{{0, 0}, 100}), ""); // [0, 2) and [2, 4) never meet
}

TEST(MemoryPlan, RandomPlansAreValidAndNearTheBound) {
  std::mt19937_64 R(7);
  double Worst = 1, Sum = 0;
  const int Runs = 400;
  for (int K = 0; K < Runs; ++K) {
    std::vector<Buffer> Bufs = randomBuffers(R, 1 + R() % 60, 100);
    Plan P = planMemory(Bufs);
    ASSERT_EQ(verifyPlan(Bufs, P), "") << "run " << K;
    ASSERT_FALSE(anyOverlap(Bufs, P)) << "run " << K;
    int64_t LB = livenessLowerBound(Bufs);
    ASSERT_GE(P.Peak, LB);
    ASSERT_LE(P.Peak, planMemory(Bufs, Strategy::NoReuse).Peak);
    double Ratio = double(P.Peak) / double(LB);
    Worst = std::max(Worst, Ratio);
    Sum += Ratio;
  }
  // Arbitrary interval sets: greedy placement stays close to the bound on
  // average (the bound itself is not always reachable).
  EXPECT_LE(Sum / Runs, 1.10) << "worst " << Worst;
}

TEST(MemoryPlan, KernelShapedPlansReachTheBound) {
  // Nested lifetimes (how kernels allocate): within 5 % of the bound.
  std::mt19937_64 R(11);
  for (int K = 0; K < 300; ++K) {
    std::vector<Buffer> Bufs = nestedBuffers(R, 1 + R() % 40);
    Plan P = planMemory(Bufs);
    ASSERT_EQ(verifyPlan(Bufs, P), "");
    int64_t LB = livenessLowerBound(Bufs);
    EXPECT_LE(double(P.Peak), 1.05 * double(LB)) << "run " << K;
  }
}

TEST(MemoryPlan, VerifierAgreesWithBruteForce) {
  // Random (mostly invalid) plans: the verifier flags exactly the ones with
  // overlaps (alignment 1 and a generous peak, so only overlaps count).
  std::mt19937_64 R(3);
  for (int K = 0; K < 2000; ++K) {
    std::vector<Buffer> Bufs = randomBuffers(R, 2 + R() % 8, 20);
    Plan P;
    for (Buffer &B : Bufs) {
      B.Align = 1;
      P.Offsets.push_back(int64_t(R() % 20000));
    }
    P.Peak = 1 << 20;
    ASSERT_EQ(verifyPlan(Bufs, P).empty(), !anyOverlap(Bufs, P)) << "run " << K;
  }
}

Candidate cand(int64_t Start, int64_t End, int64_t Bytes, std::vector<int64_t> Uses) {
  Candidate C;
  C.Start = Start;
  C.End = End;
  C.Bytes = Bytes;
  C.Uses = std::move(Uses);
  return C;
}

Buffer fixed(int64_t Start, int64_t End, int64_t Bytes) {
  Buffer B;
  B.Start = Start;
  B.End = End;
  B.Bytes = Bytes;
  return B;
}

/// planMemory's greedy orders as first written, each buffer compared with
/// every placed one: the reference the indexed search must agree with.
Plan referencePlan(const std::vector<Buffer> &Bufs) {
  auto AlignUp = [](int64_t V, int64_t A) { return (V + A - 1) / A * A; };
  auto Greedy = [&](const std::vector<size_t> &Order) {
    Plan P;
    P.Offsets.assign(Bufs.size(), 0);
    std::vector<size_t> Placed;
    for (size_t I : Order) {
      const Buffer &B = Bufs[I];
      std::vector<size_t> Live;
      for (size_t J : Placed) {
        const Buffer &C = Bufs[J];
        if (B.Start < C.End && C.Start < B.End && B.Start < B.End && C.Start < C.End)
          Live.push_back(J);
      }
      int64_t Prev = 0, Best = -1, BestGap = INT64_MAX;
      for (size_t J : Live) {
        int64_t At = AlignUp(Prev, B.Align), Gap = P.Offsets[J] - At;
        if (Gap >= B.Bytes && Gap < BestGap) {
          Best = At;
          BestGap = Gap;
        }
        Prev = std::max(Prev, P.Offsets[J] + Bufs[J].Bytes);
      }
      if (Best < 0)
        Best = AlignUp(Prev, B.Align);
      P.Offsets[I] = Best;
      P.Peak = std::max(P.Peak, Best + B.Bytes);
      Placed.insert(
          std::upper_bound(Placed.begin(), Placed.end(), I,
                           [&](size_t X, size_t Y) { return P.Offsets[X] < P.Offsets[Y]; }),
          I);
    }
    return P;
  };
  std::vector<size_t> Order(Bufs.size());
  for (size_t I = 0; I < Order.size(); ++I)
    Order[I] = I;
  auto Life = [&](size_t I) { return Bufs[I].End - Bufs[I].Start; };
  using Key = std::function<bool(size_t, size_t)>;
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
  for (const Key &K : Keys) {
    std::stable_sort(Order.begin(), Order.end(), K);
    Plan P = Greedy(Order);
    if (!Have || P.Peak < Best.Peak)
      Best = std::move(P);
    Have = true;
  }
  return Best;
}

TEST(MemoryPlan, AgreesWithComparingEveryPlacedBuffer) {
  // Random, kernel-shaped and degenerate buffers (empty lives, no bytes,
  // one start for many): the same offsets as the plain search.
  std::mt19937_64 R(5);
  for (int Trial = 0; Trial < 300; ++Trial) {
    size_t N = 1 + R() % (Trial < 250 ? 60 : 600);
    std::vector<Buffer> Bufs = Trial % 3 == 2 ? nestedBuffers(R, N) : randomBuffers(R, N, 50);
    for (Buffer &B : Bufs) {
      if (Trial % 3 == 1 && R() % 4 == 0)
        B.Bytes = 0;
      if (Trial % 3 == 1 && R() % 8 == 0)
        B.End = B.Start - int64_t(R() % 2);
      if (Trial % 5 == 4)
        B.Start = B.Start / 8 * 8;
    }
    Plan P = planMemory(Bufs), Want = referencePlan(Bufs);
    ASSERT_EQ(P.Offsets, Want.Offsets) << "trial " << Trial;
    ASSERT_EQ(P.Peak, Want.Peak) << "trial " << Trial;
  }
}

TEST(Residency, EverythingStaysWhenItFits) {
  std::vector<Candidate> C{cand(0, 10, 100, {0, 9}), cand(2, 6, 100, {2, 5})};
  std::vector<Buffer> F{fixed(3, 4, 500)};
  EXPECT_EQ(chooseResident(C, F, 700), std::vector<bool>({true, true}));
}

TEST(Residency, TheValueUsedFarthestAheadIsSpilled) {
  // Three activations live across a kernel that needs 600 of 1000 bytes:
  // two of them fit beside it; the one read last goes to DRAM.
  std::vector<Candidate> C{cand(0, 20, 200, {0, 19}), cand(1, 8, 200, {1, 7}),
                           cand(2, 9, 200, {2, 8})};
  std::vector<Buffer> F{fixed(5, 6, 600)};
  EXPECT_EQ(chooseResident(C, F, 1000), std::vector<bool>({false, true, true}));
}

TEST(Residency, SpillsOnlyWhereTheKernelNeedsTheRoom) {
  // The big kernel comes after the first activation has died.
  std::vector<Candidate> C{cand(0, 4, 800, {0, 3}), cand(5, 9, 300, {5, 8})};
  std::vector<Buffer> F{fixed(6, 7, 900)};
  EXPECT_EQ(chooseResident(C, F, 1000), std::vector<bool>({true, false}));
  EXPECT_EQ(chooseResident(C, F, 1200), std::vector<bool>({true, true}));
}

TEST(Residency, RandomChoicesFitAndSpillOnlyWhenNeeded) {
  std::mt19937_64 R(7);
  for (int Trial = 0; Trial < 200; ++Trial) {
    std::vector<Buffer> F = randomBuffers(R, 20, 100);
    std::vector<Candidate> C;
    for (const Buffer &B : randomBuffers(R, 15, 100)) {
      std::vector<int64_t> Uses{B.Start};
      for (int64_t T = B.Start + 1; T < B.End; ++T)
        if (R() % 4 == 0)
          Uses.push_back(T);
      C.push_back(cand(B.Start, B.End, B.Bytes, Uses));
    }
    int64_t FixedPeak = livenessLowerBound(F);
    int64_t Cap = FixedPeak + int64_t(R() % 20000);
    std::vector<bool> Res = chooseResident(C, F, Cap);
    std::vector<Buffer> All = F;
    for (size_t I = 0; I < C.size(); ++I)
      if (Res[I])
        All.push_back(fixed(C[I].Start, C[I].End, C[I].Bytes));
    EXPECT_LE(livenessLowerBound(All), Cap) << "trial " << Trial;
    // With room for everything, nothing is spilled.
    std::vector<Buffer> Every = F;
    for (const Candidate &X : C)
      Every.push_back(fixed(X.Start, X.End, X.Bytes));
    std::vector<bool> Roomy = chooseResident(C, F, livenessLowerBound(Every));
    EXPECT_TRUE(std::all_of(Roomy.begin(), Roomy.end(), [](bool B) { return B; }));
  }
}

} // namespace
