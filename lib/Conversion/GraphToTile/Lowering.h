//===- Lowering.h - convert-graph-to-tile's state and lowerings -*- C++ -*-===//
//
// Private to lib/Conversion/GraphToTile. The Lowering class builds a new
// @main over DRAM memrefs next to the old one, op by op, then replaces it.
// Every kernel brings its SRAM buffers with memref.alloc in
// #tile.mem<sram> and frees them with memref.dealloc, so the SRAM planner
// sees each buffer's lifetime. Its members are defined by op family:
//   GraphToTile.cpp     the pass, constants, op dispatch
//   Copies.cpp          strided copies and fills (data movement)
//   Elementwise.cpp     elementwise ops with broadcasting
//   Rows.cpp            row kernels (softmax, layer norm, reductions)
//   Matmul.cpp          matrix products
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

namespace d1::graphtotile {

using namespace mlir;
using shapes::Shape;

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

} // namespace d1::graphtotile

#endif
