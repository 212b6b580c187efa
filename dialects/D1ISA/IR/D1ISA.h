//===- D1ISA.h - The ISA dialect: one op per D1 instruction ----*- C++ -*-===//
#ifndef D1_D1ISA_IR_D1ISA_H
#define D1_D1ISA_IR_D1ISA_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/D1ISA/IR/D1ISADialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/D1ISA/IR/D1ISATypes.h.inc"

#define GET_OP_CLASSES
#include "dialects/D1ISA/IR/D1ISAOps.h.inc"

#endif
