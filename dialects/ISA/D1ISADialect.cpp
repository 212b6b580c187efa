//===- D1ISADialect.cpp - The ISA dialect: registration ---------------------===//
#include "d1/Dialects/ISA/D1ISA.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace d1::d1isa;

#include "d1/Dialects/ISA/D1ISADialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "d1/Dialects/ISA/D1ISATypes.cpp.inc"

void D1ISADialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "d1/Dialects/ISA/D1ISATypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "d1/Dialects/ISA/D1ISAOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "d1/Dialects/ISA/D1ISAOps.cpp.inc"
