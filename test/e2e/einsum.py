#!/usr/bin/python3
"""Einsum against numpy.einsum.

    einsum.py BIN_DIR WORK_DIR

Equations of every form d1c lowers: explicit and implicit outputs,
transposes, sums, traces and diagonals (a label repeated in one operand),
inner, outer and batched products, ellipses (also of different lengths),
three operands contracted left to right. Each model is compiled with d1c,
run on the emulator and compared with numpy.einsum in float64 (relative
error within 1e-5): "name: ok" or the first difference. Equations d1c
refuses give one located error: "name: error: ...".
"""
import os
import sys

import numpy as np
from onnx import TensorProto as TP
from onnx import checker, helper

from harness import compile_model, run_model

BIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
rng = np.random.default_rng(12)

CASES = [
    # name, equation, input shapes, refused (no numpy result)
    ("transpose", "ij->ji", [(3, 4)], False),
    ("sum-rows", "ij->i", [(3, 4)], False),
    ("sum-all", "ij->", [(3, 4)], False),
    ("implicit-transpose", "ji", [(3, 4)], False),
    ("trace", "ii", [(5, 5)], False),
    ("diagonal", "ii->i", [(5, 5)], False),
    ("batch-diagonal", "...ii->...i", [(3, 5, 5)], False),
    ("inner", "i,i", [(7,), (7,)], False),
    ("outer", "i,j->ij", [(3,), (4,)], False),
    ("matmul", "ik,kj->ij", [(3, 5), (5, 4)], False),
    ("matmul-implicit", "ik,kj", [(3, 5), (5, 4)], False),
    ("matmul-transposed-out", "ik,kj->ji", [(3, 5), (5, 4)], False),
    ("batch-matmul", "bij,bjk->bik", [(4, 2, 3), (4, 3, 5)], False),
    ("ellipsis-matmul", "...ij,...jk->...ik", [(2, 3, 4, 5), (2, 3, 5, 6)], False),
    ("ellipsis-lengths", "...j,j->...", [(2, 3, 4), (4,)], False),
    ("attention-scores", "bhqd,bhkd->bhqk", [(1, 2, 4, 8), (1, 2, 6, 8)], False),
    ("bilinear", "ik,jkl,il->ij", [(2, 3), (4, 3, 5), (2, 5)], False),
    ("sum-then-product", "ij,jk->", [(3, 4), (4, 2)], False),
    ("repeated-and-shared", "iij,jk->ik", [(3, 3, 4), (4, 2)], False),
    # refused: the output shape the model declares
    ("broadcast-one", "ij,ij->ij", [(3, 1), (3, 4)], [3, 4]),
    ("bad-label", "i2->i", [(3, 3)], [3]),
    ("operand-count", "ij,jk->ik", [(3, 4)], [3, 4]),
    ("rank-mismatch", "ijk->i", [(3, 4)], [3]),
    ("output-twice", "ij->ii", [(3, 3)], [3, 3]),
]


def main():
    for name, eq, shapes, refused in CASES:
        d = os.path.join(WORK, name)
        xs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        names = [f"x{i}" for i in range(len(xs))]
        want = None if refused else np.einsum(eq, *[x.astype(np.float64) for x in xs])
        out_shape = list(want.shape) if want is not None else refused
        node = helper.make_node("Einsum", names, ["y"], equation=eq)
        graph = helper.make_graph([node], name,
                                  [helper.make_tensor_value_info(n, TP.FLOAT, list(x.shape))
                                   for n, x in zip(names, xs)],
                                  [helper.make_tensor_value_info("y", TP.FLOAT, out_shape)])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])
        if not refused:
            checker.check_model(model)
        exe, err = compile_model(BIN, model, d)
        if refused or err:
            print(f"{name}: " + (err or f"compiled, expected an error"))
            continue
        outs, err = run_model(BIN, exe, dict(zip(names, xs)), d)
        if err:
            print(f"{name}: {err}")
            continue
        got = outs[0].astype(np.float64)
        if got.shape != want.shape:
            print(f"{name}: shape {list(got.shape)}, expected {list(want.shape)}")
            continue
        err = np.max(np.abs(got - want) / (np.abs(want) + 1)) if want.size else 0.0
        print(f"{name}: " + ("ok" if err <= 1e-5 else f"error {err:.3g}"))


if __name__ == "__main__":
    main()
