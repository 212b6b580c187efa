//===- GraphToTile.cpp - graph ops to tiled DMA + micro-kernel loops ------===//
//
// The pass: the type converter, the target, @main's signature and return,
// constants, empty results and ops without a lowering. The op families'
// patterns are in the files Lowering.h lists.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

namespace d1 {
#define GEN_PASS_DEF_GRAPHTOTILE
#include "d1/Conversion/Passes.h.inc"
} // namespace d1

namespace d1::graphtotile {

LogicalResult Lowering::replace(Operation *Op, ArrayRef<Value> Buffers) {
  SmallVector<Value> Values;
  for (auto [I, Res] : llvm::enumerate(Op->getResults()))
    Values.push_back(I < Buffers.size() && Buffers[I] ? Buffers[I] : alloc(Res.getType()));
  Rewriter.replaceOp(Op, Values);
  return success();
}

std::string Lowering::globalOf(graph::ConstantOp Op) {
  auto T = cast<RankedTensorType>(Op.getType());
  auto MT = tile::bufferType(T.getShape(), T.getElementType(), tile::Space::DRAM);
  std::string Name = "cst" + std::to_string(State.NextGlobal++);
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(M.getBody());
  B.create<memref::GlobalOp>(Loc, Name, B.getStringAttr("private"), MT,
                             cast<ElementsAttr>(Op.getValue()), /*constant=*/true, IntegerAttr());
  return Name;
}

Value Lowering::transposedConstant(graph::ConstantOp C) {
  auto T = cast<RankedTensorType>(C.getType());
  int64_t R = T.getShape()[0], Cols = T.getShape()[1];
  std::vector<float> Src = graph::constantF32(C.getResult());
  std::vector<float> Dst(Src.size());
  for (int64_t I = 0; I < R; ++I)
    for (int64_t J = 0; J < Cols; ++J)
      Dst[size_t(J * R + I)] = Src[size_t(I * Cols + J)];
  auto TT = RankedTensorType::get({Cols, R}, T.getElementType());
  std::string Name = "cst" + std::to_string(State.NextGlobal++);
  {
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(M.getBody());
    B.create<memref::GlobalOp>(Loc, Name, B.getStringAttr("private"), dramType(TT),
                               DenseElementsAttr::get(TT, ArrayRef<float>(Dst)), true,
                               IntegerAttr());
  }
  return B.create<memref::GetGlobalOp>(Loc, dramType(TT), Name);
}

/// Integer constants used only as gather indices are read at compile time
/// (lowerGather); any other use (a graph output, say) gets a DRAM copy.
static bool onlyGatherIndices(graph::ConstantOp C) {
  return !cast<RankedTensorType>(C.getType()).getElementType().isF32() &&
         llvm::all_of(C->getUses(), [](OpOperand &U) {
           return isa<graph::GatherOp>(U.getOwner()) && U.getOperandNumber() == 1;
         });
}

Value Lowering::lowerConstant(graph::ConstantOp C, Value Dest) {
  auto T = cast<RankedTensorType>(C.getType());
  Value G = B.create<memref::GetGlobalOp>(Loc, dramType(T), globalOf(C));
  if (Dest)
    copy(G, Dest, T.getNumElements());
  return G;
}

namespace {

/// A result without elements needs a buffer and no code.
bool emptyResult(Operation *Op) {
  return Op->getNumResults() == 1 && !isa<graph::ConstantOp>(Op) &&
         cast<RankedTensorType>(Op->getResult(0).getType()).getNumElements() == 0;
}

/// One op lowered by a Lowering member (PatternSink::add).
struct LowerOne : ConversionPattern {
  LowerOne(const TypeConverter &TC, StringRef Name, MLIRContext *Ctx, LoweringState &State,
           PatternSink::OneResult Fn)
      : ConversionPattern(TC, Name, 1, Ctx), State(State), Fn(std::move(Fn)) {}
  LogicalResult matchAndRewrite(Operation *Op, ArrayRef<Value>,
                                ConversionPatternRewriter &Rewriter) const override {
    Lowering L(State, Rewriter, Op->getLoc());
    Value Dest = State.Dests.lookup(Op->getResult(0));
    if (State.Failed)
      return L.replace(Op, {});
    return L.replace(Op, emptyResult(Op) ? Dest : Fn(L, Op, Dest));
  }
  LoweringState &State;
  PatternSink::OneResult Fn;
};

/// graph.fused: the group lowering of its kind (PatternSink::addFused).
struct LowerGroup : OpConversionPattern<graph::FusedOp> {
  LowerGroup(const TypeConverter &TC, MLIRContext *Ctx, LoweringState &State,
             DenseMap<graph::FusionKind, PatternSink::Group> Kinds)
      : OpConversionPattern(TC, Ctx), State(State), Kinds(std::move(Kinds)) {}
  LogicalResult matchAndRewrite(graph::FusedOp F, OpAdaptor,
                                ConversionPatternRewriter &Rewriter) const override {
    Lowering L(State, Rewriter, F.getLoc());
    if (State.Failed)
      return L.replace(F, {});
    if (emptyResult(F))
      return L.replace(F, State.Dests.lookup(F.getResult(0)));
    PatternSink::Group Fn = Kinds.lookup(F.getKind());
    if (!Fn) {
      L.fail(F.getLoc(), "fused groups of kind '" + graph::stringifyFusionKind(F.getKind()) +
                             "' are not lowered yet");
      return L.replace(F, {});
    }
    return L.replace(F, (L.*Fn)(F));
  }
  LoweringState &State;
  DenseMap<graph::FusionKind, PatternSink::Group> Kinds;
};

/// @main(tensors) -> tensors becomes @main(input memrefs, output memrefs):
/// a result computed by an op is written straight into its output.
struct LowerMain : OpConversionPattern<func::FuncOp> {
  LowerMain(const TypeConverter &TC, MLIRContext *Ctx, LoweringState &State)
      : OpConversionPattern(TC, Ctx), State(State) {}
  LogicalResult matchAndRewrite(func::FuncOp F, OpAdaptor,
                                ConversionPatternRewriter &Rewriter) const override {
    unsigned NIn = F.getNumArguments(), NOut = F.getNumResults();
    TypeConverter::SignatureConversion Sig(NIn);
    for (auto [I, T] : llvm::enumerate(F.getArgumentTypes()))
      Sig.addInputs(unsigned(I), getTypeConverter()->convertType(T));
    SmallVector<Type> Outs;
    for (Type T : F.getResultTypes())
      Outs.push_back(getTypeConverter()->convertType(T));
    Sig.addInputs(Outs);
    SmallVector<DictionaryAttr> ArgAttrs;
    for (unsigned I = 0; I < NIn; ++I)
      ArgAttrs.push_back(F.getArgAttrDict(I));
    for (unsigned I = 0; I < NOut; ++I)
      ArgAttrs.push_back(F.getResultAttrDict(I));
    auto Ret = cast<func::ReturnOp>(F.getBody().front().getTerminator());
    Block *Entry = Rewriter.applySignatureConversion(&F.getBody().front(), Sig, getTypeConverter());
    Rewriter.modifyOpInPlace(F, [&] {
      F.setType(Rewriter.getFunctionType(Sig.getConvertedTypes(), {}));
      F.setAllArgAttrs(ArgAttrs);
      F.removeResAttrsAttr();
      F->setAttr("d1.num_inputs", Rewriter.getI64IntegerAttr(NIn));
    });
    for (auto [I, V] : llvm::enumerate(Ret.getOperands()))
      if (V.getDefiningOp() && !State.Dests.count(V))
        State.Dests[V] = Entry->getArgument(NIn + unsigned(I));
    return success();
  }
  LoweringState &State;
};

/// Outputs not written by their producer (inputs, repeated values) are
/// copied in before @main returns.
struct LowerReturn : OpConversionPattern<func::ReturnOp> {
  LowerReturn(const TypeConverter &TC, MLIRContext *Ctx, LoweringState &State)
      : OpConversionPattern(TC, Ctx), State(State) {}
  LogicalResult matchAndRewrite(func::ReturnOp Ret, OpAdaptor A,
                                ConversionPatternRewriter &Rewriter) const override {
    auto F = Ret->getParentOfType<func::FuncOp>();
    Block &Entry = *Ret->getBlock();
    unsigned NIn = Entry.getNumArguments() - Ret.getNumOperands();
    Lowering L(State, Rewriter, F.getLoc());
    for (auto [I, V] : llvm::enumerate(Ret.getOperands())) {
      Value Out = Entry.getArgument(NIn + unsigned(I));
      if (State.Dests.lookup(V) == Out || State.Failed)
        continue;
      L.copy(A.getOperands()[I], Out, cast<RankedTensorType>(V.getType()).getNumElements());
    }
    Rewriter.replaceOpWithNewOp<func::ReturnOp>(Ret);
    return success();
  }
  LoweringState &State;
};

} // namespace

void PatternSink::addOne(StringRef OpName, OneResult Fn) {
  Named.insert(OpName);
  Set.add(std::make_unique<LowerOne>(Types, OpName, Set.getContext(), State, std::move(Fn)));
}

void PatternSink::finish() {
  MLIRContext *Ctx = Set.getContext();
  Named.insert(graph::FusedOp::getOperationName());
  Set.add(std::make_unique<LowerGroup>(Types, Ctx, State, FusedKinds));
  auto *Graph = Ctx->getLoadedDialect<graph::GraphDialect>();
  for (RegisteredOperationName Name : Ctx->getRegisteredOperations()) {
    if (&Name.getDialect() != Graph || Named.contains(Name.getStringRef()) ||
        Name.getStringRef() == graph::YieldOp::getOperationName())
      continue;
    OneResult Fn;
    for (auto &[Interface, Lower] : Interfaces)
      if (!Fn && Name.hasInterface(Interface))
        Fn = Lower;
    if (!Fn)
      Fn = [](Lowering &L, Operation *Op, Value) -> Value {
        return L.fail(Op->getLoc(), "lowering of '" + Op->getName().getStringRef().str() +
                                        "' to the tile dialect is not implemented yet");
      };
    addOne(Name.getStringRef(), std::move(Fn));
  }
}

} // namespace d1::graphtotile

namespace {

using namespace d1;
using namespace d1::graphtotile;

struct GraphToTilePass : d1::impl::GraphToTileBase<GraphToTilePass> {
  using GraphToTileBase::GraphToTileBase;
  void runOnOperation() override {
    ModuleOp M = getOperation();
    if (Precision != "fp32" && Precision != "bf16") {
      M.emitError("precision must be fp32 or bf16, not '") << Precision << "'";
      return signalPassFailure();
    }
    auto Main = M.lookupSymbol<func::FuncOp>("main");
    if (!Main) {
      M.emitError("no @main function");
      return signalPassFailure();
    }
    LoweringState State(M, getTargetMachine(M)[MachineParamId::sram_bytes], Precision == "bf16",
                        DoubleBuffer);
    TypeConverter Types;
    Types.addConversion([](Type T) { return T; });
    Types.addConversion([](RankedTensorType T) -> Type {
      return tile::bufferType(T.getShape(), T.getElementType(), tile::Space::DRAM);
    });
    ConversionTarget Target(getContext());
    Target.addLegalDialect<tile::TileDialect, memref::MemRefDialect, scf::SCFDialect,
                           arith::ArithDialect>();
    Target.addIllegalDialect<graph::GraphDialect>();
    // Gather indices read at compile time stay until their gathers are gone.
    Target.addDynamicallyLegalOp<graph::ConstantOp>([&](graph::ConstantOp C) {
      return !State.Dests.count(C.getResult()) && onlyGatherIndices(C);
    });
    Target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp F) {
      return F != Main || (F.getNumResults() == 0 && Types.isLegal(F.getArgumentTypes()));
    });
    Target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp R) { return R->getParentOp() != Main || R.getNumOperands() == 0; });
    RewritePatternSet Set(&getContext());
    Set.add<LowerMain, LowerReturn>(Types, &getContext(), State);
    PatternSink Sink{Set, Types, State};
    Sink.add(&Lowering::lowerConstant);
    populateDataMovementPatterns(Sink);
    populateElementwisePatterns(Sink);
    populateReductionPatterns(Sink);
    populateMatmulPatterns(Sink);
    populateWindowPatterns(Sink);
    populateFusedEpiloguePatterns(Sink);
    populateFusedRowsPatterns(Sink);
    populateFusedDepthFirstPatterns(Sink);
    Sink.finish();
    if (failed(applyPartialConversion(M, Target, std::move(Set))) || State.Failed)
      return signalPassFailure();
    for (auto C : llvm::make_early_inc_range(Main.getOps<graph::ConstantOp>()))
      C.erase();
  }
};

} // namespace
