//===- Emitter.cpp - The translation of allocated d1isa to .d1x -----------===//
//
// Encodes @main once d1isa-allocate-registers has given every value a
// register and written its spill code and copies: each instruction becomes
// one word, each loop a back edge (advance the induction variable, compare
// with the bound, branch), and the module's data and I/O table go to the
// file's segments and header. Nothing is allocated or moved here; a value
// without a register, or a loop-carried value outside its argument's
// register, is an error at the op.
//
//===----------------------------------------------------------------------===//
#include "d1/Codegen/Emitter.h"
#include "dialects/D1/IR/D1.h"
#include "dialects/D1ISA/IR/D1ISA.h"
#include "dialects/D1ISA/IR/ISABuilder.h"
#include "dialects/D1ISA/Transforms/Passes.h"
#include "dialects/Tile/IR/Tile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include <map>
#include <optional>

using namespace mlir;
using namespace d1;

namespace {

/// The .d1x dtype of an element type of the compiler.
d1x::DType dtypeOf(Type T) {
  if (T.isF32())
    return d1x::F32;
  if (T.isF64())
    return d1x::F64;
  if (T.isF16())
    return d1x::F16;
  if (T.isBF16())
    return d1x::BF16;
  if (T.isInteger(1))
    return d1x::BOOL;
  if (!T.isInteger())
    return d1x::DTYPE_UNDEFINED;
  bool U = T.isUnsignedInteger();
  switch (T.getIntOrFloatBitWidth()) {
  case 8:
    return U ? d1x::U8 : d1x::I8;
  case 16:
    return U ? d1x::U16 : d1x::I16;
  case 32:
    return U ? d1x::U32 : d1x::I32;
  case 64:
    return U ? d1x::U64 : d1x::I64;
  default:
    return d1x::DTYPE_UNDEFINED;
  }
}

constexpr int ScratchX = 31;

class Encoder {
public:
  LogicalResult encodeBlock(Block &B);
  std::vector<uint64_t> Code;
  std::vector<Location> Locs;

private:
  void put(const Inst &I, Location L) {
    Code.push_back(encode(I));
    Locs.push_back(L);
  }
  /// The register of V, read by User; an error at User without one.
  FailureOr<int64_t> reg(Value V, Operation *User);
  /// That Src is in Dst's register, as the allocator's copies leave it.
  LogicalResult sameRegister(Value Dst, Value Src, Operation *User, StringRef What);
  LogicalResult encodeInst(Operation *Op, const InstInfo &Info);
  LogicalResult encodeLoop(scf::ForOp For);
};

FailureOr<int64_t> Encoder::reg(Value V, Operation *User) {
  if (std::optional<int64_t> R = d1isa::getRegister(V))
    return *R;
  InFlightDiagnostic D = User->emitOpError();
  if (auto Arg = dyn_cast<BlockArgument>(V))
    D << "reads block argument #" << Arg.getArgNumber();
  else if (V.getDefiningOp() == User)
    D << "has no register for its result";
  else
    D << "reads a value of '" << V.getDefiningOp()->getName() << "'";
  if (V.getDefiningOp() != User)
    D << " that has no register";
  D << " (run d1isa-allocate-registers first)";
  return failure();
}

LogicalResult Encoder::sameRegister(Value Dst, Value Src, Operation *User, StringRef What) {
  FailureOr<int64_t> D = reg(Dst, User), S = reg(Src, User);
  if (failed(D) || failed(S))
    return failure();
  if (*D != *S)
    return User->emitOpError() << What << " is in register " << *S << ", not " << *D
                               << " (the allocator's copy is missing)";
  return success();
}

LogicalResult Encoder::encodeInst(Operation *Op, const InstInfo &Info) {
  Inst I;
  I.Op = Info.Op;
  Location L = Op->getLoc();
  unsigned NextOperand = 0;
  Value Res = Op->getNumResults() ? Op->getResult(0) : Value();
  if (Info.TiedDest) {
    // The old value is already in the destination register.
    if (failed(sameRegister(Res, Op->getOperand(0), Op, "the tied destination's old value")))
      return failure();
    NextOperand = 1;
  }
  for (unsigned K = 0; K < Info.NumOperands; ++K) {
    const OperandInfo &O = Info.Operands[K];
    bool IsReg =
        O.Kind == OperandKind::XReg || O.Kind == OperandKind::VReg || O.Kind == OperandKind::Acc;
    if (IsReg) {
      Value V = O.IsDef ? Res : Op->getOperand(NextOperand++);
      FailureOr<int64_t> R = reg(V, Op);
      if (failed(R))
        return failure();
      I.setField(O.F, *R);
      continue;
    }
    auto A = Op->getAttrOfType<IntegerAttr>(fieldName(O.F));
    if (!A)
      return Op->emitOpError() << "has no '" << fieldName(O.F) << "' attribute";
    I.setField(O.F, A.getInt());
  }
  put(I, L);
  return success();
}

LogicalResult Encoder::encodeLoop(scf::ForOp For) {
  Location L = For.getLoc();
  // The allocator's entry copies put the lower bound and the initial values
  // in the loop's registers, its back-edge copies the yielded values.
  if (failed(sameRegister(For.getInductionVar(), For.getLowerBound(), For, "the lower bound")))
    return failure();
  for (auto [Arg, Init] : llvm::zip(For.getRegionIterArgs(), For.getInitArgs()))
    if (failed(sameRegister(Arg, Init, For, "an initial value")))
      return failure();
  auto Y = cast<scf::YieldOp>(For.getBody()->getTerminator());
  for (auto [Arg, V] : llvm::zip(For.getRegionIterArgs(), Y.getOperands()))
    if (failed(sameRegister(Arg, V, Y, "a yielded value")))
      return failure();
  int64_t Top = int64_t(Code.size());
  if (failed(encodeBlock(*For.getBody())))
    return failure();
  FailureOr<int64_t> Iv = reg(For.getInductionVar(), For);
  if (failed(Iv))
    return failure();
  Inst Add;
  if (auto Step = constantOf(For.getStep())) {
    Add.Op = Opcode::ADDI;
    Add.Imm = int32_t(*Step);
  } else {
    FailureOr<int64_t> R = reg(For.getStep(), For);
    if (failed(R))
      return failure();
    Add.Op = Opcode::ADD;
    Add.Rs2 = uint8_t(*R);
  }
  Add.Rd = uint8_t(*Iv);
  Add.Rs1 = uint8_t(*Iv);
  put(Add, L);
  // A constant bound is re-created in x31 instead of kept in a register.
  int64_t UbReg = ScratchX;
  if (auto Ub = constantOf(For.getUpperBound())) {
    Inst Li;
    Li.Op = Opcode::LI;
    Li.Rd = ScratchX;
    Li.Imm = int32_t(*Ub);
    put(Li, L);
  } else {
    FailureOr<int64_t> R = reg(For.getUpperBound(), For);
    if (failed(R))
      return failure();
    UbReg = *R;
  }
  Inst Br;
  Br.Op = Opcode::BLT;
  Br.Rs1 = uint8_t(*Iv);
  Br.Rs2 = uint8_t(UbReg);
  Br.Imm = int32_t(Top - int64_t(Code.size()));
  put(Br, L);
  return success();
}

LogicalResult Encoder::encodeBlock(Block &B) {
  for (Operation &Op : B) {
    if (auto For = dyn_cast<scf::ForOp>(&Op)) {
      if (failed(encodeLoop(For)))
        return failure();
      continue;
    }
    if (isa<scf::YieldOp, func::ReturnOp, d1isa::X0Op>(&Op))
      continue;
    const InstInfo *Info = instOf(&Op);
    if (!Info)
      return Op.emitOpError() << "cannot be encoded: not a D1 instruction";
    if (failed(encodeInst(&Op, *Info)))
      return failure();
  }
  return success();
}

/// The file, line and column of a location, looking through names.
bool fileLoc(Location L, std::string &File, unsigned &Line, unsigned &Col) {
  if (auto F = dyn_cast<FileLineColLoc>(L)) {
    File = F.getFilename().str();
    Line = F.getLine();
    Col = F.getColumn();
    return true;
  }
  if (auto N = dyn_cast<NameLoc>(L))
    return fileLoc(N.getChildLoc(), File, Line, Col);
  if (auto Fu = dyn_cast<FusedLoc>(L))
    for (Location S : Fu.getLocations())
      if (fileLoc(S, File, Line, Col))
        return true;
  return false;
}

/// The layer a location belongs to: its node name, or the names of the
/// nodes a fused location joins ("Conv_0 (Conv) + Relu_1 (Relu)").
std::string layerName(Location L) {
  if (auto N = dyn_cast<NameLoc>(L))
    return N.getName().str();
  std::string Out;
  if (auto Fu = dyn_cast<FusedLoc>(L))
    for (Location S : Fu.getLocations()) {
      std::string Part = layerName(S);
      if (!Part.empty())
        Out += (Out.empty() ? "" : " + ") + Part;
    }
  return Out;
}

std::string describe(Location L) {
  std::string File;
  unsigned Line, Col;
  std::string Where;
  if (fileLoc(L, File, Line, Col))
    Where = File + ":" + std::to_string(Line) + ":" + std::to_string(Col) + ": ";
  if (auto N = dyn_cast<NameLoc>(L))
    Where += "node " + N.getName().str() + ": ";
  return Where;
}

} // namespace

LogicalResult d1::translateToD1X(ModuleOp Module, D1XWriter &W) {
  MachineDesc M = getTargetMachine(Module);
  auto F = Module.lookupSymbol<func::FuncOp>("main");
  if (!F || F.isExternal() || F.getNumArguments())
    return emitError(Module.getLoc())
           << "the module is not at the ISA level (run convert-tile-to-d1isa first)";
  Encoder E;
  if (failed(E.encodeBlock(F.getBody().front())))
    return failure();
  d1x::Header &H = W.Header;
  H.set_producer("d1c");
  machineToHeader(M, H);
  d1x::Core &Core = W.addCore(0, E.Code);
  d1x::DebugInfo Dbg;
  Dbg.add_files("");
  Dbg.add_names("");
  std::map<std::string, unsigned> Files, Names;
  DenseMap<Location, unsigned> NameOf;
  for (Location L : E.Locs) {
    std::string File;
    unsigned Line = 0, Col = 0;
    auto *Loc = Dbg.add_locs();
    auto [NIt, NewLoc] = NameOf.try_emplace(L, 0);
    if (NewLoc) {
      std::string Name = layerName(L);
      if (!Name.empty()) {
        auto [It, New] = Names.emplace(Name, unsigned(Dbg.names_size()));
        if (New)
          Dbg.add_names(Name);
        NIt->second = It->second;
      }
    }
    Loc->set_name(NIt->second);
    if (!fileLoc(L, File, Line, Col))
      continue;
    auto It = Files.find(File);
    if (It == Files.end()) {
      It = Files.emplace(File, unsigned(Dbg.files_size())).first;
      Dbg.add_files(File);
    }
    Loc->set_file(It->second);
    Loc->set_line(Line);
    Loc->set_col(Col);
  }
  makeStringsUtf8(Dbg);
  Core.set_debug(Dbg.SerializeAsString());
  if (F->hasAttr("d1.sram_data") && !F->getAttrOfType<DenseElementsAttr>("d1.sram_data"))
    return emitError(F.getLoc()) << "d1.sram_data holds no bytes (elided? print the module with "
                                    "--mlir-elide-elementsattrs-if-larger=N)";
  if (auto Data = F->getAttrOfType<DenseElementsAttr>("d1.sram_data")) {
    auto Address = F->getAttrOfType<IntegerAttr>("d1.sram_data_address");
    if (!Address)
      return emitError(F.getLoc()) << "d1.sram_data without d1.sram_data_address";
    std::string Bytes;
    for (int8_t B : Data.getValues<int8_t>())
      Bytes += char(B);
    if (!Bytes.empty())
      W.addSegment(d1x::SRAM, 0, uint64_t(Address.getInt()), Bytes, "descriptors");
  }
  for (auto G : Module.getOps<memref::GlobalOp>()) {
    auto Value = dyn_cast_or_null<DenseElementsAttr>(G.getInitialValueAttr());
    if (!Value)
      return emitError(G.getLoc()) << "constant '" << G.getSymName() << "' has no dense value";
    std::string Bytes;
    ArrayRef<char> Raw = Value.getRawData();
    if (Value.getElementType().isInteger(1)) {
      // MLIR packs bools in bits; memory holds one byte each.
      for (bool V : Value.getValues<bool>())
        Bytes += char(V);
    } else if (Value.isSplat()) {
      // A splat stores one element: repeat it.
      for (int64_t K = 0; K < Value.getNumElements(); ++K)
        Bytes.append(Raw.begin(), Raw.end());
    } else {
      Bytes.assign(Raw.begin(), Raw.end());
    }
    auto Address = G->getAttrOfType<IntegerAttr>("d1.address");
    if (!Address)
      return emitError(G.getLoc()) << "constant '" << G.getSymName()
                                   << "' has no d1.address (run tile-plan-memory first)";
    W.addSegment(d1x::DRAM, 0, uint64_t(Address.getInt()), Bytes, G.getSymName().str());
  }
  // A hand-written module may leave out the I/O table: no inputs or outputs.
  auto NumInputsAttr = F->getAttrOfType<IntegerAttr>("d1.num_inputs");
  int64_t NumInputs = NumInputsAttr ? NumInputsAttr.getInt() : 0;
  auto IO = F->getAttrOfType<ArrayAttr>("d1.io");
  for (auto [K, A] : llvm::enumerate(IO ? IO.getValue() : ArrayRef<Attribute>())) {
    auto D = cast<DictionaryAttr>(A);
    auto Name = D.getAs<StringAttr>("name");
    auto DType = D.getAs<TypeAttr>("dtype");
    auto Shape = D.getAs<DenseI64ArrayAttr>("shape");
    auto At = D.getAs<IntegerAttr>("address");
    if (!Name || !DType || !Shape || !At)
      return emitError(F.getLoc())
             << "d1.io entry " << K << " needs a name, a dtype, a shape and an address";
    d1x::Tensor *T = int64_t(K) < NumInputs ? H.add_inputs() : H.add_outputs();
    T->set_name(Name.str());
    Type ET = DType.getValue();
    T->set_dtype(dtypeOf(ET));
    if (T->dtype() == d1x::DTYPE_UNDEFINED)
      return emitError(F.getLoc())
             << "input or output '" << T->name() << "' has an element type d1c cannot store";
    for (int64_t S : Shape.asArrayRef())
      T->add_shape(S);
    T->set_space(d1x::DRAM);
    T->set_address(uint64_t(At.getInt()));
  }
  auto DramSize = Module->getAttrOfType<IntegerAttr>("d1.dram_size");
  H.set_dram_size(DramSize ? uint64_t(DramSize.getInt()) : 0);
  return success();
}

bool d1::emitBinary(ModuleOp Module, D1XWriter &W, std::string &Err, int AllocatableRegisters,
                    int AllocatableAccumulators) {
  // The first error, as one line: "file:line:col: node N: message".
  std::string First;
  ScopedDiagnosticHandler Handler(Module.getContext(), [&](Diagnostic &D) {
    if (D.getSeverity() == DiagnosticSeverity::Error && First.empty())
      First = describe(D.getLocation()) + D.str();
    return success();
  });
  PassManager PM(Module.getContext());
  AllocateRegistersOptions O;
  O.Registers = AllocatableRegisters;
  O.Accumulators = AllocatableAccumulators;
  PM.addPass(createAllocateRegisters(O));
  if (succeeded(PM.run(Module)) && succeeded(translateToD1X(Module, W)))
    return true;
  Err = First.empty() ? "register allocation or encoding failed" : First;
  return false;
}

void d1::registerD1XTranslation() {
  TranslateFromMLIRRegistration Reg(
      "d1isa-to-d1x", "encode an allocated d1isa module (d1isa-allocate-registers) as a .d1x",
      [](Operation *Op, raw_ostream &OS) -> LogicalResult {
        auto Module = dyn_cast<ModuleOp>(Op);
        if (!Module)
          return Op->emitError("expected a module");
        D1XWriter W;
        if (failed(translateToD1X(Module, W)))
          return failure();
        OS << W.serialize();
        return success();
      },
      [](DialectRegistry &Registry) {
        // The constants keep their tile-level memref types (#tile.mem).
        Registry.insert<D1Dialect, d1isa::D1ISADialect, tile::TileDialect, func::FuncDialect,
                        memref::MemRefDialect, scf::SCFDialect>();
      });
}
