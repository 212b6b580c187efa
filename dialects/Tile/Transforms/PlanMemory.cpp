//===- PlanMemory.cpp - Addresses for SRAM tiles and DRAM activations -----===//
//
// The IR side of the memory planner: live ranges from the tile-level
// program, addresses back as attributes. The placement itself is
// d1::plan::planMemory, which knows nothing of MLIR.
//
//===----------------------------------------------------------------------===//
#include "d1/Planning/MemoryPlan.h"
#include "dialects/D1/IR/D1.h"
#include "dialects/Tile/IR/Tile.h"
#include "dialects/Tile/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include <algorithm>

namespace d1 {
#define GEN_PASS_DEF_PLANMEMORY
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace d1

using namespace mlir;
using namespace d1;

namespace {

int64_t bytesOf(Type T) { return cast<MemRefType>(T).getNumElements() * tile::elementBytes(T); }
int64_t alignUp(int64_t V, int64_t A) { return (V + A - 1) / A * A; }

/// Program points: each op's pre-order index, and the last index inside it
/// (a loop spans its body).
struct Points {
  DenseMap<Operation *, int64_t> First, Last;
  int64_t N = 0;
  void number(Operation *Op) {
    First[Op] = N++;
    for (Region &R : Op->getRegions())
      for (Block &Bk : R)
        for (Operation &O : Bk)
          number(&O);
    Last[Op] = N - 1;
  }
};

struct Planned {
  SmallVector<memref::AllocOp> Allocs;
  std::vector<plan::Buffer> Buffers;
};

/// A buffer and every tile.view of it, transitively.
SmallVector<Value> withViews(Value Buffer) {
  SmallVector<Value> All{Buffer};
  for (size_t I = 0; I < All.size(); ++I)
    for (Operation *U : All[I].getUsers())
      if (auto View = dyn_cast<tile::ViewOp>(U))
        All.push_back(View.getResult());
  return All;
}

/// The alloc's live range: from the alloc to the end of the last op (at the
/// alloc's block level) that reads or writes it or a view of it.
plan::Buffer liveRange(memref::AllocOp A, const Points &P) {
  Block *Home = A->getBlock();
  int64_t End = P.First.lookup(A) + 1;
  for (Value V : withViews(A.getResult()))
    for (Operation *U : V.getUsers()) {
      // The dealloc only marks the end of the kernel; the last real use
      // ends the buffer's life.
      if (isa<memref::DeallocOp>(U))
        continue;
      if (Operation *At = Home->findAncestorOpInBlock(*U))
        End = std::max(End, P.Last.lookup(At) + 1);
    }
  plan::Buffer B;
  B.Start = P.First.lookup(A);
  B.End = End;
  B.Bytes = alignUp(bytesOf(A.getType()), 64);
  B.Align = 64;
  return B;
}

struct PlanMemoryPass : d1::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;
  /// The target's SRAM per core.
  int64_t SramBytes = 0;

  void runOnOperation() override {
    ModuleOp M = getOperation();
    SramBytes = getTargetMachine(M)[MachineParamId::sram_bytes];
    auto F = M.lookupSymbol<func::FuncOp>("main");
    if (!F) {
      M.emitError("no @main function");
      return signalPassFailure();
    }
    OpBuilder B(M.getContext());
    Points P;
    for (Operation &O : F.getBody().front())
      P.number(&O);
    Planned Sram, Dram;
    F.walk([&](memref::AllocOp A) {
      Planned &To = tile::spaceOf(A.getType()) == tile::Space::SRAM ? Sram : Dram;
      To.Allocs.push_back(A);
      To.Buffers.push_back(liveRange(A, P));
    });
    // Kernels' tiles first, from address 0; activations kept resident go
    // above the kernels' peak, so no kernel's tiles are packed around them.
    plan::Plan SP = place(Sram, SramReuse);
    if (SP.Peak > SramBytes)
      return overflow(Sram, SP);
    Planned Res;
    plan::Plan RP;
    int64_t Spilled = 0, ResBase = alignUp(SP.Peak, 64);
    if (Resident)
      keepResident(F, P, ResBase, Dram, Res, RP, Spilled);

    // DRAM: constants page-aligned first (the loader maps them), then
    // @main's arguments, then the activations.
    int64_t Dram0 = 0;
    auto Place = [&](int64_t Bytes, int64_t Align) {
      int64_t At = alignUp(Dram0, Align);
      Dram0 = At + Bytes;
      return At;
    };
    // Constants nothing reads (a filter packed again for the matrix unit)
    // take no DRAM.
    // (The names used are gathered in one walk: asking for each constant's
    // uses walks the module once per constant.)
    if (std::optional<SymbolTable::UseRange> Uses =
            SymbolTable::getSymbolUses(&M.getBodyRegion())) {
      DenseSet<StringAttr> Used;
      for (const SymbolTable::SymbolUse &U : *Uses)
        Used.insert(U.getSymbolRef().getRootReference());
      for (auto G : llvm::make_early_inc_range(M.getOps<memref::GlobalOp>()))
        if (G.isPrivate() && !Used.count(G.getSymNameAttr()))
          G.erase();
    }
    for (auto G : M.getOps<memref::GlobalOp>())
      G->setAttr("d1.address", B.getI64IntegerAttr(Place(bytesOf(G.getType()), 4096)));
    for (BlockArgument A : F.getArguments())
      F.setArgAttr(A.getArgNumber(), "d1.address",
                   B.getI64IntegerAttr(Place(bytesOf(A.getType()), 64)));
    int64_t DramBase = alignUp(Dram0, 64);
    plan::Plan DP = place(Dram, DramReuse);
    for (auto [A, Off] : llvm::zip(Dram.Allocs, DP.Offsets))
      A->setAttr("d1.address", B.getI64IntegerAttr(DramBase + Off));

    for (auto [A, Off] : llvm::zip(Sram.Allocs, SP.Offsets))
      A->setAttr("d1.address", B.getI64IntegerAttr(Off));
    int64_t ResidentBytes = 0;
    for (auto [A, Off, Bf] : llvm::zip(Res.Allocs, RP.Offsets, Res.Buffers)) {
      A->setAttr("d1.address", B.getI64IntegerAttr(ResBase + Off));
      ResidentBytes += Bf.Bytes;
    }
    std::vector<plan::Buffer> All = Sram.Buffers;
    All.insert(All.end(), Res.Buffers.begin(), Res.Buffers.end());
    int64_t Bound = plan::livenessLowerBound(All);
    M->setAttr("d1.dram_size", B.getI64IntegerAttr(DramBase + DP.Peak));
    M->setAttr("d1.sram_peak",
               B.getI64IntegerAttr(Res.Allocs.empty() ? SP.Peak : ResBase + RP.Peak));
    M->setAttr("d1.sram_bound", B.getI64IntegerAttr(Bound));
    // For reports (d1c --memory-report, bench/memory.py).
    M->setAttr("d1.sram_worst_kernel_permille", B.getI64IntegerAttr(worstKernel(Sram, SP)));
    M->setAttr("d1.dram_activation_bytes", B.getI64IntegerAttr(DP.Peak));
    M->setAttr("d1.sram_resident_bytes", B.getI64IntegerAttr(ResidentBytes));
    M->setAttr("d1.sram_resident_spilled", B.getI64IntegerAttr(Spilled));
    M->setAttr("d1.dram_activation_bytes_no_reuse",
               B.getI64IntegerAttr(plan::planMemory(Dram.Buffers, plan::Strategy::NoReuse).Peak));
  }

  /// Moves the DRAM activations that fit into SRAM for their whole life, in
  /// the room between Base (the kernels' peak) and the capacity less
  /// ReserveBytes for the DMA descriptors and tables (plan::chooseResident:
  /// Belady spilling where they do not all fit). A candidate is an
  /// activation of @main's body that only DMAs read and write; its copies
  /// become SRAM-to-SRAM. The chosen set is re-planned until the real plan,
  /// not just the liveness bound, fits. Res and RP get the kept buffers and
  /// their plan (offsets from Base).
  void keepResident(func::FuncOp F, const Points &P, int64_t Base, Planned &Dram, Planned &Res,
                    plan::Plan &RP, int64_t &Spilled) {
    std::vector<plan::Candidate> Cands;
    std::vector<size_t> Which; // index into Dram
    for (size_t I = 0; I < Dram.Allocs.size(); ++I) {
      memref::AllocOp A = Dram.Allocs[I];
      if (A->getBlock() != &F.getBody().front())
        continue;
      plan::Candidate C;
      C.Start = Dram.Buffers[I].Start;
      C.End = Dram.Buffers[I].End;
      C.Bytes = Dram.Buffers[I].Bytes;
      bool Ok = true;
      for (Value V : withViews(A.getResult()))
        for (Operation *U : V.getUsers()) {
          if (isa<tile::DmaOp, tile::DmaWaitOp>(U))
            C.Uses.push_back(P.First.lookup(U));
          else if (!isa<tile::ViewOp, memref::DeallocOp>(U))
            Ok = false;
        }
      if (!Ok)
        continue;
      std::sort(C.Uses.begin(), C.Uses.end());
      Cands.push_back(std::move(C));
      Which.push_back(I);
    }
    if (Cands.empty())
      return;
    int64_t Room = SramBytes - ReserveBytes - Base, Cap = Room;
    std::vector<bool> Keep(Cands.size(), false);
    for (int Try = 0; Try < 8 && Room > 0; ++Try) {
      Keep = plan::chooseResident(Cands, {}, Cap);
      std::vector<plan::Buffer> Kept;
      for (size_t K = 0; K < Cands.size(); ++K)
        if (Keep[K])
          Kept.push_back(Dram.Buffers[Which[K]]);
      RP = place(Planned{{}, Kept}, true);
      if (RP.Peak <= Room)
        break;
      Cap -= RP.Peak - Room;
      Keep.assign(Cands.size(), false);
      RP = plan::Plan();
    }
    OpBuilder B(F.getContext());
    Planned NewDram;
    std::vector<bool> Moved(Dram.Allocs.size(), false);
    for (size_t K = 0; K < Cands.size(); ++K) {
      if (!Keep[K]) {
        ++Spilled;
        continue;
      }
      size_t I = Which[K];
      Moved[I] = true;
      for (Value V : withViews(Dram.Allocs[I].getResult())) {
        auto T = cast<MemRefType>(V.getType());
        V.setType(tile::bufferType(T.getShape(), T.getElementType(), tile::Space::SRAM));
      }
      Res.Allocs.push_back(Dram.Allocs[I]);
      Res.Buffers.push_back(Dram.Buffers[I]);
    }
    for (size_t I = 0; I < Dram.Allocs.size(); ++I)
      if (!Moved[I]) {
        NewDram.Allocs.push_back(Dram.Allocs[I]);
        NewDram.Buffers.push_back(Dram.Buffers[I]);
      }
    Dram = std::move(NewDram);
  }

  /// The largest ratio, over kernels (the span of program points where one
  /// layer's buffers live), of the highest byte the plan gives the kernel's
  /// buffers to the most bytes live at one point of the span.
  static int64_t worstKernel(const Planned &S, const plan::Plan &Pl) {
    DenseMap<Location, std::pair<int64_t, int64_t>> Spans;
    for (size_t I = 0; I < S.Allocs.size(); ++I) {
      auto [It, New] = Spans.try_emplace(S.Allocs[I]->getLoc(),
                                         std::make_pair(S.Buffers[I].Start, S.Buffers[I].End));
      It->second.first = std::min(It->second.first, S.Buffers[I].Start);
      It->second.second = std::max(It->second.second, S.Buffers[I].End);
    }
    // The spans by start, and the buffers by start: a span's buffers are
    // those open at its start (started before it, not ended) and those
    // starting inside it, so no span looks at every buffer.
    std::vector<std::pair<std::pair<int64_t, int64_t>, Location>> BySpan;
    for (auto &[L, Span] : Spans)
      BySpan.push_back({Span, L});
    llvm::sort(BySpan, [](const auto &A, const auto &B) { return A.first < B.first; });
    std::vector<size_t> ByStart(S.Buffers.size());
    for (size_t I = 0; I < ByStart.size(); ++I)
      ByStart[I] = I;
    llvm::stable_sort(ByStart,
                      [&](size_t A, size_t B) { return S.Buffers[A].Start < S.Buffers[B].Start; });
    std::vector<size_t> Open;
    size_t Next = 0;
    int64_t Worst = 1000;
    for (auto &[Span, L] : BySpan) {
      for (; Next < ByStart.size() && S.Buffers[ByStart[Next]].Start < Span.first; ++Next)
        Open.push_back(ByStart[Next]);
      llvm::erase_if(Open, [&](size_t I) { return S.Buffers[I].End <= Span.first; });
      std::vector<plan::Buffer> Clipped;
      int64_t Peak = 0;
      auto Clip = [&](size_t I) {
        plan::Buffer Bf = S.Buffers[I];
        Bf.Start = std::max(Bf.Start, Span.first);
        Bf.End = std::min(Bf.End, Span.second);
        if (Bf.Start >= Bf.End)
          return;
        Clipped.push_back(Bf);
        // The kernel's own tiles: an activation kept resident across it
        // counts in its bound, and may sit above its tiles.
        if (S.Allocs[I]->getLoc() == L)
          Peak = std::max(Peak, Pl.Offsets[I] + Bf.Bytes);
      };
      for (size_t I : Open)
        Clip(I);
      for (size_t K = Next; K < ByStart.size() && S.Buffers[ByStart[K]].Start < Span.second; ++K)
        Clip(ByStart[K]);
      int64_t Bound = plan::livenessLowerBound(Clipped);
      if (Bound)
        Worst = std::max(Worst, Peak * 1000 / Bound);
    }
    return Worst;
  }

  plan::Plan place(const Planned &What, bool Reuse) {
    plan::Plan Pl =
        plan::planMemory(What.Buffers, Reuse ? plan::Strategy::Reuse : plan::Strategy::NoReuse);
    std::string Err = plan::verifyPlan(What.Buffers, Pl);
    if (!Err.empty())
      llvm::report_fatal_error(llvm::Twine("memory plan failed its check: ") + Err);
    return Pl;
  }

  /// The error for a plan above capacity, at the op where the plan peaks:
  /// the buffers live there, their sizes and the capacity.
  void overflow(Planned &S, const plan::Plan &Pl) {
    // With reuse, the buffer the plan puts highest; without, the first
    // buffer that passes the capacity.
    size_t Top = 0;
    for (size_t I = 0; I < S.Buffers.size(); ++I) {
      int64_t End = Pl.Offsets[I] + S.Buffers[I].Bytes;
      if (!SramReuse && End > SramBytes) {
        Top = I;
        break;
      }
      if (End > Pl.Offsets[Top] + S.Buffers[Top].Bytes)
        Top = I;
    }
    int64_t At = S.Buffers[Top].Start;
    std::vector<int64_t> Live;
    int64_t Sum = 0;
    for (const plan::Buffer &Bf : S.Buffers)
      if (Bf.Start <= At && At < Bf.End) {
        Live.push_back(Bf.Bytes);
        Sum += Bf.Bytes;
      }
    std::sort(Live.rbegin(), Live.rend());
    std::string List;
    for (size_t I = 0; I < Live.size() && I < 8; ++I)
      List += (I ? " + " : "") + std::to_string(Live[I]);
    if (Live.size() > 8)
      List += " + ... (" + std::to_string(Live.size()) + " buffers)";
    std::string Msg =
        SramReuse ? "SRAM overflow: " + std::to_string(Sum) + " bytes of buffers are live here (" +
                        List + " bytes) and the plan needs " + std::to_string(Pl.Peak) +
                        "; the core has " + std::to_string(SramBytes)
                  : "SRAM overflow with reuse off: the buffers allocated up to here take " +
                        std::to_string(Pl.Offsets[Top] + S.Buffers[Top].Bytes) +
                        " bytes; the core has " + std::to_string(SramBytes) + " (" +
                        std::to_string(Sum) + " bytes are live here: " + List + ")";
    S.Allocs[Top].emitError(Msg);
    signalPassFailure();
  }
};

} // namespace
