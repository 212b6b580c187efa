//===- D1ISA.h - The ISA dialect: one op per D1 instruction ----*- C++ -*-===//
#ifndef D1_DIALECTS_ISA_D1ISA_H
#define D1_DIALECTS_ISA_D1ISA_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "d1/Dialects/ISA/D1ISADialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "d1/Dialects/ISA/D1ISATypes.h.inc"

#define GET_OP_CLASSES
#include "d1/Dialects/ISA/D1ISAOps.h.inc"

#endif
