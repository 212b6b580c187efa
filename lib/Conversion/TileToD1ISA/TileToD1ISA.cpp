//===- TileToD1ISA.cpp - tile ops to D1 instructions -----------------------===//
//
// 1. Addresses: read from the attributes tile-plan-memory put on globals,
//    @main's arguments and allocs.
// 2. Code: index arithmetic becomes scalar instructions, tile.dma a DMA with
//    a descriptor placed in SRAM followed by a wait, and the micro-kernels
//    vector loops. scf.for stays: the emitter turns it into branches.
//
//===----------------------------------------------------------------------===//
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
#include <functional>
#include <map>
#include <optional>

namespace d1 {
#define GEN_PASS_DEF_TILETOISA
#include "d1/Conversion/Passes.h.inc"
} // namespace d1

using namespace mlir;
using namespace d1;

namespace {

uint32_t f32bits(float F) {
  uint32_t U;
  std::memcpy(&U, &F, 4);
  return U;
}

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
  /// The value of a constant load (`li`), if V is one.
  static std::optional<int64_t> constantOf(Value V) {
    if (auto Li = V ? V.getDefiningOp<d1isa::LIOp>() : nullptr)
      return Li.getImm();
    return std::nullopt;
  }
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
  LogicalResult lowerBlock(Block &From);
  LogicalResult lowerOp(Operation *Op);
  void lowerDma(tile::DmaOp Op);
  void lowerElementwise(tile::ElementwiseOp Op);
  void lowerMatmul(tile::MatmulOp Op);
  void lowerConv(tile::Conv2DOp Op);
  void lowerConvMma(tile::Conv2DMmaOp Op);
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
};

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

void Codegen::planMemory(func::FuncOp F) {
  // Addresses come from tile-plan-memory.
  auto AddressOf = [&](Operation *Op, Attribute A) -> int64_t {
    auto I = dyn_cast_or_null<IntegerAttr>(A);
    if (!I) {
      fail(Op->getLoc(), "buffer without an address (run tile-plan-memory first)");
      return 0;
    }
    return I.getInt();
  };
  std::map<std::string, int64_t> Globals;
  for (auto G : M.getOps<memref::GlobalOp>())
    Globals[G.getSymName().str()] = AddressOf(G, G->getAttr("d1.address"));
  for (BlockArgument A : F.getArguments())
    Address[A] = AddressOf(F, F.getArgAttr(A.getArgNumber(), "d1.address"));
  F.walk([&](Operation *Op) {
    if (auto G = dyn_cast<memref::GetGlobalOp>(Op))
      Address[G.getResult()] = Globals.at(G.getName().str());
    else if (auto V = dyn_cast<tile::ViewOp>(Op))
      Address[V.getResult()] = Address.lookup(V.getSource());
    else if (auto A = dyn_cast<memref::AllocOp>(Op))
      Address[A.getResult()] = AddressOf(A, A->getAttr("d1.address"));
  });
  auto Peak = M->getAttrOfType<IntegerAttr>("d1.sram_peak");
  if (!Peak || !M->hasAttr("d1.dram_size"))
    return fail(M.getLoc(), "module without a memory plan (run tile-plan-memory first)");
  DescBase = (Peak.getInt() + 63) / 64 * 64;
}

int64_t Codegen::descriptor(const std::vector<uint8_t> &D) {
  auto It = DescIndex.find(D);
  if (It != DescIndex.end())
    return It->second;
  // Constants are 64-byte aligned (descriptors need 8, vectors 4).
  Descriptors.resize((Descriptors.size() + 63) / 64 * 64, 0);
  int64_t At = DescBase + int64_t(Descriptors.size());
  Descriptors.insert(Descriptors.end(), D.begin(), D.end());
  DescIndex[D] = At;
  return At;
}

int64_t Codegen::table(const std::vector<int32_t> &Words) {
  std::vector<uint8_t> Bytes(Words.size() * 4);
  std::memcpy(Bytes.data(), Words.data(), Bytes.size());
  return descriptor(Bytes);
}

Value Codegen::scaled(Value Index, int64_t Factor) {
  if (Factor == 1)
    return Index;
  if ((Factor & (Factor - 1)) == 0)
    return I.slli({Index, int64_t(__builtin_ctzll(uint64_t(Factor)))});
  return I.mul({Index, I.constant(Factor)});
}

int64_t elemBytes(Value Buffer) { return tile::elementBytes(Buffer.getType()); }

/// Byte address of element ElemOffset (an index of the new body) of Buffer.
Value Codegen::addr(Value Buffer, Value ElemOffset) {
  int64_t Base = Address.lookup(Buffer), EB = elemBytes(Buffer);
  auto It = Map.lookupOrNull(ElemOffset);
  if (!It) {
    fail(Buffer.getLoc(), "internal error: offset not lowered");
    return I.constant(0);
  }
  if (std::optional<int64_t> C = constantOf(It))
    return I.constant(Base + *C * EB);
  Value Off = scaled(It, EB);
  if (Base >= INT32_MIN && Base <= INT32_MAX)
    return Base ? I.addi({Off, Base}) : Off;
  return I.add({Off, I.constant(Base)});
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

void Codegen::lowerDma(tile::DmaOp Op) {
  bool SrcSram = tile::spaceOf(Op.getSrc().getType()) == tile::Space::SRAM;
  bool DstSram = tile::spaceOf(Op.getDst().getType()) == tile::Space::SRAM;
  uint8_t Kind = SrcSram && DstSram ? 2 : SrcSram ? 1 : 0;
  std::vector<uint8_t> D(64, 0);
  auto Put = [&](size_t At, uint64_t V, unsigned N) {
    for (unsigned K = 0; K < N; ++K)
      D[At + K] = uint8_t(V >> (8 * K));
  };
  auto Sizes = Op.getSizes();
  int64_t EB = elemBytes(Op.getSrc());
  if (EB != elemBytes(Op.getDst()))
    return fail(Op.getLoc(), "DMA between buffers of different element types");
  std::optional<int64_t> Sem = Op.getSem();
  if (Op.getToken() && !Sem)
    return fail(Op.getLoc(), "started copy without a semaphore (run tile-assign-semaphores first)");
  Put(0, Kind, 1);
  Put(1, uint64_t(Sem.value_or(0)), 1); // local semaphore: s0 for waited copies
  Put(2, 0xff, 1);                      // no remote semaphore
  Put(8, uint64_t(Sizes[2] * EB), 4);
  Put(12, uint64_t(Sizes[1]), 4);
  Put(16, uint64_t(Sizes[0]), 4);
  Put(24, uint64_t(Op.getSrcStrides()[1] * EB), 8);
  Put(32, uint64_t(Op.getSrcStrides()[0] * EB), 8);
  Put(40, uint64_t(Op.getDstStrides()[1] * EB), 8);
  Put(48, uint64_t(Op.getDstStrides()[0] * EB), 8);
  int64_t Desc = descriptor(D);
  Value Src = addr(Op.getSrc(), Op.getSrcOffset());
  Value Dst = addr(Op.getDst(), Op.getDstOffset());
  I.dma({Dst, Src, I.constant(Desc)});
  if (!Sem) // a started copy is waited for by its tile.dma_wait
    I.sem_wait({0, 1});
}

// One elementwise function on vectors; the single place that knows how each
// kind is computed with D1 instructions.
Value Codegen::apply(tile::EltKind Kind, Value A, Value X, ArrayRef<float> P) {
  using K = tile::EltKind;
  if (CurTable.T && CurTable.T == tableOf(Kind))
    return applyTable(A);
  switch (Kind) {
  case K::Copy:
    return A;
  case K::Add:
    return I.vadd_f32({A, X});
  case K::Sub:
    return I.vsub_f32({A, X});
  case K::Mul:
    return I.vmul_f32({A, X});
  case K::Div:
    return I.vdiv_f32({A, X});
  case K::Max:
    return I.vmax_f32({A, X});
  case K::Min:
    return I.vmin_f32({A, X});
  case K::Relu:
    return I.vmax_f32({A, bcast(0.0f)});
  case K::Neg:
    return I.vneg_f32(A);
  case K::Abs:
    return I.vabs_f32(A);
  case K::Exp:
    return I.vexp_f32(A);
  case K::Sqrt:
    return I.vsqrt_f32(A);
  case K::Rsqrt:
    return I.vrsqrt_f32(A);
  case K::Reciprocal:
    return I.vrcp_f32(A);
  case K::Affine:
    return I.vfma_f32({A, bcast(P[0]), bcast(P[1])});
  case K::Fill:
    return bcast(P[0]);
  case K::LeakyRelu: {
    Value Neg = I.vcmplt_f32({A, bcast(0.0f)});
    return I.vsel({Neg, I.vmul_f32({A, bcast(P[0])}), A});
  }
  case K::Clip:
    return I.vmax_f32({I.vmin_f32({A, bcast(P[1])}), bcast(P[0])});
  case K::Sigmoid: {
    // 1 / (1 + e^-x)
    Value E = I.vexp_f32(I.vneg_f32(A));
    return I.vrcp_f32(I.vadd_f32({E, bcast(1.0f)}));
  }
  case K::Tanh: {
    // sign(x) * (1 - e^-2|x|) / (1 + e^-2|x|)
    Value Abs = I.vabs_f32(A);
    Value E = I.vexp_f32(I.vmul_f32({Abs, bcast(-2.0f)}));
    Value Num = I.vsub_f32({bcast(1.0f), E});
    Value Den = I.vadd_f32({bcast(1.0f), E});
    Value T = I.vdiv_f32({Num, Den});
    // Below 0.625, where 1 - e^-2|x| cancels, Cephes tanhf's odd polynomial.
    Value Z = I.vmul_f32({Abs, Abs});
    Value P = bcast(-5.70498872745e-3f);
    for (float C : {2.06390887954e-2f, -5.37397155531e-2f, 1.33314422036e-1f, -3.33332819422e-1f})
      P = I.vfma_f32({P, Z, bcast(C)});
    Value Small = I.vfma_f32({I.vmul_f32({P, Z}), Abs, Abs});
    T = I.vsel({I.vcmplt_f32({Abs, bcast(0.625f)}), Small, T});
    return withSignOf(T, A);
  }
  case K::Erf: {
    // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), with the sign of x.
    Value Abs = I.vabs_f32(A);
    Value T = I.vrcp_f32(I.vfma_f32({Abs, bcast(0.3275911f), bcast(1.0f)}));
    Value Poly = bcast(1.061405429f);
    for (float C : {-1.453152027f, 1.421413741f, -0.284496736f, 0.254829592f})
      Poly = I.vfma_f32({Poly, T, bcast(C)});
    Poly = I.vmul_f32({Poly, T});
    Value E = I.vexp_f32(I.vneg_f32(I.vmul_f32({Abs, Abs})));
    Value R = I.vsub_f32({bcast(1.0f), I.vmul_f32({Poly, E})});
    // Below 1, Cephes erff's series x P(x^2) keeps the relative error small.
    Value Z = I.vmul_f32({Abs, Abs});
    Value S = bcast(7.853861353153693e-5f);
    for (float C : {-8.010193625184903e-4f, 5.188327685732524e-3f, -2.685381193529856e-2f,
                    1.128358514861418e-1f, -3.761262582423300e-1f, 1.128379165726710e+0f})
      S = I.vfma_f32({S, Z, bcast(C)});
    R = I.vsel({I.vcmplt_f32({Abs, bcast(1.0f)}), I.vmul_f32({S, Abs}), R});
    return withSignOf(R, A);
  }
  case K::Floor:
  case K::Ceil: {
    // Round to nearest, then step back where that went past x.
    // ceil x = -floor(-x), which keeps the sign of a zero result
    // (ceil(-0.75) = -0).
    Value X = Kind == K::Ceil ? I.vneg_f32(A) : A;
    Value R = I.vround_f32(X);
    R = I.vsel({I.vcmplt_f32({X, R}), I.vsub_f32({R, bcast(1.0f)}), R});
    return Kind == K::Ceil ? I.vneg_f32(R) : R;
  }
  case K::Round:
    return I.vround_f32(A);
  case K::Sign: {
    Value R = I.vsel({I.vcmplt_f32({bcast(0.0f), A}), bcast(1.0f), bcast(0.0f)});
    R = I.vsel({I.vcmplt_f32({A, bcast(0.0f)}), bcast(-1.0f), R});
    return I.vsel({I.vcmpeq_f32({A, A}), R, A}); // NaN stays NaN
  }
  case K::Sin:
  case K::Cos: {
    // Cephes sinf/cosf: j = the octant of |x| rounded up to even, the
    // argument reduced by j * pi/4 in three parts, a polynomial for sin or
    // cos on [-pi/4, pi/4] by (j & 2), the sign from (j & 4) (and, for sin,
    // the sign of x). |error| <= 2 ulp for |x| < 8192.
    Value Ax = I.vabs_f32(A);
    Value J = I.vcvt_i32_f32(I.vmul_f32({Ax, bcast(1.27323954473516f)}));
    J = I.vand({I.vadd_i32({J, bcastI(1)}), bcastI(~1)});
    Value Y = I.vcvt_f32_i32(J);
    Value Z = I.vfma_f32({Y, bcast(-0.78515625f), Ax});
    Z = I.vfma_f32({Y, bcast(-2.4187564849853515625e-4f), Z});
    Z = I.vfma_f32({Y, bcast(-3.77489497744594108e-8f), Z});
    Value ZZ = I.vmul_f32({Z, Z});
    Value SP = I.vfma_f32({bcast(-1.9515295891e-4f), ZZ, bcast(8.3321608736e-3f)});
    SP = I.vfma_f32({SP, ZZ, bcast(-1.6666654611e-1f)});
    SP = I.vfma_f32({I.vmul_f32({SP, ZZ}), Z, Z});
    Value CP = I.vfma_f32({bcast(2.443315711809948e-5f), ZZ, bcast(-1.388731625493765e-3f)});
    CP = I.vfma_f32({CP, ZZ, bcast(4.166664568298827e-2f)});
    CP = I.vmul_f32({I.vmul_f32({CP, ZZ}), ZZ});
    CP = I.vadd_f32({I.vfma_f32({ZZ, bcast(-0.5f), CP}), bcast(1.0f)});
    Value Odd = I.vcmpeq_i32({I.vand({J, bcastI(2)}), bcastI(2)});
    Value Bit4 = I.vslli_32({I.vand({J, bcastI(4)}), 29});
    Value R, SignBits;
    if (Kind == K::Sin) {
      R = I.vsel({Odd, CP, SP});
      SignBits = I.vxor({Bit4, I.vand({A, bcastI(int32_t(0x80000000u))})});
    } else {
      R = I.vsel({Odd, SP, CP});
      SignBits = I.vxor({Bit4, I.vslli_32({I.vand({J, bcastI(2)}), 30})});
    }
    return I.vxor({R, SignBits});
  }
  case K::Atan: {
    // Cephes atanf: |x| > tan(3pi/8) uses pi/2 - atan(1/|x|), |x| > tan(pi/8)
    // pi/4 + atan((|x| - 1) / (|x| + 1)); then a degree-9 odd polynomial.
    Value Ax = I.vabs_f32(A);
    Value Big = I.vcmplt_f32({bcast(2.414213562373095f), Ax});
    Value Mid = I.vcmplt_f32({bcast(0.4142135623730950f), Ax});
    Value TMid = I.vdiv_f32({I.vsub_f32({Ax, bcast(1.0f)}), I.vadd_f32({Ax, bcast(1.0f)})});
    Value TBig = I.vneg_f32(I.vrcp_f32(Ax));
    Value T = I.vsel({Big, TBig, I.vsel({Mid, TMid, Ax})});
    Value Y0 = I.vsel(
        {Big, bcast(1.5707963267948966f), I.vsel({Mid, bcast(0.7853981633974483f), bcast(0.0f)})});
    Value Z = I.vmul_f32({T, T});
    Value Poly = I.vfma_f32({bcast(8.05374449538e-2f), Z, bcast(-1.38776856032e-1f)});
    Poly = I.vfma_f32({Poly, Z, bcast(1.99777106478e-1f)});
    Poly = I.vfma_f32({Poly, Z, bcast(-3.33329491539e-1f)});
    Value R = I.vadd_f32({I.vfma_f32({I.vmul_f32({Poly, Z}), T, T}), Y0});
    return withSignOf(R, A);
  }
  case K::FMod:
  case K::Mod: {
    // a - trunc(a / b) * b (C's fmod); Mod then moves a remainder whose sign
    // differs from b's by b (Python's %). The quotient must fit in int32.
    Value Q = I.vcvt_f32_i32(I.vcvt_i32_f32(I.vdiv_f32({A, X})));
    Value R = I.vfma_f32({I.vneg_f32(Q), X, A});
    if (Kind == K::FMod)
      return R;
    Value Differ = I.vcmplt_f32({I.vmul_f32({R, X}), bcast(0.0f)});
    return I.vsel({Differ, I.vadd_f32({R, X}), R});
  }
  case K::Log:
  case K::Pow: {
    // log x = e ln2 + 2 atanh(s), s = (m - 1) / (m + 1), x = m 2^e with m in
    // [sqrt(1/2), sqrt(2)); the series to s^9 is exact to fp32 rounding.
    // Pow takes the log of |x| and fixes the sign afterwards.
    Value X0 = A;
    if (Kind == K::Pow)
      A = I.vabs_f32(A);
    Value Bits = A;
    Value E = I.vsub_i32({I.vsrai_32({Bits, 23}), I.vbcasti_32(127)});
    Value Mant = I.vor({I.vand({Bits, I.vbcasti_32(0x007fffff)}), I.vbcasti_32(0x3f800000)});
    Value Big = I.vcmplt_f32({bcast(1.41421356f), Mant});
    Mant = I.vsel({Big, I.vmul_f32({Mant, bcast(0.5f)}), Mant});
    E = I.vsel({Big, I.vadd_i32({E, I.vbcasti_32(1)}), E});
    Value S = I.vdiv_f32({I.vsub_f32({Mant, bcast(1.0f)}), I.vadd_f32({Mant, bcast(1.0f)})});
    Value S2 = I.vmul_f32({S, S});
    Value Poly = bcast(1.0f / 9);
    for (float C : {1.0f / 7, 1.0f / 5, 1.0f / 3, 1.0f})
      Poly = I.vfma_f32({Poly, S2, bcast(C)});
    Value LogM = I.vmul_f32({I.vmul_f32({Poly, S}), bcast(2.0f)});
    Value Log = I.vfma_f32({I.vcvt_f32_i32(E), bcast(0.693147181f), LogM});
    // The special cases: log 0 = -inf, log of a negative number NaN, log inf
    // = inf (NaN stays NaN through the arithmetic above).
    Log = I.vsel({I.vcmpeq_f32({A, bcast(0.0f)}), bcast(-INFINITY), Log});
    Log = I.vsel({I.vcmpeq_f32({A, bcast(INFINITY)}), bcast(INFINITY), Log});
    if (Kind == K::Log)
      return I.vsel({I.vcmplt_f32({A, bcast(0.0f)}), bcastI(0x7fc00000), Log});
    // x^y = e^(y log|x|); a negative x needs an integral y (odd: negated),
    // else NaN; x^0 = 1 always.
    Value R = I.vexp_f32(I.vmul_f32({X, Log}));
    Value Integral = I.vcmpeq_f32({I.vround_f32(X), X});
    Value Half = I.vmul_f32({X, bcast(0.5f)});
    Value Odd = I.vand({Integral, I.vxor({I.vcmpeq_f32({I.vround_f32(Half), Half}), bcastI(-1)})});
    Value Neg = I.vcmplt_f32({X0, bcast(0.0f)});
    R = I.vsel({I.vand({Neg, Odd}), I.vneg_f32(R), R});
    R = I.vsel({I.vand({Neg, I.vxor({Integral, bcastI(-1)})}), bcastI(0x7fc00000), R});
    return I.vsel({I.vcmpeq_f32({X, bcast(0.0f)}), bcast(1.0f), R});
  }
  default:
    break;
  }
  fail(I.Loc, Twine("internal error: no vector form of elementwise '") +
                  tile::stringifyEltKind(Kind) + "'");
  return bcastI(0);
}

//===----------------------------------------------------------------------===//
// Element-by-element forms for integers, bools and mixed types
//===----------------------------------------------------------------------===//

Value Codegen::loadScalar(Type T, Value Ptr) {
  int64_t EB = tile::elementBytes(T);
  bool Unsigned = T.isInteger(1) || T.isUnsignedInteger() || T.isF16() || T.isBF16();
  Opcode Mn = EB == 1   ? (Unsigned ? Opcode::LBU : Opcode::LB)
              : EB == 2 ? (Unsigned ? Opcode::LHU : Opcode::LH)
              : EB == 4 ? (Unsigned && !T.isF32() ? Opcode::LWU : Opcode::LW)
                        : Opcode::LD;
  return I.build(Mn, {Ptr}, {0});
}

void Codegen::storeScalar(Type T, Value X, Value Ptr) {
  int64_t EB = tile::elementBytes(T);
  I.build(EB == 1   ? Opcode::SB
          : EB == 2 ? Opcode::SH
          : EB == 4 ? Opcode::SW
                    : Opcode::SD,
          {X, Ptr}, {0});
}

// An fp32 instruction on scalar registers holding fp32 bits: broadcast them,
// compute, and read lane 0 back (sign-extended).
Value Codegen::viaLane(Opcode Op, ArrayRef<Value> X) {
  SmallVector<Value> V;
  for (Value R : X)
    V.push_back(I.vbcast_32(R));
  return I.vext_32({I.build(Op, V), 0});
}

Value Codegen::applyScalar(tile::EltKind Kind, Type T, ArrayRef<Value> X, ArrayRef<float> P) {
  using K = tile::EltKind;
  bool F = T.isF32();
  // Unsigned values are zero-extended, signed ones sign-extended to 64 bits,
  // so only 64-bit unsigned values need unsigned comparisons; division and
  // remainder take the unsigned forms for every unsigned type.
  bool U = T.isUnsignedInteger() || T.isInteger(1);
  Opcode Lt = U && T.getIntOrFloatBitWidth() == 64 ? Opcode::SLTU : Opcode::SLT;
  Value Zero = I.constant(0);
  auto Bool = [&](Value Mask) { return I.andi({Mask, 1}); };
  if (F) {
    switch (Kind) {
    case K::Eq:
      return Bool(viaLane(Opcode::VCMPEQ, {X[0], X[1]}));
    case K::Lt:
      return Bool(viaLane(Opcode::VCMPLT, {X[0], X[1]}));
    case K::Le:
      return Bool(viaLane(Opcode::VCMPLE, {X[0], X[1]}));
    case K::Gt:
      return Bool(viaLane(Opcode::VCMPLT, {X[1], X[0]}));
    case K::Ge:
      return Bool(viaLane(Opcode::VCMPLE, {X[1], X[0]}));
    case K::IsNaN:
      return I.xori({Bool(viaLane(Opcode::VCMPEQ, {X[0], X[0]})), 1});
    case K::IsInf: {
      Value R = Zero;
      if (P[0] != 0)
        R = I.or_({R, Bool(viaLane(Opcode::VCMPEQ, {X[0], I.constant(int64_t(0xff800000u))}))});
      if (P[1] != 0)
        R = I.or_({R, Bool(viaLane(Opcode::VCMPEQ, {X[0], I.constant(int64_t(0x7f800000))}))});
      return R;
    }
    case K::Copy:
      return X[0];
    default:
      break;
    }
  }
  switch (Kind) {
  case K::Copy:
    return X[0];
  case K::Fill:
    return I.constant(F ? int64_t(f32bits(P[0])) : int64_t(P[0]));
  case K::Add:
    return I.add({X[0], X[1]});
  case K::Sub:
    return I.sub({X[0], X[1]});
  case K::Mul:
    return I.mul({X[0], X[1]});
  case K::Div:
    return I.build(U ? Opcode::DIVU : Opcode::DIV, {X[0], X[1]});
  case K::FMod:
    return I.build(U ? Opcode::REMU : Opcode::REM, {X[0], X[1]});
  case K::Mod: {
    if (U)
      return I.remu({X[0], X[1]});
    // The remainder takes the divisor's sign (Python's %).
    Value R = I.rem({X[0], X[1]});
    Value Fix = I.and_({I.sltu({Zero, R}), I.slt({I.xor_({R, X[1]}), Zero})});
    return I.add({R, I.mul({Fix, X[1]})});
  }
  case K::Max:
  case K::Min: {
    if (!U || T.getIntOrFloatBitWidth() < 64)
      return I.build(Kind == K::Max ? Opcode::MAX : Opcode::MIN, {X[0], X[1]});
    // r = b ^ ((a ^ b) & -(pick a))
    Value PickA = Kind == K::Max ? I.build(Lt, {X[1], X[0]}) : I.build(Lt, {X[0], X[1]});
    return I.xor_({X[1], I.and_({I.xor_({X[0], X[1]}), I.sub({Zero, PickA})})});
  }
  case K::Shl:
    return I.sll({X[0], X[1]});
  case K::Shr:
    return I.build(U ? Opcode::SRL : Opcode::SRA, {X[0], X[1]});
  case K::And:
    return I.and_({X[0], X[1]});
  case K::Or:
    return I.or_({X[0], X[1]});
  case K::Xor:
    return I.xor_({X[0], X[1]});
  case K::Not:
    return I.xori({X[0], 1});
  case K::Neg:
    return I.sub({Zero, X[0]});
  case K::Abs:
    return U ? X[0] : I.max({X[0], I.sub({Zero, X[0]})});
  case K::Sign:
    return I.sub({I.build(Lt, {Zero, X[0]}), I.build(Lt, {X[0], Zero})});
  case K::Eq:
    return I.sltiu({I.xor_({X[0], X[1]}), 1});
  case K::Lt:
    return I.build(Lt, {X[0], X[1]});
  case K::Gt:
    return I.build(Lt, {X[1], X[0]});
  case K::Le:
    return I.xori({I.build(Lt, {X[1], X[0]}), 1});
  case K::Ge:
    return I.xori({I.build(Lt, {X[0], X[1]}), 1});
  case K::Where:
    // y ^ ((x ^ y) & -cond)
    return I.xor_({X[2], I.and_({I.xor_({X[1], X[2]}), I.sub({Zero, X[0]})})});
  default:
    break;
  }
  std::string TypeName;
  llvm::raw_string_ostream(TypeName) << T;
  fail(I.Loc, Twine("elementwise '") + tile::stringifyEltKind(Kind) + "' is not available for " +
                  TypeName);
  return I.constant(0);
}

void Codegen::lowerScalarElementwise(tile::ElementwiseOp Op) {
  tile::EltKind Kind = Op.getKind();
  unsigned N = tile::arity(Kind);
  Value Ins[3] = {Op.getIn0(), Op.getIn1(), Op.getIn2()};
  Value Offs[3] = {Op.getIn0Offset(), Op.getIn1Offset(), Op.getIn2Offset()};
  int64_t Strides[3] = {int64_t(Op.getIn0Stride()), int64_t(Op.getIn1Stride()),
                        int64_t(Op.getIn2Stride())};
  Type T = getElementTypeOrSelf(Kind == tile::EltKind::Where ? Op.getIn1() : Op.getIn0());
  Type OutT = getElementTypeOrSelf(Op.getOut());
  SmallVector<float> P(Op.getParams().begin(), Op.getParams().end());
  bool Reads = Kind != tile::EltKind::Fill;
  SmallVector<Value> Base;
  for (unsigned K = 0; K < N; ++K)
    Base.push_back(addr(Ins[K], Offs[K]));
  Value OutBase = addr(Op.getOut(), Op.getOutOffset());
  auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Op.getCount()), I.constant(1));
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(For.getBody());
  Value Iv = For.getInductionVar();
  SmallVector<Value> X;
  for (unsigned K = 0; K < N && Reads; ++K) {
    Type KT = getElementTypeOrSelf(Ins[K]);
    Value Ptr = Strides[K] ? I.add({Base[K], scaled(Iv, tile::elementBytes(KT))}) : Base[K];
    X.push_back(loadScalar(KT, Ptr));
  }
  Value R = applyScalar(Kind, T, X, P);
  storeScalar(OutT, R, I.add({OutBase, scaled(Iv, tile::elementBytes(OutT))}));
}

Value Codegen::f32ToWide(Value X) {
  X = I.srli({I.slli({X, 32}), 32});
  Value S = I.srli({X, 31});
  Value E = I.andi({I.srli({X, 23}), 0xff});
  Value M = I.andi({X, 0x7fffff});
  Value Abs = I.andi({X, 0x7fffffff});
  // A subnormal times 2^24 is normal: its exponent, less 24, and mantissa.
  Value Y = viaLane(Opcode::VMUL, {Abs, I.constant(0x4b800000)});
  Value Sub = isEq(E, 0);
  E = select(Sub, I.addi({I.andi({I.srli({Y, 23}), 0xff}), -24}), E);
  M = select(Sub, I.andi({Y, 0x7fffff}), M);
  Value E64 = select(isEq(E, 0xff), I.constant(0x7ff), I.addi({E, 1023 - 127}));
  Value Bits = I.or_({I.slli({E64, 52}), I.slli({M, 29})});
  Bits = select(isEq(Abs, 0), I.constant(0), Bits);
  return I.or_({Bits, I.slli({S, 63})});
}

// Narrows a float of SE exponent and SM mantissa bits (in the low bits of
// X) to DE and DM bits, rounding to nearest even: normal results keep the
// top DM mantissa bits, subnormal ones shift the hidden bit in; overflow
// gives infinity, NaN stays a quiet NaN with the top payload bits.
Value Codegen::narrowFloat(Value X, int SE, int SM, int DE, int DM) {
  int64_t SBias = (int64_t(1) << (SE - 1)) - 1, DBias = (int64_t(1) << (DE - 1)) - 1;
  int64_t DInf = ((int64_t(1) << DE) - 1) << DM, Drop = SM - DM, MinExp = 1 - DBias;
  Value S = I.andi({I.srli({X, SE + SM}), 1});
  Value E = I.andi({I.srli({X, SM}), (int64_t(1) << SE) - 1});
  Value M = I.srli({I.slli({X, 64 - SM}), 64 - SM});
  Value Special = I.or_(
      {I.constant(DInf),
       select(I.sltu({I.constant(0), M}),
              I.or_({I.constant(int64_t(1) << (DM - 1)), I.srli({M, Drop})}), I.constant(0))});
  Value Ex = I.addi({E, -SBias}); // unbiased
  Value Norm = roundEven(I.srli({M, Drop}), I.and_({M, I.constant((int64_t(1) << Drop) - 1)}),
                         I.constant(int64_t(1) << (Drop - 1)));
  Norm = I.add({I.slli({I.addi({Ex, DBias}), DM}), Norm});
  Norm = I.min({Norm, I.constant(DInf)}); // overflow to infinity
  // Subnormal results: the hidden bit too, shifted right by Drop + (MinExp - Ex).
  Value Full = I.or_({M, I.constant(int64_t(1) << SM)});
  Value Tot = I.min({I.sub({I.constant(Drop + MinExp), Ex}), I.constant(63)});
  Value One = I.constant(1);
  Value Sub = roundEven(I.srl({Full, Tot}), I.and_({Full, I.addi({I.sll({One, Tot}), -1})}),
                        I.sll({One, I.addi({Tot, -1})}));
  Value Bits = select(I.slt({Ex, I.constant(MinExp)}), Sub, Norm);
  Bits = select(isEq(E, (int64_t(1) << SE) - 1), Special, Bits);
  return I.or_({Bits, I.slli({S, DE + DM})});
}

Value Codegen::halfToF32(Value X) {
  Value S = I.andi({I.srli({X, 15}), 1});
  Value E = I.andi({I.srli({X, 10}), 0x1f});
  Value M = I.andi({X, 0x3ff});
  Value Norm = I.or_({I.slli({I.addi({E, 112}), 23}), I.slli({M, 13})});
  Value Special = I.or_({I.constant(0x7f800000), I.slli({M, 13})});
  // Subnormal halves (and zero): m * 2^-24, exact in fp32.
  Value Sub = I.vext_32({I.vmul_f32({I.vcvt_f32_i32(I.vbcast_32(M)), bcastI(0x33800000)}), 0});
  Value Bits = select(isEq(E, 0), Sub, select(isEq(E, 0x1f), Special, Norm));
  return I.or_({I.srli({I.slli({Bits, 32}), 32}), I.slli({S, 31})});
}

Value Codegen::convertScalar(Type From, Type To, Value X) {
  if (From == To)
    return X;
  // Storage floats go through fp32.
  Type F32 = Float32Type::get(From.getContext());
  auto Storage = [](Type T) { return T.isF64() || T.isF16() || T.isBF16(); };
  if (Storage(From)) {
    X = From.isF64()   ? narrowFloat(X, 11, 52, 8, 23)
        : From.isF16() ? halfToF32(X)
                       : I.slli({X, 16});
    return convertScalar(F32, To, X);
  }
  if (Storage(To)) {
    X = convertScalar(From, F32, X);
    if (To.isF64())
      return f32ToWide(X);
    if (To.isF16())
      return narrowFloat(X, 8, 23, 5, 10);
    Value V = I.vbcast_32(X);
    return I.andi({I.vext_32({I.vcvt_bf16_f32({V, V}), 0}), 0xffff});
  }
  if (From.isF32()) {
    if (To.isInteger(1))
      return I.xori({I.andi({viaLane(Opcode::VCMPEQ, {X, I.constant(0)}), 1}), 1});
    return viaLane(Opcode::VCVTI32F32, {X});
  }
  if (To.isF32()) {
    if (From.getIntOrFloatBitWidth() < 32 ||
        (From.getIntOrFloatBitWidth() == 32 && !From.isUnsignedInteger()))
      return viaLane(Opcode::VCVTF32I32, {X});
    // Wider values (int64, uint32, uint64): x = a 2^40 + m 2^16 + l, with
    // a = x >> 40 (24 bits and the sign), m the next 24 bits and l the low
    // 16, each exact in fp32; then (a 2^24 + m) 2^16 + l in two fused
    // steps: exact below 2^24 in magnitude, at most two roundings above
    // (d1::intToF32 in Numerics.h is the same sequence).
    bool U = From.isUnsignedInteger();
    Value A = I.vcvt_f32_i32(I.vbcast_32(U ? I.srli({X, 40}) : I.srai({X, 40})));
    Value M = I.vcvt_f32_i32(I.vbcast_32(I.andi({I.srli({X, 16}), 0xffffff})));
    Value L = I.vcvt_f32_i32(I.vbcast_32(I.andi({X, 0xffff})));
    Value T = I.vfma_f32({A, bcast(16777216.0f), M});
    return I.vext_32({I.vfma_f32({T, bcast(65536.0f), L}), 0});
  }
  if (To.isInteger(1))
    return I.sltu({I.constant(0), X});
  return X; // between integers: the store keeps the low bits
}

void Codegen::lowerScatter(tile::ScatterOp Op) {
  Type T = getElementTypeOrSelf(Op.getOut());
  int64_t EB = tile::elementBytes(T);
  int64_t OutAt = Address.lookup(Op.getOut()), IdxAt = Address.lookup(Op.getIndices()),
          UpdAt = Address.lookup(Op.getUpdates());
  auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Op.getCount()), I.constant(1));
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(For.getBody());
  Value K = For.getInductionVar();
  Value Idx = I.ld({I.addi({scaled(K, 8), IdxAt}), 0});
  // Flat indices into the output: one outside it traps instead of writing
  // over whatever lies next to it in SRAM.
  Idx = I.chk_ltu({Idx, I.constant(cast<ShapedType>(Op.getOut().getType()).getNumElements())});
  Value Ptr = I.addi({scaled(Idx, EB), OutAt});
  Value U = loadScalar(T, I.addi({scaled(K, EB), UpdAt}));
  if (Op.getKind() != 0) {
    Value Old = loadScalar(T, Ptr);
    using Kd = tile::EltKind;
    Kd Kind = Op.getKind() == 1   ? Kd::Add
              : Op.getKind() == 2 ? Kd::Mul
              : Op.getKind() == 3 ? Kd::Max
                                  : Kd::Min;
    if (T.isF32()) {
      Opcode Mn = Kind == Kd::Add   ? Opcode::VADD
                  : Kind == Kd::Mul ? Opcode::VMUL
                  : Kind == Kd::Max ? Opcode::VMAX
                                    : Opcode::VMIN;
      U = viaLane(Mn, {Old, U});
    } else {
      U = applyScalar(Kind, T, {Old, U}, {});
    }
  }
  storeScalar(T, U, Ptr);
}

void Codegen::lowerScalarConvert(tile::ConvertOp Op) {
  Type From = getElementTypeOrSelf(Op.getIn()), To = getElementTypeOrSelf(Op.getOut());
  Value In = addr(Op.getIn(), Op.getInOffset()), Out = addr(Op.getOut(), Op.getOutOffset());
  auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Op.getCount()), I.constant(1));
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(For.getBody());
  Value Iv = For.getInductionVar();
  Value X = loadScalar(From, I.add({In, scaled(Iv, tile::elementBytes(From))}));
  storeScalar(To, convertScalar(From, To, X), I.add({Out, scaled(Iv, tile::elementBytes(To))}));
}

void Codegen::lowerElementwise(tile::ElementwiseOp Op) {
  tile::EltKind Kind = Op.getKind();
  // The vector unit computes fp32 in and out; everything else goes element
  // by element.
  bool Vector = getElementTypeOrSelf(Op.getOut()).isF32() && Kind != tile::EltKind::Where;
  for (Value V : {Op.getIn0(), Op.getIn1(), Op.getIn2()})
    Vector &= !V || getElementTypeOrSelf(V).isF32();
  if (!Vector)
    return lowerScalarElementwise(Op);
  int64_t N = Op.getCount();
  bool Unary = !Op.getIn1();
  SmallVector<float> P(Op.getParams().begin(), Op.getParams().end());
  Value A0 = addr(Op.getIn0(), Op.getIn0Offset());
  Value A1 = Unary ? Value() : addr(Op.getIn1(), Op.getIn1Offset());
  Value O = addr(Op.getOut(), Op.getOutOffset());
  bool S0 = Op.getIn0Stride() == 1, S1 = !Unary && Op.getIn1Stride() == 1;
  bool Reads0 = Kind != tile::EltKind::Fill;
  // Broadcast inputs are loaded once.
  Value B0 = Reads0 && !S0 ? I.vldb_32({A0, 0}) : Value();
  Value B1 = !Unary && !S1 ? I.vldb_32({A1, 0}) : Value();
  // A table form's registers are loaded once, before the loop.
  CurTable = TableRegs();
  if (Tables && tableOf(Kind) && tablePays(Kind)) {
    const FunctionTable &T = *tableOf(Kind);
    std::vector<int32_t> Words;
    for (const auto &Row : T.C)
      for (float F : Row)
        Words.push_back(int32_t(f32bits(F)));
    int64_t At = table(Words);
    CurTable.T = &T;
    for (int K = 0; K < 4; ++K)
      for (int H = 0; H < 2; ++H)
        CurTable.C[K][H] = I.vld({I.constant(At + (K * 2 + H) * 64), 0});
  }
  // A fill's value is one register for the whole loop.
  Value Filled = Kind == tile::EltKind::Fill ? bcast(P[0]) : Value();
  // One vector in two halves: its loads and result, then its store.
  auto Compute = [&](Value Off, int64_t Bytes) {
    auto Load = [&](Value Base, bool Walk, Value Bcast) -> Value {
      if (!Walk)
        return Bcast;
      Value Ptr = Off ? I.add({Base, Off}) : Base;
      if (Bytes == 64)
        return I.vld({Ptr, 0});
      return I.vldp({Ptr, I.constant(Bytes)});
    };
    Value X0 = Reads0 ? Load(A0, S0, B0) : Value();
    Value X1 = Unary ? Value() : Load(A1, S1, B1);
    return Filled ? Filled : apply(Kind, X0, X1, P);
  };
  auto Store = [&](Value R, Value Off, int64_t Bytes) {
    Value Ptr = Off ? I.add({O, Off}) : O;
    if (Bytes == 64)
      I.vst({R, Ptr, 0});
    else
      I.vstp({R, Ptr, I.constant(Bytes)});
  };
  auto Body = [&](Value Off, int64_t Bytes) { Store(Compute(Off, Bytes), Off, Bytes); };
  // Within an iteration the loads of all vectors may go before the stores
  // (the scheduler keeps loads after earlier stores) when each input is
  // another buffer than the output (views resolved to their source) or the
  // same elements of it (the same offset, or one computed alike).
  auto Root = [](Value V) {
    while (auto View = V.getDefiningOp<tile::ViewOp>())
      V = View.getSource();
    return V;
  };
  auto SameOffset = [](Value A, Value X) {
    if (A == X)
      return true;
    APInt CA, CX;
    if (matchPattern(A, m_ConstantInt(&CA)) && matchPattern(X, m_ConstantInt(&CX)))
      return CA == CX;
    Operation *DA = A.getDefiningOp(), *DX = X.getDefiningOp();
    return DA && DX &&
           OperationEquivalence::isEquivalentTo(DA, DX, OperationEquivalence::IgnoreLocations);
  };
  auto Apart = [&](Value In, Value InOff) {
    return !In || Root(In) != Root(Op.getOut()) ||
           (In == Op.getOut() && SameOffset(InOff, Op.getOutOffset()));
  };
  bool LoadsFirst = (!Reads0 || Apart(Op.getIn0(), Op.getIn0Offset())) &&
                    (Unary || Apart(Op.getIn1(), Op.getIn1Offset())) &&
                    (!Op.getIn2() || Apart(Op.getIn2(), Op.getIn2Offset()));
  // Four vectors per iteration, so that the scheduler can overlap one
  // vector's loads with another's arithmetic and store; the vectors left
  // over and the partial one follow the loop.
  int64_t Full = N / 16, Tail = N % 16;
  const int64_t U = 4;
  int64_t Loop = Full >= 2 * U ? Full / U : 0, Done = Loop * U;
  if (Loop) {
    // A buffer at a constant address folds into the loads' and stores'
    // immediates; one at a computed address takes one add per iteration.
    auto Split = [&](Value A) -> std::pair<Value, int64_t> {
      if (std::optional<int64_t> C = constantOf(A))
        return {Value(), *C};
      return {A, 0};
    };
    auto [R0, C0] = Split(Reads0 && S0 ? A0 : Value());
    auto [R1, C1] = Split(!Unary && S1 ? A1 : Value());
    auto [RO, CO] = Split(O);
    bool Walk0 = Reads0 && S0, Walk1 = !Unary && S1;
    Hoisted.clear();
    // Software pipelined where the loads may pass the stores, in three
    // stages: an iteration stores the vectors computed in the one before,
    // computes those loaded in the one before, and loads those of the
    // iteration after next, vector by vector (each vector's store just
    // before its next loads: loads and stores alternate, which memory
    // order keeps). The first two iterations' loads and results go before
    // the loop, the last two's stores after it.
    bool Pipelined = Pipeline && LoadsFirst && (Walk0 || Walk1);
    if (!Pipelined) {
      auto For =
          B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Loop * U * 64), I.constant(U * 64));
      OpBuilder::InsertionGuard G(B);
      ConstantsAt = OpBuilder::InsertPoint(For->getBlock(), For->getIterator());
      B.setInsertionPointToStart(For.getBody());
      Value Iv = For.getInductionVar();
      auto Ptr = [&](Value R) { return R ? I.add({R, Iv}) : Iv; };
      Value P0 = Walk0 ? Ptr(R0) : Value(), P1 = Walk1 ? Ptr(R1) : Value(), PO = Ptr(RO);
      // All loads and results before the stores where the inputs cannot
      // overlap the output; else each vector's loads after the stores
      // before it (one vector at a time, as the op's order says).
      SmallVector<Value> Results;
      for (int64_t K = 0; K < U; ++K) {
        Value X0 = !Reads0 ? Value() : Walk0 ? I.vld({P0, C0 + K * 64}) : B0;
        Value X1 = Unary ? Value() : Walk1 ? I.vld({P1, C1 + K * 64}) : B1;
        Results.push_back(Filled ? Filled : apply(Kind, X0, X1, P));
        if (!LoadsFirst)
          I.vst({Results.pop_back_val(), PO, CO + K * 64});
      }
      for (size_t K = 0; K < Results.size(); ++K)
        I.vst({Results[K], PO, CO + int64_t(K) * 64});
    } else {
      size_t NR = size_t(Walk0) + size_t(Walk1); // inputs per vector
      auto LoadK = [&](Value P0, Value P1, int64_t From, int64_t K, SmallVector<Value> &Into) {
        if (Walk0)
          Into.push_back(I.vld({P0, C0 + From + K * 64}));
        if (Walk1)
          Into.push_back(I.vld({P1, C1 + From + K * 64}));
      };
      auto ComputeK = [&](ValueRange Raw, int64_t K) {
        ValueRange Xs = Raw.slice(size_t(K) * NR, NR);
        Value X0 = !Reads0 ? Value() : Walk0 ? Xs[0] : B0;
        Value X1 = Unary ? Value() : Walk1 ? Xs[Walk0 ? 1 : 0] : B1;
        return apply(Kind, X0, X1, P);
      };
      ConstantsAt = OpBuilder::InsertPoint(B.getInsertionBlock(), B.getInsertionPoint());
      Value Q0 = Walk0 ? (R0 ? R0 : I.constant(0)) : Value(),
            Q1 = Walk1 ? (R1 ? R1 : I.constant(0)) : Value();
      SmallVector<Value> Raw0, Carried;
      for (int64_t K = 0; K < U; ++K)
        LoadK(Q0, Q1, 0, K, Raw0);
      for (int64_t K = 0; K < U; ++K)
        Carried.push_back(ComputeK(Raw0, K));
      for (int64_t K = 0; K < U; ++K)
        LoadK(Q0, Q1, U * 64, K, Carried);
      SmallVector<Value> Last(Carried);
      if (Loop > 2) {
        auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant((Loop - 2) * U * 64),
                                        I.constant(U * 64), Carried);
        OpBuilder::InsertionGuard G(B);
        B.setInsertionPointToStart(For.getBody());
        Value Iv = For.getInductionVar();
        auto Ptr = [&](Value R) { return R ? I.add({R, Iv}) : Iv; };
        Value P0 = Walk0 ? Ptr(R0) : Value(), P1 = Walk1 ? Ptr(R1) : Value(), PO = Ptr(RO);
        ValueRange Args = For.getRegionIterArgs();
        ValueRange Raw = Args.drop_front(size_t(U));
        SmallVector<Value> Next, NextRaw;
        for (int64_t K = 0; K < U; ++K) {
          I.vst({Args[size_t(K)], PO, CO + K * 64});
          Next.push_back(ComputeK(Raw, K));
          LoadK(P0, P1, 2 * U * 64, K, NextRaw);
        }
        Next.append(NextRaw.begin(), NextRaw.end());
        B.create<scf::YieldOp>(I.Loc, Next);
        Last.assign(For.getResults().begin(), For.getResults().end());
      }
      int64_t At = (Loop - 2) * U * 64;
      Value PO = RO ? (At ? I.addi({RO, At}) : RO) : I.constant(At);
      ValueRange L(Last);
      for (int64_t K = 0; K < U; ++K)
        I.vst({L[size_t(K)], PO, CO + K * 64});
      for (int64_t K = 0; K < U; ++K)
        I.vst({ComputeK(L.drop_front(size_t(U)), K), PO, CO + (U + K) * 64});
    }
    ConstantsAt.reset();
  }
  for (int64_t K = Done; K < Full; ++K)
    Body(K ? I.constant(K * 64) : Value(), 64);
  if (Tail)
    Body(Full ? I.constant(Full * 64) : Value(), Tail * 4);
  CurTable = TableRegs();
}

const FunctionTable *Codegen::tableOf(tile::EltKind Kind) {
  // Beyond the range, erf(4) and tanh(9) are 1 in fp32.
  static const FunctionTable Erf = oddFunctionTable([](double X) { return std::erf(X); }, 4.0);
  static const FunctionTable Tanh = oddFunctionTable([](double X) { return std::tanh(X); }, 9.0);
  return Kind == tile::EltKind::Erf ? &Erf : Kind == tile::EltKind::Tanh ? &Tanh : nullptr;
}

Value Codegen::applyTable(Value A) {
  // The steps of d1::evaluate (FunctionTable.cpp), one instruction each.
  const FunctionTable &T = *CurTable.T;
  Value Abs = I.vabs_f32(A);
  Value U = I.vmin_f32({I.vmul_f32({Abs, bcast(T.Scale)}), bcast(T.Last)});
  Value P = I.vcvt_i32_f32(U);
  Value Tt = I.vsub_f32({U, I.vcvt_f32_i32(P)});
  auto Coef = [&](int K) { return I.vperm_32({CurTable.C[K][0], CurTable.C[K][1], P}); };
  Value Y = I.vfma_f32({Coef(3), Tt, Coef(2)});
  Y = I.vfma_f32({Y, Tt, Coef(1)});
  Y = I.vfma_f32({Y, Tt, Coef(0)});
  return withSignOf(Y, A);
}

bool Codegen::tablePays(tile::EltKind Kind) {
  auto It = TablePays.find(Kind);
  if (It != TablePays.end())
    return It->second;
  // Both forms of one vector, built in a scratch block and weighed by the
  // vector-unit cycles the ISA description gives each instruction.
  auto VectorCycles = [&](bool Table) {
    Block Scratch;
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(&Scratch);
    Value X = I.vbcasti_32(0);
    TableRegs Saved = CurTable;
    if (Table) {
      CurTable.T = tableOf(Kind);
      for (auto &Row : CurTable.C)
        Row[0] = Row[1] = X;
    } else {
      CurTable = TableRegs();
    }
    apply(Kind, X, Value(), {});
    CurTable = Saved;
    int64_t Cycles = 0;
    for (Operation &Op : Scratch)
      if (const InstInfo *Info = instOf(&Op))
        for (unsigned U = 0; U < Info->NumUses; ++U) {
          const UseInfo &Use = Info->Uses[U];
          if (Use.U == Unit::Vector)
            Cycles += Use.OccParam >= 0 ? Machine[MachineParamId(Use.OccParam)] : Use.Occ;
        }
    for (Operation &Op : llvm::make_early_inc_range(llvm::reverse(Scratch)))
      Op.erase();
    return Cycles - 1; // the stand-in input
  };
  bool Pays = VectorCycles(true) < VectorCycles(false);
  TablePays[Kind] = Pays;
  return Pays;
}

// C[m x n] (+)= A[m x k] B[k x n]: blocks of RB rows x CB vectors of 16
// columns; the k loop keeps the RB * CB accumulators in registers.
void Codegen::lowerMatmul(tile::MatmulOp Op) {
  int64_t Mm = Op.getM(), Nn = Op.getN(), Kk = Op.getK();
  int64_t Lda = Op.getLda() * 4, Ldb = Op.getLdb() * 4, Ldc = Op.getLdc() * 4;
  Value ABase = addr(Op.getA(), Op.getAOffset());
  Value BBase = addr(Op.getB(), Op.getBOffset());
  Value CBase = addr(Op.getC(), Op.getCOffset());
  bool Acc = Op.getAccumulate();
  const int64_t RB = 4, CB = 3;
  auto Block = [&](Value Row0, int64_t Rows, Value Col0, int64_t Cols) {
    // Row0 in bytes of A rows (Row0 * Lda) and C rows; Col0 in bytes.
    int64_t NV = (Cols + 15) / 16;
    auto VecBytes = [&](int64_t V) { return std::min<int64_t>(64, (Cols - 16 * V) * 4); };
    Value ARow = I.add({ABase, scaled(Row0, Lda)});
    Value CRow = I.add({I.add({CBase, scaled(Row0, Ldc)}), Col0});
    Value BCol = I.add({BBase, Col0});
    SmallVector<Value> Init;
    for (int64_t R = 0; R < Rows; ++R)
      for (int64_t V = 0; V < NV; ++V) {
        if (!Acc) {
          Init.push_back(bcast(0.0f));
          continue;
        }
        Value P = I.addi({CRow, R * Ldc + V * 64});
        Init.push_back(VecBytes(V) == 64 ? I.vld({P, 0}) : I.vldp({P, I.constant(VecBytes(V))}));
      }
    // One K step's operands: B's row (NV vectors), then A's column
    // broadcast per row.
    auto Load = [&](Value K4, ValueRange) {
      Value BRow = I.add({BCol, scaled(K4, Ldb / 4)});
      Operands Ops;
      for (int64_t V = 0; V < NV; ++V)
        Ops.push_back(VecBytes(V) == 64
                          ? I.vld({BRow, V * 64})
                          : I.vldp({I.addi({BRow, V * 64}), I.constant(VecBytes(V))}));
      Value AK = I.add({ARow, K4});
      for (int64_t R = 0; R < Rows; ++R)
        Ops.push_back(I.vldb_32({AK, R * Lda}));
      return Ops;
    };
    auto Use = [&](ValueRange Ops, ValueRange Args) {
      Operands Next;
      for (int64_t R = 0; R < Rows; ++R)
        for (int64_t V = 0; V < NV; ++V)
          Next.push_back(
              I.vfma_f32({Ops[size_t(NV + R)], Ops[size_t(V)], Args[size_t(R * NV + V)]}));
      return Next;
    };
    Operands Res = kLoop(Kk, Init, Load, Use);
    for (int64_t R = 0; R < Rows; ++R)
      for (int64_t V = 0; V < NV; ++V) {
        Value Out = Res[size_t(R * NV + V)];
        if (VecBytes(V) == 64)
          I.vst({Out, CRow, R * Ldc + V * 64});
        else
          I.vstp({Out, I.addi({CRow, R * Ldc + V * 64}), I.constant(VecBytes(V))});
      }
  };
  auto Columns = [&](Value Row0, int64_t Rows) {
    int64_t Step = 16 * CB, Full = Nn / Step, Rem = Nn % Step;
    if (Full == 1) {
      Block(Row0, Rows, I.constant(0), Step);
    } else if (Full > 1) {
      auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Full * Step * 4),
                                      I.constant(Step * 4));
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(For.getBody());
      Block(Row0, Rows, For.getInductionVar(), Step);
    }
    if (Rem)
      Block(Row0, Rows, I.constant(Full * Step * 4), Rem);
  };
  int64_t Full = Mm / RB, Rem = Mm % RB;
  if (Full == 1) {
    Columns(I.constant(0), RB);
  } else if (Full > 1) {
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Full * RB), I.constant(RB));
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(For.getBody());
    Columns(For.getInductionVar(), RB);
  }
  if (Rem)
    Columns(I.constant(Full * RB), Rem);
}

// One strided pass from fp32 to bf16, 32 elements per conversion (at
// stride 2 the even lanes of 64 consecutive ones), four conversions per
// loop iteration with their loads ahead of their stores.
void Codegen::bf16Pass(Value X, int64_t First, int64_t SW, int64_t Src, Value S, int64_t SOff,
                       int64_t Count, Value Evens) {
  // Chunk Ch (32 elements written) reads 2 * SW vectors of 16 fp32 from
  // element E = First + SW * 32 * Ch past XBase (plus Extra bytes), the
  // first N of each real.
  auto LoadChunk = [&](Value XBase, int64_t Ch, bool Bounded, int64_t Extra) {
    SmallVector<Value> Raw;
    for (int64_t K = 0; K < 2 * SW; ++K) {
      int64_t E = First + SW * 32 * Ch + 16 * K;
      int64_t N = Bounded ? std::clamp<int64_t>(Src - E, 0, 16) : 16;
      if (N == 16)
        Raw.push_back(I.vld({XBase, E * 4 + Extra}));
      else if (N == 0)
        Raw.push_back(bcast(0.0f));
      else
        Raw.push_back(I.vldp({I.addi({XBase, E * 4 + Extra}), I.constant(N * 4)}));
    }
    return Raw;
  };
  // The conversion of chunk K of loaded chunks Raw (2 * SW vectors each).
  auto Convert = [&](ValueRange Raw, int64_t K) {
    Value Lo = Raw[size_t(K * 2 * SW)], Hi = Raw[size_t(K * 2 * SW + 1)];
    if (SW == 2) {
      Lo = I.vperm_32({Raw[size_t(K * 4)], Raw[size_t(K * 4 + 1)], Evens});
      Hi = I.vperm_32({Raw[size_t(K * 4 + 2)], Raw[size_t(K * 4 + 3)], Evens});
    }
    return I.vcvt_bf16_f32({Lo, Hi});
  };
  // A chunk's conversion, and its store as a closure, to be emitted after
  // the other chunks' loads (the scheduler keeps loads after earlier
  // stores; the destination is another buffer).
  auto FinishChunk = [&](ValueRange Raw, Value SBase, int64_t Ch) {
    Value Packed = Convert(Raw, 0);
    int64_t At = SOff + Ch * 64;
    int64_t Bytes = std::min<int64_t>(64, (Count - 32 * Ch) * 2);
    return std::function<void()>([=, this]() {
      if (Bytes == 64)
        I.vst({Packed, SBase, At});
      else
        I.vstp({Packed, I.addi({SBase, At}), I.constant(Bytes)});
    });
  };
  auto Chunk = [&](Value XBase, Value SBase, int64_t Ch, bool Bounded) {
    return FinishChunk(LoadChunk(XBase, Ch, Bounded, 0), SBase, Ch);
  };
  // Chunks whose loads stay inside the source and whose stores are whole
  // go in a loop of U per iteration; the last few are bounded.
  int64_t Chunks = (Count + 31) / 32, Safe = 0;
  while (Safe < Chunks && 32 * (Safe + 1) <= Count && First + SW * 32 * (Safe + 1) <= Src)
    ++Safe;
  // Software pipelined in three stages: an iteration stores the chunks
  // converted in the one before, converts those loaded in the one before,
  // and loads those of the iteration after next; each chunk's store comes
  // just before that chunk's next loads, so that loads and stores alternate
  // (the scheduler keeps memory order).
  const int64_t U = Pipeline && SW == 2 ? 2 : 4;
  int64_t Iterations = Safe / U, XStep = U * SW * 32 * 4, SStep = U * 64;
  auto LoadAll = [&](Value XBase, int64_t Extra) {
    SmallVector<Value> Raw;
    for (int64_t K = 0; K < U; ++K)
      for (Value V : LoadChunk(XBase, K, false, Extra))
        Raw.push_back(V);
    return Raw;
  };
  auto StoreAt = [&](Value Packed, Value SBase, int64_t K, int64_t Extra = 0) {
    I.vst({Packed, SBase, SOff + K * 64 + Extra});
  };
  int64_t XConst = constantOf(X).value_or(0), SConst = constantOf(S).value_or(0);
  if (Iterations > 1 && Pipeline) {
    // Carried: the converted chunks of iteration j, the loaded ones of j + 1.
    SmallVector<Value> Raw0 = LoadAll(X, 0), Carried;
    for (int64_t K = 0; K < U; ++K)
      Carried.push_back(Convert(Raw0, K));
    for (Value V : LoadAll(X, XStep))
      Carried.push_back(V);
    SmallVector<Value> Last = Carried;
    if (Iterations > 2) {
      auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Iterations - 2),
                                      I.constant(1), Carried);
      OpBuilder::InsertionGuard Guard(B);
      B.setInsertionPointToStart(For.getBody());
      Value J = For.getInductionVar();
      // (Constant bases fold into the immediates.)
      Value XBase = XConst ? scaled(J, XStep) : I.add({X, scaled(J, XStep)});
      Value SBase = SConst ? scaled(J, SStep) : I.add({S, scaled(J, SStep)});
      ValueRange Args = For.getRegionIterArgs();
      ValueRange Raw = Args.drop_front(size_t(U));
      SmallVector<Value> Next, NextRaw;
      Next.resize(size_t(U));
      // (Each chunk's loads after its conversion, into the registers it
      // frees.)
      for (int64_t K = 0; K < U; ++K) {
        StoreAt(Args[size_t(K)], SBase, K, SConst);
        Next[size_t(K)] = Convert(Raw, K);
        for (Value V : LoadChunk(XBase, K, false, 2 * XStep + XConst))
          NextRaw.push_back(V);
      }
      Next.append(NextRaw.begin(), NextRaw.end());
      B.create<scf::YieldOp>(I.Loc, Next);
      Last.assign(For.getResults().begin(), For.getResults().end());
    }
    ValueRange L(Last);
    Value SBase = I.addi({S, (Iterations - 2) * SStep});
    for (int64_t K = 0; K < U; ++K)
      StoreAt(L[size_t(K)], SBase, K);
    for (int64_t K = 0; K < U; ++K)
      StoreAt(Convert(L.drop_front(size_t(U)), K), SBase, U + K);
  } else if (Iterations > 1) {
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Iterations), I.constant(1));
    OpBuilder::InsertionGuard Guard(B);
    B.setInsertionPointToStart(For.getBody());
    Value J = For.getInductionVar();
    Value XBase = I.add({X, scaled(J, XStep)});
    Value SBase = I.add({S, scaled(J, SStep)});
    SmallVector<Value> Raw = LoadAll(XBase, 0), Packed;
    for (int64_t K = 0; K < U; ++K)
      Packed.push_back(Convert(Raw, K));
    for (int64_t K = 0; K < U; ++K)
      StoreAt(Packed[size_t(K)], SBase, K);
  } else {
    Iterations = 0;
  }
  std::vector<std::function<void()>> Stores;
  for (int64_t K = Iterations * U; K < Chunks; ++K) {
    Stores.push_back(Chunk(X, S, K, K >= Safe));
    if (Stores.size() == size_t(U) || K + 1 == Chunks) {
      for (auto &Store : Stores)
        Store();
      Stores.clear();
    }
  }
}

// The bf16 views of an input tile (d1/Planning/MmaConv.h): each view is one
// pass over the whole tile, 32 elements per conversion (at stride 2 the
// even lanes of 64 consecutive ones), four conversions per loop iteration.
void Codegen::lowerMmaViews(tile::MmaViewsOp Op) {
  int64_t C = Op.getChannels(), IH = Op.getInRows(), IW = Op.getInCols();
  int64_t SW = Op.getStrideW();
  plan::MmaConvLayout L =
      plan::mmaConvLayout(C, IH, IW, Op.getOutCols(), Op.getKw(), SW, Op.getDilW());
  Value X = addr(Op.getX(), Op.getXOffset());
  Value S = addr(Op.getViews(), Op.getViewsOffset());
  Value Evens = SW == 2 ? laneIndices([](int32_t L) { return 2 * L; }) : Value();
  int64_t Src = C * IH * IW, Count = C * IH * L.Pitch; // tile and view elements
  for (size_t V = 0; V < L.Views.size(); ++V)
    bf16Pass(X, L.Views[V].Phase + SW * L.Views[V].Shift, SW, Src, S, int64_t(V) * L.ViewBytes,
             Count, Evens);
  // Channels past C read zeros (their weights are zero too, but the input
  // bytes there could be NaN).
  if (L.C4 > C)
    for (size_t V = 0; V < L.Views.size(); ++V) {
      int64_t From = int64_t(V) * L.ViewBytes + C * L.ChannelBytes,
              Bytes = (L.C4 - C) * L.ChannelBytes;
      Value Zero = bcast(0.0f);
      steps(Bytes / 64, 1, 64, [&](Value Off, int64_t) { I.vst({Zero, I.add({S, Off}), From}); });
      if (Bytes % 64)
        I.vstp({Zero, I.addi({S, From + Bytes / 64 * 64}), I.constant(Bytes % 64)});
    }
}

Value Codegen::stagedLoad(Value Stage, Value Base, int64_t At, int64_t RowBytes, int64_t Rows,
                          int64_t Cols) {
  // Only the block's real rows and columns are read.
  for (int64_t Ri = 0; Ri < Rows; ++Ri) {
    Value V = I.vldp({I.addi({Base, At + Ri * RowBytes}), I.constant(Cols * 4)});
    I.vstp({V, I.addi({Stage, Ri * 32}), I.constant(32)});
  }
  return I.mma_ld({Stage, 0, I.constant(32)});
}

void Codegen::stagedStore(Value Acc, Value Stage, Value Base, int64_t At, int64_t RowBytes,
                          int64_t Rows, int64_t Cols) {
  I.mma_st({Acc, Stage, 0, I.constant(32)});
  for (int64_t Ri = 0; Ri < Rows; ++Ri) {
    Value V = I.vldp({I.addi({Stage, Ri * 32}), I.constant(32)});
    I.vstp({V, I.addi({Base, At + Ri * RowBytes}), I.constant(Cols * 4)});
  }
}

// A matrix product on the matrix unit: A and B rounded to bf16 into the
// scratch (plan::mmaMatmulLayout), then blocks of up to four accumulators
// (2 x 2, or 1 x 4 / 4 x 1 blocks of 8 x 8 when C is one block high or
// wide), each K step one gather per A tile and per B tile.
void Codegen::lowerMatmulMma(tile::MatmulMmaOp Op) {
  int64_t Mm = Op.getM(), Nn = Op.getN(), Kk = Op.getK();
  int64_t Lda = Op.getLda(), Ldb = Op.getLdb(), Ldc = Op.getLdc() * 4;
  plan::MmaMatmulLayout L = plan::mmaMatmulLayout(Mm, Nn, Kk);
  Value A = addr(Op.getA(), Op.getAOffset());
  Value Bm = addr(Op.getB(), Op.getBOffset());
  Value C = addr(Op.getC(), Op.getCOffset());
  Value S = addr(Op.getScratch(), Op.getScratchOffset());
  Value BS = I.addi({S, L.BOffset}), Stage = I.addi({S, L.StageOffset});

  // Rows fp32 rows of Cols elements (Ld apart) to bf16 rows of Pitch
  // elements (zeros past Cols): one pass when both are contiguous.
  auto Round = [&](Value From, int64_t Rows, int64_t Cols, int64_t Ld, Value To, int64_t Pitch) {
    if (Ld == Cols && Pitch == Cols) {
      bf16Pass(From, 0, 1, Rows * Cols, To, 0, Rows * Cols, Value());
      return;
    }
    steps(Rows, 1, 1, [&](Value R, int64_t) {
      bf16Pass(I.add({From, scaled(R, Ld * 4)}), 0, 1, Cols, I.add({To, scaled(R, Pitch * 2)}), 0,
               Pitch, Value());
    });
  };
  Round(A, Mm, Kk, Lda, S, L.K4);
  Round(Bm, Kk, Nn, Ldb, BS, L.N8);
  // B's rows past k are zeros (A's columns there are zeros too, but B's
  // bytes could be NaN).
  if (int64_t Bytes = (L.K4 - Kk) * L.N8 * 2) {
    Value Zero = bcast(0.0f);
    int64_t From = Kk * L.N8 * 2;
    steps(Bytes / 64, 1, 64, [&](Value Off, int64_t) { I.vst({Zero, I.add({BS, Off}), From}); });
    if (Bytes % 64)
      I.vstp({Zero, I.addi({BS, From + Bytes / 64 * 64}), I.constant(Bytes % 64)});
  }

  int64_t MBlocks = L.M8 / 8, NBlocks = L.N8 / 8;
  int64_t RB = MBlocks == 1 ? 1 : NBlocks == 1 ? std::min<int64_t>(4, MBlocks) : 2;
  int64_t CB = std::min<int64_t>(4 / RB, NBlocks);
  // The gathers' strides stay in registers across the loops.
  Value AStride = I.constant(L.K4 * 2), BStride = I.constant(L.N8 * 2);
  for (Value V : {AStride, BStride})
    V.getDefiningOp()->setAttr("d1.hoisted", B.getUnitAttr());
  Value LdcR = I.constant(Ldc);
  // Nr x Nc blocks from row block R0 and column block C0 (registers); the
  // last row block has Rows rows, the last column block Cols columns.
  auto Block = [&](Value R0, int64_t Nr, int64_t Rows, Value C0, int64_t Nc, int64_t Cols) {
    Value ABase = I.add({S, scaled(R0, 8 * L.K4 * 2)});
    Value BBase = I.add({BS, scaled(C0, 16)});
    Value CBase = I.add({I.add({C, scaled(R0, 8 * Ldc)}), scaled(C0, 32)});
    auto RowsOf = [&](int64_t R) { return R == Nr - 1 ? Rows : 8; };
    auto ColsOf = [&](int64_t Q) { return Q == Nc - 1 ? Cols : 8; };
    auto At = [&](int64_t R, int64_t Q) { return R * 8 * Ldc + Q * 32; };
    SmallVector<Value> Init;
    for (int64_t R = 0; R < Nr; ++R)
      for (int64_t Q = 0; Q < Nc; ++Q) {
        if (!Op.getAccumulate()) {
          Init.push_back(I.mma_zero());
        } else if (RowsOf(R) == 8 && ColsOf(Q) == 8) {
          Init.push_back(I.mma_ld({CBase, At(R, Q), LdcR}));
        } else {
          Init.push_back(stagedLoad(Stage, CBase, At(R, Q), Ldc, RowsOf(R), ColsOf(Q)));
        }
      }
    // One K step (K4 = 4 * the step): Nr A tiles, then Nc B tiles.
    auto Load = [&](Value K4, ValueRange) {
      Operands Tiles;
      Value AP = I.add({ABase, scaled(K4, 2)});
      for (int64_t R = 0; R < Nr; ++R)
        Tiles.push_back(I.vldg({R ? I.addi({AP, R * 8 * L.K4 * 2}) : AP, AStride, 8}));
      Value BP = I.add({BBase, scaled(K4, L.N8 * 2)});
      for (int64_t Q = 0; Q < Nc; ++Q)
        Tiles.push_back(I.vldg({Q ? I.addi({BP, Q * 16}) : BP, BStride, 16}));
      return Tiles;
    };
    auto Use = [&](ValueRange Tiles, ValueRange Accs) {
      Operands Next;
      for (int64_t R = 0; R < Nr; ++R)
        for (int64_t Q = 0; Q < Nc; ++Q)
          Next.push_back(
              I.mma({Accs[size_t(R * Nc + Q)], Tiles[size_t(R)], Tiles[size_t(Nr + Q)]}));
      return Next;
    };
    Operands Acc = kLoop(L.K4 / 4, Init, Load, Use);
    for (int64_t R = 0; R < Nr; ++R)
      for (int64_t Q = 0; Q < Nc; ++Q) {
        Value X = Acc[size_t(R * Nc + Q)];
        if (RowsOf(R) == 8 && ColsOf(Q) == 8) {
          I.mma_st({X, CBase, At(R, Q), LdcR});
          continue;
        }
        stagedStore(X, Stage, CBase, At(R, Q), Ldc, RowsOf(R), ColsOf(Q));
      }
  };
  // Groups of Per blocks of 8 of Total rows or columns, in a loop; the last
  // group holds the partial block, if any (stored through the staging
  // block). Body(first block, blocks, size of the group's last block).
  auto Groups = [&](int64_t Total, int64_t Per,
                    const std::function<void(Value, int64_t, int64_t)> &Body) {
    int64_t Blocks = (Total + 7) / 8, Last = Total - (Blocks - 1) * 8;
    int64_t Tail = Last == 8 ? 0 : (Blocks - 1) % Per + 1;
    steps(Blocks - Tail, Per, 1, [&](Value B0, int64_t N) { Body(B0, N, 8); });
    if (Tail)
      Body(I.constant(Blocks - Tail), Tail, Last);
  };
  Groups(Mm, RB, [&](Value R0, int64_t Nr, int64_t Rows) {
    Groups(Nn, CB, [&](Value C0, int64_t Nc, int64_t Cols) { Block(R0, Nr, Rows, C0, Nc, Cols); });
  });
}

// A convolution on the matrix unit (layouts in d1/Planning/MmaConv.h) from
// the views tile.mma_views wrote: each output row is computed in blocks of
// up to four accumulators (8 filters x 8 pixels each), the K loop walking
// (ky, kx, channel block) with a table of B-tile offsets, A tiles read in
// order from the packed weights.
void Codegen::lowerConvMma(tile::Conv2DMmaOp Op) {
  int64_t C = Op.getChannels(), F = Op.getFilters(), IH = Op.getInRows(), IW = Op.getInCols();
  int64_t OH = Op.getOutRows(), OW = Op.getOutCols(), KH = Op.getKh(), KW = Op.getKw();
  int64_t SH = Op.getStrideH(), SW = Op.getStrideW(), DH = Op.getDilH(), DW = Op.getDilW();
  plan::MmaConvLayout L = plan::mmaConvLayout(C, IH, IW, OW, KW, SW, DW, F);
  Value W = addr(Op.getW(), Op.getWOffset());
  Value S = addr(Op.getScratch(), Op.getScratchOffset());
  Value O = addr(Op.getOut(), Op.getOutOffset());
  int64_t CB = L.C4 / 4, G = KH * KW * CB, Plane = OH * OW * 4;

  // B-tile offsets from an output row's first view row, per K step.
  std::vector<int32_t> Offsets;
  for (int64_t Ky = 0; Ky < KH; ++Ky)
    for (int64_t Kx = 0; Kx < KW; ++Kx)
      for (int64_t Cb = 0; Cb < CB; ++Cb)
        Offsets.push_back(int32_t(L.ColView[size_t(Kx)] * L.ViewBytes + 4 * Cb * L.ChannelBytes +
                                  (Ky * DH * L.Pitch + L.ColIndex[size_t(Kx)]) * 2));
  // (The pipelined loop reads the offsets of up to two groups of steps past
  // the last; those entries only have to exist.)
  Offsets.resize(Offsets.size() + 8, 0);
  int64_t Table = table(Offsets);
  Value Stage = I.addi({S, L.StageOffset});
  // With a bias, each filter's accumulator row starts as 8 copies of it.
  Value BiasRows;
  if (Op.getBias()) {
    Value Bias = addr(Op.getBias(), Op.getBiasOffset());
    BiasRows = I.addi({S, L.BiasOffset});
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(F), I.constant(1));
    OpBuilder::InsertionGuard Guard(B);
    B.setInsertionPointToStart(For.getBody());
    Value Fi = For.getInductionVar();
    Value V = I.vldb_32({I.add({Bias, scaled(Fi, 4)}), 0});
    I.vstp({V, I.add({BiasRows, scaled(Fi, 32)}), I.constant(32)});
  }
  // K steps per loop iteration: software pipelined, two sets of tiles are
  // live (2 x 2 x 5 registers at most).
  const int64_t U = Pipeline ? 2 : 4;
  // The gathers' channel stride stays in one register across the loops.
  Value ChannelStride = I.constant(L.ChannelBytes);
  ChannelStride.getDefiningOp()->setAttr("d1.hoisted", B.getUnitAttr());

  // Nf filter blocks x Np pixel blocks from filter block Fb and output
  // column Px (registers) of output row Oy; the last filter block has Rows
  // filters, the last pixel block Cols pixels. With RowBlocks (outputs of
  // at most 8 columns) pixel block p is row Oy + p instead.
  bool RowBlocks = OW <= 8;
  // Whether the output buffer has 8 elements to spare after the tile (as
  // GraphToTile allocates it), so that old outputs load as whole blocks.
  auto OutType = cast<MemRefType>(Op.getOut().getType());
  APInt OutAt0;
  bool OutSlack = OutType.hasStaticShape() &&
                  matchPattern(Op.getOutOffset(), m_ConstantInt(&OutAt0)) &&
                  OutAt0.getSExtValue() + F * OH * OW + 8 <= OutType.getNumElements();
  // (PCols: columns from one pixel block of a call to the next, 8 unless
  // the last two overlap.)
  auto Block = [&](Value Oy, Value Fb, int64_t Nf, int64_t Rows, Value Px, int64_t Np, int64_t Cols,
                   int64_t PCols = 8) {
    int64_t PBStep = RowBlocks ? SH * L.Pitch * 2 : 2 * PCols;
    int64_t POStep = RowBlocks ? OW * 4 : 4 * PCols;
    Value ABase = I.add({W, scaled(Fb, G * 64)});
    Value BBase = I.add({I.add({S, scaled(Oy, SH * L.Pitch * 2)}), scaled(Px, 2)});
    Value OBase =
        I.add({I.add({O, scaled(Oy, OW * 4)}), I.add({scaled(Fb, 8 * Plane), scaled(Px, 4)})});
    auto RowsOf = [&](int64_t Fi) { return Fi == Nf - 1 ? Rows : 8; };
    auto ColsOf = [&](int64_t P) { return P == Np - 1 || RowBlocks ? Cols : 8; };
    auto OutAt = [&](int64_t Fi, int64_t P) { return Fi * 8 * Plane + P * POStep; };
    SmallVector<Value> Init;
    for (int64_t Fi = 0; Fi < Nf; ++Fi)
      for (int64_t P = 0; P < Np; ++P) {
        if (BiasRows) {
          Init.push_back(I.mma_ld({I.add({BiasRows, scaled(Fb, 256)}), Fi * 256, I.constant(32)}));
        } else if (!Op.getAccumulate()) {
          Init.push_back(I.mma_zero());
        } else if (RowsOf(Fi) == 8 && (ColsOf(P) == 8 || OutSlack)) {
          // (Columns past the block's come from the next row or the slack
          // after the tile; they are never stored.)
          Init.push_back(I.mma_ld({OBase, OutAt(Fi, P), I.constant(Plane)}));
        } else {
          Init.push_back(stagedLoad(Stage, OBase, OutAt(Fi, P), Plane, RowsOf(Fi), ColsOf(P)));
        }
      }
    // The tiles of K steps [K0, K0 + Steps) with K4 = 4 * K0 (register):
    // per step Nf A tiles, then Np B tiles.
    // The B-tile offsets of those steps, from the table.
    // (Extra steps past K4: a constant folded into the addresses.)
    auto Offsets = [&](Value K4, int64_t Steps, int64_t Extra = 0) {
      SmallVector<Value> Offs;
      Value TP = I.addi({K4, Table + Extra * 4});
      for (int64_t Us = 0; Us < Steps; ++Us)
        Offs.push_back(I.lw({TP, Us * 4}));
      return Offs;
    };
    // A tiles from AP (the packed weights at step K4) plus Extra steps.
    auto APOf = [&](Value K4) { return I.add({ABase, scaled(K4, 16)}); };
    auto LoadAt = [&](Value AP, int64_t Extra, ValueRange Offs) {
      SmallVector<Value> Tiles;
      for (size_t Us = 0; Us < Offs.size(); ++Us) {
        for (int64_t Fi = 0; Fi < Nf; ++Fi)
          Tiles.push_back(I.vld({AP, Fi * G * 64 + (Extra + int64_t(Us)) * 64}));
        Value BP = I.add({BBase, Offs[Us]});
        for (int64_t P = 0; P < Np; ++P)
          Tiles.push_back(I.vldg({P ? I.addi({BP, P * PBStep}) : BP, ChannelStride, 16}));
      }
      return Tiles;
    };
    auto Load = [&](Value K4, int64_t Steps) { return LoadAt(APOf(K4), 0, Offsets(K4, Steps)); };
    auto Multiply = [&](ValueRange Tiles, int64_t Steps, ValueRange Accs) {
      SmallVector<Value> Acc(Accs.begin(), Accs.end());
      for (int64_t Us = 0; Us < Steps; ++Us) {
        ValueRange T = Tiles.slice(size_t(Us * (Nf + Np)), size_t(Nf + Np));
        for (int64_t Fi = 0; Fi < Nf; ++Fi)
          for (int64_t P = 0; P < Np; ++P)
            Acc[size_t(Fi * Np + P)] =
                I.mma({Acc[size_t(Fi * Np + P)], T[size_t(Fi)], T[size_t(Nf + P)]});
      }
      return Acc;
    };
    SmallVector<Value> Acc(Init.begin(), Init.end());
    int64_t Full = G / U, Rem = G % U;
    // Iterations of Steps K steps each, K4 (= 4 * the first step) counting.
    auto Loop = [&](int64_t Iterations, ValueRange Carried, int64_t Steps,
                    const std::function<SmallVector<Value>(Value, ValueRange)> &Body) {
      auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Iterations * Steps * 4),
                                      I.constant(Steps * 4), Carried);
      OpBuilder::InsertionGuard Guard(B);
      B.setInsertionPointToStart(For.getBody());
      B.create<scf::YieldOp>(I.Loc, Body(For.getInductionVar(), For.getRegionIterArgs()));
      return SmallVector<Value>(For.getResults().begin(), For.getResults().end());
    };
    size_t NAcc = Acc.size();
    if (Pipeline && Full > 1) {
      // Software pipelined: the tiles of step group g + 1 load while group
      // g multiplies, and the table offsets of group g + 2 are read then.
      // Each iteration runs two groups with two sets of tile registers, so
      // that no load waits for the last product of the tile it replaces.
      // The groups left after the loop (one or two) are peeled off; the
      // table has entries for the offsets read past its end.
      SmallVector<Value> Carried(Acc);
      for (Value T : Load(I.constant(0), U))
        Carried.push_back(T);
      size_t NTiles = Carried.size() - NAcc;
      for (Value O : Offsets(I.constant(U * 4), U))
        Carried.push_back(O);
      int64_t Pairs = (Full - 1) / 2;
      SmallVector<Value> Out = Carried;
      if (Pairs)
        Out = Loop(Pairs, Carried, 2 * U, [&](Value K4, ValueRange Args) {
          ValueRange Tiles = Args.slice(NAcc, NTiles), Offs = Args.drop_front(NAcc + NTiles);
          SmallVector<Value> R = Multiply(Tiles, U, Args.take_front(NAcc));
          Value AP = APOf(K4);
          SmallVector<Value> Next = LoadAt(AP, U, Offs);
          SmallVector<Value> NextOffs = Offsets(K4, U, 2 * U);
          R = Multiply(Next, U, R);
          SmallVector<Value> After = LoadAt(AP, 2 * U, NextOffs);
          SmallVector<Value> AfterOffs = Offsets(K4, U, 3 * U);
          R.append(After.begin(), After.end());
          R.append(AfterOffs.begin(), AfterOffs.end());
          return R;
        });
      ValueRange O(Out);
      Acc = Multiply(O.slice(NAcc, NTiles), U, O.take_front(NAcc));
      if (2 * Pairs + 1 < Full)
        Acc = Multiply(
            LoadAt(APOf(I.constant((2 * Pairs + 1) * U * 4)), 0, O.drop_front(NAcc + NTiles)), U,
            Acc);
    } else if (Full == 1) {
      Acc = Multiply(Load(I.constant(0), U), U, Acc);
    } else if (Full > 1) {
      Acc = Loop(Full, Acc, U,
                 [&](Value K4, ValueRange Args) { return Multiply(Load(K4, U), U, Args); });
    }
    if (Rem)
      Acc = Multiply(Load(I.constant(Full * U * 4), Rem), Rem, Acc);
    for (int64_t Fi = 0; Fi < Nf; ++Fi)
      for (int64_t P = 0; P < Np; ++P) {
        Value A = Acc[size_t(Fi * Np + P)];
        if (RowsOf(Fi) == 8 && ColsOf(P) == 8) {
          I.mma_st({A, OBase, OutAt(Fi, P), I.constant(Plane)});
          continue;
        }
        stagedStore(A, Stage, OBase, OutAt(Fi, P), Plane, RowsOf(Fi), ColsOf(P));
      }
  };
  // Blocks of up to four accumulators: four filter blocks, or fewer filter
  // blocks and more pixel blocks when the tile has fewer filters.
  int64_t FBlocks = (F + 7) / 8, PBlocks = (OW + 7) / 8;
  int64_t FB = std::min<int64_t>(4, FBlocks);
  int64_t PB = std::min<int64_t>(4 / FB, RowBlocks ? OH : PBlocks);
  if (RowBlocks) {
    // Blocks of PB output rows.
    steps(OH, PB, 1, [&](Value Oy, int64_t Np) {
      if (F / 8)
        steps(F / 8, FB, 1,
              [&](Value Fb, int64_t Nf) { Block(Oy, Fb, Nf, 8, I.constant(0), Np, OW); });
      if (F % 8)
        Block(Oy, I.constant(F / 8), 1, F % 8, I.constant(0), Np, OW);
    });
    return;
  }
  auto Oy = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(OH), I.constant(1));
  OpBuilder::InsertionGuard Guard(B);
  B.setInsertionPointToStart(Oy.getBody());
  Value OyV = Oy.getInductionVar();
  // Whole blocks in loops; a last block of fewer than 8 filters or pixels
  // on its own (stored through the staging block). Where the width is
  // even (the views' alignment holds) and nothing accumulates, the last
  // pixel block is instead the whole block ending at the last column: its
  // first columns are computed twice, to the same bits, and it stores
  // directly.
  // When old outputs accumulate, two overlapping blocks must load them
  // before either stores: the last whole block and that one go together,
  // two filter blocks at a time.
  bool Overlap = OW > 8 && OW % 8 && OW % 2 == 0;
  bool Paired = Overlap && Op.getAccumulate();
  auto Pixels = [&](Value Fb, int64_t Nf, int64_t Rows) {
    if (int64_t Whole = OW / 8 - (Paired ? 1 : 0))
      steps(Whole, PB, 8, [&](Value Px, int64_t Np) { Block(OyV, Fb, Nf, Rows, Px, Np, 8); });
    if (Paired) {
      int64_t Px = (OW / 8 - 1) * 8;
      for (int64_t J = 0; J < Nf; J += 2)
        Block(OyV, J ? I.addi({Fb, J}) : Fb, std::min<int64_t>(2, Nf - J), J + 2 >= Nf ? Rows : 8,
              I.constant(Px), 2, 8, OW - 8 - Px);
    } else if (Overlap) {
      Block(OyV, Fb, Nf, Rows, I.constant(OW - 8), 1, 8);
    } else if (OW % 8) {
      Block(OyV, Fb, Nf, Rows, I.constant(OW / 8 * 8), 1, OW % 8);
    }
  };
  if (F / 8)
    steps(F / 8, FB, 1, [&](Value Fb, int64_t Nf) { Pixels(Fb, Nf, 8); });
  if (F % 8)
    Pixels(I.constant(F / 8), 1, F % 8);
}

void Codegen::steps(int64_t Total, int64_t Step, int64_t Scale,
                    const std::function<void(Value, int64_t)> &Body) {
  if (Total <= 0)
    return;
  Step = std::min(Step, Total);
  int64_t Full = Total / Step, Rem = Total % Step;
  if (Full == 1) {
    Body(I.constant(0), Step);
  } else if (Full > 1) {
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Full * Step * Scale),
                                    I.constant(Step * Scale));
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(For.getBody());
    Body(For.getInductionVar(), Step);
  }
  if (Rem)
    Body(I.constant(Full * Step * Scale), Rem);
}

Codegen::Operands Codegen::kLoop(int64_t Steps, ValueRange Init,
                                 const std::function<Operands(Value, ValueRange)> &Load,
                                 const std::function<Operands(ValueRange, ValueRange)> &Use,
                                 const std::function<Operands(Value)> &Pre) {
  size_t NCarried = Init.size();
  auto PreAt = [&](Value K4) { return Pre ? Pre(K4) : Operands(); };
  auto Loop = [&](int64_t Iterations, int64_t Stride, ValueRange Carried,
                  const std::function<Operands(Value, ValueRange)> &Body) {
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Iterations * Stride * 4),
                                    I.constant(Stride * 4), Carried);
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(For.getBody());
    B.create<scf::YieldOp>(I.Loc, Body(For.getInductionVar(), For.getRegionIterArgs()));
    return Operands(For.getResults().begin(), For.getResults().end());
  };
  if (!Pipeline || Steps < 3)
    return Loop(Steps, 1, Init,
                [&](Value K4, ValueRange Acc) { return Use(Load(K4, PreAt(K4)), Acc); });
  // Carried: the accumulators, step k's operands, step k + 1's Pre values.
  Operands Carried(Init.begin(), Init.end());
  Operands First = Load(I.constant(0), PreAt(I.constant(0)));
  size_t NOps = First.size();
  Carried.append(First.begin(), First.end());
  Operands FirstPre = PreAt(I.constant(4));
  size_t NPre = FirstPre.size();
  Carried.append(FirstPre.begin(), FirstPre.end());
  int64_t Pairs = (Steps - 1) / 2;
  Operands Out = Loop(Pairs, 2, Carried, [&](Value K4, ValueRange Args) {
    // (The next step's operands load into fresh registers while this one
    // computes; those of the step after go to the registers of this
    // step's, once their readers are issued.)
    Operands Next = Load(I.addi({K4, 4}), Args.take_back(NPre));
    Operands NextPre = PreAt(I.addi({K4, 8}));
    Operands R = Use(Args.slice(NCarried, NOps), Args.take_front(NCarried));
    R = Use(Next, R);
    Operands After = Load(I.addi({K4, 8}), NextPre);
    Operands AfterPre = PreAt(I.addi({K4, 12}));
    R.append(After.begin(), After.end());
    R.append(AfterPre.begin(), AfterPre.end());
    return R;
  });
  ValueRange O(Out);
  Operands Acc = Use(O.slice(NCarried, NOps), O.take_front(NCarried));
  if (2 * Pairs + 1 < Steps)
    Acc = Use(Load(I.constant((2 * Pairs + 1) * 4), O.take_back(NPre)), Acc);
  return Acc;
}

// Sliding windows over a padded SRAM tile. The K loop walks a table of byte
// offsets (one per channel, ky, kx) so that one loop serves every window
// shape; conv keeps a 4-filter x 48-pixel block of the output in registers.
void Codegen::lowerConv(tile::Conv2DOp Op) {
  bool Conv = Op.getKind() == tile::WindowKind::Conv;
  bool Max = Op.getKind() == tile::WindowKind::Max;
  int64_t C = Op.getChannels(), F = Op.getFilters(), IH = Op.getInRows(), IW = Op.getInCols();
  int64_t OH = Op.getOutRows(), OW = Op.getOutCols(), KH = Op.getKh(), KW = Op.getKw();
  int64_t SH = Op.getStrideH(), SW = Op.getStrideW(), DH = Op.getDilH(), DW = Op.getDilW();
  int64_t KC = Conv ? C * KH * KW : KH * KW;
  std::vector<int32_t> Offsets;
  for (int64_t Ch = 0; Ch < (Conv ? C : 1); ++Ch)
    for (int64_t Ky = 0; Ky < KH; ++Ky)
      for (int64_t Kx = 0; Kx < KW; ++Kx)
        Offsets.push_back(int32_t(((Ch * IH + Ky * DH) * IW + Kx * DW) * 4));
  // (The pipelined K loop looks offsets up to three steps past the last.)
  Offsets.resize(Offsets.size() + 3, 0);
  int64_t Table = table(Offsets);
  Value X = addr(Op.getX(), Op.getXOffset());
  Value W = Conv ? addr(Op.getW(), Op.getWOffset()) : Value();
  Value O = addr(Op.getOut(), Op.getOutOffset());
  bool Acc = Op.getAccumulate();
  const int64_t RB = Conv ? 4 : 1, CB = 3;
  // One block: Rows output planes (filters or one channel) x Cols pixels of
  // output row Oy starting at column Ox0 (registers hold byte offsets).
  // With RowVecs, the vectors are RowVecs rows from Oy of Cols (<= 16)
  // pixels each instead: narrow outputs still fill a block. Paired, each
  // vector holds two of those rows (Cols <= 8: lanes 0-7 and 8-15, read by
  // one gather; the lanes past Cols hold what follows each row).
  // Narrow outputs pair rows of at most 8 pixels where one gather reads two
  // rows of a window and its reads past the tile's last row stay within the
  // 64 * stride elements of slack GraphToTile leaves after the input tile
  // (and no old output is read).
  bool PairRows = Conv && OW <= 8 && SW == 1 && !Acc && (SH - 1) * IW + (KW - 1) * DW + 8 <= 64;
  // Lanes 8-15 to 0-7, for a paired vector's second row.
  Value Upper = PairRows ? laneIndices([](int32_t L) { return 8 + L % 8; }) : Value();
  auto Block = [&](Value XPlane, Value WRow, Value OPlane, int64_t Rows, Value Oy, Value Ox0,
                   int64_t Cols, int64_t RowVecs = 0, bool Paired = false) {
    int64_t NV = Paired ? (RowVecs + 1) / 2 : RowVecs ? RowVecs : (Cols + 15) / 16;
    auto VecBytes = [&](int64_t V) {
      return RowVecs ? Cols * 4 : std::min<int64_t>(64, (Cols - 16 * V) * 4);
    };
    auto InAt = [&](int64_t V) {
      return Paired ? 2 * V * SH * IW * 4 : RowVecs ? V * SH * IW * 4 : V * 64 * SW;
    };
    auto OutAt = [&](int64_t V) { return Paired ? 2 * V * OW * 4 : RowVecs ? V * OW * 4 : V * 64; };
    // Pixel (Oy, Ox0) of the window origin in the input tile, in bytes.
    Value Pix = I.add({I.mul({Oy, I.constant(SH * IW * 4)}), scaled(Ox0, SW)});
    Value XBase = I.add({XPlane, Pix});
    Value OBase = I.add({I.add({OPlane, I.mul({Oy, I.constant(OW * 4)})}), Ox0});
    SmallVector<Value> Init;
    for (int64_t R = 0; R < Rows; ++R)
      for (int64_t V = 0; V < NV; ++V) {
        if (!Acc) {
          Init.push_back(bcast(Max ? -INFINITY : 0.0f));
          continue;
        }
        Value P = I.addi({OBase, R * OH * OW * 4 + OutAt(V)});
        Init.push_back(VecBytes(V) == 64 ? I.vld({P, 0}) : I.vldp({P, I.constant(VecBytes(V))}));
      }
    // One K step's operands: the input vectors, then (conv) the filters'
    // weights broadcast.
    // The step's table offset, looked up a step ahead where pipelined.
    auto Pre = [&](Value K4) { return Operands{I.lw({I.addi({K4, Table}), 0})}; };
    auto Load = [&](Value K4, ValueRange PreVals) {
      Value P = I.add({XBase, PreVals[0]});
      Operands Ops;
      for (int64_t V = 0; V < NV; ++V) {
        if (Paired)
          Ops.push_back(I.vldg({I.addi({P, InAt(V)}), I.constant(SH * IW * 4), 32}));
        else if (SW == 1)
          Ops.push_back(VecBytes(V) == 64
                            ? I.vld({P, InAt(V)})
                            : I.vldp({I.addi({P, InAt(V)}), I.constant(VecBytes(V))}));
        else
          Ops.push_back(I.vldg({I.addi({P, InAt(V)}), I.constant(SW * 4), 4}));
      }
      if (Conv) {
        Value WK = I.add({WRow, K4});
        for (int64_t R = 0; R < Rows; ++R)
          Ops.push_back(I.vldb_32({WK, R * KC * 4}));
      }
      return Ops;
    };
    auto Use = [&](ValueRange Ops, ValueRange Args) {
      Operands Next;
      if (Conv) {
        for (int64_t R = 0; R < Rows; ++R)
          for (int64_t V = 0; V < NV; ++V)
            Next.push_back(
                I.vfma_f32({Ops[size_t(NV + R)], Ops[size_t(V)], Args[size_t(R * NV + V)]}));
      } else {
        for (int64_t V = 0; V < NV; ++V)
          Next.push_back(
              I.build(Max ? Opcode::VMAX : Opcode::VADD, {Args[size_t(V)], Ops[size_t(V)]}));
      }
      return Next;
    };
    Operands Res = kLoop(KC, Init, Load, Use, Pre);
    for (int64_t R = 0; R < Rows; ++R)
      for (int64_t V = 0; V < NV; ++V) {
        Value Out = Res[size_t(R * NV + V)];
        int64_t At = R * OH * OW * 4 + OutAt(V);
        if (Paired) {
          I.vstp({Out, I.addi({OBase, At}), I.constant(Cols * 4)});
          if (2 * V + 1 < RowVecs)
            I.vstp({I.vperm_32({Out, Out, Upper}), I.addi({OBase, At + OW * 4}),
                    I.constant(Cols * 4)});
          continue;
        }
        if (VecBytes(V) == 64)
          I.vst({Out, OBase, At});
        else
          I.vstp({Out, I.addi({OBase, At}), I.constant(VecBytes(V))});
      }
  };
  // A pooling's plane: rows of blocks of up to 16 * CB pixels.
  auto Plane = [&](Value XPlane, Value WRow, Value OPlane, int64_t Rows) {
    auto Oy = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(OH), I.constant(1));
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(Oy.getBody());
    steps(OW, 16 * CB, 4, [&](Value Ox0, int64_t Cols) {
      Block(XPlane, WRow, OPlane, Rows, Oy.getInductionVar(), Ox0, Cols);
    });
  };
  if (Conv) {
    // Filters in blocks of Rb: weights rows f, outputs planes f.
    auto Filters = [&](int64_t Rb, const std::function<void(Value, Value, int64_t)> &Body) {
      steps(F, Rb, 1, [&](Value F0, int64_t Rows) {
        Body(I.add({W, I.mul({F0, I.constant(KC * 4)})}),
             I.add({O, I.mul({F0, I.constant(OH * OW * 4)})}), Rows);
      });
    };
    // Filters per block for blocks of NV vectors: up to 8 for one vector,
    // 6 for two (the accumulators and two steps' operands within the
    // registers). A few blocks share the filters evenly (8 filters: 4 + 4,
    // not 6 + 2); for many, fewer per block where the last block would
    // keep less than half of them.
    auto FiltersFor = [&](int64_t NV) {
      int64_t Max = NV == 1 ? 8 : NV == 2 ? 6 : RB;
      if (F <= Max || Max <= RB)
        return Max;
      if (int64_t Blocks = (F + Max - 1) / Max; Blocks <= 4)
        return std::max<int64_t>(RB, (F + Blocks - 1) / Blocks);
      int64_t Rb = Max;
      while (Rb > RB && F % Rb && 2 * (F % Rb) < Rb)
        --Rb;
      return Rb;
    };
    if (OW <= 16) {
      // Narrow outputs: blocks of CB rows (or pairs of rows) x RB filters;
      // the rows left over (fewer vectors) take more filters per block, as
      // the columns left over do below.
      int64_t Group = PairRows ? 2 * CB : CB, WholeRows = OH / Group * Group;
      int64_t Left = OH - WholeRows, NVLeft = PairRows ? (Left + 1) / 2 : Left;
      auto RowBlocks = [&](Value WRow, Value OPlane, int64_t R, Value Oy, int64_t N) {
        Block(X, WRow, OPlane, R, Oy, I.constant(0), OW, N, PairRows);
      };
      if (WholeRows)
        Filters(RB, [&](Value WRow, Value OPlane, int64_t R) {
          steps(WholeRows, Group, 1,
                [&](Value Oy, int64_t N) { RowBlocks(WRow, OPlane, R, Oy, N); });
        });
      if (Left) {
        Filters(FiltersFor(NVLeft), [&](Value WRow, Value OPlane, int64_t R) {
          RowBlocks(WRow, OPlane, R, I.constant(WholeRows), Left);
        });
      }
      return;
    }
    // Wide outputs: blocks of 48 pixels x 4 filters; the columns left over
    // (one or two vectors) take more filters per block, so that every
    // block issues 8 to 12 FMAs per K step.
    int64_t Step = 16 * CB, Whole = OW / Step * Step, Rem = OW - Whole;
    auto Rows = [&](Value WRow, Value OPlane, int64_t Rows, Value Ox0, int64_t Cols) {
      auto Oy = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(OH), I.constant(1));
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(Oy.getBody());
      if (Ox0)
        return Block(X, WRow, OPlane, Rows, Oy.getInductionVar(), Ox0, Cols);
      steps(Whole, Step, 4, [&](Value Ox, int64_t C) {
        Block(X, WRow, OPlane, Rows, Oy.getInductionVar(), Ox, C);
      });
    };
    if (Whole)
      Filters(RB, [&](Value WRow, Value OPlane, int64_t R) { Rows(WRow, OPlane, R, Value(), 0); });
    if (Rem) {
      Filters(FiltersFor((Rem + 15) / 16), [&](Value WRow, Value OPlane, int64_t R) {
        Rows(WRow, OPlane, R, I.constant(Whole * 4), Rem);
      });
    }
  } else {
    auto Ch = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(C), I.constant(1));
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(Ch.getBody());
    Value Iv = Ch.getInductionVar();
    Plane(I.add({X, I.mul({Iv, I.constant(IH * IW * 4)})}), Value(),
          I.add({O, I.mul({Iv, I.constant(OH * OW * 4)})}), 1);
  }
}

// out[i] = sum or max of a row of Len elements, for each of Count rows.
void Codegen::lowerReduce(tile::ReduceOp Op) {
  using W = tile::WindowKind;
  W Kind = Op.getKind();
  int64_t Count = Op.getCount(), Len = Op.getLen();
  Value In = addr(Op.getIn(), Op.getInOffset());
  Value Out = addr(Op.getOut(), Op.getOutOffset());
  float Neutral = Kind == W::Max    ? -INFINITY
                  : Kind == W::Min  ? INFINITY
                  : Kind == W::Prod ? 1.0f
                                    : 0.0f;
  Opcode Combine = Kind == W::Max    ? Opcode::VMAX
                   : Kind == W::Min  ? Opcode::VMIN
                   : Kind == W::Prod ? Opcode::VMUL
                                     : Opcode::VADD;
  // Across the lanes: vredsum/max/min, or for products halving shuffles.
  auto Horizontal = [&](Value V) {
    if (Kind != W::Prod)
      return I.build(Kind == W::Max   ? Opcode::VREDMAX
                     : Kind == W::Min ? Opcode::VREDMIN
                                      : Opcode::VREDSUM,
                     {V});
    for (int32_t Half : {8, 4, 2, 1}) {
      Value Idx = laneIndices([&](int32_t L) { return (L + Half) % 16; });
      V = I.vmul_f32({V, I.vperm_32({V, V, Idx})});
    }
    return V;
  };
  // Lanes past a partial load must hold the neutral value.
  int64_t Tail = Len % 16;
  std::vector<int32_t> Lanes;
  for (int32_t L = 0; L < 16; ++L)
    Lanes.push_back(L < Tail ? -1 : 0);
  int64_t MaskAt = Tail ? table(Lanes) : 0;
  auto Row = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Count), I.constant(1));
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(Row.getBody());
  Value Iv = Row.getInductionVar();
  Value Base = I.add({In, I.mul({Iv, I.constant(Len * 4)})});
  Value AccV = bcast(Neutral);
  int64_t Full = Len / 16;
  if (Full) {
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Full * 64), I.constant(64),
                                    ValueRange{AccV});
    OpBuilder::InsertionGuard G2(B);
    B.setInsertionPointToStart(For.getBody());
    Value V = I.vld({I.add({Base, For.getInductionVar()}), 0});
    B.create<scf::YieldOp>(I.Loc, ValueRange{I.build(Combine, {For.getRegionIterArgs()[0], V})});
    B.setInsertionPointAfter(For);
    AccV = For.getResult(0);
  }
  if (Tail) {
    Value V = I.vldp({I.addi({Base, Full * 64}), I.constant(Tail * 4)});
    V = I.vsel({I.vld({I.constant(MaskAt), 0}), V, bcast(Neutral)});
    AccV = I.build(Combine, {AccV, V});
  }
  Value R = Horizontal(AccV);
  I.vstp({R, I.add({Out, scaled(Iv, 4)}), I.constant(4)});
}

// Conversions 16 elements at a time. int64 lanes are read as pairs of
// 32-bit words: vperm.32 picks the low words, and writing int64 interleaves
// the values with their sign words.
void Codegen::lowerConvert(tile::ConvertOp Op) {
  // fp32 <-> int32 16 lanes at a time; int64 values go element by element
  // (convertScalar: exact below 2^24 in magnitude, within two roundings
  // above).
  auto Lanes = [](Type T) {
    T = getElementTypeOrSelf(T);
    return T.isF32() || T.isSignlessInteger(32);
  };
  if (!Lanes(Op.getIn().getType()) || !Lanes(Op.getOut().getType()) ||
      getElementTypeOrSelf(Op.getIn()) == getElementTypeOrSelf(Op.getOut()))
    return lowerScalarConvert(Op);
  int64_t InB = elemBytes(Op.getIn()), OutB = elemBytes(Op.getOut());
  bool InF = cast<MemRefType>(Op.getIn().getType()).getElementType().isF32();
  bool OutF = cast<MemRefType>(Op.getOut().getType()).getElementType().isF32();
  Value In = addr(Op.getIn(), Op.getInOffset()), Out = addr(Op.getOut(), Op.getOutOffset());
  std::vector<int32_t> Even, Lo, Hi;
  for (int32_t L = 0; L < 16; ++L) {
    Even.push_back(2 * L);
    Lo.push_back(L % 2 ? 16 + L / 2 : L / 2);
    Hi.push_back(L % 2 ? 24 + L / 2 : 8 + L / 2);
  }
  int64_t EvenAt = table(Even), LoAt = table(Lo), HiAt = table(Hi);
  auto Load = [&](Value P, int64_t Bytes) {
    return Bytes >= 64 ? I.vld({P, 0}) : I.vldp({P, I.constant(Bytes)});
  };
  auto Store = [&](Value V, Value P, int64_t Bytes) {
    if (Bytes >= 64)
      I.vst({V, P, 0});
    else if (Bytes > 0)
      I.vstp({V, P, I.constant(Bytes)});
  };
  auto Body = [&](Value Off, int64_t N) { // Off: element index of this group
    Value IP = I.add({In, scaled(Off, InB)}), OP = I.add({Out, scaled(Off, OutB)});
    Value W; // 16 x 32-bit lanes
    if (InB == 8) {
      Value A = Load(IP, std::min<int64_t>(N * 8, 64));
      Value Bv = N > 8 ? Load(I.addi({IP, 64}), (N - 8) * 8) : bcast(0.0f);
      W = I.vperm_32({A, Bv, I.vld({I.constant(EvenAt), 0})});
    } else {
      W = Load(IP, N * 4);
    }
    if (InF && !OutF)
      W = I.vcvt_i32_f32(W);
    else if (!InF && OutF)
      W = I.vcvt_f32_i32(W);
    if (OutB == 8) {
      Value Sign = I.vsrai_32({W, 31});
      Store(I.vperm_32({W, Sign, I.vld({I.constant(LoAt), 0})}), OP, std::min<int64_t>(N * 8, 64));
      if (N > 8)
        Store(I.vperm_32({W, Sign, I.vld({I.constant(HiAt), 0})}), I.addi({OP, 64}), (N - 8) * 8);
    } else {
      Store(W, OP, N * 4);
    }
  };
  steps(Op.getCount(), 16, 1, Body);
}

// Rows picked by run-time indices: each index is loaded into a scalar
// register and becomes the source address of two DMAs through SRAM.
void Codegen::lowerGather(tile::GatherOp Op) {
  int64_t Count = Op.getCount(), Outer = Op.getOuter(), Len = Op.getLen(), Inner = Op.getInner();
  int64_t EB = elemBytes(Op.getData());
  auto Desc = [&](uint8_t Kind, int64_t SrcRow, int64_t DstRow) {
    std::vector<uint8_t> D(64, 0);
    auto Put = [&](size_t At, uint64_t V, unsigned N) {
      for (unsigned K = 0; K < N; ++K)
        D[At + K] = uint8_t(V >> (8 * K));
    };
    Put(0, Kind, 1);
    Put(2, 0xff, 1);
    Put(8, uint64_t(Inner * EB), 4);
    Put(12, uint64_t(Outer), 4);
    Put(16, 1, 4);
    Put(24, uint64_t(SrcRow * EB), 8);
    Put(40, uint64_t(DstRow * EB), 8);
    return descriptor(D);
  };
  int64_t In = Desc(0, Len * Inner, Inner), Out = Desc(1, Inner, Count * Inner);
  int64_t Data = Address.lookup(Op.getData()), Res = Address.lookup(Op.getOut());
  Value Stage = I.constant(Address.lookup(Op.getStage()));
  Value Idx = addr(Op.getIndices(), Op.getIndicesOffset());
  auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Count), I.constant(1));
  OpBuilder::InsertionGuard G(B);
  B.setInsertionPointToStart(For.getBody());
  Value J = For.getInductionVar();
  Value X = I.ld({I.add({Idx, scaled(J, 8)}), 0});
  // A negative index counts from the end; anything still outside [0, Len)
  // traps (a wrapped product must never reach the DMA as a valid address).
  X = I.add({X, I.mul({I.slt({X, I.constant(0)}), I.constant(Len)})});
  X = I.chk_ltu({X, I.constant(Len)});
  Value Src = I.add({I.constant(Data), scaled(X, Inner * EB)});
  I.dma({Stage, Src, I.constant(In)});
  I.sem_wait({0, 1});
  Value Dst = I.add({I.constant(Res), scaled(J, Inner * EB)});
  I.dma({Dst, Stage, I.constant(Out)});
  I.sem_wait({0, 1});
}

LogicalResult Codegen::lowerOp(Operation *Op) {
  I.Loc = Op->getLoc();
  if (auto C = dyn_cast<arith::ConstantIndexOp>(Op)) {
    Map.map(C.getResult(), I.constant(C.value()));
  } else if (auto A = dyn_cast<arith::AddIOp>(Op)) {
    Map.map(A.getResult(), I.add({Map.lookup(A.getLhs()), Map.lookup(A.getRhs())}));
  } else if (auto S = dyn_cast<arith::SubIOp>(Op)) {
    Map.map(S.getResult(), I.sub({Map.lookup(S.getLhs()), Map.lookup(S.getRhs())}));
  } else if (auto Mu = dyn_cast<arith::MulIOp>(Op)) {
    Map.map(Mu.getResult(), I.mul({Map.lookup(Mu.getLhs()), Map.lookup(Mu.getRhs())}));
  } else if (auto For = dyn_cast<scf::ForOp>(Op)) {
    // A tile loop carries only started copies' tokens, which are semaphores
    // at this level: nothing to carry.
    for (Type T : For.getResultTypes())
      if (!isa<tile::DmaTokenType>(T))
        return For.emitError("a tile loop carries only DMA tokens, not ") << T;
    auto New = B.create<scf::ForOp>(I.Loc, Map.lookup(For.getLowerBound()),
                                    Map.lookup(For.getUpperBound()), Map.lookup(For.getStep()));
    Map.map(For.getInductionVar(), New.getInductionVar());
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(New.getBody());
    return lowerBlock(*For.getBody());
  } else if (auto D = dyn_cast<tile::DmaOp>(Op)) {
    lowerDma(D);
  } else if (auto W = dyn_cast<tile::DmaWaitOp>(Op)) {
    if (!W.getSem())
      return W.emitError("wait without a semaphore (run tile-assign-semaphores first)");
    I.sem_wait({int64_t(*W.getSem()), 1});
  } else if (auto A = dyn_cast<arith::AndIOp>(Op)) {
    Map.map(A.getResult(), I.and_({Map.lookup(A.getLhs()), Map.lookup(A.getRhs())}));
  } else if (auto E = dyn_cast<tile::ElementwiseOp>(Op)) {
    lowerElementwise(E);
  } else if (auto Mm = dyn_cast<tile::MatmulOp>(Op)) {
    lowerMatmul(Mm);
  } else if (auto Cv = dyn_cast<tile::Conv2DOp>(Op)) {
    lowerConv(Cv);
  } else if (auto Cm = dyn_cast<tile::Conv2DMmaOp>(Op)) {
    lowerConvMma(Cm);
  } else if (auto Mmm = dyn_cast<tile::MatmulMmaOp>(Op)) {
    lowerMatmulMma(Mmm);
  } else if (auto Mv = dyn_cast<tile::MmaViewsOp>(Op)) {
    lowerMmaViews(Mv);
  } else if (auto R = dyn_cast<tile::ReduceOp>(Op)) {
    lowerReduce(R);
  } else if (auto Ga = dyn_cast<tile::GatherOp>(Op)) {
    lowerGather(Ga);
  } else if (auto Cv = dyn_cast<tile::ConvertOp>(Op)) {
    lowerConvert(Cv);
  } else if (auto Sc = dyn_cast<tile::ScatterOp>(Op)) {
    lowerScatter(Sc);
  } else if (isa<memref::AllocOp, memref::DeallocOp, memref::GetGlobalOp, tile::ViewOp,
                 scf::YieldOp, func::ReturnOp>(Op)) {
    // Addresses only.
  } else {
    return Op->emitError("cannot lower '") << Op->getName() << "' to D1 instructions";
  }
  return failure(Failed);
}

LogicalResult Codegen::lowerBlock(Block &From) {
  for (Operation &Op : From)
    if (failed(lowerOp(&Op)))
      return failure();
  return success();
}

LogicalResult Codegen::run() {
  auto F = M.lookupSymbol<func::FuncOp>("main");
  if (!F)
    return M.emitError("no @main function");
  {
    planMemory(F);
    if (Failed)
      return failure();
    // The new body goes into a function without arguments: every buffer is
    // now an address.
    B.setInsertionPoint(F);
    auto New = B.create<func::FuncOp>(F.getLoc(), "main_isa", B.getFunctionType({}, {}));
    New->setAttrs(F->getAttrs());
    New.setName("main_isa");
    // Keep what the emitter needs to know about the I/O.
    SmallVector<Attribute> Args;
    for (BlockArgument A : F.getArguments()) {
      auto T = cast<MemRefType>(A.getType());
      NamedAttrList L;
      // (A function written by hand may leave its arguments unnamed.)
      Attribute Name = F.getArgAttr(A.getArgNumber(), "d1.name");
      L.set("name", Name ? Name : B.getStringAttr("arg" + std::to_string(A.getArgNumber())));
      L.set("address", B.getI64IntegerAttr(Address[A]));
      L.set("shape", B.getDenseI64ArrayAttr(T.getShape()));
      L.set("dtype", TypeAttr::get(T.getElementType()));
      Args.push_back(L.getDictionary(B.getContext()));
    }
    New->setAttr("d1.io", B.getArrayAttr(Args));
    New->removeAttr("arg_attrs");
    New->removeAttr("function_type");
    New.setFunctionType(B.getFunctionType({}, {}));
    Block *Entry = New.addEntryBlock();
    B.setInsertionPointToStart(Entry);
    if (failed(lowerBlock(F.getBody().front()))) {
      New.erase();
      return failure();
    }
    I.Loc = F.getLoc();
    I.halt();
    B.create<func::ReturnOp>(F.getLoc());
    if (DescBase + int64_t(Descriptors.size()) > SramBytes) {
      New.erase();
      return F.emitError("SRAM overflow: the planned buffers take ")
             << DescBase << " bytes and the DMA descriptors and tables " << Descriptors.size()
             << " more; the core has " << SramBytes;
    }
    // The descriptors are this core's initialized SRAM.
    auto DescType = RankedTensorType::get({int64_t(Descriptors.size())}, B.getI8Type());
    std::vector<int8_t> Bytes(Descriptors.begin(), Descriptors.end());
    New->setAttr("d1.sram_data", DenseElementsAttr::get(DescType, ArrayRef<int8_t>(Bytes)));
    New->setAttr("d1.sram_data_address", B.getI64IntegerAttr(DescBase));
    F.erase();
    New.setName("main");
    return success();
  }
}

struct TileToISAPass : d1::impl::TileToISABase<TileToISAPass> {
  using TileToISABase::TileToISABase;
  void runOnOperation() override {
    MachineDesc Machine = getTargetMachine(getOperation());
    Codegen C(getOperation(), Machine[MachineParamId::sram_bytes], ActivationTables,
              SoftwarePipelining);
    C.Machine = Machine;
    if (failed(C.run()))
      signalPassFailure();
  }
};

} // namespace
