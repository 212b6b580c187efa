//===- Fuse.cpp - Epilogue fusion driven by the cost model ----------------===//
//
// Groups each convolution or matrix product with the fp32 elementwise ops
// after it when the cost model says so, and wraps each group in a
// graph.fused op. The decisions are d1::plan::CostModel's; this file walks
// the IR and checks what can legally move.
//
//===----------------------------------------------------------------------===//
#include "d1/Planning/CostModel.h"
#include "dialects/D1/IR/D1.h"
#include "dialects/Graph/Analysis/Elementwise.h"
#include "dialects/Graph/Analysis/Epilogue.h"
#include "dialects/Graph/Analysis/Rows.h"
#include "dialects/Graph/Analysis/Tiling.h"
#include "dialects/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <optional>
#include <queue>

namespace d1 {
#define GEN_PASS_DEF_FUSE
#include "dialects/Graph/Transforms/Passes.h.inc"
} // namespace d1

using namespace mlir;
using namespace d1;

namespace {

using Shape = SmallVector<int64_t>;

Shape shapeOf(Value V) { return Shape(cast<RankedTensorType>(V.getType()).getShape()); }
int64_t bytesOf(Value V) {
  auto T = cast<RankedTensorType>(V.getType());
  return T.getNumElements() * 4;
}

struct Group {
  Operation *Anchor;       // an epilogue's anchor; a row group's first op
  bool Rows = false;       // a row group over Domain
  bool DepthFirst = false; // a chain of window groups
  SmallVector<int64_t> Domain;
  SmallVector<Operation *> Members; // the anchor first, then in order
  DenseSet<Operation *> MemberSet;
  DenseMap<Value, unsigned> MemberUses; // operands of members: how many uses
  /// Readers of members' results with their program order, the least
  /// first; members are dropped when they come to the top.
  std::priority_queue<std::pair<unsigned, Operation *>,
                      std::vector<std::pair<unsigned, Operation *>>, std::greater<>>
      Readers;
  std::optional<EpilogueTileCount> Tiles; // an epilogue's
  std::optional<RowSlotCount> Slots;      // a row group's
  plan::Anchor Cost;
  int64_t Extra = 0;
  bool contains(Operation *Op) const { return MemberSet.count(Op); }
  void add(Operation *Op, const DenseMap<Operation *, unsigned> &Order) {
    Members.push_back(Op);
    MemberSet.insert(Op);
    for (Value X : Op->getOperands())
      ++MemberUses[X];
    for (Operation *U : Op->getResult(0).getUsers())
      Readers.push({Order.lookup(U), U});
  }
  void clear() {
    Members.clear();
    MemberSet.clear();
  }
};

/// Whether Op reads or writes a tensor without elements: it is lowered on
/// its own (to no code, or to the identity of a reduction over nothing).
bool touchesEmpty(Operation *Op) {
  auto Empty = [](Type T) {
    auto RT = dyn_cast<RankedTensorType>(T);
    return RT && RT.getNumElements() == 0;
  };
  return llvm::any_of(Op->getOperandTypes(), Empty) || llvm::any_of(Op->getResultTypes(), Empty);
}

/// The cost model's view of an anchor; false when Op cannot anchor a group.
bool describeAnchor(Operation *Op, Group &G) {
  plan::Anchor &A = G.Cost;
  if (isa<graph::ConvOp>(Op)) {
    A.IsWindow = true;
    A.Window = *windowShapeOf(Op);
    // A tiling set by hand is priced as it is.
    if (auto T = Op->getAttrOfType<graph::WindowTilingAttr>(TilingAttrName)) {
      plan::WindowChoice C = windowChoice(T);
      A.FixedWindow = C.Tiling;
      if (C.Mma) {
        A.Window.Mma = true;
        A.Window.PadR = plan::mmaPadRight(A.Window);
      }
    }
    return true;
  }
  if (!isa<graph::MatMulOp, graph::GemmOp>(Op))
    return false;
  Shape LS = shapeOf(Op->getOperand(0)), RS = shapeOf(Op->getOperand(1));
  if (LS.size() < 2 || RS.size() < 2)
    return false; // rank-1 operands change the result's rank
  // The loops of a product: batch..., m, n, then k (IterationSpaceOpInterface).
  SmallVector<int64_t> Loops = cast<graph::IterationSpaceOpInterface>(Op).getStaticLoopRanges();
  A.IsWindow = false;
  A.M = Loops[Loops.size() - 3];
  A.N = Loops[Loops.size() - 2];
  A.K = Loops.back();
  A.Batch = 1;
  for (size_t D = 0; D + 3 < Loops.size(); ++D)
    A.Batch *= Loops[D];
  if (isa<graph::MatMulOp>(Op) && batchFoldsIntoRows(LS, RS)) {
    A.M *= A.Batch; // one product over the folded rows (GraphToTile)
    A.Batch = 1;
  }
  if (auto T = Op->getAttrOfType<graph::MatmulTilingAttr>(TilingAttrName))
    A.FixedMatmul = matmulTiling(T);
  return true;
}

struct FusePass : d1::impl::FuseBase<FusePass> {
  using FuseBase::FuseBase;

  void runOnOperation() override {
    ModuleOp M = getOperation();
    plan::CostModel CM(getTargetMachine(M));
    for (auto F : M.getOps<func::FuncOp>())
      if (!F.isExternal())
        fuse(F.getBody().front(), CM);
  }

  void fuse(Block &Body, const plan::CostModel &CM) {
    NumUses.clear();
    DenseMap<Operation *, unsigned> Order;
    for (Operation &Op : Body)
      Order[&Op] = unsigned(Order.size());
    std::vector<std::unique_ptr<Group>> Groups;
    DenseMap<Operation *, Group *> GroupOf;

    for (Operation &Op : Body.without_terminator()) {
      if (touchesEmpty(&Op))
        continue;
      auto G = std::make_unique<Group>();
      G->Anchor = &Op;
      if (describeAnchor(&Op, *G)) {
        G->add(&Op, Order);
        G->Tiles.emplace(Op.getResult(0), tileDims(&Op));
        GroupOf[&Op] = G.get();
        Groups.push_back(std::move(G));
        continue;
      }
      if (fusableElementwise(&Op) && joinEpilogue(Op, GroupOf, Order, CM))
        continue;
      joinRows(Op, Groups, GroupOf, Order, CM);
    }
    if (DepthFirst)
      chainWindows(Body, Groups, GroupOf, CM);
    for (auto &G : Groups)
      if (G->Members.size() > 1)
        materialize(*G);
  }

  /// A stage of a depth-first chain: a convolution's epilogue group, or a
  /// max pooling of its own.
  struct Stage {
    Group *G = nullptr; // null for a max pooling
    Operation *Window;
    SmallVector<Operation *> Members;
    plan::ChainStage Cost;
  };

  std::optional<Stage> stageAt(Operation *Op, DenseMap<Operation *, Group *> &GroupOf) {
    if (touchesEmpty(Op))
      return std::nullopt;
    Stage S;
    S.Window = Op;
    if (isa<graph::MaxPoolOp>(Op)) {
      if (GroupOf.count(Op))
        return std::nullopt;
      S.Cost.Shape = *windowShapeOf(Op);
      S.Members.push_back(Op);
      return S;
    }
    auto C = dyn_cast<graph::ConvOp>(Op);
    Group *G = C ? GroupOf.lookup(Op) : nullptr;
    if (!G || G->Rows || G->DepthFirst || G->Anchor != Op)
      return std::nullopt;
    S.G = G;
    S.Members = G->Members;
    S.Cost.Shape = G->Cost.Window;
    S.Cost.ExtraOutTiles = G->Extra;
    S.Cost.Bias = bool(C.getBias());
    return S;
  }

  /// The one value a stage gives to the stage after it: its last member's,
  /// read by nothing else than the next window op (null otherwise).
  static Value chainOutput(const Stage &S) {
    Value V = S.Members.back()->getResult(0);
    SmallPtrSet<Operation *, 8> Members(S.Members.begin(), S.Members.end());
    for (Operation *Mb : S.Members)
      for (Operation *U : Mb->getResult(0).getUsers())
        if (!Members.count(U) && (Mb != S.Members.back() || !V.hasOneUse()))
          return Value();
    if (!V.hasOneUse())
      return Value();
    Operation *Next = *V.getUsers().begin();
    if (!isa<graph::ConvOp, graph::MaxPoolOp>(Next) || Next->getOperand(0) != V)
      return Value();
    return V;
  }

  /// Runs consecutive window kernels depth-first (graph.fused depth_first)
  /// where the chain moves fewer DMA cycles than its stages on their own
  /// and its tiles fit: the stages in between never reach DRAM.
  void chainWindows(Block &Body, std::vector<std::unique_ptr<Group>> &Groups,
                    DenseMap<Operation *, Group *> &GroupOf, const plan::CostModel &CM) {
    std::vector<std::unique_ptr<Group>> Chains;
    SmallPtrSet<Operation *, 16> Taken;
    for (Operation &Op : Body.without_terminator()) {
      if (Taken.count(&Op))
        continue;
      std::optional<Stage> First = stageAt(&Op, GroupOf);
      if (!First)
        continue;
      std::vector<Stage> Chain{*First};
      std::vector<plan::ChainStage> Costs{First->Cost};
      double Cycles = CM.windowCycles(First->Cost.Shape, First->Cost.ExtraOutTiles);
      while (Value V = chainOutput(Chain.back())) {
        std::optional<Stage> Next = stageAt(*V.getUsers().begin(), GroupOf);
        if (!Next || Next->Cost.Shape.N != Costs.back().Shape.N)
          break;
        std::vector<plan::ChainStage> With = Costs;
        With.push_back(Next->Cost);
        plan::ChainTiling T = CM.chainTiling(With);
        if (!T.Fits)
          break;
        double Alone = Cycles + CM.windowCycles(Next->Cost.Shape, Next->Cost.ExtraOutTiles);
        double Chained = CM.chainCycles(T, Next->Cost.Shape.N);
        if (Chained >= Alone)
          break;
        Chain.push_back(*Next);
        Costs = std::move(With);
        Cycles = Chained;
      }
      if (Chain.size() < 2)
        continue;
      auto C = std::make_unique<Group>();
      C->Anchor = Chain.front().Window;
      C->DepthFirst = true;
      for (Stage &S : Chain) {
        for (Operation *Mb : S.Members) {
          C->Members.push_back(Mb);
          C->MemberSet.insert(Mb);
          GroupOf[Mb] = C.get();
          Taken.insert(Mb);
        }
        if (S.G)
          S.G->clear(); // now the chain's
      }
      Chains.push_back(std::move(C));
    }
    for (auto &C : Chains)
      Groups.push_back(std::move(C));
  }

  /// Op joins the epilogue group of one of its operands' producers where the
  /// cost model says it pays most.
  bool joinEpilogue(Operation &Op, DenseMap<Operation *, Group *> &GroupOf,
                    const DenseMap<Operation *, unsigned> &Order, const plan::CostModel &CM) {
    Group *Best = nullptr;
    double BestScore = 0;
    int64_t BestExtra = 0;
    SmallPtrSet<Group *, 2> Seen; // both operands may come from one group
    for (Value V : Op.getOperands()) {
      Group *C = GroupOf.lookup(V.getDefiningOp());
      if (!C || C->Rows || !Seen.insert(C).second ||
          Op.getResult(0).getType() != C->Anchor->getResult(0).getType())
        continue;
      if (!canJoin(*C, &Op, Order))
        continue;
      int64_t Extra = C->Tiles->slotsWith(&Op) - 1;
      double Gain = 0;
      SetVector<Value> Ins(Op.getOperands().begin(), Op.getOperands().end());
      for (Value X : Ins) {
        if (!C->contains(X.getDefiningOp()))
          continue;
        Gain += CM.epilogueGain(C->Cost, bytesOf(X), stillWritten(*C, X, Op), Extra);
      }
      double Score = Gain - CM.epilogueCost(C->Cost, C->Extra, Extra - C->Extra);
      if (Score > BestScore) {
        Best = C;
        BestScore = Score;
        BestExtra = Extra;
      }
    }
    if (!Best)
      return false;
    Best->add(&Op, Order);
    Best->Tiles->add(&Op);
    Best->Extra = BestExtra;
    GroupOf[&Op] = Best;
    return true;
  }

  /// Op joins the row group of one of its operands' producers where the cost
  /// model says it pays most, or starts a row group of its own.
  void joinRows(Operation &Op, std::vector<std::unique_ptr<Group>> &Groups,
                DenseMap<Operation *, Group *> &GroupOf,
                const DenseMap<Operation *, unsigned> &Order, const plan::CostModel &CM) {
    SmallVector<int64_t> Own = rowDomain(&Op);
    if (Own.empty())
      return;
    Group *Best = nullptr;
    double BestScore = 0;
    SmallPtrSet<Group *, 2> Seen;
    for (Value V : Op.getOperands()) {
      Group *C = GroupOf.lookup(V.getDefiningOp());
      if (!C || !C->Rows || !Seen.insert(C).second || !rowMember(&Op, C->Domain) ||
          !canJoin(*C, &Op, Order))
        continue;
      const RowSlotCount::Counts &Old = C->Slots->counts();
      RowSlotCount::Counts New = C->Slots->with(&Op);
      int64_t Len = C->Domain.back(), Rows = 1;
      for (int64_t D : ArrayRef<int64_t>(C->Domain).drop_back())
        Rows *= D;
      // A DMA per tile for each slot's worth of outside reads and writes.
      double Cost = CM.rowCost(Rows, New.Resident, Old.elementsPerRow(Len), New.elementsPerRow(Len),
                               New.slots() + 1);
      double Gain = 0;
      SetVector<Value> Ins(Op.getOperands().begin(), Op.getOperands().end());
      for (Value X : Ins) {
        if (!C->contains(X.getDefiningOp())) {
          // An outside tensor the group already reads is read once for both.
          RowForm F = rowForm(shapeOf(X), C->Domain);
          bool Shared = (F == RowForm::Full || F == RowForm::PerRow) && C->MemberUses.count(X);
          if (Shared)
            Gain += CM.rowGain(bytesOf(X), /*StillWritten=*/true);
          continue;
        }
        Gain += CM.rowGain(bytesOf(X), stillWritten(*C, X, Op));
      }
      if (Gain - Cost > BestScore) {
        Best = C;
        BestScore = Gain - Cost;
      }
    }
    if (Best) {
      Best->add(&Op, Order);
      Best->Slots->add(&Op);
      GroupOf[&Op] = Best;
      return;
    }
    if (!rowMember(&Op, Own))
      return;
    auto G = std::make_unique<Group>();
    G->Anchor = &Op;
    G->Rows = true;
    G->Domain = Own;
    G->add(&Op, Order);
    G->Slots.emplace(Own);
    G->Slots->add(&Op);
    GroupOf[&Op] = G.get();
    Groups.push_back(std::move(G));
  }

  /// Op may join G if every value of G read outside the group is read after
  /// Op (the group moves to Op's place). Ops are offered in program order,
  /// so a reader before Op that is not a member never will be.
  static bool canJoin(Group &G, Operation *Op, const DenseMap<Operation *, unsigned> &Order) {
    while (!G.Readers.empty() && G.contains(G.Readers.top().second))
      G.Readers.pop();
    return G.Readers.empty() || G.Readers.top().first >= Order.lookup(Op);
  }

  /// Whether X, a value of G, is still read outside G once Op joins it.
  bool stillWritten(const Group &G, Value X, Operation &Op) {
    auto [It, New] = NumUses.try_emplace(X, 0);
    if (New)
      It->second = unsigned(std::distance(X.use_begin(), X.use_end()));
    unsigned ByOp = unsigned(llvm::count(Op.getOperands(), X));
    return It->second > G.MemberUses.lookup(X) + ByOp;
  }
  DenseMap<Value, unsigned> NumUses;

  static void materialize(Group &G) {
    Operation *Last = G.Members.back();
    SmallVector<Value> Escaping;
    SmallVector<Location> Locs;
    for (Operation *Mb : G.Members) {
      Locs.push_back(Mb->getLoc());
      Value V = Mb->getResult(0);
      if (llvm::any_of(V.getUsers(), [&](Operation *U) { return !G.contains(U); }))
        Escaping.push_back(V);
    }
    OpBuilder B(Last->getContext());
    B.setInsertionPointAfter(Last);
    SmallVector<Type> Types;
    for (Value V : Escaping)
      Types.push_back(V.getType());
    auto Fused = B.create<graph::FusedOp>(FusedLoc::get(B.getContext(), Locs), Types,
                                          G.Rows         ? graph::FusionKind::Rows
                                          : G.DepthFirst ? graph::FusionKind::DepthFirst
                                                         : graph::FusionKind::Epilogue);
    Block *Body = new Block();
    Fused.getBody().push_back(Body);
    for (Operation *Mb : G.Members)
      Mb->moveBefore(Body, Body->end());
    B.setInsertionPointToEnd(Body);
    B.create<graph::YieldOp>(Fused.getLoc(), Escaping);
    for (auto [V, R] : llvm::zip(Escaping, Fused.getResults()))
      V.replaceUsesWithIf(R, [&](OpOperand &U) { return !Fused->isAncestor(U.getOwner()); });
  }
};

} // namespace
