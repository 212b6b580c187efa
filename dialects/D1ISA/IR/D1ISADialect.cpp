//===- D1ISADialect.cpp - The ISA dialect: registration ---------------------===//
#include "dialects/D1ISA/IR/D1ISA.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace d1::d1isa;

#include "dialects/D1ISA/IR/D1ISADialect.cpp.inc"

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
