//===- Tile.h - The tile dialect --------------------------------*- C++ -*-===//
#ifndef D1_TILE_IR_TILE_H
#define D1_TILE_IR_TILE_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Tile/IR/TileDialect.h.inc"
#include "dialects/Tile/IR/TileEnums.h.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/Tile/IR/TileAttrs.h.inc"
#define GET_TYPEDEF_CLASSES
#include "dialects/Tile/IR/TileTypes.h.inc"

#define GET_OP_CLASSES
#include "dialects/Tile/IR/TileOps.h.inc"

namespace d1::tile {
/// Memory spaces of tile buffers.
enum class Space : unsigned { DRAM = 0, SRAM = 1 };
/// The memory of a tile buffer (a memref whose memory space is a
/// #tile.mem attribute; anything else counts as DRAM).
Space spaceOf(mlir::Type MemRef);
/// A tile buffer type: Shape of Element in DRAM or in the core's SRAM.
mlir::MemRefType bufferType(llvm::ArrayRef<int64_t> Shape, mlir::Type Element, Space S);
/// The highest semaphore a started copy may use (1 to this; 0 is the
/// waited copies'): the ISA's semaphore operand range.
int64_t maxSemaphore();
/// Bytes one element of a buffer takes in memory (a bool takes one byte).
int64_t elementBytes(mlir::Type ElementOrShaped);
/// Inputs an elementwise kind reads (1 to 3; fill reads none but names one).
unsigned arity(EltKind K);
/// Constants in `params` an elementwise kind takes.
unsigned numParams(EltKind K);
/// Kinds whose result is bool whatever their inputs are.
bool givesBool(EltKind K);
} // namespace d1::tile

#endif
