//===- PeakCount.h - Peaks of counts over growing program points -*- C++ -*-===//
//
// A count per program point, for points that only ever come at the end:
// append a point, add to every point from one on, and the largest count over
// a range, each in O(log n). The tiles a fused group needs are the peak of
// such a count (values live over ranges of points, and an op appended to
// the group extends its operands' ranges to the end), so a group priced op
// by op as it grows costs O(n log n) in all, not O(n^2).
//
//===----------------------------------------------------------------------===//
#ifndef D1_PLANNING_PEAKCOUNT_H
#define D1_PLANNING_PEAKCOUNT_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace d1::plan {

class PeakCount {
public:
  /// The number of points.
  size_t size() const { return N; }

  /// A new last point with count V.
  void push(int64_t V) {
    if (N == Cap)
      grow();
    size_t I = Cap + N++;
    Max[I] = V;
    for (I /= 2; I; I /= 2)
      Max[I] = std::max(Max[2 * I], Max[2 * I + 1]) + Add[I];
  }

  /// Adds D to the count of every point in [From, size()).
  void addFrom(size_t From, int64_t D) {
    if (From < N)
      add(1, 0, Cap, From, N, D);
  }

  /// The largest count over the points [Lo, Hi) (clipped to the points);
  /// None when there is none.
  int64_t max(size_t Lo, size_t Hi) const {
    Hi = std::min(Hi, N);
    return Lo < Hi ? query(1, 0, Cap, Lo, Hi) : None;
  }

  static constexpr int64_t None = std::numeric_limits<int64_t>::min() / 4;

private:
  // A segment tree over Cap leaves (Cap a power of two, node 1 the root):
  // Max[K] is the largest count below node K less the adds of K's
  // ancestors; Add[K] what was added to all of node K's leaves. Leaves past
  // N hold None.
  size_t N = 0, Cap = 0;
  std::vector<int64_t> Max, Add;

  void grow() {
    std::vector<int64_t> Counts(N);
    for (size_t I = 0; I < N; ++I)
      Counts[I] = max(I, I + 1);
    Cap = Cap ? 2 * Cap : 16;
    Max.assign(2 * Cap, None);
    Add.assign(2 * Cap, 0);
    std::copy(Counts.begin(), Counts.end(), Max.begin() + long(Cap));
    for (size_t K = Cap; K-- > 1;)
      Max[K] = std::max(Max[2 * K], Max[2 * K + 1]);
  }

  void add(size_t K, size_t L, size_t R, size_t Lo, size_t Hi, int64_t D) {
    if (Hi <= L || R <= Lo)
      return;
    if (Lo <= L && R <= Hi) {
      Max[K] += D;
      Add[K] += D;
      return;
    }
    size_t Mid = (L + R) / 2;
    add(2 * K, L, Mid, Lo, Hi, D);
    add(2 * K + 1, Mid, R, Lo, Hi, D);
    Max[K] = std::max(Max[2 * K], Max[2 * K + 1]) + Add[K];
  }

  int64_t query(size_t K, size_t L, size_t R, size_t Lo, size_t Hi) const {
    if (Hi <= L || R <= Lo)
      return None;
    if (Lo <= L && R <= Hi)
      return Max[K];
    size_t Mid = (L + R) / 2;
    return std::max(query(2 * K, L, Mid, Lo, Hi), query(2 * K + 1, Mid, R, Lo, Hi)) + Add[K];
  }
};

} // namespace d1::plan

#endif
