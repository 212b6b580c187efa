//===- DataMovement.cpp - Reshape, transpose, slice, concat, gather, scatter ===//
#include "Lowering.h"

namespace d1::graphtotile {

void Lowering::stridedCopy(Value Src, int64_t SrcOff, const std::vector<int64_t> &SrcSt, Value Dst,
                           int64_t DstOff, const std::vector<int64_t> &DstSt, const Shape &Dims) {
  // The innermost two dims go in one DMA each way (rows contiguous when the
  // source's innermost stride is 1, else one element per row); the rest
  // are loops.
  size_t R = Dims.size();
  if (R == 0) {
    Value T = sram(1, eltOf(Src));
    dma(Src, idx(SrcOff), T, idx(0), {1, 1, 1}, {0, 0}, {0, 0});
    dma(T, idx(0), Dst, idx(DstOff), {1, 1, 1}, {0, 0}, {0, 0});
    free(T);
    return;
  }
  int64_t Rows = R >= 2 ? Dims[R - 2] : 1, Cols = Dims[R - 1];
  int64_t SRow = R >= 2 ? SrcSt[R - 2] : 0, DRow = R >= 2 ? DstSt[R - 2] : 0;
  bool Contig = SrcSt[R - 1] == 1 && DstSt[R - 1] == 1;
  int64_t Budget = tileElements() * 2;
  int64_t TR = std::max<int64_t>(1, std::min<int64_t>(Rows, Budget / Cols));
  if (Cols > Budget)
    return (void)fail(Loc, "a copy with rows of " + std::to_string(Cols) +
                               " elements does not fit the SRAM tile budget yet");
  Value T = sram(TR * Cols, eltOf(Src));
  std::function<void(size_t, Value, Value)> Loop = [&](size_t D, Value SO, Value DO) {
    if (D + 2 < R) {
      auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Dims[D]), idx(1));
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(For.getBody());
      Value Iv = For.getInductionVar();
      Loop(D + 1, add(SO, mul(Iv, SrcSt[D])), add(DO, mul(Iv, DstSt[D])));
      return;
    }
    forTiles(Rows, TR, [&](Value R0, int64_t Tr) {
      Value S = add(SO, mul(R0, SRow)), Dd = add(DO, mul(R0, DRow));
      if (Contig) {
        dma(Src, S, T, idx(0), {1, Tr, Cols}, {0, SRow}, {0, Cols});
        dma(T, idx(0), Dst, Dd, {1, Tr, Cols}, {0, Cols}, {0, DRow});
      } else {
        // One element per row of the DMA: planes are rows, rows are columns.
        dma(Src, S, T, idx(0), {Tr, Cols, 1}, {SRow, SrcSt[R - 1]}, {Cols, 1});
        dma(T, idx(0), Dst, Dd, {Tr, Cols, 1}, {Cols, 1}, {DRow, DstSt[R - 1]});
      }
    });
  };
  Loop(0, idx(SrcOff), idx(DstOff));
  free(T);
}

void Lowering::copy(Value Src, Value Dst, int64_t Elements) {
  int64_t T = tileElements();
  Type ET = cast<MemRefType>(Src.getType()).getElementType();
  Value Buf = B.create<memref::AllocOp>(
      Loc, tile::bufferType({std::min(T, Elements)}, ET, tile::Space::SRAM));
  forTiles(Elements, T, [&](Value Off, int64_t N) {
    dma(Src, Off, Buf, idx(0), {1, 1, N}, {0, 0}, {0, 0});
    dma(Buf, idx(0), Dst, Off, {1, 1, N}, {0, 0}, {0, 0});
  });
  free(Buf);
}

void Lowering::fill(Value Dst, int64_t Elements, float V) {
  int64_t T = std::min(tileElements(), Elements);
  Value Buf = sram(T);
  elementwise(tile::EltKind::Fill, Buf, idx(0), 0, Value(), Value(), 0, Buf, idx(0), T, {V});
  forTiles(Elements, T,
           [&](Value Off, int64_t N) { dma(Buf, idx(0), Dst, Off, {1, 1, N}, {0, 0}, {0, 0}); });
  free(Buf);
}

Value Lowering::lowerReshape(graph::ReshapeOp Op, Value Dest) {
  Value V = B.create<tile::ViewOp>(Loc, dramType(Op.getType()), buffer(Op.getInput()));
  if (Dest)
    copy(V, Dest, cast<RankedTensorType>(Op.getType()).getNumElements());
  return V;
}

Value Lowering::lowerTranspose(graph::TransposeOp Op, Value Dest) {
  Shape IS = shapeOf(Op.getInput()), OS = shapeOf(Op.getResult());
  auto ISt = contiguousStrides(IS);
  std::vector<int64_t> SrcSt;
  for (int64_t P : Op.getPerm())
    SrcSt.push_back(ISt[size_t(P)]);
  Value Out = result(Op.getResult(), Dest);
  stridedCopy(buffer(Op.getInput()), 0, SrcSt, Out, 0, contiguousStrides(OS), OS);
  return Out;
}

Value Lowering::lowerSlice(graph::SliceOp Op, Value Dest) {
  Shape IS = shapeOf(Op.getInput()), OS = shapeOf(Op.getResult());
  Value Out = result(Op.getResult(), Dest);
  if (shapes::numElements(OS) == 0)
    return Out;
  auto ISt = contiguousStrides(IS);
  std::vector<int64_t> SrcSt;
  int64_t Off = 0;
  for (size_t D = 0; D < IS.size(); ++D) {
    Off += Op.getStarts()[D] * ISt[D];
    SrcSt.push_back(Op.getSteps()[D] * ISt[D]);
  }
  stridedCopy(buffer(Op.getInput()), Off, SrcSt, Out, 0, contiguousStrides(OS), OS);
  return Out;
}

Value Lowering::lowerConcat(graph::ConcatOp Op, Value Dest) {
  Shape OS = shapeOf(Op.getResult());
  Value Out = result(Op.getResult(), Dest);
  auto OSt = contiguousStrides(OS);
  int64_t At = 0, Axis = Op.getAxis();
  for (Value V : Op.getInputs()) {
    Shape IS = shapeOf(V);
    if (shapes::numElements(IS))
      stridedCopy(buffer(V), 0, contiguousStrides(IS), Out, At * OSt[size_t(Axis)], OSt, IS);
    At += IS[size_t(Axis)];
  }
  return Out;
}

Value Lowering::lowerGather(graph::GatherOp Op, Value Dest) {
  auto Idx = Op.getIndices().getDefiningOp<graph::ConstantOp>();
  Shape IS = shapeOf(Op.getInput());
  int64_t Axis = Op.getAxis();
  auto [Outer, Len, Inner] = split3(IS, Axis, Axis + 1);
  Value Out = result(Op.getResult(), Dest);
  if (!Idx) {
    // Indices known at run time (an embedding lookup): int64 in DRAM.
    auto IT = cast<RankedTensorType>(Op.getIndices().getType());
    if (!IT.getElementType().isInteger(64))
      return fail(Loc, "gather indices must be int64 at run time");
    int64_t NI = IT.getNumElements();
    if (Outer * Inner > tileElements() * 2)
      return fail(Loc, "a gathered slice of " + std::to_string(Outer * Inner) +
                           " elements does not fit the SRAM tile budget yet");
    auto IdxT = tile::bufferType({NI}, IT.getElementType(), tile::Space::SRAM);
    Value IdxBuf = B.create<memref::AllocOp>(Loc, IdxT);
    Value Stage = sram(Outer * Inner, eltOf(buffer(Op.getInput())));
    dma(buffer(Op.getIndices()), idx(0), IdxBuf, idx(0), {1, 1, NI}, {0, 0}, {0, 0});
    B.create<tile::GatherOp>(Loc, buffer(Op.getInput()), IdxBuf, idx(0), Stage, Out,
                             B.getI64IntegerAttr(NI), B.getI64IntegerAttr(Outer),
                             B.getI64IntegerAttr(Len), B.getI64IntegerAttr(Inner));
    free(Stage);
    free(IdxBuf);
    return Out;
  }
  auto Vals = cast<DenseElementsAttr>(Idx.getValue());
  int64_t NIdx = Vals.getNumElements(), K = 0;
  for (APInt I : Vals.getValues<APInt>()) {
    // Out viewed as [Outer, NIdx, Inner]: slice I of the input goes to K.
    stridedCopy(buffer(Op.getInput()), I.getSExtValue() * Inner, {Len * Inner, 1}, Out, K * Inner,
                {NIdx * Inner, 1}, {Outer, Inner});
    ++K;
  }
  return Out;
}

Value Lowering::lowerScatter(graph::ScatterOp Op, Value Dest) {
  // The whole result in SRAM: a copy of data, the updates applied in order.
  int64_t N = Op.getType().getNumElements(), K = Op.getIndices().getType().getNumElements();
  Value Out = result(Op.getResult(), Dest);
  if (N + 3 * K > tileElements() * 2)
    return fail(Loc, "a scatter into " + std::to_string(N) + " elements with " + std::to_string(K) +
                         " updates does not fit the SRAM tile budget yet");
  Value D = sram(N, eltOf(Out)), I = sram(std::max<int64_t>(K, 1), B.getI64Type()),
        U = sram(std::max<int64_t>(K, 1), eltOf(Out));
  dma(buffer(Op.getData()), idx(0), D, idx(0), {1, 1, N}, {0, 0}, {0, 0});
  if (K) {
    dma(buffer(Op.getIndices()), idx(0), I, idx(0), {1, 1, K}, {0, 0}, {0, 0});
    dma(buffer(Op.getUpdates()), idx(0), U, idx(0), {1, 1, K}, {0, 0}, {0, 0});
    B.create<tile::ScatterOp>(Loc, D, I, U, B.getI64IntegerAttr(K),
                              B.getI64IntegerAttr(int64_t(Op.getReduction())));
  }
  dma(D, idx(0), Out, idx(0), {1, 1, N}, {0, 0}, {0, 0});
  for (Value V : {D, I, U})
    free(V);
  return Out;
}

void populateDataMovementPatterns(PatternSink &P) {
  P.add(&Lowering::lowerReshape);
  P.add(&Lowering::lowerTranspose);
  P.add(&Lowering::lowerSlice);
  P.add(&Lowering::lowerConcat);
  P.add(&Lowering::lowerGather);
  P.add(&Lowering::lowerScatter);
}

} // namespace d1::graphtotile
