//===- Tiling.cpp - The tiling of each kernel, chosen once ----------------===//
#include "dialects/Graph/Analysis/Tiling.h"
#include "d1/Support/Shapes.h"
#include "dialects/Graph/Analysis/Epilogue.h"
#include "dialects/Graph/Analysis/Rows.h"

#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace d1;

static ArrayRef<int64_t> shapeOf(Value V) { return cast<RankedTensorType>(V.getType()).getShape(); }

/// Whether the lowering's weight buffer is a constant fp32 memref.global it
/// can pack for the matrix unit (a graph.constant, or a cast of one to its
/// own type, which shares its buffer).
static bool constantF32Weights(Value W) {
  while (auto C = W.getDefiningOp<graph::CastOp>()) {
    if (C.getInput().getType() != C.getType())
      return false;
    W = C.getInput();
  }
  auto C = W.getDefiningOp<graph::ConstantOp>();
  auto Data = C ? dyn_cast<DenseElementsAttr>(C.getValue()) : nullptr;
  return Data && Data.getElementType().isF32();
}

std::optional<plan::WindowShape> d1::windowKernelShape(Operation *Op, bool Bf16) {
  if (auto P = dyn_cast<graph::AvgPoolOp>(Op)) {
    ArrayRef<int64_t> I = shapeOf(P.getInput()), O = shapeOf(P.getResult());
    ArrayRef<int64_t> St = P.getStrides(), Pd = P.getPads();
    return plan::WindowShape{false,
                             I[0],
                             I[1],
                             I[2],
                             I[3],
                             O[1],
                             O[2],
                             O[3],
                             P.getKernel()[0],
                             P.getKernel()[1],
                             St[0],
                             St[1],
                             1,
                             1,
                             Pd[0],
                             Pd[1],
                             Pd[2],
                             Pd[3],
                             1};
  }
  std::optional<plan::WindowShape> S = windowShapeOf(Op);
  if (!S)
    return std::nullopt;
  if (auto C = dyn_cast<graph::ConvOp>(Op)) {
    int64_t Cg = S->C / S->Group, Fg = S->F / S->Group;
    S->Mma = Bf16 && S->StrideW <= 2 && (S->Group == 1 || (Cg >= 4 && Fg >= 8)) &&
             constantF32Weights(C.getWeight());
  } else {
    S->Group = 1;
  }
  return S;
}

std::vector<Operation *> d1::epilogueOps(graph::FusedOp F) {
  std::vector<Operation *> Ops;
  for (Operation &Op : F.getBody().front().without_terminator())
    if (&Op != F.anchor())
      Ops.push_back(&Op);
  return Ops;
}

int64_t d1::epilogueExtraTiles(graph::FusedOp F) {
  Operation *Anchor = F.anchor();
  return epilogueTiles(Anchor->getResult(0), epilogueOps(F), tileDims(Anchor)).Slots - 1;
}

bool d1::matmulFoldsBatch(graph::MatMulOp MM, ArrayRef<Operation *> EpilogueOps) {
  if (!batchFoldsIntoRows(shapeOf(MM.getLhs()), shapeOf(MM.getRhs())))
    return false;
  llvm::SmallPtrSet<Operation *, 8> Inside(EpilogueOps.begin(), EpilogueOps.end());
  Inside.insert(MM);
  for (Operation *Op : EpilogueOps)
    for (Value X : Op->getOperands())
      if (!(X.getDefiningOp() && Inside.count(X.getDefiningOp())) &&
          !flattensWithRows(shapeOf(X), shapeOf(MM.getResult())))
        return false;
  return true;
}

MatmulExtent d1::matmulExtent(Operation *Op, ArrayRef<Operation *> EpilogueOps) {
  if (auto G = dyn_cast<graph::GemmOp>(Op)) {
    ArrayRef<int64_t> A = shapeOf(G.getA()), B = shapeOf(G.getB());
    return {G.getTransA() ? A[1] : A[0], G.getTransB() ? B[0] : B[1], G.getTransA() ? A[0] : A[1]};
  }
  auto MM = cast<graph::MatMulOp>(Op);
  shapes::Shape A(shapeOf(MM.getLhs())), B(shapeOf(MM.getRhs()));
  if (A.size() == 1)
    A.insert(A.begin(), 1);
  if (B.size() == 1)
    B.push_back(1);
  MatmulExtent E{A[A.size() - 2], B.back(), A.back()};
  if (matmulFoldsBatch(MM, EpilogueOps)) {
    shapes::Shape BA(A.begin(), A.end() - 2), BB(B.begin(), B.end() - 2), BO;
    shapes::broadcast(BA, BB, BO);
    for (int64_t D : BO)
      E.M *= D;
  }
  return E;
}

RowGroup d1::rowGroup(graph::FusedOp F, int64_t SramBytes) {
  RowGroup G;
  for (Operation &Op : F.getBody().front().without_terminator())
    G.Ops.push_back(&Op);
  G.Domain = rowDomain(G.Ops.front());
  for (Operation *Op : G.Ops)
    if (G.Domain.empty() || !rowMember(Op, G.Domain)) {
      G.NotMember = Op;
      return G;
    }
  G.Len = G.Domain.back();
  G.Outer = shapes::numElements(shapes::Shape(G.Domain.begin(), G.Domain.end())) /
            std::max<int64_t>(G.Len, 1);
  if (G.Outer == 0 || G.Len == 0)
    return G;
  G.Slots = rowSlots(G.Ops, G.Domain);
  G.Rows = rowsPerTile(G.Slots, G.Len, G.Outer, plan::rowBudget(SramBytes));
  return G;
}

std::vector<plan::ChainStage> d1::chainStages(graph::FusedOp F) {
  std::vector<plan::ChainStage> Stages;
  std::vector<Operation *> Windows;
  std::vector<std::vector<Operation *>> Eps;
  for (Operation &Op : F.getBody().front().without_terminator()) {
    if (!isa<graph::ConvOp, graph::MaxPoolOp>(Op)) {
      Eps.back().push_back(&Op);
      continue;
    }
    Windows.push_back(&Op);
    Eps.emplace_back();
  }
  for (size_t K = 0; K < Windows.size(); ++K) {
    plan::ChainStage S;
    S.Shape = *windowShapeOf(Windows[K]);
    auto C = dyn_cast<graph::ConvOp>(Windows[K]);
    S.Bias = C && C.getBias();
    S.ExtraOutTiles =
        epilogueTiles(Windows[K]->getResult(0), Eps[K], tileDims(Windows[K])).Slots - 1;
    Stages.push_back(S);
  }
  return Stages;
}

graph::WindowTilingAttr d1::windowTilingAttr(MLIRContext *Ctx, const plan::WindowChoice &C) {
  const plan::WindowTiling &T = C.Tiling;
  auto B = [&](bool V) { return BoolAttr::get(Ctx, V); };
  return graph::WindowTilingAttr::get(Ctx, T.TF, T.TC, T.TOY, B(T.InputOnce), B(T.DoubleInput),
                                      B(T.DoubleWeights), B(C.Mma));
}

plan::WindowChoice d1::windowChoice(graph::WindowTilingAttr A) {
  plan::WindowChoice C;
  C.Tiling.TF = A.getFilters();
  C.Tiling.TC = A.getChannels();
  C.Tiling.TOY = A.getRows();
  C.Tiling.Fits = true;
  C.Tiling.InputOnce = A.getInputOnce().getValue();
  C.Tiling.DoubleInput = A.getDoubleInput().getValue();
  C.Tiling.DoubleWeights = A.getDoubleWeights().getValue();
  C.Mma = A.getMma().getValue();
  return C;
}

graph::MatmulTilingAttr d1::matmulTilingAttr(MLIRContext *Ctx, const plan::MatmulTiling &T) {
  return graph::MatmulTilingAttr::get(Ctx, T.TM, T.TN, T.TK);
}

plan::MatmulTiling d1::matmulTiling(graph::MatmulTilingAttr A) {
  plan::MatmulTiling T;
  T.TM = A.getM();
  T.TN = A.getN();
  T.TK = A.getK();
  return T;
}

/// A window kernel: the tiling chooseWindowTiling picks, recorded where it
/// fits (the lowering splits a kernel that does not, piece by piece).
static std::string selectWindow(Operation *Op, int64_t Extra, const TilingOptions &O) {
  std::optional<plan::WindowShape> S = windowKernelShape(Op, O.Bf16);
  int64_t Budget = plan::windowBudget(O.SramBytes);
  if (auto A = Op->getAttrOfType<graph::WindowTilingAttr>(TilingAttrName)) {
    plan::WindowChoice C = windowChoice(A);
    if (C.Mma && !S->Mma)
      return NotOnMatrixUnit.str();
    S->Mma = C.Mma;
    if (S->Mma)
      S->PadR = plan::mmaPadRight(*S);
    return plan::checkWindowTiling(*S, C.Tiling, Budget, Extra);
  }
  plan::WindowChoice C = plan::chooseWindowTiling(*S, Budget, Extra, O.DoubleBuffer);
  if (C.Tiling.Fits)
    Op->setAttr(TilingAttrName, windowTilingAttr(Op->getContext(), C));
  return "";
}

static std::string selectMatmul(Operation *Op, ArrayRef<Operation *> EpilogueOps, int64_t Extra,
                                const TilingOptions &O) {
  MatmulExtent E = matmulExtent(Op, EpilogueOps);
  int64_t Budget = plan::matmulBudget(O.SramBytes);
  if (auto A = Op->getAttrOfType<graph::MatmulTilingAttr>(TilingAttrName))
    return plan::checkMatmulTiling(E.M, E.N, E.K, matmulTiling(A), Budget, Extra, O.Bf16);
  Op->setAttr(
      TilingAttrName,
      matmulTilingAttr(Op->getContext(), plan::matmulTiling(E.M, E.N, E.K, Budget, Extra, O.Bf16)));
  return "";
}

std::string d1::selectTiling(Operation *Op, const TilingOptions &O) {
  MLIRContext *Ctx = Op->getContext();
  // A result without elements is lowered to no code (GraphToTile), so there
  // is nothing to tile, and the planners divide by its extents.
  if (llvm::any_of(Op->getResultTypes(), [](Type T) {
        auto R = dyn_cast<RankedTensorType>(T);
        return R && R.getNumElements() == 0;
      }))
    return "";
  auto F = dyn_cast<graph::FusedOp>(Op);
  if (!F) {
    if (windowKernelShape(Op, O.Bf16))
      return selectWindow(Op, 0, O);
    if (isa<graph::MatMulOp, graph::GemmOp>(Op))
      return selectMatmul(Op, {}, 0, O);
    return "";
  }
  switch (F.getKind()) {
  case graph::FusionKind::Epilogue: {
    Operation *Anchor = F.anchor();
    int64_t Extra = epilogueExtraTiles(F);
    if (isa<graph::ConvOp>(Anchor))
      return selectWindow(Anchor, Extra, O);
    return selectMatmul(Anchor, epilogueOps(F), Extra, O);
  }
  case graph::FusionKind::Rows: {
    int64_t Rows = rowGroup(F, O.SramBytes).Rows;
    // Where not one row fits, the lowering says so.
    if (auto A = F->getAttrOfType<graph::RowTilingAttr>(TilingAttrName))
      return Rows ? plan::checkRowTiling(A.getRows(), Rows) : "";
    if (Rows)
      F->setAttr(TilingAttrName, graph::RowTilingAttr::get(Ctx, Rows));
    return "";
  }
  case graph::FusionKind::DepthFirst: {
    std::vector<plan::ChainStage> Stages = chainStages(F);
    int64_t Budget = plan::windowBudget(O.SramBytes);
    if (auto A = F->getAttrOfType<graph::RowTilingAttr>(TilingAttrName))
      return plan::checkChainTiling(Stages, A.getRows(), Budget);
    plan::ChainTiling T = plan::chainTiling(Stages, Budget);
    if (T.Fits)
      F->setAttr(TilingAttrName, graph::RowTilingAttr::get(Ctx, T.Rows));
    return "";
  }
  }
  return "";
}
