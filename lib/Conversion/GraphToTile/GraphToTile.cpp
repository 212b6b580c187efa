//===- GraphToTile.cpp - graph ops to tiled DMA + micro-kernel loops ------===//
//
// The pass, constants and the dispatch of graph ops to their lowerings
// (Lowering.h lists the family files).
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

namespace d1 {
#define GEN_PASS_DEF_GRAPHTOTILE
#include "d1/Conversion/Passes.h.inc"
} // namespace d1

namespace d1::graphtotile {

std::string Lowering::lowerConstant(graph::ConstantOp Op) {
  auto T = cast<RankedTensorType>(Op.getType());
  auto MT = tile::bufferType(T.getShape(), T.getElementType(), tile::Space::DRAM);
  std::string Name = "cst" + std::to_string(NextGlobal++);
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
  std::string Name = "cst" + std::to_string(NextGlobal++);
  {
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(M.getBody());
    B.create<memref::GlobalOp>(Loc, Name, B.getStringAttr("private"), dramType(TT),
                               DenseElementsAttr::get(TT, ArrayRef<float>(Dst)), true,
                               IntegerAttr());
  }
  return B.create<memref::GetGlobalOp>(Loc, dramType(TT), Name);
}

void Lowering::lowerOp(Operation *Op, Value Dest) {
  // A fused group's code all carries the group's location (its layer).
  Loc = CurEp ? CurEp->Loc : Op->getLoc();
  using K = tile::EltKind;
  // A result without elements needs a buffer and no code.
  if (Op->getNumResults() == 1 && !isa<graph::ConstantOp>(Op) &&
      cast<RankedTensorType>(Op->getResult(0).getType()).getNumElements() == 0) {
    result(Op->getResult(0), Dest);
    return;
  }
  if (auto F = dyn_cast<graph::FusedOp>(Op))
    return lowerFused(F);
  if (auto C = dyn_cast<graph::ConstantOp>(Op)) {
    auto T = cast<RankedTensorType>(C.getType());
    // Integer constants used only as gather indices are read at compile
    // time; any other use (a graph output, say) gets a DRAM copy.
    bool IndicesOnly = llvm::all_of(C->getUses(), [](OpOperand &U) {
      return isa<graph::GatherOp>(U.getOwner()) && U.getOperandNumber() == 1;
    });
    if (!T.getElementType().isF32() && IndicesOnly && !Dest)
      return;
    std::string Name = lowerConstant(C);
    Value G = B.create<memref::GetGlobalOp>(Loc, dramType(T), Name);
    Buffers[C.getResult()] = G;
    if (Dest)
      copy(G, Dest, T.getNumElements());
    return;
  }
  if (auto R = dyn_cast<graph::ReshapeOp>(Op)) {
    Value Src = buffer(R.getInput());
    Value V = B.create<tile::ViewOp>(Loc, dramType(R.getType()), Src);
    Buffers[R.getResult()] = V;
    if (Dest)
      copy(V, Dest, cast<RankedTensorType>(R.getType()).getNumElements());
    return;
  }
  if (auto G = dyn_cast<graph::GemmOp>(Op)) {
    Shape AS(G.getA().getType().getShape()), BS(G.getB().getType().getShape());
    int64_t M = G.getTransA() ? AS[1] : AS[0], K = G.getTransA() ? AS[0] : AS[1];
    int64_t N = G.getTransB() ? BS[0] : BS[1];
    Value Out = result(G.getResult(), Dest);
    Value BBuf = buffer(G.getB());
    bool TransB = G.getTransB();
    // A constant transposed weight (PyTorch's Linear) is transposed now.
    if (auto C = G.getB().getDefiningOp<graph::ConstantOp>(); C && TransB) {
      BBuf = transposedConstant(C);
      TransB = false;
    }
    lowerMatmul(buffer(G.getA()), BBuf, G.getTransA(), TransB, M, N, K, {}, G.getC(),
                G.getAlpha().convertToFloat(), G.getBeta().convertToFloat(), Out);
    return;
  }
  if (auto MM = dyn_cast<graph::MatMulOp>(Op)) {
    Shape AS(MM.getLhs().getType().getShape()), BS(MM.getRhs().getType().getShape());
    Shape OS(MM.getType().getShape());
    if (AS.size() == 1)
      AS.insert(AS.begin(), 1);
    if (BS.size() == 1)
      BS.push_back(1);
    int64_t M = AS[AS.size() - 2], K = AS.back(), N = BS.back();
    // numpy batch broadcasting: align the batch dims from the right.
    Shape BA(AS.begin(), AS.end() - 2), BB(BS.begin(), BS.end() - 2), BO;
    std::string E = shapes::broadcast(BA, BB, BO);
    if (!E.empty())
      return fail(Loc, E);
    std::vector<BatchDim> Batch;
    int64_t SA = M * K, SB = K * N;
    std::vector<int64_t> StA(BO.size(), 0), StB(BO.size(), 0);
    for (size_t D = BO.size(); D-- > 0;) {
      size_t DA = D + BA.size() - BO.size(), DB = D + BB.size() - BO.size();
      bool InA = D + BA.size() >= BO.size(), InB = D + BB.size() >= BO.size();
      if (InA && BA[DA] != 1)
        StA[D] = SA;
      if (InB && BB[DB] != 1)
        StB[D] = SB;
      if (InA)
        SA *= BA[DA];
      if (InB)
        SB *= BB[DB];
    }
    for (size_t D = 0; D < BO.size(); ++D)
      if (BO[D] != 1)
        Batch.push_back({BO[D], StA[D], StB[D], int64_t(D)});
    auto Flattens = [&]() {
      if (!CurEp)
        return true;
      for (Operation *Ep : CurEp->Ops)
        for (Value X : Ep->getOperands()) {
          if (!CurEp->internal(X) &&
              !flattensWithRows(cast<RankedTensorType>(X.getType()).getShape(), CurEp->OutShape))
            return false;
        }
      return true;
    };
    if (batchFoldsIntoRows(MM.getLhs().getType().getShape(), MM.getRhs().getType().getShape()) &&
        Flattens()) {
      for (const BatchDim &D : Batch)
        M *= D.Size;
      Batch.clear();
    }
    Value Out = result(MM.getResult(), Dest);
    lowerMatmul(buffer(MM.getLhs()), buffer(MM.getRhs()), false, false, M, N, K, Batch, Value(),
                1.0f, 1.0f, Out);
    return;
  }
  auto ShapeOf = [](Value V) { return Shape(cast<RankedTensorType>(V.getType()).getShape()); };
  if (auto C = dyn_cast<graph::ConvOp>(Op)) {
    Value Out = result(C.getResult(), Dest);
    Shape WS = ShapeOf(C.getWeight()), OS = ShapeOf(C.getResult());
    if (WS[1] == 0) {
      // No input channels: every output is the filter's bias (or 0).
      if (CurEp)
        return fail(Loc, "a convolution without input channels has no epilogue");
      fill(Out, shapes::numElements(OS), 0.0f);
      if (C.getBias())
        elementwiseBuffers(K::Add, {{Out, OS}, {buffer(C.getBias()), {1, OS[1], 1, 1}}}, OS, Out,
                           {});
      return;
    }
    lowerWindow(tile::WindowKind::Conv, buffer(C.getInput()), ShapeOf(C.getInput()),
                buffer(C.getWeight()), C.getBias() ? buffer(C.getBias()) : Value(), Out,
                ShapeOf(C.getResult()), WS[2], WS[3], C.getStrides(), C.getPads(), C.getDilations(),
                C.getGroup(), {});
    return;
  }
  if (auto P = dyn_cast<graph::MaxPoolOp>(Op)) {
    Value Out = result(P.getResult(), Dest);
    lowerWindow(tile::WindowKind::Max, buffer(P.getInput()), ShapeOf(P.getInput()), Value(),
                Value(), Out, ShapeOf(P.getResult()), P.getKernel()[0], P.getKernel()[1],
                P.getStrides(), P.getPads(), P.getDilations(), 1, {});
    return;
  }
  if (auto P = dyn_cast<graph::AvgPoolOp>(Op)) {
    Value Out = result(P.getResult(), Dest);
    Shape IS = ShapeOf(P.getInput()), OS = ShapeOf(P.getResult());
    auto Pads = P.getPads();
    bool Padded = Pads[0] || Pads[1] || Pads[2] || Pads[3];
    std::vector<float> Scale;
    if (Padded && !P.getCountIncludePad()) {
      // Windows at the border count only the input elements they cover.
      for (int64_t Oy = 0; Oy < OS[2]; ++Oy)
        for (int64_t Ox = 0; Ox < OS[3]; ++Ox) {
          auto Span = [&](int64_t O, int64_t S, int64_t Pd, int64_t K, int64_t In) {
            int64_t Lo = O * S - Pd, Hi = Lo + K;
            return std::min(Hi, In) - std::max<int64_t>(Lo, 0);
          };
          int64_t Count = Span(Oy, P.getStrides()[0], Pads[0], P.getKernel()[0], IS[2]) *
                          Span(Ox, P.getStrides()[1], Pads[1], P.getKernel()[1], IS[3]);
          Scale.push_back(1.0f / float(std::max<int64_t>(Count, 1)));
        }
    }
    lowerWindow(tile::WindowKind::Sum, buffer(P.getInput()), IS, Value(), Value(), Out, OS,
                P.getKernel()[0], P.getKernel()[1], P.getStrides(), Pads, {1, 1}, 1, Scale);
    return;
  }
  if (auto Bn = dyn_cast<graph::BatchNormOp>(Op)) {
    // y = x * a + b per channel, a = scale / sqrt(var + eps), b = bias - mean * a,
    // computed now from the constant parameters.
    std::vector<float> A, Bv;
    if (!Bn.affine(A, Bv))
      return fail(Loc, "batch normalization with non-constant parameters is not lowered yet");
    Shape XS = ShapeOf(Bn.getInput());
    Shape PS(XS.size() - 1, 1);
    PS[0] = int64_t(A.size());
    Value AG = global(A, PS), BG = global(Bv, PS);
    Value Out = result(Bn.getResult(), Dest);
    elementwiseBuffers(K::Mul, {{buffer(Bn.getInput()), XS}, {AG, PS}}, XS, Out, {});
    elementwiseBuffers(K::Add, {{Out, XS}, {BG, PS}}, XS, Out, {});
    return;
  }
  auto Contig = [](const Shape &S) {
    std::vector<int64_t> St(S.size(), 1);
    for (size_t D = S.size(); D-- > 1;)
      St[D - 1] = St[D] * S[D];
    return St;
  };
  if (auto R = dyn_cast<graph::ReduceOp>(Op)) {
    Shape IS = ShapeOf(R.getInput());
    std::vector<int64_t> Axes(R.getAxes().begin(), R.getAxes().end());
    Value In = buffer(R.getInput());
    Value Out = result(R.getResult(), Dest);
    using RK = graph::ReduceKind;
    RowOp What = R.getKind() == RK::Max    ? RowOp::Max
                 : R.getKind() == RK::Min  ? RowOp::Min
                 : R.getKind() == RK::Prod ? RowOp::Prod
                 : R.getKind() == RK::Mean ? RowOp::Mean
                                           : RowOp::Sum;
    if (shapes::numElements(IS) == 0) {
      // Over no elements (the output is not empty, see above): the
      // identity of the reduction, as ONNX defines it; the mean has none.
      if (What == RowOp::Mean)
        return fail(Loc, "the mean over an empty axis is undefined");
      fill(Out, shapes::numElements(ShapeOf(R.getResult())),
           What == RowOp::Max    ? -INFINITY
           : What == RowOp::Min  ? INFINITY
           : What == RowOp::Prod ? 1.0f
                                 : 0.0f);
      return;
    }
    bool Adjacent = true;
    for (size_t K = 1; K < Axes.size(); ++K)
      Adjacent &= Axes[K] == Axes[K - 1] + 1;
    if (!Adjacent) {
      // Kept axes first, reduced axes last: a transposed copy, then rows.
      std::vector<int64_t> Perm;
      for (int64_t D = 0; D < int64_t(IS.size()); ++D)
        if (!llvm::is_contained(Axes, D))
          Perm.push_back(D);
      Perm.insert(Perm.end(), Axes.begin(), Axes.end());
      auto ISt = Contig(IS);
      Shape TS;
      std::vector<int64_t> SrcSt;
      for (int64_t P : Perm) {
        TS.push_back(IS[size_t(P)]);
        SrcSt.push_back(ISt[size_t(P)]);
      }
      Value T = B.create<memref::AllocOp>(Loc, tile::bufferType(TS, eltOf(In), tile::Space::DRAM));
      stridedCopy(In, 0, SrcSt, T, 0, Contig(TS), TS);
      int64_t Kept = int64_t(IS.size() - Axes.size());
      auto [Outer, Len, Inner] = split3(TS, Kept, int64_t(TS.size()));
      lowerRows(What, T, Out, Outer, Len, Inner);
      return;
    }
    // No axes (a reduction of a scalar): rows of one element, a copy.
    int64_t First = Axes.empty() ? int64_t(IS.size()) : Axes.front();
    int64_t Last = Axes.empty() ? int64_t(IS.size()) : Axes.back() + 1;
    auto [Outer, Len, Inner] = split3(IS, First, Last);
    lowerRows(What, In, Out, Outer, Len, Inner);
    return;
  }
  if (auto Sm = dyn_cast<graph::SoftmaxOp>(Op)) {
    Shape IS = ShapeOf(Sm.getInput());
    auto [Outer, Len, Inner] = split3(IS, Sm.getAxis(), Sm.getAxis() + 1);
    Value Out = result(Sm.getResult(), Dest);
    lowerRows(RowOp::Softmax, buffer(Sm.getInput()), Out, Outer, Len, Inner);
    return;
  }
  if (auto Ln = dyn_cast<graph::LayerNormOp>(Op)) {
    Shape IS = ShapeOf(Ln.getInput());
    auto [Outer, Len, Inner] = split3(IS, Ln.getAxis(), int64_t(IS.size()));
    if (shapes::numElements(ShapeOf(Ln.getScale())) != Len ||
        (Ln.getBias() && shapes::numElements(ShapeOf(Ln.getBias())) != Len))
      return fail(Loc, "layer normalization with broadcast scale or bias is not lowered yet");
    Value Out = result(Ln.getResult(), Dest);
    lowerRows(RowOp::LayerNorm, buffer(Ln.getInput()), Out, Outer, Len, Inner,
              buffer(Ln.getScale()), Ln.getBias() ? buffer(Ln.getBias()) : Value(),
              Ln.getEpsilon().convertToFloat());
    return;
  }
  if (auto T = dyn_cast<graph::TransposeOp>(Op)) {
    Shape IS = ShapeOf(T.getInput()), OS = ShapeOf(T.getResult());
    auto ISt = Contig(IS);
    std::vector<int64_t> SrcSt;
    for (int64_t P : T.getPerm())
      SrcSt.push_back(ISt[size_t(P)]);
    Value Out = result(T.getResult(), Dest);
    stridedCopy(buffer(T.getInput()), 0, SrcSt, Out, 0, Contig(OS), OS);
    return;
  }
  if (auto Sl = dyn_cast<graph::SliceOp>(Op)) {
    Shape IS = ShapeOf(Sl.getInput()), OS = ShapeOf(Sl.getResult());
    Value Out = result(Sl.getResult(), Dest);
    if (shapes::numElements(OS) == 0)
      return;
    auto ISt = Contig(IS);
    std::vector<int64_t> SrcSt;
    int64_t Off = 0;
    for (size_t D = 0; D < IS.size(); ++D) {
      Off += Sl.getStarts()[D] * ISt[D];
      SrcSt.push_back(Sl.getSteps()[D] * ISt[D]);
    }
    stridedCopy(buffer(Sl.getInput()), Off, SrcSt, Out, 0, Contig(OS), OS);
    return;
  }
  if (auto Cc = dyn_cast<graph::ConcatOp>(Op)) {
    Shape OS = ShapeOf(Cc.getResult());
    Value Out = result(Cc.getResult(), Dest);
    auto OSt = Contig(OS);
    int64_t At = 0, Axis = Cc.getAxis();
    for (Value V : Cc.getInputs()) {
      Shape IS = ShapeOf(V);
      if (shapes::numElements(IS))
        stridedCopy(buffer(V), 0, Contig(IS), Out, At * OSt[size_t(Axis)], OSt, IS);
      At += IS[size_t(Axis)];
    }
    return;
  }
  if (auto Ga = dyn_cast<graph::GatherOp>(Op)) {
    auto Idx = Ga.getIndices().getDefiningOp<graph::ConstantOp>();
    Shape IS = ShapeOf(Ga.getInput());
    int64_t Axis = Ga.getAxis();
    auto [Outer, Len, Inner] = split3(IS, Axis, Axis + 1);
    Value Out = result(Ga.getResult(), Dest);
    if (!Idx) {
      // Indices known at run time (an embedding lookup): int64 in DRAM.
      auto IT = cast<RankedTensorType>(Ga.getIndices().getType());
      if (!IT.getElementType().isInteger(64))
        return fail(Loc, "gather indices must be int64 at run time");
      int64_t NI = IT.getNumElements();
      if (Outer * Inner > tileElements() * 2)
        return fail(Loc, "a gathered slice of " + std::to_string(Outer * Inner) +
                             " elements does not fit the SRAM tile budget yet");
      auto IdxT = tile::bufferType({NI}, IT.getElementType(), tile::Space::SRAM);
      Value IdxBuf = B.create<memref::AllocOp>(Loc, IdxT);
      Value Stage = sram(Outer * Inner, eltOf(buffer(Ga.getInput())));
      dma(buffer(Ga.getIndices()), idx(0), IdxBuf, idx(0), {1, 1, NI}, {0, 0}, {0, 0});
      B.create<tile::GatherOp>(Loc, buffer(Ga.getInput()), IdxBuf, idx(0), Stage, Out,
                               B.getI64IntegerAttr(NI), B.getI64IntegerAttr(Outer),
                               B.getI64IntegerAttr(Len), B.getI64IntegerAttr(Inner));
      free(Stage);
      free(IdxBuf);
      return;
    }
    auto Vals = cast<DenseElementsAttr>(Idx.getValue());
    int64_t NIdx = Vals.getNumElements(), K = 0;
    for (APInt I : Vals.getValues<APInt>()) {
      // Out viewed as [Outer, NIdx, Inner]: slice I of the input goes to K.
      stridedCopy(buffer(Ga.getInput()), I.getSExtValue() * Inner, {Len * Inner, 1}, Out, K * Inner,
                  {NIdx * Inner, 1}, {Outer, Inner});
      ++K;
    }
    return;
  }
  if (auto Sc = dyn_cast<graph::ScatterOp>(Op)) {
    // The whole result in SRAM: a copy of data, the updates applied in order.
    int64_t N = Sc.getType().getNumElements(), K = Sc.getIndices().getType().getNumElements();
    Value Out = result(Sc.getResult(), Dest);
    if (N + 3 * K > tileElements() * 2)
      return fail(Loc, "a scatter into " + std::to_string(N) + " elements with " +
                           std::to_string(K) + " updates does not fit the SRAM tile budget yet");
    Value D = sram(N, eltOf(Out)), I = sram(std::max<int64_t>(K, 1), B.getI64Type()),
          U = sram(std::max<int64_t>(K, 1), eltOf(Out));
    dma(buffer(Sc.getData()), idx(0), D, idx(0), {1, 1, N}, {0, 0}, {0, 0});
    if (K) {
      dma(buffer(Sc.getIndices()), idx(0), I, idx(0), {1, 1, K}, {0, 0}, {0, 0});
      dma(buffer(Sc.getUpdates()), idx(0), U, idx(0), {1, 1, K}, {0, 0}, {0, 0});
      B.create<tile::ScatterOp>(Loc, D, I, U, B.getI64IntegerAttr(K),
                                B.getI64IntegerAttr(int64_t(Sc.getReduction())));
    }
    dma(D, idx(0), Out, idx(0), {1, 1, N}, {0, 0}, {0, 0});
    for (Value V : {D, I, U})
      free(V);
    return;
  }
  if (auto Ca = dyn_cast<graph::CastOp>(Op)) {
    Type From = Ca.getInput().getType().getElementType(), To = Ca.getType().getElementType();
    if (From == To) {
      Buffers[Ca.getResult()] = buffer(Ca.getInput());
      if (Dest)
        copy(buffer(Ca.getInput()), Dest, Ca.getType().getNumElements());
      return;
    }
    Value Out = result(Ca.getResult(), Dest), In = buffer(Ca.getInput());
    int64_t N = Ca.getType().getNumElements(), T = tileElements();
    auto SramOf = [&](Type E, int64_t Count) {
      return B.create<memref::AllocOp>(Loc, tile::bufferType({Count}, E, tile::Space::SRAM))
          .getResult();
    };
    Value IB = SramOf(From, std::min(N, T)), OB = SramOf(To, std::min(N, T));
    forTiles(N, T, [&](Value Off, int64_t Cnt) {
      dma(In, Off, IB, idx(0), {1, 1, Cnt}, {0, 0}, {0, 0});
      B.create<tile::ConvertOp>(Loc, IB, idx(0), OB, idx(0), B.getI64IntegerAttr(Cnt));
      dma(OB, idx(0), Out, Off, {1, 1, Cnt}, {0, 0}, {0, 0});
    });
    free(IB);
    free(OB);
    return;
  }
  if (auto Pw = dyn_cast<graph::PowOp>(Op)) {
    // Constant exponents get exact forms; the general one is e^(y ln x),
    // defined for x > 0 only.
    std::vector<float> E = graph::constantF32(Pw.getRhs());
    if (E.size() == 1 &&
        (E[0] == 2.0f || E[0] == 0.5f || E[0] == 1.0f || E[0] == -1.0f || E[0] == 3.0f)) {
      Shape XS = ShapeOf(Pw.getLhs()), OS = ShapeOf(Pw.getResult());
      Value X = buffer(Pw.getLhs()), Out = result(Pw.getResult(), Dest);
      if (E[0] == 2.0f || E[0] == 3.0f) {
        elementwiseBuffers(K::Mul, {{X, XS}, {X, XS}}, OS, Out, {});
        if (E[0] == 3.0f)
          elementwiseBuffers(K::Mul, {{Out, OS}, {X, XS}}, OS, Out, {});
      } else {
        K Kd = E[0] == 0.5f ? K::Sqrt : E[0] == -1.0f ? K::Reciprocal : K::Copy;
        elementwiseBuffers(Kd, {{X, XS}}, OS, Out, {});
      }
      return;
    }
  }
  auto Elt = dyn_cast<graph::ElementwiseOpInterface>(Op);
  if (!Elt)
    return fail(Loc, "lowering of '" + Op->getName().getStringRef().str() +
                         "' to the tile dialect is not implemented yet");
  K Kind = Elt.getEltKind();
  SmallVector<float> Params = Elt.getEltParams();
  lowerElementwise(Op, Kind, Params, Dest);
}

LogicalResult Lowering::run() {
  auto Old = M.lookupSymbol<func::FuncOp>("main");
  if (!Old)
    return M.emitError("no @main function");
  {
    // The new signature: inputs, then one buffer per result.
    SmallVector<Type> Args;
    for (Type T : Old.getArgumentTypes())
      Args.push_back(dramType(T));
    for (Type T : Old.getResultTypes())
      Args.push_back(dramType(T));
    B.setInsertionPoint(Old);
    auto New = B.create<func::FuncOp>(Old.getLoc(), "main_tiled", B.getFunctionType(Args, {}));
    Block *Entry = New.addEntryBlock();
    unsigned NIn = Old.getNumArguments();
    for (unsigned I = 0; I < NIn; ++I) {
      Buffers[Old.getArgument(I)] = Entry->getArgument(I);
      New.setArgAttrs(I, Old.getArgAttrDict(I));
    }
    for (unsigned I = 0; I < Old.getNumResults(); ++I)
      New.setArgAttrs(NIn + I, Old.getResultAttrDict(I));
    New->setAttr("d1.num_inputs", B.getI64IntegerAttr(NIn));

    auto Ret = cast<func::ReturnOp>(Old.getBody().front().getTerminator());
    // A returned value computed here is written straight into its output.
    for (auto [I, V] : llvm::enumerate(Ret.getOperands()))
      if (V.getDefiningOp() && !Dests.count(V))
        Dests[V] = Entry->getArgument(NIn + unsigned(I));
    B.setInsertionPointToStart(Entry);
    for (Operation &Op : Old.getBody().front().without_terminator()) {
      lowerOp(&Op, Op.getNumResults() ? Dests.lookup(Op.getResult(0)) : Value());
      if (Failed) {
        New.erase();
        return failure();
      }
    }
    // Outputs not written by their producer (inputs, repeated values).
    for (auto [I, V] : llvm::enumerate(Ret.getOperands())) {
      Value Out = Entry->getArgument(NIn + unsigned(I));
      if (Dests.lookup(V) == Out)
        continue;
      Loc = Old.getLoc();
      copy(buffer(V), Out, cast<RankedTensorType>(V.getType()).getNumElements());
    }
    if (Failed) {
      New.erase();
      return failure();
    }
    B.create<func::ReturnOp>(Old.getLoc());
    Old.erase();
    New.setName("main");
    return success();
  }
}

} // namespace d1::graphtotile

namespace {

using namespace d1;
using namespace d1::graphtotile;

struct GraphToTilePass : d1::impl::GraphToTileBase<GraphToTilePass> {
  using GraphToTileBase::GraphToTileBase;
  void runOnOperation() override {
    if (Precision != "fp32" && Precision != "bf16") {
      getOperation().emitError("precision must be fp32 or bf16, not '") << Precision << "'";
      return signalPassFailure();
    }
    Lowering L(getOperation(), getTargetMachine(getOperation())[MachineParamId::sram_bytes],
               Precision == "bf16", DoubleBuffer);
    if (failed(L.run()))
      signalPassFailure();
  }
};

} // namespace
