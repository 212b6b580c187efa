//===- Tile.h - The tile dialect --------------------------------*- C++ -*-===//
#ifndef D1_DIALECTS_TILE_TILE_H
#define D1_DIALECTS_TILE_TILE_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "d1/Dialects/Tile/TileEnums.h.inc"
#include "d1/Dialects/Tile/TileDialect.h.inc"

#define GET_OP_CLASSES
#include "d1/Dialects/Tile/TileOps.h.inc"

namespace d1::tile {
/// Memory spaces of tile buffers.
enum class Space : unsigned { DRAM = 0, SRAM = 1 };
Space spaceOf(mlir::Type MemRef);
} // namespace d1::tile

#endif
