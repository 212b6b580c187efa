//===- GraphOps.td - The graph dialect: tensor-level ops -----*- tablegen -*-===//
//
// The top level of d1c: one op per tensor operation, with static shapes, in
// NCHW layout for images. The ONNX importer produces it; layer fusion runs on
// it; it lowers to the tile dialect.
//
//===----------------------------------------------------------------------===//
#ifndef D1_DIALECTS_GRAPH_TD
#define D1_DIALECTS_GRAPH_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "dialects/Graph/IR/GraphInterfaces.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let cppNamespace = "::d1::graph";
  let summary = "Tensor-level operations of d1c";
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let description = [{
    Static-shape tensor operations: convolution, matrix products,
    elementwise families with numpy broadcasting, pooling, reductions,
    softmax, normalization and data movement. Every op verifies its operand
    and result shapes, so a pass that builds a wrong shape fails at once.
  }];
}

//===----------------------------------------------------------------------===//
// Tiling decisions (graph-select-tiling), in an op's `graph.tiling`
//===----------------------------------------------------------------------===//

def Graph_WindowTilingAttr : AttrDef<Graph_Dialect, "WindowTiling"> {
  let mnemonic = "window_tiling";
  let summary = "How a convolution or pooling is tiled";
  let description = [{
    The tiles of a window kernel: `filters` filters (channels, pooling) by
    `channels` input channels by `rows` output rows. `input_once`: with all
    input channels in one tile, each row tile's input is loaded once for all
    filter tiles (else each filter tile's weights once for all row tiles).
    `double_input` / `double_weights`: the next tile's input or weights load
    while the current tile computes. `mma`: on the matrix unit.

    ```mlir
    %y = graph.conv %x, %w {..., graph.tiling = #graph.window_tiling<filters = 64,
        channels = 64, rows = 7, input_once = false, double_input = true,
        double_weights = false, mma = false>} : ...
    ```
  }];
  let parameters = (ins "int64_t":$filters, "int64_t":$channels, "int64_t":$rows,
                        "::mlir::BoolAttr":$input_once, "::mlir::BoolAttr":$double_input,
                        "::mlir::BoolAttr":$double_weights, "::mlir::BoolAttr":$mma);
  let assemblyFormat = "`<` struct(params) `>`";
}

def Graph_MatmulTilingAttr : AttrDef<Graph_Dialect, "MatmulTiling"> {
  let mnemonic = "matmul_tiling";
  let summary = "How a matrix product is tiled";
  let description = [{
    Tiles of `m` x `k` of the left operand, `k` x `n` of the right one and
    `m` x `n` of the result.

    ```mlir
    %y = graph.matmul %a, %b {graph.tiling = #graph.matmul_tiling<m = 64, n = 256, k = 256>} : ...
    ```
  }];
  let parameters = (ins "int64_t":$m, "int64_t":$n, "int64_t":$k);
  let assemblyFormat = "`<` struct(params) `>`";
}

def Graph_RowTilingAttr : AttrDef<Graph_Dialect, "RowTiling"> {
  let mnemonic = "row_tiling";
  let summary = "Rows per tile of a row kernel or bands of a depth-first chain";
  let description = [{
    On a `graph.fused rows` group: the whole rows each tile holds. On a
    `graph.fused depth_first` group: the output rows of the last stage per
    band (the stages' tiles follow from it, `plan::chainBands`).

    ```mlir
    %y = graph.fused rows {...} {graph.tiling = #graph.row_tiling<rows = 16>} : ...
    ```
  }];
  let parameters = (ins "int64_t":$rows);
  let assemblyFormat = "`<` struct(params) `>`";
}

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, !listconcat(traits, [Pure])>;

// Element types: fp32, bool (i1), signed (signless) and unsigned integers;
// fp64, fp16 and bf16 are storage formats (cast to fp32 to compute).
def Graph_Tensor : RankedTensorOf<[F32, I1, I8, I16, I32, I64, UI8, UI16, UI32, UI64, F64, F16, BF16]>;
def Graph_NumTensor : RankedTensorOf<[F32, I8, I16, I32, I64, UI8, UI16, UI32, UI64]>;
def Graph_IntTensor : RankedTensorOf<[I8, I16, I32, I64, UI8, UI16, UI32, UI64]>;
def Graph_BoolTensor : RankedTensorOf<[I1]>;
def Graph_BoolOrIntTensor : RankedTensorOf<[I1, I8, I16, I32, I64, UI8, UI16, UI32, UI64]>;
def Graph_F32Tensor : RankedTensorOf<[F32]>;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_Op<"constant", [ConstantLike, AllTypesMatch<["value", "result"]>]> {
  let summary = "A constant tensor (weights, folded shapes)";
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

// An elementwise op computed by tile function `kind` (no parameters).
defvar Graph_Elementwise = [Graph_ElementwiseOpInterface, Graph_IterationSpaceOpInterface];
class Graph_EltKindIs<string kind> {
  code decl = "::d1::tile::EltKind getEltKind() { return ::d1::tile::EltKind::" # kind # "; }";
}

class Graph_UnaryOp<string mnemonic, string kind, string summary_,
                    TypeConstraint T = Graph_F32Tensor>
    : Graph_Op<mnemonic, !listconcat([SameOperandsAndResultType], Graph_Elementwise)> {
  let summary = summary_;
  let extraClassDeclaration = Graph_EltKindIs<kind>.decl;
  let arguments = (ins T:$input);
  let results = (outs T:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def Graph_ReluOp : Graph_UnaryOp<"relu", "Relu", "max(x, 0)">;
def Graph_SigmoidOp : Graph_UnaryOp<"sigmoid", "Sigmoid", "1 / (1 + e^-x)">;
def Graph_TanhOp : Graph_UnaryOp<"tanh", "Tanh", "hyperbolic tangent">;
def Graph_ErfOp : Graph_UnaryOp<"erf", "Erf", "error function">;
def Graph_ExpOp : Graph_UnaryOp<"exp", "Exp", "e^x">;
def Graph_LogOp : Graph_UnaryOp<"log", "Log", "natural logarithm">;
def Graph_SqrtOp : Graph_UnaryOp<"sqrt", "Sqrt", "square root">;
def Graph_ReciprocalOp : Graph_UnaryOp<"reciprocal", "Reciprocal", "1 / x">;
def Graph_FloorOp : Graph_UnaryOp<"floor", "Floor", "largest integral value <= x">;
def Graph_CeilOp : Graph_UnaryOp<"ceil", "Ceil", "smallest integral value >= x">;
def Graph_RoundOp : Graph_UnaryOp<"round", "Round", "nearest integral value, ties to even">;
def Graph_SinOp : Graph_UnaryOp<"sin", "Sin", "sine">;
def Graph_CosOp : Graph_UnaryOp<"cos", "Cos", "cosine">;
def Graph_AtanOp : Graph_UnaryOp<"atan", "Atan", "arctangent">;
def Graph_NegOp : Graph_UnaryOp<"neg", "Neg", "-x (wraps for integers)", Graph_NumTensor>;
def Graph_AbsOp : Graph_UnaryOp<"abs", "Abs", "|x|", Graph_NumTensor>;
def Graph_SignOp : Graph_UnaryOp<"sign", "Sign", "-1, 0 or 1 (NaN stays NaN)", Graph_NumTensor>;
def Graph_NotOp : Graph_UnaryOp<"not", "Not", "logical (bool) or bitwise (integers) not",
                                Graph_BoolOrIntTensor>;

def Graph_IsNaNOp : Graph_Op<"isnan", !listconcat([SameOperandsAndResultShape], Graph_Elementwise)> {
  let summary = "true where x is NaN";
  let extraClassDeclaration = Graph_EltKindIs<"IsNaN">.decl;
  let arguments = (ins Graph_F32Tensor:$input);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Graph_IsInfOp : Graph_Op<"isinf", !listconcat([SameOperandsAndResultShape], Graph_Elementwise)> {
  let summary = "true where x is an infinity of a detected sign";
  let extraClassDeclaration = Graph_EltKindIs<"IsInf">.decl # [{
    ::llvm::SmallVector<float> getEltParams() {
      return {getDetectNegative() ? 1.0f : 0.0f, getDetectPositive() ? 1.0f : 0.0f};
    }
  }];
  let arguments = (ins Graph_F32Tensor:$input, BoolAttr:$detect_negative,
                       BoolAttr:$detect_positive);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Graph_LeakyReluOp : Graph_Op<"leaky_relu", !listconcat([SameOperandsAndResultType], Graph_Elementwise)> {
  let summary = "x if x >= 0 else alpha * x";
  let extraClassDeclaration = Graph_EltKindIs<"LeakyRelu">.decl # [{
    ::llvm::SmallVector<float> getEltParams() { return {getAlpha().convertToFloat()}; }
  }];
  let arguments = (ins Graph_F32Tensor:$input, F32Attr:$alpha);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def Graph_ClipOp : Graph_Op<"clip", !listconcat([SameOperandsAndResultType], Graph_Elementwise)> {
  let summary = "min(max(x, min), max)";
  let extraClassDeclaration = Graph_EltKindIs<"Clip">.decl # [{
    ::llvm::SmallVector<float> getEltParams() {
      return {getMin().convertToFloat(), getMax().convertToFloat()};
    }
  }];
  let arguments = (ins Graph_F32Tensor:$input, F32Attr:$min, F32Attr:$max);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

// Binary elementwise ops: both operands of one element type, numpy
// broadcasting, the result of the operands' type.
// `kind` empty: the op defines getEltKind itself (from an attribute).
class Graph_BinaryOp<string mnemonic, string kind, string summary_,
                     TypeConstraint T = Graph_NumTensor, dag attrs = (ins)>
    : Graph_Op<mnemonic, !listconcat([InferTypeOpAdaptor], Graph_Elementwise)> {
  let summary = summary_;
  let extraClassDeclaration = !if(!empty(kind), "", Graph_EltKindIs<kind>.decl);
  let description = "Elementwise with numpy (multidirectional) broadcasting.";
  let arguments = !con((ins T:$lhs, T:$rhs), attrs);
  let results = (outs T:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() { return verifyBinary(getOperation()); }
  }];
}

def Graph_AddOp : Graph_BinaryOp<"add", "Add", "lhs + rhs (wraps for integers)">;
def Graph_SubOp : Graph_BinaryOp<"sub", "Sub", "lhs - rhs (wraps for integers)">;
def Graph_MulOp : Graph_BinaryOp<"mul", "Mul", "lhs * rhs (wraps for integers)">;
def Graph_DivOp : Graph_BinaryOp<"div", "Div", "lhs / rhs; integers truncate toward zero">;
def Graph_PowOp : Graph_BinaryOp<"pow", "Pow", "lhs ^ rhs">;
def Graph_MaxOp : Graph_BinaryOp<"max", "Max", "the larger (NaN if either is NaN)">;
def Graph_MinOp : Graph_BinaryOp<"min", "Min", "the smaller (NaN if either is NaN)">;
def Graph_ModOp : Graph_BinaryOp<"mod", "", "remainder: with the divisor's sign, or C fmod's (the dividend's) when fmod is set",
                                 Graph_NumTensor, (ins BoolAttr:$fmod)> {
  let extraClassDeclaration = [{
    ::d1::tile::EltKind getEltKind() {
      return getFmod() ? ::d1::tile::EltKind::FMod : ::d1::tile::EltKind::Mod;
    }
  }];
}
def Graph_BitShiftOp : Graph_BinaryOp<"bitshift", "", "lhs shifted left (left = true) or right (logical for unsigned types) by rhs bits",
                                      Graph_IntTensor, (ins BoolAttr:$left)> {
  let extraClassDeclaration = [{
    ::d1::tile::EltKind getEltKind() {
      return getLeft() ? ::d1::tile::EltKind::Shl : ::d1::tile::EltKind::Shr;
    }
  }];
}
def Graph_AndOp : Graph_BinaryOp<"and", "And", "logical (bool) or bitwise (integers) and",
                                Graph_BoolOrIntTensor>;
def Graph_OrOp : Graph_BinaryOp<"or", "Or", "logical (bool) or bitwise (integers) or",
                                Graph_BoolOrIntTensor>;
def Graph_XorOp : Graph_BinaryOp<"xor", "Xor", "logical (bool) or bitwise (integers) xor",
                                Graph_BoolOrIntTensor>;

def Graph_ComparePredicateAttr : I32EnumAttr<"ComparePredicate", "comparison", [
    I32EnumAttrCase<"EQ", 0, "eq">, I32EnumAttrCase<"LT", 1, "lt">,
    I32EnumAttrCase<"LE", 2, "le">, I32EnumAttrCase<"GT", 3, "gt">,
    I32EnumAttrCase<"GE", 4, "ge">]> {
  let cppNamespace = "::d1::graph";
}

def Graph_CompareOp : Graph_Op<"compare", !listconcat([InferTypeOpAdaptor], Graph_Elementwise)> {
  let summary = "lhs <predicate> rhs as booleans, with numpy broadcasting";
  let description = [{
    Operands of one numeric type; unsigned types compare as unsigned. A
    comparison with NaN is false.

    ```mlir
    %m = graph.compare lt %a, %b : tensor<3x4xf32>, tensor<4xf32> -> tensor<3x4xi1>
    ```
  }];
  let arguments = (ins Graph_ComparePredicateAttr:$predicate, Graph_NumTensor:$lhs,
                       Graph_NumTensor:$rhs);
  let results = (outs Graph_BoolTensor:$result);
  let assemblyFormat = "$predicate $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::d1::tile::EltKind getEltKind();
  }];
}

def Graph_WhereOp : Graph_Op<"where", !listconcat([InferTypeOpAdaptor], Graph_Elementwise)> {
  let summary = "x where cond else y, with numpy broadcasting of all three";
  let extraClassDeclaration = Graph_EltKindIs<"Where">.decl;
  let arguments = (ins Graph_BoolTensor:$cond, Graph_Tensor:$x, Graph_Tensor:$y);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$cond `,` $x `,` $y attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Matrix products and convolution
//===----------------------------------------------------------------------===//

def Graph_MatMulOp : Graph_Op<"matmul", [InferTypeOpAdaptor, DeclareOpInterfaceMethods<Graph_IterationSpaceOpInterface, ["getLoopIteratorTypes", "getStaticLoopRanges", "getIndexingMaps"]>]> {
  let summary = "Batched matrix product with broadcast batch dimensions";
  let description = [{
    numpy matmul semantics: [..., M, K] x [..., K, N] -> [..., M, N], batch
    dimensions broadcast; a rank-1 operand is promoted and the added
    dimension removed from the result.
  }];
  let arguments = (ins Graph_F32Tensor:$lhs, Graph_F32Tensor:$rhs);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)";
  let hasVerifier = 1;
}

def Graph_GemmOp : Graph_Op<"gemm", [InferTypeOpAdaptor, DeclareOpInterfaceMethods<Graph_IterationSpaceOpInterface, ["getLoopIteratorTypes", "getStaticLoopRanges", "getIndexingMaps"]>]> {
  let summary = "alpha * op(A) * op(B) + beta * C";
  let arguments = (ins Graph_F32Tensor:$a, Graph_F32Tensor:$b, Optional<Graph_F32Tensor>:$c,
                       F32Attr:$alpha, F32Attr:$beta, BoolAttr:$trans_a, BoolAttr:$trans_b);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConvOp : Graph_Op<"conv", [InferTypeOpAdaptor, DeclareOpInterfaceMethods<Graph_IterationSpaceOpInterface, ["getLoopIteratorTypes", "getStaticLoopRanges", "getIndexingMaps"]>]> {
  let summary = "2D convolution, NCHW, with groups (depthwise included)";
  let description = [{
    Input [N, C, H, W], weight [F, C / group, KH, KW], optional bias [F];
    `pads` is [top, left, bottom, right] (explicit: auto_pad is resolved by
    the importer).
  }];
  let arguments = (ins Graph_F32Tensor:$input, Graph_F32Tensor:$weight,
                       Optional<Graph_F32Tensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$group);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling, normalization, reductions
//===----------------------------------------------------------------------===//

def Graph_MaxPoolOp : Graph_Op<"max_pool", [InferTypeOpAdaptor, DeclareOpInterfaceMethods<Graph_IterationSpaceOpInterface, ["getLoopIteratorTypes", "getStaticLoopRanges", "getIndexingMaps"]>]> {
  let summary = "2D max pooling, NCHW; pads [top, left, bottom, right]";
  let arguments = (ins Graph_F32Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Graph_AvgPoolOp : Graph_Op<"avg_pool", [InferTypeOpAdaptor, DeclareOpInterfaceMethods<Graph_IterationSpaceOpInterface, ["getLoopIteratorTypes", "getStaticLoopRanges", "getIndexingMaps"]>]> {
  let summary = "2D average pooling, NCHW; pads [top, left, bottom, right]";
  let arguments = (ins Graph_F32Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       BoolAttr:$count_include_pad);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Graph_BatchNormOp : Graph_Op<"batch_norm"> {
  let summary = "Inference batch normalization over channel axis 1";
  let arguments = (ins Graph_F32Tensor:$input, Graph_F32Tensor:$scale, Graph_F32Tensor:$bias,
                       Graph_F32Tensor:$mean, Graph_F32Tensor:$variance, F32Attr:$epsilon);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// y = x * Scale[c] + Shift[c] per channel, Scale = scale / sqrt(variance
    /// + epsilon) and Shift = bias - mean * Scale in fp32: the one definition
    /// the lowering and graph-fold-batch-norm share, so that a batch norm rounds
    /// alike wherever it goes. False when a parameter is not a constant.
    bool affine(std::vector<float> &Scale, std::vector<float> &Shift);
  }];
}

def Graph_LayerNormOp : Graph_Op<"layer_norm"> {
  let summary = "Layer normalization over the dimensions from `axis` on";
  let arguments = (ins Graph_F32Tensor:$input, Graph_F32Tensor:$scale,
                       Optional<Graph_F32Tensor>:$bias, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_SoftmaxOp : Graph_Op<"softmax", [SameOperandsAndResultType, DeclareOpInterfaceMethods<Graph_IterationSpaceOpInterface, ["getLoopIteratorTypes", "getStaticLoopRanges", "getIndexingMaps"]>]> {
  let summary = "Softmax along one axis";
  let arguments = (ins Graph_F32Tensor:$input, I64Attr:$axis);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Graph_ReduceKindAttr : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"Sum", 0, "sum">, I32EnumAttrCase<"Mean", 1, "mean">,
    I32EnumAttrCase<"Max", 2, "max">, I32EnumAttrCase<"Min", 3, "min">,
    I32EnumAttrCase<"Prod", 4, "prod">]> {
  let cppNamespace = "::d1::graph";
}

def Graph_ReduceOp : Graph_Op<"reduce", [InferTypeOpAdaptor, DeclareOpInterfaceMethods<Graph_IterationSpaceOpInterface, ["getLoopIteratorTypes", "getStaticLoopRanges", "getIndexingMaps"]>]> {
  let summary = "Sum, mean, max, min or product over some axes (any subset)";
  let arguments = (ins Graph_F32Tensor:$input, Graph_ReduceKindAttr:$kind,
                       DenseI64ArrayAttr:$axes, BoolAttr:$keepdims);
  let results = (outs Graph_F32Tensor:$result);
  let assemblyFormat = "$kind $input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Graph_ReshapeOp : Graph_Op<"reshape"> {
  let summary = "Same elements, new static shape (Reshape, Flatten, Squeeze, Unsqueeze)";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Graph_TransposeOp : Graph_Op<"transpose", [InferTypeOpAdaptor]> {
  let summary = "Permute dimensions: result dim i = input dim perm[i]";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Graph_ConcatOp : Graph_Op<"concat", [InferTypeOpAdaptor]> {
  let summary = "Join tensors along an axis";
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
}

def Graph_SliceOp : Graph_Op<"slice", [InferTypeOpAdaptor]> {
  let summary = "Strided slice with static starts, ends and steps for every dimension";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$steps);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Graph_GatherOp : Graph_Op<"gather", [InferTypeOpAdaptor]> {
  let summary = "Take slices along an axis at integer indices";
  let arguments = (ins Graph_Tensor:$input, RankedTensorOf<[I64, I32]>:$indices, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ScatterReductionAttr : I32EnumAttr<"ScatterReduction", "scatter combination", [
    I32EnumAttrCase<"None", 0, "none">, I32EnumAttrCase<"Add", 1, "add">,
    I32EnumAttrCase<"Mul", 2, "mul">, I32EnumAttrCase<"Max", 3, "max">,
    I32EnumAttrCase<"Min", 4, "min">]> {
  let cppNamespace = "::d1::graph";
}

def Graph_ScatterOp : Graph_Op<"scatter"> {
  let summary = "data with updates written (or combined) at flat element indices";
  let description = [{
    The result is `data`, then for k in order: result.flat[indices[k]] =
    updates[k] (reduction none) or combined with it by add, mul, max or min.
    `indices` (int64, already in [0, size)) and `updates` have one shape.
    ScatterElements, ScatterND and MaxUnpool are written with it.
  }];
  let arguments = (ins Graph_Tensor:$data, RankedTensorOf<[I64]>:$indices, Graph_Tensor:$updates,
                       Graph_ScatterReductionAttr:$reduction);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$reduction $data `[` $indices `]` `,` $updates attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_CastOp : Graph_Op<"cast", [Graph_IterationSpaceOpInterface]> {
  let summary = "Convert element type";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}


//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

def Graph_FusionKindAttr : I32EnumAttr<"FusionKind", "how a fused group is lowered", [
    I32EnumAttrCase<"Epilogue", 0, "epilogue">, I32EnumAttrCase<"Rows", 1, "rows">,
    I32EnumAttrCase<"DepthFirst", 2, "depth_first">]> {
  let cppNamespace = "::d1::graph";
}

def Graph_FusedOp : Graph_Op<"fused", [SingleBlock]> {
  let summary = "Ops lowered as one kernel whose intermediates stay in SRAM";
  let description = [{
    Made by `graph-fuse`. The body holds the group's ops in order and yields the
    values used after it (one result each); it may read any value defined
    before it.

    `epilogue`: the first op is a convolution or matrix product (the
    anchor); the others are fp32 elementwise ops applied to each output tile
    of the anchor while it is in SRAM, before any of it goes to DRAM. Their
    other operands are whole tensors of the anchor's shape, or broadcast
    along its rows, columns or channels.

    ```mlir
    %y = graph.fused epilogue {
      %c = graph.conv %x, %w, %b {...} : (...) -> tensor<1x64x56x56xf32>
      %s = graph.add %c, %res : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32> -> tensor<1x64x56x56xf32>
      %r = graph.relu %s : tensor<1x64x56x56xf32>
      graph.yield %r : tensor<1x64x56x56xf32>
    } : tensor<1x64x56x56xf32>
    ```

    `rows`: a kernel over whole rows of a domain [..., L] (the first op's
    reduction or softmax input, or elementwise result): fp32 elementwise
    ops, reductions over the last axis keeping it, and softmax over the last
    axis, each value either of the domain's shape or one per row
    ([..., 1]). Other operands are whole, per row, one row ([L]) or one
    scalar. A decomposed layer norm is one such kernel:

    ```mlir
    %y = graph.fused rows {
      %m = graph.reduce mean %x {axes = array<i64: 2>, keepdims = true} : tensor<2x10x64xf32> -> tensor<2x10x1xf32>
      %d = graph.sub %x, %m : tensor<2x10x64xf32>, tensor<2x10x1xf32> -> tensor<2x10x64xf32>
      ...
      graph.yield %n : tensor<2x10x64xf32>
    } : tensor<2x10x64xf32>
    ```

    `depth_first`: window kernels (convolutions and max pooling), each with
    the elementwise ops of its epilogue, where each kernel's input is the
    value the kernel before it ends with, read by nothing else. They run in
    bands of output rows: each band computes the rows of every stage that
    the next stage's band reads, so only the first stage's input and the
    last stage's values touch DRAM. The ResNet stem:

    ```mlir
    %p = graph.fused depth_first {
      %c = graph.conv %x, %w, %b {...} : (...) -> tensor<1x64x112x112xf32>
      %r = graph.relu %c : tensor<1x64x112x112xf32>
      %p = graph.max_pool %r {...} : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
      graph.yield %p : tensor<1x64x56x56xf32>
    } : tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Graph_FusionKindAttr:$kind);
  let results = (outs Variadic<Graph_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$kind $body attr-dict (`:` type($results)^)?";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The anchor (first op) of an epilogue group; the first op of a row
    /// group; the first stage's window op of a depth-first group.
    mlir::Operation *anchor() { return &getBody().front().front(); }
  }];
}

def Graph_YieldOp : Graph_Op<"yield", [Terminator, HasParent<"FusedOp">, ReturnLike]> {
  let summary = "The values of a fused group used after it";
  let arguments = (ins Variadic<Graph_Tensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif
