//===- TileDialect.cpp - The tile dialect: registration and verifiers -----===//
#include "d1/Dialects/Tile/Tile.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace d1;
using namespace d1::tile;

#include "d1/Dialects/Tile/TileDialect.cpp.inc"
#include "d1/Dialects/Tile/TileEnums.cpp.inc"

void TileDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "d1/Dialects/Tile/TileOps.cpp.inc"
      >();
}

Space tile::spaceOf(Type T) {
  auto M = cast<MemRefType>(T);
  auto S = dyn_cast_or_null<IntegerAttr>(M.getMemorySpace());
  return S && S.getInt() == 1 ? Space::SRAM : Space::DRAM;
}

static LogicalResult checkBuffer(Operation *Op, Type T, const char *What) {
  auto M = cast<MemRefType>(T);
  if (!M.hasStaticShape() || !M.getLayout().isIdentity())
    return Op->emitOpError(What) << " must have a static shape and identity layout, got " << T;
  auto S = M.getMemorySpace();
  if (S && !(isa<IntegerAttr>(S) && cast<IntegerAttr>(S).getInt() <= 1))
    return Op->emitOpError(What) << " must be in memory space 0 (DRAM) or 1 (SRAM)";
  return success();
}

LogicalResult ViewOp::verify() {
  if (failed(checkBuffer(*this, getSource().getType(), "source")) ||
      failed(checkBuffer(*this, getResult().getType(), "result")))
    return failure();
  if (getSource().getType().getNumElements() != getResult().getType().getNumElements() ||
      spaceOf(getSource().getType()) != spaceOf(getResult().getType()))
    return emitOpError("changes the element count or the memory space");
  return success();
}

LogicalResult DmaOp::verify() {
  if (failed(checkBuffer(*this, getSrc().getType(), "source")) ||
      failed(checkBuffer(*this, getDst().getType(), "destination")))
    return failure();
  if (getSizes().size() != 3 || getSrcStrides().size() != 2 || getDstStrides().size() != 2)
    return emitOpError("needs 3 sizes and 2 strides per side");
  for (int64_t S : getSizes())
    if (S < 1)
      return emitOpError("sizes must be positive");
  if (spaceOf(getSrc().getType()) == Space::DRAM && spaceOf(getDst().getType()) == Space::DRAM)
    return emitOpError("copies DRAM to DRAM; one side must be SRAM");
  return success();
}

LogicalResult MatmulOp::verify() {
  for (auto [V, What] : {std::pair{getA(), "A"}, {getB(), "B"}, {getC(), "C"}}) {
    if (failed(checkBuffer(*this, V.getType(), What)))
      return failure();
    if (spaceOf(V.getType()) != Space::SRAM)
      return emitOpError(What) << " must be in SRAM";
  }
  if (getM() < 1 || getN() < 1 || getK() < 1 || getLda() < getK() || getLdb() < getN() ||
      getLdc() < getN())
    return emitOpError("bad sizes or leading dimensions");
  return success();
}

LogicalResult ElementwiseOp::verify() {
  bool Binary = getKind() == EltKind::Add || getKind() == EltKind::Sub ||
                getKind() == EltKind::Mul || getKind() == EltKind::Div ||
                getKind() == EltKind::Max || getKind() == EltKind::Min ||
                getKind() == EltKind::Pow;
  if (Binary != bool(getIn1()) || bool(getIn1()) != bool(getIn1Offset()))
    return emitOpError(Binary ? "needs two inputs" : "takes one input");
  for (Value V : {getIn0(), getIn1(), getOut()}) {
    if (!V)
      continue;
    if (failed(checkBuffer(*this, V.getType(), "buffer")))
      return failure();
    if (spaceOf(V.getType()) != Space::SRAM)
      return emitOpError("buffers must be in SRAM");
  }
  if (getCount() < 1 || getIn0Stride() < 0 || getIn0Stride() > 1 || getIn1Stride() < 0 ||
      getIn1Stride() > 1)
    return emitOpError("count must be positive and input strides 0 or 1");
  size_t Params = getKind() == EltKind::LeakyRelu || getKind() == EltKind::Fill ? 1
                  : getKind() == EltKind::Clip || getKind() == EltKind::Affine ? 2 : 0;
  if (getParams().size() != Params)
    return emitOpError("expects ") << Params << " params";
  return success();
}

static LogicalResult checkSram(Operation *Op, Value V, const char *What) {
  if (failed(checkBuffer(Op, V.getType(), What)))
    return failure();
  if (spaceOf(V.getType()) != Space::SRAM)
    return Op->emitOpError(What) << " must be in SRAM";
  return success();
}

LogicalResult Conv2DOp::verify() {
  if (failed(checkSram(*this, getX(), "input")) || failed(checkSram(*this, getOut(), "output")))
    return failure();
  bool IsConv = getKind() == WindowKind::Conv;
  if (IsConv != bool(getW()))
    return emitOpError(IsConv ? "conv needs weights" : "pooling takes no weights");
  if (getW() && failed(checkSram(*this, getW(), "weights")))
    return failure();
  for (int64_t V : {getChannels(), getFilters(), getInRows(), getInCols(), getOutRows(),
                    getOutCols(), getKh(), getKw(), getStrideH(), getStrideW(), getDilH(),
                    getDilW()})
    if (V < 1)
      return emitOpError("sizes, strides and dilations must be positive");
  if ((getOutRows() - 1) * getStrideH() + (getKh() - 1) * getDilH() >= getInRows() ||
      (getOutCols() - 1) * getStrideW() + (getKw() - 1) * getDilW() >= getInCols())
    return emitOpError("windows run past the input tile");
  return success();
}

LogicalResult ReduceOp::verify() {
  if (failed(checkSram(*this, getIn(), "input")) || failed(checkSram(*this, getOut(), "output")))
    return failure();
  if (getKind() == WindowKind::Conv || getCount() < 1 || getLen() < 1)
    return emitOpError("needs sum or max and positive sizes");
  return success();
}

#define GET_OP_CLASSES
#include "d1/Dialects/Tile/TileOps.cpp.inc"
