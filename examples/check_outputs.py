#!/usr/bin/python3
"""Compares d1-run's outputs with ONNX test-data outputs.

  check_outputs.py EXPECTED_DIR OUTPUT_DIR

EXPECTED_DIR holds output_<i>.pb (ONNX test-data layout), OUTPUT_DIR d1-run's
output_<i>.pb. Shapes and dtypes must match and values agree within ONNX's
default tolerances (rtol 1e-3, atol 1e-7) or, with --atol, that absolute one.
"""
import argparse
import glob
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper as nh


def load(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return nh.to_array(t)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("expected")
    p.add_argument("outputs")
    p.add_argument("--rtol", type=float, default=1e-3)
    p.add_argument("--atol", type=float, default=1e-7)
    a = p.parse_args()
    ok = True
    files = sorted(glob.glob(os.path.join(a.expected, "output_*.pb")))
    for f in files:
        want = load(f)
        got = load(os.path.join(a.outputs, os.path.basename(f)))
        good = got.shape == want.shape and got.dtype == want.dtype and \
            np.allclose(got, want, rtol=a.rtol, atol=a.atol)
        err = float(np.max(np.abs(got.astype(np.float64) - want))) if got.shape == want.shape else float("nan")
        print(f"check {os.path.basename(f)}: {'matches' if good else 'MISMATCH'} the reference "
              f"({want.dtype}{list(want.shape)}, max |error| {err:.2e})")
        ok &= good
    if not files:
        print("no expected outputs found")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
