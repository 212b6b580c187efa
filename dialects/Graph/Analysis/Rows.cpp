//===- Rows.cpp - What a fused row kernel runs and the SRAM it needs ------===//
#include "dialects/Graph/Analysis/Rows.h"
#include "dialects/Graph/Analysis/Elementwise.h"
#include "dialects/Graph/IR/Graph.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace d1;

namespace {
ArrayRef<int64_t> shapeOf(Value V) { return cast<RankedTensorType>(V.getType()).getShape(); }
bool isF32(Value V) { return cast<RankedTensorType>(V.getType()).getElementType().isF32(); }
} // namespace

RowForm d1::rowForm(ArrayRef<int64_t> S, ArrayRef<int64_t> Domain) {
  if (S.size() > Domain.size() || Domain.empty())
    return RowForm::Other;
  SmallVector<int64_t> P(Domain.size() - S.size(), 1);
  P.append(S.begin(), S.end());
  int64_t N = 1;
  for (int64_t D : P)
    N *= D;
  if (N == 1)
    return RowForm::Scalar;
  if (ArrayRef<int64_t>(P) == Domain)
    return RowForm::Full;
  bool LeadingOnes =
      llvm::all_of(ArrayRef<int64_t>(P).drop_back(), [](int64_t D) { return D == 1; });
  if (LeadingOnes && P.back() == Domain.back())
    return RowForm::RowVector;
  if (P.back() == 1 && ArrayRef<int64_t>(P).drop_back() == Domain.drop_back())
    return RowForm::PerRow;
  return RowForm::Other;
}

/// A reduction over the last axis that keeps it.
static bool lastAxisReduce(graph::ReduceOp R) {
  int64_t Rank = int64_t(shapeOf(R.getInput()).size());
  return R.getKeepdims() && R.getAxes().size() == 1 && R.getAxes()[0] == Rank - 1 && Rank >= 1 &&
         isF32(R.getInput());
}

SmallVector<int64_t> d1::rowDomain(Operation *Op) {
  if (auto R = dyn_cast<graph::ReduceOp>(Op))
    return lastAxisReduce(R) ? SmallVector<int64_t>(shapeOf(R.getInput())) : SmallVector<int64_t>();
  if (auto S = dyn_cast<graph::SoftmaxOp>(Op)) {
    ArrayRef<int64_t> In = shapeOf(S.getInput());
    return int64_t(S.getAxis()) == int64_t(In.size()) - 1 ? SmallVector<int64_t>(In)
                                                          : SmallVector<int64_t>();
  }
  if (fusableElementwise(Op) && !shapeOf(Op->getResult(0)).empty())
    return SmallVector<int64_t>(shapeOf(Op->getResult(0)));
  return {};
}

bool d1::rowMember(Operation *Op, ArrayRef<int64_t> Domain) {
  if (isa<graph::ReduceOp, graph::SoftmaxOp>(Op))
    return ArrayRef<int64_t>(rowDomain(Op)) == Domain;
  if (!fusableElementwise(Op))
    return false;
  RowForm R = rowForm(shapeOf(Op->getResult(0)), Domain);
  if (R != RowForm::Full && R != RowForm::PerRow)
    return false;
  for (Value X : Op->getOperands()) {
    RowForm F = rowForm(shapeOf(X), Domain);
    if (F == RowForm::Other ||
        (R == RowForm::PerRow && F != RowForm::PerRow && F != RowForm::Scalar))
      return false;
  }
  return true;
}

int64_t RowSlots::elementsPerRow(int64_t Len) const {
  int64_t E = TempRows;
  for (bool F : IsFull)
    E += F ? Len : 1;
  return E;
}

RowSlots d1::rowSlots(ArrayRef<Operation *> Ops, ArrayRef<int64_t> Domain) {
  RowSlots S;
  DenseMap<Value, size_t> LastUse;
  llvm::SmallPtrSet<Operation *, 16> Members(Ops.begin(), Ops.end());
  for (size_t I = 0; I < Ops.size(); ++I)
    for (Value X : Ops[I]->getOperands())
      LastUse[X] = I;
  std::vector<unsigned> FreeFull, FreeRow;
  auto Take = [&](Value V, bool Full) {
    std::vector<unsigned> &Free = Full ? FreeFull : FreeRow;
    unsigned K;
    if (!Free.empty()) {
      K = Free.back();
      Free.pop_back();
    } else {
      K = unsigned(S.IsFull.size());
      S.IsFull.push_back(Full);
    }
    S.Slot[V] = K;
  };
  auto Release = [&](Value V) {
    unsigned K = S.Slot.lookup(V);
    (S.IsFull[K] ? FreeFull : FreeRow).push_back(K);
  };
  llvm::DenseSet<Value> Resident;
  for (size_t I = 0; I < Ops.size(); ++I) {
    Operation *Op = Ops[I];
    if (isa<graph::SoftmaxOp>(Op))
      S.TempRows = 2;
    for (Value X : Op->getOperands()) {
      if (S.Slot.count(X) || Resident.count(X) ||
          (X.getDefiningOp() && Members.count(X.getDefiningOp())))
        continue;
      RowForm F = rowForm(shapeOf(X), Domain);
      if (F == RowForm::Full || F == RowForm::PerRow) {
        Take(X, F == RowForm::Full);
      } else {
        Resident.insert(X);
        S.Resident += F == RowForm::RowVector ? Domain.back() : 1;
      }
    }
    // Operands dead after this op free their slots first: in place.
    llvm::SmallDenseSet<Value, 2> Done;
    for (Value X : Op->getOperands())
      if (S.Slot.count(X) && LastUse.lookup(X) == I && Done.insert(X).second)
        Release(X);
    Value R = Op->getResult(0);
    Take(R, rowForm(shapeOf(R), Domain) == RowForm::Full);
    if (!LastUse.count(R)) // read only after the group: written out, then free
      Release(R);
  }
  return S;
}

int64_t d1::rowsPerTile(const RowSlots &S, int64_t Len, int64_t Outer, int64_t Budget) {
  int64_t PerRow = S.elementsPerRow(Len), Room = Budget - S.Resident;
  if (PerRow <= 0 || Room < PerRow)
    return 0;
  return std::min(Outer, Room / PerRow);
}

bool RowSlotCount::fullSlot(Value V) const { return rowForm(shapeOf(V), Domain) == RowForm::Full; }

RowSlotCount::Step RowSlotCount::step(Operation *Op) const {
  // rowSlots on the ops so far and Op: each operand of Op holds a slot up to
  // Op (from the first point it was not counted at), new outside operands
  // of Full or PerRow form take one, the others stay resident; then the
  // operands are freed and the result takes a slot, freed at once.
  Step S;
  S.C = Now;
  if (isa<graph::SoftmaxOp>(Op))
    S.C.TempRows = 2;
  llvm::SmallVector<std::pair<size_t, int>, 2> Ext; // (first point, kind)
  llvm::SmallPtrSet<Value, 2> Seen;
  for (Value X : Op->getOperands()) {
    if (!Seen.insert(X).second || Resident.count(X))
      continue;
    if (auto It = From.find(X); It != From.end()) {
      S.Held.push_back(X);
      Ext.push_back({It->second, fullSlot(X) ? 0 : 1});
      ++S.At[fullSlot(X) ? 0 : 1];
      continue;
    }
    RowForm F = rowForm(shapeOf(X), Domain);
    if (F == RowForm::Full || F == RowForm::PerRow) {
      S.NewSlots.push_back(X);
      ++S.At[F == RowForm::Full ? 0 : 1];
    } else {
      S.NewResident.push_back(X);
      S.C.Resident += F == RowForm::RowVector ? Domain.back() : 1;
    }
  }
  std::sort(Ext.begin(), Ext.end());
  int ResultKind = fullSlot(Op->getResult(0)) ? 0 : 1;
  for (int K = 0; K < 2; ++K) {
    // The points so far, each with the operands whose ranges now reach it.
    int64_t Peak = std::max(S.At[K], int64_t(K == ResultKind));
    size_t Lo = 0;
    int64_t Extra = 0;
    for (auto [First, Kind] : Ext) {
      if (Kind != K)
        continue;
      Peak = std::max(Peak, Live[K].max(Lo, First) + Extra);
      Lo = std::max(Lo, First);
      ++Extra;
    }
    Peak = std::max(Peak, Live[K].max(Lo, Live[K].size()) + Extra);
    (K ? S.C.Rows : S.C.Full) = std::max(K ? Now.Rows : Now.Full, Peak);
  }
  return S;
}

void RowSlotCount::add(Operation *Op) {
  Step S = step(Op);
  size_t At = Live[0].size(); // the point after Op's operands; At + 1 after its result
  for (Value X : S.Held)
    Live[fullSlot(X) ? 0 : 1].addFrom(From.lookup(X), 1);
  for (int K = 0; K < 2; ++K) {
    Live[K].push(S.At[K]);
    Live[K].push(K == (fullSlot(Op->getResult(0)) ? 0 : 1));
  }
  for (Value X : S.Held)
    From[X] = At + 1;
  for (Value X : S.NewSlots)
    From[X] = At + 1;
  for (Value X : S.NewResident)
    Resident.insert(X);
  From[Op->getResult(0)] = At + 2;
  Now = S.C;
}
