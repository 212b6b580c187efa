//===- TileToD1ISA.cpp - tile ops to D1 instructions -----------------------===//
//
// The pass, addresses, DMA and the dispatch of tile ops to their kernels
// (Codegen.h lists the kernel files).
//
//===----------------------------------------------------------------------===//
#include "Codegen.h"

namespace d1 {
#define GEN_PASS_DEF_TILETOISA
#include "d1/Conversion/Passes.h.inc"
} // namespace d1

namespace d1::tiletoisa {

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

void Codegen::planMemory(func::FuncOp F) {
  // Addresses come from tile-plan-memory.
  auto AddressOf = [&](Operation *Op, Attribute A) -> int64_t {
    auto I = dyn_cast_or_null<IntegerAttr>(A);
    if (!I) {
      fail(Op->getLoc(), "buffer without an address (run tile-plan-memory first)");
      return 0;
    }
    return I.getInt();
  };
  std::map<std::string, int64_t> Globals;
  for (auto G : M.getOps<memref::GlobalOp>())
    Globals[G.getSymName().str()] = AddressOf(G, G->getAttr("d1.address"));
  for (BlockArgument A : F.getArguments())
    Address[A] = AddressOf(F, F.getArgAttr(A.getArgNumber(), "d1.address"));
  F.walk([&](Operation *Op) {
    if (auto G = dyn_cast<memref::GetGlobalOp>(Op))
      Address[G.getResult()] = Globals.at(G.getName().str());
    else if (auto V = dyn_cast<tile::ViewOp>(Op))
      Address[V.getResult()] = Address.lookup(V.getSource());
    else if (auto A = dyn_cast<memref::AllocOp>(Op))
      Address[A.getResult()] = AddressOf(A, A->getAttr("d1.address"));
  });
  auto Peak = M->getAttrOfType<IntegerAttr>("d1.sram_peak");
  if (!Peak || !M->hasAttr("d1.dram_size"))
    return fail(M.getLoc(), "module without a memory plan (run tile-plan-memory first)");
  DescBase = (Peak.getInt() + 63) / 64 * 64;
}

int64_t Codegen::descriptor(const std::vector<uint8_t> &D) {
  auto It = DescIndex.find(D);
  if (It != DescIndex.end())
    return It->second;
  // Constants are 64-byte aligned (descriptors need 8, vectors 4).
  Descriptors.resize((Descriptors.size() + 63) / 64 * 64, 0);
  int64_t At = DescBase + int64_t(Descriptors.size());
  Descriptors.insert(Descriptors.end(), D.begin(), D.end());
  DescIndex[D] = At;
  return At;
}

int64_t Codegen::table(const std::vector<int32_t> &Words) {
  std::vector<uint8_t> Bytes(Words.size() * 4);
  std::memcpy(Bytes.data(), Words.data(), Bytes.size());
  return descriptor(Bytes);
}

Value Codegen::scaled(Value Index, int64_t Factor) {
  if (Factor == 1)
    return Index;
  if ((Factor & (Factor - 1)) == 0)
    return I.slli({Index, int64_t(__builtin_ctzll(uint64_t(Factor)))});
  return I.mul({Index, I.constant(Factor)});
}

/// Byte address of element ElemOffset (an index of the new body) of Buffer.
Value Codegen::addr(Value Buffer, Value ElemOffset) {
  int64_t Base = Address.lookup(Buffer), EB = elemBytes(Buffer);
  auto It = Map.lookupOrNull(ElemOffset);
  if (!It) {
    fail(Buffer.getLoc(), "internal error: offset not lowered");
    return I.constant(0);
  }
  if (std::optional<int64_t> C = constantOf(It))
    return I.constant(Base + *C * EB);
  Value Off = scaled(It, EB);
  if (Base >= INT32_MIN && Base <= INT32_MAX)
    return Base ? I.addi({Off, Base}) : Off;
  return I.add({Off, I.constant(Base)});
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

void Codegen::lowerDma(tile::DmaOp Op) {
  bool SrcSram = tile::spaceOf(Op.getSrc().getType()) == tile::Space::SRAM;
  bool DstSram = tile::spaceOf(Op.getDst().getType()) == tile::Space::SRAM;
  uint8_t Kind = SrcSram && DstSram ? 2 : SrcSram ? 1 : 0;
  std::vector<uint8_t> D(64, 0);
  auto Put = [&](size_t At, uint64_t V, unsigned N) {
    for (unsigned K = 0; K < N; ++K)
      D[At + K] = uint8_t(V >> (8 * K));
  };
  auto Sizes = Op.getSizes();
  int64_t EB = elemBytes(Op.getSrc());
  if (EB != elemBytes(Op.getDst()))
    return fail(Op.getLoc(), "DMA between buffers of different element types");
  std::optional<int64_t> Sem = Op.getSem();
  if (Op.getToken() && !Sem)
    return fail(Op.getLoc(), "started copy without a semaphore (run tile-assign-semaphores first)");
  Put(0, Kind, 1);
  Put(1, uint64_t(Sem.value_or(0)), 1); // local semaphore: s0 for waited copies
  Put(2, 0xff, 1);                      // no remote semaphore
  Put(8, uint64_t(Sizes[2] * EB), 4);
  Put(12, uint64_t(Sizes[1]), 4);
  Put(16, uint64_t(Sizes[0]), 4);
  Put(24, uint64_t(Op.getSrcStrides()[1] * EB), 8);
  Put(32, uint64_t(Op.getSrcStrides()[0] * EB), 8);
  Put(40, uint64_t(Op.getDstStrides()[1] * EB), 8);
  Put(48, uint64_t(Op.getDstStrides()[0] * EB), 8);
  int64_t Desc = descriptor(D);
  Value Src = addr(Op.getSrc(), Op.getSrcOffset());
  Value Dst = addr(Op.getDst(), Op.getDstOffset());
  I.dma({Dst, Src, I.constant(Desc)});
  if (!Sem) // a started copy is waited for by its tile.dma_wait
    I.sem_wait({0, 1});
}

void Codegen::cannotLower(Operation *Op) {
  fail(Op->getLoc(), "cannot lower '" + Op->getName().getStringRef() + "' to D1 instructions");
}

void Codegen::lowerFor(scf::ForOp For) {
  // A tile loop carries only started copies' tokens, which are semaphores
  // at this level: nothing to carry.
  for (Type T : For.getResultTypes())
    if (!isa<tile::DmaTokenType>(T)) {
      if (!Failed)
        For.emitError("a tile loop carries only DMA tokens, not ") << T;
      Failed = true;
      return;
    }
  auto New = B.create<scf::ForOp>(I.Loc, Map.lookup(For.getLowerBound()),
                                  Map.lookup(For.getUpperBound()), Map.lookup(For.getStep()));
  Map.map(For.getInductionVar(), New.getInductionVar());
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(New.getBody());
  (void)lowerBlock(*For.getBody());
}

void Codegen::lowerDmaWait(tile::DmaWaitOp W) {
  if (!W.getSem())
    return fail(W.getLoc(), "wait without a semaphore (run tile-assign-semaphores first)");
  I.sem_wait({int64_t(*W.getSem()), 1});
}

void Codegen::addControlKernels(KernelTable &T) {
  T.on<arith::ConstantOp>([](Codegen &C, arith::ConstantOp Op) {
    auto K = dyn_cast<arith::ConstantIndexOp>(Op.getOperation());
    if (!K)
      return C.cannotLower(Op);
    C.Map.map(K.getResult(), C.I.constant(K.value()));
  });
  // Index arithmetic becomes scalar instructions on the new body's values.
  using Binary = Value (ISABuilder::*)(d1::Operands<Value, Value>);
  auto Index = [](Codegen &C, Operation *Op, Binary Inst) {
    C.Map.map(Op->getResult(0),
              (C.I.*Inst)({C.Map.lookup(Op->getOperand(0)), C.Map.lookup(Op->getOperand(1))}));
  };
  T.on<arith::AddIOp>([Index](Codegen &C, arith::AddIOp Op) { Index(C, Op, &ISABuilder::add); });
  T.on<arith::SubIOp>([Index](Codegen &C, arith::SubIOp Op) { Index(C, Op, &ISABuilder::sub); });
  T.on<arith::MulIOp>([Index](Codegen &C, arith::MulIOp Op) { Index(C, Op, &ISABuilder::mul); });
  T.on<arith::AndIOp>([Index](Codegen &C, arith::AndIOp Op) { Index(C, Op, &ISABuilder::and_); });
  T.add(&Codegen::lowerFor);
  T.add(&Codegen::lowerDma);
  T.add(&Codegen::lowerDmaWait);
  // Addresses only.
  T.none<memref::AllocOp, memref::DeallocOp, memref::GetGlobalOp, tile::ViewOp, scf::YieldOp,
         func::ReturnOp>();
}

const Codegen::KernelTable &Codegen::kernels() {
  static const KernelTable Table = [] {
    KernelTable T;
    addControlKernels(T);
    addElementwiseKernels(T);
    addConvertKernels(T);
    addMatmulKernels(T);
    addMatrixUnitKernels(T);
    addConvKernels(T);
    addConvMmaKernels(T);
    addReduceKernels(T);
    addGatherScatterKernels(T);
    return T;
  }();
  return Table;
}

LogicalResult Codegen::lowerOp(Operation *Op) {
  I.Loc = Op->getLoc();
  const KernelTable &T = kernels();
  auto It = T.Kernels.find(Op->getName().getTypeID());
  if (It == T.Kernels.end())
    cannotLower(Op);
  else if (It->second)
    It->second(*this, Op);
  return failure(Failed);
}

LogicalResult Codegen::lowerBlock(Block &From) {
  for (Operation &Op : From)
    if (failed(lowerOp(&Op)))
      return failure();
  return success();
}

LogicalResult Codegen::run() {
  auto F = M.lookupSymbol<func::FuncOp>("main");
  if (!F)
    return M.emitError("no @main function");
  {
    planMemory(F);
    if (Failed)
      return failure();
    // The new body goes into a function without arguments: every buffer is
    // now an address.
    B.setInsertionPoint(F);
    auto New = B.create<func::FuncOp>(F.getLoc(), "main_isa", B.getFunctionType({}, {}));
    New->setAttrs(F->getAttrs());
    New.setName("main_isa");
    // Keep what the emitter needs to know about the I/O.
    SmallVector<Attribute> Args;
    for (BlockArgument A : F.getArguments()) {
      auto T = cast<MemRefType>(A.getType());
      NamedAttrList L;
      // (A function written by hand may leave its arguments unnamed.)
      Attribute Name = F.getArgAttr(A.getArgNumber(), "d1.name");
      L.set("name", Name ? Name : B.getStringAttr("arg" + std::to_string(A.getArgNumber())));
      L.set("address", B.getI64IntegerAttr(Address[A]));
      L.set("shape", B.getDenseI64ArrayAttr(T.getShape()));
      L.set("dtype", TypeAttr::get(T.getElementType()));
      Args.push_back(L.getDictionary(B.getContext()));
    }
    New->setAttr("d1.io", B.getArrayAttr(Args));
    New->removeAttr("arg_attrs");
    New->removeAttr("function_type");
    New.setFunctionType(B.getFunctionType({}, {}));
    Block *Entry = New.addEntryBlock();
    B.setInsertionPointToStart(Entry);
    if (failed(lowerBlock(F.getBody().front()))) {
      New.erase();
      return failure();
    }
    I.Loc = F.getLoc();
    I.halt();
    B.create<func::ReturnOp>(F.getLoc());
    if (DescBase + int64_t(Descriptors.size()) > SramBytes) {
      New.erase();
      return F.emitError("SRAM overflow: the planned buffers take ")
             << DescBase << " bytes and the DMA descriptors and tables " << Descriptors.size()
             << " more; the core has " << SramBytes;
    }
    // The descriptors are this core's initialized SRAM.
    auto DescType = RankedTensorType::get({int64_t(Descriptors.size())}, B.getI8Type());
    std::vector<int8_t> Bytes(Descriptors.begin(), Descriptors.end());
    New->setAttr("d1.sram_data", DenseElementsAttr::get(DescType, ArrayRef<int8_t>(Bytes)));
    New->setAttr("d1.sram_data_address", B.getI64IntegerAttr(DescBase));
    F.erase();
    New.setName("main");
    return success();
  }
}

} // namespace d1::tiletoisa

namespace {

using namespace d1;
using namespace d1::tiletoisa;

struct TileToISAPass : d1::impl::TileToISABase<TileToISAPass> {
  using TileToISABase::TileToISABase;
  void runOnOperation() override {
    MachineDesc Machine = getTargetMachine(getOperation());
    Codegen C(getOperation(), Machine[MachineParamId::sram_bytes], ActivationTables,
              SoftwarePipelining);
    C.Machine = Machine;
    if (failed(C.run()))
      signalPassFailure();
  }
};

} // namespace
