//===- Passes.td - d1c's lowering passes -----------------------*- tablegen -*-===//
#ifndef D1_CONVERSION_PASSES_TD
#define D1_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def GraphToTile : Pass<"convert-graph-to-tile", "mlir::ModuleOp"> {
  let summary = "Lower graph ops to tiled loops of DMA and SRAM micro-kernels";
  let description = [{
    A dialect conversion with one pattern per graph op, grouped by op family
    (`lib/Conversion/GraphToTile/`). Tensors become DRAM memrefs: `@main`'s
    inputs and outputs become its arguments (outputs by destination),
    constants become `memref.global`s, and every other value a DRAM
    allocation. Each graph op becomes loops over
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
    func.func @main(%x: memref<4x8xf32, #tile.mem<dram>>, %r: memref<4x8xf32, #tile.mem<dram>>) {
      %in = memref.alloc() : memref<32xf32, #tile.mem<sram>>
      %out = memref.alloc() : memref<32xf32, #tile.mem<sram>>
      tile.dma %x[%c0] -> %in[%c0] sizes [1, 4, 8] src_strides [0, 8] dst_strides [0, 8] ...
      tile.elementwise relu %in[%c0] -> %out[%c0] {count = 32 ...}
      tile.dma %out[%c0] -> %r[%c0] sizes [1, 4, 8] ...
      return
    }
    ```
  }];
  let options = [
    Option<"Precision", "precision", "std::string", "\"fp32\"",
           "fp32: convolutions and matrix products on the vector unit's FMA; bf16: on the matrix unit "
           "(bf16 inputs, fp32 accumulation)">,
    Option<"DoubleBuffer", "double-buffer", "bool", "true",
           "Load the next tile's input or weights while the current tile computes, where that "
           "moves no more DRAM bytes">
  ];
  let dependentDialects = ["d1::tile::TileDialect", "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect", "mlir::arith::ArithDialect"];
}

def TileToISA : Pass<"convert-tile-to-d1isa", "mlir::ModuleOp"> {
  let summary = "Lower tile ops to one d1isa op per instruction";
  let description = [{
    Reads the addresses `tile-plan-memory` gave every buffer, then replaces
    @main by an argument-less function of d1isa ops: index arithmetic
    becomes scalar instructions, `tile.dma` a `dma` with a descriptor placed in SRAM after the buffers and
    a `sem.wait`, `tile.elementwise` a vector loop, `tile.matmul` an FMA
    micro-kernel keeping a 4 x 48 block of C in registers. Loops stay scf.for
    over index values until emission. The I/O layout, the DRAM size and the
    descriptors are recorded as attributes for the emitter.

    With `activation-tables`, an odd activation that has a table form (erf:
    32 cubic pieces over [0, 4], `d1/Support/FunctionTable.h`) is computed
    from its table where that form takes fewer vector-unit cycles than the
    computed one (counted from the ISA's unit use): the table sits in SRAM
    with the descriptors, its eight vector registers are loaded once before
    the loop, and each lane's piece is picked with `vperm.32`.

    Before:
    ```mlir
    tile.elementwise relu %in[%c0] -> %out[%c0] {count = 16 ...} : ...
    ```
    After:
    ```mlir
    %a = d1isa.li {imm = 0 : i64} : index
    %v = d1isa.vld %a {imm = 0 : i64} : (index) -> !d1isa.v
    %z = d1isa.vbcasti_32 {imm = 0 : i64} : () -> !d1isa.v
    %r = d1isa.vmax_f32 %v, %z : (!d1isa.v, !d1isa.v) -> !d1isa.v
    d1isa.vst %r, %b {imm = 0 : i64} : (!d1isa.v, index) -> ()
    ```
  }];
  let options = [
    Option<"ActivationTables", "activation-tables", "bool", "false",
           "Compute transcendental activations from tables in SRAM where that takes fewer vector-unit cycles">,
    Option<"SoftwarePipelining", "software-pipelining", "bool", "false",
           "Load the next K step's operands while the current one computes, in the convolution, "
           "matmul and matrix-unit K loops">
  ];
  let dependentDialects = ["d1::d1isa::D1ISADialect", "mlir::scf::SCFDialect"];
}

#endif
