//===- AssignSemaphores.cpp - DMA tokens to semaphores --------------------===//
//
// Started copies are tokens in tile IR and semaphores on the machine. Tokens
// joined through loops and ifs form chains; each chain is live over an
// interval of program order, and the intervals are colored by linear scan.
//
//===----------------------------------------------------------------------===//
#include "dialects/Tile/IR/Tile.h"
#include "dialects/Tile/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/EquivalenceClasses.h"

#include <algorithm>
#include <map>
#include <set>

namespace d1 {
#define GEN_PASS_DEF_ASSIGNSEMAPHORES
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace d1

using namespace mlir;
using namespace d1;

namespace {

/// Program order: each op's position in a pre-order walk, and the last
/// position inside it (its own for an op without regions).
struct Order {
  DenseMap<Operation *, int64_t> First, Last;
  explicit Order(Operation *Root) {
    int64_t N = 0;
    Root->walk<WalkOrder::PreOrder>([&](Operation *Op) { First[Op] = N++; });
    Root->walk<WalkOrder::PostOrder>([&](Operation *Op) {
      int64_t L = First[Op];
      for (Region &R : Op->getRegions())
        for (Block &B : R)
          if (!B.empty())
            L = std::max(L, Last[&B.back()]);
      Last[Op] = L;
    });
  }
};

/// The Value wrapper EquivalenceClasses needs (an ordering).
struct TokenLess {
  bool operator()(Value A, Value B) const {
    return A.getAsOpaquePointer() < B.getAsOpaquePointer();
  }
};

/// What a copy's DMA descriptor holds besides its semaphore: copies alike
/// on the same semaphore share one descriptor in SRAM.
using CopyShape = std::vector<int64_t>;
CopyShape shapeOf(tile::DmaOp D) {
  CopyShape S = {int64_t(tile::spaceOf(D.getSrc().getType())),
                 int64_t(tile::spaceOf(D.getDst().getType())),
                 tile::elementBytes(D.getSrc().getType())};
  for (ArrayRef<int64_t> A : {D.getSizes(), D.getSrcStrides(), D.getDstStrides()})
    S.insert(S.end(), A.begin(), A.end());
  return S;
}

struct Chain {
  int64_t Start = INT64_MAX, End = -1;
  SmallVector<tile::DmaOp> Copies;
  SmallVector<tile::DmaWaitOp> Waits;
  std::set<CopyShape> Shapes;
  int64_t Sem = 0;
};

struct AssignSemaphoresPass : d1::impl::AssignSemaphoresBase<AssignSemaphoresPass> {
  void runOnOperation() override {
    ModuleOp M = getOperation();
    Order O(M);
    llvm::EquivalenceClasses<Value, TokenLess> Classes;
    SmallVector<Value> Tokens;
    bool Failed = false;
    auto isToken = [](Value V) { return isa<tile::DmaTokenType>(V.getType()); };
    auto addToken = [&](Value V) {
      Classes.insert(V);
      Tokens.push_back(V);
    };
    // Gather every token value and join those a loop or an if passes on.
    M.walk([&](Operation *Op) {
      for (Value R : Op->getResults())
        if (isToken(R))
          addToken(R);
      for (Region &Reg : Op->getRegions())
        for (Block &B : Reg)
          for (BlockArgument A : B.getArguments())
            if (isToken(A))
              addToken(A);
    });
    DenseMap<Value, SmallVector<Operation *>> LoopsOf; // chain member -> loops carrying it
    M.walk([&](Operation *Op) {
      if (auto For = dyn_cast<scf::ForOp>(Op)) {
        auto Yield = cast<scf::YieldOp>(For.getBody()->getTerminator());
        for (auto [Init, Arg, Next, Res] : llvm::zip(For.getInitArgs(), For.getRegionIterArgs(),
                                                     Yield.getOperands(), For.getResults())) {
          if (!isToken(Arg))
            continue;
          Classes.unionSets(Init, Arg);
          Classes.unionSets(Arg, Next);
          Classes.unionSets(Arg, Res);
          LoopsOf[Arg].push_back(For);
        }
      } else if (auto If = dyn_cast<scf::IfOp>(Op)) {
        for (auto [I, Res] : llvm::enumerate(If.getResults())) {
          if (!isToken(Res))
            continue;
          for (Region *R : {&If.getThenRegion(), &If.getElseRegion()})
            if (!R->empty())
              Classes.unionSets(Res, R->front().getTerminator()->getOperand(I));
        }
      }
      for (Value V : Op->getOperands())
        if (isToken(V) && !isa<tile::DmaWaitOp, scf::ForOp, scf::IfOp, scf::YieldOp>(Op)) {
          Op->emitOpError("takes a DMA token; only tile.dma_wait, scf.for, scf.if and scf.yield "
                          "may");
          Failed = true;
        }
    });
    // A token is consumed exactly once: by its wait, or by the loop or
    // branch that passes it on.
    for (Value T : Tokens) {
      unsigned Uses = std::distance(T.use_begin(), T.use_end());
      if (Uses == 1)
        continue;
      Location L = T.getDefiningOp() ? T.getDefiningOp()->getLoc()
                                     : T.getParentRegion()->getParentOp()->getLoc();
      if (Uses == 0)
        emitError(L, "a started copy is never waited for");
      else
        emitError(L, "a started copy is waited for ") << Uses << " times; once completes it";
      Failed = true;
    }
    if (Failed)
      return signalPassFailure();

    // One chain per class, with its interval of program order.
    std::map<Value, Chain, TokenLess> Chains;
    for (Value T : Tokens) {
      Chain &C = Chains[Classes.getLeaderValue(T)];
      if (auto Dma = T.getDefiningOp<tile::DmaOp>()) {
        C.Copies.push_back(Dma);
        C.Shapes.insert(shapeOf(Dma));
        C.Start = std::min(C.Start, O.First.lookup(Dma));
      }
      for (Operation *U : T.getUsers())
        if (auto W = dyn_cast<tile::DmaWaitOp>(U)) {
          C.Waits.push_back(W);
          C.End = std::max(C.End, O.First.lookup(W));
        }
      for (Operation *Loop : LoopsOf.lookup(T)) {
        C.Start = std::min(C.Start, O.First.lookup(Loop));
        C.End = std::max(C.End, O.Last.lookup(Loop));
      }
    }
    std::vector<Chain *> ByStart;
    for (auto &[Leader, C] : Chains) {
      if (C.Copies.empty()) {
        emitError(Leader.getLoc(), "a DMA token that no tile.dma starts");
        return signalPassFailure();
      }
      ByStart.push_back(&C);
    }
    llvm::sort(ByStart, [](const Chain *A, const Chain *B) {
      return std::tie(A->Start, A->End) < std::tie(B->Start, B->End);
    });
    // Linear scan. Among the semaphores no live chain holds, prefer one an
    // earlier chain with a copy alike used: copies alike on the same
    // semaphore share one DMA descriptor (64 bytes of SRAM). Otherwise the
    // lowest free one.
    int64_t Max = tile::maxSemaphore();
    std::vector<Chain *> Active;
    std::vector<std::set<CopyShape>> ShapesOn(Max + 1);
    Builder B(M.getContext());
    for (Chain *C : ByStart) {
      llvm::erase_if(Active, [&](Chain *A) { return A->End < C->Start; });
      std::vector<bool> Used(Max + 1, false);
      for (Chain *A : Active)
        Used[A->Sem] = true;
      int64_t S = 0;
      size_t BestShared = 0;
      for (int64_t Free = 1; Free <= Max; ++Free) {
        if (Used[Free])
          continue;
        size_t Shared = llvm::count_if(
            C->Shapes, [&](const CopyShape &X) { return ShapesOn[Free].count(X) != 0; });
        if (!S || Shared > BestShared)
          S = Free, BestShared = Shared;
      }
      if (!S) {
        tile::DmaOp First = *llvm::min_element(C->Copies, [&](tile::DmaOp X, tile::DmaOp Y) {
          return O.First.lookup(X) < O.First.lookup(Y);
        });
        First.emitError("more than ")
            << Max << " copies are in flight here; the core has semaphores 1 to " << Max
            << " for started copies";
        return signalPassFailure();
      }
      C->Sem = S;
      ShapesOn[S].insert(C->Shapes.begin(), C->Shapes.end());
      Active.push_back(C);
      for (tile::DmaOp D : C->Copies)
        D.setSemAttr(B.getI64IntegerAttr(S));
      for (tile::DmaWaitOp W : C->Waits)
        W.setSemAttr(B.getI64IntegerAttr(S));
    }
  }
};

} // namespace
