//===- Codegen.h - convert-tile-to-d1isa's state and kernels ---*- C++ -*-===//
//
// Private to lib/Conversion/TileToD1ISA. The Codegen class lowers one
// module; its members are defined by kernel family:
//   TileToD1ISA.cpp   the pass, addresses, DMA, loops, the kernel table
//   Elementwise.cpp   vector elementwise functions and loops, function tables
//   Scalar.cpp        element-by-element forms (integers, bools, mixed types)
//   Convert.cpp       type conversions
//   Matmul.cpp        the fp32 FMA matrix product
//   MatrixUnit.cpp    bf16 staging, views and the matrix-unit product
//   ConvMma.cpp       the convolution on the matrix unit (ConvMmaKernel)
//   KLoop.cpp         the K loop of the window kernels
//   Conv.cpp          sliding windows (convolution, pooling) on the vector unit
//   Reduce.cpp        row reductions
//   GatherScatter.cpp gathers and scatters by run-time indices
//
// 1. Addresses: read from the attributes tile-plan-memory put on globals,
//    @main's arguments and allocs.
// 2. Code: index arithmetic becomes scalar instructions, tile.dma a DMA with
//    a descriptor placed in SRAM followed by a wait, and the micro-kernels
//    vector loops. scf.for stays: the emitter turns it into branches.
//
//===----------------------------------------------------------------------===//
#ifndef D1_CONVERSION_TILETOD1ISA_CODEGEN_H
#define D1_CONVERSION_TILETOD1ISA_CODEGEN_H

#include "d1/Conversion/Passes.h"
#include "d1/Planning/MmaConv.h"
#include "d1/Support/FunctionTable.h"
#include "d1/Target/Machine.h"
#include "dialects/D1/IR/D1.h"
#include "dialects/D1ISA/IR/D1ISA.h"
#include "dialects/D1ISA/IR/ISABuilder.h"
#include "dialects/Tile/IR/Tile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <optional>

namespace d1::tiletoisa {

using namespace mlir;

inline uint32_t f32bits(float F) {
  uint32_t U;
  std::memcpy(&U, &F, 4);
  return U;
}

/// Bytes of one element of a buffer.
inline int64_t elemBytes(Value Buffer) { return tile::elementBytes(Buffer.getType()); }

class Codegen {
public:
  Codegen(ModuleOp M, int64_t SramBytes, bool Tables, bool Pipeline)
      : M(M), B(M.getContext()), I(B), SramBytes(SramBytes), Tables(Tables), Pipeline(Pipeline) {}
  LogicalResult run();
  MachineDesc Machine; // the target (its unit occupancies weigh table forms)

private:
  ModuleOp M;
  OpBuilder B;
  ISABuilder I;
  int64_t SramBytes;
  bool Tables;   // activation tables allowed
  bool Pipeline; // software pipelining of the matrix unit's K loops
  /// The table form of an elementwise kind being emitted: its eight
  /// coefficient registers (C0 lo/hi ... C3 lo/hi) and its scaling.
  struct TableRegs {
    const FunctionTable *T = nullptr;
    Value C[4][2];
  } CurTable;
  std::map<tile::EltKind, bool> TablePays;
  /// The table of Kind, or null when it has none.
  static const FunctionTable *tableOf(tile::EltKind Kind);
  /// Whether Kind's table form takes fewer vector-unit cycles per vector
  /// than its computed form (both emitted into a scratch block and counted).
  bool tablePays(tile::EltKind Kind);
  Value applyTable(Value A);
  DenseMap<Value, int64_t> Address; // buffer -> byte address (DRAM or SRAM)
  IRMapping Map;                    // index values of the old body -> new
  std::vector<uint8_t> Descriptors; // SRAM data after the planned buffers
  int64_t DescBase = 0;
  std::map<std::vector<uint8_t>, int64_t> DescIndex;

  void planMemory(func::FuncOp F);
  /// A constant in SRAM after the planned buffers (deduplicated).
  int64_t descriptor(const std::vector<uint8_t> &D);
  int64_t table(const std::vector<int32_t> &Words);
  /// A vector register of 16 lane indices Of(0..15) (for vperm.32), loaded
  /// from a table.
  Value laneIndices(const std::function<int32_t(int32_t)> &Of) {
    std::vector<int32_t> Idx;
    for (int32_t L = 0; L < 16; ++L)
      Idx.push_back(Of(L));
    return I.vld({I.constant(table(Idx)), 0});
  }
  Value addr(Value Buffer, Value ElemOffset);
  Value scaled(Value Index, int64_t Factor);
  /// Reports the lowering's first error at L (later ones follow from it and
  /// are not reported); the lowering stops after the op being lowered. What
  /// is built meanwhile from placeholder values is thrown away.
  void fail(Location L, const Twine &Msg) {
    if (!Failed)
      emitError(L, Msg);
    Failed = true;
  }
  bool Failed = false;

public:
  /// The kernel of each op (its TypeID): index arithmetic, a loop, a copy,
  /// a tile kernel. Each kernel file adds its own (addXKernels); an op
  /// without a kernel cannot be lowered.
  struct KernelTable {
    using Kernel = std::function<void(Codegen &, Operation *)>;
    template <typename OpTy> void add(void (Codegen::*Fn)(OpTy)) {
      on<OpTy>([Fn](Codegen &C, OpTy Op) { (C.*Fn)(Op); });
    }
    template <typename OpTy, typename FnT> void on(FnT Fn) {
      Kernels[TypeID::get<OpTy>()] = [Fn](Codegen &C, Operation *Op) { Fn(C, cast<OpTy>(Op)); };
    }
    /// Ops that need no instructions (buffers, terminators).
    template <typename... OpTys> void none() { (Kernels.try_emplace(TypeID::get<OpTys>()), ...); }
    DenseMap<TypeID, Kernel> Kernels;
  };

private:
  static const KernelTable &kernels();
  static void addControlKernels(KernelTable &T); // TileToD1ISA.cpp
  static void addElementwiseKernels(KernelTable &T);
  static void addConvertKernels(KernelTable &T);
  static void addMatmulKernels(KernelTable &T);
  static void addMatrixUnitKernels(KernelTable &T);
  static void addConvKernels(KernelTable &T);
  static void addConvMmaKernels(KernelTable &T);
  static void addReduceKernels(KernelTable &T);
  static void addGatherScatterKernels(KernelTable &T);
  void cannotLower(Operation *Op);
  LogicalResult lowerBlock(Block &From);
  LogicalResult lowerOp(Operation *Op);
  void lowerFor(scf::ForOp Op);
  void lowerDma(tile::DmaOp Op);
  void lowerDmaWait(tile::DmaWaitOp Op);
  void lowerElementwise(tile::ElementwiseOp Op);
  void lowerMatmul(tile::MatmulOp Op);
  void lowerConv(tile::Conv2DOp Op);
  void lowerConvMma(tile::Conv2DMmaOp Op);
  class ConvMmaKernel;
  void lowerMmaViews(tile::MmaViewsOp Op);
  void lowerMatmulMma(tile::MatmulMmaOp Op);
  /// Partial 8 x 8 blocks of the matrix unit's outputs go through an 8 x 8
  /// fp32 staging block: an accumulator from Rows rows of Cols elements at
  /// Base + At (RowBytes apart), and an accumulator's first Rows rows and
  /// Cols columns back there.
  Value stagedLoad(Value Stage, Value Base, int64_t At, int64_t RowBytes, int64_t Rows,
                   int64_t Cols);
  void stagedStore(Value Acc, Value Stage, Value Base, int64_t At, int64_t RowBytes, int64_t Rows,
                   int64_t Cols);
  /// Rounds fp32 elements First, First + SW, ... of X (Src elements
  /// readable from X; zeros past them) to Count bf16 elements at S + SOff
  /// bytes. Evens: vperm.32 lane indices of the even lanes, for SW = 2.
  void bf16Pass(Value X, int64_t First, int64_t SW, int64_t Src, Value S, int64_t SOff,
                int64_t Count, Value Evens);
  void lowerReduce(tile::ReduceOp Op);
  void lowerGather(tile::GatherOp Op);
  void lowerConvert(tile::ConvertOp Op);
  /// Element-by-element forms for types other than fp32: one loop over the
  /// elements with scalar loads, arithmetic and stores (fp32 operands go
  /// through lane 0 of a vector register).
  void lowerScalarElementwise(tile::ElementwiseOp Op);
  void lowerScalarConvert(tile::ConvertOp Op);
  void lowerScatter(tile::ScatterOp Op);
  Value loadScalar(Type T, Value Ptr);
  void storeScalar(Type T, Value X, Value Ptr);
  Value applyScalar(tile::EltKind Kind, Type T, ArrayRef<Value> X, ArrayRef<float> P);
  Value convertScalar(Type From, Type To, Value X);
  /// Conversions of fp32 bits to and from the storage formats fp64, fp16
  /// and bf16, with scalar integer instructions (round to nearest even).
  Value f32ToWide(Value X);
  Value narrowFloat(Value X, int SE, int SM, int DE, int DM);
  Value halfToF32(Value X);
  /// 0/1 C ? A : B without a branch.
  Value select(Value C, Value A, Value B) {
    return I.xor_({B, I.and_({I.xor_({A, B}), I.sub({I.constant(0), C})})});
  }
  Value isEq(Value A, int64_t K) { return I.sltiu({I.xor_({A, I.constant(K)}), 1}); }
  /// Rounds R (the kept bits) up where the dropped bits Rem are above half
  /// of 1 << Bits, or at half with R odd (ties to even).
  Value roundEven(Value R, Value Rem, Value Half) {
    Value Above = I.sltu({Half, Rem});
    Value Tie = I.and_({I.sltiu({I.xor_({Rem, Half}), 1}), I.andi({R, 1})});
    return I.add({R, I.or_({Above, Tie})});
  }
  Value viaLane(Opcode Op, ArrayRef<Value> X);
  /// Calls Body(offset register or null, count) for [0, Total) in steps of
  /// Step: an scf.for over the full steps and a static remainder.
  void steps(int64_t Total, int64_t Step, int64_t Scale,
             const std::function<void(Value, int64_t)> &Body);
  /// A K loop of Steps steps carrying Init: Load(K4, P) (K4 = 4 * the
  /// step, a register; P what Pre(K4) returned) loads one step's operands,
  /// Use(operands, carried) returns the new carried values. Software
  /// pipelined where asked: a step's operands load while the step before
  /// computes, two steps per iteration with two sets of operand registers;
  /// Pre (optional: what the loads' addresses need, like a table lookup)
  /// runs one step further ahead. Pre may read up to three steps past the
  /// last.
  using Operands = SmallVector<Value>;
  Operands kLoop(int64_t Steps, ValueRange Init,
                 const std::function<Operands(Value, ValueRange)> &Load,
                 const std::function<Operands(ValueRange, ValueRange)> &Use,
                 const std::function<Operands(Value)> &Pre = nullptr);
  Value bcast(float F) { return vconst(int32_t(f32bits(F))); }
  Value bcastI(int32_t V) { return vconst(V); }
  /// While set (an elementwise loop being emitted), vector constants go
  /// before the loop, once each (up to MaxHoisted), instead of into every
  /// iteration, where they would take the vector unit's slots.
  std::optional<OpBuilder::InsertPoint> ConstantsAt;
  std::map<int32_t, Value> Hoisted;
  static constexpr size_t MaxHoisted = 8;
  Value vconst(int32_t Bits) {
    // (A table form keeps eight registers for its coefficients already.)
    size_t Max = CurTable.T ? 0 : MaxHoisted;
    if (!ConstantsAt || (Hoisted.size() >= Max && !Hoisted.count(Bits)))
      return I.vbcasti_32(int64_t(Bits));
    Value &V = Hoisted[Bits];
    if (!V) {
      OpBuilder::InsertionGuard G(B);
      B.restoreInsertionPoint(*ConstantsAt);
      V = I.vbcasti_32(int64_t(Bits));
    }
    return V;
  }
  /// Mag (sign bit clear) with the sign of X: odd functions from |x|.
  Value withSignOf(Value Mag, Value X) {
    return I.vor({Mag, I.vand({X, bcastI(int32_t(0x80000000u))})});
  }
  Value apply(tile::EltKind Kind, Value A, Value X, ArrayRef<float> P);
  // apply()'s longer forms: polynomials and series.
  Value tanhForm(Value A);
  Value erfForm(Value A);
  Value sinCosForm(tile::EltKind Kind, Value A);
  Value atanForm(Value A);
  Value logPowForm(tile::EltKind Kind, Value A, Value X);
};

} // namespace d1::tiletoisa

#endif
