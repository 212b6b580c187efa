//===- GraphToTile.cpp - graph ops to tiled DMA + micro-kernel loops ------===//
//
// Builds a new @main over DRAM memrefs next to the old one, op by op, then
// replaces it. Every kernel brings its SRAM buffers with memref.alloc in
// #tile.mem<sram> and frees them with memref.dealloc, so the SRAM planner
// sees each buffer's lifetime.
//
//===----------------------------------------------------------------------===//
#include "d1/Conversion/Passes.h"
#include "d1/Planning/MmaConv.h"
#include "d1/Planning/Tiling.h"
#include "d1/Support/Shapes.h"
#include "dialects/D1/IR/D1.h"
#include "dialects/Graph/Analysis/Elementwise.h"
#include "dialects/Graph/Analysis/Epilogue.h"
#include "dialects/Graph/Analysis/Rows.h"
#include "dialects/Graph/IR/Graph.h"
#include "dialects/Tile/IR/Tile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#include <functional>

namespace d1 {
#define GEN_PASS_DEF_GRAPHTOTILE
#include "d1/Conversion/Passes.h.inc"
} // namespace d1

using namespace mlir;
using namespace d1;
using shapes::Shape;

namespace {

class Lowering {
public:
  Lowering(ModuleOp M, int64_t SramBytes, bool Bf16, bool DoubleBuffer)
      : M(M), B(M.getContext()), SramBytes(SramBytes), Bf16(Bf16), DoubleBuffer(DoubleBuffer) {}
  LogicalResult run();

private:
  ModuleOp M;
  OpBuilder B;
  int64_t SramBytes;
  bool Bf16, DoubleBuffer;
  Location Loc = B.getUnknownLoc();
  DenseMap<Value, Value> Buffers; // tensor -> DRAM memref
  unsigned NextGlobal = 0;

  // Element budget for one kernel's SRAM tiles, leaving room for DMA
  // descriptors and the stack of smaller buffers.
  int64_t tileElements() const { return plan::tileBudget(SramBytes); }

  Value idx(int64_t V) { return B.create<arith::ConstantIndexOp>(Loc, V); }
  Value add(Value A, Value X) { return B.create<arith::AddIOp>(Loc, A, X); }
  Value add(Value A, int64_t X) { return X ? add(A, idx(X)) : A; }
  Value mul(Value A, int64_t X) {
    return X == 1 ? A : B.create<arith::MulIOp>(Loc, A, idx(X)).getResult();
  }
  Value sram(int64_t Elements, Type Elt = Type()) {
    auto T = tile::bufferType({Elements}, Elt ? Elt : B.getF32Type(), tile::Space::SRAM);
    return B.create<memref::AllocOp>(Loc, T);
  }
  void free(Value V) { B.create<memref::DeallocOp>(Loc, V); }
  MemRefType dramType(Type T) {
    auto RT = cast<RankedTensorType>(T);
    return tile::bufferType(RT.getShape(), RT.getElementType(), tile::Space::DRAM);
  }
  /// A copy, complete when it returns; with Async only started: the token
  /// it returns is for the tile.dma_wait that completes it.
  Value dma(Value Src, Value SrcOff, Value Dst, Value DstOff, std::array<int64_t, 3> Sizes,
            std::array<int64_t, 2> SrcStrides, std::array<int64_t, 2> DstStrides,
            bool Async = false) {
    return B
        .create<tile::DmaOp>(Loc, Async ? tile::DmaTokenType::get(B.getContext()) : Type(), Src,
                             SrcOff, Dst, DstOff, B.getDenseI64ArrayAttr(Sizes),
                             B.getDenseI64ArrayAttr(SrcStrides), B.getDenseI64ArrayAttr(DstStrides),
                             IntegerAttr())
        .getToken();
  }
  /// A loop from Lb to Ub by Step whose iterations carry the started copy
  /// Token (when there is one) to the next; the caller yields it.
  scf::ForOp tokenLoop(Value Lb, Value Ub, Value Step, Value Token) {
    return B.create<scf::ForOp>(Loc, Lb, Ub, Step, Token ? ValueRange(Token) : ValueRange());
  }
  /// Offset of half T & 1 of a double buffer whose halves take Size elements.
  Value half(Value T, int64_t Size) {
    return mul(B.create<arith::AndIOp>(Loc, T, idx(1)).getResult(), Size);
  }
  Value half(int64_t T, int64_t Size) { return idx((T & 1) * Size); }
  void elementwise(tile::EltKind Kind, Value In0, Value Off0, int64_t S0, Value In1, Value Off1,
                   int64_t S1, Value Out, Value OutOff, int64_t Count, ArrayRef<float> Params = {},
                   Value In2 = Value(), Value Off2 = Value(), int64_t S2 = 0) {
    B.create<tile::ElementwiseOp>(Loc, tile::EltKindAttr::get(B.getContext(), Kind), In0, Off0, In1,
                                  Off1, In2, Off2, Out, OutOff, B.getI64IntegerAttr(Count),
                                  B.getI64IntegerAttr(S0), B.getI64IntegerAttr(S1),
                                  B.getI64IntegerAttr(S2), B.getDenseF32ArrayAttr(Params));
  }
  static Type eltOf(Value V) { return getElementTypeOrSelf(V.getType()); }

  /// Body(i) for i < Count: an scf.for, or Body(0) alone when Count is 1.
  void loop(int64_t Count, const std::function<void(Value)> &Body) {
    if (Count == 1)
      return Body(idx(0));
    auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Count), idx(1));
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(For.getBody());
    Body(For.getInductionVar());
  }

  /// Calls Body(offset, size) for [0, Total) in steps of Tile: an scf.for over
  /// the full tiles (inline when there is one) and a static remainder;
  /// nothing when the range is empty.
  void forTiles(int64_t Total, int64_t Tile, const std::function<void(Value, int64_t)> &Body) {
    if (Total <= 0)
      return;
    Tile = std::min(Tile, Total);
    int64_t Full = Total / Tile, Rem = Total % Tile;
    if (Full == 1) {
      Body(idx(0), Tile);
    } else if (Full > 1) {
      auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Full * Tile), idx(Tile));
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(For.getBody());
      Body(For.getInductionVar(), Tile);
    }
    if (Rem)
      Body(idx(Full * Tile), Rem);
  }

  /// Reports the lowering's first error at L (later ones follow from it and
  /// are not reported); the lowering stops after the op being lowered, and
  /// what was built from placeholders meanwhile is thrown away.
  void fail(Location L, const Twine &Msg) {
    if (!Failed)
      emitError(L, Msg);
    Failed = true;
  }
  bool Failed = false;

  Value buffer(Value Tensor) {
    auto It = Buffers.find(Tensor);
    if (It != Buffers.end())
      return It->second;
    fail(Loc, "integer tensors computed at run time are not lowered yet");
    return B.create<memref::AllocOp>(Loc, dramType(Tensor.getType()));
  }
  /// The DRAM buffer an op's result goes to: the function's output buffer
  /// when it is returned, else a new allocation.
  Value result(Value Tensor, Value Dest) {
    if (CurEp && Tensor == CurEp->Anchor)
      return CurEp->Out.lookup(Tensor);
    Value Buf =
        Dest ? Dest : B.create<memref::AllocOp>(Loc, dramType(Tensor.getType())).getResult();
    Buffers[Tensor] = Buf;
    return Buf;
  }

  /// A fused epilogue being lowered (graph.fused epilogue): elementwise ops
  /// applied to each output tile of the anchor while it is in SRAM.
  struct Epilogue {
    explicit Epilogue(Location L) : Loc(L) {}
    Value Anchor;                 // the anchor's result
    std::vector<Operation *> Ops; // the elementwise ops, in order
    DenseSet<Operation *> OpSet;  // the same (planEpilogue)
    /// The anchor's result or an op's: a value in a tile.
    bool internal(Value X) const {
      return X == Anchor || (X.getDefiningOp() && OpSet.count(X.getDefiningOp()));
    }
    DenseMap<Value, Value> Out; // value used after the group -> its DRAM buffer
    Shape OutShape;             // the anchor's result shape
    TileDims Dims;              // output dims of a tile's planes, rows, columns
    /// Tile slot of each value (the anchor's tile is slot 0) and of each
    /// outside operand read whole; slots are reused once their value is dead.
    DenseMap<Value, unsigned> Slot;
    int64_t ExtraTiles = 0; // output-sized SRAM tiles beyond the anchor's
    Location Loc;           // the group's
  };
  Epilogue *CurEp = nullptr;
  DenseMap<Value, Value> Dests; // @main's results -> output buffers

  /// How an outside operand of the epilogue lines up with a [P][R][C] tile.
  TileForm formOf(const Epilogue &Ep, Value Operand);
  void planEpilogue(Epilogue &Ep);
  /// Runs the epilogue on the anchor's output tile Tile ([P][R][C]) whose
  /// first element is output index Origin, then writes each value used after
  /// the group to its DRAM buffer at OutOff with strides OutStrides.
  void runEpilogue(Epilogue &Ep, Value Tile, int64_t P, int64_t R, int64_t C,
                   ArrayRef<Value> Origin, Value OutOff, std::array<int64_t, 2> OutStrides);
  void lowerFused(graph::FusedOp F);
  /// A graph.fused rows group: a tile of whole rows at a time, every op in
  /// SRAM, outside operands read and escaping values written per tile.
  void lowerRowGroup(graph::FusedOp F);
  /// A graph.fused depth_first group: bands of rows through every stage
  /// (plan::chainBands), each stage's input rows kept in SRAM.
  void lowerChain(graph::FusedOp F);
  /// pow by a constant exponent in the exact form the unfused lowering
  /// uses (x * x, sqrt, 1 / x, x); rewrites Kind and Ins.
  void exactPow(tile::EltKind &Kind, std::vector<Value> &Ins);

  std::string lowerConstant(graph::ConstantOp Op);
  Value transposedConstant(graph::ConstantOp C);
  void lowerElementwise(Operation *Op, tile::EltKind Kind, ArrayRef<float> Params, Value Dest);
  /// out = f(operands) with numpy broadcasting, on DRAM buffers.
  void elementwiseBuffers(tile::EltKind Kind, const std::vector<std::pair<Value, Shape>> &Operands,
                          const Shape &Out, Value Res, ArrayRef<float> Params);
  struct BatchDim {
    int64_t Size, AStride, BStride; // element strides; 0 where broadcast
    int64_t OutDim;                 // the output dimension it walks
  };
  void lowerMatmul(Value A, Value Bm, bool TransA, bool TransB, int64_t M, int64_t N, int64_t K,
                   ArrayRef<BatchDim> Batch, Value C, float Alpha, float Beta, Value Out);
  void lowerOp(Operation *Op, Value Dest);
  /// Convolution (Weight set) or pooling over NCHW; Kind is conv, max or
  /// sum (average pooling then scales by Scale, a [OH * OW] constant of
  /// reciprocal window counts, or 1 / (kh * kw) when Scale is empty).
  void lowerWindow(tile::WindowKind Kind, Value In, Shape InShape, Value Weight, Value Bias,
                   Value Out, Shape OutShape, int64_t KH, int64_t KW, ArrayRef<int64_t> Strides,
                   ArrayRef<int64_t> Pads, ArrayRef<int64_t> Dil, int64_t Group,
                   ArrayRef<float> Scale);
  Value global(ArrayRef<float> Data, Shape S);
  /// A constant convolution weight [F][Cg][KH][KW] packed in bf16 for the
  /// matrix unit (plan::packMmaWeights), or null when it is not a constant.
  Value packedWeights(Value Weight, int64_t Groups);
  /// Shape split at [Lo, Hi): products of the dims before, inside and after.
  static std::array<int64_t, 3> split3(const Shape &S, int64_t Lo, int64_t Hi) {
    std::array<int64_t, 3> R{1, 1, 1};
    for (int64_t D = 0; D < int64_t(S.size()); ++D)
      R[D < Lo ? 0 : D < Hi ? 1 : 2] *= S[size_t(D)];
    return R;
  }
  enum class RowOp { Sum, Mean, Max, Min, Prod, Softmax, LayerNorm };
  /// Operations along the middle extent of [Outer, Len, Inner] views.
  void lowerRows(RowOp What, Value In, Value Out, int64_t Outer, int64_t Len, int64_t Inner,
                 Value Scale = Value(), Value Bias = Value(), float Eps = 0);
  /// Copies a strided view: element (i0..in-1) of Dst (contiguous, shape
  /// Dims) comes from Src at SrcOff + sum(i_d * SrcStrides[d]).
  void stridedCopy(Value Src, int64_t SrcOff, const std::vector<int64_t> &SrcStrides, Value Dst,
                   int64_t DstOff, const std::vector<int64_t> &DstStrides, const Shape &Dims);
  void copy(Value Src, Value Dst, int64_t Elements);
  /// Sets the first Elements fp32 elements of Dst to V.
  void fill(Value Dst, int64_t Elements, float V);
};

std::string Lowering::lowerConstant(graph::ConstantOp Op) {
  auto T = cast<RankedTensorType>(Op.getType());
  auto MT = tile::bufferType(T.getShape(), T.getElementType(), tile::Space::DRAM);
  std::string Name = "cst" + std::to_string(NextGlobal++);
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(M.getBody());
  B.create<memref::GlobalOp>(Loc, Name, B.getStringAttr("private"), MT,
                             cast<ElementsAttr>(Op.getValue()), /*constant=*/true, IntegerAttr());
  return Name;
}

Value Lowering::transposedConstant(graph::ConstantOp C) {
  auto T = cast<RankedTensorType>(C.getType());
  int64_t R = T.getShape()[0], Cols = T.getShape()[1];
  std::vector<float> Src = graph::constantF32(C.getResult());
  std::vector<float> Dst(Src.size());
  for (int64_t I = 0; I < R; ++I)
    for (int64_t J = 0; J < Cols; ++J)
      Dst[size_t(J * R + I)] = Src[size_t(I * Cols + J)];
  auto TT = RankedTensorType::get({Cols, R}, T.getElementType());
  std::string Name = "cst" + std::to_string(NextGlobal++);
  {
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(M.getBody());
    B.create<memref::GlobalOp>(Loc, Name, B.getStringAttr("private"), dramType(TT),
                               DenseElementsAttr::get(TT, ArrayRef<float>(Dst)), true,
                               IntegerAttr());
  }
  return B.create<memref::GetGlobalOp>(Loc, dramType(TT), Name);
}

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
      return fail(Loc, "a row of " + std::to_string(Len) +
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
    return fail(Loc, "layer normalization over leading dimensions is not lowered yet");
  // Columns: [Len, TI] blocks combined row by row with elementwise ops.
  int64_t TI = std::max<int64_t>(1, std::min<int64_t>(Inner, Budget / (Len + 3)));
  if (Len + 3 > Budget)
    return fail(Loc, "a reduction over " + std::to_string(Len) +
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
    return fail(Loc, "a copy with rows of " + std::to_string(Cols) +
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

// Elementwise with numpy broadcasting. The output is walked as rows: dims
// are coalesced, the innermost becomes the row, the next one is tiled, and
// the rest are loops. Each input has an element stride per output dim (0
// where it broadcasts).
void Lowering::lowerElementwise(Operation *Op, tile::EltKind Kind, ArrayRef<float> Params,
                                Value Dest) {
  std::vector<std::pair<Value, Shape>> Ins;
  for (Value V : Op->getOperands())
    Ins.push_back({buffer(V), Shape(cast<RankedTensorType>(V.getType()).getShape())});
  Shape Out(cast<RankedTensorType>(Op->getResult(0).getType()).getShape());
  Value Res = result(Op->getResult(0), Dest);
  elementwiseBuffers(Kind, Ins, Out, Res, Params);
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

// Out[b] (M x N, row stride N) = Alpha * op(A[b]) x op(B[b]) + Beta * C.
void Lowering::lowerMatmul(Value A, Value Bm, bool TransA, bool TransB, int64_t M, int64_t N,
                           int64_t K, ArrayRef<BatchDim> Batch, Value C, float Alpha, float Beta,
                           Value Out) {
  // Tiles: A TM x TK, B TK x TN, C TM x TN within the budget.
  // In bf16 the products run on the matrix unit, from bf16 copies of the
  // A and B tiles in a scratch buffer.
  plan::MatmulTiling MT = plan::matmulTiling(M, N, K, plan::matmulBudget(SramBytes),
                                             CurEp ? CurEp->ExtraTiles : 0, Bf16);
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
        if (CurEp) {
          std::vector<Value> At = Origin;
          At[size_t(CurEp->Dims.R)] = M0;
          At[size_t(CurEp->Dims.C)] = N0;
          runEpilogue(*CurEp, CBuf, 1, Tm, Tn, At, OOff, {0, N});
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
        if (CurEp)
          Origin[size_t(Batch[D].OutDim)] = Iv;
        Loops(D + 1, add(AO, mul(Iv, Batch[D].AStride)), add(BO, mul(Iv, Batch[D].BStride)),
              add(OO, mul(Iv, Inner)), Inner);
      };
  int64_t OutBatch = M * N;
  for (const BatchDim &D : Batch)
    OutBatch *= D.Size;
  if (CurEp)
    Origin.assign(CurEp->OutShape.size(), idx(0));
  Loops(0, idx(0), idx(0), idx(0), OutBatch);
  for (Value V : {ABuf, BBuf, CBuf})
    free(V);
  for (Value V : {CTile, Scratch})
    if (V)
      free(V);
}

Value Lowering::global(ArrayRef<float> Data, Shape S) {
  auto TT = RankedTensorType::get(S, B.getF32Type());
  std::string Name = "cst" + std::to_string(NextGlobal++);
  {
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(M.getBody());
    B.create<memref::GlobalOp>(Loc, Name, B.getStringAttr("private"), dramType(TT),
                               DenseElementsAttr::get(TT, Data), true, IntegerAttr());
  }
  return B.create<memref::GetGlobalOp>(Loc, dramType(TT), Name);
}

Value Lowering::packedWeights(Value Weight, int64_t Groups) {
  auto Get = Weight.getDefiningOp<memref::GetGlobalOp>();
  if (!Get)
    return Value();
  auto G = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(Get, Get.getNameAttr());
  auto Data = G ? dyn_cast_or_null<DenseElementsAttr>(G.getInitialValueAttr()) : nullptr;
  if (!Data || !Data.getElementType().isF32())
    return Value();
  Shape S(cast<MemRefType>(Weight.getType()).getShape());
  std::vector<float> W(Data.getValues<float>().begin(), Data.getValues<float>().end());
  std::vector<uint16_t> Packed = plan::packMmaWeights(W, S[0], S[1], S[2], S[3], Groups);
  auto TT = RankedTensorType::get({int64_t(Packed.size())}, B.getBF16Type());
  std::string Name = "cst" + std::to_string(NextGlobal++);
  {
    OpBuilder::InsertionGuard Guard(B);
    B.setInsertionPointToStart(M.getBody());
    auto Raw = ArrayRef<char>(reinterpret_cast<const char *>(Packed.data()), Packed.size() * 2);
    B.create<memref::GlobalOp>(Loc, Name, B.getStringAttr("private"), dramType(TT),
                               DenseElementsAttr::getFromRawBuffer(TT, Raw), true, IntegerAttr());
  }
  return B.create<memref::GetGlobalOp>(Loc, dramType(TT), Name);
}

void Lowering::lowerWindow(tile::WindowKind Kind, Value In, Shape IS, Value Weight, Value Bias,
                           Value Out, Shape OS, int64_t KH, int64_t KW, ArrayRef<int64_t> St,
                           ArrayRef<int64_t> Pads, ArrayRef<int64_t> Dil, int64_t Group,
                           ArrayRef<float> Scale) {
  bool Conv = Kind == tile::WindowKind::Conv;
  int64_t N = IS[0], C = IS[1], H = IS[2], W = IS[3], F = OS[1], OH = OS[2], OW = OS[3];
  int64_t Cg = Conv ? C / Group : 1, Fg = Conv ? F / Group : 1;
  int64_t Groups = Conv ? Group : 1;
  int64_t PT = Pads[0], PL = Pads[1];
  // With --precision=bf16 a convolution with constant weights runs on the
  // matrix unit (conv2d_mma) where its tiles align with the A tiles (8
  // filters x 4 channels); depthwise-like groups and column strides above 2
  // stay on the vector unit. Its padded rows are a multiple of twice the
  // stride wide (for the views, d1/Planning/MmaConv.h): extra columns on
  // the right that no window reads.
  Value Packed;
  if (Conv && Bf16 && St[1] <= 2 && (Group == 1 || (Cg >= 4 && Fg >= 8)))
    Packed = packedWeights(Weight, Group);
  int64_t PR = Pads[3];
  if (Packed)
    PR += plan::roundUp(W + PL + PR, 2 * St[1]) - (W + PL + PR);
  int64_t IWp = W + PL + PR;
  int64_t K2 = KH * KW;
  auto RowsFor = [&](int64_t Toy) { return (Toy - 1) * St[0] + (KH - 1) * Dil[0] + 1; };
  // Tiles: TF filters (or channels when pooling) x TC input channels x TOY
  // output rows, within half of SRAM (d1/Planning/Tiling.h).
  int64_t Budget = plan::windowBudget(SramBytes);
  int64_t Extra = CurEp ? CurEp->ExtraTiles : 0;
  plan::WindowShape WS{Conv,  N,     C,      H,      W,       F,       OH,      OW, KH,   KW,
                       St[0], St[1], Dil[0], Dil[1], Pads[0], Pads[1], Pads[2], PR, Group};
  WS.Mma = bool(Packed);
  plan::WindowTiling WT = plan::windowTiling(WS, Budget, Extra, DoubleBuffer);
  if (WS.Mma && !((WT.TF % 8 == 0 || WT.TF >= Fg) && (WT.TC % 4 == 0 || WT.TC >= Cg))) {
    WS.Mma = false;
    Packed = Value();
    PR = Pads[3];
    IWp = W + PL + PR;
    WS.PadR = PR;
    WT = plan::windowTiling(WS, Budget, Extra, DoubleBuffer);
  }
  bool Mma = WS.Mma;
  int64_t TF = WT.TF, TC = WT.TC, TOY = 1;
  auto Need = [&](int64_t Toy) { return plan::windowTileElements(WS, TF, TC, Toy, Extra); };
  // (Even one output column's window does not fit: split the kernel rows.)
  if (Need(1) > Budget && Kind == tile::WindowKind::Max && KH > 1 &&
      TF * RowsFor(1) * ((KW - 1) * Dil[1] + 1) > Budget / 4) {
    // Windows of too many rows: the maximum over chunks of kernel rows, each
    // a max pooling of its own over the input shifted by the chunk's first
    // row (cropped where the shift passes the top padding).
    int64_t KHc = std::max<int64_t>(1, (Budget / 4 / (TF * IWp) - 1) / Dil[0] + 1);
    KHc = std::min(KHc, KH - 1);
    Type E = eltOf(In);
    Value Tmp;
    for (int64_t Ky0 = 0; Ky0 < KH; Ky0 += KHc) {
      int64_t Kc = std::min(KHc, KH - Ky0);
      int64_t Top = PT - Ky0 * Dil[0]; // the chunk's top padding
      int64_t Crop = std::max<int64_t>(0, -Top);
      int64_t Hc = std::max<int64_t>(0, H - Crop);
      int64_t NeedRows = (OH - 1) * St[0] + (Kc - 1) * Dil[0] + 1;
      int64_t Bottom = std::max<int64_t>(0, NeedRows - (std::max<int64_t>(Top, 0) + Hc));
      Value CIn = In;
      Shape CS = IS;
      if (Crop) {
        CS[2] = Hc;
        CIn = B.create<memref::AllocOp>(Loc, tile::bufferType(CS, E, tile::Space::DRAM));
        if (Hc)
          stridedCopy(In, Crop * W, {C * H * W, H * W, W, 1}, CIn, 0, {C * Hc * W, Hc * W, W, 1},
                      CS);
      }
      Value Dst = Ky0 == 0 ? Out
                           : (Tmp ? Tmp
                                  : Tmp = B.create<memref::AllocOp>(
                                        Loc, tile::bufferType(OS, E, tile::Space::DRAM)));
      lowerWindow(Kind, CIn, CS, Value(), Value(), Dst, OS, Kc, KW, St,
                  {std::max<int64_t>(Top, 0), Pads[1], Bottom, Pads[3]}, Dil, 1, {});
      if (Ky0)
        elementwiseBuffers(tile::EltKind::Max, {{Out, OS}, {Tmp, OS}}, OS, Out, {});
    }
    return;
  }
  if (Need(1) > Budget && !Conv && Scale.empty() && OW > 1) {
    // Pooling rows too wide for SRAM: pool column strips of the output, each
    // from a copy of the input columns it reads (padding kept per strip).
    int64_t TW = OW;
    while (TW > 1) {
      TW = (TW + 1) / 2;
      int64_t Cols = (TW - 1) * St[1] + (KW - 1) * Dil[1] + 1;
      if (TF * RowsFor(1) * Cols + 64 * St[1] + TF * TW + TF <= Budget / 2)
        break;
    }
    Type E = eltOf(In);
    for (int64_t Ox0 = 0; Ox0 < OW; Ox0 += TW) {
      int64_t Tw = std::min(TW, OW - Ox0);
      int64_t X0 = Ox0 * St[1] - PL, X1 = X0 + (Tw - 1) * St[1] + (KW - 1) * Dil[1] + 1;
      int64_t Lo = std::max<int64_t>(X0, 0), Hi = std::min<int64_t>(X1, W);
      Shape SIS = {N, C, H, std::max<int64_t>(Hi - Lo, 0)}, SOS = {N, C, OH, Tw};
      Value SIn = B.create<memref::AllocOp>(Loc, tile::bufferType(SIS, E, tile::Space::DRAM));
      Value SOut = B.create<memref::AllocOp>(Loc, tile::bufferType(SOS, E, tile::Space::DRAM));
      if (Hi > Lo)
        stridedCopy(In, Lo, {C * H * W, H * W, W, 1}, SIn, 0,
                    {C * H * SIS[3], H * SIS[3], SIS[3], 1}, SIS);
      lowerWindow(Kind, SIn, SIS, Value(), Value(), SOut, SOS, KH, KW, St,
                  {Pads[0], Lo - X0, Pads[2], X1 - Hi}, Dil, 1, {});
      stridedCopy(SOut, 0, {C * OH * Tw, OH * Tw, Tw, 1}, Out, Ox0, {C * OH * OW, OH * OW, OW, 1},
                  SOS);
    }
    return;
  }
  if (!WT.Fits)
    return fail(Loc, "one output row of this layer needs " + std::to_string(Need(1) * 4) +
                         " bytes of SRAM; the tile budget is " + std::to_string(Budget * 4));
  TOY = WT.TOY;
  int64_t XRows = RowsFor(TOY);
  int64_t XPlanes = Conv ? TC : TF;
  // Double-buffered, the input tile has two halves: row tile t's input goes
  // to half t & 1 while tile t - 1 computes from the other.
  // Likewise the weights: filter tile t's in half t & 1 of WBuf.
  bool DoubleIn = WT.DoubleInput, DoubleW = WT.DoubleWeights;
  int64_t XHalf = XPlanes * XRows * IWp + 64 * St[1];
  // On the matrix unit the weights are bf16 A tiles and the input's bf16
  // views get a scratch buffer.
  int64_t Cg4 = plan::roundUp(Cg, 4), Fg8 = plan::roundUp(Fg, 8);
  int64_t WHalf = Mma ? plan::mmaWeightElements(TF, TC, KH, KW) : TF * TC * K2;
  Value XBuf = sram(XHalf * (DoubleIn ? 2 : 1));
  Value WBuf = Conv ? sram(WHalf * (DoubleW ? 2 : 1), Mma ? B.getBF16Type() : Type()) : Value();
  Value Views =
      Mma ? sram(plan::mmaConvLayout(TC, XRows, IWp, OW, KW, St[1], Dil[1], TF).ScratchBytes / 2,
                 B.getBF16Type())
          : Value();
  // (On the matrix unit, channel tiles that add up read each 8 x 8 block
  // of old outputs whole: a last partial block reads up to 8 elements past
  // the tile.)
  Value OBuf = sram(TF * TOY * OW + (Mma ? 8 : 0));
  // On the matrix unit the bias starts the accumulators: all of a group's
  // filters' biases are loaded once.
  Value BBuf = Bias ? sram(Mma ? Fg : TF) : Value();
  Value SBuf = !Scale.empty() ? sram(TOY * OW) : Value();
  Value ScaleG = !Scale.empty() ? global(Scale, {OH * OW}) : Value();
  float PadValue = Kind == tile::WindowKind::Max ? -INFINITY : 0.0f;

  // Row tiles: the first and last may be clipped by the padding; the rest
  // are alike and share a loop.
  struct RowTile {
    int64_t Oy0, Toy, SrcRow, DstRow, Rows;
  };
  std::vector<RowTile> Tiles;
  for (int64_t Oy0 = 0; Oy0 < OH; Oy0 += TOY) {
    int64_t Toy = std::min(TOY, OH - Oy0);
    int64_t Y0 = Oy0 * St[0] - PT, Need = RowsFor(Toy);
    int64_t Lo = std::max<int64_t>(Y0, 0), Hi = std::min<int64_t>(Y0 + Need, H);
    Tiles.push_back({Oy0, Toy, Lo, Lo - Y0, std::max<int64_t>(Hi - Lo, 0)});
  }
  // With every input channel in one tile, one operand stays in SRAM across
  // the other's tiles, whichever the tiling found moves fewer bytes: a
  // filter tile's weights across all row tiles (filter tiles outside,
  // weights read once), or a row tile's input across all filter tiles (rows
  // outside, weights per filter tile). Otherwise rows outside, and weights
  // and input per (row, filter, channel) tile.
  bool InputOnce = Conv && WT.InputOnce;
  bool WeightsResident = Conv && Cg <= TC && !InputOnce;
  // Returns the copy's token when Async.
  auto loadWeights = [&](Value Gb, Value F0, int64_t Tf, Value C0, int64_t Tc, Value WOff,
                         bool Async = false) -> Value {
    if (Mma) {
      // Rows of A tiles: (filter block, ky, kx) x the channel tile's blocks.
      int64_t Tc4 = plan::roundUp(Tc, 4);
      Value WSrc = add(add(mul(Gb, Fg8 * K2 * Cg4), mul(F0, K2 * Cg4)), mul(C0, 8));
      return dma(Packed, WSrc, WBuf, WOff, {1, plan::roundUp(Tf, 8) / 8 * K2, Tc4 * 8},
                 {0, Cg4 * 8}, {0, Tc4 * 8}, Async);
    }
    Value WSrc = add(mul(add(mul(Gb, Fg), F0), Cg * K2), mul(C0, K2));
    return dma(Weight, WSrc, WBuf, WOff, {1, Tf, Tc * K2}, {0, Cg * K2}, {0, Tc * K2}, Async);
  };
  int64_t InPlane = H * W, OutPlane = OH * OW;
  // The padded input tile of Planes channels from channel First (within the
  // group) at XOff: pad value, then the input rows inside. Started only when
  // Async (and there are rows): the copy's token, for Wait.
  auto loadInput = [&](Value Nb, Value Gb, Value Oy0, const RowTile &T, Value First, int64_t Planes,
                       Value XOff, bool Async = false) -> Value {
    elementwise(tile::EltKind::Fill, XBuf, XOff, 0, Value(), Value(), 0, XBuf, XOff,
                Planes * XRows * IWp, {PadValue});
    if (T.Rows > 0) {
      Value Ch = Conv ? add(mul(Gb, Cg), First) : First;
      // First input row: Oy0 * stride - pad_top + the rows clipped away.
      Value Src = add(add(mul(Nb, C * InPlane), mul(Ch, InPlane)),
                      add(mul(Oy0, St[0] * W), idx((T.DstRow - PT) * W)));
      return dma(In, Src, XBuf, add(XOff, T.DstRow * IWp + PL), {Planes, T.Rows, W}, {InPlane, W},
                 {XRows * IWp, IWp}, Async);
    }
    return Value();
  };
  auto Wait = [&](Value Token) {
    if (Token)
      B.create<tile::DmaWaitOp>(Loc, Token, In, XBuf, IntegerAttr());
  };
  // On the matrix unit: the bf16 views of an input tile that has arrived,
  // for every filter tile over it.
  auto MakeViews = [&](Value XOff, int64_t Planes) {
    if (Mma)
      B.create<tile::MmaViewsOp>(Loc, XBuf, XOff, Views, idx(0), B.getI64IntegerAttr(Planes),
                                 B.getI64IntegerAttr(XRows), B.getI64IntegerAttr(IWp),
                                 B.getI64IntegerAttr(OW), B.getI64IntegerAttr(KW),
                                 B.getI64IntegerAttr(St[1]), B.getI64IntegerAttr(Dil[1]));
  };
  // One filter tile of one row tile, its input at XOff (loaded here unless
  // the caller loaded it).
  auto EmitF = [&](Value Nb, Value Gb, Value Oy0, const RowTile &T, Value F0, int64_t Tf,
                   Value XOff, Value WOff) {
    int64_t Toy = T.Toy;
    bool Split = Conv && Cg > TC;
    if (Split)
      elementwise(tile::EltKind::Fill, OBuf, idx(0), 0, Value(), Value(), 0, OBuf, idx(0),
                  Tf * Toy * OW, {0.0f});
    forTiles(Conv ? Cg : 1, Conv ? TC : 1, [&](Value C0, int64_t Tc) {
      int64_t Planes = Conv ? Tc : Tf;
      if (!InputOnce && !DoubleIn) {
        loadInput(Nb, Gb, Oy0, T, Conv ? C0 : F0, Planes, XOff);
        MakeViews(XOff, Planes);
      }
      if (Conv && !WeightsResident && !DoubleW)
        loadWeights(Gb, F0, Tf, C0, Tc, idx(0));
      if (Mma) {
        // The bias starts the accumulators (unless channel tiles add up).
        B.create<tile::Conv2DMmaOp>(
            Loc, XBuf, XOff, WBuf, WOff, Views, idx(0), Bias && !Split ? BBuf : Value(),
            Bias && !Split ? F0 : Value(), OBuf, idx(0), B.getI64IntegerAttr(Planes),
            B.getI64IntegerAttr(Tf), B.getI64IntegerAttr(XRows), B.getI64IntegerAttr(IWp),
            B.getI64IntegerAttr(Toy), B.getI64IntegerAttr(OW), B.getI64IntegerAttr(KH),
            B.getI64IntegerAttr(KW), B.getI64IntegerAttr(St[0]), B.getI64IntegerAttr(St[1]),
            B.getI64IntegerAttr(Dil[0]), B.getI64IntegerAttr(Dil[1]), B.getBoolAttr(Split));
        return;
      }
      B.create<tile::Conv2DOp>(
          Loc, tile::WindowKindAttr::get(B.getContext(), Kind), XBuf, XOff, Conv ? WBuf : Value(),
          Conv ? WOff : Value(), OBuf, idx(0), B.getI64IntegerAttr(Planes),
          B.getI64IntegerAttr(Conv ? Tf : 1), B.getI64IntegerAttr(XRows), B.getI64IntegerAttr(IWp),
          B.getI64IntegerAttr(Toy), B.getI64IntegerAttr(OW), B.getI64IntegerAttr(KH),
          B.getI64IntegerAttr(KW), B.getI64IntegerAttr(St[0]), B.getI64IntegerAttr(St[1]),
          B.getI64IntegerAttr(Dil[0]), B.getI64IntegerAttr(Dil[1]), B.getBoolAttr(Split));
    });
    int64_t Px = Toy * OW;
    if (Bias && !(Mma && !Split)) {
      Value BOff = Mma ? F0 : idx(0);
      if (!Mma)
        dma(Bias, add(mul(Gb, Fg), F0), BBuf, idx(0), {1, 1, Tf}, {0, 0}, {0, 0});
      auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Tf), idx(1));
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(For.getBody());
      Value Fi = For.getInductionVar();
      elementwise(tile::EltKind::Add, OBuf, mul(Fi, Px), 1, BBuf, add(BOff, Fi), 0, OBuf,
                  mul(Fi, Px), Px);
    }
    if (Kind == tile::WindowKind::Sum) {
      if (SBuf) {
        dma(ScaleG, mul(Oy0, OW), SBuf, idx(0), {1, 1, Px}, {0, 0}, {0, 0});
        auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Tf), idx(1));
        OpBuilder::InsertionGuard G(B);
        B.setInsertionPointToStart(For.getBody());
        Value Fi = For.getInductionVar();
        elementwise(tile::EltKind::Mul, OBuf, mul(Fi, Px), 1, SBuf, idx(0), 1, OBuf, mul(Fi, Px),
                    Px);
      } else {
        elementwise(tile::EltKind::Affine, OBuf, idx(0), 1, Value(), Value(), 0, OBuf, idx(0),
                    Tf * Px, {1.0f / float(K2), 0.0f});
      }
    }
    Value Ch = Conv ? add(mul(Gb, Fg), F0) : F0;
    Value Dst = add(add(mul(Nb, F * OutPlane), mul(Ch, OutPlane)), mul(Oy0, OW));
    if (CurEp)
      runEpilogue(*CurEp, OBuf, Tf, Toy, OW, {Nb, Ch, Oy0, idx(0)}, Dst, {OutPlane, OW});
    else
      dma(OBuf, idx(0), Out, Dst, {Tf, Toy, OW}, {Toy * OW, OW}, {OutPlane, OW});
  };
  // Every row tile; runs of row tiles that differ only by their position
  // share a loop.
  auto SameRowTile = [&](const RowTile &A, const RowTile &X) {
    return A.Toy == X.Toy && A.DstRow == X.DstRow && A.Rows == X.Rows &&
           X.SrcRow - A.SrcRow == (X.Oy0 - A.Oy0) * St[0];
  };
  auto Rows = [&](const std::function<void(Value Oy0, const RowTile &T)> &Body) {
    size_t K = 0;
    while (K < Tiles.size()) {
      size_t E = K + 1;
      while (E < Tiles.size() && SameRowTile(Tiles[K], Tiles[E]))
        ++E;
      if (E - K == 1) {
        Body(idx(Tiles[K].Oy0), Tiles[K]);
      } else {
        auto For =
            B.create<scf::ForOp>(Loc, idx(Tiles[K].Oy0), idx(Tiles[E - 1].Oy0 + 1), idx(TOY));
        OpBuilder::InsertionGuard G(B);
        B.setInsertionPointToStart(For.getBody());
        Body(For.getInductionVar(), Tiles[K]);
      }
      K = E;
    }
  };
  // Every row tile with its input double-buffered: before tile t computes,
  // tile t + 1's input is started into the other half, so that the copy
  // runs while t computes. The last tile of each run of alike tiles is
  // peeled off, since the tile after it is shaped differently.
  auto PipelinedRows = [&](Value Nb, Value Gb,
                           const std::function<void(Value, const RowTile &, Value)> &Body) {
    auto Start = [&](Value Oy0, const RowTile &T, Value XOff) {
      return loadInput(Nb, Gb, Oy0, T, idx(0), Cg, XOff, /*Async=*/true);
    };
    // The started copy of the next tile's input (none for a tile without
    // input rows); alike tiles have rows alike, so a run's loop carries a
    // token in every iteration or in none.
    Value Token = Start(idx(Tiles[0].Oy0), Tiles[0], idx(0));
    size_t K = 0;
    while (K < Tiles.size()) {
      size_t E = K + 1;
      while (E < Tiles.size() && SameRowTile(Tiles[K], Tiles[E]))
        ++E;
      if (E - K > 1) {
        auto For = tokenLoop(idx(0), idx(int64_t(E - 1 - K)), idx(1), Token);
        OpBuilder::InsertionGuard G(B);
        B.setInsertionPointToStart(For.getBody());
        Value J = For.getInductionVar(), T = add(J, int64_t(K));
        Value Oy0 = add(mul(J, TOY), Tiles[K].Oy0);
        Wait(Token ? For.getRegionIterArgs()[0] : Value());
        Value Next = Start(add(Oy0, TOY), Tiles[K], half(add(T, 1), XHalf));
        MakeViews(half(T, XHalf), Cg);
        Body(Oy0, Tiles[K], half(T, XHalf));
        if (Token) {
          B.setInsertionPointToEnd(For.getBody());
          B.create<scf::YieldOp>(Loc, Next);
          Token = For.getResult(0);
        }
      }
      Wait(Token);
      Token = Value();
      if (E < Tiles.size())
        Token = Start(idx(Tiles[E].Oy0), Tiles[E], half(int64_t(E), XHalf));
      MakeViews(half(int64_t(E - 1), XHalf), Cg);
      Body(idx(Tiles[E - 1].Oy0), Tiles[E - 1], half(int64_t(E - 1), XHalf));
      K = E;
    }
  };
  // Every filter tile (channel tile when pooling), each with its weights
  // at WOff; double-buffered like the rows: filter tile t + 1's weights are
  // started before tile t computes.
  auto FilterTiles = [&](Value Gb, const std::function<void(Value, int64_t, Value)> &Body) {
    if (!DoubleW)
      return forTiles(Conv ? Fg : C, TF, [&](Value F0, int64_t Tf) { Body(F0, Tf, idx(0)); });
    int64_t Full = Fg / TF, Rem = Fg % TF;
    auto Start = [&](Value F0, int64_t Tf, Value WOff) {
      return loadWeights(Gb, F0, Tf, idx(0), Cg, WOff, /*Async=*/true);
    };
    auto WaitW = [&](Value Token) {
      B.create<tile::DmaWaitOp>(Loc, Token, Mma ? Packed : Weight, WBuf, IntegerAttr());
    };
    Value Token = Start(idx(0), TF, idx(0)); // canDoubleWeights: TF < Fg, so Full >= 1
    if (Full > 1) {
      auto For = tokenLoop(idx(0), idx(Full - 1), idx(1), Token);
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(For.getBody());
      Value J = For.getInductionVar();
      WaitW(For.getRegionIterArgs()[0]);
      Value Next = Start(mul(add(J, 1), TF), TF, half(add(J, 1), WHalf));
      Body(mul(J, TF), TF, half(J, WHalf));
      B.setInsertionPointToEnd(For.getBody());
      B.create<scf::YieldOp>(Loc, Next);
      Token = For.getResult(0);
    }
    WaitW(Token);
    if (Rem)
      Token = Start(idx(Full * TF), Rem, half(Full, WHalf));
    Body(idx((Full - 1) * TF), TF, half(Full - 1, WHalf));
    if (Rem) {
      WaitW(Token);
      Body(idx(Full * TF), Rem, half(Full, WHalf));
    }
  };
  loop(N, [&](Value Nb) {
    loop(Groups, [&](Value Gb) {
      if (Mma && Bias)
        dma(Bias, mul(Gb, Fg), BBuf, idx(0), {1, 1, Fg}, {0, 0}, {0, 0});
      if (WeightsResident) {
        FilterTiles(Gb, [&](Value F0, int64_t Tf, Value WOff) {
          if (!DoubleW)
            loadWeights(Gb, F0, Tf, idx(0), Cg, WOff);
          if (DoubleIn)
            PipelinedRows(Nb, Gb, [&](Value Oy0, const RowTile &T, Value XOff) {
              EmitF(Nb, Gb, Oy0, T, F0, Tf, XOff, WOff);
            });
          else
            Rows([&](Value Oy0, const RowTile &T) { EmitF(Nb, Gb, Oy0, T, F0, Tf, idx(0), WOff); });
        });
      } else {
        auto Filters = [&](Value Oy0, const RowTile &T, Value XOff) {
          FilterTiles(Gb, [&](Value F0, int64_t Tf, Value WOff) {
            EmitF(Nb, Gb, Oy0, T, F0, Tf, XOff, WOff);
          });
        };
        if (DoubleIn)
          PipelinedRows(Nb, Gb, Filters);
        else
          Rows([&](Value Oy0, const RowTile &T) {
            if (InputOnce) {
              loadInput(Nb, Gb, Oy0, T, idx(0), Cg, idx(0));
              MakeViews(idx(0), Cg);
            }
            Filters(Oy0, T, idx(0));
          });
      }
    });
  });
  for (Value V : {XBuf, WBuf, OBuf, BBuf, SBuf, Views})
    if (V)
      free(V);
}

//===----------------------------------------------------------------------===//
// Fused epilogues
//===----------------------------------------------------------------------===//

TileForm Lowering::formOf(const Epilogue &Ep, Value Operand) {
  TileForm F = tileForm(cast<RankedTensorType>(Operand.getType()).getShape(), Ep.OutShape, Ep.Dims);
  if (F == TileForm::Strided)
    fail(Loc, "internal error: an epilogue operand with strided columns");
  return F;
}

void Lowering::planEpilogue(Epilogue &Ep) {
  ValueTiles T = epilogueTiles(Ep.Anchor, Ep.Ops, Ep.Dims);
  Ep.OpSet = DenseSet<Operation *>(Ep.Ops.begin(), Ep.Ops.end());
  Ep.Slot = std::move(T.Slot);
  Ep.ExtraTiles = T.Slots - 1;
}

void Lowering::runEpilogue(Epilogue &Ep, Value Tile, int64_t P, int64_t R, int64_t C,
                           ArrayRef<Value> Origin, Value OutOff,
                           std::array<int64_t, 2> OutStrides) {
  int64_t N = P * R * C;
  unsigned Slots = unsigned(Ep.ExtraTiles + 1);
  std::vector<Value> SlotBuf(Slots);
  SlotBuf[0] = Tile;
  for (unsigned K = 1; K < Slots; ++K)
    SlotBuf[K] = sram(N);
  std::vector<Value> Small;
  auto WriteOut = [&](Value V) {
    if (Value Dst = Ep.Out.lookup(V))
      dma(SlotBuf[Ep.Slot.lookup(V)], idx(0), Dst, OutOff, {P, R, C}, {R * C, C},
          {OutStrides[0], OutStrides[1]});
  };
  // Where an outside operand's tile starts in its DRAM buffer.
  auto OperandOffset = [&](Value X) {
    Shape S(cast<RankedTensorType>(X.getType()).getShape());
    std::vector<int64_t> St = broadcastStrides(S, Ep.OutShape.size());
    Value Off = idx(0);
    for (size_t D = 0; D < St.size(); ++D)
      if (St[D])
        Off = add(Off, mul(Origin[D], St[D]));
    return Off;
  };
  struct Access {
    Value Buf;
    TileForm F;
  };
  DenseMap<Value, Access> Loaded;
  auto Load = [&](Value X) -> Access {
    if (auto It = Loaded.find(X); It != Loaded.end())
      return It->second;
    TileForm F = formOf(Ep, X);
    auto [SP, SR, SC] =
        tileStrides(cast<RankedTensorType>(X.getType()).getShape(), Ep.OutShape, Ep.Dims);
    Value Src = buffer(X), Off = OperandOffset(X);
    Value Buf;
    switch (F) {
    case TileForm::Full:
      Buf = SlotBuf[Ep.Slot.lookup(X)];
      dma(Src, Off, Buf, idx(0), {P, R, C}, {SP, SR}, {R * C, C});
      break;
    case TileForm::RowVector:
      Buf = sram(C);
      dma(Src, Off, Buf, idx(0), {1, 1, C}, {0, 0}, {0, 0});
      break;
    case TileForm::Scalar:
      Buf = sram(1);
      dma(Src, Off, Buf, idx(0), {1, 1, 1}, {0, 0}, {0, 0});
      break;
    case TileForm::PerPlane:
      Buf = sram(P);
      dma(Src, Off, Buf, idx(0), {P, 1, 1}, {SP, 0}, {1, 0});
      break;
    case TileForm::PerRow:
      Buf = sram(P * R);
      dma(Src, Off, Buf, idx(0), {P, R, 1}, {SP, SR}, {R, 1});
      break;
    case TileForm::Strided:
      llvm_unreachable("formOf refuses strided operands");
    }
    if (F != TileForm::Full)
      Small.push_back(Buf);
    return Loaded[X] = Access{Buf, F};
  };

  WriteOut(Ep.Anchor);
  for (Operation *Op : Ep.Ops) {
    auto Elt = dyn_cast<graph::ElementwiseOpInterface>(Op);
    if (!Elt)
      return fail(Loc, "internal error: a fused op that is not elementwise");
    tile::EltKind Kind = Elt.getEltKind();
    SmallVector<float> Params = Elt.getEltParams();
    std::vector<Value> Ins(Op->getOperands().begin(), Op->getOperands().end());
    exactPow(Kind, Ins);
    std::vector<Access> Acc;
    int Level = 0; // 0: one op over the tile; 1: per plane; 2: per row
    for (Value X : Ins) {
      Access A = Ep.internal(X) ? Access{SlotBuf[Ep.Slot.lookup(X)], TileForm::Full} : Load(X);
      Acc.push_back(A);
      Level = std::max(Level, A.F == TileForm::PerPlane                               ? 1
                              : A.F == TileForm::PerRow || A.F == TileForm::RowVector ? 2
                                                                                      : 0);
    }
    Value Res = SlotBuf[Ep.Slot.lookup(Op->getResult(0))];
    // Offsets and strides of each operand for a run of Count elements at
    // plane Pv and row Rv (null at the levels above).
    auto Emit = [&](Value Pv, Value Rv, int64_t Count) {
      std::vector<Value> Off;
      std::vector<int64_t> Str;
      auto FullOff = [&]() {
        if (Rv)
          return add(mul(Pv, R * C), mul(Rv, C));
        return Pv ? mul(Pv, R * C) : idx(0);
      };
      for (const Access &A : Acc) {
        switch (A.F) {
        case TileForm::Full:
          Off.push_back(FullOff());
          Str.push_back(1);
          break;
        case TileForm::Scalar:
          Off.push_back(idx(0));
          Str.push_back(0);
          break;
        case TileForm::RowVector:
          Off.push_back(idx(0));
          Str.push_back(1);
          break;
        case TileForm::PerPlane:
          Off.push_back(Pv);
          Str.push_back(0);
          break;
        case TileForm::PerRow:
          Off.push_back(add(mul(Pv, R), Rv));
          Str.push_back(0);
          break;
        case TileForm::Strided:
          llvm_unreachable("formOf refuses strided operands");
        }
      }
      auto Get = [&](size_t K) { return K < Acc.size() ? Acc[K].Buf : Value(); };
      auto GetOff = [&](size_t K) { return K < Acc.size() ? Off[K] : Value(); };
      auto GetStr = [&](size_t K) { return K < Acc.size() ? Str[K] : int64_t(0); };
      elementwise(Kind, Get(0), GetOff(0), GetStr(0), Get(1), GetOff(1), GetStr(1), Res, FullOff(),
                  Count, Params, Get(2), GetOff(2), GetStr(2));
    };
    if (Level == 0)
      Emit(Value(), Value(), N);
    else if (Level == 1)
      loop(P, [&](Value Pv) { Emit(Pv, Value(), R * C); });
    else
      loop(P, [&](Value Pv) { loop(R, [&](Value Rv) { Emit(Pv, Rv, C); }); });
    WriteOut(Op->getResult(0));
  }
  for (unsigned K = 1; K < Slots; ++K)
    free(SlotBuf[K]);
  for (Value V : Small)
    free(V);
}

void Lowering::exactPow(tile::EltKind &Kind, std::vector<Value> &Ins) {
  if (Kind != tile::EltKind::Pow)
    return;
  std::vector<float> E = graph::constantF32(Ins[1]);
  if (E.size() == 1 && E[0] == 2.0f) {
    Kind = tile::EltKind::Mul;
    Ins[1] = Ins[0];
  } else if (E.size() == 1 && (E[0] == 0.5f || E[0] == -1.0f || E[0] == 1.0f)) {
    Kind = E[0] == 0.5f    ? tile::EltKind::Sqrt
           : E[0] == -1.0f ? tile::EltKind::Reciprocal
                           : tile::EltKind::Copy;
    Ins.pop_back();
  }
}

void Lowering::lowerRowGroup(graph::FusedOp F) {
  using K = tile::EltKind;
  Loc = F.getLoc();
  std::vector<Operation *> Ops;
  for (Operation &Op : F.getBody().front().without_terminator())
    Ops.push_back(&Op);
  SmallVector<int64_t> D = rowDomain(Ops.front());
  for (Operation *Op : Ops)
    if (D.empty() || !rowMember(Op, D))
      return fail(Op->getLoc(),
                  "'" + Op->getName().getStringRef().str() + "' cannot run in this row kernel");
  int64_t Len = D.back(),
          Outer = shapes::numElements(Shape(D.begin(), D.end())) / std::max<int64_t>(Len, 1);
  if (Outer == 0 || Len == 0)
    return fail(Loc, "a row kernel over an empty tensor is not lowered yet");
  RowSlots S = rowSlots(Ops, D);
  int64_t TR = rowsPerTile(S, Len, Outer, plan::rowBudget(SramBytes));
  if (!TR)
    return fail(Loc, "a row of " + std::to_string(Len) + " elements with " +
                         std::to_string(S.elementsPerRow(Len)) +
                         " elements of SRAM per row does not fit the tile budget of " +
                         std::to_string(plan::rowBudget(SramBytes)) + " elements");
  DenseMap<Value, Value> Out; // escaping value -> its DRAM buffer
  auto Yield = cast<graph::YieldOp>(F.getBody().front().getTerminator());
  for (auto [V, R] : llvm::zip(Yield.getValues(), F.getResults()))
    Out[V] = result(R, Dests.lookup(R));
  auto FormOf = [&](Value V) { return rowForm(cast<RankedTensorType>(V.getType()).getShape(), D); };
  // Rows and scalars read by every tile: loaded once (freed in that order).
  llvm::MapVector<Value, Value> Resident;
  llvm::SmallPtrSet<Operation *, 16> Members(Ops.begin(), Ops.end());
  for (Operation *Op : Ops)
    for (Value X : Op->getOperands()) {
      RowForm Fm = FormOf(X);
      if ((X.getDefiningOp() && Members.count(X.getDefiningOp())) || Resident.count(X) ||
          (Fm != RowForm::RowVector && Fm != RowForm::Scalar))
        continue;
      int64_t N = Fm == RowForm::RowVector ? Len : 1;
      Value Buf = sram(N);
      dma(buffer(X), idx(0), Buf, idx(0), {1, 1, N}, {0, 0}, {0, 0});
      Resident[X] = Buf;
    }
  std::vector<Value> Slots;
  for (bool Full : S.IsFull)
    Slots.push_back(sram(Full ? TR * Len : TR));
  Value T0 = S.TempRows ? sram(TR) : Value(), T1 = S.TempRows ? sram(TR) : Value();
  forTiles(Outer, TR, [&](Value R0, int64_t Rows) {
    llvm::DenseSet<Value> Loaded;
    struct Access {
      Value Buf;
      RowForm F;
    };
    auto Get = [&](Value X) -> Access {
      if (Value Buf = Resident.lookup(X))
        return {Buf, FormOf(X)};
      Value Buf = Slots[S.Slot.lookup(X)];
      RowForm Fm = FormOf(X);
      bool Internal = X.getDefiningOp() && Members.count(X.getDefiningOp());
      if (!Internal && Loaded.insert(X).second) {
        if (Fm == RowForm::Full)
          dma(buffer(X), mul(R0, Len), Buf, idx(0), {1, 1, Rows * Len}, {0, 0}, {0, 0});
        else
          dma(buffer(X), R0, Buf, idx(0), {1, 1, Rows}, {0, 0}, {0, 0});
      }
      return {Buf, Fm};
    };
    for (Operation *Op : Ops) {
      Value Res = Op->getResult(0);
      Value RB = Slots[S.Slot.lookup(Res)];
      bool ResFull = FormOf(Res) == RowForm::Full;
      auto Reduce = [&](tile::WindowKind Kd, Value Src, Value Dst) {
        B.create<tile::ReduceOp>(Loc, tile::WindowKindAttr::get(B.getContext(), Kd), Src, idx(0),
                                 Dst, idx(0), B.getI64IntegerAttr(Rows), B.getI64IntegerAttr(Len));
      };
      if (auto R = dyn_cast<graph::ReduceOp>(Op)) {
        using RK = graph::ReduceKind;
        RK Kd = R.getKind();
        Reduce(Kd == RK::Max    ? tile::WindowKind::Max
               : Kd == RK::Min  ? tile::WindowKind::Min
               : Kd == RK::Prod ? tile::WindowKind::Prod
                                : tile::WindowKind::Sum,
               Get(R.getInput()).Buf, RB);
        if (Kd == RK::Mean)
          elementwise(K::Affine, RB, idx(0), 1, Value(), Value(), 0, RB, idx(0), Rows,
                      {1.0f / float(Len), 0.0f});
      } else if (auto Sm = dyn_cast<graph::SoftmaxOp>(Op)) {
        // e^(x - max) / sum, as the unfused softmax.
        Value X = Get(Sm.getInput()).Buf;
        Reduce(tile::WindowKind::Max, X, T0);
        loop(Rows, [&](Value Rv) {
          Value Off = mul(Rv, Len);
          elementwise(K::Sub, X, Off, 1, T0, Rv, 0, RB, Off, Len);
          elementwise(K::Exp, RB, Off, 1, Value(), Value(), 0, RB, Off, Len);
        });
        Reduce(tile::WindowKind::Sum, RB, T1);
        loop(Rows, [&](Value Rv) {
          Value Off = mul(Rv, Len);
          elementwise(K::Div, RB, Off, 1, T1, Rv, 0, RB, Off, Len);
        });
      } else {
        auto Elt = dyn_cast<graph::ElementwiseOpInterface>(Op);
        if (!Elt)
          return fail(Loc, "internal error: a row-kernel op that is not elementwise");
        K Kind = Elt.getEltKind();
        SmallVector<float> Params = Elt.getEltParams();
        std::vector<Value> Ins(Op->getOperands().begin(), Op->getOperands().end());
        exactPow(Kind, Ins);
        std::vector<Access> Acc;
        bool PerRowLoop = false;
        for (Value X : Ins) {
          Acc.push_back(Get(X));
          PerRowLoop |=
              ResFull && (Acc.back().F == RowForm::PerRow || Acc.back().F == RowForm::RowVector);
        }
        // Operand K's offset and stride for a run at row Rv (null: the tile).
        auto Emit = [&](Value Rv, int64_t Count) {
          std::vector<Value> Off;
          std::vector<int64_t> Str;
          for (const Access &A : Acc) {
            switch (A.F) {
            case RowForm::Full:
              Off.push_back(Rv ? mul(Rv, Len) : idx(0));
              Str.push_back(1);
              break;
            case RowForm::PerRow:
              Off.push_back(Rv ? Rv : idx(0));
              Str.push_back(Rv ? 0 : 1);
              break;
            case RowForm::RowVector:
              Off.push_back(idx(0));
              Str.push_back(1);
              break;
            case RowForm::Scalar:
              Off.push_back(idx(0));
              Str.push_back(0);
              break;
            case RowForm::Other:
              llvm_unreachable("rowMember refuses other forms");
            }
          }
          auto In = [&](size_t I) { return I < Acc.size() ? Acc[I].Buf : Value(); };
          auto InOff = [&](size_t I) { return I < Acc.size() ? Off[I] : Value(); };
          auto InStr = [&](size_t I) { return I < Acc.size() ? Str[I] : int64_t(0); };
          Value ResOff = Rv ? (ResFull ? mul(Rv, Len) : Rv) : idx(0);
          elementwise(Kind, In(0), InOff(0), InStr(0), In(1), InOff(1), InStr(1), RB, ResOff, Count,
                      Params);
        };
        if (PerRowLoop)
          loop(Rows, [&](Value Rv) { Emit(Rv, Len); });
        else
          Emit(Value(), ResFull ? Rows * Len : Rows);
      }
      if (Value Dst = Out.lookup(Res))
        dma(RB, idx(0), Dst, ResFull ? mul(R0, Len) : R0, {1, 1, ResFull ? Rows * Len : Rows},
            {0, 0}, {0, 0});
    }
  });
  for (Value V : Slots)
    free(V);
  for (Value V : {T0, T1})
    if (V)
      free(V);
  for (auto &[X, Buf] : Resident)
    free(Buf);
}

void Lowering::lowerFused(graph::FusedOp F) {
  if (F.getKind() == graph::FusionKind::Rows)
    return lowerRowGroup(F);
  if (F.getKind() == graph::FusionKind::DepthFirst)
    return lowerChain(F);
  Epilogue Ep{F.getLoc()};
  Operation *Anchor = F.anchor();
  Ep.Anchor = Anchor->getResult(0);
  for (Operation &Op : F.getBody().front().without_terminator())
    if (&Op != Anchor)
      Ep.Ops.push_back(&Op);
  Ep.OutShape = Shape(cast<RankedTensorType>(Ep.Anchor.getType()).getShape());
  Ep.Dims = tileDims(Anchor);
  // Each yielded value goes to its own DRAM buffer (the output's, when
  // @main returns it).
  auto Yield = cast<graph::YieldOp>(F.getBody().front().getTerminator());
  for (auto [V, R] : llvm::zip(Yield.getValues(), F.getResults())) {
    Value Buf = result(R, Dests.lookup(R));
    Ep.Out[V] = Buf;
  }
  planEpilogue(Ep);
  CurEp = &Ep;
  lowerOp(Anchor, Value());
  CurEp = nullptr;
  Loc = F.getLoc();
}

void Lowering::lowerChain(graph::FusedOp F) {
  Loc = F.getLoc();
  struct Stage {
    explicit Stage(Location L) : Ep(L) {}
    Operation *Window;
    Epilogue Ep;
    plan::ChainStage Cost;
    tile::WindowKind Kind;
    Value In, Weight, Bias;
    Value XBuf, WBuf, BBuf;
    int64_t Groups = 1, Cg = 1, Fg = 1, IWp = 0, TileRows = 0;
  };
  auto ShapeOf = [](Value V) { return Shape(cast<RankedTensorType>(V.getType()).getShape()); };
  std::vector<std::unique_ptr<Stage>> Stages;
  for (Operation &Op : F.getBody().front().without_terminator()) {
    if (!isa<graph::ConvOp, graph::MaxPoolOp>(Op)) {
      Stages.back()->Ep.Ops.push_back(&Op);
      continue;
    }
    auto S = std::make_unique<Stage>(Op.getLoc());
    S->Window = &Op;
    const plan::WindowShape &W = S->Cost.Shape = *windowShapeOf(&Op);
    if (auto C = dyn_cast<graph::ConvOp>(Op)) {
      S->Kind = tile::WindowKind::Conv;
      S->Weight = buffer(C.getWeight());
      S->Bias = C.getBias() ? buffer(C.getBias()) : Value();
      S->Groups = W.Group;
      S->Cg = W.C / W.Group;
      S->Fg = W.F / W.Group;
    } else {
      S->Kind = tile::WindowKind::Max;
    }
    S->Cost.Bias = bool(S->Bias);
    S->IWp = W.W + W.PadL + W.PadR;
    S->Ep.Anchor = Op.getResult(0);
    S->Ep.OutShape = ShapeOf(Op.getResult(0));
    S->Ep.Dims = tileDims(&Op);
    Stages.push_back(std::move(S));
  }
  // The last stage's values go to DRAM; every other stage's value goes to
  // the next stage's input tile.
  auto Yield = cast<graph::YieldOp>(F.getBody().front().getTerminator());
  for (auto [V, R] : llvm::zip(Yield.getValues(), F.getResults()))
    Stages.back()->Ep.Out[V] = result(R, Dests.lookup(R));
  std::vector<plan::ChainStage> Costs;
  for (auto &S : Stages) {
    planEpilogue(S->Ep);
    S->Cost.ExtraOutTiles = S->Ep.ExtraTiles;
    Costs.push_back(S->Cost);
  }
  plan::ChainTiling T = plan::chainTiling(Costs, plan::windowBudget(SramBytes));
  if (!T.Fits)
    return fail(Loc, "this depth-first group needs more than the " +
                         std::to_string(plan::windowBudget(SramBytes) * 4) +
                         " bytes of SRAM its tiles may take; fuse it again for this "
                         "SRAM size");
  Stages.front()->In = buffer(Stages.front()->Window->getOperand(0));
  size_t NS = Stages.size();
  for (size_t K = 0; K < NS; ++K) {
    Stage &S = *Stages[K];
    const plan::WindowShape &W = S.Cost.Shape;
    S.TileRows = T.TileRows[K];
    S.XBuf = sram(W.C * S.TileRows * S.IWp + 64 * W.StrideW);
    if (S.Weight) {
      int64_t PerFilter = S.Cg * W.KH * W.KW;
      S.WBuf = sram(W.F * PerFilter);
      dma(S.Weight, idx(0), S.WBuf, idx(0), {1, W.F, PerFilter}, {0, PerFilter}, {0, PerFilter});
    }
    if (S.Bias) {
      S.BBuf = sram(W.F);
      dma(S.Bias, idx(0), S.BBuf, idx(0), {1, 1, W.F}, {0, 0}, {0, 0});
    }
    // The value this stage reads is written to its tile, not to DRAM.
    if (K > 0)
      Stages[K - 1]->Ep.Out[S.Window->getOperand(0)] = S.XBuf;
  }

  auto PadValue = [](const Stage &S) { return S.Kind == tile::WindowKind::Max ? -INFINITY : 0.0f; };
  auto FillRows = [&](Stage &S, int64_t From, int64_t Rows) {
    if (Rows <= 0)
      return;
    int64_t Plane = S.TileRows * S.IWp;
    loop(S.Cost.Shape.C, [&](Value P) {
      Value Off = add(mul(P, Plane), From * S.IWp);
      elementwise(tile::EltKind::Fill, S.XBuf, Off, 0, Value(), Value(), 0, S.XBuf, Off,
                  Rows * S.IWp, {PadValue(S)});
    });
  };
  // One band: each stage's tile keeps the rows it still needs and takes
  // the new ones (from DRAM, or from the stage before), then the stage
  // computes its rows into the next stage's tile or, last, to DRAM.
  // OutLo[K] is stage K's first output row, NewLo0 the first input row
  // the first stage loads.
  auto Band = [&](Value Nb, const std::vector<plan::ChainStep> &Steps, ArrayRef<Value> OutLo,
                  Value NewLo0) {
    auto Prepare = [&](size_t K) {
      Stage &S = *Stages[K];
      const plan::ChainStep &St = Steps[K];
      int64_t Plane = S.TileRows * S.IWp;
      if (St.CarryRows && St.CarryFrom != St.CarryTo)
        dma(S.XBuf, idx(St.CarryFrom * S.IWp), S.XBuf, idx(St.CarryTo * S.IWp),
            {S.Cost.Shape.C, St.CarryRows, S.IWp}, {Plane, S.IWp}, {Plane, S.IWp});
      FillRows(S, 0, St.PadTop);
      FillRows(S, St.PadFrom, St.PadRows);
    };
    Prepare(0);
    {
      Stage &S = *Stages[0];
      const plan::WindowShape &W = S.Cost.Shape;
      const plan::ChainStep &St = Steps[0];
      if (St.NewRows)
        dma(S.In, add(mul(Nb, W.C * W.H * W.W), mul(NewLo0, W.W)), S.XBuf,
            idx(St.NewTo * S.IWp + W.PadL), {W.C, St.NewRows, W.W}, {W.H * W.W, W.W},
            {S.TileRows * S.IWp, S.IWp});
    }
    for (size_t K = 0; K < NS; ++K) {
      if (K + 1 < NS)
        Prepare(K + 1);
      Stage &S = *Stages[K];
      const plan::WindowShape &W = S.Cost.Shape;
      int64_t Rows = Steps[K].OutRows;
      if (!Rows)
        continue;
      Loc = S.Window->getLoc();
      int64_t Px = Rows * W.OW, Plane = S.TileRows * S.IWp;
      Value OBuf = sram(W.F * Px);
      bool Conv = S.Kind == tile::WindowKind::Conv;
      loop(S.Groups, [&](Value Gb) {
        B.create<tile::Conv2DOp>(
            Loc, tile::WindowKindAttr::get(B.getContext(), S.Kind), S.XBuf, mul(Gb, S.Cg * Plane),
            Conv ? S.WBuf : Value(), Conv ? mul(Gb, S.Fg * S.Cg * W.KH * W.KW) : Value(), OBuf,
            mul(Gb, S.Fg * Px), B.getI64IntegerAttr(Conv ? S.Cg : W.C),
            B.getI64IntegerAttr(Conv ? S.Fg : 1), B.getI64IntegerAttr(S.TileRows),
            B.getI64IntegerAttr(S.IWp), B.getI64IntegerAttr(Rows), B.getI64IntegerAttr(W.OW),
            B.getI64IntegerAttr(W.KH), B.getI64IntegerAttr(W.KW), B.getI64IntegerAttr(W.StrideH),
            B.getI64IntegerAttr(W.StrideW), B.getI64IntegerAttr(W.DilH),
            B.getI64IntegerAttr(W.DilW), B.getBoolAttr(false));
      });
      if (S.BBuf)
        loop(W.F, [&](Value Fi) {
          elementwise(tile::EltKind::Add, OBuf, mul(Fi, Px), 1, S.BBuf, Fi, 0, OBuf, mul(Fi, Px),
                      Px);
        });
      Value Dst;
      std::array<int64_t, 2> Strides;
      if (K + 1 < NS) {
        Stage &Next = *Stages[K + 1];
        Dst = idx(Steps[K + 1].NewTo * Next.IWp + Next.Cost.Shape.PadL);
        Strides = {Next.TileRows * Next.IWp, Next.IWp};
      } else {
        Dst = add(mul(Nb, W.F * W.OH * W.OW), mul(OutLo[K], W.OW));
        Strides = {W.OH * W.OW, W.OW};
      }
      runEpilogue(S.Ep, OBuf, W.F, Rows, W.OW, {Nb, idx(0), OutLo[K], idx(0)}, Dst, Strides);
      free(OBuf);
    }
    Loc = F.getLoc();
  };
  // Bands alike but for their position (the same sizes and tile rows, the
  // positions moving by the same steps) share a loop.
  auto Positions = [&](const std::vector<plan::ChainStep> &Steps) {
    std::vector<int64_t> P;
    for (const plan::ChainStep &St : Steps)
      P.push_back(St.OutLo);
    P.push_back(Steps[0].NewLo);
    return P;
  };
  auto SameShape = [](const std::vector<plan::ChainStep> &A,
                      const std::vector<plan::ChainStep> &X) {
    for (size_t K = 0; K < A.size(); ++K) {
      const plan::ChainStep &P = A[K], &Q = X[K];
      if (std::tie(P.OutRows, P.CarryFrom, P.CarryTo, P.CarryRows, P.NewRows, P.NewTo, P.PadTop,
                   P.PadFrom, P.PadRows) != std::tie(Q.OutRows, Q.CarryFrom, Q.CarryTo, Q.CarryRows,
                                                     Q.NewRows, Q.NewTo, Q.PadTop, Q.PadFrom,
                                                     Q.PadRows))
        return false;
    }
    return true;
  };
  loop(Stages.front()->Cost.Shape.N, [&](Value Nb) {
    for (auto &S : Stages)
      FillRows(*S, 0, S->TileRows);
    size_t K = 0, NB = T.Bands.size();
    while (K < NB) {
      size_t E = K + 1;
      std::vector<int64_t> P0 = Positions(T.Bands[K]), Step;
      if (E < NB && SameShape(T.Bands[K], T.Bands[E])) {
        std::vector<int64_t> P1 = Positions(T.Bands[E]);
        for (size_t I = 0; I < P0.size(); ++I)
          Step.push_back(P1[I] - P0[I]);
        ++E;
        while (E < NB && SameShape(T.Bands[K], T.Bands[E])) {
          std::vector<int64_t> Pe = Positions(T.Bands[E]), Pp = Positions(T.Bands[E - 1]);
          bool Linear = true;
          for (size_t I = 0; I < P0.size(); ++I)
            Linear &= Pe[I] - Pp[I] == Step[I];
          if (!Linear)
            break;
          ++E;
        }
      }
      auto At = [&](Value Kv) {
        std::vector<Value> Pos;
        for (size_t I = 0; I < P0.size(); ++I)
          Pos.push_back(Kv ? add(mul(Kv, Step[I]), P0[I]) : idx(P0[I]));
        Value NewLo0 = Pos.back();
        Pos.pop_back();
        Band(Nb, T.Bands[K], Pos, NewLo0);
      };
      if (E - K == 1)
        At(Value());
      else
        loop(int64_t(E - K), [&](Value Kv) { At(Kv); });
      K = E;
    }
  });
  for (auto &S : Stages)
    for (Value V : {S->XBuf, S->WBuf, S->BBuf})
      if (V)
        free(V);
  Loc = F.getLoc();
}

void Lowering::lowerOp(Operation *Op, Value Dest) {
  // A fused group's code all carries the group's location (its layer).
  Loc = CurEp ? CurEp->Loc : Op->getLoc();
  using K = tile::EltKind;
  // A result without elements needs a buffer and no code.
  if (Op->getNumResults() == 1 && !isa<graph::ConstantOp>(Op) &&
      cast<RankedTensorType>(Op->getResult(0).getType()).getNumElements() == 0) {
    result(Op->getResult(0), Dest);
    return;
  }
  if (auto F = dyn_cast<graph::FusedOp>(Op))
    return lowerFused(F);
  if (auto C = dyn_cast<graph::ConstantOp>(Op)) {
    auto T = cast<RankedTensorType>(C.getType());
    // Integer constants used only as gather indices are read at compile
    // time; any other use (a graph output, say) gets a DRAM copy.
    bool IndicesOnly = llvm::all_of(C->getUses(), [](OpOperand &U) {
      return isa<graph::GatherOp>(U.getOwner()) && U.getOperandNumber() == 1;
    });
    if (!T.getElementType().isF32() && IndicesOnly && !Dest)
      return;
    std::string Name = lowerConstant(C);
    Value G = B.create<memref::GetGlobalOp>(Loc, dramType(T), Name);
    Buffers[C.getResult()] = G;
    if (Dest)
      copy(G, Dest, T.getNumElements());
    return;
  }
  if (auto R = dyn_cast<graph::ReshapeOp>(Op)) {
    Value Src = buffer(R.getInput());
    Value V = B.create<tile::ViewOp>(Loc, dramType(R.getType()), Src);
    Buffers[R.getResult()] = V;
    if (Dest)
      copy(V, Dest, cast<RankedTensorType>(R.getType()).getNumElements());
    return;
  }
  if (auto G = dyn_cast<graph::GemmOp>(Op)) {
    Shape AS(G.getA().getType().getShape()), BS(G.getB().getType().getShape());
    int64_t M = G.getTransA() ? AS[1] : AS[0], K = G.getTransA() ? AS[0] : AS[1];
    int64_t N = G.getTransB() ? BS[0] : BS[1];
    Value Out = result(G.getResult(), Dest);
    Value BBuf = buffer(G.getB());
    bool TransB = G.getTransB();
    // A constant transposed weight (PyTorch's Linear) is transposed now.
    if (auto C = G.getB().getDefiningOp<graph::ConstantOp>(); C && TransB) {
      BBuf = transposedConstant(C);
      TransB = false;
    }
    lowerMatmul(buffer(G.getA()), BBuf, G.getTransA(), TransB, M, N, K, {}, G.getC(),
                G.getAlpha().convertToFloat(), G.getBeta().convertToFloat(), Out);
    return;
  }
  if (auto MM = dyn_cast<graph::MatMulOp>(Op)) {
    Shape AS(MM.getLhs().getType().getShape()), BS(MM.getRhs().getType().getShape());
    Shape OS(MM.getType().getShape());
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
    auto Flattens = [&]() {
      if (!CurEp)
        return true;
      for (Operation *Ep : CurEp->Ops)
        for (Value X : Ep->getOperands()) {
          if (!CurEp->internal(X) &&
              !flattensWithRows(cast<RankedTensorType>(X.getType()).getShape(), CurEp->OutShape))
            return false;
        }
      return true;
    };
    if (batchFoldsIntoRows(MM.getLhs().getType().getShape(), MM.getRhs().getType().getShape()) &&
        Flattens()) {
      for (const BatchDim &D : Batch)
        M *= D.Size;
      Batch.clear();
    }
    Value Out = result(MM.getResult(), Dest);
    lowerMatmul(buffer(MM.getLhs()), buffer(MM.getRhs()), false, false, M, N, K, Batch, Value(),
                1.0f, 1.0f, Out);
    return;
  }
  auto ShapeOf = [](Value V) { return Shape(cast<RankedTensorType>(V.getType()).getShape()); };
  if (auto C = dyn_cast<graph::ConvOp>(Op)) {
    Value Out = result(C.getResult(), Dest);
    Shape WS = ShapeOf(C.getWeight()), OS = ShapeOf(C.getResult());
    if (WS[1] == 0) {
      // No input channels: every output is the filter's bias (or 0).
      if (CurEp)
        return fail(Loc, "a convolution without input channels has no epilogue");
      fill(Out, shapes::numElements(OS), 0.0f);
      if (C.getBias())
        elementwiseBuffers(K::Add, {{Out, OS}, {buffer(C.getBias()), {1, OS[1], 1, 1}}}, OS, Out,
                           {});
      return;
    }
    lowerWindow(tile::WindowKind::Conv, buffer(C.getInput()), ShapeOf(C.getInput()),
                buffer(C.getWeight()), C.getBias() ? buffer(C.getBias()) : Value(), Out,
                ShapeOf(C.getResult()), WS[2], WS[3], C.getStrides(), C.getPads(), C.getDilations(),
                C.getGroup(), {});
    return;
  }
  if (auto P = dyn_cast<graph::MaxPoolOp>(Op)) {
    Value Out = result(P.getResult(), Dest);
    lowerWindow(tile::WindowKind::Max, buffer(P.getInput()), ShapeOf(P.getInput()), Value(),
                Value(), Out, ShapeOf(P.getResult()), P.getKernel()[0], P.getKernel()[1],
                P.getStrides(), P.getPads(), P.getDilations(), 1, {});
    return;
  }
  if (auto P = dyn_cast<graph::AvgPoolOp>(Op)) {
    Value Out = result(P.getResult(), Dest);
    Shape IS = ShapeOf(P.getInput()), OS = ShapeOf(P.getResult());
    auto Pads = P.getPads();
    bool Padded = Pads[0] || Pads[1] || Pads[2] || Pads[3];
    std::vector<float> Scale;
    if (Padded && !P.getCountIncludePad()) {
      // Windows at the border count only the input elements they cover.
      for (int64_t Oy = 0; Oy < OS[2]; ++Oy)
        for (int64_t Ox = 0; Ox < OS[3]; ++Ox) {
          auto Span = [&](int64_t O, int64_t S, int64_t Pd, int64_t K, int64_t In) {
            int64_t Lo = O * S - Pd, Hi = Lo + K;
            return std::min(Hi, In) - std::max<int64_t>(Lo, 0);
          };
          int64_t Count = Span(Oy, P.getStrides()[0], Pads[0], P.getKernel()[0], IS[2]) *
                          Span(Ox, P.getStrides()[1], Pads[1], P.getKernel()[1], IS[3]);
          Scale.push_back(1.0f / float(std::max<int64_t>(Count, 1)));
        }
    }
    lowerWindow(tile::WindowKind::Sum, buffer(P.getInput()), IS, Value(), Value(), Out, OS,
                P.getKernel()[0], P.getKernel()[1], P.getStrides(), Pads, {1, 1}, 1, Scale);
    return;
  }
  if (auto Bn = dyn_cast<graph::BatchNormOp>(Op)) {
    // y = x * a + b per channel, a = scale / sqrt(var + eps), b = bias - mean * a,
    // computed now from the constant parameters.
    std::vector<float> A, Bv;
    if (!Bn.affine(A, Bv))
      return fail(Loc, "batch normalization with non-constant parameters is not lowered yet");
    Shape XS = ShapeOf(Bn.getInput());
    Shape PS(XS.size() - 1, 1);
    PS[0] = int64_t(A.size());
    Value AG = global(A, PS), BG = global(Bv, PS);
    Value Out = result(Bn.getResult(), Dest);
    elementwiseBuffers(K::Mul, {{buffer(Bn.getInput()), XS}, {AG, PS}}, XS, Out, {});
    elementwiseBuffers(K::Add, {{Out, XS}, {BG, PS}}, XS, Out, {});
    return;
  }
  auto Contig = [](const Shape &S) {
    std::vector<int64_t> St(S.size(), 1);
    for (size_t D = S.size(); D-- > 1;)
      St[D - 1] = St[D] * S[D];
    return St;
  };
  if (auto R = dyn_cast<graph::ReduceOp>(Op)) {
    Shape IS = ShapeOf(R.getInput());
    std::vector<int64_t> Axes(R.getAxes().begin(), R.getAxes().end());
    Value In = buffer(R.getInput());
    Value Out = result(R.getResult(), Dest);
    using RK = graph::ReduceKind;
    RowOp What = R.getKind() == RK::Max    ? RowOp::Max
                 : R.getKind() == RK::Min  ? RowOp::Min
                 : R.getKind() == RK::Prod ? RowOp::Prod
                 : R.getKind() == RK::Mean ? RowOp::Mean
                                           : RowOp::Sum;
    if (shapes::numElements(IS) == 0) {
      // Over no elements (the output is not empty, see above): the
      // identity of the reduction, as ONNX defines it; the mean has none.
      if (What == RowOp::Mean)
        return fail(Loc, "the mean over an empty axis is undefined");
      fill(Out, shapes::numElements(ShapeOf(R.getResult())),
           What == RowOp::Max    ? -INFINITY
           : What == RowOp::Min  ? INFINITY
           : What == RowOp::Prod ? 1.0f
                                 : 0.0f);
      return;
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
      auto ISt = Contig(IS);
      Shape TS;
      std::vector<int64_t> SrcSt;
      for (int64_t P : Perm) {
        TS.push_back(IS[size_t(P)]);
        SrcSt.push_back(ISt[size_t(P)]);
      }
      Value T = B.create<memref::AllocOp>(Loc, tile::bufferType(TS, eltOf(In), tile::Space::DRAM));
      stridedCopy(In, 0, SrcSt, T, 0, Contig(TS), TS);
      int64_t Kept = int64_t(IS.size() - Axes.size());
      auto [Outer, Len, Inner] = split3(TS, Kept, int64_t(TS.size()));
      lowerRows(What, T, Out, Outer, Len, Inner);
      return;
    }
    // No axes (a reduction of a scalar): rows of one element, a copy.
    int64_t First = Axes.empty() ? int64_t(IS.size()) : Axes.front();
    int64_t Last = Axes.empty() ? int64_t(IS.size()) : Axes.back() + 1;
    auto [Outer, Len, Inner] = split3(IS, First, Last);
    lowerRows(What, In, Out, Outer, Len, Inner);
    return;
  }
  if (auto Sm = dyn_cast<graph::SoftmaxOp>(Op)) {
    Shape IS = ShapeOf(Sm.getInput());
    auto [Outer, Len, Inner] = split3(IS, Sm.getAxis(), Sm.getAxis() + 1);
    Value Out = result(Sm.getResult(), Dest);
    lowerRows(RowOp::Softmax, buffer(Sm.getInput()), Out, Outer, Len, Inner);
    return;
  }
  if (auto Ln = dyn_cast<graph::LayerNormOp>(Op)) {
    Shape IS = ShapeOf(Ln.getInput());
    auto [Outer, Len, Inner] = split3(IS, Ln.getAxis(), int64_t(IS.size()));
    if (shapes::numElements(ShapeOf(Ln.getScale())) != Len ||
        (Ln.getBias() && shapes::numElements(ShapeOf(Ln.getBias())) != Len))
      return fail(Loc, "layer normalization with broadcast scale or bias is not lowered yet");
    Value Out = result(Ln.getResult(), Dest);
    lowerRows(RowOp::LayerNorm, buffer(Ln.getInput()), Out, Outer, Len, Inner,
              buffer(Ln.getScale()), Ln.getBias() ? buffer(Ln.getBias()) : Value(),
              Ln.getEpsilon().convertToFloat());
    return;
  }
  if (auto T = dyn_cast<graph::TransposeOp>(Op)) {
    Shape IS = ShapeOf(T.getInput()), OS = ShapeOf(T.getResult());
    auto ISt = Contig(IS);
    std::vector<int64_t> SrcSt;
    for (int64_t P : T.getPerm())
      SrcSt.push_back(ISt[size_t(P)]);
    Value Out = result(T.getResult(), Dest);
    stridedCopy(buffer(T.getInput()), 0, SrcSt, Out, 0, Contig(OS), OS);
    return;
  }
  if (auto Sl = dyn_cast<graph::SliceOp>(Op)) {
    Shape IS = ShapeOf(Sl.getInput()), OS = ShapeOf(Sl.getResult());
    Value Out = result(Sl.getResult(), Dest);
    if (shapes::numElements(OS) == 0)
      return;
    auto ISt = Contig(IS);
    std::vector<int64_t> SrcSt;
    int64_t Off = 0;
    for (size_t D = 0; D < IS.size(); ++D) {
      Off += Sl.getStarts()[D] * ISt[D];
      SrcSt.push_back(Sl.getSteps()[D] * ISt[D]);
    }
    stridedCopy(buffer(Sl.getInput()), Off, SrcSt, Out, 0, Contig(OS), OS);
    return;
  }
  if (auto Cc = dyn_cast<graph::ConcatOp>(Op)) {
    Shape OS = ShapeOf(Cc.getResult());
    Value Out = result(Cc.getResult(), Dest);
    auto OSt = Contig(OS);
    int64_t At = 0, Axis = Cc.getAxis();
    for (Value V : Cc.getInputs()) {
      Shape IS = ShapeOf(V);
      if (shapes::numElements(IS))
        stridedCopy(buffer(V), 0, Contig(IS), Out, At * OSt[size_t(Axis)], OSt, IS);
      At += IS[size_t(Axis)];
    }
    return;
  }
  if (auto Ga = dyn_cast<graph::GatherOp>(Op)) {
    auto Idx = Ga.getIndices().getDefiningOp<graph::ConstantOp>();
    Shape IS = ShapeOf(Ga.getInput());
    int64_t Axis = Ga.getAxis();
    auto [Outer, Len, Inner] = split3(IS, Axis, Axis + 1);
    Value Out = result(Ga.getResult(), Dest);
    if (!Idx) {
      // Indices known at run time (an embedding lookup): int64 in DRAM.
      auto IT = cast<RankedTensorType>(Ga.getIndices().getType());
      if (!IT.getElementType().isInteger(64))
        return fail(Loc, "gather indices must be int64 at run time");
      int64_t NI = IT.getNumElements();
      if (Outer * Inner > tileElements() * 2)
        return fail(Loc, "a gathered slice of " + std::to_string(Outer * Inner) +
                             " elements does not fit the SRAM tile budget yet");
      auto IdxT = tile::bufferType({NI}, IT.getElementType(), tile::Space::SRAM);
      Value IdxBuf = B.create<memref::AllocOp>(Loc, IdxT);
      Value Stage = sram(Outer * Inner, eltOf(buffer(Ga.getInput())));
      dma(buffer(Ga.getIndices()), idx(0), IdxBuf, idx(0), {1, 1, NI}, {0, 0}, {0, 0});
      B.create<tile::GatherOp>(Loc, buffer(Ga.getInput()), IdxBuf, idx(0), Stage, Out,
                               B.getI64IntegerAttr(NI), B.getI64IntegerAttr(Outer),
                               B.getI64IntegerAttr(Len), B.getI64IntegerAttr(Inner));
      free(Stage);
      free(IdxBuf);
      return;
    }
    auto Vals = cast<DenseElementsAttr>(Idx.getValue());
    int64_t NIdx = Vals.getNumElements(), K = 0;
    for (APInt I : Vals.getValues<APInt>()) {
      // Out viewed as [Outer, NIdx, Inner]: slice I of the input goes to K.
      stridedCopy(buffer(Ga.getInput()), I.getSExtValue() * Inner, {Len * Inner, 1}, Out, K * Inner,
                  {NIdx * Inner, 1}, {Outer, Inner});
      ++K;
    }
    return;
  }
  if (auto Sc = dyn_cast<graph::ScatterOp>(Op)) {
    // The whole result in SRAM: a copy of data, the updates applied in order.
    int64_t N = Sc.getType().getNumElements(), K = Sc.getIndices().getType().getNumElements();
    Value Out = result(Sc.getResult(), Dest);
    if (N + 3 * K > tileElements() * 2)
      return fail(Loc, "a scatter into " + std::to_string(N) + " elements with " +
                           std::to_string(K) + " updates does not fit the SRAM tile budget yet");
    Value D = sram(N, eltOf(Out)), I = sram(std::max<int64_t>(K, 1), B.getI64Type()),
          U = sram(std::max<int64_t>(K, 1), eltOf(Out));
    dma(buffer(Sc.getData()), idx(0), D, idx(0), {1, 1, N}, {0, 0}, {0, 0});
    if (K) {
      dma(buffer(Sc.getIndices()), idx(0), I, idx(0), {1, 1, K}, {0, 0}, {0, 0});
      dma(buffer(Sc.getUpdates()), idx(0), U, idx(0), {1, 1, K}, {0, 0}, {0, 0});
      B.create<tile::ScatterOp>(Loc, D, I, U, B.getI64IntegerAttr(K),
                                B.getI64IntegerAttr(int64_t(Sc.getReduction())));
    }
    dma(D, idx(0), Out, idx(0), {1, 1, N}, {0, 0}, {0, 0});
    for (Value V : {D, I, U})
      free(V);
    return;
  }
  if (auto Ca = dyn_cast<graph::CastOp>(Op)) {
    Type From = Ca.getInput().getType().getElementType(), To = Ca.getType().getElementType();
    if (From == To) {
      Buffers[Ca.getResult()] = buffer(Ca.getInput());
      if (Dest)
        copy(buffer(Ca.getInput()), Dest, Ca.getType().getNumElements());
      return;
    }
    Value Out = result(Ca.getResult(), Dest), In = buffer(Ca.getInput());
    int64_t N = Ca.getType().getNumElements(), T = tileElements();
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
    return;
  }
  if (auto Pw = dyn_cast<graph::PowOp>(Op)) {
    // Constant exponents get exact forms; the general one is e^(y ln x),
    // defined for x > 0 only.
    std::vector<float> E = graph::constantF32(Pw.getRhs());
    if (E.size() == 1 &&
        (E[0] == 2.0f || E[0] == 0.5f || E[0] == 1.0f || E[0] == -1.0f || E[0] == 3.0f)) {
      Shape XS = ShapeOf(Pw.getLhs()), OS = ShapeOf(Pw.getResult());
      Value X = buffer(Pw.getLhs()), Out = result(Pw.getResult(), Dest);
      if (E[0] == 2.0f || E[0] == 3.0f) {
        elementwiseBuffers(K::Mul, {{X, XS}, {X, XS}}, OS, Out, {});
        if (E[0] == 3.0f)
          elementwiseBuffers(K::Mul, {{Out, OS}, {X, XS}}, OS, Out, {});
      } else {
        K Kd = E[0] == 0.5f ? K::Sqrt : E[0] == -1.0f ? K::Reciprocal : K::Copy;
        elementwiseBuffers(Kd, {{X, XS}}, OS, Out, {});
      }
      return;
    }
  }
  auto Elt = dyn_cast<graph::ElementwiseOpInterface>(Op);
  if (!Elt)
    return fail(Loc, "lowering of '" + Op->getName().getStringRef().str() +
                         "' to the tile dialect is not implemented yet");
  K Kind = Elt.getEltKind();
  SmallVector<float> Params = Elt.getEltParams();
  lowerElementwise(Op, Kind, Params, Dest);
}

LogicalResult Lowering::run() {
  auto Old = M.lookupSymbol<func::FuncOp>("main");
  if (!Old)
    return M.emitError("no @main function");
  {
    // The new signature: inputs, then one buffer per result.
    SmallVector<Type> Args;
    for (Type T : Old.getArgumentTypes())
      Args.push_back(dramType(T));
    for (Type T : Old.getResultTypes())
      Args.push_back(dramType(T));
    B.setInsertionPoint(Old);
    auto New = B.create<func::FuncOp>(Old.getLoc(), "main_tiled", B.getFunctionType(Args, {}));
    Block *Entry = New.addEntryBlock();
    unsigned NIn = Old.getNumArguments();
    for (unsigned I = 0; I < NIn; ++I) {
      Buffers[Old.getArgument(I)] = Entry->getArgument(I);
      New.setArgAttrs(I, Old.getArgAttrDict(I));
    }
    for (unsigned I = 0; I < Old.getNumResults(); ++I)
      New.setArgAttrs(NIn + I, Old.getResultAttrDict(I));
    New->setAttr("d1.num_inputs", B.getI64IntegerAttr(NIn));

    auto Ret = cast<func::ReturnOp>(Old.getBody().front().getTerminator());
    // A returned value computed here is written straight into its output.
    for (auto [I, V] : llvm::enumerate(Ret.getOperands()))
      if (V.getDefiningOp() && !Dests.count(V))
        Dests[V] = Entry->getArgument(NIn + unsigned(I));
    B.setInsertionPointToStart(Entry);
    for (Operation &Op : Old.getBody().front().without_terminator()) {
      lowerOp(&Op, Op.getNumResults() ? Dests.lookup(Op.getResult(0)) : Value());
      if (Failed) {
        New.erase();
        return failure();
      }
    }
    // Outputs not written by their producer (inputs, repeated values).
    for (auto [I, V] : llvm::enumerate(Ret.getOperands())) {
      Value Out = Entry->getArgument(NIn + unsigned(I));
      if (Dests.lookup(V) == Out)
        continue;
      Loc = Old.getLoc();
      copy(buffer(V), Out, cast<RankedTensorType>(V.getType()).getNumElements());
    }
    if (Failed) {
      New.erase();
      return failure();
    }
    B.create<func::ReturnOp>(Old.getLoc());
    Old.erase();
    New.setName("main");
    return success();
  }
}

struct GraphToTilePass : d1::impl::GraphToTileBase<GraphToTilePass> {
  using GraphToTileBase::GraphToTileBase;
  void runOnOperation() override {
    if (Precision != "fp32" && Precision != "bf16") {
      getOperation().emitError("precision must be fp32 or bf16, not '") << Precision << "'";
      return signalPassFailure();
    }
    Lowering L(getOperation(), getTargetMachine(getOperation())[MachineParamId::sram_bytes],
               Precision == "bf16", DoubleBuffer);
    if (failed(L.run()))
      signalPassFailure();
  }
};

} // namespace
