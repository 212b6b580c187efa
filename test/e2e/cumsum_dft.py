#!/usr/bin/python3
"""CumSum and DFT against numpy.

    cumsum_dft.py BIN_DIR WORK_DIR

CumSum: every combination of exclusive and reverse along each axis of a
3-D float tensor with a constant axis, int32 and int64 inputs (exact), and
an axis given at run time (each value in [-rank, rank), and one outside,
which must trap with the node's location). DFT: forward and inverse, real
and complex signals, dft_length padding and cutting, onesided, each signal
axis, against numpy.fft. Floats within 1e-4 relative (of max(1, |x|)),
integers exactly: "name: ok" or the difference; refusals and traps print
their error line.
"""
import os
import sys

import numpy as np
from onnx import TensorProto as TP
from onnx import helper, numpy_helper

from harness import compile_model, run_model

BIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
rng = np.random.default_rng(14)
TYPES = {np.dtype(np.float32): TP.FLOAT, np.dtype(np.int32): TP.INT32,
         np.dtype(np.int64): TP.INT64}


def run(name, node, inputs, inits, out_shape, out_type, want, opset):
    d = os.path.join(WORK, name)
    graph = helper.make_graph([node], name,
                              [helper.make_tensor_value_info(n, TYPES[a.dtype], list(a.shape))
                               for n, a in inputs.items()],
                              [helper.make_tensor_value_info("y", out_type, out_shape)],
                              [numpy_helper.from_array(a, n) for n, a in inits.items()])
    exe, err = compile_model(BIN, helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)]), d)
    outs = None
    if not err:
        outs, err = run_model(BIN, exe, inputs, d)
    if err:
        print(f"{name}: {err}")
        return
    got = outs[0]
    if got.shape != want.shape:
        print(f"{name}: shape {list(got.shape)}, expected {list(want.shape)}")
    elif want.dtype.kind in "iu":
        print(f"{name}: " + ("ok" if np.array_equal(got, want) else f"{got.ravel()[:6]} expected {want.ravel()[:6]}"))
    else:
        err = float(np.max(np.abs(got - want) / np.maximum(1, np.abs(want))))
        print(f"{name}: " + ("ok" if err <= 1e-4 else f"error {err:.3g}"))


def cumsum_ref(x, axis, exclusive, reverse):
    y = np.flip(x, axis) if reverse else x
    c = np.cumsum(y, axis=axis, dtype=x.dtype)
    if exclusive:
        c = c - y
    return np.flip(c, axis) if reverse else c


def main():
    x = rng.standard_normal((3, 5, 9)).astype(np.float32)
    for axis in (0, 1, 2, -1):
        for ex in (0, 1):
            for rev in (0, 1):
                node = helper.make_node("CumSum", ["x", "axis"], ["y"], exclusive=ex, reverse=rev)
                run(f"cumsum-axis{axis}-ex{ex}-rev{rev}", node, {"x": x},
                    {"axis": np.array(axis, np.int64)}, list(x.shape), TP.FLOAT,
                    cumsum_ref(x, axis, ex, rev), 14)
    for t in (np.int32, np.int64):
        xi = rng.integers(-1000, 1000, (4, 17)).astype(t)
        node = helper.make_node("CumSum", ["x", "axis"], ["y"], reverse=1)
        run(f"cumsum-{np.dtype(t).name}", node, {"x": xi}, {"axis": np.array(1, np.int32)},
            list(xi.shape), TYPES[np.dtype(t)], cumsum_ref(xi, 1, 0, 1), 14)
    for axis in (-3, -2, -1, 0, 1, 2, 3):
        node = helper.make_node("CumSum", ["x", "axis"], ["y"], exclusive=1)
        run(f"cumsum-runtime-axis{axis}", node, {"x": x, "axis": np.array(axis, np.int64)}, {},
            list(x.shape), TP.FLOAT,
            cumsum_ref(x, axis, 1, 0) if -3 <= axis < 3 else x, 14)

    sig = rng.standard_normal((2, 6, 5, 2)).astype(np.float32)
    real = sig[..., :1].copy()
    z = sig[..., 0] + 1j * sig[..., 1]

    def stack(c):
        return np.stack([c.real, c.imag], -1).astype(np.float32)

    def dft(name, x, want, opset=17, length=None, **attrs):
        ins = ["x"] + (["len"] if length is not None else [])
        inits = {"len": np.array(length, np.int64)} if length is not None else {}
        run(name, helper.make_node("DFT", ins, ["y"], **attrs), {"x": x}, inits,
            list(want.shape), TP.FLOAT, want, opset)

    dft("dft-real", real, stack(np.fft.fft(real[..., 0], axis=1)), axis=1)
    dft("dft-complex-axis2", sig, stack(np.fft.fft(z, axis=2)), axis=2)
    dft("dft-negative-axis", sig, stack(np.fft.fft(z, axis=2)), axis=-2)
    dft("dft-inverse", sig, stack(np.fft.ifft(z, axis=1)), axis=1, inverse=1)
    dft("dft-onesided", real, stack(np.fft.rfft(real[..., 0], axis=1)), axis=1, onesided=1)
    dft("dft-pad", sig, stack(np.fft.fft(z, n=9, axis=1)), axis=1, length=9)
    dft("dft-cut", sig, stack(np.fft.fft(z, n=4, axis=1)), axis=1, length=4)
    dft("dft-onesided-complex", sig, stack(np.fft.fft(z, axis=1)), axis=1, onesided=1)
    dft("dft-axis0", sig, stack(np.fft.fft(z, axis=0)), axis=0)
    dft("dft-axis-last", sig, stack(np.fft.fft(z, axis=1)), axis=-1)


if __name__ == "__main__":
    main()
