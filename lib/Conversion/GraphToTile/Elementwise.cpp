//===- Elementwise.cpp - Elementwise ops, pow, batch norm, cast -------------===//
#include "Lowering.h"

namespace d1::graphtotile {

// Elementwise with numpy broadcasting. The output is walked as rows: dims
// are coalesced, the innermost becomes the row, the next one is tiled, and
// the rest are loops. Each input has an element stride per output dim (0
// where it broadcasts).
Value Lowering::lowerElementwise(Operation *Op, tile::EltKind Kind, ArrayRef<float> Params,
                                 Value Dest) {
  std::vector<std::pair<Value, Shape>> Ins;
  for (Value V : Op->getOperands())
    Ins.push_back({buffer(V), Shape(cast<RankedTensorType>(V.getType()).getShape())});
  Shape Out(cast<RankedTensorType>(Op->getResult(0).getType()).getShape());
  Value Res = result(Op->getResult(0), Dest);
  elementwiseBuffers(Kind, Ins, Out, Res, Params);
  return Res;
}

void Lowering::elementwiseBuffers(tile::EltKind Kind,
                                  const std::vector<std::pair<Value, Shape>> &Operands,
                                  const Shape &Out, Value Res, ArrayRef<float> Params) {
  int64_t R = int64_t(Out.size());
  unsigned NIn = unsigned(Operands.size());
  std::vector<std::vector<int64_t>> Strides(NIn);
  for (unsigned I = 0; I < NIn; ++I)
    Strides[I] = broadcastStrides(Operands[I].second, size_t(R));
  // Coalesce dims where every operand (and the contiguous output) continues.
  std::vector<int64_t> Dims;
  std::vector<std::vector<int64_t>> CS(NIn);
  for (int64_t D = 0; D < R; ++D) {
    if (Out[size_t(D)] == 1)
      continue;
    bool Merge = !Dims.empty();
    for (unsigned I = 0; I < NIn && Merge; ++I)
      Merge = CS[I].back() == Strides[I][size_t(D)] * Out[size_t(D)];
    if (Merge) {
      Dims.back() *= Out[size_t(D)];
      for (unsigned I = 0; I < NIn; ++I)
        CS[I].back() = Strides[I][size_t(D)];
    } else {
      Dims.push_back(Out[size_t(D)]);
      for (unsigned I = 0; I < NIn; ++I)
        CS[I].push_back(Strides[I][size_t(D)]);
    }
  }
  if (Dims.empty()) {
    Dims.push_back(1);
    for (unsigned I = 0; I < NIn; ++I)
      CS[I].push_back(0);
  }
  // Now: rows of L = Dims.back() elements; each input's inner stride is 0 or 1.
  size_t ND = Dims.size();
  int64_t L = Dims.back(), T = tileElements() / int64_t(NIn + 1);
  int64_t Chunk = std::min(L, T); // row piece
  int64_t RowsDim = ND >= 2 ? Dims[ND - 2] : 1;
  int64_t TR = std::max<int64_t>(1, std::min(RowsDim, T / Chunk)); // rows per tile
  std::vector<Value> In(NIn), InBuf(NIn);
  for (unsigned I = 0; I < NIn; ++I) {
    In[I] = Operands[I].first;
    InBuf[I] = sram(TR * (CS[I].back() ? Chunk : 1), eltOf(In[I]));
  }
  Value OutBuf = sram(TR * Chunk, eltOf(Res));
  auto RowStride = [&](unsigned I) { return ND >= 2 ? CS[I][ND - 2] : 0; };
  int64_t OutRowStride = L;

  std::function<void(size_t, std::vector<Value>, Value)> Outer =
      [&](size_t D, std::vector<Value> InOff, Value OutOff) {
        if (D + 2 < ND) {
          // Contiguous output: stride of dim D is the product of later dims.
          int64_t OutStride = 1;
          for (size_t E = D + 1; E < ND; ++E)
            OutStride *= Dims[E];
          auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Dims[D]), idx(1));
          OpBuilder::InsertionGuard G(B);
          B.setInsertionPointToStart(For.getBody());
          Value Iv = For.getInductionVar();
          std::vector<Value> Next;
          for (unsigned I = 0; I < NIn; ++I)
            Next.push_back(add(InOff[I], mul(Iv, CS[I][D])));
          Outer(D + 1, Next, add(OutOff, mul(Iv, OutStride)));
          return;
        }
        forTiles(RowsDim, TR, [&](Value Row0, int64_t Rows) {
          forTiles(L, Chunk, [&](Value Col0, int64_t Cols) {
            for (unsigned I = 0; I < NIn; ++I) {
              int64_t Inner = CS[I].back() ? Cols : 1;
              Value Src = add(add(InOff[I], mul(Row0, RowStride(I))), mul(Col0, CS[I].back()));
              dma(In[I], Src, InBuf[I], idx(0), {1, Rows, Inner}, {0, RowStride(I)}, {0, Inner});
            }
            auto At = [&](unsigned I, int64_t Rw) {
              return I < NIn ? idx(Rw * (CS[I].back() ? Cols : 1)) : Value();
            };
            auto Buf = [&](unsigned I) { return I < NIn ? InBuf[I] : Value(); };
            auto Str = [&](unsigned I) { return I < NIn ? CS[I].back() : 0; };
            for (int64_t Rw = 0; Rw < Rows; ++Rw)
              elementwise(Kind, InBuf[0], At(0, Rw), Str(0), Buf(1), At(1, Rw), Str(1), OutBuf,
                          idx(Rw * Cols), Cols, Params, Buf(2), At(2, Rw), Str(2));
            Value Dst = add(add(OutOff, mul(Row0, OutRowStride)), Col0);
            dma(OutBuf, idx(0), Res, Dst, {1, Rows, Cols}, {0, Cols}, {0, OutRowStride});
          });
        });
      };
  std::vector<Value> Zero(NIn, idx(0));
  Outer(0, Zero, idx(0));
  for (Value V : InBuf)
    free(V);
  free(OutBuf);
}

Value Lowering::lowerElementwiseOp(graph::ElementwiseOpInterface Op, Value Dest) {
  return lowerElementwise(Op, Op.getEltKind(), Op.getEltParams(), Dest);
}

Value Lowering::lowerPow(graph::PowOp Op, Value Dest) {
  // Constant exponents get exact forms; the general one is e^(y ln x),
  // defined for x > 0 only.
  using K = tile::EltKind;
  std::vector<float> E = graph::constantF32(Op.getRhs());
  if (E.size() != 1 ||
      !(E[0] == 2.0f || E[0] == 0.5f || E[0] == 1.0f || E[0] == -1.0f || E[0] == 3.0f))
    return lowerElementwiseOp(cast<graph::ElementwiseOpInterface>(Op.getOperation()), Dest);
  Shape XS = shapeOf(Op.getLhs()), OS = shapeOf(Op.getResult());
  Value X = buffer(Op.getLhs()), Out = result(Op.getResult(), Dest);
  if (E[0] == 2.0f || E[0] == 3.0f) {
    elementwiseBuffers(K::Mul, {{X, XS}, {X, XS}}, OS, Out, {});
    if (E[0] == 3.0f)
      elementwiseBuffers(K::Mul, {{Out, OS}, {X, XS}}, OS, Out, {});
  } else {
    K Kd = E[0] == 0.5f ? K::Sqrt : E[0] == -1.0f ? K::Reciprocal : K::Copy;
    elementwiseBuffers(Kd, {{X, XS}}, OS, Out, {});
  }
  return Out;
}

Value Lowering::lowerBatchNorm(graph::BatchNormOp Op, Value Dest) {
  // y = x * a + b per channel, a = scale / sqrt(var + eps), b = bias - mean * a,
  // computed now from the constant parameters.
  std::vector<float> A, Bv;
  if (!Op.affine(A, Bv))
    return fail(Loc, "batch normalization with non-constant parameters is not lowered yet");
  Shape XS = shapeOf(Op.getInput());
  Shape PS(XS.size() - 1, 1);
  PS[0] = int64_t(A.size());
  Value AG = global(A, PS), BG = global(Bv, PS);
  Value Out = result(Op.getResult(), Dest);
  elementwiseBuffers(tile::EltKind::Mul, {{buffer(Op.getInput()), XS}, {AG, PS}}, XS, Out, {});
  elementwiseBuffers(tile::EltKind::Add, {{Out, XS}, {BG, PS}}, XS, Out, {});
  return Out;
}

Value Lowering::lowerCast(graph::CastOp Op, Value Dest) {
  Type From = Op.getInput().getType().getElementType(), To = Op.getType().getElementType();
  if (From == To) {
    if (Dest)
      copy(buffer(Op.getInput()), Dest, Op.getType().getNumElements());
    return buffer(Op.getInput());
  }
  Value Out = result(Op.getResult(), Dest), In = buffer(Op.getInput());
  int64_t N = Op.getType().getNumElements(), T = tileElements();
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
  return Out;
}

void populateElementwisePatterns(PatternSink &P) {
  P.addInterface<graph::ElementwiseOpInterface>([](Lowering &L, Operation *Op, Value Dest) {
    return L.lowerElementwiseOp(cast<graph::ElementwiseOpInterface>(Op), Dest);
  });
  P.add(&Lowering::lowerPow);
  P.add(&Lowering::lowerBatchNorm);
  P.add(&Lowering::lowerCast);
}

} // namespace d1::graphtotile
