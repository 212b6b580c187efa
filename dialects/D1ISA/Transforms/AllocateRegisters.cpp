//===- AllocateRegisters.cpp - Physical registers for the d1isa program ---===//
//
// Registers: a linear scan over the program in order, with loops kept
// structured. A value used inside a loop it was not defined in stays live to
// the loop's back edge. Loop-carried values, loop results and tied
// destinations ask for their partner's register; where they cannot have it a
// copy is inserted.
//
// Spilling: a value that does not fit lives in an SRAM slot for its whole
// life. Instructions reload it into their class's scratch register (x31, v31,
// and the last accumulator once accumulators spill) and store results from
// there; loop entries, back edges and exits copy between registers and slots.
//
// The allocation is then written into the IR, in program order (the order in
// which spill slots for copy cycles and accumulator moves are taken): the
// registers as d1isa.reg and d1isa.regs, and the spill code and copies as
// d1isa instructions. What a loop carries in a slot leaves the scf.for.
//
//===----------------------------------------------------------------------===//
#include "d1/Planning/ParallelCopy.h"
#include "dialects/D1/IR/D1.h"
#include "dialects/D1ISA/IR/ISABuilder.h"
#include "dialects/D1ISA/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/BitVector.h"

#include <map>
#include <optional>

namespace d1 {
#define GEN_PASS_DEF_ALLOCATEREGISTERS
#include "dialects/D1ISA/Transforms/Passes.h.inc"
} // namespace d1

using namespace mlir;
using namespace d1;

namespace {

enum RegClass { XClass, VClass, AccClass };
constexpr int ScratchX = 31, ScratchV = 31;
/// Accumulator rows are 32 bytes: spill slots hold the 8 rows back to back.
constexpr int64_t AccRowBytes = 32, AccBytes = 8 * AccRowBytes;

/// Why the allocation failed: reported once it is known not to be retried.
struct Failure {
  Location Loc;
  std::string Msg;
  int OutOfClass = -1; // the register class that ran out, if that is why
};

RegClass classOf(Type T) {
  if (isa<d1isa::VRegType>(T))
    return VClass;
  if (isa<d1isa::AccType>(T))
    return AccClass;
  return XClass;
}

struct Interval {
  Value V;
  int Start = 0, End = 0;
  RegClass C = XClass;
  Value Hint;
  bool Tied = false; // the result of an instruction that reads it as Hint
  int Id = 0;        // order of definition: breaks ties the same way every run
  double Cost = 0;   // of spilling its web: reads, by loop depth, per position
  int Reg = -1;
  int64_t Slot = -1; // spilled: its SRAM address (no register)
};

using plan::Place;

/// A copy of a loop-carried value: class, destination, source, and the SSA
/// value in the source when it is a register.
struct ClassCopy {
  RegClass C;
  Place Dst, Src;
  Value SrcVal;
};

/// A loop to rebuild once the whole function is rewritten: its operands
/// after the entry copies, and which iteration arguments stay in registers.
struct LoopRewrite {
  scf::ForOp For;
  Value Lb;
  SmallVector<Value> Inits; // null where the argument lives in a slot
};

class Allocator {
public:
  Allocator(func::FuncOp F, int MaxRegs, int MaxAccs, int64_t SramBytes)
      : F(F), MaxRegs(MaxRegs), MaxAccs(MaxAccs), SramBytes(SramBytes) {}
  /// Chooses registers and slots; false with Failed set if they do not fit.
  bool allocate();
  /// Writes the choice into the IR; false with Failed set on SRAM overflow.
  bool rewrite();
  std::optional<Failure> Failed;

private:
  func::FuncOp F;
  int MaxRegs;       // allocatable registers per class (31, fewer to test spilling)
  int MaxAccs;       // accumulators (4, fewer to test spilling)
  int64_t SramBytes; // the core's SRAM: spill slots go after the descriptors
  int64_t SpillNext = 0, SpillEnd = 0;
  // The accumulator that spill code uses, once accumulators need spilling:
  // the allocator first tries all of them and only then gives one up.
  int AccScratch = -1;
  int64_t TempSlot[3] = {-1, -1, -1}; // parks a copy cycle's value
  int64_t AccMoveSlot = -1;           // carries an accumulator move
  DenseMap<Operation *, int> Pos;
  DenseMap<scf::ForOp, std::pair<int, int>> LoopRange;
  DenseMap<Value, Interval> Intervals;
  int Next = 0, NextId = 0;

  void fail(Location L, std::string Msg, int OutOfClass = -1) {
    if (!Failed)
      Failed = Failure{L, std::move(Msg), OutOfClass};
  }
  int reg(Value V) const {
    auto It = Intervals.find(V);
    return It == Intervals.end() ? -1 : It->second.Reg;
  }
  int64_t slot(Value V) const {
    auto It = Intervals.find(V);
    return It == Intervals.end() ? -1 : It->second.Slot;
  }
  Place place(Value V) const {
    const Interval &I = Intervals.find(V)->second;
    return {I.Reg, I.Slot};
  }
  int scratch(RegClass C) const {
    return C == XClass ? ScratchX : C == VClass ? ScratchV : AccScratch;
  }
  /// Whether V may live in SRAM instead of a register: not a constant, an
  /// induction variable or a loop bound, and every instruction that defines
  /// or reads it still needs at most one scratch register of its class.
  bool spillable(const Interval &I) const;
  /// The scratch registers of class C that Op needs if Extra is spilled too:
  /// one per spilled source (the tied one is reloaded into the result's
  /// register), plus a spilled tied result, which is computed in scratch.
  int scratchDemand(Operation *Op, RegClass C, Value Extra) const;
  void assign();
  int64_t spillSlot(RegClass C, Location L);
  /// A slot for I: its partner's (the value it is copied from or to at a
  /// tied instruction, loop entry, back edge or exit) when that one is
  /// spilled too and no value in its slot is live with I, so the copy
  /// disappears; else a new one.
  int64_t slotFor(Interval &I);
  DenseMap<int64_t, SmallVector<Interval *, 2>> SlotOwners;
  DenseMap<Value, SmallVector<Interval *, 1>> HintedBy;
  int64_t tempSlot(RegClass C, Location L) {
    if (TempSlot[C] < 0)
      TempSlot[C] = spillSlot(C, L);
    return TempSlot[C];
  }
  void number(Block &B);
  void use(Value V, int At, Operation *User);
  void def(Value V, int At, Value Hint = Value(), bool Tied = false) {
    Interval &I = Intervals[V];
    I.V = V;
    I.Start = I.End = At;
    I.C = classOf(V.getType());
    I.Hint = Hint;
    I.Tied = Tied;
    I.Id = NextId++;
  }

  // Rewriting: each helper inserts instructions at B, as the emitter used to
  // emit them, and returns the SSA value left in the destination register.
  Value Zero; // d1isa.x0, the base of every spill slot address
  /// The SSA value now holding each value that lives in a register (a loop
  /// result copied out of its argument's register is a new value).
  DenseMap<Value, Value> Current;
  std::vector<LoopRewrite> Loops;
  Value current(Value V) const {
    auto It = Current.find(V);
    return It == Current.end() ? V : It->second;
  }
  Value inst(OpBuilder &B, Location L, Opcode Op, ArrayRef<std::pair<Field, Value>> Srcs,
             int64_t Imm, int Rd = -1);
  Value stride(OpBuilder &B, Location L);
  Value reload(OpBuilder &B, RegClass C, int Reg, int64_t Slot, Location L);
  void store(OpBuilder &B, RegClass C, Value V, int64_t Slot, Location L);
  Value copy(OpBuilder &B, RegClass C, Place Dst, Place Src, Value SrcVal, Location L);
  /// Copies every pair at once: no copy reads a place an earlier one wrote.
  /// Returns the SSA value in each destination register (null for a slot).
  SmallVector<Value> parallelCopies(OpBuilder &B, const std::vector<ClassCopy> &Copies, Location L);
  void rewriteBlock(Block &B);
  void rewriteInst(Operation *Op, const InstInfo &Info);
  void rebuildLoop(LoopRewrite &R);
};

void Allocator::use(Value V, int At, Operation *User) {
  auto It = Intervals.find(V);
  if (It == Intervals.end())
    return;
  Interval &I = It->second;
  I.End = std::max(I.End, At);
  // Used inside loops that do not contain the definition: live to their ends.
  Block *DefBlock =
      isa<BlockArgument>(V) ? cast<BlockArgument>(V).getOwner() : V.getDefiningOp()->getBlock();
  for (Operation *P = User->getParentOp(); P && P != F.getOperation(); P = P->getParentOp()) {
    auto For = dyn_cast<scf::ForOp>(P);
    if (!For)
      continue;
    if (For->isAncestor(DefBlock->getParentOp()) && DefBlock->getParentOp() != F.getOperation())
      break;
    I.End = std::max(I.End, LoopRange[For].second);
  }
}

void Allocator::number(Block &B) {
  for (Operation &Op : B) {
    if (auto For = dyn_cast<scf::ForOp>(&Op)) {
      int Entry = Next++;
      for (Value V : For->getOperands())
        use(V, Entry, &Op);
      // The loop's range must be known before the body's uses extend into it;
      // take the end after numbering the body.
      def(For.getInductionVar(), Entry);
      for (auto [Arg, Init] : llvm::zip(For.getRegionIterArgs(), For.getInitArgs()))
        def(Arg, Entry, Init);
      // The first numbering pass learns where each loop ends; the second
      // extends the uses inside loops with it.
      LoopRange[For].first = Entry;
      number(*For.getBody());
      int End = Next++;
      LoopRange[For].second = End;
      // Bounds, step and the induction variable are read at the back edge;
      // constant ones are re-created there instead of kept in registers.
      if (!constantOf(For.getUpperBound()))
        use(For.getUpperBound(), End, &Op);
      if (!constantOf(For.getStep()))
        use(For.getStep(), End, &Op);
      Intervals[For.getInductionVar()].End = End;
      for (auto [Res, Arg] : llvm::zip(For.getResults(), For.getRegionIterArgs()))
        def(Res, End, Arg);
      Pos[&Op] = End;
      continue;
    }
    int At = Next++;
    Pos[&Op] = At;
    for (Value V : Op.getOperands())
      use(V, At, &Op);
    if (auto Y = dyn_cast<scf::YieldOp>(&Op)) {
      auto For = cast<scf::ForOp>(Y->getParentOp());
      for (auto [V, Arg] : llvm::zip(Y.getOperands(), For.getRegionIterArgs()))
        if (!Intervals[V].Hint)
          Intervals[V].Hint = Arg;
    }
    const InstInfo *Info = instOf(&Op);
    for (Value R : Op.getResults())
      def(R, At, Info && Info->TiedDest ? Op.getOperand(0) : Value(), Info && Info->TiedDest);
  }
}

/// A constant load costs one ALU slot; keeping it in a register for the
/// whole program costs a register. Each use gets its own copy right before it.
void rematerializeConstants(func::FuncOp F) {
  SmallVector<Operation *> Constants;
  F.walk([&](Operation *Op) {
    const InstInfo *Info = instOf(Op);
    // Every use gets its own copy right before it, so no constant is live
    // across unrelated code (a single far use included); except those the
    // lowering marked d1.hoisted, which a hot loop reads every iteration.
    if (Info && Info->Op == Opcode::LI && !Op->hasAttr("d1.hoisted"))
      Constants.push_back(Op);
  });
  for (Operation *C : Constants) {
    for (OpOperand &U : llvm::make_early_inc_range(C->getResult(0).getUses())) {
      OpBuilder B(U.getOwner());
      U.set(B.clone(*C)->getResult(0));
    }
    C->erase();
  }
}

bool Allocator::allocate() {
  rematerializeConstants(F);
  number(F.getBody().front());
  Intervals.clear();
  Pos.clear();
  Next = 0;
  number(F.getBody().front());
  // Spill slots follow the descriptors and tables in SRAM.
  int64_t At = 0, Bytes = 0;
  if (auto A = F->getAttrOfType<IntegerAttr>("d1.sram_data_address"))
    At = A.getInt();
  // (Its size only: a module printed with its constants elided allocates
  // the same slots.)
  if (auto D = F->getAttrOfType<ElementsAttr>("d1.sram_data"))
    Bytes = D.getNumElements();
  SpillNext = SpillEnd = (At + Bytes + 63) / 64 * 64;
  // The cost of spilling a value is that of its web, the values copied into
  // one another (tied sources, loop arguments, what they are fed and feed):
  // spilled together they share a slot and need no copies.
  DenseMap<Interval *, Interval *> Web;
  auto Root = [&](Interval *I) {
    Interval *R = I;
    for (auto It = Web.find(R); It != Web.end(); It = Web.find(R))
      R = It->second;
    while (I != R) // shorten the path (existing keys: no rehash)
      I = std::exchange(Web.find(I)->second, R);
    return R;
  };
  std::vector<Interval *> ById;
  for (auto &[V, I] : Intervals)
    ById.push_back(&I);
  llvm::sort(ById, [](Interval *A, Interval *B) { return A->Id < B->Id; });
  for (Interval *IP : ById) {
    Interval &I = *IP;
    auto H = I.Hint ? Intervals.find(I.Hint) : Intervals.end();
    if (H == Intervals.end())
      continue;
    HintedBy[I.Hint].push_back(&I);
    Interval *A = Root(&I), *B = Root(&H->second);
    if (A != B && A->C == B->C)
      Web[A] = B;
  }
  DenseMap<Interval *, std::pair<double, double>> WebReads; // reads, length
  for (auto &[V, I] : Intervals) {
    double Reads = 0;
    for (Operation *User : V.getUsers()) {
      double Weight = 1;
      for (Operation *P = User->getParentOp(); P && P != F.getOperation(); P = P->getParentOp())
        Weight *= isa<scf::ForOp>(P) ? 8 : 1;
      Reads += Weight;
    }
    auto &[R, L] = WebReads[Root(&I)];
    R += Reads;
    L += double(I.End - I.Start + 1);
  }
  for (auto &[V, I] : Intervals) {
    auto [R, L] = WebReads[Root(&I)];
    I.Cost = R / L;
  }
  assign();
  if (Failed && Failed->OutOfClass == AccClass && AccScratch < 0) {
    // Accumulators that do not fit: give one up to spill code and start
    // again (the scalar and vector scratch registers are always reserved).
    Failed.reset();
    AccScratch = std::min(4, MaxAccs) - 1;
    for (auto &[V, I] : Intervals)
      I.Reg = -1, I.Slot = -1;
    SpillNext = SpillEnd;
    for (int64_t &T : TempSlot)
      T = -1;
    AccMoveSlot = -1;
    SlotOwners.clear();
    assign();
  }
  return !Failed;
}

void Allocator::assign() {
  std::vector<Interval *> Order;
  for (auto &[V, I] : Intervals)
    Order.push_back(&I);
  std::sort(Order.begin(), Order.end(), [](Interval *A, Interval *B) {
    if (A->Start != B->Start)
      return A->Start < B->Start;
    return A->End != B->End ? A->End < B->End : A->Id < B->Id;
  });
  const int Count[3] = {std::min(31, MaxRegs), std::min(31, MaxRegs),
                        AccScratch >= 0 ? AccScratch : std::min(4, MaxAccs)};
  std::vector<int> FreeUntil[3], BusySince[3];
  for (int C = 0; C < 3; ++C) {
    FreeUntil[C].assign(size_t(Count[C]), -1); // register busy until this position
    BusySince[C].assign(size_t(Count[C]), -1); // ... by a value defined here
  }
  // A loop-carried value wants its iteration argument's register at the
  // back edge. Values allocated before it stay off that register when they
  // would still be live after it is defined (else the back edge needs a
  // move), as long as another register is free; one that its defining
  // instruction reads last may hand the register over.
  DenseMap<Value, SmallVector<Interval *, 1>> WantersOf;
  for (auto &[V, I] : Intervals)
    if (auto Arg = dyn_cast_or_null<BlockArgument>(I.Hint);
        Arg && isa<scf::ForOp>(Arg.getOwner()->getParentOp()) && Arg.getArgNumber() > 0)
      WantersOf[Arg].push_back(&I);
  std::vector<std::vector<Interval *>> Wanted[3];
  // The last value given each register; a value holding a register where I
  // starts is its register's last (the register was free for any later one).
  std::vector<Interval *> Holder[3];
  for (int C = 0; C < 3; ++C) {
    Wanted[C].resize(size_t(Count[C]));
    Holder[C].assign(size_t(Count[C]), nullptr);
  }
  DenseMap<Interval *, size_t> Rank; // position in Order
  for (size_t K = 0; K < Order.size(); ++K)
    Rank[Order[K]] = K;
  for (Interval *I : Order) {
    auto &Busy = FreeUntil[I->C];
    auto &Since = BusySince[I->C];
    auto Free = [&](int R) {
      if (I->C == XClass && R == 0)
        return false; // x0 is zero
      if ((I->C == XClass && R == ScratchX) || (I->C == VClass && R == ScratchV))
        return false;
      // A source last read by the instruction that defines I may share its
      // register; a value defined at the same point may not. A tied result
      // is the old value moved into place before the sources are read, so
      // it shares only the old value's register.
      return Busy[size_t(R)] < I->Start ||
             (Busy[size_t(R)] == I->Start && Since[size_t(R)] < I->Start &&
              (!I->Tied || R == reg(I->Hint)));
    };
    int Pick = -1;
    if (I->Hint) {
      int H = reg(I->Hint);
      if (H >= 0 && Free(H))
        Pick = H;
    }
    auto WantedLater = [&](int R) {
      // Values starting at or before I are past for every later one too.
      auto &Ws = Wanted[I->C][size_t(R)];
      llvm::erase_if(Ws, [&](Interval *W) { return W->Start <= I->Start; });
      for (Interval *W : Ws)
        if (W->Reg < 0 && W->Start < I->End)
          return true;
      return false;
    };
    for (int R = 0; R < Count[I->C] && Pick < 0; ++R)
      if (Free(R) && !WantedLater(R))
        Pick = R;
    for (int R = 0; R < Count[I->C] && Pick < 0; ++R)
      if (Free(R))
        Pick = R;
    if (Pick < 0) {
      // Spill the live value (or I) whose web is read least often for its
      // length, the reads inside loops counting 8 times per loop; of equals,
      // the one that ends last. (In allocation order, so that ties go the same way
      // every time.)
      auto Better = [](Interval *A, Interval *B) {
        return A->Cost != B->Cost ? A->Cost < B->Cost : A->End > B->End;
      };
      Interval *Victim = spillable(*I) ? I : nullptr;
      SmallVector<Interval *, 32> Live;
      for (Interval *J : Holder[I->C])
        if (J && J->Reg >= 0 && J->Start <= I->Start && J->End > I->Start)
          Live.push_back(J);
      llvm::sort(Live, [&](Interval *A, Interval *B) { return Rank[A] < Rank[B]; });
      for (Interval *J : Live)
        if (spillable(*J) && (!Victim || Better(J, Victim)))
          Victim = J;
      if (Victim) {
        Victim->Slot = slotFor(*Victim);
        if (Failed)
          return;
        if (Victim == I)
          continue;
        Pick = Victim->Reg;
        Victim->Reg = -1;
      }
    }
    if (Pick < 0) {
      if (getenv("D1_DEBUG_REGALLOC"))
        for (auto &[V, J] : Intervals)
          if (J.C == I->C && J.Reg >= 0 && J.Start <= I->Start && J.End >= I->Start) {
            llvm::errs() << "live [" << J.Start << ", " << J.End << "] r" << J.Reg << ": ";
            if (auto *D = V.getDefiningOp())
              llvm::errs() << D->getName();
            else
              llvm::errs() << "block argument";
            llvm::errs() << "\n";
          }
      fail(I->V.getLoc(),
           std::string("too many live ") +
               (I->C == XClass   ? "scalar"
                : I->C == VClass ? "vector"
                                 : "accumulator") +
               " values for the registers, none of which can be spilled",
           I->C);
      return;
    }
    I->Reg = Pick;
    Holder[I->C][size_t(Pick)] = I;
    if (auto It = WantersOf.find(I->V); It != WantersOf.end())
      for (Interval *W : It->second)
        Wanted[I->C][size_t(Pick)].push_back(W);
    Busy[size_t(Pick)] = I->End;
    Since[size_t(Pick)] = I->Start;
  }
}

//===----------------------------------------------------------------------===//

int Allocator::scratchDemand(Operation *Op, RegClass C, Value Extra) const {
  const InstInfo *Info = instOf(Op);
  auto Spilled = [&](Value V) { return V == Extra || slot(V) >= 0; };
  SmallVector<Value, 3> Reloaded;
  for (Value O : Op->getOperands().drop_front(Info->TiedDest ? 1 : 0))
    if (classOf(O.getType()) == C && Spilled(O) && !llvm::is_contained(Reloaded, O))
      Reloaded.push_back(O);
  int Demand = int(Reloaded.size());
  if (Info->TiedDest && classOf(Op->getResult(0).getType()) == C && Spilled(Op->getResult(0)))
    ++Demand;
  return Demand;
}

bool Allocator::spillable(const Interval &I) const {
  if (I.Slot >= 0 || (I.C == AccClass && AccScratch < 0))
    return false;
  if (auto Arg = dyn_cast<BlockArgument>(I.V)) {
    // Iteration arguments; the induction variable is read by the back edge.
    if (!isa<scf::ForOp>(Arg.getOwner()->getParentOp()) || Arg.getArgNumber() == 0)
      return false;
  } else if (Operation *Def = I.V.getDefiningOp(); !isa<scf::ForOp>(Def)) {
    const InstInfo *Info = instOf(Def);
    if (!Info || Info->Op == Opcode::LI || scratchDemand(Def, I.C, I.V) > 1)
      return false;
  }
  for (OpOperand &U : I.V.getUses()) {
    Operation *User = U.getOwner();
    if (isa<scf::YieldOp>(User))
      continue;
    if (auto For = dyn_cast<scf::ForOp>(User)) {
      if (U.getOperandNumber() < For.getNumControlOperands())
        return false; // bounds and step are read at the back edge
      continue;
    }
    if (!instOf(User) || scratchDemand(User, I.C, I.V) > 1)
      return false;
  }
  return true;
}

int64_t Allocator::slotFor(Interval &I) {
  SmallVector<Interval *, 4> Partners;
  if (auto H = I.Hint ? Intervals.find(I.Hint) : Intervals.end(); H != Intervals.end())
    Partners.push_back(&H->second);
  if (auto It = HintedBy.find(I.V); It != HintedBy.end())
    Partners.append(It->second.begin(), It->second.end());
  for (Interval *P : Partners) {
    if (P->Slot < 0)
      continue;
    auto &Owners = SlotOwners[P->Slot];
    // Apart, or one last read where the other is defined; never two values
    // defined at one point (a loop's arguments, all defined at its entry).
    auto Apart = [](const Interval *A, const Interval *B) {
      return A->End < B->Start || (A->End == B->Start && A->Start < B->Start);
    };
    if (llvm::all_of(Owners, [&](Interval *O) { return Apart(O, &I) || Apart(&I, O); })) {
      Owners.push_back(&I);
      return P->Slot;
    }
  }
  int64_t Slot = spillSlot(I.C, I.V.getLoc());
  SlotOwners[Slot].push_back(&I);
  return Slot;
}

int64_t Allocator::spillSlot(RegClass C, Location L) {
  int64_t Bytes = C == XClass ? 8 : C == VClass ? 64 : AccBytes;
  int64_t Align = C == XClass ? 8 : 64;
  int64_t At = (SpillNext + Align - 1) / Align * Align;
  SpillNext = At + Bytes;
  if (SpillNext > SramBytes)
    fail(L, "SRAM overflow: spilled registers need " + std::to_string(SpillNext - SpillEnd) +
                " bytes after the descriptors and tables, past the core's " +
                std::to_string(SramBytes));
  return At;
}

//===----------------------------------------------------------------------===//
// Writing the allocation into the IR.
//===----------------------------------------------------------------------===//

Value Allocator::inst(OpBuilder &B, Location L, Opcode Op, ArrayRef<std::pair<Field, Value>> Srcs,
                      int64_t Imm, int Rd) {
  const InstInfo &Info = instInfo(Op);
  OperationState State(L, isaOpName(Info));
  for (unsigned K = 0; K < Info.NumOperands; ++K) {
    const OperandInfo &O = Info.Operands[K];
    if (O.Kind == OperandKind::XReg || O.Kind == OperandKind::VReg || O.Kind == OperandKind::Acc) {
      if (O.IsDef) {
        MLIRContext *Ctx = B.getContext();
        State.addTypes(O.Kind == OperandKind::XReg   ? Type(IndexType::get(Ctx))
                       : O.Kind == OperandKind::VReg ? Type(d1isa::VRegType::get(Ctx))
                                                     : Type(d1isa::AccType::get(Ctx)));
        State.addAttribute(d1isa::RegAttrName, B.getI64IntegerAttr(Rd));
        continue;
      }
      for (auto &[Fld, V] : Srcs)
        if (Fld == O.F)
          State.addOperands(V);
      continue;
    }
    State.addAttribute(fieldName(O.F), B.getI64IntegerAttr(Imm));
  }
  Operation *Created = B.create(State);
  return Created->getNumResults() ? Created->getResult(0) : Value();
}

// An accumulator's rows are 32 bytes apart in its slot.
Value Allocator::stride(OpBuilder &B, Location L) {
  return inst(B, L, Opcode::LI, {}, AccRowBytes, ScratchX);
}

// Spill code addresses its slot from x0: no register is needed for it.
Value Allocator::reload(OpBuilder &B, RegClass C, int Reg, int64_t Slot, Location L) {
  if (C == AccClass) {
    Value S = stride(B, L);
    return inst(B, L, Opcode::MMALD, {{Field::rs1, Zero}, {Field::rs2, S}}, Slot, Reg);
  }
  return inst(B, L, C == XClass ? Opcode::LD : Opcode::VLD, {{Field::rs1, Zero}}, Slot, Reg);
}

void Allocator::store(OpBuilder &B, RegClass C, Value V, int64_t Slot, Location L) {
  if (C == AccClass) {
    Value S = stride(B, L);
    inst(B, L, Opcode::MMAST, {{Field::rs3, V}, {Field::rs1, Zero}, {Field::rs2, S}}, Slot);
    return;
  }
  inst(B, L, C == XClass ? Opcode::SD : Opcode::VST, {{Field::rs2, V}, {Field::rs1, Zero}}, Slot);
}

Value Allocator::copy(OpBuilder &B, RegClass C, Place Dst, Place Src, Value SrcVal, Location L) {
  if (Dst == Src)
    return SrcVal;
  if (Src.Slot >= 0 && Dst.Slot >= 0) {
    store(B, C, reload(B, C, scratch(C), Src.Slot, L), Dst.Slot, L);
    return Value();
  }
  if (Src.Slot >= 0)
    return reload(B, C, Dst.Reg, Src.Slot, L);
  if (Dst.Slot >= 0) {
    store(B, C, SrcVal, Dst.Slot, L);
    return Value();
  }
  if (C == AccClass) {
    // No instruction moves an accumulator: through SRAM.
    if (AccMoveSlot < 0)
      AccMoveSlot = spillSlot(AccClass, L);
    store(B, C, SrcVal, AccMoveSlot, L);
    return reload(B, C, Dst.Reg, AccMoveSlot, L);
  }
  if (C == XClass)
    return inst(B, L, Opcode::ADDI, {{Field::rs1, SrcVal}}, 0, Dst.Reg);
  return inst(B, L, Opcode::VMV, {{Field::rs1, SrcVal}}, 0, Dst.Reg);
}

SmallVector<Value> Allocator::parallelCopies(OpBuilder &B, const std::vector<ClassCopy> &Copies,
                                             Location L) {
  SmallVector<Value> Out(Copies.size());
  // A class at a time, accumulators last: their copies set x31 to the row
  // stride. A cycle of accumulators parks in a slot (a store), never in a
  // register (which would take a store and a load).
  for (RegClass C : {XClass, VClass, AccClass}) {
    std::vector<plan::PlaceCopy> OfClass;
    std::map<int, Value> InReg; // the SSA value each register holds now
    for (const ClassCopy &K : Copies)
      if (K.C == C) {
        OfClass.push_back({K.Dst, K.Src});
        if (K.Src.Slot < 0)
          InReg[K.Src.Reg] = K.SrcVal;
      }
    plan::sequenceCopies(
        OfClass, C == AccClass ? -1 : scratch(C), [&] { return tempSlot(C, L); },
        [&](Place Dst, Place Src) {
          Value V = copy(B, C, Dst, Src, Src.Slot < 0 ? InReg[Src.Reg] : Value(), L);
          if (Dst.Slot < 0)
            InReg[Dst.Reg] = V;
        });
    for (auto [K, Copy] : llvm::enumerate(Copies))
      if (Copy.C == C && Copy.Dst.Slot < 0)
        Out[K] = InReg[Copy.Dst.Reg];
  }
  return Out;
}

void Allocator::rewriteInst(Operation *Op, const InstInfo &Info) {
  Location L = Op->getLoc();
  OpBuilder B(Op);
  SmallVector<Value, 4> Orig(Op->getOperands());
  // A spilled result is computed in its class's scratch register and
  // stored after.
  Value Res = Op->getNumResults() ? Op->getResult(0) : Value();
  auto regOrScratch = [&](Value V) {
    return slot(V) >= 0 ? scratch(classOf(V.getType())) : reg(V);
  };
  unsigned First = 0;
  if (Info.TiedDest) {
    // The old value must be in the destination register.
    Value Old = Orig[0];
    Op->setOperand(0, copy(B, classOf(Res.getType()), Place{regOrScratch(Res), -1}, place(Old),
                           slot(Old) >= 0 ? Value() : current(Old), L));
    First = 1;
  }
  SmallVector<Value, 3> Reloads;
  for (unsigned K = First; K < Orig.size(); ++K)
    if (slot(Orig[K]) >= 0 && !llvm::is_contained(Reloads, Orig[K]))
      Reloads.push_back(Orig[K]);
  // Spilled sources go to their scratch registers; accumulators first,
  // whose reload sets x31.
  std::stable_partition(Reloads.begin(), Reloads.end(),
                        [](Value V) { return classOf(V.getType()) == AccClass; });
  DenseMap<Value, Value> Reloaded;
  for (Value V : Reloads) {
    RegClass C = classOf(V.getType());
    Reloaded[V] = reload(B, C, scratch(C), slot(V), L);
  }
  for (unsigned K = First; K < Orig.size(); ++K)
    Op->setOperand(K, slot(Orig[K]) >= 0 ? Reloaded[Orig[K]] : current(Orig[K]));
  if (!Res)
    return;
  Op->setAttr(d1isa::RegAttrName, B.getI64IntegerAttr(regOrScratch(Res)));
  if (slot(Res) >= 0) {
    B.setInsertionPointAfter(Op);
    store(B, classOf(Res.getType()), Res, slot(Res), L);
  }
}

void Allocator::rewriteBlock(Block &Blk) {
  SmallVector<Operation *> Ops;
  for (Operation &Op : Blk)
    Ops.push_back(&Op);
  for (Operation *Op : Ops) {
    if (Failed)
      return;
    if (auto For = dyn_cast<scf::ForOp>(Op)) {
      Location L = For.getLoc();
      OpBuilder B(For);
      auto Source = [&](Value V) { return slot(V) >= 0 ? Value() : current(V); };
      std::vector<ClassCopy> Entry;
      Entry.push_back({XClass, place(For.getInductionVar()), place(For.getLowerBound()),
                       Source(For.getLowerBound())});
      for (auto [Arg, Init] : llvm::zip(For.getRegionIterArgs(), For.getInitArgs()))
        Entry.push_back({classOf(Arg.getType()), place(Arg), place(Init), Source(Init)});
      SmallVector<Value> In = parallelCopies(B, Entry, L);
      LoopRewrite R{For, In[0], SmallVector<Value>(In.begin() + 1, In.end())};
      rewriteBlock(*For.getBody());
      // Bounds and step read at the back edge.
      For->setOperand(1, current(For.getUpperBound()));
      For->setOperand(2, current(For.getStep()));
      B.setInsertionPointAfter(For);
      std::vector<ClassCopy> Exit;
      for (auto [Res, Arg] : llvm::zip(For.getResults(), For.getRegionIterArgs()))
        Exit.push_back({classOf(Res.getType()), place(Res), place(Arg),
                        slot(Arg) >= 0 ? Value() : Value(Res)});
      SmallVector<Value> Out = parallelCopies(B, Exit, L);
      for (auto [Res, V] : llvm::zip(For.getResults(), Out))
        if (V)
          Current[Res] = V;
      Loops.push_back(std::move(R));
      continue;
    }
    if (auto Y = dyn_cast<scf::YieldOp>(Op)) {
      auto For = cast<scf::ForOp>(Y->getParentOp());
      OpBuilder B(Y);
      std::vector<ClassCopy> Copies;
      for (auto [V, Arg] : llvm::zip(Y.getOperands(), For.getRegionIterArgs()))
        Copies.push_back(
            {classOf(V.getType()), place(Arg), place(V), slot(V) >= 0 ? Value() : current(V)});
      SmallVector<Value> Out = parallelCopies(B, Copies, Y.getLoc());
      // The slots' operands leave with their arguments (rebuildLoop).
      for (auto [K, V] : llvm::enumerate(Out))
        if (V)
          Y->setOperand(unsigned(K), V);
      continue;
    }
    if (isa<func::ReturnOp, d1isa::X0Op>(Op))
      continue;
    const InstInfo *Info = instOf(Op);
    if (!Info) {
      fail(Op->getLoc(), "cannot allocate registers for '" + Op->getName().getStringRef().str() +
                             "': not a d1isa instruction");
      return;
    }
    rewriteInst(Op, *Info);
  }
}

/// The loop again, without the iteration arguments that live in slots, and
/// with the registers of the rest in d1isa.regs.
void Allocator::rebuildLoop(LoopRewrite &R) {
  scf::ForOp Old = R.For;
  SmallVector<Value> Inits;
  SmallVector<int64_t> Regs{reg(Old.getInductionVar())};
  BitVector Drop(Old.getBody()->getNumArguments());
  for (auto [K, Arg] : llvm::enumerate(Old.getRegionIterArgs())) {
    if (slot(Arg) >= 0) {
      Drop.set(unsigned(K) + 1);
      continue;
    }
    Inits.push_back(R.Inits[K]);
    Regs.push_back(reg(Arg));
  }
  OpBuilder B(Old);
  auto New = B.create<scf::ForOp>(Old.getLoc(), R.Lb, Old.getUpperBound(), Old.getStep(), Inits);
  New->setDiscardableAttrs(Old->getDiscardableAttrDictionary());
  New->setAttr(d1isa::RegsAttrName, B.getDenseI64ArrayAttr(Regs));
  // The old body, its slot arguments gone (nothing reads them: every use
  // was reloaded from the slot).
  New.getRegion().getBlocks().clear();
  New.getRegion().takeBody(Old.getRegion());
  Block *Body = New.getBody();
  auto Yield = cast<scf::YieldOp>(Body->getTerminator());
  for (int K = int(Drop.size()) - 1; K > 0; --K)
    if (Drop.test(unsigned(K))) {
      Yield->eraseOperand(unsigned(K) - 1);
      Body->eraseArgument(unsigned(K));
    }
  unsigned NextResult = 0;
  for (auto [K, Res] : llvm::enumerate(Old.getResults()))
    if (!Drop.test(unsigned(K) + 1))
      Res.replaceAllUsesWith(New.getResult(NextResult++));
  Old->erase();
}

bool Allocator::rewrite() {
  Block &Entry = F.getBody().front();
  OpBuilder B = OpBuilder::atBlockBegin(&Entry);
  // Spill code, copy cycles and accumulator moves read x0; in doubt, have it.
  Zero = B.create<d1isa::X0Op>(F.getLoc(), B.getIndexType());
  rewriteBlock(Entry);
  if (Failed)
    return false;
  // Inner loops first: an outer loop's old arguments may feed them.
  for (LoopRewrite &R : Loops)
    rebuildLoop(R);
  if (Zero.use_empty())
    Zero.getDefiningOp()->erase();
  return true;
}

struct AllocateRegistersPass : d1::impl::AllocateRegistersBase<AllocateRegistersPass> {
  using AllocateRegistersBase::AllocateRegistersBase;

  void runOnOperation() override {
    ModuleOp Module = getOperation();
    if (Registers < 4 || Registers > 31 || Accumulators < 1 || Accumulators > 4) {
      emitError(Module.getLoc()) << "d1isa-allocate-registers: registers must be 4 to 31 and "
                                    "accumulators 1 to 4 (got "
                                 << Registers << " and " << Accumulators << ")";
      return signalPassFailure();
    }
    auto F = Module.lookupSymbol<func::FuncOp>("main");
    if (!F || F.isExternal() || F.getNumArguments()) {
      emitError(Module.getLoc())
          << "the module is not at the ISA level (run convert-tile-to-d1isa first)";
      return signalPassFailure();
    }
    bool Allocated = false;
    F.walk([&](Operation *Op) {
      Allocated |= isa<d1isa::X0Op>(Op) || Op->hasAttr(d1isa::RegAttrName) ||
                   Op->hasAttr(d1isa::RegsAttrName);
    });
    if (Allocated) {
      emitError(F.getLoc()) << "registers are already allocated";
      return signalPassFailure();
    }
    Allocator A(F, Registers, Accumulators,
                int64_t(getTargetMachine(Module)[MachineParamId::sram_bytes]));
    if (!A.allocate() || !A.rewrite()) {
      emitError(A.Failed->Loc) << A.Failed->Msg;
      return signalPassFailure();
    }
  }
};

} // namespace
