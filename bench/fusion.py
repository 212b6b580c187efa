#!/usr/bin/python3
"""Fusion and memory planning, each measured against its switch (docs/benchmarks.md).

  bench/fusion.py [BUILD_DIR]

For ResNet-18, MobileNetV2 (1x3x224x224; each as PyTorch's exporter folds
its batch norms and, "-bn", with its BatchNormalization nodes as the ONNX
model zoo ships them) and the transformer encoder layer:
compile with and without --disable-fusion, run both on the emulator, check
that their outputs are bit-identical (within tolerance for "-bn": folding
rounds differently) and match PyTorch, and print DRAM
traffic (bytes read + written) and modeled cycles of each, with the ratios
fused / unfused. Then d1c --memory-report: the planned SRAM peak against
its liveness bound (worst kernel) and DRAM activations with and without
reuse.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "e2e"))
import torch_e2e  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build")
MODELS = ["resnet18", "mobilenetv2", "resnet18-bn", "mobilenetv2-bn", "encoder"]


def stats(bin_dir, d, name, exe, out):
    inputs = sorted(f for f in os.listdir(d) if re.fullmatch(r"in\d+\.npy", f))
    args = []
    for f in inputs:
        args += ["--input", f"{f[:-4]}={os.path.join(d, f)}"]
    js = os.path.join(d, out + ".json")
    subprocess.run([os.path.join(bin_dir, "d1-run"), exe, *args, "--output-dir", os.path.join(d, out),
                    "--output-format", "npy", "--stats-json", js, "--quiet"], check=True)
    s = json.load(open(js))
    return s["cycles"], s["dram_read_bytes"] + s["dram_write_bytes"]


def main():
    bin_dir = os.path.join(BUILD, "bin")
    with tempfile.TemporaryDirectory() as w:
        print(f"{'model':<15} {'traffic fused':>14} {'unfused':>12} {'ratio':>6} "
              f"{'cycles fused':>13} {'unfused':>12} {'ratio':>6}  outputs")
        for name in MODELS:
            ok = torch_e2e.check(bin_dir, w, name, quiet=True, compare_unfused=True)
            d = os.path.join(w, name)
            cf, tf = stats(bin_dir, d, name, os.path.join(d, name + ".d1x"), "f")
            cu, tu = stats(bin_dir, d, name, os.path.join(d, name + "-unfused.d1x"), "u")
            print(f"{name:<15} {tf:>14} {tu:>12} {tf / tu:>6.3f} {cf:>13} {cu:>12} {cf / cu:>6.3f}  "
                  f"{'agree, match PyTorch' if ok else 'FAIL'}")
        print()
        print(f"{'model':<15} {'SRAM peak':>10} {'bound':>10} {'worst kernel':>12} "
              f"{'DRAM act.':>10} {'no reuse':>10} {'ratio':>6}")
        for name in MODELS:
            onnx = os.path.join(w, name, name + ".onnx")
            r = subprocess.run([os.path.join(bin_dir, "d1c"), onnx, "-q", "-o", os.path.join(w, "m.d1x"),
                                "--memory-report"], capture_output=True, text=True, check=True).stdout
            peak, bound = map(int, re.search(r"peak (\d+) bytes, bound (\d+) bytes", r).groups())
            worst = float(re.search(r"worst kernel ([\d.]+)x", r).group(1))
            act, act0 = map(int, re.search(r"activations (\d+) bytes \((\d+) without", r).groups())
            print(f"{name:<15} {peak:>10} {bound:>10} {worst:>11.3f}x {act:>10} {act0:>10} "
                  f"{act / act0:>6.3f}")


if __name__ == "__main__":
    main()
