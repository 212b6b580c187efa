//===- Reductions.cpp - Reductions, softmax and layer norm as row kernels ---===//
#include "Lowering.h"

namespace d1::graphtotile {

void Lowering::lowerRows(RowOp What, Value In, Value Out, int64_t Outer, int64_t Len, int64_t Inner,
                         Value Scale, Value Bias, float Eps) {
  using K = tile::EltKind;
  bool Reduce = What == RowOp::Sum || What == RowOp::Mean || What == RowOp::Max ||
                What == RowOp::Min || What == RowOp::Prod;
  tile::WindowKind RK = What == RowOp::Max    ? tile::WindowKind::Max
                        : What == RowOp::Min  ? tile::WindowKind::Min
                        : What == RowOp::Prod ? tile::WindowKind::Prod
                                              : tile::WindowKind::Sum;
  int64_t Budget = plan::rowBudget(SramBytes);
  if (Inner == 1) {
    // Rows of Len contiguous elements: TR rows per tile.
    if (Len * 2 + 64 > Budget)
      return (void)fail(Loc, "a row of " + std::to_string(Len) +
                                 " elements does not fit the SRAM tile budget yet");
    int64_t TR = std::max<int64_t>(1, std::min<int64_t>(Outer, Budget / (Len * 2 + 4)));
    Value X = sram(TR * Len), Y = sram(TR * Len), S = sram(TR), T = sram(TR);
    Value ScaleT = Scale ? sram(Len) : Value(), BiasT = Bias ? sram(Len) : Value();
    if (Scale)
      dma(Scale, idx(0), ScaleT, idx(0), {1, 1, Len}, {0, 0}, {0, 0});
    if (Bias)
      dma(Bias, idx(0), BiasT, idx(0), {1, 1, Len}, {0, 0}, {0, 0});
    forTiles(Outer, TR, [&](Value R0, int64_t Rows) {
      dma(In, mul(R0, Len), X, idx(0), {1, 1, Rows * Len}, {0, 0}, {0, 0});
      auto Reduce1 = [&](tile::WindowKind Kd, Value Src, Value Dst) {
        B.create<tile::ReduceOp>(Loc, tile::WindowKindAttr::get(B.getContext(), Kd), Src, idx(0),
                                 Dst, idx(0), B.getI64IntegerAttr(Rows), B.getI64IntegerAttr(Len));
      };
      auto PerRow = [&](const std::function<void(Value Off, Value Row)> &Body) {
        auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Rows), idx(1));
        OpBuilder::InsertionGuard G(B);
        B.setInsertionPointToStart(For.getBody());
        Body(mul(For.getInductionVar(), Len), For.getInductionVar());
      };
      if (Reduce) {
        Reduce1(RK, X, S);
        if (What == RowOp::Mean)
          elementwise(K::Affine, S, idx(0), 1, Value(), Value(), 0, S, idx(0), Rows,
                      {1.0f / float(Len), 0.0f});
        dma(S, idx(0), Out, R0, {1, 1, Rows}, {0, 0}, {0, 0});
        return;
      }
      if (What == RowOp::Softmax) {
        // e^(x - max) / sum
        Reduce1(tile::WindowKind::Max, X, S);
        PerRow([&](Value Off, Value Row) {
          elementwise(K::Sub, X, Off, 1, S, Row, 0, Y, Off, Len);
          elementwise(K::Exp, Y, Off, 1, Value(), Value(), 0, Y, Off, Len);
        });
        Reduce1(tile::WindowKind::Sum, Y, T);
        PerRow(
            [&](Value Off, Value Row) { elementwise(K::Div, Y, Off, 1, T, Row, 0, Y, Off, Len); });
      } else {
        // (x - mean) / sqrt(var + eps) * scale + bias
        Reduce1(tile::WindowKind::Sum, X, S);
        elementwise(K::Affine, S, idx(0), 1, Value(), Value(), 0, S, idx(0), Rows,
                    {1.0f / float(Len), 0.0f});
        PerRow([&](Value Off, Value Row) {
          elementwise(K::Sub, X, Off, 1, S, Row, 0, X, Off, Len);
          elementwise(K::Mul, X, Off, 1, X, Off, 1, Y, Off, Len);
        });
        Reduce1(tile::WindowKind::Sum, Y, T);
        elementwise(K::Affine, T, idx(0), 1, Value(), Value(), 0, T, idx(0), Rows,
                    {1.0f / float(Len), Eps});
        elementwise(K::Rsqrt, T, idx(0), 1, Value(), Value(), 0, T, idx(0), Rows);
        PerRow([&](Value Off, Value Row) {
          elementwise(K::Mul, X, Off, 1, T, Row, 0, Y, Off, Len);
          if (ScaleT)
            elementwise(K::Mul, Y, Off, 1, ScaleT, idx(0), 1, Y, Off, Len);
          if (BiasT)
            elementwise(K::Add, Y, Off, 1, BiasT, idx(0), 1, Y, Off, Len);
        });
      }
      dma(Y, idx(0), Out, mul(R0, Len), {1, 1, Rows * Len}, {0, 0}, {0, 0});
    });
    for (Value V : {X, Y, S, T, ScaleT, BiasT})
      if (V)
        free(V);
    return;
  }
  if (What == RowOp::LayerNorm)
    return (void)fail(Loc, "layer normalization over leading dimensions is not lowered yet");
  // Columns: [Len, TI] blocks combined row by row with elementwise ops.
  int64_t TI = std::max<int64_t>(1, std::min<int64_t>(Inner, Budget / (Len + 3)));
  if (Len + 3 > Budget)
    return (void)fail(Loc, "a reduction over " + std::to_string(Len) +
                               " rows does not fit the SRAM tile budget yet");
  Value X = sram(Len * TI), A = sram(TI), Sm = sram(TI);
  auto O = B.create<scf::ForOp>(Loc, idx(0), idx(Outer), idx(1));
  {
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(O.getBody());
    Value Ov = O.getInductionVar();
    forTiles(Inner, TI, [&](Value I0, int64_t Ti) {
      Value Src = add(mul(Ov, Len * Inner), I0);
      dma(In, Src, X, idx(0), {1, Len, Ti}, {0, Inner}, {0, Ti});
      auto Rows = [&](const std::function<void(Value)> &Body, int64_t First = 0) {
        if (First >= Len)
          return;
        auto For = B.create<scf::ForOp>(Loc, idx(First), idx(Len), idx(1));
        OpBuilder::InsertionGuard G2(B);
        B.setInsertionPointToStart(For.getBody());
        Body(mul(For.getInductionVar(), Ti));
      };
      K Combine = What == RowOp::Max || What == RowOp::Softmax ? K::Max
                  : What == RowOp::Min                         ? K::Min
                  : What == RowOp::Prod                        ? K::Mul
                                                               : K::Add;
      // Row 0, combined with rows 1 .. Len - 1.
      elementwise(K::Copy, X, idx(0), 1, Value(), Value(), 0, A, idx(0), Ti);
      Rows([&](Value Off) { elementwise(Combine, A, idx(0), 1, X, Off, 1, A, idx(0), Ti); }, 1);
      if (Reduce) {
        if (What == RowOp::Mean)
          elementwise(K::Affine, A, idx(0), 1, Value(), Value(), 0, A, idx(0), Ti,
                      {1.0f / float(Len), 0.0f});
        dma(A, idx(0), Out, add(mul(Ov, Inner), I0), {1, 1, Ti}, {0, 0}, {0, 0});
        return;
      }
      // Softmax across rows.
      elementwise(K::Fill, Sm, idx(0), 0, Value(), Value(), 0, Sm, idx(0), Ti, {0.0f});
      Rows([&](Value Off) {
        elementwise(K::Sub, X, Off, 1, A, idx(0), 1, X, Off, Ti);
        elementwise(K::Exp, X, Off, 1, Value(), Value(), 0, X, Off, Ti);
        elementwise(K::Add, Sm, idx(0), 1, X, Off, 1, Sm, idx(0), Ti);
      });
      Rows([&](Value Off) { elementwise(K::Div, X, Off, 1, Sm, idx(0), 1, X, Off, Ti); });
      dma(X, idx(0), Out, Src, {1, Len, Ti}, {0, Ti}, {0, Inner});
    });
  }
  for (Value V : {X, A, Sm})
    free(V);
}

Value Lowering::lowerReduce(graph::ReduceOp Op, Value Dest) {
  Shape IS = shapeOf(Op.getInput());
  std::vector<int64_t> Axes(Op.getAxes().begin(), Op.getAxes().end());
  Value In = buffer(Op.getInput());
  Value Out = result(Op.getResult(), Dest);
  using RK = graph::ReduceKind;
  RowOp What = Op.getKind() == RK::Max    ? RowOp::Max
               : Op.getKind() == RK::Min  ? RowOp::Min
               : Op.getKind() == RK::Prod ? RowOp::Prod
               : Op.getKind() == RK::Mean ? RowOp::Mean
                                          : RowOp::Sum;
  if (shapes::numElements(IS) == 0) {
    // Over no elements (the output is not empty: LowerEmpty takes those):
    // the identity of the reduction, as ONNX defines it; the mean has none.
    if (What == RowOp::Mean)
      return fail(Loc, "the mean over an empty axis is undefined");
    fill(Out, shapes::numElements(shapeOf(Op.getResult())),
         What == RowOp::Max    ? -INFINITY
         : What == RowOp::Min  ? INFINITY
         : What == RowOp::Prod ? 1.0f
                               : 0.0f);
    return Out;
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
    auto ISt = contiguousStrides(IS);
    Shape TS;
    std::vector<int64_t> SrcSt;
    for (int64_t P : Perm) {
      TS.push_back(IS[size_t(P)]);
      SrcSt.push_back(ISt[size_t(P)]);
    }
    Value T = B.create<memref::AllocOp>(Loc, tile::bufferType(TS, eltOf(In), tile::Space::DRAM));
    stridedCopy(In, 0, SrcSt, T, 0, contiguousStrides(TS), TS);
    int64_t Kept = int64_t(IS.size() - Axes.size());
    auto [Outer, Len, Inner] = split3(TS, Kept, int64_t(TS.size()));
    lowerRows(What, T, Out, Outer, Len, Inner);
    return Out;
  }
  // No axes (a reduction of a scalar): rows of one element, a copy.
  int64_t First = Axes.empty() ? int64_t(IS.size()) : Axes.front();
  int64_t Last = Axes.empty() ? int64_t(IS.size()) : Axes.back() + 1;
  auto [Outer, Len, Inner] = split3(IS, First, Last);
  lowerRows(What, In, Out, Outer, Len, Inner);
  return Out;
}

Value Lowering::lowerSoftmax(graph::SoftmaxOp Op, Value Dest) {
  Shape IS = shapeOf(Op.getInput());
  auto [Outer, Len, Inner] = split3(IS, Op.getAxis(), Op.getAxis() + 1);
  Value Out = result(Op.getResult(), Dest);
  lowerRows(RowOp::Softmax, buffer(Op.getInput()), Out, Outer, Len, Inner);
  return Out;
}

Value Lowering::lowerLayerNorm(graph::LayerNormOp Op, Value Dest) {
  Shape IS = shapeOf(Op.getInput());
  auto [Outer, Len, Inner] = split3(IS, Op.getAxis(), int64_t(IS.size()));
  if (shapes::numElements(shapeOf(Op.getScale())) != Len ||
      (Op.getBias() && shapes::numElements(shapeOf(Op.getBias())) != Len))
    return fail(Loc, "layer normalization with broadcast scale or bias is not lowered yet");
  Value Out = result(Op.getResult(), Dest);
  lowerRows(RowOp::LayerNorm, buffer(Op.getInput()), Out, Outer, Len, Inner, buffer(Op.getScale()),
            Op.getBias() ? buffer(Op.getBias()) : Value(), Op.getEpsilon().convertToFloat());
  return Out;
}

void populateReductionPatterns(PatternSink &P) {
  P.add(&Lowering::lowerReduce);
  P.add(&Lowering::lowerSoftmax);
  P.add(&Lowering::lowerLayerNorm);
}

} // namespace d1::graphtotile
