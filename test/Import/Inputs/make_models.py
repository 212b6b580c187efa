#!/usr/bin/env python3
"""Writes the small ONNX models of the importer tests.

    make_models.py OUTDIR GROUP...

GROUP is one of the names in GROUPS below (one per test file); each writes a
few OUTDIR/NAME.onnx files. Weights are deterministic.

Graph outputs are declared with the shapes the tests expect, worked out by
hand from the ONNX spec. For valid models the script then runs the ONNX
checker and ONNX shape inference in strict mode, which fails if what ONNX
infers differs from a declared shape: so the expectations in the CHECK lines
are confirmed independently of d1c. Models meant to be rejected skip that.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper as nh

OUT = "."
FLOAT, INT64 = TP.FLOAT, TP.INT64


def vi(name, shape, dtype=FLOAT):
    return h.make_tensor_value_info(name, dtype, shape)


def init(name, array, dtype=None):
    """A tensor: numpy values keep their type (but float64 becomes float32),
    Python lists and numbers become float32."""
    if dtype is None:
        dtype = array.dtype if isinstance(array, (np.ndarray, np.generic)) else np.float32
        if dtype == np.float64:
            dtype = np.float32
    return nh.from_array(np.asarray(array, dtype=dtype), name)


def ints(name, values):
    return init(name, values, np.int64)


def weights(name, shape, seed):
    return init(name, np.random.RandomState(seed).uniform(-1, 1, shape).astype(np.float32))


def node(op, inputs, outputs, name=None, **attrs):
    return h.make_node(op, inputs, outputs, name=name if name is not None else outputs[0], **attrs)


def const_node(out, array, dtype=None):
    """A Constant node holding `array`."""
    return h.make_node("Constant", [], [out], name=out, value=init(out, array, dtype))


def make(nodes, inputs, outputs, inits=(), opset=13, opsets=(), graph_name="g"):
    graph = h.make_graph(nodes, graph_name, inputs, outputs, list(inits))
    imports = [h.make_opsetid("", opset)] + [h.make_opsetid(d, v) for d, v in opsets]
    return h.make_model(graph, opset_imports=imports, producer_name="d1c-tests")


def save(name, model, check=True):
    if check:
        onnx.checker.check_model(model)
        onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def model(name, nodes, inputs, outputs, inits=(), opset=13, check=True, **kw):
    save(name, make(nodes, inputs, outputs, inits, opset, **kw), check)


# ---------------------------------------------------------------------------
# mlp.test
# ---------------------------------------------------------------------------
def mlp():
    # fc1 (Gemm, transB) -> relu -> fc2 (MatMul) -> bias (Add), batch symbolic.
    model("mlp", [
        node("Gemm", ["x", "W1", "b1"], ["h1"], name="fc1", transB=1),
        node("Relu", ["h1"], ["r1"], name="relu1"),
        node("MatMul", ["r1", "W2"], ["m2"], name="fc2"),
        node("Add", ["m2", "b2"], ["y"], name="bias2"),
    ], [vi("x", ["batch", 16])], [vi("y", ["batch", 10])],
        [weights("W1", [32, 16], 1), weights("b1", [32], 2), weights("W2", [32, 10], 3),
         init("b2", np.arange(10) * 0.5)])

    # The same input without any shape at all: --shape gives it one.
    m = make([node("Relu", ["x"], ["y"])], [vi("x", [])], [vi("y", [2, 5])])
    m.graph.input[0].type.tensor_type.ClearField("shape")
    save("noshape", m, check=False)

    model("gemm", [
        # op(A) = A^T: [4, 8]; op(B) = B^T: [8, 6]; C [1, 6] broadcasts.
        node("Gemm", ["a", "B1", "C1"], ["g1"], transA=1, transB=1, alpha=0.5, beta=2.0),
        # No C (optional from opset 11 on).
        node("Gemm", ["a2", "B2"], ["g2"]),
        # B not a constant, C a scalar.
        node("Gemm", ["a2", "b", "C3"], ["g3"], transB=1, beta=0.25),
    ], [vi("a", [8, 4]), vi("a2", [3, 5]), vi("b", [7, 5])],
        [vi("g1", [4, 6]), vi("g2", [3, 7]), vi("g3", [3, 7])],
        [weights("B1", [6, 8], 4), init("C1", [[1, 2, 3, 4, 5, 6]]), weights("B2", [5, 7], 5),
         init("C3", np.float32(3))])

    model("matmul", [
        node("MatMul", ["a", "b"], ["batched"]),        # [2,3,4,5] x [3,5,6]
        node("MatMul", ["c", "d"], ["bcast"]),          # [4,1,2,3] x [5,3,7]
        node("MatMul", ["p", "v"], ["mat_vec"]),        # [2,3,4] x [4]
        node("MatMul", ["v", "q"], ["vec_mat"]),        # [4] x [4,6]
        node("MatMul", ["v", "v"], ["dot"]),            # [4] x [4]
        node("MatMul", ["q2", "W"], ["weight"]),        # [3,4] x const [4,2]
    ], [vi("a", [2, 3, 4, 5]), vi("b", [3, 5, 6]), vi("c", [4, 1, 2, 3]), vi("d", [5, 3, 7]),
        vi("p", [2, 3, 4]), vi("v", [4]), vi("q", [4, 6]), vi("q2", [3, 4])],
        [vi("batched", [2, 3, 4, 6]), vi("bcast", [4, 5, 2, 7]), vi("mat_vec", [2, 3]),
         vi("vec_mat", [6]), vi("dot", []), vi("weight", [3, 2])],
        [init("W", [[1, 2], [3, 4], [5, 6], [7, 8]])])


# ---------------------------------------------------------------------------
# conv.test
# ---------------------------------------------------------------------------
def conv():
    model("conv_pads", [
        node("Conv", ["x", "W", "B"], ["y"], name="conv", pads=[1, 1, 1, 1], strides=[2, 2],
             kernel_shape=[3, 3]),
    ], [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 4, 4])],
        [weights("W", [4, 3, 3, 3], 10), init("B", [0.5, 1, 1.5, 2])])

    # ONNX pads are [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right].
    model("conv_dilations", [
        node("Conv", ["x", "W"], ["y"], dilations=[2, 1], pads=[0, 1, 2, 3]),
    ], [vi("x", [1, 2, 10, 10])], [vi("y", [1, 2, 8, 12])], [weights("W", [2, 2, 3, 3], 11)])

    model("conv_groups", [
        node("Conv", ["x", "Wdw", "Bdw"], ["dw"], group=8, pads=[1, 1, 1, 1]),
        node("Conv", ["x2", "Wg"], ["grouped"], group=2),
    ], [vi("x", [1, 8, 6, 6]), vi("x2", [1, 4, 5, 5])],
        [vi("dw", [1, 8, 6, 6]), vi("grouped", [1, 6, 5, 5])],
        [weights("Wdw", [8, 1, 3, 3], 12), init("Bdw", np.arange(8), np.float32), weights("Wg", [6, 2, 1, 1], 13)])

    model("conv_autopad", [
        node("Conv", ["x", "W"], ["upper"], auto_pad="SAME_UPPER", strides=[2, 1]),
        node("Conv", ["x", "W"], ["lower"], auto_pad="SAME_LOWER", strides=[2, 1]),
        node("Conv", ["x", "W"], ["valid"], auto_pad="VALID", strides=[2, 1]),
    ], [vi("x", [1, 1, 7, 6])],
        [vi("upper", [1, 1, 4, 6]), vi("lower", [1, 1, 4, 6]), vi("valid", [1, 1, 2, 5])],
        [weights("W", [1, 1, 4, 2], 14)])

    model("conv1d", [
        node("Conv", ["x", "W", "B"], ["y"], pads=[1, 2], strides=[2]),
        node("Conv", ["x2", "W"], ["same"], auto_pad="SAME_LOWER", strides=[3]),
    ], [vi("x", [1, 2, 10]), vi("x2", [1, 2, 11])], [vi("y", [1, 4, 6]), vi("same", [1, 4, 4])],
        [weights("W", [4, 2, 3], 15), init("B", [1, 2, 3, 4])])

    model("maxpool", [
        node("MaxPool", ["x"], ["ceil"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
        node("MaxPool", ["x"], ["exact"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1),
        node("MaxPool", ["x"], ["padded"], kernel_shape=[3, 3], strides=[2, 2],
             pads=[1, 1, 1, 1], ceil_mode=1),
        node("MaxPool", ["x"], ["floor"], kernel_shape=[3, 3], strides=[2, 2]),
        node("MaxPool", ["x"], ["dilated"], kernel_shape=[2, 2], dilations=[2, 2]),
    ], [vi("x", [1, 1, 6, 6])],
        [vi("ceil", [1, 1, 3, 3]), vi("exact", [1, 1, 3, 3]), vi("padded", [1, 1, 4, 4]),
         vi("floor", [1, 1, 2, 2]), vi("dilated", [1, 1, 4, 4])])

    model("avgpool", [
        node("AveragePool", ["x"], ["incl"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
             count_include_pad=1),
        node("AveragePool", ["x"], ["excl"], kernel_shape=[2, 2], strides=[2, 2]),
        node("AveragePool", ["x"], ["ceil"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
        node("AveragePool", ["x"], ["same"], kernel_shape=[2, 2], auto_pad="SAME_UPPER"),
    ], [vi("x", [1, 2, 6, 6])],
        [vi("incl", [1, 2, 6, 6]), vi("excl", [1, 2, 3, 3]), vi("ceil", [1, 2, 3, 3]),
         vi("same", [1, 2, 6, 6])])

    model("global_pool", [
        node("GlobalAveragePool", ["x"], ["avg"]),
        node("GlobalMaxPool", ["x"], ["max"]),
    ], [vi("x", [1, 3, 5, 7])], [vi("avg", [1, 3, 1, 1]), vi("max", [1, 3, 1, 1])])

    model("batchnorm", [
        node("BatchNormalization", ["x", "scale", "bias", "mean", "var"], ["y"], epsilon=1e-3),
        node("BatchNormalization", ["y", "scale", "bias", "mean", "var"], ["y2"]),
    ], [vi("x", [1, 3, 4, 4])], [vi("y2", [1, 3, 4, 4])],
        [init("scale", [1, 2, 3]), init("bias", [0.5, 0.25, 0]), init("mean", [0, 1, 2]),
         init("var", [1, 4, 9])])

    model("flatten", [
        node("Flatten", ["x"], ["default"]),
        node("Flatten", ["x"], ["axis2"], axis=2),
        node("Flatten", ["x"], ["axis0"], axis=0),
        node("Flatten", ["x"], ["axis_neg"], axis=-1),
    ], [vi("x", [2, 3, 4, 5])],
        [vi("default", [2, 60]), vi("axis2", [6, 20]), vi("axis0", [1, 120]),
         vi("axis_neg", [24, 5])])

    # A small CNN as exported from PyTorch, batch symbolic.
    model("cnn", [
        node("Conv", ["x", "W1", "B1"], ["c1"], pads=[1, 1, 1, 1]),
        node("Relu", ["c1"], ["r1"]),
        node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        node("GlobalAveragePool", ["p1"], ["g"]),
        node("Flatten", ["g"], ["f"]),
        node("Gemm", ["f", "W2", "B2"], ["y"], transB=1),
    ], [vi("x", ["N", 3, 16, 16])], [vi("y", ["N", 10])],
        [weights("W1", [8, 3, 3, 3], 16), weights("B1", [8], 17), weights("W2", [10, 8], 18),
         weights("B2", [10], 19)])


# ---------------------------------------------------------------------------
# elementwise.test
# ---------------------------------------------------------------------------
UNARY = ["Relu", "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs"]


def elementwise():
    nodes = [node(op, ["x"], [op.lower()]) for op in UNARY]
    nodes += [node("LeakyRelu", ["x"], ["leaky"], alpha=0.2),
              node("LeakyRelu", ["x"], ["leaky_default"])]
    outs = [n.output[0] for n in nodes]
    model("unary", nodes, [vi("x", [2, 3])], [vi(o, [2, 3]) for o in outs])

    model("binary", [
        node("Add", ["a", "b"], ["add"]),        # [2,3,4] + [3,1]
        node("Sub", ["b", "a"], ["sub"]),        # [3,1] - [2,3,4]
        node("Mul", ["a", "c"], ["mul"]),        # [2,3,4] * [4]
        node("Div", ["a", "two"], ["div"]),      # [2,3,4] / scalar constant
        node("Pow", ["a", "p"], ["pow"]),        # [2,3,4] ^ constant [1,1,4]
        node("Add", ["d", "b"], ["both"]),       # [2,1,4] + [3,1]
        node("Mul", ["b", "b"], ["same"]),       # [3,1] * [3,1]
    ], [vi("a", [2, 3, 4]), vi("b", [3, 1]), vi("c", [4]), vi("d", [2, 1, 4])],
        [vi("add", [2, 3, 4]), vi("sub", [2, 3, 4]), vi("mul", [2, 3, 4]), vi("div", [2, 3, 4]),
         vi("pow", [2, 3, 4]), vi("both", [2, 3, 4]), vi("same", [3, 1])],
        [init("two", np.float32(2)), init("p", [[[1, 2, 3, 0.5]]])])

    # Before opset 7 the second operand broadcasts only with broadcast = 1,
    # aligned at `axis` (PyTorch's exports of opset 6).
    model("legacy_bcast", [
        node("Add", ["a", "b"], ["y"], broadcast=1, axis=1),
        node("Mul", ["a", "c"], ["z"], broadcast=1),
    ], [vi("a", [2, 3, 4]), vi("b", [3]), vi("c", [4])], [vi("y", [2, 3, 4]), vi("z", [2, 3, 4])],
        opset=6)

    # Clip before opset 11: min and max are attributes.
    model("clip9", [
        node("Clip", ["x"], ["relu6"], min=0.0, max=6.0),
        node("Clip", ["x"], ["max_only"], max=1.0),
        node("Clip", ["x"], ["neither"]),
    ], [vi("x", [2, 3])], [vi("relu6", [2, 3]), vi("max_only", [2, 3]), vi("neither", [2, 3])],
        opset=9)

    # From opset 11 on they are optional inputs (constants here).
    for opset in (11, 13):
        model("clip%d" % opset, [
            node("Clip", ["x", "lo", "hi"], ["relu6"]),
            node("Clip", ["x", "", "one"], ["max_only"]),
            const_node("lo_node", np.float32(-2.5)),
            node("Clip", ["x", "lo_node"], ["min_only"]),
            node("Clip", ["x"], ["neither"]),
        ], [vi("x", [2, 3])],
            [vi("relu6", [2, 3]), vi("max_only", [2, 3]), vi("min_only", [2, 3]),
             vi("neither", [2, 3])],
            [init("lo", np.float32(0)), init("hi", np.float32(6)), init("one", np.float32(1))],
            opset=opset)


# ---------------------------------------------------------------------------
# shape-folding.test
# ---------------------------------------------------------------------------
def shape_folding():
    # torch.flatten(x, 1) as exported: x.reshape(x.size(0), -1).
    model("pt_reshape", [
        node("Shape", ["x"], ["shape"]),
        const_node("zero", np.int64(0)),
        node("Gather", ["shape", "zero"], ["n"], axis=0),
        const_node("axes0", [0], np.int64),
        node("Unsqueeze", ["n", "axes0"], ["n1"]),
        const_node("minus1", [-1], np.int64),
        node("Concat", ["n1", "minus1"], ["target"], axis=0),
        node("Reshape", ["x", "target"], ["y"]),
    ], [vi("x", ["N", 3, 4, 4])], [vi("y", ["N", 48])])

    # Opset 11 (Unsqueeze axes is an attribute), with arithmetic and casts:
    # x.reshape(N * C, H * W).
    model("pt_reshape11", [
        node("Shape", ["x"], ["shape"]),
        const_node("i0", np.int64(0)), const_node("i1", np.int64(1)),
        const_node("i2", np.int64(2)), const_node("i3", np.int64(3)),
        node("Gather", ["shape", "i0"], ["n"]),
        node("Gather", ["shape", "i1"], ["c"]),
        node("Gather", ["shape", "i2"], ["hh"]),
        node("Gather", ["shape", "i3"], ["ww"]),
        node("Mul", ["n", "c"], ["nc"]),
        node("Mul", ["hh", "ww"], ["hw"]),
        node("Cast", ["hw"], ["hw_f"], to=TP.FLOAT),
        node("Cast", ["hw_f"], ["hw_i"], to=TP.INT64),
        node("Unsqueeze", ["nc"], ["nc1"], axes=[0]),
        node("Unsqueeze", ["hw_i"], ["hw1"], axes=[0]),
        node("Concat", ["nc1", "hw1"], ["target"], axis=0),
        node("Reshape", ["x", "target"], ["y"]),
    ], [vi("x", ["N", 3, 4, 4])], [vi("y", ["NC", 16])], opset=11)

    # x.reshape(x.shape[:2] + (-1,)): Shape -> Slice -> Concat -> Reshape.
    model("pt_reshape_slice", [
        node("Shape", ["x"], ["shape"]),
        const_node("starts", [0], np.int64), const_node("ends", [2], np.int64),
        node("Slice", ["shape", "starts", "ends"], ["nc"]),
        const_node("minus1", [-1], np.int64),
        node("Concat", ["nc", "minus1"], ["target"], axis=0),
        node("Reshape", ["x", "target"], ["y"]),
    ], [vi("x", ["N", 3, 4, 4])], [vi("y", ["N", 3, 16])])

    # Shape with start and end (opset 15), and Size.
    model("shape15", [
        node("Shape", ["x"], ["mid"], start=1, end=-1),
        node("Shape", ["x"], ["tail"], start=-2),
        node("Shape", ["x"], ["head"], end=1),
        const_node("minus1", [-1], np.int64),
        node("Concat", ["head", "minus1"], ["target"], axis=0),
        node("Reshape", ["x", "target"], ["y"]),
        node("Size", ["x"], ["size"]),
    ], [vi("x", [2, 3, 4, 5])],
        [vi("y", [2, 60]), vi("mid", [2], INT64), vi("tail", [2], INT64),
         vi("size", [], INT64)], opset=15)

    model("const_fold", [
        h.make_node("Constant", [], ["shp"], name="shp", value_ints=[2, 3]),
        node("ConstantOfShape", ["shp"], ["filled"],
             value=h.make_tensor("v", FLOAT, [1], [1.5])),
        node("Add", ["x", "filled"], ["add"]),
        const_node("shp3", [3], np.int64),
        node("ConstantOfShape", ["shp3"], ["zeros"]),
        node("Add", ["x", "zeros"], ["add0"]),
        const_node("start", np.int64(0)), const_node("limit", np.int64(6)),
        const_node("delta", np.int64(2)),
        node("Range", ["start", "limit", "delta"], ["idx"]),
        node("Gather", ["y", "idx"], ["gathered"], axis=1),
        const_node("fstart", np.float32(1)), const_node("flimit", np.float32(2)),
        const_node("fdelta", np.float32(0.25)),
        node("Range", ["fstart", "flimit", "fdelta"], ["frange"]),
        node("Mul", ["z", "frange"], ["scaled"]),
        h.make_node("Constant", [], ["half"], name="half", value_float=0.5),
        node("Mul", ["x", "half"], ["halved"]),
        const_node("k123", [1, 2, 3], np.float32),
        const_node("k10", [10], np.float32),
        node("Add", ["k123", "k10"], ["k"]),
        node("Sqrt", ["k4"], ["k2"]),
        node("Sub", ["x", "k"], ["sub"]),
        node("Div", ["x", "k2"], ["div"]),
    ], [vi("x", [2, 3]), vi("y", [4, 6]), vi("z", [2, 4])],
        [vi("add", [2, 3]), vi("add0", [2, 3]), vi("gathered", [4, 3]), vi("scaled", [2, 4]), vi("halved", [2, 3]),
         vi("sub", [2, 3]), vi("div", [2, 3])],
        [init("k4", [4, 16, 64])])

    # Weights transformed by constant ops fold into one constant.
    model("weight_fold", [
        node("Transpose", ["W"], ["WT"]),
        node("MatMul", ["x", "WT"], ["mm"]),
        node("Transpose", ["C"], ["CT"], perm=[2, 0, 1]),
        node("Add", ["y", "CT"], ["add"]),
        const_node("starts", [2], np.int64), const_node("ends", [8], np.int64),
        const_node("axes", [0], np.int64), const_node("steps", [3], np.int64),
        node("Slice", ["R", "starts", "ends", "axes", "steps"], ["Rs"]),
        node("Unsqueeze", ["Rs", "axes"], ["Ru"]),
        node("Mul", ["z", "Ru"], ["mul"]),
        const_node("last", np.int64(-1)),
        node("Gather", ["R", "last"], ["Rlast"]),
        node("Sub", ["z", "Rlast"], ["sub"]),
        const_node("shape", [2, 1], np.int64),
        node("Reshape", ["Rs", "shape"], ["Rr"]),
        node("Add", ["z", "Rr"], ["add2"]),
    ], [vi("x", [4, 2]), vi("y", [3, 2, 2]), vi("z", [2, 2])],
        [vi("mm", [4, 3]), vi("add", [3, 2, 2]), vi("mul", [2, 2]), vi("sub", [2, 2]),
         vi("add2", [2, 2])],
        [init("W", [[1, 2], [3, 4], [5, 6]]), init("C", np.arange(12).reshape(2, 2, 3), np.float32),
         init("R", np.arange(10), np.float32)])


# Where on constants (fold-where.test).
def fold_where():
    # The target shape t = [0, 12] with its 0 replaced by x's dimension:
    # Where(Equal(t, 0), Shape(x)[0:2], t) = Where([T, F], [2, 3], [0, 12]) = [2, 12].
    model("where_shape", [
        node("Shape", ["x"], ["shape"]),
        node("Gather", ["shape", "first2"], ["shape2"]),
        const_node("zero", [0], np.int64),
        node("Equal", ["t", "zero"], ["is_zero"]),
        node("Where", ["is_zero", "shape2", "t"], ["target"]),
        node("Reshape", ["x", "target"], ["y"]),
    ], [vi("x", [2, 3, 4])], [vi("y", [2, 12])], [ints("t", [0, 12]), ints("first2", [0, 1])])
    # Where([T, F, T], [1, 2, 3], [1, 5, 3]) as int64 and as float; and a NaN
    # picked from x: Where([T, F], [nan, 1], [5, 6]) = [nan, 6].
    model("where_values", [
        node("Equal", ["a", "b"], ["c"]),
        node("Where", ["c", "a", "b"], ["ints"]),
        node("Equal", ["fa", "fb"], ["fc"]),
        node("Where", ["fc", "fa", "fb"], ["floats"]),
        node("Where", ["tf", "nan1", "five6"], ["nan"]),
    ], [], [vi("ints", [3], INT64), vi("floats", [3]), vi("nan", [2])],
        [ints("a", [1, 2, 3]), ints("b", [1, 5, 3]), init("fa", [1, 2, 3]), init("fb", [1, 5, 3]),
         init("tf", [True, False], np.bool_), init("nan1", [np.nan, 1]), init("five6", [5, 6])])


# ---------------------------------------------------------------------------
# data.test
# ---------------------------------------------------------------------------
def data():
    model("transpose", [
        node("Transpose", ["x"], ["reversed"]),
        node("Transpose", ["x"], ["swapped"], perm=[0, 2, 1]),
    ], [vi("x", [2, 3, 4])], [vi("reversed", [4, 3, 2]), vi("swapped", [2, 4, 3])])

    model("concat", [
        node("Concat", ["x", "y"], ["cols"], axis=1),
        node("Concat", ["x", "x"], ["rows"], axis=-2),
        node("Concat", ["x", "K"], ["with_const"], axis=0),
    ], [vi("x", [2, 3]), vi("y", [2, 5])],
        [vi("cols", [2, 8]), vi("rows", [4, 3]), vi("with_const", [3, 3])],
        [init("K", [[7, 8, 9]])])

    model("split11", [
        node("Split", ["x"], ["s0", "s1", "s2"], axis=0, split=[1, 2, 3]),
        node("Split", ["y"], ["e0", "e1", "e2"], axis=-1),
    ], [vi("x", [6, 4]), vi("y", [2, 6])],
        [vi("s0", [1, 4]), vi("s1", [2, 4]), vi("s2", [3, 4]),
         vi("e0", [2, 2]), vi("e1", [2, 2]), vi("e2", [2, 2])], opset=11)

    model("split13", [
        node("Split", ["x", "sizes"], ["s0", "s1"], axis=1),
        node("Split", ["x"], ["e0", "e1", "e2"]),
    ], [vi("x", [3, 6])],
        [vi("s0", [3, 2]), vi("s1", [3, 4]), vi("e0", [1, 6]), vi("e1", [1, 6]),
         vi("e2", [1, 6])], [ints("sizes", [2, 4])])

    model("slice9", [
        node("Slice", ["x"], ["a"], starts=[1, 2], ends=[3, 1000]),
        node("Slice", ["x"], ["b"], starts=[-4], ends=[-1], axes=[1]),
    ], [vi("x", [4, 10])], [vi("a", [2, 8]), vi("b", [4, 3])], opset=9)

    i64min, i64max = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    model("slice13", [
        node("Slice", ["x", "a_starts", "a_ends", "a_axes"], ["a"]),
        node("Slice", ["x", "b_starts", "b_ends", "b_axes", "b_steps"], ["b"]),
        node("Slice", ["x", "c_starts", "c_ends", "b_axes", "c_steps"], ["c"]),
        node("Slice", ["x", "d_starts", "d_ends", "d_axes", "d_steps"], ["d"]),
        node("Slice", ["x", "e_starts", "e_ends"], ["e"]),
    ], [vi("x", [5, 10])],
        [vi("a", [5, 2]), vi("b", [3, 10]), vi("c", [5, 10]), vi("d", [5, 3]), vi("e", [5, 8])],
        [ints("a_starts", [-3]), ints("a_ends", [-1]), ints("a_axes", [1]),
         ints("b_starts", [-1]), ints("b_ends", [-1000]), ints("b_axes", [0]),
         ints("b_steps", [-2]),
         ints("c_starts", [-1]), ints("c_ends", [i64min]), ints("c_steps", [-1]),
         ints("d_starts", [1]), ints("d_ends", [8]), ints("d_axes", [-1]), ints("d_steps", [3]),
         ints("e_starts", [0, 2]), ints("e_ends", [i64max, 100])])

    model("gather", [
        node("Gather", ["x", "neg"], ["rows"], axis=0),
        node("Gather", ["x", "scalar"], ["column"], axis=1),
        node("Gather", ["x", "matrix"], ["cols2d"], axis=1),
        node("Gather", ["x", "idx32"], ["rows32"], axis=-2),
        node("Gather", ["x", "dyn"], ["dynamic"], axis=0),
    ], [vi("x", [5, 4]), vi("dyn", [3], INT64)],
        [vi("rows", [2, 4]), vi("column", [5]), vi("cols2d", [5, 2, 2]), vi("rows32", [2, 4]),
         vi("dynamic", [3, 4])],
        [ints("neg", [-1, 0]), ints("scalar", np.int64(-2)), ints("matrix", [[0, 1], [2, -1]]),
         init("idx32", [1, -1], np.int32)])

    model("squeeze11", [
        node("Squeeze", ["x"], ["sq_axes"], axes=[0, 2]),
        node("Squeeze", ["x"], ["sq_all"]),
        node("Squeeze", ["x"], ["sq_neg"], axes=[-2]),
        node("Unsqueeze", ["y"], ["unsq"], axes=[0, 3]),
        node("Unsqueeze", ["y"], ["unsq_neg"], axes=[-1]),
    ], [vi("x", [1, 3, 1, 5]), vi("y", [3, 5])],
        [vi("sq_axes", [3, 5]), vi("sq_all", [3, 5]), vi("sq_neg", [1, 3, 5]),
         vi("unsq", [1, 3, 5, 1]), vi("unsq_neg", [3, 5, 1])], opset=11)

    model("squeeze13", [
        node("Squeeze", ["x", "axes02"], ["sq_axes"]),
        node("Squeeze", ["x"], ["sq_all"]),
        node("Squeeze", ["x", "axes_m2"], ["sq_neg"]),
        node("Unsqueeze", ["y", "axes03"], ["unsq"]),
        node("Unsqueeze", ["y", "axes_m1"], ["unsq_neg"]),
    ], [vi("x", [1, 3, 1, 5]), vi("y", [3, 5])],
        [vi("sq_axes", [3, 5]), vi("sq_all", [3, 5]), vi("sq_neg", [1, 3, 5]),
         vi("unsq", [1, 3, 5, 1]), vi("unsq_neg", [3, 5, 1])],
        [ints("axes02", [0, 2]), ints("axes_m2", [-2]), ints("axes03", [0, 3]),
         ints("axes_m1", [-1])])

    model("misc", [
        node("Identity", ["x"], ["i"]),
        node("Relu", ["i"], ["relu"]),
        node("Cast", ["x"], ["c"], to=TP.FLOAT),
        node("Neg", ["c"], ["neg"]),
        node("Dropout", ["x"], ["d"]),
        node("Abs", ["d"], ["abs"]),
        node("Identity", ["x"], ["same"]),
        node("Cast", ["x"], ["as_int"], to=TP.INT64),
        node("Reshape", ["z", "keep_rest"], ["r1"]),
        node("Reshape", ["z", "all"], ["r2"]),
    ], [vi("x", [2, 3]), vi("z", [2, 3, 4])],
        [vi("relu", [2, 3]), vi("neg", [2, 3]), vi("abs", [2, 3]), vi("same", [2, 3]),
         vi("as_int", [2, 3], INT64), vi("r1", [2, 12]), vi("r2", [24])],
        [ints("keep_rest", [0, -1]), ints("all", [-1])])


# ---------------------------------------------------------------------------
# norm.test
# ---------------------------------------------------------------------------
def norm():
    model("softmax11", [
        node("Softmax", ["x"], ["axis1"], axis=1),
        node("Softmax", ["x"], ["axis2"], axis=2),
        node("Softmax", ["x"], ["axis_neg"], axis=-1),
        node("Softmax", ["x"], ["axis0"], axis=0),
        node("Softmax", ["x2"], ["default"]),
    ], [vi("x", [2, 3, 4]), vi("x2", [2, 5])],
        [vi("axis1", [2, 3, 4]), vi("axis2", [2, 3, 4]), vi("axis_neg", [2, 3, 4]),
         vi("axis0", [2, 3, 4]), vi("default", [2, 5])], opset=11)

    model("softmax13", [
        node("Softmax", ["x"], ["default"]),
        node("Softmax", ["x"], ["axis1"], axis=1),
        node("Softmax", ["x"], ["axis_neg"], axis=-3),
    ], [vi("x", [2, 3, 4])],
        [vi("default", [2, 3, 4]), vi("axis1", [2, 3, 4]), vi("axis_neg", [2, 3, 4])])

    model("layernorm", [
        node("LayerNormalization", ["x", "scale", "bias"], ["last"]),
        node("LayerNormalization", ["x", "scale2"], ["two"], axis=1, epsilon=1e-3),
    ], [vi("x", [2, 5, 8])], [vi("last", [2, 5, 8]), vi("two", [2, 5, 8])],
        [init("scale", np.linspace(0.5, 1.2, 8)), init("bias", np.zeros(8)),
         weights("scale2", [5, 8], 20)], opset=17)

    model("reduce", [
        node("ReduceMean", ["x"], ["mean_keep"], axes=[1]),
        node("ReduceMax", ["x"], ["max_drop"], axes=[-1, 0], keepdims=0),
        node("ReduceMean", ["x"], ["mean_all"], keepdims=0),
        node("ReduceSum", ["x", "axes1"], ["sum_drop"], keepdims=0),
        node("ReduceSum", ["x", "axes_neg"], ["sum_keep"]),
        node("ReduceSum", ["x"], ["sum_all"]),
        node("ReduceSum", ["x"], ["sum_noop"], noop_with_empty_axes=1),
    ], [vi("x", [2, 3, 4])],
        [vi("mean_keep", [2, 1, 4]), vi("max_drop", [3]), vi("mean_all", []),
         vi("sum_drop", [2, 4]), vi("sum_keep", [2, 1, 1]), vi("sum_all", [1, 1, 1]),
         vi("sum_noop", [2, 3, 4])],
        [ints("axes1", [1]), ints("axes_neg", [-1, -2])])

    # Before opset 13 ReduceSum takes axes as an attribute too.
    model("reduce11", [
        node("ReduceSum", ["x"], ["sum"], axes=[0, 2], keepdims=0),
        node("ReduceMean", ["x"], ["mean"], axes=[-2]),
    ], [vi("x", [2, 3, 4])], [vi("sum", [3]), vi("mean", [2, 1, 4])], opset=11)


# ---------------------------------------------------------------------------
# errors.test (invalid or unsupported models: no checks here)
# ---------------------------------------------------------------------------
def errors():
    x33 = [vi("x", [3, 3])]

    def bad(name, nodes, inputs, outputs, inits=(), opset=13, **kw):
        model(name, nodes, inputs, outputs, inits, opset, check=False, **kw)

    bad("unique", [node("Unique", ["x"], ["y"], name="unique")], x33, [vi("y", [])])
    bad("unnamed", [node("Relu", ["x"], ["r"]), node("Unique", ["r"], ["y"], name="")], x33,
        [vi("y", [])])
    bad("maxpool_storage", [
        node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2], storage_order=1),
    ], [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 3, 3])])
    bad("conv4d", [
        node("Conv", ["x", "W"], ["y"], name="conv4d"),
    ], [vi("x", [1, 1, 3, 3, 3, 3])], [vi("y", [1, 1, 1, 1, 1, 1])],
        [weights("W", [1, 1, 3, 3, 3, 3], 1)])
    bad("conv_badpad", [
        node("Conv", ["x", "W"], ["y"], name="conv", auto_pad="SAME"),
    ], [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 4, 4])], [weights("W", [1, 1, 3, 3], 1)])
    bad("avgpool_ceil_countpad", [
        node("AveragePool", ["x"], ["y"], name="pool", kernel_shape=[3, 3], strides=[2, 2],
             ceil_mode=1, count_include_pad=1),
    ], [vi("x", [1, 1, 6, 6])], [vi("y", [1, 1, 3, 3])])
    bad("complex_input", [node("Relu", ["x"], ["y"])], [vi("x", [2], TP.COMPLEX64)],
        [vi("y", [2], TP.DOUBLE)])
    bad("string_input", [node("Identity", ["x"], ["y"])], [vi("x", [2], TP.STRING)],
        [vi("y", [2], TP.STRING)])
    bad("fp16_weight", [node("Add", ["x", "W"], ["y"])], [vi("x", [2])], [vi("y", [2])],
        [init("W", [1, 2], np.float16)])

    def branch(name, values):
        return h.make_graph([const_node(name, values)], name, [], [vi(name, [2])])
    bad("loop", [
        const_node("cond", np.bool_(True)),
        node("Loop", ["", "cond"], ["y"], name="loop", body=branch("body_out", [1, 2])),
    ], [], [vi("y", [2])])

    relu = [node("Relu", ["x"], ["y"])]
    bad("opset22", relu, x33, [vi("y", [3, 3])], opset=22)
    bad("custom", [
        h.make_node("MyOp", ["x"], ["y"], name="custom", domain="com.example"),
    ], x33, [vi("y", [3, 3])], opsets=[("com.example", 1)])

    # A valid model, mostly one initializer; cut in half below.
    whole = make([node("Add", ["x", "W"], ["y"])], [vi("x", [1024])], [vi("y", [1024])],
                 [weights("W", [1024], 2)])
    blob = whole.SerializeToString()
    with open(os.path.join(OUT, "truncated.onnx"), "wb") as f:
        f.write(blob[:len(blob) // 2])
    save("whole", whole)
    with open(os.path.join(OUT, "notonnx.onnx"), "w") as f:
        f.write("this is not an ONNX model\n")
    with open(os.path.join(OUT, "nograph.onnx"), "wb") as f:
        f.write(b"\x08\x07")  # ModelProto{ir_version: 7} and nothing else
    open(os.path.join(OUT, "empty.onnx"), "wb").close()

    bad("symbolic", relu, [vi("x", ["batch", 16])], [vi("y", ["batch", 16])])
    unknown = make(relu, [vi("x", [2, 16])], [vi("y", [2, 16])])
    unknown.graph.input[0].type.tensor_type.shape.dim[0].Clear()  # neither value nor name
    save("unknown_dim", unknown, check=False)
    noshape = make(relu, [vi("x", [])], [vi("y", [2])])
    noshape.graph.input[0].type.tensor_type.ClearField("shape")
    save("noshape", noshape, check=False)
    # Static input; W is an initializer that is also listed as a graph input
    # (as IR version 3 required).
    bad("static", [node("Add", ["x", "W"], ["y"])], [vi("x", [2, 3]), vi("W", [3])],
        [vi("y", [2, 3])], [init("W", [1, 2, 3])])

    bad("dangling_output", relu, x33, [vi("y", [3, 3]), vi("z", [3, 3])])
    bad("reshape_dynamic", [node("Reshape", ["x", "s"], ["y"], name="reshape")],
        [vi("x", [2, 6]), vi("s", [2], INT64)], [vi("y", [3, 4])])
    bad("reshape_count", [node("Reshape", ["x", "s"], ["y"], name="reshape")],
        [vi("x", [2, 6])], [vi("y", [5, 2])], [ints("s", [5, 2])])
    bad("gather_range", [node("Gather", ["x", "i"], ["y"], name="gather")],
        [vi("x", [5, 4])], [vi("y", [1, 4])], [ints("i", [5])])
    bad("gather_range_neg", [node("Gather", ["x", "i"], ["y"], name="gather", axis=1)],
        [vi("x", [5, 4])], [vi("y", [5, 1])], [ints("i", [-5])])
    bad("gather_range_folded", [
        node("Shape", ["x"], ["s"]),
        node("Gather", ["s", "i"], ["n"], name="gather"),
        node("Reshape", ["x", "n"], ["y"]),
    ], [vi("x", [2, 3])], [vi("y", [6])], [ints("i", [2])])
    bad("split_sizes", [node("Split", ["x", "sizes"], ["a", "b"], name="split", axis=1)],
        [vi("x", [3, 6])], [vi("a", [3, 2]), vi("b", [3, 3])], [ints("sizes", [2, 3])])
    bad("split_equal", [node("Split", ["x"], ["a", "b", "c", "d"], name="split", axis=1)],
        [vi("x", [3, 6])], [vi(n, [3, 1]) for n in "abcd"])
    bad("broadcast", [node("Add", ["x", "z"], ["y"], name="add")],
        [vi("x", [2, 3]), vi("z", [4])], [vi("y", [2, 3])])


# ---------------------------------------------------------------------------
# errors-verifier.test: models that the importer passes to the graph
# dialect's verifier instead of refusing them itself.
# ---------------------------------------------------------------------------
def errors_verifier():
    def bad(name, nodes, inputs, outputs, inits=(), opset=13):
        model(name, nodes, inputs, outputs, inits, opset, check=False)

    # Invalid: a bias of 3 for 4 filters; per-channel operands of 3 for 2
    # channels; a LayerNormalization scale [3] for a normalized shape [4].
    bad("conv_bias", [node("Conv", ["x", "W", "B"], ["y"], name="conv")],
        [vi("x", [1, 2, 4, 4])], [vi("y", [1, 4, 2, 2])],
        [weights("W", [4, 2, 3, 3], 1), init("B", [1, 2, 3])])
    bad("bn_channels", [node("BatchNormalization", ["x", "s", "s", "s", "s"], ["y"], name="bn")],
        [vi("x", [1, 2, 4, 4])], [vi("y", [1, 2, 4, 4])], [init("s", [1, 2, 3])])
    bad("ln_scale", [node("LayerNormalization", ["x", "s"], ["y"], name="ln")],
        [vi("x", [2, 4])], [vi("y", [2, 4])], [init("s", [1, 2, 3])], opset=17)
    # Valid ONNX, but graph.relu and graph.add take f32 only: int64 values
    # (an INT64 graph input, which d1c accepts as indices).
    bad("relu_int", [node("Relu", ["i"], ["y"], name="relu")],
        [vi("i", [2, 2], INT64)], [vi("y", [2, 2], INT64)])
    bad("index_add", [node("Add", ["i", "one"], ["j"], name="add"),
                      node("Gather", ["x", "j"], ["y"], name="gather")],
        [vi("x", [5, 4]), vi("i", [2], INT64)], [vi("y", [2, 4])], [ints("one", [1])])


# Pow with an int64 exponent (pow-int-exponent.test): valid from Pow-12 on,
# where the exponent's type T1 is independent of the base's.
def pow_int():
    model("pow_int", [node("Pow", ["x", "two"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])],
          [ints("two", np.int64(2))])


# Pooling with ceil_mode whose last window would start in the end padding
# (pool-ceil-inference.test): 5x5, kernel 2, stride 2, pads 1. ceil((5 + 2 -
# 2) / 2) + 1 = 4 windows would start at padded positions 0, 2, 4 and 6; the
# one at 6 starts past the input (padded positions 1..5), so the ONNX spec
# (since 1.16: "Sliding windows that would start in the right padded region
# are ignored") and PyTorch give 3. ONNX 1.12's shape inference, which this
# script would run, still says 4: the outputs are declared [1, 1, 3, 3] and
# not checked.
def pool_ceil():
    pool = dict(kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)
    model("pool_ceil", [
        node("MaxPool", ["x"], ["p"], **pool),
        node("Relu", ["p"], ["y"]),
        node("AveragePool", ["x"], ["a"], **pool),
        node("Relu", ["a"], ["y2"]),
    ], [vi("x", [1, 1, 5, 5])], [vi("y", [1, 1, 3, 3]), vi("y2", [1, 1, 3, 3])], check=False)


# ---------------------------------------------------------------------------
# external-data.test
# ---------------------------------------------------------------------------
def external():
    m = make([node("Gemm", ["x", "W", "b"], ["y"], name="fc", transB=1)],
             [vi("x", [2, 3])], [vi("y", [2, 4])],
             [init("W", np.arange(12).reshape(4, 3) * 0.5), init("b", [1, 2, 3, 4])])
    onnx.checker.check_model(m)
    onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    path = os.path.join(OUT, "model.onnx")
    if os.path.exists(os.path.join(OUT, "weights.bin")):
        os.remove(os.path.join(OUT, "weights.bin"))  # onnx appends to it
    onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="weights.bin", size_threshold=0)
    # W: 12 floats at offset 0; b: 4 floats at offset 48.
    stored = onnx.load(path, load_external_data=False)
    for t in stored.graph.initializer:
        info = {e.key: e.value for e in t.external_data}
        print("%s %s %s %s" % (t.name, info["location"], info.get("offset"), info.get("length")))

    # The same with locations the spec does not allow: an absolute path, and
    # a path out of the model's directory (sub/dotdot.onnx -> ../weights.bin).
    def relocate(location, file):
        m = onnx.ModelProto()
        m.CopyFrom(stored)
        for t in m.graph.initializer:
            for e in t.external_data:
                if e.key == "location":
                    e.value = location
        os.makedirs(os.path.dirname(file), exist_ok=True)
        onnx.save(m, file)
    relocate(os.path.abspath(os.path.join(OUT, "weights.bin")), os.path.join(OUT, "absolute.onnx"))
    relocate("../weights.bin", os.path.join(OUT, "sub", "dotdot.onnx"))


# ---------------------------------------------------------------------------
# Hostile models (no checks here: each is refused). One group per test file.
# ---------------------------------------------------------------------------
def bad(name, nodes, inputs, outputs, inits=(), opset=13, **kw):
    model(name, nodes, inputs, outputs, inits, opset, check=False, **kw)


# malformed-tensors.test: what ONNX's checker (and shape inference, which
# d1c no longer runs) read without checks.
def malformed_tensors():
    xy = ([vi("x", [2, 3])], [vi("y", [2, 3])])
    add = [node("Add", ["x", "W"], ["y"], name="add")]
    short = init("W", np.ones((2, 3)))
    short.raw_data = short.raw_data[:10]
    bad("raw_short", add, *xy, [short])
    long = init("W", np.ones((2, 3)))
    long.raw_data = long.raw_data + b"\0\0\0\0"
    bad("raw_long", add, *xy, [long])
    huge = init("W", np.ones(2))
    huge.dims[:] = [2**40, 2**40]
    bad("dims_overflow", add, *xy, [huge])
    neg = init("W", np.ones(2))
    neg.dims[:] = [-2, -1]
    bad("dims_negative", add, *xy, [neg])
    # A Reshape target whose raw data is cut short (ONNX's shape inference
    # reads it).
    s = ints("s", [3, 2])
    s.raw_data = s.raw_data[:3]
    bad("reshape_target_short", [node("Reshape", ["x", "s"], ["y"], name="reshape")],
        [vi("x", [2, 3])], [vi("y", [3, 2])], [s])
    # Sparse tensors: the checker indexes their indices unchecked.
    sp = h.make_sparse_tensor(init("v", [1, 2]), ints("i", [0, 100]), [4])
    g = h.make_graph(add, "g", [vi("x", [4])], [vi("y", [4])], sparse_initializer=[sp])
    save("sparse_initializer", h.make_model(g, opset_imports=[h.make_opsetid("", 13)]), False)
    idx = ints("i", [0])
    idx.dims[:] = []
    bad("sparse_attribute", [
        h.make_node("Constant", [], ["y"], name="c",
                    sparse_value=h.make_sparse_tensor(init("v", [1, 2]), idx, [4])),
    ], [], [vi("y", [4])])
    # An experimental operator: the checker prints a warning for it.
    bad("experimental", [node("Crop", ["x"], ["y"], name="crop")], [vi("x", [1, 1, 4, 4])],
        [vi("y", [1, 1, 2, 2])])


# attribute-ranges.test: ranks, attribute lengths and values.
def attribute_ranges():
    x44 = [vi("x", [1, 1, 4, 4])]
    y22 = [vi("y", [1, 1, 2, 2])]
    w33 = weights("W", [1, 1, 3, 3], 1)

    def conv(name, attrs, w=w33, x=x44, op="Conv"):
        bad(name, [node(op, ["x", "W"], ["y"], name="conv", **attrs)], x, y22, [w])
    conv("conv_weight_rank1", {}, weights("W", [9], 1))
    conv("conv_stride0", dict(strides=[0, 0]))
    conv("conv_stride0_same", dict(strides=[0, 0], auto_pad="SAME_UPPER"))
    conv("conv_one_stride", dict(strides=[1], auto_pad="SAME_UPPER"))
    conv("conv_huge_dilation", dict(dilations=[2**62, 2**62]))
    conv("conv3d_stride0", dict(strides=[0, 1, 1]), weights("W", [1, 1, 3, 3, 3], 1),
         [vi("x", [1, 1, 4, 4, 4])])
    conv("convtranspose_output_shape", dict(output_shape=[5]), op="ConvTranspose")
    conv("convtranspose_rank1", {}, weights("W", [3], 1), [vi("x", [4])], op="ConvTranspose")
    x3 = [vi("x", [1, 1, 4, 4, 4])]
    bad("pool3d_kernel_2d", [node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2])],
        x3, y22)
    bad("pool3d_kernel_deep", [node("MaxPool", ["x"], ["y"], name="pool",
                                    kernel_shape=[8, 1, 1])], x3, y22)
    bad("pool3d_kernel0", [node("AveragePool", ["x"], ["y"], name="pool",
                                kernel_shape=[0, 1, 1])], x3, y22)
    bad("pool_ceil_stride0", [node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2],
                                   strides=[0, 0], ceil_mode=1)], x44, y22)
    bad("pool_one_pad", [node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2],
                              pads=[1])], x44, y22)
    bad("instancenorm_rank1", [node("InstanceNormalization", ["x", "s", "b"], ["y"], name="in")],
        [vi("x", [4])], [vi("y", [4])], [init("s", [1]), init("b", [1])])
    bad("batchnorm_rank1", [node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"],
                                 name="bn")],
        [vi("x", [4])] + [vi(n, [1]) for n in "sbmv"], [vi("y", [4])])
    bad("maxunpool_rank1", [node("MaxUnpool", ["x", "i"], ["y"], name="unpool",
                                 kernel_shape=[2])],
        [vi("x", [4]), vi("i", [4], INT64)], [vi("y", [4])])
    bad("gathernd_batch_dims", [node("GatherND", ["x", "i"], ["y"], name="g", batch_dims=-5)],
        [vi("x", [2, 3])], [vi("y", [2])], [ints("i", [[0], [1]])])
    bad("softmax_axis", [node("Softmax", ["x"], ["y"], name="softmax", axis=100)],
        [vi("x", [2, 3])], [vi("y", [2, 3])])
    bad("transpose_perm", [node("Transpose", ["x"], ["y"], name="t", perm=[0, 5])],
        [vi("x", [2, 3])], [vi("y", [3, 2])])
    bad("unsqueeze_axis_min", [node("Unsqueeze", ["x", "a"], ["y"], name="u")],
        [vi("x", [2, 3])], [vi("y", [1, 2, 3])], [ints("a", [-2**63])])
    bad("split_sizes_overflow", [node("Split", ["x", "s"], ["a", "b"], name="split", axis=1)],
        [vi("x", [2, 3])], [vi("a", [2, 1]), vi("b", [2, 2])], [ints("s", [-2**63, 2**63 - 1])])
    bad("rnn_hidden_size", [node("RNN", ["x", "W", "R"], ["y"], name="rnn", hidden_size=2**62)],
        [vi("x", [2, 1, 3])], [vi("y", [2, 1, 1, 2])],
        [weights("W", [1, 2, 3], 1), weights("R", [1, 2, 2], 2)])


# size-limits.test: every tensor within DRAM, constants computed at import
# and unrolled loops bounded.
def size_limits():
    nothing = []
    bad("constantofshape_dram", [node("ConstantOfShape", ["s"], ["y"], name="fill")], nothing,
        [vi("y", [2**20, 2**20])], [ints("s", [2**20, 2**20])])
    bad("constantofshape_overflow", [node("ConstantOfShape", ["s"], ["y"], name="fill")],
        nothing, [vi("y", [2])], [ints("s", [2**62, 2**62])])
    bad("constantofshape_negative", [node("ConstantOfShape", ["s"], ["y"], name="fill")],
        nothing, [vi("y", [2])], [ints("s", [-5, 2])])
    bad("constantofshape_host", [node("ConstantOfShape", ["s"], ["y"], name="fill")],
        nothing, [vi("y", [2**28])], [ints("s", [2**28])])
    bad("expand", [node("Expand", ["x", "s"], ["y"], name="x")], [vi("x", [1, 1])],
        [vi("y", [2**8, 2**32])], [ints("s", [2**8, 2**32])])
    bad("tile", [node("Tile", ["x", "r"], ["y"], name="tile")], [vi("x", [2, 2])],
        [vi("y", [2, 2])], [ints("r", [2**40, 2**40])])
    bad("pad", [node("Pad", ["x", "p"], ["y"], name="pad")], [vi("x", [1, 1])],
        [vi("y", [1, 1])], [ints("p", [0, 0, 2**40, 2**40])])
    bad("pad_overflow", [node("Pad", ["x", "p"], ["y"], name="pad")], [vi("x", [1, 1])],
        [vi("y", [1, 1])], [ints("p", [0, 2**62, 0, 2**62])])
    bad("range", [node("Range", ["a", "b", "c"], ["y"], name="range")], nothing,
        [vi("y", [2], INT64)], [ints("a", 0), ints("b", 2**62), ints("c", 1)])
    bad("range_delta0", [node("Range", ["a", "b", "c"], ["y"], name="range")], nothing,
        [vi("y", [2])], [init("a", 0), init("b", 5), init("c", 0)])
    bad("convtranspose_stride", [node("ConvTranspose", ["x", "W"], ["y"], name="up",
                                      strides=[2**31, 2**31])],
        [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 5, 5])], [weights("W", [1, 1, 3, 3], 1)])
    relu = [node("Relu", ["x"], ["y"], name="relu")]
    bad("input_2p31", relu, [vi("x", [2**31, 2**31])], [vi("y", [2**31, 2**31])])
    pool = [node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2])]
    bad("maxpool_2p40", pool, [vi("x", [1, 1, 2**40])], [vi("y", [1, 1, 2])])
    bad("maxpool_empty_2p40", pool, [vi("x", [0, 1, 2**40])], [vi("y", [0, 1, 2])])
    bad("conv3d_unroll", [node("Conv", ["x", "W"], ["y"], name="conv")],
        [vi("x", [1, 1, 100000, 1, 1])], [vi("y", [1, 1, 99001, 1, 1])],
        [weights("W", [1, 1, 1000, 1, 1], 1)])
    bad("lrn_size", [node("LRN", ["x"], ["y"], name="lrn", size=2**30)], [vi("x", [1, 1, 1, 1])],
        [vi("y", [1, 1, 1, 1])])
    # Within the bounds (a 1 KiB DRAM is given with --target).
    model("expand_small", [node("Expand", ["x", "s"], ["y"], name="x")], [vi("x", [1, 1])],
          [vi("y", [16, 16])], [ints("s", [16, 16])])


# fold-edge-values.test: folding at import with extreme integers, and
# zero-sized tensors.
def fold_edge_values():
    one = [vi("y", [1], INT64)]
    model("div_min", [node("Div", ["a", "b"], ["y"])], [], one,
          [ints("a", [-2**63]), ints("b", [-1])], check=False)
    model("neg_min", [node("Neg", ["a"], ["y"])], [], one, [ints("a", [-2**63])], check=False)
    model("cast_huge", [node("Cast", ["a"], ["y"], to=INT64)], [], one, [init("a", [1e30])],
          check=False)
    bad("gather_min", [node("Shape", ["x"], ["s"]), node("Gather", ["s", "i"], ["y"], name="g")],
        [vi("x", [2, 3])], one, [ints("i", [-2**63])])
    # The empty Shape of a scalar, sliced backwards; a MatMul over K = 0.
    model("shape_slice_empty", [
        node("Shape", ["x"], ["s"]),
        node("Slice", ["s", "st", "en", "ax", "sp"], ["y"]),
    ], [vi("x", [])], [vi("y", [0], INT64)],
        [ints("st", [-1]), ints("en", [-2**63]), ints("ax", [0]), ints("sp", [-1])], check=False)
    model("matmul_k0", [node("MatMul", ["a", "b"], ["y"])], [vi("a", [2, 0]), vi("b", [0, 3])],
          [vi("y", [2, 3])])
    model("slice_step_min", [node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])],
          [vi("x", [5])], [vi("y", [1])],
          [ints("st", [4]), ints("en", [-2**63]), ints("ax", [0]), ints("sp", [-2**63])],
          check=False)


# name-escaping.test: model strings in messages.
def name_escaping():
    x3 = [vi("x", [3])]
    bad("node_name", [node("Unique", ["x"], ["y"], name="evil\nname\0\x1b[31m")], x3,
        [vi("y", [3])])
    bad("op_type", [h.make_node("Uni\tque\\", ["x"], ["y"], name="n", domain="com.x\ny")], x3,
        [vi("y", [3])], opsets=[("com.x\ny", 1)])
    bad("input_name", [node("Relu", ["x\ny"], ["y"])], [vi("x\ny", ["ba\rch", 3])],
        [vi("y", [2, 3])])
    bad("long_name", [node("Unique", ["x"], ["y"], name="n" * 100000)], x3, [vi("y", [3])])
    bad("verifier_name", [node("Relu", ["i"], ["y"], name="re\nlu")], [vi("i", [2], INT64)],
        [vi("y", [2], INT64)])
    # Valid, but too wide for a 64 KiB SRAM: the lowering's diagnostic names
    # the node through its location.
    model("wide_conv", [node("Conv", ["x", "k"], ["y"], name="wi\nde", kernel_shape=[3, 3])],
          [vi("x", [1, 8, 8, 4000])], [vi("y", [1, 8, 6, 3998])], [init("k", np.ones((8, 8, 3, 3)))])
    bad("attribute_name", [node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2],
                                **{"a\tb": 1})], [vi("x", [1, 1, 4])], [vi("y", [1, 1, 3])])


# nesting-limit.test: If branches nested past protobuf's limit of 100.
def nesting_limit():
    def nested(depth):
        inner = h.make_graph([const_node("o%d" % depth, [1.0])], "b%d" % depth, [],
                             [vi("o%d" % depth, [1])])
        for d in range(depth - 1, -1, -1):
            other = h.make_graph([const_node("e%d" % d, [2.0])], "e%d" % d, [],
                                 [vi("e%d" % d, [1])])
            n = node("If", ["c"], ["o%d" % d], name="if%d" % d, then_branch=inner,
                     else_branch=other)
            inner = h.make_graph([n], "b%d" % d, [], [vi("o%d" % d, [1])])
        return list(inner.node)
    for depth in (30, 40):
        bad("nested%d" % depth, nested(depth), [vi("c", [], TP.BOOL)], [vi("o0", [1])])

    # 5000 levels: deeper than a parse with a raised limit could go safely
    # (the importer measures the depth over the wire format, without
    # recursion). Written as bytes: make_graph copies its subgraphs, which
    # is quadratic at this depth.
    def field(number, payload):
        key, n, out = number << 3 | 2, len(payload), bytearray()
        out.append(key)
        while True:
            out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
            n >>= 7
            if not n:
                return bytes(out) + payload
    other = h.make_graph([const_node("e", [2.0])], "e", [], [vi("e", [1])]).SerializeToString()
    out_vi = vi("o", [1]).SerializeToString()
    graph = h.make_graph([const_node("o", [1.0])], "b", [], [vi("o", [1])]).SerializeToString()
    for d in range(5000):
        attrs = b"".join(
            field(5, field(1, name) + b"\xa0\x01\x05" + field(6, g))  # name, type GRAPH, g
            for name, g in ((b"then_branch", graph), (b"else_branch", other)))
        if_node = field(1, b"c") + field(2, b"o") + field(4, b"If") + attrs
        graph = field(1, if_node) + field(2, b"b") + field(12, out_vi)
    # The model's graph (field 7): the outermost If, input c, output o.
    graph += field(11, vi("c", [], TP.BOOL).SerializeToString())
    model = h.make_model(h.make_graph([], "g", [], []), opset_imports=[h.make_opsetid("", 13)])
    model.ClearField("graph")
    with open(os.path.join(OUT, "nested5000.onnx"), "wb") as f:
        f.write(model.SerializeToString() + field(7, graph))


# external-data-rules.test: where external data may come from.
def external_data_rules():
    W = init("W", np.arange(4, dtype=np.float32))
    with open(os.path.join(OUT, "weights.bin"), "wb") as f:
        f.write(W.raw_data)

    def ext(name, **entries):
        t = TP()
        t.name, t.data_type, t.data_location = "W", FLOAT, TP.EXTERNAL
        t.dims.extend([4])
        for k, v in entries.items():
            e = t.external_data.add()
            e.key, e.value = k, v
        bad(name, [node("Add", ["x", "W"], ["y"], name="add")], [vi("x", [4])], [vi("y", [4])],
            [t])
    ext("ok", location="weights.bin")
    ext("link_in", location="link_in")
    ext("offset_alpha", location="weights.bin", offset="abc")
    ext("offset_negative", location="weights.bin", offset="-1")
    ext("offset_space", location="weights.bin", offset=" 0")
    ext("offset_huge", location="weights.bin", offset="99999999999999999999")
    ext("offset_past", location="weights.bin", offset="100")
    ext("length_max", location="weights.bin", offset="8", length=str(2**63 - 1))
    ext("directory", location="subdir")
    ext("fifo", location="fifo")
    ext("link_out", location="link_out")
    ext("nul", location="weights.bin\0junk")


GROUPS = {"mlp": mlp, "conv": conv, "elementwise": elementwise, "shape_folding": shape_folding,
          "fold_where": fold_where, "data": data, "norm": norm, "errors": errors,
          "errors_verifier": errors_verifier, "pow_int": pow_int, "pool_ceil": pool_ceil,
          "external": external, "malformed_tensors": malformed_tensors,
          "attribute_ranges": attribute_ranges, "size_limits": size_limits,
          "fold_edge_values": fold_edge_values, "name_escaping": name_escaping,
          "nesting_limit": nesting_limit, "external_data_rules": external_data_rules}

if __name__ == "__main__":
    OUT = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    for group in sys.argv[2:]:
        GROUPS[group]()
