//===- Passes.h - the tile dialect's passes -*- C++ -*-===//
#ifndef D1_TILE_TRANSFORMS_PASSES_H
#define D1_TILE_TRANSFORMS_PASSES_H

#include "dialects/Tile/IR/Tile.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace d1 {
#define GEN_PASS_DECL
#include "dialects/Tile/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace d1

#endif
