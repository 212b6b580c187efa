//===- Schedule.cpp - List scheduling of the D1 instructions --------------===//
//
// Builds each straight piece of a block as a plan::SchedBlock (opcodes,
// SSA and memory dependences), asks plan::listSchedule for an order and
// moves the ops into it. The ordering decisions are the planner's; this
// file reads the IR and checks register pressure.
//
//===----------------------------------------------------------------------===//
#include "d1/Planning/Schedule.h"
#include "dialects/D1/IR/D1.h"
#include "dialects/D1ISA/IR/D1ISA.h"
#include "dialects/D1ISA/IR/ISABuilder.h"
#include "dialects/D1ISA/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace d1 {
#define GEN_PASS_DEF_SCHEDULE
#include "dialects/D1ISA/Transforms/Passes.h.inc"
} // namespace d1

using namespace mlir;
using namespace d1;

namespace {

/// Keeps its place: changes control flow, synchronizes (DMA, semaphores,
/// barrier, fence, halt) or touches state no operand shows (the cycle
/// counter, the random generator) -- as ISA.td declares.
bool keepsItsPlace(const InstInfo &I) {
  return I.IsBranch || I.has(Effect::Sync) || I.has(Effect::ReadsCycle) ||
         I.has(Effect::ReadsRNG) || I.has(Effect::WritesRNG);
}

/// Register class of a value: 0 scalar, 1 vector, 2 accumulator.
int classOf(Value V) {
  if (isa<d1isa::VRegType>(V.getType()))
    return 1;
  if (isa<d1isa::AccType>(V.getType()))
    return 2;
  return 0;
}

/// The most values of each class live at once when Ops run in Order:
/// values defined in the piece from their definition, values from outside
/// it from its start, each until its last use in the piece, or to its end
/// when something outside the piece reads it. NumUses counts the uses of
/// values from outside (a value read all over the program is not walked
/// for each piece).
std::array<int, 3> pressure(ArrayRef<Operation *> Ops, ArrayRef<unsigned> Order,
                            DenseMap<Value, unsigned> &NumUses) {
  DenseMap<Operation *, unsigned> Pos;
  for (unsigned K = 0; K < Order.size(); ++K)
    Pos[Ops[Order[K]]] = K;
  unsigned End = unsigned(Order.size());
  std::vector<std::array<int, 3>> Delta(End + 1, {0, 0, 0});
  auto Live = [&](Value V, unsigned From) {
    unsigned Last = From;
    for (Operation *U : V.getUsers()) {
      auto It = Pos.find(U);
      Last = It == Pos.end() ? End : std::max(Last, It->second);
    }
    ++Delta[From][size_t(classOf(V))];
    --Delta[Last][size_t(classOf(V))];
  };
  // Values from outside: their uses in the piece, and the last of them.
  DenseMap<Value, std::pair<unsigned, unsigned>> Outside;
  for (Operation *Op : Ops) {
    for (Value R : Op->getResults())
      Live(R, Pos.lookup(Op));
    for (Value X : Op->getOperands())
      if (!Pos.count(X.getDefiningOp())) {
        auto &[Uses, Last] = Outside[X];
        ++Uses;
        Last = std::max(Last, Pos.lookup(Op));
      }
  }
  for (auto &[X, UL] : Outside) {
    auto [It, New] = NumUses.try_emplace(X, 0);
    if (New)
      It->second = unsigned(std::distance(X.use_begin(), X.use_end()));
    unsigned Last = It->second > UL.first ? End : UL.second;
    ++Delta[0][size_t(classOf(X))];
    --Delta[Last][size_t(classOf(X))];
  }
  std::array<int, 3> Now{0, 0, 0}, Max{0, 0, 0};
  for (const auto &D : Delta)
    for (size_t C = 0; C < 3; ++C) {
      Now[C] += D[C];
      Max[C] = std::max(Max[C], Now[C]);
    }
  return Max;
}

struct SchedulePass : d1::impl::ScheduleBase<SchedulePass> {
  using ScheduleBase::ScheduleBase;

  void runOnOperation() override {
    TimingTable T(getTargetMachine(getOperation()));
    NumUses.clear();
    for (auto F : getOperation().getOps<func::FuncOp>())
      if (!F.isExternal())
        scheduleBlock(F.getBody().front(), T);
  }

  DenseMap<Value, unsigned> NumUses; // of values read across pieces (pressure)

  void scheduleBlock(Block &B, const TimingTable &T) {
    std::vector<Operation *> Piece;
    for (Operation &Op : llvm::make_early_inc_range(B)) {
      for (Region &R : Op.getRegions())
        for (Block &Inner : R)
          scheduleBlock(Inner, T);
      const InstInfo *I = instOf(&Op);
      // Ops that keep their place: what is not an instruction (loops,
      // yields, returns) and the instructions above.
      if (!I || Op.getNumRegions() || keepsItsPlace(*I)) {
        schedulePiece(Piece, T);
        Piece.clear();
        continue;
      }
      Piece.push_back(&Op);
    }
    schedulePiece(Piece, T);
  }

  void schedulePiece(ArrayRef<Operation *> Ops, const TimingTable &T) {
    if (Ops.size() < 3)
      return;
    plan::SchedBlock SB;
    DenseMap<Operation *, unsigned> Index;
    DenseMap<Value, SmallVector<unsigned, 2>> Readers; // of each value, so far
    std::vector<unsigned> Loads;                       // since the last store
    int LastStore = -1;
    for (unsigned K = 0; K < Ops.size(); ++K) {
      Operation *Op = Ops[K];
      const InstInfo &I = *instOf(Op);
      Index[Op] = K;
      SB.Ops.push_back(I.Op);
      for (Value V : Op->getOperands())
        if (auto It = Index.find(V.getDefiningOp()); It != Index.end() && It->second != K)
          SB.Deps.push_back({It->second, K, T[SB.Ops[It->second]].Lat});
      // A tied destination overwrites its first operand's register: every
      // other reader of that value before it stays before it.
      if (I.TiedDest && Op->getNumOperands())
        for (unsigned R : Readers.lookup(Op->getOperand(0)))
          SB.Deps.push_back({R, K, 0});
      for (Value V : Op->getOperands())
        Readers[V].push_back(K);
      // SRAM effects order loads and stores (ISA.td's ReadsSRAM/WritesSRAM).
      if (I.has(Effect::WritesSRAM)) {
        for (unsigned L : Loads)
          SB.Deps.push_back({L, K, 0});
        if (LastStore >= 0)
          SB.Deps.push_back({unsigned(LastStore), K, 0});
        Loads.clear();
        LastStore = int(K);
      } else if (I.has(Effect::ReadsSRAM)) {
        if (LastStore >= 0)
          SB.Deps.push_back({unsigned(LastStore), K, 0});
        Loads.push_back(K);
      }
    }
    // A loop-carried value goes back to its iteration argument's register:
    // computing the next value waits for every reader of the current one
    // (else the allocator needs a move at the back edge).
    if (auto Y = dyn_cast_or_null<scf::YieldOp>(Ops.back()->getNextNode()))
      if (auto For = dyn_cast<scf::ForOp>(Y->getParentOp()))
        for (auto [Arg, V] : llvm::zip(For.getRegionIterArgs(), Y.getOperands()))
          if (auto D = Index.find(V.getDefiningOp()); D != Index.end())
            for (Operation *U : Arg.getUsers())
              if (auto It = Index.find(U); It != Index.end() && It->second < D->second)
                SB.Deps.push_back({It->second, D->second, 0});
    std::vector<unsigned> Order = plan::listSchedule(SB, T);
    std::vector<unsigned> Program(Ops.size());
    for (unsigned K = 0; K < Ops.size(); ++K)
      Program[K] = K;
    if (Order == Program)
      return;
    // Spills cost loads and stores: keep program order where the new one
    // needs more registers of a class than it did and than 24 (of 30
    // allocatable: values live through the piece unread are not seen here).
    std::array<int, 3> Before = pressure(Ops, Program, NumUses),
                       After = pressure(Ops, Order, NumUses);
    for (size_t C = 0; C < 3; ++C)
      if (After[C] > std::max(Before[C], C == 2 ? 4 : 24))
        return;
    Operation *Anchor = Ops.back()->getNextNode();
    Block *B = Ops.back()->getBlock();
    for (unsigned K : Order) {
      if (Anchor)
        Ops[K]->moveBefore(Anchor);
      else
        Ops[K]->moveBefore(B, B->end());
    }
  }
};

} // namespace
