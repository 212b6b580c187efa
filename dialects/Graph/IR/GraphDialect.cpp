//===- GraphDialect.cpp - The graph dialect: registration, verifiers ------===//
//
// Each verifier recomputes the op's result shape with the rule in
// d1/Support/Shapes.h (the one the importer used) and compares.
//
//===----------------------------------------------------------------------===//
#include "d1/Support/Shapes.h"
#include "dialects/Graph/IR/Graph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace d1;
using namespace d1::graph;

#include "dialects/Graph/IR/GraphDialect.cpp.inc"
#include "dialects/Graph/IR/GraphEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/Graph/IR/GraphAttrs.cpp.inc"

void GraphDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Graph/IR/GraphAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/Graph/IR/GraphOps.cpp.inc"
      >();
}

/// graph.tiling: the kind of tiling the op's kernel takes.
LogicalResult GraphDialect::verifyOperationAttribute(Operation *Op, NamedAttribute A) {
  if (A.getName() != "graph.tiling")
    return Op->emitError("'") << A.getName() << "' is not an attribute of the graph dialect";
  Attribute T = A.getValue();
  auto Fused = dyn_cast<FusedOp>(Op);
  bool Ok = isa<ConvOp, MaxPoolOp, AvgPoolOp>(Op)              ? isa<WindowTilingAttr>(T)
            : isa<MatMulOp, GemmOp>(Op)                        ? isa<MatmulTilingAttr>(T)
            : Fused && Fused.getKind() != FusionKind::Epilogue ? isa<RowTilingAttr>(T)
                                                               : false;
  if (!Ok)
    return Op->emitError("graph.tiling ") << T << " does not tile '" << Op->getName() << "'";
  return success();
}

Operation *GraphDialect::materializeConstant(OpBuilder &B, Attribute Value, Type T, Location L) {
  auto Elements = dyn_cast<ElementsAttr>(Value);
  if (!Elements || Elements.getType() != T)
    return nullptr;
  return B.create<ConstantOp>(L, T, Elements);
}

namespace {

shapes::Shape shapeOf(Value V) {
  auto T = cast<RankedTensorType>(V.getType());
  return shapes::Shape(T.getShape().begin(), T.getShape().end());
}

/// Checks that the result has shape Want and the element type of the first
/// operand (ops without type inference).
LogicalResult expectResult(Operation *Op, const shapes::Shape &Want) {
  auto Result = cast<RankedTensorType>(Op->getResult(0).getType());
  shapes::Shape Got(Result.getShape().begin(), Result.getShape().end());
  if (Got != Want)
    return Op->emitOpError("result shape ")
           << shapes::str(Got) << " should be " << shapes::str(Want);
  if (Op->getNumOperands() &&
      cast<ShapedType>(Op->getOperand(0).getType()).getElementType() != Result.getElementType())
    return Op->emitOpError("result element type differs from the input's");
  return success();
}

LogicalResult checkStatic(Operation *Op) {
  for (Type T : Op->getOperandTypes())
    if (!cast<RankedTensorType>(T).hasStaticShape())
      return Op->emitOpError("needs static shapes, got ") << T;
  for (Type T : Op->getResultTypes())
    if (!cast<RankedTensorType>(T).hasStaticShape())
      return Op->emitOpError("needs static shapes, got ") << T;
  return success();
}

std::vector<int64_t> vec(ArrayRef<int64_t> A) { return std::vector<int64_t>(A.begin(), A.end()); }

//===----------------------------------------------------------------------===//
// Type inference: the result types by the rules of d1/Support/Shapes.h (the
// importer's), with the rule's message as the op's error.
//===----------------------------------------------------------------------===//

/// Every operand has a static shape; otherwise the op's error at L.
LogicalResult staticOperands(std::optional<Location> L, StringRef Op, ValueRange Operands) {
  for (Value V : Operands)
    if (!cast<RankedTensorType>(V.getType()).hasStaticShape())
      return emitOptionalError(L, "'", Op, "' op needs static shapes, got ", V.getType());
  return success();
}

/// The one result: shape Out of element type Elt, or Err at L.
LogicalResult inferred(std::optional<Location> L, StringRef Op, const std::string &Err,
                       const shapes::Shape &Out, Type Elt, SmallVectorImpl<Type> &Types) {
  if (!Err.empty())
    return emitOptionalError(L, "'", Op, "' op ", Err);
  Types.push_back(RankedTensorType::get(Out, Elt));
  return success();
}

/// The numpy broadcast of the operands' shapes, with element type Elt.
LogicalResult inferBroadcast(std::optional<Location> L, StringRef Op, ValueRange Operands, Type Elt,
                             SmallVectorImpl<Type> &Types) {
  if (failed(staticOperands(L, Op, Operands)))
    return failure();
  shapes::Shape Out = shapeOf(Operands[0]);
  for (Value V : Operands.drop_front()) {
    shapes::Shape Next;
    std::string E = shapes::broadcast(Out, shapeOf(V), Next);
    if (!E.empty())
      return inferred(L, Op, E, Out, Elt, Types);
    Out = Next;
  }
  return inferred(L, Op, "", Out, Elt, Types);
}

} // namespace

namespace d1::graph {
/// Binary elementwise ops: one element type (the shapes are inferred).
LogicalResult verifyBinary(Operation *Op) {
  if (getElementTypeOrSelf(Op->getOperand(0)) != getElementTypeOrSelf(Op->getOperand(1)))
    return Op->emitOpError("operands have different element types");
  return checkStatic(Op);
}
} // namespace d1::graph

// The binary elementwise ops give the broadcast shape in the lhs type.
#define D1_INFER_BINARY(OpClass)                                                                   \
  LogicalResult OpClass::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,     \
                                          SmallVectorImpl<Type> &Types) {                          \
    return inferBroadcast(L, getOperationName(), A.getOperands(),                                  \
                          getElementTypeOrSelf(A.getLhs()), Types);                                \
  }
D1_INFER_BINARY(AddOp)
D1_INFER_BINARY(SubOp)
D1_INFER_BINARY(MulOp)
D1_INFER_BINARY(DivOp)
D1_INFER_BINARY(PowOp)
D1_INFER_BINARY(MaxOp)
D1_INFER_BINARY(MinOp)
D1_INFER_BINARY(ModOp)
D1_INFER_BINARY(BitShiftOp)
D1_INFER_BINARY(AndOp)
D1_INFER_BINARY(OrOp)
D1_INFER_BINARY(XorOp)
#undef D1_INFER_BINARY

LogicalResult CompareOp::inferReturnTypes(MLIRContext *Ctx, std::optional<Location> L, Adaptor A,
                                          SmallVectorImpl<Type> &Types) {
  return inferBroadcast(L, getOperationName(), A.getOperands(), IntegerType::get(Ctx, 1), Types);
}

LogicalResult CompareOp::verify() {
  if (getElementTypeOrSelf(getLhs()) != getElementTypeOrSelf(getRhs()))
    return emitOpError("operands have different element types");
  return checkStatic(*this);
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                        SmallVectorImpl<Type> &Types) {
  return inferBroadcast(L, getOperationName(), A.getOperands(), getElementTypeOrSelf(A.getX()),
                        Types);
}

LogicalResult WhereOp::verify() {
  Type T = getElementTypeOrSelf(getX());
  if (T != getElementTypeOrSelf(getY()) || T != getElementTypeOrSelf(getResult()))
    return emitOpError("x, y and the result must have one element type");
  return checkStatic(*this);
}

LogicalResult ConstantOp::verify() {
  if (getValue().getType() != getResult().getType())
    return emitOpError("value type ")
           << getValue().getType() << " differs from result type " << getResult().getType();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                         SmallVectorImpl<Type> &Types) {
  if (failed(staticOperands(L, getOperationName(), A.getOperands())))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::matmul(shapeOf(A.getLhs()), shapeOf(A.getRhs()), Out);
  return inferred(L, getOperationName(), E, Out, getElementTypeOrSelf(A.getLhs()), Types);
}

LogicalResult MatMulOp::verify() { return checkStatic(*this); }

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                       SmallVectorImpl<Type> &Types) {
  if (failed(staticOperands(L, getOperationName(), A.getOperands())))
    return failure();
  shapes::Shape Out;
  std::string E =
      shapes::gemm(shapeOf(A.getA()), shapeOf(A.getB()), A.getTransA(), A.getTransB(), Out);
  return inferred(L, getOperationName(), E, Out, getElementTypeOrSelf(A.getA()), Types);
}

LogicalResult GemmOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape Bias;
  if (getC() && !shapes::broadcast(shapeOf(getC()), shapeOf(getResult()), Bias).empty())
    return emitOpError("C ") << shapes::str(shapeOf(getC())) << " does not broadcast to "
                             << shapes::str(shapeOf(getResult()));
  return success();
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                       SmallVectorImpl<Type> &Types) {
  if (failed(staticOperands(L, getOperationName(), A.getOperands())))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::conv2d(shapeOf(A.getInput()), shapeOf(A.getWeight()), vec(A.getStrides()),
                                 vec(A.getPads()), vec(A.getDilations()), A.getGroup(), Out);
  return inferred(L, getOperationName(), E, Out, getElementTypeOrSelf(A.getInput()), Types);
}

LogicalResult ConvOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  int64_t F = shapeOf(getResult())[1];
  if (getBias() && shapeOf(getBias()) != shapes::Shape{F})
    return emitOpError("bias should be [") << F << "]";
  return success();
}

// ceil_mode is resolved by the importer into extra end padding.
LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                          SmallVectorImpl<Type> &Types) {
  if (failed(staticOperands(L, getOperationName(), A.getOperands())))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::pool2d(shapeOf(A.getInput()), vec(A.getKernel()), vec(A.getStrides()),
                                 vec(A.getPads()), vec(A.getDilations()), false, Out);
  return inferred(L, getOperationName(), E, Out, getElementTypeOrSelf(A.getInput()), Types);
}

LogicalResult MaxPoolOp::verify() { return checkStatic(*this); }

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                          SmallVectorImpl<Type> &Types) {
  if (failed(staticOperands(L, getOperationName(), A.getOperands())))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::pool2d(shapeOf(A.getInput()), vec(A.getKernel()), vec(A.getStrides()),
                                 vec(A.getPads()), {1, 1}, false, Out);
  return inferred(L, getOperationName(), E, Out, getElementTypeOrSelf(A.getInput()), Types);
}

LogicalResult AvgPoolOp::verify() { return checkStatic(*this); }

std::vector<float> d1::graph::constantF32(Value V) {
  auto C = V.getDefiningOp<ConstantOp>();
  auto D = C ? dyn_cast<DenseElementsAttr>(C.getValue()) : DenseElementsAttr();
  if (!D || !D.getElementType().isF32())
    return {};
  auto R = D.getValues<float>();
  return std::vector<float>(R.begin(), R.end());
}

bool BatchNormOp::affine(std::vector<float> &Scale, std::vector<float> &Shift) {
  std::vector<float> Sc = constantF32(getScale()), Bi = constantF32(getBias()),
                     Mu = constantF32(getMean()), Va = constantF32(getVariance());
  if (Sc.empty() || Bi.empty() || Mu.empty() || Va.empty())
    return false;
  float Eps = getEpsilon().convertToFloat();
  Scale.resize(Sc.size());
  Shift.resize(Sc.size());
  for (size_t K = 0; K < Sc.size(); ++K) {
    Scale[K] = Sc[K] / std::sqrt(Va[K] + Eps);
    Shift[K] = Bi[K] - Mu[K] * Scale[K];
  }
  return true;
}

LogicalResult BatchNormOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape In = shapeOf(getInput());
  if (In.size() < 2)
    return emitOpError("input needs a channel dimension");
  for (Value V : {getScale(), getBias(), getMean(), getVariance()})
    if (shapeOf(V) != shapes::Shape{In[1]})
      return emitOpError("per-channel operands should be [") << In[1] << "]";
  return expectResult(*this, In);
}

LogicalResult LayerNormOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape In = shapeOf(getInput());
  int64_t Axis = getAxis();
  if (Axis < 0 || Axis >= int64_t(In.size()))
    return emitOpError("axis must be normalized into [0, rank)");
  shapes::Shape Norm(In.begin() + Axis, In.end()), Tmp;
  if (!shapes::broadcast(shapeOf(getScale()), Norm, Tmp).empty() || Tmp != Norm)
    return emitOpError("scale does not broadcast to ") << shapes::str(Norm);
  return expectResult(*this, In);
}

LogicalResult SoftmaxOp::verify() {
  int64_t Axis = getAxis();
  if (Axis < 0 || Axis >= getInput().getType().getRank())
    return emitOpError("axis must be normalized into [0, rank)");
  return success();
}

LogicalResult ReduceOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                         SmallVectorImpl<Type> &Types) {
  if (failed(staticOperands(L, getOperationName(), A.getOperands())))
    return failure();
  shapes::Shape Out;
  std::vector<int64_t> Axes = vec(A.getAxes());
  std::string E = shapes::reduce(shapeOf(A.getInput()), Axes, A.getKeepdims(), Out);
  if (E.empty() && Axes != vec(A.getAxes()))
    E = "axes must be sorted, non-negative and non-empty";
  return inferred(L, getOperationName(), E, Out, getElementTypeOrSelf(A.getInput()), Types);
}

LogicalResult ReduceOp::verify() { return checkStatic(*this); }

LogicalResult ReshapeOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  if (shapes::numElements(shapeOf(getInput())) != shapes::numElements(shapeOf(getResult())))
    return emitOpError("element counts differ");
  return expectResult(*this, shapeOf(getResult()));
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                            SmallVectorImpl<Type> &Types) {
  if (failed(staticOperands(L, getOperationName(), A.getOperands())))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::transpose(shapeOf(A.getInput()), vec(A.getPerm()), Out);
  return inferred(L, getOperationName(), E, Out, getElementTypeOrSelf(A.getInput()), Types);
}

LogicalResult TransposeOp::verify() { return checkStatic(*this); }

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                         SmallVectorImpl<Type> &Types) {
  if (A.getInputs().empty())
    return emitOptionalError(L, "'", getOperationName(), "' op needs an input");
  if (failed(staticOperands(L, getOperationName(), A.getOperands())))
    return failure();
  std::vector<shapes::Shape> Ins;
  for (Value V : A.getInputs())
    Ins.push_back(shapeOf(V));
  shapes::Shape Out;
  std::string E =
      A.getAxis() < 0 ? "axis must be normalized" : shapes::concat(Ins, A.getAxis(), Out);
  return inferred(L, getOperationName(), E, Out, getElementTypeOrSelf(A.getInputs()[0]), Types);
}

LogicalResult ConcatOp::verify() { return checkStatic(*this); }

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                        SmallVectorImpl<Type> &Types) {
  if (failed(staticOperands(L, getOperationName(), A.getOperands())))
    return failure();
  shapes::Shape In = shapeOf(A.getInput()), Out;
  size_t Rank = In.size();
  if (A.getStarts().size() != Rank || A.getEnds().size() != Rank || A.getSteps().size() != Rank)
    return inferred(L, getOperationName(), "needs one start, end and step per dimension", Out,
                    Type(), Types);
  for (size_t D = 0; D < Rank; ++D)
    Out.push_back(shapes::sliceCount(A.getStarts()[D], A.getEnds()[D], A.getSteps()[D]));
  return inferred(L, getOperationName(), "", Out, getElementTypeOrSelf(A.getInput()), Types);
}

LogicalResult SliceOp::verify() { return checkStatic(*this); }

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> L, Adaptor A,
                                         SmallVectorImpl<Type> &Types) {
  if (failed(staticOperands(L, getOperationName(), A.getOperands())))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::gather(shapeOf(A.getInput()), shapeOf(A.getIndices()), A.getAxis(), Out);
  return inferred(L, getOperationName(), E, Out, getElementTypeOrSelf(A.getInput()), Types);
}

LogicalResult GatherOp::verify() { return checkStatic(*this); }

LogicalResult ScatterOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  if (shapeOf(getIndices()) != shapeOf(getUpdates()))
    return emitOpError("indices and updates differ in shape");
  if (getElementTypeOrSelf(getUpdates()) != getElementTypeOrSelf(getData()))
    return emitOpError("updates and data differ in element type");
  return expectResult(*this, shapeOf(getData()));
}

LogicalResult CastOp::verify() {
  if (shapeOf(getInput()) != shapeOf(getResult()))
    return emitOpError("shape changes");
  return success();
}

#define GET_OP_CLASSES
#include "dialects/Graph/IR/GraphOps.cpp.inc"

/// Stages of window ops, each followed by elementwise ops of its output's
/// type; a stage's input is the value the stage before it ends with, read
/// by that window op alone; the values of every stage but the last stay
/// inside the group.
static LogicalResult verifyDepthFirst(FusedOp F) {
  Block &Body = F.getBody().front();
  Operation *Window = nullptr;
  Value Last; // the value the current stage ends with
  unsigned Stages = 0;
  for (Operation &Op : Body.without_terminator()) {
    if (isa<ConvOp, MaxPoolOp>(Op)) {
      if (Window) {
        if (Op.getOperand(0) != Last || !Last.hasOneUse())
          return Op.emitOpError("in a depth-first group must read the value the stage before it "
                                "ends with, and be its only reader");
        for (Operation *Mb = Window; Mb != &Op; Mb = Mb->getNextNode())
          for (Operation *U : Mb->getResult(0).getUsers())
            if (isa<YieldOp>(U) || U->getParentOp() != F.getOperation())
              return Mb->emitOpError("in a depth-first group is read after the group but its "
                                     "stage is not the last");
      }
      Window = &Op;
      Last = Op.getResult(0);
      ++Stages;
      continue;
    }
    if (!Window)
      return F.emitOpError("depth-first group must start with conv or max_pool, not ")
             << Op.getName();
    if (Op.getNumResults() != 1 || Op.getNumRegions() ||
        Op.getResult(0).getType() != Window->getResult(0).getType())
      return Op.emitOpError("in a depth-first group must give one result of its stage's type ")
             << Window->getResult(0).getType();
    // Earlier stages' values exist only a band at a time, in SRAM.
    for (Value X : Op.getOperands())
      if (Operation *Def = X.getDefiningOp();
          Def && Def->getParentOp() == F.getOperation() && Def->isBeforeInBlock(Window))
        return Op.emitOpError("in a depth-first group reads a value of an earlier stage");
    Last = Op.getResult(0);
  }
  if (Stages < 2)
    return F.emitOpError("depth-first group needs two stages or more, has ") << Stages;
  return success();
}

LogicalResult FusedOp::verify() {
  Block &Body = getBody().front();
  auto Yield = dyn_cast<YieldOp>(Body.getTerminator());
  if (!Yield)
    return emitOpError("body must end with graph.yield");
  if (Yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yields ") << Yield.getValues().size()
                                  << " values whose types differ from the results";
  if (Body.getOperations().size() < 2)
    return emitOpError("has an empty body");
  Operation *Anchor = &Body.front();
  if (getKind() == FusionKind::Rows) {
    for (Operation &Op : Body.without_terminator())
      if (Op.getNumResults() != 1 || Op.getNumRegions() ||
          !cast<RankedTensorType>(Op.getResult(0).getType()).getElementType().isF32())
        return Op.emitOpError("in a row group must give one fp32 result");
    return success();
  }
  if (getKind() == FusionKind::DepthFirst)
    return verifyDepthFirst(*this);
  if (!isa<ConvOp, MatMulOp, GemmOp>(Anchor))
    return emitOpError("epilogue group must start with conv, matmul or gemm, not ")
           << Anchor->getName();
  Type Shape = Anchor->getResult(0).getType();
  for (Operation &Op : Body.without_terminator()) {
    if (&Op == Anchor)
      continue;
    if (Op.getNumResults() != 1 || Op.getNumRegions() || Op.getResult(0).getType() != Shape)
      return Op.emitOpError("in an epilogue group must give one result of the anchor's type ")
             << Shape;
  }
  return success();
}
