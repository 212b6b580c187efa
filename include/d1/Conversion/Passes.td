//===- Passes.td - d1c's lowering passes -----------------------*- tablegen -*-===//
#ifndef D1_CONVERSION_PASSES_TD
#define D1_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def GraphToTile : Pass<"d1-graph-to-tile", "mlir::ModuleOp"> {
  let summary = "Lower graph ops to tiled loops of DMA and SRAM micro-kernels";
  let description = [{
    Tensors become DRAM memrefs: `@main`'s inputs and outputs become its
    arguments (outputs by destination), constants become `memref.global`s,
    and every other value a DRAM allocation. Each graph op becomes loops over
    tiles sized to fit the core's SRAM (`sram_bytes` of the target): DMA the
    input tiles in, run `tile.matmul` / `tile.elementwise` on them, DMA the
    result out. Remainders get their own static-size copy of the body.

    Before:
    ```mlir
    func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
      %r = graph.relu %x : tensor<4x8xf32>
      return %r : tensor<4x8xf32>
    }
    ```
    After:
    ```mlir
    func.func @main(%x: memref<4x8xf32>, %r: memref<4x8xf32>) {
      %in = memref.alloc() : memref<32xf32, 1>
      %out = memref.alloc() : memref<32xf32, 1>
      tile.dma %x[%c0] -> %in[%c0] sizes [1, 4, 8] src_strides [0, 8] dst_strides [0, 8] ...
      tile.elementwise relu %in[%c0] -> %out[%c0] {count = 32 ...}
      tile.dma %out[%c0] -> %r[%c0] sizes [1, 4, 8] ...
      return
    }
    ```
  }];
  let options = [
    Option<"SramBytes", "sram-bytes", "int64_t", "1310720",
           "SRAM per core available to tiles (the target's sram_bytes)">
  ];
  let dependentDialects = ["d1::tile::TileDialect", "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect", "mlir::arith::ArithDialect"];
}

#endif
