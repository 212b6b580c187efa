#!/usr/bin/python3
"""Modeled cycles with and without instruction scheduling, software
pipelining and double-buffered DMA (d1c --disable-scheduling).

  bench/scheduling.py [BUILD_DIR]

ResNet-18 and MobileNetV2 (1x3x224x224, fp32 and ResNet-18 in bf16) and the
transformer encoder layer of test/e2e/torch_e2e.py: both builds run on the
same input, their outputs must be bit-identical; prints the cycles and
their ratio. Figures in docs/benchmarks.md.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "e2e"))
import torch_e2e  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build")


def cycles(bin_dir, onnx_path, d, tag, flags):
    exe = os.path.join(d, tag + ".d1x")
    subprocess.run([os.path.join(bin_dir, "d1c"), onnx_path, "-o", exe, "-q", *flags], check=True)
    stats = os.path.join(d, tag + ".json")
    out = os.path.join(d, tag + "-out")
    subprocess.run([os.path.join(bin_dir, "d1-run"), exe, "--input",
                    "in0=" + os.path.join(d, "in0.npy"), "--quiet", "--stats-json", stats,
                    "--output-dir", out, "--output-format", "npy"], check=True)
    return json.load(open(stats))["cycles"], np.load(os.path.join(out, "output_0.npy"))


def main():
    bin_dir = os.path.join(BUILD, "bin")
    print(f"{'model':<20} {'scheduled':>12} {'unscheduled':>12} {'ratio':>6}  outputs")
    with tempfile.TemporaryDirectory() as d:
        for name, flags in [("resnet18", []), ("resnet18", ["--precision=bf16"]),
                            ("mobilenetv2", []), ("encoder", [])]:
            wd = os.path.join(d, name)
            if not os.path.exists(wd):
                torch_e2e.check(bin_dir, d, name, quiet=True)
            onnx_path = os.path.join(wd, name + ".onnx")
            tag = name + ("-bf16" if flags else "")
            on, a = cycles(bin_dir, onnx_path, wd, tag, flags)
            off, b = cycles(bin_dir, onnx_path, wd, tag + "-off", flags + ["--disable-scheduling"])
            same = np.array_equal(a, b, equal_nan=True)
            print(f"{tag:<20} {on:>12} {off:>12} {on / off:>6.3f}  "
                  f"{'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
