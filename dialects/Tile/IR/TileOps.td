//===- TileOps.td - The tile dialect: SRAM tiles and DMA ------*- tablegen -*-===//
//
// The middle level of d1c. Tensors are memrefs in DRAM (#tile.mem<dram>)
// or in a core's SRAM (#tile.mem<sram>). Work is split into loops (scf.for)
// over tiles that fit in SRAM; tile.dma moves strided blocks between the two
// memories, and micro-kernel ops compute on SRAM buffers. SRAM planning
// assigns every SRAM buffer an address; the lowering to the ISA dialect
// expands each op into instructions.
//
//===----------------------------------------------------------------------===//
#ifndef D1_DIALECTS_TILE_TD
#define D1_DIALECTS_TILE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tile_Dialect : Dialect {
  let name = "tile";
  let cppNamespace = "::d1::tile";
  let summary = "SRAM tiles, DMA between DRAM and SRAM, and micro-kernels";
  let description = [{
    Buffers are memrefs with a static shape and an identity layout whose
    memory space is a `#tile.mem` attribute: `#tile.mem<dram>` (the chip's
    DRAM) or `#tile.mem<sram>` (the core's SRAM). Every access names a
    buffer and an element offset (an index value) from its start, so the
    lowering computes addresses as base + offset * element size without
    memref descriptors. Every op declares what it reads and writes of each
    buffer operand, so MLIR's CSE, DCE and loop-invariant code motion can
    reason about tile IR.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
}

def Tile_MemKindAttr : I32EnumAttr<"MemKind", "memory of a tile buffer", [
    I32EnumAttrCase<"DRAM", 0, "dram">, I32EnumAttrCase<"SRAM", 1, "sram">]> {
  let cppNamespace = "::d1::tile";
  let genSpecializedAttr = 0;
}

def Tile_MemorySpaceAttr : AttrDef<Tile_Dialect, "MemorySpace"> {
  let mnemonic = "mem";
  let summary = "The memory a tile buffer lives in";
  let description = [{
    The memory space of every tile buffer (a memref's memory space):
    `#tile.mem<dram>` for the chip's DRAM, `#tile.mem<sram>` for the
    executing core's SRAM.

    ```mlir
    %t = memref.alloc() : memref<256xf32, #tile.mem<sram>>
    func.func @main(%x: memref<1x64x56x56xf32, #tile.mem<dram>>)
    ```

    The attribute is a struct so that another core's SRAM, for the mesh, is
    one more parameter (`#tile.mem<sram, core = [r, c]>`) and not a new
    encoding.
  }];
  let parameters = (ins EnumParameter<Tile_MemKindAttr>:$kind);
  let assemblyFormat = "`<` $kind `>`";
  let extraClassDeclaration = [{
    bool isSram() const { return getKind() == MemKind::SRAM; }
    bool isDram() const { return getKind() == MemKind::DRAM; }
  }];
}

class Tile_Op<string mnemonic, list<Trait> traits = []> : Op<Tile_Dialect, mnemonic, traits>;

def Tile_Buffer : ConfinedType<
    MemRefRankOf<[F32, I1, I8, I16, I32, I64, UI8, UI16, UI32, UI64, F64, F16, BF16],
                 [0, 1, 2, 3, 4, 5, 6, 7, 8]>,
    [CPred<"::llvm::isa_and_nonnull<::d1::tile::MemorySpaceAttr>("
           "::llvm::cast<::mlir::MemRefType>($_self).getMemorySpace())">],
    "memref in #tile.mem<dram> or #tile.mem<sram>", "::mlir::MemRefType">;

// Buffer operands with what the op does to them, for MLIR's side-effect
// analyses (MemoryEffectOpInterface, generated from these).
def Tile_ReadBuffer : Arg<Tile_Buffer, "read", [MemRead]>;
def Tile_WrittenBuffer : Arg<Tile_Buffer, "written", [MemWrite]>;
def Tile_UpdatedBuffer : Arg<Tile_Buffer, "read and written", [MemRead, MemWrite]>;
def Tile_OptionalReadBuffer : Arg<Optional<Tile_Buffer>, "read", [MemRead]>;

def Tile_DmaToken : TypeDef<Tile_Dialect, "DmaToken"> {
  let mnemonic = "dma_token";
  let summary = "A started copy, to wait for";
  let description = [{
    The result of a `tile.dma` that only starts its copy; `tile.dma_wait`
    consumes it. A token may flow through `scf.for` iteration arguments and
    `scf.if` results (double buffering starts the next tile's copy in one
    iteration and waits for it in the next). `tile-assign-semaphores` maps
    the tokens to the core's semaphores.
  }];
}

def Tile_ViewOp : Tile_Op<"view", [Pure]> {
  let summary = "The same storage seen with another shape (reshape is free)";
  let arguments = (ins Tile_Buffer:$source);
  let results = (outs Tile_Buffer:$result);
  let assemblyFormat = "$source attr-dict `:` type($source) `to` type($result)";
  let hasVerifier = 1;
}

def Tile_DmaOp : Tile_Op<"dma"> {
  let summary = "Copy a strided block between two buffers (or start the copy)";
  let description = [{
    Copies `sizes[0] x sizes[1] x sizes[2]` elements: rows of `sizes[2]`
    contiguous elements (innermost), `sizes[1]` rows per plane and `sizes[0]`
    planes; element (p, r, e) comes from `src[src_offset + p * src_strides[0]
    + r * src_strides[1] + e]` and goes to the same place relative to
    `dst_offset` and `dst_strides`. One of the buffers is in SRAM.

    Without a result the copy is complete when the op is. With a
    `!tile.dma_token` result it only starts: the `tile.dma_wait` that
    consumes the token (naming the same source and destination) must come
    before either buffer is touched again, and compute placed in between
    overlaps the copy (double buffering). `tile-assign-semaphores` gives
    each started copy a semaphore, `sem = N` (1 to 31; semaphore 0 is the
    waited copies'), which counts one when the copy completes.

    ```mlir
    tile.dma %w[%i] -> %buf[%c0] sizes [1, 16, 64] src_strides [0, 256] dst_strides [0, 64]
        : memref<256x256xf32, #tile.mem<dram>>, memref<16x64xf32, #tile.mem<sram>>
    %t = tile.dma %x[%j] -> %in[%half] sizes [8, 10, 58] src_strides [3136, 56]
        dst_strides [580, 58]
        : memref<1x8x56x56xf32, #tile.mem<dram>>, memref<9280xf32, #tile.mem<sram>> -> !tile.dma_token
    ```
  }];
  let arguments = (ins Tile_ReadBuffer:$src, Index:$src_offset, Tile_WrittenBuffer:$dst, Index:$dst_offset,
                       DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$src_strides,
                       DenseI64ArrayAttr:$dst_strides, OptionalAttr<I64Attr>:$sem);
  let results = (outs Optional<Tile_DmaToken>:$token);
  let assemblyFormat = [{
    $src `[` $src_offset `]` `->` $dst `[` $dst_offset `]` `sizes` $sizes
    `src_strides` $src_strides `dst_strides` $dst_strides attr-dict `:` type($src) `,` type($dst)
    (`->` type($token)^)?
  }];
  let hasVerifier = 1;
}

def Tile_DmaWaitOp : Tile_Op<"dma_wait"> {
  let summary = "Wait for the copy started on a semaphore";
  let description = [{
    Waits until the copy whose token it consumes completes. It names the
    copy's source and destination, so that the memory planners keep both
    alive (and unshared) until the copy is done. `sem` is the copy's
    semaphore, set by `tile-assign-semaphores`.

    ```mlir
    tile.dma_wait %t on %x -> %in
        : memref<1x8x56x56xf32, #tile.mem<dram>>, memref<9280xf32, #tile.mem<sram>>
    ```
  }];
  let arguments = (ins Tile_DmaToken:$token, Tile_ReadBuffer:$src, Tile_WrittenBuffer:$dst,
                       OptionalAttr<I64Attr>:$sem);
  let assemblyFormat = [{
    $token `on` $src `->` $dst attr-dict `:` type($src) `,` type($dst)
  }];
  let hasVerifier = 1;
}

def Tile_MatmulOp : Tile_Op<"matmul"> {
  let summary = "C[m x n] = (accumulate ? C : 0) + A[m x k] * B[k x n] on SRAM";
  let description = [{
    Row-major blocks with leading dimensions `lda`, `ldb`, `ldc` (elements),
    starting at the given element offsets of SRAM buffers. fp32 on the vector
    unit's FMA.
  }];
  let arguments = (ins Tile_ReadBuffer:$a, Index:$a_offset, Tile_ReadBuffer:$b, Index:$b_offset,
                       Tile_UpdatedBuffer:$c, Index:$c_offset, I64Attr:$m, I64Attr:$n, I64Attr:$k,
                       I64Attr:$lda, I64Attr:$ldb, I64Attr:$ldc, BoolAttr:$accumulate);
  let assemblyFormat = [{
    $a `[` $a_offset `]` `,` $b `[` $b_offset `]` `->` $c `[` $c_offset `]` attr-dict
    `:` type($a) `,` type($b) `,` type($c)
  }];
  let hasVerifier = 1;
}

def Tile_MatmulMmaOp : Tile_Op<"matmul_mma"> {
  let summary = "C[m x n] = (accumulate ? C : 0) + A[m x k] * B[k x n] on the matrix unit";
  let description = [{
    As `tile.matmul` (fp32 row-major blocks with leading dimensions `lda`,
    `ldb`, `ldc`), with bf16 products: A and B are first rounded to bf16
    (nearest even) into `scratch` as d1/Planning/MmaConv.h lays them out
    (`mmaMatmulLayout`), then each 8 x 8 block of C accumulates in fp32 on
    the matrix unit, 4 terms of k at a time. Each product is exact.

    ```mlir
    tile.matmul_mma %a[%c0], %b[%c0], %s[%c0] -> %c[%c0] {m = 16 : i64,
        n = 64 : i64, k = 32 : i64, lda = 32 : i64, ldb = 64 : i64,
        ldc = 64 : i64, accumulate = false}
        : memref<512xf32, #tile.mem<sram>>, memref<2048xf32, #tile.mem<sram>>, memref<2688xbf16, #tile.mem<sram>>, memref<1024xf32, #tile.mem<sram>>
    ```
  }];
  let arguments = (ins Tile_ReadBuffer:$a, Index:$a_offset, Tile_ReadBuffer:$b, Index:$b_offset,
                       Tile_UpdatedBuffer:$scratch, Index:$scratch_offset,
                       Tile_UpdatedBuffer:$c, Index:$c_offset, I64Attr:$m, I64Attr:$n, I64Attr:$k,
                       I64Attr:$lda, I64Attr:$ldb, I64Attr:$ldc, BoolAttr:$accumulate);
  let assemblyFormat = [{
    $a `[` $a_offset `]` `,` $b `[` $b_offset `]` `,` $scratch `[` $scratch_offset `]` `->`
    $c `[` $c_offset `]` attr-dict `:` type($a) `,` type($b) `,` type($scratch) `,` type($c)
  }];
  let hasVerifier = 1;
}

def Tile_EltKindAttr : I32EnumAttr<"EltKind", "elementwise function", [
    I32EnumAttrCase<"Copy", 0, "copy">, I32EnumAttrCase<"Add", 1, "add">,
    I32EnumAttrCase<"Sub", 2, "sub">, I32EnumAttrCase<"Mul", 3, "mul">,
    I32EnumAttrCase<"Div", 4, "div">, I32EnumAttrCase<"Max", 5, "max">,
    I32EnumAttrCase<"Min", 6, "min">, I32EnumAttrCase<"Relu", 7, "relu">,
    I32EnumAttrCase<"Neg", 8, "neg">, I32EnumAttrCase<"Abs", 9, "abs">,
    I32EnumAttrCase<"Exp", 10, "exp">, I32EnumAttrCase<"Sqrt", 11, "sqrt">,
    I32EnumAttrCase<"Reciprocal", 12, "reciprocal">, I32EnumAttrCase<"Sigmoid", 13, "sigmoid">,
    I32EnumAttrCase<"Tanh", 14, "tanh">, I32EnumAttrCase<"Erf", 15, "erf">,
    I32EnumAttrCase<"Log", 16, "log">, I32EnumAttrCase<"Pow", 17, "pow">,
    I32EnumAttrCase<"LeakyRelu", 18, "leaky_relu">, I32EnumAttrCase<"Clip", 19, "clip">,
    I32EnumAttrCase<"Affine", 20, "affine">, I32EnumAttrCase<"Fill", 21, "fill">,
    I32EnumAttrCase<"Rsqrt", 22, "rsqrt">, I32EnumAttrCase<"Floor", 23, "floor">,
    I32EnumAttrCase<"Ceil", 24, "ceil">, I32EnumAttrCase<"Round", 25, "round">,
    I32EnumAttrCase<"Sign", 26, "sign">, I32EnumAttrCase<"Sin", 27, "sin">,
    I32EnumAttrCase<"Cos", 28, "cos">, I32EnumAttrCase<"Atan", 29, "atan">,
    I32EnumAttrCase<"Mod", 30, "mod">, I32EnumAttrCase<"FMod", 31, "fmod">,
    I32EnumAttrCase<"Shl", 32, "shl">, I32EnumAttrCase<"Shr", 33, "shr">,
    I32EnumAttrCase<"And", 34, "and">, I32EnumAttrCase<"Or", 35, "or">,
    I32EnumAttrCase<"Xor", 36, "xor">, I32EnumAttrCase<"Not", 37, "not">,
    I32EnumAttrCase<"Eq", 38, "eq">, I32EnumAttrCase<"Lt", 39, "lt">,
    I32EnumAttrCase<"Le", 40, "le">, I32EnumAttrCase<"Gt", 41, "gt">,
    I32EnumAttrCase<"Ge", 42, "ge">, I32EnumAttrCase<"Where", 43, "where">,
    I32EnumAttrCase<"IsNaN", 44, "isnan">, I32EnumAttrCase<"IsInf", 45, "isinf">]> {
  let cppNamespace = "::d1::tile";
}

def Tile_ElementwiseOp : Tile_Op<"elementwise", [AttrSizedOperandSegments]> {
  let summary = "out[i] = f(in0[i * s0], in1[i * s1], in2[i * s2]) for i < count, on SRAM";
  let description = [{
    Unary kinds read `in0` only, `where` reads three inputs (in0 is the
    condition). An input stride of 0 broadcasts one element; 1 walks it.
    `params` carry the constants of leaky_relu (alpha), clip (min, max),
    affine (scale, shift: x * scale + shift), fill (the value; the input is
    not read) and isinf (detect negative, detect positive: 0 or 1).

    Element types: fp32 throughout runs on the vector unit; any other type
    (integers of every width and sign, bool as one byte, comparisons of fp32
    giving bool, `where` on any type) runs element by element with scalar
    instructions. Inputs share one type, except `where`'s condition (bool);
    comparisons and isnan/isinf give bool, everything else the inputs' type.

    ```mlir
    tile.elementwise lt %a[%c0], %b[%c0] -> %m[%c0] {count = 16 : i64, in0_stride = 1 : i64,
        in1_stride = 0 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xi1, #tile.mem<sram>>, memref<1xf32, #tile.mem<sram>>
    ```
  }];
  let arguments = (ins Tile_EltKindAttr:$kind, Tile_ReadBuffer:$in0, Index:$in0_offset,
                       Tile_OptionalReadBuffer:$in1, Optional<Index>:$in1_offset,
                       Tile_OptionalReadBuffer:$in2, Optional<Index>:$in2_offset,
                       Tile_WrittenBuffer:$out, Index:$out_offset, I64Attr:$count,
                       I64Attr:$in0_stride, I64Attr:$in1_stride,
                       DefaultValuedAttr<I64Attr, "0">:$in2_stride, DenseF32ArrayAttr:$params);
  let assemblyFormat = [{
    $kind $in0 `[` $in0_offset `]` (`,` $in1^ `[` $in1_offset `]`)? (`,` $in2^ `[` $in2_offset `]`)?
    `->` $out `[` $out_offset `]` attr-dict `:` type($in0) `,` type($out) (`,` type($in1)^)? (`,` type($in2)^)?
  }];
  let hasVerifier = 1;
}

def Tile_WindowKindAttr : I32EnumAttr<"WindowKind", "window reduction", [
    I32EnumAttrCase<"Conv", 0, "conv">, I32EnumAttrCase<"Max", 1, "max">,
    I32EnumAttrCase<"Sum", 2, "sum">, I32EnumAttrCase<"Min", 3, "min">,
    I32EnumAttrCase<"Prod", 4, "prod">]> {
  let cppNamespace = "::d1::tile";
}

def Tile_Conv2DOp : Tile_Op<"conv2d", [AttrSizedOperandSegments]> {
  let summary = "Sliding-window kernel over a padded SRAM input tile (convolution or pooling)";
  let description = [{
    The input tile `x` holds `channels` planes of `in_rows` x `in_cols`
    elements (already padded). For each output row `oy < out_rows` and column
    `ox < out_cols` the window starts at (oy * stride_h, ox * stride_w);
    window element (ky, kx) is at (+ky * dil_h, +kx * dil_w).

    conv: out[f][oy][ox] = (accumulate ? out : 0) + sum over c, ky, kx of
          w[f][(c * kh + ky) * kw + kx] * x[c][...]   for f < filters;
    max / sum: out[c][oy][ox] = max / sum over ky, kx of x[c][...] (with
          accumulate, combined with the old value), for c < channels.

    `w`, when present, is a [filters x channels * kh * kw] row-major SRAM
    block. The output tile is [filters or channels][out_rows][out_cols].
  }];
  let arguments = (ins Tile_WindowKindAttr:$kind, Tile_ReadBuffer:$x, Index:$x_offset,
                       Tile_OptionalReadBuffer:$w, Optional<Index>:$w_offset,
                       Tile_UpdatedBuffer:$out, Index:$out_offset,
                       I64Attr:$channels, I64Attr:$filters, I64Attr:$in_rows, I64Attr:$in_cols,
                       I64Attr:$out_rows, I64Attr:$out_cols, I64Attr:$kh, I64Attr:$kw,
                       I64Attr:$stride_h, I64Attr:$stride_w, I64Attr:$dil_h, I64Attr:$dil_w,
                       BoolAttr:$accumulate);
  let assemblyFormat = [{
    $kind $x `[` $x_offset `]` (`,` $w^ `[` $w_offset `]`)? `->` $out `[` $out_offset `]`
    attr-dict `:` type($x) `,` type($out) (`,` type($w)^)?
  }];
  let hasVerifier = 1;
}

def Tile_Conv2DMmaOp : Tile_Op<"conv2d_mma", [AttrSizedOperandSegments]> {
  let summary = "Convolution of a padded SRAM tile on the matrix unit (bf16 in, fp32 out)";
  let description = [{
    As `tile.conv2d` with kind conv: `x` holds `channels` fp32 planes of
    `in_rows` x `in_cols` (padded), `out` receives `filters` fp32 planes of
    `out_rows` x `out_cols` (added to their old values with `accumulate`).
    The weights `w` are bf16 A tiles packed as d1/Planning/MmaConv.h lays
    them out: [filters / 8][kh][kw][channels / 4] tiles of 8 filters x 4
    channels (both rounded up, zero filled). `scratch` (bf16) holds the
    input's views written by `tile.mma_views` from `x` (only their shape is
    read from `x` here), then an 8 x 8 fp32 staging block and room for the
    bias rows. With `bias` (fp32, one per filter) the accumulators start
    from it: out = bias + the convolution.

    Each product is exact and accumulates in fp32, 4 channels at a time.

    ```mlir
    tile.conv2d_mma %x[%c0], %w[%c0], %s[%c0] -> %o[%c0] {channels = 64 : i64,
        filters = 64 : i64, in_rows = 3 : i64, in_cols = 58 : i64, out_rows = 1 : i64,
        out_cols = 56 : i64, kh = 3 : i64, kw = 3 : i64, stride_h = 1 : i64,
        stride_w = 1 : i64, dil_h = 1 : i64, dil_w = 1 : i64, accumulate = false}
        : memref<11136xf32, #tile.mem<sram>>, memref<36864xbf16, #tile.mem<sram>>, memref<44160xbf16, #tile.mem<sram>>, memref<3584xf32, #tile.mem<sram>>
    ```
  }];
  let arguments = (ins Tile_ReadBuffer:$x, Index:$x_offset, Tile_ReadBuffer:$w, Index:$w_offset,
                       Tile_UpdatedBuffer:$scratch, Index:$scratch_offset,
                       Tile_OptionalReadBuffer:$bias, Optional<Index>:$bias_offset,
                       Tile_UpdatedBuffer:$out, Index:$out_offset,
                       I64Attr:$channels, I64Attr:$filters, I64Attr:$in_rows, I64Attr:$in_cols,
                       I64Attr:$out_rows, I64Attr:$out_cols, I64Attr:$kh, I64Attr:$kw,
                       I64Attr:$stride_h, I64Attr:$stride_w, I64Attr:$dil_h, I64Attr:$dil_w,
                       BoolAttr:$accumulate);
  let assemblyFormat = [{
    $x `[` $x_offset `]` `,` $w `[` $w_offset `]` `,` $scratch `[` $scratch_offset `]`
    (`,` `bias` $bias^ `[` $bias_offset `]`)? `->` $out `[` $out_offset `]` attr-dict `:`
    type($x) `,` type($w) `,` type($scratch) `,` type($out) (`,` type($bias)^)?
  }];
  let hasVerifier = 1;
}

def Tile_MmaViewsOp : Tile_Op<"mma_views"> {
  let summary = "bf16 views of a padded fp32 input tile for conv2d_mma";
  let description = [{
    Writes the views of `mmaConvLayout(channels, in_rows, in_cols, out_cols,
    kw, stride_w, dil_w)` (d1/Planning/MmaConv.h) to `views`: each input
    element rounded to bf16 (nearest even), rows regrouped by column phase
    and shifted by one element where a kernel column needs it, channels up
    to a multiple of 4 zero filled. Written once per input tile, read by
    every `tile.conv2d_mma` over that tile.

    ```mlir
    tile.mma_views %x[%c0] -> %v[%c0] {channels = 64 : i64, in_rows = 3 : i64,
        in_cols = 58 : i64, out_cols = 56 : i64, kw = 3 : i64, stride_w = 1 : i64,
        dil_w = 1 : i64} : memref<11136xf32, #tile.mem<sram>>, memref<44160xbf16, #tile.mem<sram>>
    ```
  }];
  let arguments = (ins Tile_ReadBuffer:$x, Index:$x_offset, Tile_WrittenBuffer:$views, Index:$views_offset,
                       I64Attr:$channels, I64Attr:$in_rows, I64Attr:$in_cols, I64Attr:$out_cols,
                       I64Attr:$kw, I64Attr:$stride_w, I64Attr:$dil_w);
  let assemblyFormat = [{
    $x `[` $x_offset `]` `->` $views `[` $views_offset `]` attr-dict `:` type($x) `,` type($views)
  }];
  let hasVerifier = 1;
}

def Tile_ReduceOp : Tile_Op<"reduce"> {
  let summary = "out[i] = sum, max, min or product of in[i * len .. i * len + len) for i < count";
  let arguments = (ins Tile_WindowKindAttr:$kind, Tile_ReadBuffer:$in, Index:$in_offset,
                       Tile_WrittenBuffer:$out, Index:$out_offset, I64Attr:$count, I64Attr:$len);
  let assemblyFormat = [{
    $kind $in `[` $in_offset `]` `->` $out `[` $out_offset `]` attr-dict `:` type($in) `,` type($out)
  }];
  let hasVerifier = 1;
}

def Tile_ScatterOp : Tile_Op<"scatter"> {
  let summary = "out[indices[k]] = updates[k] (or combined with it) for k < count, on SRAM";
  let description = [{
    Element by element in order, so a repeated index keeps the last update
    (or combines all of them). `kind` is none, add, mul, max or min (the
    enum of graph.scatter, as an integer). Indices are int64 in [0, size of
    out).
  }];
  let arguments = (ins Tile_UpdatedBuffer:$out, Tile_ReadBuffer:$indices, Tile_ReadBuffer:$updates,
                       I64Attr:$count, I64Attr:$kind);
  let assemblyFormat = [{
    $out `[` $indices `]` `,` $updates attr-dict `:` type($out) `,` type($indices) `,` type($updates)
  }];
  let hasVerifier = 1;
}

def Tile_ConvertOp : Tile_Op<"convert"> {
  let summary = "out[i] = in[i] converted to out's element type, for i < count, on SRAM";
  let description = [{
    Integers to f32 round to nearest even (64-bit and uint32 values as
    (x >> 16) * 65536 + (x & 0xffff): correctly rounded below 2^40 in
    magnitude); f32 to
    integers truncates toward zero and saturates at the int32 range (NaN
    gives 0). Between integer types the value wraps to the target width
    (numpy's astype); to bool, any non-zero value is true. f64, f16 and bf16
    convert to and from f32 with round to nearest even (infinities, NaN and
    subnormals kept). f32 <-> i32 runs 16 lanes at a time on the vector
    unit, other pairs element by element.
  }];
  let arguments = (ins Tile_ReadBuffer:$in, Index:$in_offset, Tile_WrittenBuffer:$out, Index:$out_offset,
                       I64Attr:$count);
  let assemblyFormat = [{
    $in `[` $in_offset `]` `->` $out `[` $out_offset `]` attr-dict `:` type($in) `,` type($out)
  }];
}

def Tile_GatherOp : Tile_Op<"gather"> {
  let summary = "out[o][j][:] = data[o][indices[j]][:] with indices read at run time";
  let description = [{
    `data` (DRAM) is viewed as [outer, len, inner] and `out` (DRAM) as
    [outer, count, inner]; `indices` are `count` int64 values in SRAM (a
    negative index counts from the end). Each row goes through `stage`, an
    SRAM buffer of outer * inner elements.
  }];
  let arguments = (ins Tile_ReadBuffer:$data, Tile_ReadBuffer:$indices, Index:$indices_offset,
                       Tile_UpdatedBuffer:$stage, Tile_WrittenBuffer:$out, I64Attr:$count, I64Attr:$outer,
                       I64Attr:$len, I64Attr:$inner);
  let assemblyFormat = [{
    $data `[` $indices `[` $indices_offset `]` `]` `via` $stage `->` $out attr-dict
    `:` type($data) `,` type($indices) `,` type($stage) `,` type($out)
  }];
}

#endif
