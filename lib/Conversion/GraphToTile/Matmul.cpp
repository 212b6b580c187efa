//===- Matmul.cpp - Gemm and matmul ----------------------------------------===//
#include "Lowering.h"

namespace d1::graphtotile {

// Out[b] (M x N, row stride N) = Alpha * op(A[b]) x op(B[b]) + Beta * C.
void Lowering::lowerMatmul(Value A, Value Bm, bool TransA, bool TransB, int64_t M, int64_t N,
                           int64_t K, ArrayRef<BatchDim> Batch, Value C, float Alpha, float Beta,
                           Value Out, Epilogue *Ep, graph::MatmulTilingAttr Chosen) {
  // Tiles: A TM x TK, B TK x TN, C TM x TN within the budget.
  // In bf16 the products run on the matrix unit, from bf16 copies of the
  // A and B tiles in a scratch buffer.
  // The op's graph.tiling (graph-select-tiling, or set by hand), else chosen here.
  int64_t Extra = Ep ? Ep->ExtraTiles : 0;
  plan::MatmulTiling MT = plan::matmulTiling(M, N, K, plan::matmulBudget(SramBytes), Extra, Bf16);
  if (Chosen) {
    plan::MatmulTiling Set = matmulTiling(Chosen);
    if ((Set.TM != MT.TM || Set.TN != MT.TN || Set.TK != MT.TK) &&
        !checkTiling(Chosen, plan::checkMatmulTiling(M, N, K, Set, plan::matmulBudget(SramBytes),
                                                     Extra, Bf16)))
      return;
    MT = Set;
  }
  int64_t TM = MT.TM, TN = MT.TN, TK = MT.TK;
  Value ABuf = sram(TM * TK), BBuf = sram(TK * TN), CBuf = sram(TM * TN);
  Value Scratch = Bf16 && K
                      ? sram(plan::mmaMatmulLayout(TM, TN, TK).ScratchBytes / 2, B.getBF16Type())
                      : Value();
  Shape CShape;
  Value CBias, CTile;
  int64_t CSm = 0, CSn = 0;
  if (C) {
    CShape = Shape(cast<MemRefType>(buffer(C).getType()).getShape());
    // Strides of C broadcast to [M, N].
    Shape S = CShape;
    while (S.size() < 2)
      S.insert(S.begin(), 1);
    CSn = S[1] == 1 ? 0 : 1;
    CSm = S[0] == 1 ? 0 : S[1];
    CBias = buffer(C);
    CTile = sram((CSm ? TM : 1) * (CSn ? TN : 1));
  }
  std::vector<Value> Origin; // output index of the batch (epilogue operands)
  auto Body = [&](Value ABase, Value BBase, Value OBase) {
    forTiles(M, TM, [&](Value M0, int64_t Tm) {
      forTiles(N, TN, [&](Value N0, int64_t Tn) {
        // One K tile: the product overwrites C; several: C starts at zero
        // and every tile accumulates; none (K = 0): the product is zero.
        bool Accumulate = K > TK;
        if (Accumulate || K == 0)
          elementwise(tile::EltKind::Fill, CBuf, idx(0), 0, Value(), Value(), 0, CBuf, idx(0),
                      Tm * Tn, {0.0f});
        forTiles(K, TK, [&](Value K0, int64_t Tk) {
          // A tile (Tm x Tk), from A[M][K] or from A^T stored [K][M].
          Value AOff = add(ABase, TransA ? add(mul(K0, M), M0) : add(mul(M0, K), K0));
          // Transposed operands: one plane per output row/column, one
          // element per row (a DMA moves them one element per cycle).
          if (!TransA)
            dma(A, AOff, ABuf, idx(0), {1, Tm, Tk}, {0, K}, {0, Tk});
          else
            dma(A, AOff, ABuf, idx(0), {Tm, Tk, 1}, {1, M}, {Tk, 1});
          Value BOff2 = add(BBase, TransB ? add(mul(N0, K), K0) : add(mul(K0, N), N0));
          if (!TransB)
            dma(Bm, BOff2, BBuf, idx(0), {1, Tk, Tn}, {0, N}, {0, Tn});
          else
            dma(Bm, BOff2, BBuf, idx(0), {Tn, Tk, 1}, {K, 1}, {1, Tn});
          auto I64 = [&](int64_t V) { return B.getI64IntegerAttr(V); };
          if (Scratch)
            B.create<tile::MatmulMmaOp>(Loc, ABuf, idx(0), BBuf, idx(0), Scratch, idx(0), CBuf,
                                        idx(0), I64(Tm), I64(Tn), I64(Tk), I64(Tk), I64(Tn),
                                        I64(Tn), B.getBoolAttr(Accumulate));
          else
            B.create<tile::MatmulOp>(Loc, ABuf, idx(0), BBuf, idx(0), CBuf, idx(0), I64(Tm),
                                     I64(Tn), I64(Tk), I64(Tk), I64(Tn), I64(Tn),
                                     B.getBoolAttr(Accumulate));
        });
        if (Alpha != 1.0f)
          elementwise(tile::EltKind::Affine, CBuf, idx(0), 1, Value(), Value(), 0, CBuf, idx(0),
                      Tm * Tn, {Alpha, 0.0f});
        if (C) {
          int64_t Rows = CSm ? Tm : 1, Cols = CSn ? Tn : 1;
          dma(CBias, add(mul(M0, CSm), mul(N0, CSn)), CTile, idx(0), {1, Rows, Cols}, {0, CSm},
              {0, Cols});
          if (Beta != 1.0f)
            elementwise(tile::EltKind::Affine, CTile, idx(0), 1, Value(), Value(), 0, CTile, idx(0),
                        Rows * Cols, {Beta, 0.0f});
          for (int64_t Rw = 0; Rw < Tm; ++Rw)
            elementwise(tile::EltKind::Add, CBuf, idx(Rw * Tn), 1, CTile, idx(CSm ? Rw * Cols : 0),
                        CSn, CBuf, idx(Rw * Tn), Tn);
        }
        Value OOff = add(OBase, add(mul(M0, N), N0));
        if (Ep) {
          std::vector<Value> At = Origin;
          At[size_t(Ep->Dims.R)] = M0;
          At[size_t(Ep->Dims.C)] = N0;
          runEpilogue(*Ep, CBuf, 1, Tm, Tn, At, OOff, {0, N});
        } else {
          dma(CBuf, idx(0), Out, OOff, {1, Tm, Tn}, {0, Tn}, {0, N});
        }
      });
    });
  };
  // Batch dimensions are loops; an operand that broadcasts has stride 0.
  std::function<void(size_t, Value, Value, Value, int64_t)> Loops =
      [&](size_t D, Value AO, Value BO, Value OO, int64_t OStride) {
        if (D == Batch.size())
          return Body(AO, BO, OO);
        int64_t Inner = OStride / Batch[D].Size;
        auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Batch[D].Size), idx(1));
        OpBuilder::InsertionGuard G(B);
        B.setInsertionPointToStart(For.getBody());
        Value Iv = For.getInductionVar();
        if (Ep)
          Origin[size_t(Batch[D].OutDim)] = Iv;
        Loops(D + 1, add(AO, mul(Iv, Batch[D].AStride)), add(BO, mul(Iv, Batch[D].BStride)),
              add(OO, mul(Iv, Inner)), Inner);
      };
  int64_t OutBatch = M * N;
  for (const BatchDim &D : Batch)
    OutBatch *= D.Size;
  if (Ep)
    Origin.assign(Ep->OutShape.size(), idx(0));
  Loops(0, idx(0), idx(0), idx(0), OutBatch);
  for (Value V : {ABuf, BBuf, CBuf})
    free(V);
  for (Value V : {CTile, Scratch})
    if (V)
      free(V);
}

Value Lowering::lowerGemm(graph::GemmOp G, Value Dest, Epilogue *Ep) {
  MatmulExtent E = matmulExtent(G, {});
  Value Out = result(G.getResult(), Dest, Ep);
  Value BBuf = buffer(G.getB());
  bool TransB = G.getTransB();
  // A constant transposed weight (PyTorch's Linear) is transposed now.
  if (auto C = G.getB().getDefiningOp<graph::ConstantOp>(); C && TransB) {
    BBuf = transposedConstant(C);
    TransB = false;
  }
  lowerMatmul(buffer(G.getA()), BBuf, G.getTransA(), TransB, E.M, E.N, E.K, {}, G.getC(),
              G.getAlpha().convertToFloat(), G.getBeta().convertToFloat(), Out, Ep,
              G->getAttrOfType<graph::MatmulTilingAttr>(TilingAttrName));
  return Out;
}

Value Lowering::lowerMatMul(graph::MatMulOp MM, Value Dest, Epilogue *Ep) {
  Shape AS(MM.getLhs().getType().getShape()), BS(MM.getRhs().getType().getShape());
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
  // The batch folds into the rows unless an epilogue operand would then
  // stride across them.
  if (matmulFoldsBatch(MM, Ep ? ArrayRef<Operation *>(Ep->Ops) : ArrayRef<Operation *>())) {
    for (const BatchDim &D : Batch)
      M *= D.Size;
    Batch.clear();
  }
  Value Out = result(MM.getResult(), Dest, Ep);
  lowerMatmul(buffer(MM.getLhs()), buffer(MM.getRhs()), false, false, M, N, K, Batch, Value(), 1.0f,
              1.0f, Out, Ep, MM->getAttrOfType<graph::MatmulTilingAttr>(TilingAttrName));
  return Out;
}

void populateMatmulPatterns(PatternSink &P) {
  P.add<graph::GemmOp>(&Lowering::lowerGemm);
  P.add<graph::MatMulOp>(&Lowering::lowerMatMul);
}

} // namespace d1::graphtotile
