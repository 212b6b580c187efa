//===- Epilogue.cpp - How a fused epilogue lines up with its tiles --------===//
#include "dialects/Graph/Analysis/Epilogue.h"
#include "d1/Planning/Tiling.h"
#include "dialects/Graph/IR/Graph.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <algorithm>

using namespace mlir;
using namespace d1;

std::vector<int64_t> d1::broadcastStrides(ArrayRef<int64_t> S, size_t Rank) {
  std::vector<int64_t> St(Rank, 0);
  int64_t Acc = 1;
  for (int64_t D = int64_t(Rank) - 1, E = int64_t(S.size()) - 1; D >= 0; --D, --E) {
    if (E >= 0 && S[size_t(E)] != 1)
      St[size_t(D)] = Acc;
    if (E >= 0)
      Acc *= S[size_t(E)];
  }
  return St;
}

bool d1::batchFoldsIntoRows(ArrayRef<int64_t> Lhs, ArrayRef<int64_t> Rhs) {
  if (Lhs.size() < 3 || Rhs.size() < 2)
    return false;
  int64_t Items = 1;
  for (int64_t D : Lhs.drop_back(2))
    Items *= D;
  return Items > 1 && llvm::all_of(Rhs.drop_back(2), [](int64_t D) { return D == 1; });
}

bool d1::flattensWithRows(ArrayRef<int64_t> Operand, ArrayRef<int64_t> Out) {
  // The epilogue's offsets and forms come from the unfolded shape: with one
  // row per item the row dim has stride 0 there, and only operands that are
  // the same for every folded row read alike.
  bool OneRow = Out.size() >= 2 && Out[Out.size() - 2] == 1;
  bool AllOut = !OneRow, AllOne = true;
  for (size_t D = 0; D + 1 < Out.size(); ++D) {
    size_t Pad = Out.size() - std::min(Out.size(), Operand.size());
    int64_t S = D < Pad ? 1 : Operand[D - Pad];
    AllOut &= S == Out[D];
    AllOne &= S == 1;
  }
  return AllOut || AllOne;
}

std::optional<plan::WindowShape> d1::windowShapeOf(Operation *Op) {
  auto ShapeOf = [](Value V) { return cast<RankedTensorType>(V.getType()).getShape(); };
  ArrayRef<int64_t> St, Pd, Dl;
  plan::WindowShape W;
  if (auto C = dyn_cast<graph::ConvOp>(Op)) {
    ArrayRef<int64_t> WS = ShapeOf(C.getWeight());
    W.KH = WS[2];
    W.KW = WS[3];
    St = C.getStrides();
    Pd = C.getPads();
    Dl = C.getDilations();
    W.Group = int64_t(C.getGroup());
  } else if (auto P = dyn_cast<graph::MaxPoolOp>(Op)) {
    W.Conv = false;
    W.KH = P.getKernel()[0];
    W.KW = P.getKernel()[1];
    St = P.getStrides();
    Pd = P.getPads();
    Dl = P.getDilations();
  } else {
    return std::nullopt;
  }
  ArrayRef<int64_t> I = ShapeOf(Op->getOperand(0)), O = ShapeOf(Op->getResult(0));
  W.N = I[0];
  W.C = I[1];
  W.H = I[2];
  W.W = I[3];
  W.F = O[1];
  W.OH = O[2];
  W.OW = O[3];
  W.StrideH = St[0];
  W.StrideW = St[1];
  W.DilH = Dl[0];
  W.DilW = Dl[1];
  W.PadT = Pd[0];
  W.PadL = Pd[1];
  W.PadB = Pd[2];
  W.PadR = Pd[3];
  return W;
}

TileDims d1::tileDims(Operation *Anchor) {
  if (isa<graph::ConvOp, graph::MaxPoolOp>(Anchor))
    return {1, 2, 3};
  int Rank = int(cast<RankedTensorType>(Anchor->getResult(0).getType()).getRank());
  return {-1, Rank - 2, Rank - 1};
}

std::array<int64_t, 3> d1::tileStrides(ArrayRef<int64_t> Operand, ArrayRef<int64_t> Out,
                                       TileDims D) {
  std::vector<int64_t> St = broadcastStrides(Operand, Out.size());
  return {D.P >= 0 ? St[size_t(D.P)] : 0, St[size_t(D.R)], St[size_t(D.C)]};
}

TileForm d1::tileForm(ArrayRef<int64_t> Operand, ArrayRef<int64_t> Out, TileDims D) {
  auto [SP, SR, SC] = tileStrides(Operand, Out, D);
  if (SC == 1)
    return SP == 0 && SR == 0 ? TileForm::RowVector : TileForm::Full;
  if (SC != 0)
    return TileForm::Strided;
  if (SR != 0)
    return TileForm::PerRow;
  return SP != 0 ? TileForm::PerPlane : TileForm::Scalar;
}

ValueTiles d1::epilogueTiles(Value Anchor, ArrayRef<Operation *> Ops, TileDims D) {
  // Value ids: the anchor 0, then every other value in order of first sight.
  DenseMap<Value, int> Id{{Anchor, 0}};
  std::vector<Value> Values{Anchor};
  auto IdOf = [&](Value V) {
    auto [It, New] = Id.try_emplace(V, int(Values.size()));
    if (New)
      Values.push_back(V);
    return It->second;
  };
  std::vector<plan::EpilogueStep> Steps;
  for (Operation *Op : Ops) {
    plan::EpilogueStep S;
    for (Value X : Op->getOperands())
      S.Reads.push_back(IdOf(X));
    S.Result = IdOf(Op->getResult(0));
    Steps.push_back(S);
  }
  ArrayRef<int64_t> Out = cast<RankedTensorType>(Anchor.getType()).getShape();
  llvm::SmallPtrSet<Operation *, 16> Members(Ops.begin(), Ops.end());
  std::vector<bool> Whole(Values.size(), false);
  for (size_t K = 1; K < Values.size(); ++K) {
    Operation *Def = Values[K].getDefiningOp();
    if (!(Def && Members.count(Def)))
      Whole[K] = tileForm(cast<RankedTensorType>(Values[K].getType()).getShape(), Out, D) ==
                 TileForm::Full;
  }
  plan::EpilogueTiles T = plan::assignEpilogueTiles(Steps, int(Values.size()), Whole);
  ValueTiles R;
  for (size_t K = 0; K < Values.size(); ++K)
    if (T.Slot[K] >= 0)
      R.Slot[Values[K]] = unsigned(T.Slot[K]);
  R.Slots = T.Slots;
  return R;
}

EpilogueTileCount::EpilogueTileCount(Value Anchor, TileDims D)
    : Out(cast<RankedTensorType>(Anchor.getType()).getShape()), Dims(D) {
  From[Anchor] = 0;
}

EpilogueTileCount::Step EpilogueTileCount::step(Operation *Op) const {
  // plan::assignEpilogueTiles on the ops so far and Op: each operand of Op
  // with a tile holds it up to Op (from the first point it was not counted
  // at), outside operands read whole take one; the result writes over its
  // first operand's tile when that has one (the read is the last), else
  // takes a new one; then the operands and the result are freed.
  Step S;
  llvm::SmallVector<size_t, 2> Ext;
  llvm::SmallPtrSet<Value, 2> Seen;
  for (Value X : Op->getOperands()) {
    if (!Seen.insert(X).second)
      continue;
    if (auto It = From.find(X); It != From.end()) {
      S.Held.push_back(X);
      Ext.push_back(It->second);
    } else if (tileForm(cast<RankedTensorType>(X.getType()).getShape(), Out, Dims) ==
               TileForm::Full) {
      S.New.push_back(X);
    } else {
      continue;
    }
    if (X == Op->getOperand(0))
      S.InPlace = X;
  }
  S.At = int64_t(S.Held.size() + S.New.size());
  std::sort(Ext.begin(), Ext.end());
  int64_t Peak = std::max(S.At, S.At + (S.InPlace ? 0 : 1));
  size_t Lo = 0;
  int64_t Extra = 0;
  for (size_t First : Ext) {
    Peak = std::max(Peak, Live.max(Lo, First) + Extra);
    Lo = First;
    ++Extra;
  }
  Peak = std::max(Peak, Live.max(Lo, Live.size()) + Extra);
  S.Slots = std::max(Slots, Peak);
  return S;
}

void EpilogueTileCount::add(Operation *Op) {
  Step S = step(Op);
  size_t At = Live.size(); // the point after Op's operands; At + 1 after its result
  for (Value X : S.Held)
    Live.addFrom(From.lookup(X), 1);
  Live.push(S.At);
  Live.push(S.At + (S.InPlace ? 0 : 1));
  for (const auto &Vs : {S.Held, S.New})
    for (Value X : Vs)
      From[X] = X == S.InPlace ? At + 1 : At + 2;
  From[Op->getResult(0)] = At + 2;
  Slots = S.Slots;
}
