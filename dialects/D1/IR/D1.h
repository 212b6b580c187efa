//===- D1.h - The d1 dialect: the target and the d1.* attributes -*- C++ -*-===//
#ifndef D1_D1_IR_D1_H
#define D1_D1_IR_D1_H

#include "d1/Target/Machine.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"

#include "dialects/D1/IR/D1Dialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/D1/IR/D1Attrs.h.inc"

namespace d1 {

/// The name of the module attribute holding the target.
constexpr llvm::StringLiteral TargetAttrName = "d1.target";

/// The machine Op's module is compiled for: its `d1.target`, or the
/// built-in machine when the module has none.
MachineDesc getTargetMachine(mlir::Operation *Op);

} // namespace d1

#endif
