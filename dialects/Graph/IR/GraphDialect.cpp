//===- GraphDialect.cpp - The graph dialect: registration, verifiers ------===//
//
// Each verifier recomputes the op's result shape with the rule in
// d1/Support/Shapes.h (the one the importer used) and compares.
//
//===----------------------------------------------------------------------===//
#include "d1/Support/Shapes.h"
#include "dialects/Graph/IR/Graph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace d1;
using namespace d1::graph;

#include "dialects/Graph/IR/GraphDialect.cpp.inc"
#include "dialects/Graph/IR/GraphEnums.cpp.inc"

void GraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Graph/IR/GraphOps.cpp.inc"
      >();
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

/// Checks that the result has shape Want (computed by a rule that returned
/// Err) and the element type of the first operand.
LogicalResult expectResult(Operation *Op, const std::string &Err, const shapes::Shape &Want) {
  if (!Err.empty())
    return Op->emitOpError(Err);
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

/// Shapes broadcast; both operands have the element type \p Elt (or each
/// other's when null).
LogicalResult verifyBroadcast(Operation *Op, ValueRange Operands, shapes::Shape &Out) {
  if (failed(checkStatic(Op)))
    return failure();
  Out = shapeOf(Operands[0]);
  for (Value V : Operands.drop_front()) {
    shapes::Shape Next;
    std::string E = shapes::broadcast(Out, shapeOf(V), Next);
    if (!E.empty())
      return Op->emitOpError(E);
    Out = Next;
  }
  return success();
}

} // namespace

namespace d1::graph {
/// Binary elementwise ops: one element type, broadcast shapes.
LogicalResult verifyBinary(Operation *Op) {
  shapes::Shape Out;
  if (failed(verifyBroadcast(Op, Op->getOperands(), Out)))
    return failure();
  if (getElementTypeOrSelf(Op->getOperand(0)) != getElementTypeOrSelf(Op->getOperand(1)))
    return Op->emitOpError("operands have different element types");
  return expectResult(Op, "", Out);
}
} // namespace d1::graph

LogicalResult CompareOp::verify() {
  shapes::Shape Out;
  if (failed(verifyBroadcast(*this, getOperands(), Out)))
    return failure();
  if (getElementTypeOrSelf(getLhs()) != getElementTypeOrSelf(getRhs()))
    return emitOpError("operands have different element types");
  if (shapeOf(getResult()) != Out)
    return emitOpError("result shape should be ") << shapes::str(Out);
  return success();
}

LogicalResult WhereOp::verify() {
  shapes::Shape Out;
  if (failed(verifyBroadcast(*this, getOperands(), Out)))
    return failure();
  Type T = getElementTypeOrSelf(getX());
  if (T != getElementTypeOrSelf(getY()) || T != getElementTypeOrSelf(getResult()))
    return emitOpError("x, y and the result must have one element type");
  if (shapeOf(getResult()) != Out)
    return emitOpError("result shape should be ") << shapes::str(Out);
  return success();
}

LogicalResult ConstantOp::verify() {
  if (getValue().getType() != getResult().getType())
    return emitOpError("value type ")
           << getValue().getType() << " differs from result type " << getResult().getType();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult MatMulOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::matmul(shapeOf(getLhs()), shapeOf(getRhs()), Out);
  return expectResult(*this, E, Out);
}

LogicalResult GemmOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape Out, Bias;
  std::string E = shapes::gemm(shapeOf(getA()), shapeOf(getB()), getTransA(), getTransB(), Out);
  if (E.empty() && getC() && !shapes::broadcast(shapeOf(getC()), Out, Bias).empty())
    return emitOpError("C ") << shapes::str(shapeOf(getC())) << " does not broadcast to "
                             << shapes::str(Out);
  return expectResult(*this, E, Out);
}

LogicalResult ConvOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::conv2d(shapeOf(getInput()), shapeOf(getWeight()), vec(getStrides()),
                                 vec(getPads()), vec(getDilations()), getGroup(), Out);
  if (E.empty() && getBias() && shapeOf(getBias()) != shapes::Shape{Out[1]})
    return emitOpError("bias should be [") << Out[1] << "]";
  return expectResult(*this, E, Out);
}

LogicalResult MaxPoolOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::pool2d(shapeOf(getInput()), vec(getKernel()), vec(getStrides()),
                                 vec(getPads()), vec(getDilations()), false, Out);
  // ceil_mode is resolved by the importer into extra end padding.
  return expectResult(*this, E, Out);
}

LogicalResult AvgPoolOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::pool2d(shapeOf(getInput()), vec(getKernel()), vec(getStrides()),
                                 vec(getPads()), {1, 1}, false, Out);
  return expectResult(*this, E, Out);
}

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
  return expectResult(*this, "", In);
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
  return expectResult(*this, "", In);
}

LogicalResult SoftmaxOp::verify() {
  int64_t Axis = getAxis();
  if (Axis < 0 || Axis >= getInput().getType().getRank())
    return emitOpError("axis must be normalized into [0, rank)");
  return success();
}

LogicalResult ReduceOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape Out;
  std::vector<int64_t> Axes = vec(getAxes());
  std::string E = shapes::reduce(shapeOf(getInput()), Axes, getKeepdims(), Out);
  if (E.empty() && Axes != vec(getAxes()))
    return emitOpError("axes must be sorted, non-negative and non-empty");
  return expectResult(*this, E, Out);
}

LogicalResult ReshapeOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  if (shapes::numElements(shapeOf(getInput())) != shapes::numElements(shapeOf(getResult())))
    return emitOpError("element counts differ");
  return expectResult(*this, "", shapeOf(getResult()));
}

LogicalResult TransposeOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::transpose(shapeOf(getInput()), vec(getPerm()), Out);
  return expectResult(*this, E, Out);
}

LogicalResult ConcatOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  std::vector<shapes::Shape> Ins;
  for (Value V : getInputs())
    Ins.push_back(shapeOf(V));
  shapes::Shape Out;
  if (getAxis() < 0)
    return emitOpError("axis must be normalized");
  std::string E = shapes::concat(Ins, getAxis(), Out);
  return expectResult(*this, E, Out);
}

LogicalResult SliceOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape In = shapeOf(getInput()), Out;
  size_t Rank = In.size();
  if (getStarts().size() != Rank || getEnds().size() != Rank || getSteps().size() != Rank)
    return emitOpError("needs one start, end and step per dimension");
  for (size_t D = 0; D < Rank; ++D)
    Out.push_back(shapes::sliceCount(getStarts()[D], getEnds()[D], getSteps()[D]));
  return expectResult(*this, "", Out);
}

LogicalResult GatherOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  shapes::Shape Out;
  std::string E = shapes::gather(shapeOf(getInput()), shapeOf(getIndices()), getAxis(), Out);
  return expectResult(*this, E, Out);
}

LogicalResult ScatterOp::verify() {
  if (failed(checkStatic(*this)))
    return failure();
  if (shapeOf(getIndices()) != shapeOf(getUpdates()))
    return emitOpError("indices and updates differ in shape");
  if (getElementTypeOrSelf(getUpdates()) != getElementTypeOrSelf(getData()))
    return emitOpError("updates and data differ in element type");
  return expectResult(*this, "", shapeOf(getData()));
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
