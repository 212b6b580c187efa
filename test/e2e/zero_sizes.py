#!/usr/bin/python3
"""Tensors without elements, end to end against numpy.

    zero_sizes.py BIN_DIR WORK_DIR

Each model has a tensor with a zero dimension reaching the lowering: ops
whose outputs are empty (no code), products whose inner dimension is 0
(zeros, or beta * C for Gemm, then whatever follows), reductions over an
empty axis (the identity ONNX defines: 0, 1, -inf, +inf, and what ReduceL2,
ReduceLogSum and ReduceLogSumExp make of them), convolutions without input
channels (the bias). d1c compiles each (also with --precision=bf16 where
that changes the lowering), d1-run runs it, and every output is compared
with numpy, exactly: "name: ok" or the first difference. Cases with no
defined result (the mean over an empty axis, ArgMax over one) must fail
with a located error: "name: error: ...".
"""
import os
import subprocess
import sys

import numpy as np
from onnx import TensorProto as TP
from onnx import checker, helper, numpy_helper, save

BIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
F = TP.FLOAT


def vi(name, shape, t=F):
    return helper.make_tensor_value_info(name, t, shape)


def const(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


CASES = []


def case(name, nodes, inputs, outputs, want, inits=(), opset=13, bf16=False):
    """inputs: {name: array}; outputs: [(name, shape, type)]; want: [array]."""
    CASES.append((name, nodes, inputs, outputs, want, list(inits), opset, bf16))


def ones(*shape):
    return np.ones(shape, np.float32)


rng = np.random.default_rng(1)
x23 = rng.standard_normal((2, 3)).astype(np.float32)
e = np.zeros((0, 4), np.float32)

# Outputs without elements: no code.
case("add-empty", [helper.make_node("Add", ["x", "x"], ["y"])], {"x": e}, [("y", [0, 4], F)], [e])
case("relu-neg-empty", [helper.make_node("Relu", ["x"], ["t"]), helper.make_node("Neg", ["t"], ["y"])],
     {"x": e}, [("y", [0, 4], F)], [e])
case("transpose-empty", [helper.make_node("Transpose", ["x"], ["y"], perm=[1, 0])], {"x": e},
     [("y", [4, 0], F)], [e.T])
case("slice-empty", [helper.make_node("Slice", ["x", "s", "s", "a"], ["y"])], {"x": x23},
     [("y", [0, 3], F)], [x23[2:2]], [const("s", [2]), const("a", [0])])
case("softmax-empty-axis", [helper.make_node("Softmax", ["x"], ["y"], axis=1)],
     {"x": np.zeros((3, 0), np.float32)}, [("y", [3, 0], F)], [np.zeros((3, 0), np.float32)])
case("maxpool-no-channels", [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2])],
     {"x": np.zeros((1, 0, 4, 4), np.float32)}, [("y", [1, 0, 3, 3], F)],
     [np.zeros((1, 0, 3, 3), np.float32)])
# An empty shape slice (folded at compile time) as an output of its own.
case("empty-shape-slice", [helper.make_node("Shape", ["x"], ["sh"]),
                           helper.make_node("Slice", ["sh", "s", "s", "a"], ["y"])],
     {"x": x23}, [("y", [0], TP.INT64)], [np.zeros((0,), np.int64)], [const("s", [2]), const("a", [0])])
# Empty inputs of ops whose outputs are not empty.
case("concat-with-empty", [helper.make_node("Concat", ["x", "z"], ["y"], axis=0)],
     {"x": x23, "z": np.zeros((0, 3), np.float32)}, [("y", [2, 3], F)], [x23])
case("pad-empty", [helper.make_node("Pad", ["x", "p", "v"], ["y"])], {"x": np.zeros((0, 2), np.float32)},
     [("y", [2, 4], F)], [np.full((2, 4), 7.0, np.float32)], [const("p", [1, 1, 1, 1]), const("v", np.float32(7))])
# Products over K = 0.
for bf16 in (False, True):
    sfx = "-bf16" if bf16 else ""
    case("matmul-k0" + sfx, [helper.make_node("MatMul", ["a", "b"], ["y"])],
         {"a": np.zeros((2, 0), np.float32), "b": np.zeros((0, 3), np.float32)}, [("y", [2, 3], F)],
         [np.zeros((2, 3), np.float32)], bf16=bf16)
    case("matmul-k0-batched" + sfx, [helper.make_node("MatMul", ["a", "b"], ["y"])],
         {"a": np.zeros((3, 2, 0), np.float32), "b": np.zeros((3, 0, 4), np.float32)},
         [("y", [3, 2, 4], F)], [np.zeros((3, 2, 4), np.float32)], bf16=bf16)
    c = np.arange(3, dtype=np.float32) - 1
    case("gemm-k0" + sfx, [helper.make_node("Gemm", ["a", "b", "c"], ["y"], alpha=3.0, beta=2.0)],
         {"a": np.zeros((2, 0), np.float32), "b": np.zeros((0, 3), np.float32)}, [("y", [2, 3], F)],
         [np.broadcast_to(2 * c, (2, 3))], [const("c", c)], bf16=bf16)
    r = rng.standard_normal((2, 3)).astype(np.float32)
    case("matmul-k0-add-relu" + sfx, [helper.make_node("MatMul", ["a", "b"], ["m"]),
                                     helper.make_node("Add", ["m", "r"], ["s"]),
                                     helper.make_node("Relu", ["s"], ["y"])],
         {"a": np.zeros((2, 0), np.float32), "b": np.zeros((0, 3), np.float32), "r": r},
         [("y", [2, 3], F)], [np.maximum(r, 0)], bf16=bf16)
    bias = np.array([1.5, -2.0], np.float32)
    case("conv-no-channels" + sfx, [helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1])],
         {"x": np.zeros((1, 0, 4, 4), np.float32)}, [("y", [1, 2, 4, 4], F)],
         [np.broadcast_to(bias.reshape(1, 2, 1, 1), (1, 2, 4, 4))],
         [const("w", np.zeros((2, 0, 3, 3), np.float32)), const("b", bias)], bf16=bf16)
case("conv-no-channels-no-bias", [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1])],
     {"x": np.zeros((1, 0, 4, 4), np.float32)}, [("y", [1, 2, 4, 4], F)],
     [np.zeros((1, 2, 4, 4), np.float32)], [const("w", np.zeros((2, 0, 3, 3), np.float32))])
case("matmul-m0", [helper.make_node("MatMul", ["a", "b"], ["y"])],
     {"a": np.zeros((0, 4), np.float32), "b": ones(4, 3)}, [("y", [0, 3], F)], [np.zeros((0, 3), np.float32)])
# Reductions over an empty axis: ONNX's identities.
x203 = np.zeros((2, 0, 3), np.float32)
ident = {"ReduceSum": 0.0, "ReduceProd": 1.0, "ReduceMax": -np.inf, "ReduceMin": np.inf, "ReduceL1": 0.0,
         "ReduceL2": 0.0, "ReduceSumSquare": 0.0, "ReduceLogSum": -np.inf, "ReduceLogSumExp": -np.inf}
for op, v in ident.items():
    case(op.lower() + "-empty-axis", [helper.make_node(op, ["x"], ["y"], axes=[1], keepdims=1)], {"x": x203},
         [("y", [2, 1, 3], F)], [np.full((2, 1, 3), v, np.float32)], opset=12)
case("reducesum-empty-last-axis-then-add",
     [helper.make_node("ReduceSum", ["x", "ax"], ["r"], keepdims=0), helper.make_node("Add", ["r", "c"], ["y"])],
     {"x": np.zeros((3, 0), np.float32)}, [("y", [3], F)], [np.array([1, 2, 3], np.float32)],
     [const("ax", [1]), const("c", np.array([1, 2, 3], np.float32))])
case("reducesum-all-empty", [helper.make_node("ReduceSum", ["x"], ["y"], keepdims=0)],
     {"x": np.zeros((0, 3), np.float32)}, [("y", [], F)], [np.float32(0)])
# No defined result: a located error.
case("reducemean-empty-axis", [helper.make_node("ReduceMean", ["x"], ["y"], axes=[1], keepdims=1)],
     {"x": x203}, [("y", [2, 1, 3], F)], None)
case("argmax-empty-axis", [helper.make_node("ArgMax", ["x"], ["y"], axis=1)],
     {"x": np.zeros((2, 0), np.float32)}, [("y", [2, 1], TP.INT64)], None)


def main():
    for name, nodes, inputs, outputs, want, inits, opset, bf16 in CASES:
        d = os.path.join(WORK, name)
        os.makedirs(d, exist_ok=True)
        tp = {np.dtype(np.float32): F, np.dtype(np.int64): TP.INT64}
        graph = helper.make_graph(nodes, name, [vi(n, list(a.shape), tp[a.dtype]) for n, a in inputs.items()],
                                  [vi(n, s, t) for n, s, t in outputs], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        checker.check_model(model)
        path = os.path.join(d, "model.onnx")
        save(model, path)
        exe = os.path.join(d, "model.d1x")
        p = subprocess.run([os.path.join(BIN, "d1c"), path, "-o", exe, "-q"] +
                           (["--precision=bf16"] if bf16 else []), capture_output=True, text=True)
        if want is None:
            lines = [l for l in p.stderr.splitlines() if "error:" in l]
            print(f"{name}: " + (lines[0][lines[0].index("error:"):] if p.returncode and lines
                                 else f"compiled (exit {p.returncode}), expected an error"))
            continue
        if p.returncode:
            print(f"{name}: d1c failed: {p.stderr.strip()}")
            continue
        args = []
        for n, a in inputs.items():
            f = os.path.join(d, n + ".npy")
            np.save(f, a)
            args += ["--input", f"{n}={f}"]
        out = os.path.join(d, "out")
        p = subprocess.run([os.path.join(BIN, "d1-run"), exe, *args, "--output-dir", out,
                            "--output-format", "npy", "--quiet"], capture_output=True, text=True)
        if p.returncode:
            print(f"{name}: d1-run failed: {p.stderr.strip()}")
            continue
        bad = ""
        for i, w in enumerate(want):
            got = np.load(os.path.join(out, f"output_{i}.npy"))
            w = np.asarray(w)
            if got.shape != w.shape or got.dtype != w.dtype:
                bad = f"output {i}: {got.dtype}{list(got.shape)}, expected {w.dtype}{list(w.shape)}"
            elif not np.array_equal(got, w):
                bad = f"output {i}: {got.ravel()[:8]} expected {w.ravel()[:8]}"
            if bad:
                break
        print(f"{name}: " + (bad or "ok"))


if __name__ == "__main__":
    main()
