//===- Emitter.cpp - Register allocation and .d1x emission ----------------===//
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
//===----------------------------------------------------------------------===//
#include "d1/Codegen/Emitter.h"
#include "d1/Planning/ParallelCopy.h"
#include "dialects/D1/IR/D1.h"
#include "dialects/D1ISA/IR/D1ISA.h"
#include "dialects/D1ISA/IR/ISABuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <map>
#include <optional>

using namespace mlir;
using namespace d1;

namespace {

/// The .d1x dtype of an element type of the compiler.
d1x::DType dtypeOf(Type T) {
  if (T.isF32())
    return d1x::F32;
  if (T.isF64())
    return d1x::F64;
  if (T.isF16())
    return d1x::F16;
  if (T.isBF16())
    return d1x::BF16;
  if (T.isInteger(1))
    return d1x::BOOL;
  if (!T.isInteger())
    return d1x::DTYPE_UNDEFINED;
  bool U = T.isUnsignedInteger();
  switch (T.getIntOrFloatBitWidth()) {
  case 8:
    return U ? d1x::U8 : d1x::I8;
  case 16:
    return U ? d1x::U16 : d1x::I16;
  case 32:
    return U ? d1x::U32 : d1x::I32;
  case 64:
    return U ? d1x::U64 : d1x::I64;
  default:
    return d1x::DTYPE_UNDEFINED;
  }
}

enum RegClass { XClass, VClass, AccClass };
constexpr int ScratchX = 31, ScratchV = 31;
/// Accumulator rows are 32 bytes: spill slots hold the 8 rows back to back.
constexpr int64_t AccRowBytes = 32, AccBytes = 8 * AccRowBytes;

struct EmitError {
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

/// The value of a 32-bit constant load, if V is one.
std::optional<int64_t> constantOf(Value V) {
  Operation *D = V.getDefiningOp();
  const InstInfo *Info = D ? instOf(D) : nullptr;
  if (!Info || Info->Op != Opcode::LI)
    return std::nullopt;
  return D->getAttrOfType<IntegerAttr>("imm").getInt();
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
/// A copy of a loop-carried value: class, destination, source.
using ClassCopy = std::tuple<RegClass, Place, Place>;

class Emitter {
public:
  Emitter(func::FuncOp F, int MaxRegs, int MaxAccs, int64_t SramBytes)
      : F(F), MaxRegs(MaxRegs), MaxAccs(MaxAccs), SramBytes(SramBytes) {}
  void allocate();
  void emit();
  std::vector<uint64_t> Code;
  std::vector<Location> Locs;

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
  void reload(RegClass C, int Reg, int64_t Slot, Location L);
  void store(RegClass C, int Reg, int64_t Slot, Location L);
  void accStride(Location L);
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

  // Emission.
  void put(const Inst &I, Location L) {
    Code.push_back(encode(I));
    Locs.push_back(L);
  }
  void move(RegClass C, int Dst, int Src, Location L);
  void copy(RegClass C, Place Dst, Place Src, Location L);
  /// Copies every pair at once: no copy reads a place an earlier one wrote.
  void parallelCopies(const std::vector<ClassCopy> &Copies, Location L);
  void emitBlock(Block &B);
  void emitInst(Operation *Op, const InstInfo &Info);
};

void Emitter::use(Value V, int At, Operation *User) {
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

void Emitter::number(Block &B) {
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

void Emitter::allocate() {
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
  if (auto D = F->getAttrOfType<DenseElementsAttr>("d1.sram_data"))
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
  try {
    assign();
  } catch (const EmitError &X) {
    // Accumulators that do not fit: give one up to spill code and start
    // again (the scalar and vector scratch registers are always reserved).
    if (X.OutOfClass != AccClass || AccScratch >= 0)
      throw;
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
}

void Emitter::assign() {
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
      Location L = I->V.getLoc();
      throw EmitError{L,
                      std::string("too many live ") +
                          (I->C == XClass   ? "scalar"
                           : I->C == VClass ? "vector"
                                            : "accumulator") +
                          " values for the registers, none of which can be spilled",
                      I->C};
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

int Emitter::scratchDemand(Operation *Op, RegClass C, Value Extra) const {
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

bool Emitter::spillable(const Interval &I) const {
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

int64_t Emitter::slotFor(Interval &I) {
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

int64_t Emitter::spillSlot(RegClass C, Location L) {
  int64_t Bytes = C == XClass ? 8 : C == VClass ? 64 : AccBytes;
  int64_t Align = C == XClass ? 8 : 64;
  int64_t At = (SpillNext + Align - 1) / Align * Align;
  SpillNext = At + Bytes;
  if (SpillNext > SramBytes)
    throw EmitError{L, "SRAM overflow: spilled registers need " +
                           std::to_string(SpillNext - SpillEnd) +
                           " bytes after the descriptors and tables, past the core's " +
                           std::to_string(SramBytes)};
  return At;
}

// An accumulator's rows are 32 bytes apart in its slot.
void Emitter::accStride(Location L) {
  Inst Li;
  Li.Op = Opcode::LI;
  Li.Rd = ScratchX;
  Li.Imm = int32_t(AccRowBytes);
  put(Li, L);
}

// Spill code addresses its slot from x0: no register is needed for it.
void Emitter::reload(RegClass C, int Reg, int64_t Slot, Location L) {
  Inst I;
  I.Op = C == XClass ? Opcode::LD : C == VClass ? Opcode::VLD : Opcode::MMALD;
  I.Rd = uint8_t(Reg);
  I.Rs1 = 0;
  I.Imm = int32_t(Slot);
  if (C == AccClass) {
    accStride(L);
    I.Rs2 = ScratchX;
  }
  put(I, L);
}

void Emitter::store(RegClass C, int Reg, int64_t Slot, Location L) {
  Inst I;
  I.Op = C == XClass ? Opcode::SD : C == VClass ? Opcode::VST : Opcode::MMAST;
  I.Rs1 = 0;
  I.Imm = int32_t(Slot);
  if (C == AccClass) {
    accStride(L);
    I.Rs3 = uint8_t(Reg);
    I.Rs2 = ScratchX;
  } else {
    I.Rs2 = uint8_t(Reg);
  }
  put(I, L);
}

void Emitter::move(RegClass C, int Dst, int Src, Location L) {
  if (Dst == Src)
    return;
  Inst I;
  I.Op = C == XClass ? Opcode::ADDI : Opcode::VMV;
  I.Rd = uint8_t(Dst);
  I.Rs1 = uint8_t(Src);
  put(I, L);
}

void Emitter::copy(RegClass C, Place Dst, Place Src, Location L) {
  if (Dst == Src)
    return;
  if (Src.Slot >= 0 && Dst.Slot >= 0) {
    reload(C, scratch(C), Src.Slot, L);
    store(C, scratch(C), Dst.Slot, L);
  } else if (Src.Slot >= 0) {
    reload(C, Dst.Reg, Src.Slot, L);
  } else if (Dst.Slot >= 0) {
    store(C, Src.Reg, Dst.Slot, L);
  } else if (C == AccClass) {
    // No instruction moves an accumulator: through SRAM.
    if (AccMoveSlot < 0)
      AccMoveSlot = spillSlot(AccClass, L);
    store(C, Src.Reg, AccMoveSlot, L);
    reload(C, Dst.Reg, AccMoveSlot, L);
  } else {
    move(C, Dst.Reg, Src.Reg, L);
  }
}

void Emitter::parallelCopies(const std::vector<ClassCopy> &Copies, Location L) {
  // A class at a time, accumulators last: their copies set x31 to the row
  // stride. A cycle of accumulators parks in a slot (a store), never in a
  // register (which would take a store and a load).
  for (RegClass C : {XClass, VClass, AccClass}) {
    std::vector<plan::PlaceCopy> OfClass;
    for (auto &[CC, Dst, Src] : Copies)
      if (CC == C)
        OfClass.push_back({Dst, Src});
    plan::sequenceCopies(
        OfClass, C == AccClass ? -1 : scratch(C), [&] { return tempSlot(C, L); },
        [&](Place Dst, Place Src) { copy(C, Dst, Src, L); });
  }
}

void Emitter::emitInst(Operation *Op, const InstInfo &Info) {
  Inst I;
  I.Op = Info.Op;
  Location L = Op->getLoc();
  unsigned NextOperand = 0;
  // A spilled result is computed in its class's scratch register and
  // stored after.
  Value Res = Op->getNumResults() ? Op->getResult(0) : Value();
  auto regOrScratch = [&](Value V) {
    return slot(V) >= 0 ? scratch(classOf(V.getType())) : reg(V);
  };
  if (Info.TiedDest) {
    // The old value must be in the destination register.
    copy(classOf(Res.getType()), Place{regOrScratch(Res), -1}, place(Op->getOperand(0)), L);
    NextOperand = 1;
  }
  SmallVector<Value, 3> Reloads;
  for (unsigned K = 0; K < Info.NumOperands; ++K) {
    const OperandInfo &O = Info.Operands[K];
    bool IsReg =
        O.Kind == OperandKind::XReg || O.Kind == OperandKind::VReg || O.Kind == OperandKind::Acc;
    if (IsReg) {
      Value V = O.IsDef ? Res : Op->getOperand(NextOperand++);
      if (!O.IsDef && slot(V) >= 0 && !llvm::is_contained(Reloads, V))
        Reloads.push_back(V);
      I.setField(O.F, regOrScratch(V));
      continue;
    }
    auto A = Op->getAttrOfType<IntegerAttr>(fieldName(O.F));
    if (!A)
      throw EmitError{L,
                      "internal error: missing attribute on " + Op->getName().getStringRef().str()};
    I.setField(O.F, A.getInt());
  }
  // Spilled sources go to their scratch registers; accumulators first,
  // whose reload sets x31.
  std::stable_partition(Reloads.begin(), Reloads.end(),
                        [](Value V) { return classOf(V.getType()) == AccClass; });
  for (Value V : Reloads) {
    RegClass C = classOf(V.getType());
    reload(C, scratch(C), slot(V), L);
  }
  put(I, L);
  if (Res && slot(Res) >= 0) {
    RegClass C = classOf(Res.getType());
    store(C, scratch(C), slot(Res), L);
  }
}

void Emitter::emitBlock(Block &B) {
  for (Operation &Op : B) {
    if (auto For = dyn_cast<scf::ForOp>(&Op)) {
      Location L = For.getLoc();
      int Iv = reg(For.getInductionVar());
      std::vector<ClassCopy> Entry;
      Entry.push_back({XClass, place(For.getInductionVar()), place(For.getLowerBound())});
      for (auto [Arg, Init] : llvm::zip(For.getRegionIterArgs(), For.getInitArgs()))
        Entry.push_back({classOf(Arg.getType()), place(Arg), place(Init)});
      parallelCopies(Entry, L);
      int64_t Top = int64_t(Code.size());
      emitBlock(*For.getBody());
      Inst Add;
      if (auto Step = constantOf(For.getStep())) {
        Add.Op = Opcode::ADDI;
        Add.Imm = int32_t(*Step);
      } else {
        Add.Op = Opcode::ADD;
        Add.Rs2 = uint8_t(reg(For.getStep()));
      }
      Add.Rd = uint8_t(Iv);
      Add.Rs1 = uint8_t(Iv);
      put(Add, L);
      int UbReg = reg(For.getUpperBound());
      if (auto Ub = constantOf(For.getUpperBound())) {
        Inst Li;
        Li.Op = Opcode::LI;
        Li.Rd = ScratchX;
        Li.Imm = int32_t(*Ub);
        put(Li, L);
        UbReg = ScratchX;
      }
      Inst Br;
      Br.Op = Opcode::BLT;
      Br.Rs1 = uint8_t(Iv);
      Br.Rs2 = uint8_t(UbReg);
      Br.Imm = int32_t(Top - int64_t(Code.size()));
      put(Br, L);
      std::vector<ClassCopy> Exit;
      for (auto [Res, Arg] : llvm::zip(For.getResults(), For.getRegionIterArgs()))
        Exit.push_back({classOf(Res.getType()), place(Res), place(Arg)});
      parallelCopies(Exit, L);
      continue;
    }
    if (auto Y = dyn_cast<scf::YieldOp>(&Op)) {
      auto For = cast<scf::ForOp>(Y->getParentOp());
      std::vector<ClassCopy> Copies;
      for (auto [V, Arg] : llvm::zip(Y.getOperands(), For.getRegionIterArgs()))
        Copies.push_back({classOf(V.getType()), place(Arg), place(V)});
      parallelCopies(Copies, Y.getLoc());
      continue;
    }
    if (isa<func::ReturnOp>(&Op))
      continue;
    const InstInfo *Info = instOf(&Op);
    if (!Info)
      throw EmitError{Op.getLoc(), "cannot emit '" + Op.getName().getStringRef().str() + "'"};
    emitInst(&Op, *Info);
  }
}

void Emitter::emit() { emitBlock(F.getBody().front()); }

/// The file, line and column of a location, looking through names.
bool fileLoc(Location L, std::string &File, unsigned &Line, unsigned &Col) {
  if (auto F = dyn_cast<FileLineColLoc>(L)) {
    File = F.getFilename().str();
    Line = F.getLine();
    Col = F.getColumn();
    return true;
  }
  if (auto N = dyn_cast<NameLoc>(L))
    return fileLoc(N.getChildLoc(), File, Line, Col);
  if (auto Fu = dyn_cast<FusedLoc>(L))
    for (Location S : Fu.getLocations())
      if (fileLoc(S, File, Line, Col))
        return true;
  return false;
}

/// The layer a location belongs to: its node name, or the names of the
/// nodes a fused location joins ("Conv_0 (Conv) + Relu_1 (Relu)").
std::string layerName(Location L) {
  if (auto N = dyn_cast<NameLoc>(L))
    return N.getName().str();
  std::string Out;
  if (auto Fu = dyn_cast<FusedLoc>(L))
    for (Location S : Fu.getLocations()) {
      std::string Part = layerName(S);
      if (!Part.empty())
        Out += (Out.empty() ? "" : " + ") + Part;
    }
  return Out;
}

std::string describe(Location L) {
  std::string File;
  unsigned Line, Col;
  std::string Where;
  if (fileLoc(L, File, Line, Col))
    Where = File + ":" + std::to_string(Line) + ":" + std::to_string(Col) + ": ";
  if (auto N = dyn_cast<NameLoc>(L))
    Where += "node " + N.getName().str() + ": ";
  return Where;
}

} // namespace

bool d1::emitBinary(ModuleOp Module, D1XWriter &W, std::string &Err, int AllocatableRegisters,
                    int AllocatableAccumulators) {
  MachineDesc M = getTargetMachine(Module);
  auto F = Module.lookupSymbol<func::FuncOp>("main");
  if (!F || F.getNumArguments()) {
    Err = "the module is not at the ISA level (run convert-tile-to-d1isa first)";
    return false;
  }
  Emitter E(F, AllocatableRegisters, AllocatableAccumulators,
            int64_t(M[MachineParamId::sram_bytes]));
  try {
    E.allocate();
    E.emit();
  } catch (const EmitError &X) {
    Err = describe(X.Loc) + X.Msg;
    return false;
  }
  d1x::Header &H = W.Header;
  H.set_producer("d1c");
  machineToHeader(M, H);
  d1x::Core &Core = W.addCore(0, E.Code);
  d1x::DebugInfo Dbg;
  Dbg.add_files("");
  Dbg.add_names("");
  std::map<std::string, unsigned> Files, Names;
  DenseMap<Location, unsigned> NameOf;
  for (Location L : E.Locs) {
    std::string File;
    unsigned Line = 0, Col = 0;
    auto *Loc = Dbg.add_locs();
    auto [NIt, NewLoc] = NameOf.try_emplace(L, 0);
    if (NewLoc) {
      std::string Name = layerName(L);
      if (!Name.empty()) {
        auto [It, New] = Names.emplace(Name, unsigned(Dbg.names_size()));
        if (New)
          Dbg.add_names(Name);
        NIt->second = It->second;
      }
    }
    Loc->set_name(NIt->second);
    if (!fileLoc(L, File, Line, Col))
      continue;
    auto It = Files.find(File);
    if (It == Files.end()) {
      It = Files.emplace(File, unsigned(Dbg.files_size())).first;
      Dbg.add_files(File);
    }
    Loc->set_file(It->second);
    Loc->set_line(Line);
    Loc->set_col(Col);
  }
  makeStringsUtf8(Dbg);
  Core.set_debug(Dbg.SerializeAsString());
  if (auto Data = F->getAttrOfType<DenseElementsAttr>("d1.sram_data")) {
    std::string Bytes;
    for (int8_t B : Data.getValues<int8_t>())
      Bytes += char(B);
    if (!Bytes.empty())
      W.addSegment(d1x::SRAM, 0,
                   uint64_t(F->getAttrOfType<IntegerAttr>("d1.sram_data_address").getInt()), Bytes,
                   "descriptors");
  }
  for (auto G : Module.getOps<memref::GlobalOp>()) {
    auto Value = dyn_cast_or_null<DenseElementsAttr>(G.getInitialValueAttr());
    if (!Value) {
      Err = "constant '" + G.getSymName().str() + "' has no dense value";
      return false;
    }
    std::string Bytes;
    ArrayRef<char> Raw = Value.getRawData();
    if (Value.getElementType().isInteger(1)) {
      // MLIR packs bools in bits; memory holds one byte each.
      for (bool V : Value.getValues<bool>())
        Bytes += char(V);
    } else if (Value.isSplat()) {
      // A splat stores one element: repeat it.
      for (int64_t K = 0; K < Value.getNumElements(); ++K)
        Bytes.append(Raw.begin(), Raw.end());
    } else {
      Bytes.assign(Raw.begin(), Raw.end());
    }
    W.addSegment(d1x::DRAM, 0, uint64_t(G->getAttrOfType<IntegerAttr>("d1.address").getInt()),
                 Bytes, G.getSymName().str());
  }
  int64_t NumInputs = F->getAttrOfType<IntegerAttr>("d1.num_inputs").getInt();
  auto IO = F->getAttrOfType<ArrayAttr>("d1.io");
  for (auto [K, A] : llvm::enumerate(IO)) {
    auto D = cast<DictionaryAttr>(A);
    d1x::Tensor *T = int64_t(K) < NumInputs ? H.add_inputs() : H.add_outputs();
    T->set_name(cast<StringAttr>(D.get("name")).str());
    Type ET = cast<TypeAttr>(D.get("dtype")).getValue();
    T->set_dtype(dtypeOf(ET));
    if (T->dtype() == d1x::DTYPE_UNDEFINED) {
      Err = "input or output '" + T->name() + "' has an element type d1c cannot store";
      return false;
    }
    for (int64_t S : cast<DenseI64ArrayAttr>(D.get("shape")).asArrayRef())
      T->add_shape(S);
    T->set_space(d1x::DRAM);
    T->set_address(uint64_t(cast<IntegerAttr>(D.get("address")).getInt()));
  }
  H.set_dram_size(uint64_t(Module->getAttrOfType<IntegerAttr>("d1.dram_size").getInt()));
  return true;
}
