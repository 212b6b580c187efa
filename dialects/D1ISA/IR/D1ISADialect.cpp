//===- D1ISADialect.cpp - The ISA dialect: registration ---------------------===//
#include "dialects/D1ISA/IR/D1ISA.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace d1::d1isa;

#include "dialects/D1ISA/IR/D1ISADialect.cpp.inc"
#include "dialects/D1ISA/IR/D1ISAInterfaces.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/D1ISA/IR/D1ISATypes.cpp.inc"

void D1ISADialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/D1ISA/IR/D1ISATypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/D1ISA/IR/D1ISAOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/D1ISA/IR/D1ISAOps.cpp.inc"

namespace {

/// The registers of a value of type T: x1..x31 (x0 is d1isa.x0), v0..v31,
/// acc0..acc3.
std::pair<int64_t, int64_t> registerRange(Type T) {
  if (isa<AccType>(T))
    return {0, 3};
  if (isa<VRegType>(T))
    return {0, 31};
  return {1, 31};
}

LogicalResult checkRegister(Operation *Op, StringRef Name, Type T, int64_t R) {
  auto [Lo, Hi] = registerRange(T);
  if (R < Lo || R > Hi)
    return Op->emitOpError() << "'" << Name << "' gives register " << R << " to a value of type "
                             << T << " (" << Lo << " to " << Hi << ")";
  return success();
}

} // namespace

LogicalResult D1ISADialect::verifyOperationAttribute(Operation *Op, NamedAttribute A) {
  StringRef Name = A.getName().getValue();
  if (Name == d1::d1isa::RegAttrName) {
    if (Op->getDialect() != this || isa<X0Op>(Op) || Op->getNumResults() != 1)
      return Op->emitOpError() << "'" << Name << "' belongs on a d1isa instruction with a result";
    auto I = dyn_cast<IntegerAttr>(A.getValue());
    if (!I)
      return Op->emitOpError() << "'" << Name << "' must be an integer";
    return checkRegister(Op, Name, Op->getResult(0).getType(), I.getInt());
  }
  if (Name == d1::d1isa::RegsAttrName) {
    auto For = dyn_cast<scf::ForOp>(Op);
    if (!For)
      return Op->emitOpError() << "'" << Name << "' belongs on an scf.for";
    auto Regs = dyn_cast<DenseI64ArrayAttr>(A.getValue());
    Block *Body = For.getBody();
    if (!Regs || Regs.size() != int64_t(Body->getNumArguments()))
      return Op->emitOpError() << "'" << Name << "' must be an array<i64: ...> of "
                               << Body->getNumArguments()
                               << " registers: the induction variable's, then each iteration "
                                  "argument's";
    for (auto [Arg, R] : llvm::zip(Body->getArguments(), Regs.asArrayRef()))
      if (failed(checkRegister(Op, Name, Arg.getType(), R)))
        return failure();
    return success();
  }
  return Op->emitOpError() << "unknown attribute '" << Name
                           << "' (the d1isa dialect declares d1isa.reg and d1isa.regs)";
}

std::optional<int64_t> d1::d1isa::getRegister(Value V) {
  if (auto Arg = dyn_cast<BlockArgument>(V)) {
    auto For = dyn_cast_or_null<scf::ForOp>(Arg.getOwner()->getParentOp());
    auto Regs = For ? For->getAttrOfType<DenseI64ArrayAttr>(RegsAttrName) : nullptr;
    if (!Regs || int64_t(Arg.getArgNumber()) >= Regs.size())
      return std::nullopt;
    return Regs[Arg.getArgNumber()];
  }
  Operation *Def = V.getDefiningOp();
  if (isa<X0Op>(Def))
    return 0;
  if (auto For = dyn_cast<scf::ForOp>(Def)) {
    auto Regs = For->getAttrOfType<DenseI64ArrayAttr>(RegsAttrName);
    unsigned K = cast<OpResult>(V).getResultNumber() + 1;
    if (!Regs || int64_t(K) >= Regs.size())
      return std::nullopt;
    return Regs[K];
  }
  if (auto R = Def->getAttrOfType<IntegerAttr>(RegAttrName))
    return R.getInt();
  return std::nullopt;
}
