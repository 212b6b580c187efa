#!/usr/bin/python3
"""Single convolutions compiled with d1c --precision=bf16, run on the emulator.

  mma_convs.py BIN_DIR WORK_DIR

The reference is an independent float64 convolution (PyTorch) of the input
and weights rounded to bf16 (nearest even): the matrix unit's products are
exact, so the emulator may differ only by its fp32 sums, a few units in the
last place; outputs must agree within 2e-5 of the largest reference value.
The shapes cover what the layouts must handle: odd channel counts (zero
padding to 4), filter counts that are not multiples of 8, outputs narrower
than 8 columns and widths that are not multiples of 8, column strides of 1
and 2 with the shifted views they need, dilation, groups, a batch of two,
channel tiles that accumulate (256 channels), convolutions without a
bias, and even widths that are not multiples of 8 (the last pixel block
overlaps the one before). Then a few fp32 shapes of the vector unit's
narrow-output blocks (rows as vectors, pairs of rows, filter counts that
leave a partial block), against float64 of the unrounded operands. Prints one line per case; exits 1
if any fails.
"""
import os
import subprocess
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

CASES = [
    # name, N, C, H, W, F, k, stride, pad, dilation, group, bias
    ("1x1", 1, 64, 8, 8, 64, 1, 1, 0, 1, 1, True),
    ("3x3", 1, 64, 8, 8, 64, 3, 1, 1, 1, 1, True),
    ("3x3-stride2", 1, 64, 16, 16, 64, 3, 2, 1, 1, 1, True),
    ("1x1-stride2", 1, 64, 16, 16, 128, 1, 2, 0, 1, 1, False),
    ("7x7-stride2-3ch", 1, 3, 32, 30, 64, 7, 2, 3, 1, 1, True),
    ("odd-sizes", 2, 5, 9, 11, 13, 3, 1, 1, 1, 1, True),
    ("narrow", 1, 64, 7, 7, 40, 3, 1, 1, 1, 1, True),
    ("dilated", 1, 8, 12, 13, 16, 3, 1, 2, 2, 1, False),
    ("groups", 1, 16, 10, 10, 32, 3, 1, 1, 1, 2, True),
    ("stride2-odd", 1, 12, 15, 17, 20, 5, 2, 2, 1, 1, True),
    ("channel-tiles", 1, 256, 14, 14, 256, 3, 1, 1, 1, 1, True),
    ("one-row-7ch", 1, 7, 1, 8, 8, 3, 1, 1, 1, 1, True),
    ("tiny-3ch", 1, 3, 3, 3, 8, 3, 1, 0, 1, 1, False),
    ("overlap-14", 1, 64, 14, 14, 64, 3, 1, 1, 1, 1, True),
    ("overlap-stride2-28", 1, 16, 56, 56, 24, 3, 2, 1, 1, 1, False),
    ("overlap-channel-tiles-20f", 1, 512, 12, 12, 20, 3, 1, 1, 1, 1, True),
]

FP32_CASES = [
    ("fp32-paired-10f", 1, 16, 7, 7, 10, 3, 1, 1, 1, 1, True),
    ("fp32-rows-13f", 1, 8, 12, 12, 13, 3, 1, 1, 1, 1, True),
    ("fp32-wide-remainder", 1, 8, 9, 60, 21, 3, 1, 1, 1, 1, False),
]


def bf16(x):
    return torch.from_numpy(x).to(torch.bfloat16).to(torch.float64)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(" ".join(cmd) + "\n" + p.stderr.strip())


def check(bin_dir, work, case, mma=True):
    name, n, c, h, w, f, k, s, p, d, g, with_bias = case
    flags = ["--precision=bf16"] if mma else []
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c, h, w)).astype(np.float32)
    wt = rng.standard_normal((f, c // g, k, k)).astype(np.float32)
    b = rng.standard_normal((f,)).astype(np.float32)
    rounded = bf16 if mma else (lambda a: torch.from_numpy(a).double())
    ref = torch.nn.functional.conv2d(rounded(x), rounded(wt), torch.from_numpy(b).double()
                                     if with_bias else None, stride=s, padding=p,
                                     dilation=d, groups=g).numpy()
    inits = [numpy_helper.from_array(wt, "w")] + ([numpy_helper.from_array(b, "b")]
                                                  if with_bias else [])
    node = helper.make_node("Conv", ["x", "w"] + (["b"] if with_bias else []), ["y"],
                            kernel_shape=[k, k], strides=[s, s], pads=[p] * 4,
                            dilations=[d, d], group=g)
    graph = helper.make_graph([node], name,
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ref.shape)],
                              inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    dirname = os.path.join(work, name)
    os.makedirs(dirname, exist_ok=True)
    onnx.save(model, os.path.join(dirname, "m.onnx"))
    np.save(os.path.join(dirname, "x.npy"), x)
    tile, got = compile_and_run(bin_dir, dirname, flags,
                                ["--input", "x=" + os.path.join(dirname, "x.npy")])
    return report(name, got, ref, tile, ("tile.conv2d_mma" in tile) == mma,
                  "channel tiles accumulate", "NOT on the unit expected")


def compile_and_run(bin_dir, dirname, flags, feeds):
    """Compiles dirname/m.onnx with d1c FLAGS and runs it on FEEDS (d1-run
    --input arguments): the tile IR (text) and the first output."""
    exe, onnx_path = os.path.join(dirname, "m.d1x"), os.path.join(dirname, "m.onnx")
    d1c = os.path.join(bin_dir, "d1c")
    run([d1c, onnx_path, "-o", exe, "-q", *flags])
    tile = subprocess.run([d1c, onnx_path, "-q", *flags, "--emit=tile", "-o", "-"],
                          capture_output=True, text=True, check=True).stdout
    run([os.path.join(bin_dir, "d1-run"), exe, *feeds, "--output-dir",
         os.path.join(dirname, "out"), "--output-format", "npy", "--quiet"])
    return tile, np.load(os.path.join(dirname, "out", "output_0.npy"))


def report(name, got, ref, tile, on_unit, accumulates_note, off_unit_note):
    """Prints the case's line: within 2e-5 of the largest reference value,
    on the unit expected, whether some tile accumulates. Returns the verdict."""
    err = float(np.max(np.abs(got - ref)) / np.max(np.abs(ref)))
    ok = got.shape == ref.shape and err <= 2e-5 and on_unit
    accumulates = "accumulate = true" in tile
    print(f"{name}: {'ok' if ok else 'MISMATCH'} (error {err:.1e} of the largest output"
          f"{'; ' + accumulates_note if accumulates else ''}"
          f"{'' if on_unit else '; ' + off_unit_note})")
    return ok


def run_all(checks):
    """Runs (name, check) pairs; a case that fails to build or run prints
    FAILED. Returns the exit status."""
    ok = True
    for name, check in checks:
        try:
            ok &= check()
        except RuntimeError as e:
            print(f"{name}: FAILED: {e}")
            ok = False
    return 0 if ok else 1


def main():
    bin_dir, work = sys.argv[1], sys.argv[2]
    return run_all([(c[0], lambda c=c, mma=mma: check(bin_dir, work, c, mma))
                    for c, mma in [(c, True) for c in CASES] + [(c, False) for c in FP32_CASES]])


if __name__ == "__main__":
    sys.exit(main())
