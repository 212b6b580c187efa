//===- GraphInterfaces.cpp - Elementwise functions and iteration spaces ---===//
//
// The two interfaces of GraphInterfaces.td and their implementations per op
// family: elementwise ops (the default: broadcasting over the result),
// convolution and pooling (sliding windows), matrix products, reductions
// and softmax.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/IR/Graph.h"

#include "mlir/IR/AffineExpr.h"

using namespace mlir;
using namespace d1;
using namespace d1::graph;
using utils::IteratorType;

#include "dialects/Graph/IR/GraphInterfaces.cpp.inc"

namespace {

ArrayRef<int64_t> shapeOf(Value V) { return cast<RankedTensorType>(V.getType()).getShape(); }

SmallVector<IteratorType> loopTypes(unsigned Parallel, unsigned Reductions) {
  SmallVector<IteratorType> T(Parallel, IteratorType::parallel);
  T.append(Reductions, IteratorType::reduction);
  return T;
}

/// The map of an operand of shape S broadcast numpy-style against loops
/// Loops[0..] that run over Out (the dims both align on the right).
AffineMap broadcastMap(ArrayRef<int64_t> S, ArrayRef<int64_t> Out, ArrayRef<AffineExpr> Loops,
                       unsigned NumLoops, MLIRContext *Ctx) {
  SmallVector<AffineExpr> E;
  size_t Lead = Out.size() - std::min(Out.size(), S.size());
  for (size_t J = 0; J < S.size(); ++J) {
    size_t D = Lead + J;
    if (D >= Out.size() || (S[J] == 1 && Out[D] != 1))
      E.push_back(getAffineConstantExpr(0, Ctx));
    else
      E.push_back(Loops[D]);
  }
  return AffineMap::get(NumLoops, 0, E, Ctx);
}

/// The least and greatest value of E over the box [Lo, Hi] of its dims (E
/// built from dims, constants, +, * by a constant, floordiv and mod by a
/// positive constant, as the maps here are).
std::pair<int64_t, int64_t> bounds(AffineExpr E, ArrayRef<int64_t> Lo, ArrayRef<int64_t> Hi) {
  if (auto D = dyn_cast<AffineDimExpr>(E))
    return {Lo[D.getPosition()], Hi[D.getPosition()]};
  if (auto C = dyn_cast<AffineConstantExpr>(E))
    return {C.getValue(), C.getValue()};
  auto Bin = cast<AffineBinaryOpExpr>(E);
  auto [L0, L1] = bounds(Bin.getLHS(), Lo, Hi);
  auto [R0, R1] = bounds(Bin.getRHS(), Lo, Hi);
  switch (E.getKind()) {
  case AffineExprKind::Add:
    return {L0 + R0, L1 + R1};
  case AffineExprKind::Mul: {
    int64_t P[] = {L0 * R0, L0 * R1, L1 * R0, L1 * R1};
    return {*std::min_element(P, P + 4), *std::max_element(P, P + 4)};
  }
  case AffineExprKind::FloorDiv:
    return {llvm::divideFloorSigned(L0, R0), llvm::divideFloorSigned(L1, R0)};
  case AffineExprKind::CeilDiv:
    return {llvm::divideCeilSigned(L0, R0), llvm::divideCeilSigned(L1, R0)};
  default: // Mod
    return {0, R1 - 1};
  }
}

/// Loops n, c|f, oh, ow then the window's: the input row a window reads.
AffineExpr windowIndex(AffineExpr Out, AffineExpr K, int64_t Stride, int64_t Dilation,
                       int64_t Pad) {
  return Out * Stride + K * Dilation - Pad;
}

} // namespace

//===----------------------------------------------------------------------===//
// The interface's shared code
//===----------------------------------------------------------------------===//

Window IterationSpaceOpInterface::getOperandWindow(unsigned K, ArrayRef<int64_t> Offsets,
                                                   ArrayRef<int64_t> Sizes) {
  AffineMap Map = getIndexingMaps()[K];
  Value V = K < (*this)->getNumOperands() ? (*this)->getOperand(K)
                                          : (*this)->getResult(K - (*this)->getNumOperands());
  ArrayRef<int64_t> Shape = shapeOf(V);
  SmallVector<int64_t> Hi;
  for (auto [O, S] : llvm::zip(Offsets, Sizes))
    Hi.push_back(O + std::max<int64_t>(S, 1) - 1);
  Window W;
  for (auto [E, Extent] : llvm::zip(Map.getResults(), Shape)) {
    auto [Min, Max] = bounds(E, Offsets, Hi);
    int64_t From = std::clamp<int64_t>(Min, 0, Extent),
            To = std::clamp<int64_t>(Max + 1, 0, Extent);
    bool Empty = llvm::any_of(Sizes, [](int64_t S) { return S <= 0; });
    W.Offsets.push_back(From);
    W.Sizes.push_back(Empty ? 0 : std::max<int64_t>(To - From, 0));
  }
  return W;
}

SmallVector<IteratorType> graph::detail::broadcastIteratorTypes(Operation *Op) {
  return loopTypes(unsigned(shapeOf(Op->getResult(0)).size()), 0);
}

SmallVector<int64_t> graph::detail::broadcastLoopRanges(Operation *Op) {
  return SmallVector<int64_t>(shapeOf(Op->getResult(0)));
}

SmallVector<AffineMap> graph::detail::broadcastIndexingMaps(Operation *Op) {
  MLIRContext *Ctx = Op->getContext();
  ArrayRef<int64_t> Out = shapeOf(Op->getResult(0));
  unsigned N = unsigned(Out.size());
  SmallVector<AffineExpr> Loops;
  for (unsigned D = 0; D < N; ++D)
    Loops.push_back(getAffineDimExpr(D, Ctx));
  SmallVector<AffineMap> Maps;
  for (Value X : Op->getOperands())
    Maps.push_back(broadcastMap(shapeOf(X), Out, Loops, N, Ctx));
  Maps.push_back(AffineMap::getMultiDimIdentityMap(N, Ctx));
  return Maps;
}

//===----------------------------------------------------------------------===//
// Elementwise functions given by an attribute
//===----------------------------------------------------------------------===//

tile::EltKind CompareOp::getEltKind() {
  using K = tile::EltKind;
  switch (getPredicate()) {
  case ComparePredicate::EQ:
    return K::Eq;
  case ComparePredicate::LT:
    return K::Lt;
  case ComparePredicate::LE:
    return K::Le;
  case ComparePredicate::GT:
    return K::Gt;
  case ComparePredicate::GE:
    return K::Ge;
  }
  llvm_unreachable("comparison predicate");
}

//===----------------------------------------------------------------------===//
// Sliding windows: convolution and pooling
//===----------------------------------------------------------------------===//

// Loops (n, f, oh, ow, c, kh, kw), c over the channels of one group.
SmallVector<IteratorType> ConvOp::getLoopIteratorTypes() { return loopTypes(4, 3); }

SmallVector<int64_t> ConvOp::getStaticLoopRanges() {
  ArrayRef<int64_t> O = shapeOf(getResult()), W = shapeOf(getWeight());
  return {O[0], O[1], O[2], O[3], W[1], W[2], W[3]};
}

SmallVector<AffineMap> ConvOp::getIndexingMaps() {
  MLIRContext *Ctx = getContext();
  AffineExpr N, F, OH, OW, C, KH, KW;
  bindDims(Ctx, N, F, OH, OW, C, KH, KW);
  ArrayRef<int64_t> St = getStrides(), Pd = getPads(), Dl = getDilations();
  int64_t PerGroup = shapeOf(getWeight())[0] / int64_t(getGroup()), Cg = shapeOf(getWeight())[1];
  AffineExpr Channel = getGroup() == 1 ? C : F.floorDiv(PerGroup) * Cg + C;
  SmallVector<AffineMap> Maps = {
      AffineMap::get(7, 0,
                     {N, Channel, windowIndex(OH, KH, St[0], Dl[0], Pd[0]),
                      windowIndex(OW, KW, St[1], Dl[1], Pd[1])},
                     Ctx),
      AffineMap::get(7, 0, {F, C, KH, KW}, Ctx)};
  if (getBias())
    Maps.push_back(AffineMap::get(7, 0, {F}, Ctx));
  Maps.push_back(AffineMap::get(7, 0, {N, F, OH, OW}, Ctx));
  return Maps;
}

// Loops (n, c, oh, ow, kh, kw).
static SmallVector<AffineMap> poolMaps(MLIRContext *Ctx, ArrayRef<int64_t> St, ArrayRef<int64_t> Pd,
                                       ArrayRef<int64_t> Dl) {
  AffineExpr N, C, OH, OW, KH, KW;
  bindDims(Ctx, N, C, OH, OW, KH, KW);
  return {AffineMap::get(6, 0,
                         {N, C, windowIndex(OH, KH, St[0], Dl[0], Pd[0]),
                          windowIndex(OW, KW, St[1], Dl[1], Pd[1])},
                         Ctx),
          AffineMap::get(6, 0, {N, C, OH, OW}, Ctx)};
}

SmallVector<IteratorType> MaxPoolOp::getLoopIteratorTypes() { return loopTypes(4, 2); }
SmallVector<int64_t> MaxPoolOp::getStaticLoopRanges() {
  ArrayRef<int64_t> O = shapeOf(getResult());
  return {O[0], O[1], O[2], O[3], getKernel()[0], getKernel()[1]};
}
SmallVector<AffineMap> MaxPoolOp::getIndexingMaps() {
  return poolMaps(getContext(), getStrides(), getPads(), getDilations());
}

SmallVector<IteratorType> AvgPoolOp::getLoopIteratorTypes() { return loopTypes(4, 2); }
SmallVector<int64_t> AvgPoolOp::getStaticLoopRanges() {
  ArrayRef<int64_t> O = shapeOf(getResult());
  return {O[0], O[1], O[2], O[3], getKernel()[0], getKernel()[1]};
}
SmallVector<AffineMap> AvgPoolOp::getIndexingMaps() {
  int64_t One[] = {1, 1};
  return poolMaps(getContext(), getStrides(), getPads(), One);
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

// Loops: the result's dims (batch..., m, n; a rank-1 operand drops m or n),
// then k.
SmallVector<IteratorType> MatMulOp::getLoopIteratorTypes() {
  return loopTypes(unsigned(shapeOf(getResult()).size()), 1);
}

SmallVector<int64_t> MatMulOp::getStaticLoopRanges() {
  SmallVector<int64_t> R(shapeOf(getResult()));
  R.push_back(shapeOf(getRhs()).size() == 1 ? shapeOf(getRhs())[0]
                                            : shapeOf(getRhs())[shapeOf(getRhs()).size() - 2]);
  return R;
}

SmallVector<AffineMap> MatMulOp::getIndexingMaps() {
  MLIRContext *Ctx = getContext();
  ArrayRef<int64_t> L = shapeOf(getLhs()), R = shapeOf(getRhs()), O = shapeOf(getResult());
  unsigned NL = unsigned(O.size()) + 1;
  SmallVector<AffineExpr> Loops;
  for (unsigned D = 0; D < NL; ++D)
    Loops.push_back(getAffineDimExpr(D, Ctx));
  AffineExpr K = Loops.back();
  // The batch dims of the result and the loops of m and n.
  bool HasM = L.size() > 1, HasN = R.size() > 1;
  size_t Batch = O.size() - HasM - HasN;
  ArrayRef<int64_t> OutBatch = O.take_front(Batch);
  ArrayRef<AffineExpr> BatchLoops = ArrayRef<AffineExpr>(Loops).take_front(Batch);
  auto Operand = [&](ArrayRef<int64_t> S, bool IsLhs) {
    if (S.size() == 1)
      return AffineMap::get(NL, 0, {K}, Ctx);
    AffineMap B = broadcastMap(S.drop_back(2), OutBatch, BatchLoops, NL, Ctx);
    SmallVector<AffineExpr> E(B.getResults());
    AffineExpr Row = Loops[Batch], Col = Loops[Batch + (HasM ? 1 : 0)];
    if (IsLhs) {
      E.push_back(Row);
      E.push_back(K);
    } else {
      E.push_back(K);
      E.push_back(Col);
    }
    return AffineMap::get(NL, 0, E, Ctx);
  };
  return {Operand(L, true), Operand(R, false),
          AffineMap::get(NL, 0, ArrayRef<AffineExpr>(Loops).drop_back(), Ctx)};
}

// Loops (m, n, k).
SmallVector<IteratorType> GemmOp::getLoopIteratorTypes() { return loopTypes(2, 1); }

SmallVector<int64_t> GemmOp::getStaticLoopRanges() {
  ArrayRef<int64_t> O = shapeOf(getResult()), A = shapeOf(getA());
  return {O[0], O[1], getTransA() ? A[0] : A[1]};
}

SmallVector<AffineMap> GemmOp::getIndexingMaps() {
  MLIRContext *Ctx = getContext();
  AffineExpr M, N, K;
  bindDims(Ctx, M, N, K);
  SmallVector<AffineMap> Maps = {
      AffineMap::get(3, 0, getTransA() ? ArrayRef<AffineExpr>{K, M} : ArrayRef<AffineExpr>{M, K},
                     Ctx),
      AffineMap::get(3, 0, getTransB() ? ArrayRef<AffineExpr>{N, K} : ArrayRef<AffineExpr>{K, N},
                     Ctx)};
  if (getC())
    Maps.push_back(broadcastMap(shapeOf(getC()), shapeOf(getResult()), {M, N}, 3, Ctx));
  Maps.push_back(AffineMap::get(3, 0, {M, N}, Ctx));
  return Maps;
}

//===----------------------------------------------------------------------===//
// Reductions and softmax
//===----------------------------------------------------------------------===//

// Loops: the input's dims, the reduced ones reductions.
SmallVector<IteratorType> ReduceOp::getLoopIteratorTypes() {
  SmallVector<IteratorType> T(shapeOf(getInput()).size(), IteratorType::parallel);
  for (int64_t A : getAxes())
    T[size_t(A)] = IteratorType::reduction;
  return T;
}

SmallVector<int64_t> ReduceOp::getStaticLoopRanges() {
  return SmallVector<int64_t>(shapeOf(getInput()));
}

SmallVector<AffineMap> ReduceOp::getIndexingMaps() {
  MLIRContext *Ctx = getContext();
  unsigned N = unsigned(shapeOf(getInput()).size());
  SmallVector<AffineExpr> Out;
  for (unsigned D = 0; D < N; ++D) {
    bool Reduced = llvm::is_contained(getAxes(), int64_t(D));
    if (!Reduced)
      Out.push_back(getAffineDimExpr(D, Ctx));
    else if (getKeepdims())
      Out.push_back(getAffineConstantExpr(0, Ctx));
  }
  return {AffineMap::getMultiDimIdentityMap(N, Ctx), AffineMap::get(N, 0, Out, Ctx)};
}

// Loops: the input's dims, then j over the axis: element i reads the whole
// row of i along the axis.
SmallVector<IteratorType> SoftmaxOp::getLoopIteratorTypes() {
  return loopTypes(unsigned(shapeOf(getInput()).size()), 1);
}

SmallVector<int64_t> SoftmaxOp::getStaticLoopRanges() {
  ArrayRef<int64_t> S = shapeOf(getInput());
  SmallVector<int64_t> R(S);
  R.push_back(S[size_t(getAxis())]);
  return R;
}

SmallVector<AffineMap> SoftmaxOp::getIndexingMaps() {
  MLIRContext *Ctx = getContext();
  unsigned N = unsigned(shapeOf(getInput()).size());
  SmallVector<AffineExpr> In;
  for (unsigned D = 0; D < N; ++D)
    In.push_back(getAffineDimExpr(D == unsigned(getAxis()) ? N : D, Ctx));
  SmallVector<AffineExpr> Out;
  for (unsigned D = 0; D < N; ++D)
    Out.push_back(getAffineDimExpr(D, Ctx));
  return {AffineMap::get(N + 1, 0, In, Ctx), AffineMap::get(N + 1, 0, Out, Ctx)};
}
