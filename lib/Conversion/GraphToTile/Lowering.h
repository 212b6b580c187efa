//===- Lowering.h - convert-graph-to-tile's patterns and kernels -*- C++ -*-===//
//
// Private to lib/Conversion/GraphToTile. convert-graph-to-tile is a dialect
// conversion: tensors become DRAM memrefs (the TypeConverter), @main's
// results become output arguments written by destination, and each graph op
// family has its patterns in its own file; a pattern builds its kernel with
// a Lowering, the helpers below over the conversion's rewriter. Every kernel
// brings its SRAM buffers with memref.alloc in #tile.mem<sram> and frees them
// with memref.dealloc, so the SRAM planner sees each buffer's lifetime.
//   GraphToTile.cpp     the pass: type converter, target, @main and return,
//                       constants, empty results, ops without a lowering
//   DataMovement.cpp    reshape, transpose, slice, concat, gather, scatter,
//                       and the strided copies and fills they are made of
//   Elementwise.cpp     elementwise ops with broadcasting, pow, batch norm, cast
//   Reductions.cpp      row kernels: reductions, softmax, layer norm
//   Matmul.cpp          gemm and matmul
//   Window.cpp          convolution and pooling, weights
//   FusedEpilogue.cpp   graph.fused epilogue groups
//   FusedRows.cpp       graph.fused rows groups
//   FusedDepthFirst.cpp graph.fused depth_first chains
//
//===----------------------------------------------------------------------===//
#ifndef D1_CONVERSION_GRAPHTOTILE_LOWERING_H
#define D1_CONVERSION_GRAPHTOTILE_LOWERING_H

#include "d1/Conversion/Passes.h"
#include "d1/Planning/MmaConv.h"
#include "d1/Planning/Tiling.h"
#include "d1/Support/Shapes.h"
#include "dialects/D1/IR/D1.h"
#include "dialects/Graph/Analysis/Elementwise.h"
#include "dialects/Graph/Analysis/Epilogue.h"
#include "dialects/Graph/Analysis/Rows.h"
#include "dialects/Graph/Analysis/Tiling.h"
#include "dialects/Graph/IR/Graph.h"
#include "dialects/Tile/IR/Tile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <functional>

namespace d1::graphtotile {

using namespace mlir;
using shapes::Shape;

/// What the patterns of one convert-graph-to-tile run share.
struct LoweringState {
  LoweringState(ModuleOp M, int64_t SramBytes, bool Bf16, bool DoubleBuffer)
      : M(M), SramBytes(SramBytes), Bf16(Bf16), DoubleBuffer(DoubleBuffer) {}
  ModuleOp M;
  int64_t SramBytes;
  bool Bf16, DoubleBuffer;
  unsigned NextGlobal = 0;      // the next memref.global is "cst<N>"
  DenseMap<Value, Value> Dests; // @main's results -> output buffers
  /// Set by the first error: later ops get placeholder buffers and no code,
  /// and the pass fails once the conversion is done.
  bool Failed = false;
};

/// Builds kernels over the conversion's rewriter: one per pattern
/// application, at the op's location. Buffers of graph values are the
/// conversion's (the rewriter's remapped values).
class Lowering {
public:
  Lowering(LoweringState &State, ConversionPatternRewriter &Rewriter, Location L)
      : State(State), Rewriter(Rewriter), B(Rewriter), M(State.M), SramBytes(State.SramBytes),
        Bf16(State.Bf16), DoubleBuffer(State.DoubleBuffer), Loc(L) {}

  /// Replaces Op by its result buffers (placeholders after an error).
  LogicalResult replace(Operation *Op, ArrayRef<Value> Buffers);

  // One lowering per op; each returns the buffer of the op's result (null
  // after an error), written into Dest when @main returns it.
  Value lowerConstant(graph::ConstantOp Op, Value Dest);
  Value lowerReshape(graph::ReshapeOp Op, Value Dest);
  Value lowerTranspose(graph::TransposeOp Op, Value Dest);
  Value lowerSlice(graph::SliceOp Op, Value Dest);
  Value lowerConcat(graph::ConcatOp Op, Value Dest);
  Value lowerGather(graph::GatherOp Op, Value Dest);
  Value lowerScatter(graph::ScatterOp Op, Value Dest);
  Value lowerElementwiseOp(graph::ElementwiseOpInterface Op, Value Dest);
  Value lowerPow(graph::PowOp Op, Value Dest);
  Value lowerBatchNorm(graph::BatchNormOp Op, Value Dest);
  Value lowerCast(graph::CastOp Op, Value Dest);
  Value lowerReduce(graph::ReduceOp Op, Value Dest);
  Value lowerSoftmax(graph::SoftmaxOp Op, Value Dest);
  Value lowerLayerNorm(graph::LayerNormOp Op, Value Dest);
  Value lowerMaxPool(graph::MaxPoolOp Op, Value Dest);
  Value lowerAvgPool(graph::AvgPoolOp Op, Value Dest);
  struct Epilogue;
  // Anchors of an epilogue group: with Ep, each output tile goes through the
  // epilogue on its way out.
  Value lowerConv(graph::ConvOp Op, Value Dest, Epilogue *Ep);
  Value lowerGemm(graph::GemmOp Op, Value Dest, Epilogue *Ep);
  Value lowerMatMul(graph::MatMulOp Op, Value Dest, Epilogue *Ep);
  Value lowerConv(graph::ConvOp Op, Value Dest) { return lowerConv(Op, Dest, nullptr); }
  Value lowerGemm(graph::GemmOp Op, Value Dest) { return lowerGemm(Op, Dest, nullptr); }
  Value lowerMatMul(graph::MatMulOp Op, Value Dest) { return lowerMatMul(Op, Dest, nullptr); }
  // Fused groups, one buffer per result.
  SmallVector<Value> lowerEpilogueGroup(graph::FusedOp F);
  /// A graph.fused rows group: a tile of whole rows at a time, every op in
  /// SRAM, outside operands read and escaping values written per tile.
  SmallVector<Value> lowerRowGroup(graph::FusedOp F);
  /// A graph.fused depth_first group: bands of rows through every stage
  /// (plan::chainBands), each stage's input rows kept in SRAM.
  SmallVector<Value> lowerChain(graph::FusedOp F);

  /// Reports the lowering's first error at L (later ones follow from it and
  /// are not reported); the ops after this one get placeholders, and the
  /// pass fails.
  struct Failure {
    operator Value() const { return {}; }
    operator SmallVector<Value>() const { return {}; }
  };
  Failure fail(Location L, const Twine &Msg) {
    if (!State.Failed)
      emitError(L, Msg);
    State.Failed = true;
    return {};
  }
  /// Copies the first Elements elements of Src to Dst.
  void copy(Value Src, Value Dst, int64_t Elements);
  /// A DRAM allocation of tensor type T (results, placeholders).
  Value alloc(Type T) { return B.create<memref::AllocOp>(Loc, dramType(T)); }
  /// Reports why Tiling, set by hand (not the one graph-select-tiling
  /// chooses), cannot run (Error; empty when it can); true when it can.
  bool checkTiling(Attribute Tiling, const std::string &Error) {
    if (!Error.empty())
      fail(Loc, "graph.tiling " + llvm::formatv("{0}", Tiling).str() + " cannot run: " + Error);
    return Error.empty();
  }

  // The builders below are shared with the kernel classes that derive from
  // Lowering (WindowKernel, ChainKernel): one per kernel being built.
protected:
  LoweringState &State;
  ConversionPatternRewriter &Rewriter;
  OpBuilder &B;
  ModuleOp M;
  int64_t SramBytes;
  bool Bf16, DoubleBuffer;
  Location Loc;

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

  /// The DRAM buffer of a graph value defined before the op being lowered.
  Value buffer(Value Tensor) {
    if (Value V = Rewriter.getRemappedValue(Tensor))
      return V;
    fail(Loc, "integer tensors computed at run time are not lowered yet");
    return alloc(Tensor.getType());
  }
  /// The DRAM buffer an op's result goes to: the function's output buffer
  /// when it is returned (Dest), the epilogue's buffer for its anchor, else
  /// a new allocation.
  Value result(Value Tensor, Value Dest, Epilogue *Ep = nullptr) {
    if (Ep && Tensor == Ep->Anchor)
      return Ep->Out.lookup(Tensor);
    return Dest ? Dest : alloc(Tensor.getType());
  }

public:
  /// A fused epilogue being lowered (graph.fused epilogue): elementwise ops
  /// applied to each output tile of the anchor while it is in SRAM.
  struct Epilogue {
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
  };

protected:
  /// How an outside operand of the epilogue lines up with a [P][R][C] tile.
  TileForm formOf(const Epilogue &Ep, Value Operand);
  void planEpilogue(Epilogue &Ep);
  /// Runs the epilogue on the anchor's output tile Tile ([P][R][C]) whose
  /// first element is output index Origin, then writes each value used after
  /// the group to its DRAM buffer at OutOff with strides OutStrides.
  void runEpilogue(Epilogue &Ep, Value Tile, int64_t P, int64_t R, int64_t C,
                   ArrayRef<Value> Origin, Value OutOff, std::array<int64_t, 2> OutStrides);
  /// pow by a constant exponent in the exact form the unfused lowering
  /// uses (x * x, sqrt, 1 / x, x); rewrites Kind and Ins.
  void exactPow(tile::EltKind &Kind, std::vector<Value> &Ins);

  std::string globalOf(graph::ConstantOp Op);
  Value transposedConstant(graph::ConstantOp C);
  Value lowerElementwise(Operation *Op, tile::EltKind Kind, ArrayRef<float> Params, Value Dest);
  /// out = f(operands) with numpy broadcasting, on DRAM buffers.
  void elementwiseBuffers(tile::EltKind Kind, const std::vector<std::pair<Value, Shape>> &Operands,
                          const Shape &Out, Value Res, ArrayRef<float> Params);
  struct BatchDim {
    int64_t Size, AStride, BStride; // element strides; 0 where broadcast
    int64_t OutDim;                 // the output dimension it walks
  };
  void lowerMatmul(Value A, Value Bm, bool TransA, bool TransB, int64_t M, int64_t N, int64_t K,
                   ArrayRef<BatchDim> Batch, Value C, float Alpha, float Beta, Value Out,
                   Epilogue *Ep, graph::MatmulTilingAttr Chosen);
  /// Convolution (Weight set) or pooling over NCHW; Kind is conv, max or
  /// sum (average pooling then scales by Scale, a [OH * OW] constant of
  /// reciprocal window counts, or 1 / (kh * kw) when Scale is empty).
  void lowerWindow(tile::WindowKind Kind, Value In, Shape InShape, Value Weight, Value Bias,
                   Value Out, Shape OutShape, int64_t KH, int64_t KW, ArrayRef<int64_t> Strides,
                   ArrayRef<int64_t> Pads, ArrayRef<int64_t> Dil, int64_t Group,
                   ArrayRef<float> Scale, Epilogue *Ep = nullptr,
                   std::optional<plan::WindowChoice> Chosen = std::nullopt);
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
  static Shape shapeOf(Value Tensor) {
    return Shape(cast<RankedTensorType>(Tensor.getType()).getShape());
  }
  /// Row-major element strides of shape S.
  static std::vector<int64_t> contiguousStrides(const Shape &S) {
    std::vector<int64_t> St(S.size(), 1);
    for (size_t D = S.size(); D-- > 1;)
      St[D - 1] = St[D] * S[D];
    return St;
  }
  enum class RowOp { Sum, Mean, Max, Min, Prod, Softmax, LayerNorm };
  /// Operations along the middle extent of [Outer, Len, Inner] views.
  void lowerRows(RowOp What, Value In, Value Out, int64_t Outer, int64_t Len, int64_t Inner,
                 Value Scale = Value(), Value Bias = Value(), float Eps = 0);
  /// Copies a strided view: element (i0..in-1) of Dst (contiguous, shape
  /// Dims) comes from Src at SrcOff + sum(i_d * SrcStrides[d]).
  void stridedCopy(Value Src, int64_t SrcOff, const std::vector<int64_t> &SrcStrides, Value Dst,
                   int64_t DstOff, const std::vector<int64_t> &DstStrides, const Shape &Dims);
  /// Sets the first Elements fp32 elements of Dst to V.
  void fill(Value Dst, int64_t Elements, float V);
};

/// Adds the patterns of one op family: each lowers an op with a Lowering
/// member, and replaces it by the buffers that member returns. Every graph
/// op gets exactly one pattern (finish()), so no benefit decides.
struct PatternSink {
  PatternSink(RewritePatternSet &Set, const TypeConverter &Types, LoweringState &State)
      : Set(Set), Types(Types), State(State) {}
  RewritePatternSet &Set;
  const TypeConverter &Types;
  LoweringState &State;

  using OneResult = std::function<Value(Lowering &, Operation *, Value)>;
  using Group = SmallVector<Value> (Lowering::*)(graph::FusedOp);
  template <typename OpTy> void add(Value (Lowering::*Fn)(OpTy, Value)) {
    addOne(OpTy::getOperationName(),
           [Fn](Lowering &L, Operation *Op, Value Dest) { return (L.*Fn)(cast<OpTy>(Op), Dest); });
  }
  /// The ops implementing an interface that have no pattern of their own.
  template <typename InterfaceTy> void addInterface(OneResult Fn) {
    Interfaces.push_back({TypeID::get<InterfaceTy>(), std::move(Fn)});
  }
  void addFused(graph::FusionKind Kind, Group Fn) { FusedKinds[Kind] = Fn; }
  /// Adds graph.fused's pattern, the interface patterns, and for every
  /// other graph op an error.
  void finish();

private:
  void addOne(StringRef OpName, OneResult Fn);
  llvm::StringSet<> Named;
  std::vector<std::pair<TypeID, OneResult>> Interfaces;
  DenseMap<graph::FusionKind, Group> FusedKinds;
};

void populateDataMovementPatterns(PatternSink &P);
void populateElementwisePatterns(PatternSink &P);
void populateReductionPatterns(PatternSink &P);
void populateMatmulPatterns(PatternSink &P);
void populateWindowPatterns(PatternSink &P);
void populateFusedEpiloguePatterns(PatternSink &P);
void populateFusedRowsPatterns(PatternSink &P);
void populateFusedDepthFirstPatterns(PatternSink &P);

} // namespace d1::graphtotile

#endif
