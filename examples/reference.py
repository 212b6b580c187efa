#!/usr/bin/python3
"""Inputs and independent references for the bundled example programs.

  reference.py make NAME DIR        write the example's inputs to DIR/<input>.npy
  reference.py check NAME DIR OUT   compare output file OUT (.pb or .npy) with
                                    the reference computed here with numpy

NAME is one of: dot, axpy, matmul, pingpong. Every check is bit-exact: the
reference performs the same fp32 roundings the ISA documents.
"""
import os
import sys
from fractions import Fraction

import numpy as np

INPUTS = {
    "dot": ["a", "b"],
    "axpy": ["a", "x", "y"],
    "matmul": ["a", "b"],
    "pingpong": ["x"],
}


def bf16(x):
    """fp32 -> bf16 (kept in fp32), round to nearest even."""
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) >> 16 << 16
    return u.astype(np.uint32).view(np.float32)


def round_f32(v):
    """The fp32 nearest to the exact rational v, ties to even."""
    d = np.float32(float(v))
    lo, hi = sorted((d, np.nextafter(d, np.float32(np.inf if Fraction(float(d)) < v else -np.inf))))
    dlo, dhi = abs(Fraction(float(lo)) - v), abs(Fraction(float(hi)) - v)
    if dlo != dhi:
        return lo if dlo < dhi else hi
    return lo if (int(lo.view(np.uint32)) & 1) == 0 else hi


def fma32(a, b, c):
    return round_f32(Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c)))


def make(name, d):
    rng = np.random.default_rng(0)
    if name == "dot":
        arrays = {"a": np.arange(64, dtype=np.float32) * 0.5, "b": rng.standard_normal(64, dtype=np.float32)}
    elif name == "axpy":
        arrays = {"a": np.float32(rng.standard_normal()),
                  "x": rng.standard_normal(1024, dtype=np.float32),
                  "y": rng.standard_normal(1024, dtype=np.float32)}
    elif name == "matmul":
        arrays = {"a": rng.standard_normal((64, 64), dtype=np.float32),
                  "b": rng.standard_normal((64, 64), dtype=np.float32)}
    else:
        arrays = {"x": rng.standard_normal(64, dtype=np.float32)}
    for k, v in arrays.items():
        np.save(os.path.join(d, k + ".npy"), np.asarray(v, dtype=np.float32))


def reference(name, d):
    i = {k: np.load(os.path.join(d, k + ".npy")) for k in INPUTS[name]}
    if name == "dot":
        # 4 chunks of 16 lanes, fused per lane, then the halving-tree sum.
        acc = np.zeros(16, np.float32)
        for c in range(4):
            acc = np.array([fma32(i["a"][16 * c + l], i["b"][16 * c + l], acc[l]) for l in range(16)], np.float32)
        for s in (8, 4, 2, 1):
            acc[:s] = acc[:s] + acc[s:2 * s]
        return acc[:1]
    if name == "axpy":
        return np.array([fma32(i["a"], x, y) for x, y in zip(i["x"], i["y"])], np.float32)
    if name == "matmul":
        a, b = bf16(i["a"]), bf16(i["b"])
        ref = np.zeros((64, 64), np.float32)
        for k in range(64):  # exact products, summed in k order in fp32
            ref = ref + np.outer(a[:, k], b[k, :]).astype(np.float32)
        return ref
    x = i["x"].copy()
    for _ in range(20):  # 10 rounds, +1.0 on each core
        x = x + np.float32(1.0)
    return x


def load(path):
    if path.endswith(".npy"):
        return np.load(path)
    import onnx
    import onnx.numpy_helper
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return onnx.numpy_helper.to_array(t)


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("make", "check") or sys.argv[2] not in INPUTS:
        sys.stderr.write(__doc__)
        return 2
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
        return 0
    ref = reference(sys.argv[2], sys.argv[3])
    got = load(sys.argv[4])
    same = got.shape == ref.shape and np.array_equal(got.view(np.uint32), ref.view(np.uint32))
    bad = 0 if same else int(np.sum(got.reshape(-1).view(np.uint32) != ref.reshape(-1).view(np.uint32))) if got.shape == ref.shape else -1
    print(f"check {sys.argv[2]}: {'bit-exact' if same else 'MISMATCH (%d elements differ)' % bad} "
          f"against the numpy reference ({ref.size} values)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
