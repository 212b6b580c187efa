//===- TileDialect.cpp - The tile dialect: registration and verifiers -----===//
#include "d1/Planning/MmaConv.h"
#include "d1/Target/ISA.h"
#include "dialects/Tile/IR/Tile.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace d1;
using namespace d1::tile;

#include "dialects/Tile/IR/TileDialect.cpp.inc"
#include "dialects/Tile/IR/TileEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/Tile/IR/TileAttrs.cpp.inc"
#define GET_TYPEDEF_CLASSES
#include "dialects/Tile/IR/TileTypes.cpp.inc"

void TileDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Tile/IR/TileAttrs.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/Tile/IR/TileTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/Tile/IR/TileOps.cpp.inc"
      >();
}

Space tile::spaceOf(Type T) {
  auto S = dyn_cast_or_null<MemorySpaceAttr>(cast<MemRefType>(T).getMemorySpace());
  return S && S.isSram() ? Space::SRAM : Space::DRAM;
}

MemRefType tile::bufferType(ArrayRef<int64_t> Shape, Type Element, Space S) {
  MLIRContext *Ctx = Element.getContext();
  return MemRefType::get(
      Shape, Element, MemRefLayoutAttrInterface(),
      MemorySpaceAttr::get(Ctx, S == Space::SRAM ? MemKind::SRAM : MemKind::DRAM));
}

static LogicalResult checkBuffer(Operation *Op, Type T, const char *What) {
  auto M = cast<MemRefType>(T);
  if (!M.hasStaticShape() || !M.getLayout().isIdentity())
    return Op->emitOpError(What) << " must have a static shape and identity layout, got " << T;
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
  if (auto Sem = getSem()) {
    if (!getToken())
      return emitOpError("has a semaphore but no token: a waited copy uses semaphore 0");
    if (*Sem < 1 || *Sem > maxSemaphore())
      return emitOpError("semaphore ")
             << *Sem << " is not 1 to " << maxSemaphore() << " (0 is the waited copies')";
  }
  return success();
}

LogicalResult DmaWaitOp::verify() {
  if (auto Sem = getSem(); Sem && (*Sem < 1 || *Sem > maxSemaphore()))
    return emitOpError("semaphore ") << *Sem << " is not 1 to " << maxSemaphore();
  // Where the token comes straight from its copy, the wait names that copy.
  if (auto Dma = getToken().getDefiningOp<DmaOp>()) {
    if (Dma.getSrc() != getSrc() || Dma.getDst() != getDst())
      return emitOpError("names another source or destination than the copy it waits for");
    if (Dma.getSem() != getSem())
      return emitOpError("has another semaphore than the copy it waits for");
  }
  return success();
}

int64_t tile::maxSemaphore() { return operandKindInfo(OperandKind::Sem).Max; }

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

int64_t tile::elementBytes(Type T) {
  Type E = getElementTypeOrSelf(T);
  return std::max<int64_t>(1, int64_t(E.getIntOrFloatBitWidth() / 8));
}

unsigned tile::arity(EltKind K) {
  switch (K) {
  case EltKind::Add:
  case EltKind::Sub:
  case EltKind::Mul:
  case EltKind::Div:
  case EltKind::Max:
  case EltKind::Min:
  case EltKind::Pow:
  case EltKind::Mod:
  case EltKind::FMod:
  case EltKind::Shl:
  case EltKind::Shr:
  case EltKind::And:
  case EltKind::Or:
  case EltKind::Xor:
  case EltKind::Eq:
  case EltKind::Lt:
  case EltKind::Le:
  case EltKind::Gt:
  case EltKind::Ge:
    return 2;
  case EltKind::Where:
    return 3;
  default:
    return 1;
  }
}

unsigned tile::numParams(EltKind K) {
  switch (K) {
  case EltKind::LeakyRelu:
  case EltKind::Fill:
    return 1;
  case EltKind::Clip:
  case EltKind::Affine:
  case EltKind::IsInf:
    return 2;
  default:
    return 0;
  }
}

bool tile::givesBool(EltKind K) {
  switch (K) {
  case EltKind::Eq:
  case EltKind::Lt:
  case EltKind::Le:
  case EltKind::Gt:
  case EltKind::Ge:
  case EltKind::IsNaN:
  case EltKind::IsInf:
    return true;
  default:
    return false;
  }
}

LogicalResult ElementwiseOp::verify() {
  unsigned N = arity(getKind());
  if (bool(getIn1()) != (N >= 2) || bool(getIn1()) != bool(getIn1Offset()) ||
      bool(getIn2()) != (N >= 3) || bool(getIn2()) != bool(getIn2Offset()))
    return emitOpError("'") << stringifyEltKind(getKind()) << "' takes " << N << " input"
                            << (N > 1 ? "s" : "");
  for (Value V : {getIn0(), getIn1(), getIn2(), getOut()}) {
    if (!V)
      continue;
    if (failed(checkBuffer(*this, V.getType(), "buffer")))
      return failure();
    if (spaceOf(V.getType()) != Space::SRAM)
      return emitOpError("buffers must be in SRAM");
  }
  for (int64_t S : {getIn0Stride(), getIn1Stride(), getIn2Stride()})
    if (S < 0 || S > 1)
      return emitOpError("input strides must be 0 or 1");
  if (getCount() < 1)
    return emitOpError("count must be positive");
  if (getParams().size() != numParams(getKind()))
    return emitOpError("expects ") << numParams(getKind()) << " params";
  // Element types: inputs alike (where: bool condition, then data alike).
  bool Where = getKind() == EltKind::Where;
  Type In = getElementTypeOrSelf(Where ? getIn1() : getIn0());
  if (Where && !getElementTypeOrSelf(getIn0()).isInteger(1))
    return emitOpError("where's condition must be bool");
  for (Value V : {getIn1(), getIn2()})
    if (V && !(Where && V == getIn1()) && getElementTypeOrSelf(V) != In)
      return emitOpError("inputs have different element types");
  Type Out = getElementTypeOrSelf(getOut());
  if (givesBool(getKind()) ? !Out.isInteger(1) : Out != In)
    return emitOpError("output element type should be ")
           << (givesBool(getKind()) ? Type(IntegerType::get(getContext(), 1)) : In);
  bool Float = In.isF32(), Bool = In.isInteger(1);
  switch (getKind()) {
  case EltKind::And:
  case EltKind::Or:
  case EltKind::Xor:
  case EltKind::Not:
    if (Float)
      return emitOpError("logical and bitwise kinds take bool or integers");
    break;
  case EltKind::Shl:
  case EltKind::Shr:
    if (Float || Bool)
      return emitOpError("shifts take integers");
    break;
  case EltKind::Copy:
  case EltKind::Fill:
  case EltKind::Where:
    break;
  case EltKind::Add:
  case EltKind::Sub:
  case EltKind::Mul:
  case EltKind::Div:
  case EltKind::Max:
  case EltKind::Min:
  case EltKind::Neg:
  case EltKind::Abs:
  case EltKind::Sign:
  case EltKind::Mod:
  case EltKind::FMod:
  case EltKind::Eq:
  case EltKind::Lt:
  case EltKind::Le:
  case EltKind::Gt:
  case EltKind::Ge:
    if (Bool)
      return emitOpError("arithmetic on bool");
    break;
  default:
    if (!Float)
      return emitOpError("'") << stringifyEltKind(getKind()) << "' takes fp32";
  }
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
  if (getKind() == WindowKind::Min || getKind() == WindowKind::Prod)
    return emitOpError("windows are conv, max or sum");
  if (IsConv != bool(getW()))
    return emitOpError(IsConv ? "conv needs weights" : "pooling takes no weights");
  if (getW() && failed(checkSram(*this, getW(), "weights")))
    return failure();
  for (int64_t V :
       {getChannels(), getFilters(), getInRows(), getInCols(), getOutRows(), getOutCols(), getKh(),
        getKw(), getStrideH(), getStrideW(), getDilH(), getDilW()})
    if (V < 1)
      return emitOpError("sizes, strides and dilations must be positive");
  if ((getOutRows() - 1) * getStrideH() + (getKh() - 1) * getDilH() >= getInRows() ||
      (getOutCols() - 1) * getStrideW() + (getKw() - 1) * getDilW() >= getInCols())
    return emitOpError("windows run past the input tile");
  return success();
}

/// The column constraints of the matrix unit's views (d1/Planning/MmaConv.h),
/// shared by conv2d_mma and mma_views.
static LogicalResult checkMmaColumns(Operation *Op, int64_t InCols, int64_t OutCols, int64_t KW,
                                     int64_t StrideW, int64_t DilW) {
  if (StrideW > 2)
    return Op->emitOpError("column stride must be 1 or 2");
  if (InCols % (2 * StrideW))
    return Op->emitOpError("input rows must be a multiple of twice the column stride wide");
  if ((OutCols - 1) * StrideW + (KW - 1) * DilW >= InCols)
    return Op->emitOpError("windows run past the input tile");
  return success();
}

/// Need elements from a constant offset must fit a static buffer; What
/// starts the message ("weights needs", "views need").
static LogicalResult checkRoom(Operation *Op, Value Buf, Value Off, int64_t Need, StringRef What) {
  auto T = cast<MemRefType>(Buf.getType());
  APInt At;
  if (T.hasStaticShape() && matchPattern(Off, m_ConstantInt(&At)) &&
      At.getSExtValue() + Need > T.getNumElements())
    return Op->emitOpError(What) << " " << Need << " elements from " << At.getSExtValue()
                                 << ", the buffer has " << T.getNumElements();
  return success();
}

/// The matrix unit's operands: each in SRAM, bf16 where marked, else f32.
struct MmaOperand {
  Value V;
  const char *What;
  bool Bf16;
};
static LogicalResult checkMmaOperands(Operation *Op, ArrayRef<MmaOperand> Operands) {
  for (const MmaOperand &O : Operands) {
    if (failed(checkSram(Op, O.V, O.What)))
      return failure();
    Type E = getElementTypeOrSelf(O.V);
    if (O.Bf16 ? !E.isBF16() : !E.isF32())
      return Op->emitOpError(O.What) << (O.Bf16 ? " must be bf16" : " must be f32");
  }
  return success();
}

LogicalResult Conv2DMmaOp::verify() {
  if (failed(checkMmaOperands(*this, {{getX(), "input", false},
                                      {getW(), "weights", true},
                                      {getScratch(), "scratch", true},
                                      {getOut(), "output", false}})))
    return failure();
  for (int64_t V :
       {getChannels(), getFilters(), getInRows(), getInCols(), getOutRows(), getOutCols(), getKh(),
        getKw(), getStrideH(), getStrideW(), getDilH(), getDilW()})
    if (V < 1 || V > (int64_t(1) << 20))
      return emitOpError("sizes, strides and dilations must be positive and at most 2^20");
  if (failed(checkMmaColumns(*this, getInCols(), getOutCols(), getKw(), getStrideW(), getDilW())))
    return failure();
  if ((getOutRows() - 1) * getStrideH() + (getKh() - 1) * getDilH() >= getInRows())
    return emitOpError("windows run past the input tile");
  if (bool(getBias()) != bool(getBiasOffset()))
    return emitOpError("a bias needs its offset");
  if (getAccumulate() && getBias())
    return emitOpError("a bias starts the accumulators: not with accumulate");
  if (getBias()) {
    if (failed(checkSram(*this, getBias(), "bias")))
      return failure();
    if (!getElementTypeOrSelf(getBias()).isF32())
      return emitOpError("bias must be f32");
  }
  plan::MmaConvLayout L = plan::mmaConvLayout(getChannels(), getInRows(), getInCols(), getOutCols(),
                                              getKw(), getStrideW(), getDilW(), getFilters());
  return failure(
      failed(checkRoom(*this, getW(), getWOffset(),
                       plan::mmaWeightElements(getFilters(), getChannels(), getKh(), getKw()),
                       "weights needs")) ||
      failed(checkRoom(*this, getScratch(), getScratchOffset(), L.ScratchBytes / 2,
                       "scratch needs")) ||
      failed(checkRoom(*this, getX(), getXOffset(), getChannels() * getInRows() * getInCols(),
                       "input needs")) ||
      failed(checkRoom(*this, getOut(), getOutOffset(), getFilters() * getOutRows() * getOutCols(),
                       "output needs")) ||
      (getBias() &&
       failed(checkRoom(*this, getBias(), getBiasOffset(), getFilters(), "bias needs"))));
}

LogicalResult MatmulMmaOp::verify() {
  if (failed(checkMmaOperands(*this, {{getA(), "A", false},
                                      {getB(), "B", false},
                                      {getScratch(), "scratch", true},
                                      {getC(), "C", false}})))
    return failure();
  for (int64_t V : {getM(), getN(), getK(), getLda(), getLdb(), getLdc()})
    if (V < 1 || V > (int64_t(1) << 20))
      return emitOpError("sizes and leading dimensions must be positive and at most 2^20");
  if (getLda() < getK() || getLdb() < getN() || getLdc() < getN())
    return emitOpError("a leading dimension is smaller than its row");
  plan::MmaMatmulLayout L = plan::mmaMatmulLayout(getM(), getN(), getK());
  return failure(
      failed(checkRoom(*this, getScratch(), getScratchOffset(), L.ScratchBytes / 2,
                       "scratch needs")) ||
      failed(checkRoom(*this, getA(), getAOffset(), (getM() - 1) * getLda() + getK(), "A needs")) ||
      failed(checkRoom(*this, getB(), getBOffset(), (getK() - 1) * getLdb() + getN(), "B needs")) ||
      failed(checkRoom(*this, getC(), getCOffset(), (getM() - 1) * getLdc() + getN(), "C needs")));
}

LogicalResult MmaViewsOp::verify() {
  if (failed(checkSram(*this, getX(), "input")) || failed(checkSram(*this, getViews(), "views")))
    return failure();
  if (!getElementTypeOrSelf(getX()).isF32() || !getElementTypeOrSelf(getViews()).isBF16())
    return emitOpError("converts f32 to bf16");
  for (int64_t V :
       {getChannels(), getInRows(), getInCols(), getOutCols(), getKw(), getStrideW(), getDilW()})
    if (V < 1 || V > (int64_t(1) << 20))
      return emitOpError("sizes, strides and dilations must be positive and at most 2^20");
  if (failed(checkMmaColumns(*this, getInCols(), getOutCols(), getKw(), getStrideW(), getDilW())))
    return failure();
  plan::MmaConvLayout L = plan::mmaConvLayout(getChannels(), getInRows(), getInCols(), getOutCols(),
                                              getKw(), getStrideW(), getDilW());
  return failure(
      failed(checkRoom(*this, getViews(), getViewsOffset(), L.ScratchBytes / 2, "views need")) ||
      failed(checkRoom(*this, getX(), getXOffset(), getChannels() * getInRows() * getInCols(),
                       "input needs")));
}

LogicalResult ScatterOp::verify() {
  for (auto [V, What] :
       {std::pair{getOut(), "output"}, {getIndices(), "indices"}, {getUpdates(), "updates"}})
    if (failed(checkSram(*this, V, What)))
      return failure();
  if (!getElementTypeOrSelf(getIndices()).isInteger(64))
    return emitOpError("indices must be int64");
  if (getElementTypeOrSelf(getUpdates()) != getElementTypeOrSelf(getOut()))
    return emitOpError("updates and output differ in element type");
  if (getKind() < 0 || getKind() > 4 || getCount() < 0)
    return emitOpError("kind is 0 to 4 and count not negative");
  return success();
}

LogicalResult ReduceOp::verify() {
  if (failed(checkSram(*this, getIn(), "input")) || failed(checkSram(*this, getOut(), "output")))
    return failure();
  if (getKind() == WindowKind::Conv || getCount() < 1 || getLen() < 1)
    return emitOpError("needs sum, max, min or prod and positive sizes");
  if (!getElementTypeOrSelf(getIn()).isF32() || !getElementTypeOrSelf(getOut()).isF32())
    return emitOpError("reduces fp32");
  return success();
}

#define GET_OP_CLASSES
#include "dialects/Tile/IR/TileOps.cpp.inc"
