//===- D1Dialect.cpp - The target attribute and the d1.* attributes -------===//
#include "dialects/D1/IR/D1.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace d1;
using namespace mlir;

#include "dialects/D1/IR/D1Dialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/D1/IR/D1Attrs.cpp.inc"

void D1Dialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/D1/IR/D1Attrs.cpp.inc"
      >();
}

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> EmitError,
                                 DictionaryAttr Params) {
  MachineDesc M;
  for (NamedAttribute P : Params) {
    auto V = llvm::dyn_cast<IntegerAttr>(P.getValue());
    if (!V)
      return EmitError() << "machine parameter '" << P.getName().getValue()
                         << "' must be an integer";
    std::string Err = M.set(P.getName().str(), V.getValue().getSExtValue());
    if (!Err.empty())
      return EmitError() << Err;
  }
  std::string Err = M.validate();
  if (!Err.empty())
    return EmitError() << Err;
  return success();
}

MachineDesc TargetAttr::machine() const {
  MachineDesc M;
  for (NamedAttribute P : getParams())
    (void)M.set(P.getName().str(), llvm::cast<IntegerAttr>(P.getValue()).getInt());
  return M;
}

TargetAttr TargetAttr::get(MLIRContext *Context, const MachineDesc &Machine) {
  Builder B(Context);
  SmallVector<NamedAttribute> Params;
  for (unsigned I = 0; I < NumMachineParams; ++I)
    Params.push_back(B.getNamedAttr(machineParamInfo(I).Name, B.getI64IntegerAttr(Machine.get(I))));
  return TargetAttr::get(Context, B.getDictionaryAttr(Params));
}

MachineDesc d1::getTargetMachine(Operation *Op) {
  ModuleOp Module = isa<ModuleOp>(Op) ? cast<ModuleOp>(Op) : Op->getParentOfType<ModuleOp>();
  if (Module)
    if (auto T = Module->getAttrOfType<TargetAttr>(TargetAttrName))
      return T.machine();
  return MachineDesc();
}

namespace {

/// The declared d1.* attributes: where each may appear and what it holds.
LogicalResult checkAttribute(Operation *Op, NamedAttribute A) {
  StringRef Name = A.getName().getValue();
  Attribute V = A.getValue();
  auto NonNegative = [&]() -> LogicalResult {
    auto I = dyn_cast<IntegerAttr>(V);
    if (!I || I.getValue().isNegative())
      return Op->emitOpError() << "'" << Name << "' must be a non-negative integer";
    return success();
  };
  auto On = [&](bool Ok, StringRef Where) -> LogicalResult {
    if (!Ok)
      return Op->emitOpError() << "'" << Name << "' belongs on " << Where;
    return success();
  };
  bool IsModule = isa<ModuleOp>(Op);
  bool IsFunc = Op->getName().getStringRef() == "func.func";
  StringRef OpName = Op->getName().getStringRef();
  if (Name == TargetAttrName) {
    if (failed(On(IsModule, "the module")))
      return failure();
    if (!isa<TargetAttr>(V))
      return Op->emitOpError() << "'" << Name << "' must be a #d1.target<{...}>";
    return success();
  }
  if (llvm::is_contained({"d1.sram_peak", "d1.sram_bound", "d1.dram_size",
                          "d1.sram_worst_kernel_permille", "d1.sram_resident_bytes",
                          "d1.sram_resident_spilled", "d1.dram_activation_bytes",
                          "d1.dram_activation_bytes_no_reuse"},
                         Name))
    return failure(failed(On(IsModule, "the module")) || failed(NonNegative()));
  if (Name == "d1.num_inputs" || Name == "d1.sram_data_address")
    return failure(failed(On(IsFunc, "a function")) || failed(NonNegative()));
  if (Name == "d1.address")
    return failure(failed(On(OpName == "memref.alloc" || OpName == "memref.global",
                             "a memref.alloc or memref.global")) ||
                   failed(NonNegative()));
  if (Name == "d1.io") {
    if (failed(On(IsFunc, "a function")))
      return failure();
    auto Arr = dyn_cast<ArrayAttr>(V);
    if (!Arr || !llvm::all_of(Arr, [](Attribute E) { return isa<DictionaryAttr>(E); }))
      return Op->emitOpError() << "'" << Name << "' must be an array of dictionaries";
    return success();
  }
  if (Name == "d1.sram_data") {
    if (failed(On(IsFunc, "a function")))
      return failure();
    if (!isa<ElementsAttr>(V))
      return Op->emitOpError() << "'" << Name << "' must be dense elements";
    return success();
  }
  if (Name == "d1.hoisted") {
    if (failed(On(OpName == "d1isa.li", "a d1isa.li")))
      return failure();
    if (!isa<UnitAttr>(V))
      return Op->emitOpError() << "'" << Name << "' must be a unit attribute";
    return success();
  }
  if (Name == "d1.name")
    return Op->emitOpError() << "'" << Name << "' belongs on @main's arguments and results";
  return Op->emitOpError() << "unknown attribute '" << Name
                           << "' (the d1 dialect declares its attributes; docs/dialects/d1.md)";
}

LogicalResult checkValueAttribute(Operation *Op, NamedAttribute A, bool Result) {
  StringRef Name = A.getName().getValue();
  if (Name == "d1.name") {
    if (!isa<StringAttr>(A.getValue()))
      return Op->emitOpError() << "'" << Name << "' must be a string";
    return success();
  }
  if (Name == "d1.address" && !Result) {
    auto I = dyn_cast<IntegerAttr>(A.getValue());
    if (!I || I.getValue().isNegative())
      return Op->emitOpError() << "'" << Name << "' must be a non-negative integer";
    return success();
  }
  return Op->emitOpError() << "unknown " << (Result ? "result" : "argument") << " attribute '"
                           << Name << "'";
}

} // namespace

LogicalResult D1Dialect::verifyOperationAttribute(Operation *Op, NamedAttribute A) {
  return checkAttribute(Op, A);
}

LogicalResult D1Dialect::verifyRegionArgAttribute(Operation *Op, unsigned, unsigned,
                                                  NamedAttribute A) {
  return checkValueAttribute(Op, A, false);
}

LogicalResult D1Dialect::verifyRegionResultAttribute(Operation *Op, unsigned, unsigned,
                                                     NamedAttribute A) {
  return checkValueAttribute(Op, A, true);
}
