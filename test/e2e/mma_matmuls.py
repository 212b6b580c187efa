#!/usr/bin/python3
"""Single matrix products compiled with d1c --precision=bf16, run on the emulator.

  mma_matmuls.py BIN_DIR WORK_DIR

MatMul and Gemm nodes on the matrix unit (tile.matmul_mma). The reference is
float64 (numpy) of the operands rounded to bf16 (nearest even), so the
emulator may differ only by its fp32 sums: outputs must agree within 2e-5 of
the largest reference value. The shapes cover blocks of 8 x 8 that are
partial in rows and columns, depths that are not multiples of 4 (zero
padding), K tiles that accumulate, N tiles, one-row products (a Gemm like a
classifier's), batches with both operands computed, transposed operands, and
Gemm's alpha, beta and bias. Prints one line per case; exits 1 if any fails.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mma_convs import bf16, compile_and_run, report, run_all  # noqa: E402

# name, op, A shape, B shape, B constant, attributes (Gemm), C shape (Gemm)
CASES = [
    ("square-64", "MatMul", (64, 64), (64, 64), True, {}, None),
    ("odd-13x37x29", "MatMul", (13, 37), (37, 29), True, {}, None),
    ("k-tiles-40x300x72", "MatMul", (40, 300), (300, 72), True, {}, None),
    ("n-tiles-8x16x600", "MatMul", (8, 16), (16, 600), True, {}, None),
    ("batched-both-computed", "MatMul", (2, 3, 17, 24), (2, 3, 24, 20), False, {}, None),
    ("gemm-one-row-transB", "Gemm", (1, 512), (1000, 512), True, {"transB": 1}, (1000,)),
    ("gemm-transA-alpha-beta", "Gemm", (48, 20), (48, 36), True,
     {"transA": 1, "alpha": 0.5, "beta": 2.0}, (20, 36)),
]


def check(bin_dir, work, case):
    name, op, ashape, bshape, b_const, attrs, cshape = case
    rng = np.random.default_rng(0)
    a = rng.standard_normal(ashape).astype(np.float32)
    b = rng.standard_normal(bshape).astype(np.float32)
    c = rng.standard_normal(cshape).astype(np.float32) if cshape else None
    ra, rb = bf16(a).numpy(), bf16(b).numpy()
    if attrs.get("transA"):
        ra = ra.T
    if attrs.get("transB"):
        rb = rb.T
    ref = np.matmul(ra, rb) * attrs.get("alpha", 1.0)
    if c is not None:
        ref = ref + attrs.get("beta", 1.0) * c.astype(np.float64)
    inputs = [helper.make_tensor_value_info("a", TensorProto.FLOAT, a.shape)]
    inits = []
    if b_const:
        inits.append(numpy_helper.from_array(b, "b"))
    else:
        inputs.append(helper.make_tensor_value_info("b", TensorProto.FLOAT, b.shape))
    if c is not None:
        inits.append(numpy_helper.from_array(c, "c"))
    node = helper.make_node(op, ["a", "b"] + (["c"] if c is not None else []), ["y"], **attrs)
    graph = helper.make_graph([node], name, inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ref.shape)],
                              inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    dirname = os.path.join(work, name)
    os.makedirs(dirname, exist_ok=True)
    onnx.save(model, os.path.join(dirname, "m.onnx"))
    feeds = ["--input", "a=" + os.path.join(dirname, "a.npy")]
    np.save(os.path.join(dirname, "a.npy"), a)
    if not b_const:
        np.save(os.path.join(dirname, "b.npy"), b)
        feeds += ["--input", "b=" + os.path.join(dirname, "b.npy")]
    tile, got = compile_and_run(bin_dir, dirname, ["--precision=bf16"], feeds)
    return report(name, got, ref, tile, "tile.matmul_mma" in tile and "tile.matmul " not in tile,
                  "K tiles accumulate", "NOT on the matrix unit")


def main():
    bin_dir, work = sys.argv[1], sys.argv[2]
    return run_all([(c[0], lambda c=c: check(bin_dir, work, c)) for c in CASES])


if __name__ == "__main__":
    sys.exit(main())
