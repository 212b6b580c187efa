#!/usr/bin/python3
"""d1c compile time against model size (figures for docs/benchmarks.md).

  bench/compile_time.py [BUILD_DIR]

Exports torchvision ResNet-18/34/50/101/152 (random weights, 1x3x224x224,
opset 13), compiles each with d1c three times and keeps the fastest wall
time (process start to the .d1x written). Prints nodes, parameters, seconds
and milliseconds per node, so linear growth shows as a flat last column.
"""
import os
import subprocess
import sys
import tempfile
import time

import onnx
import torch
import torchvision

BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "build")
D1C = os.path.join(BUILD, "bin", "d1c")


def main():
    with tempfile.TemporaryDirectory() as d:
        print(f"{'model':<10} {'nodes':>6} {'params':>11} {'seconds':>8} {'ms/node':>8}")
        for name in ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152"]:
            path = os.path.join(d, name + ".onnx")
            model = getattr(torchvision.models, name)(weights=None).eval()
            torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=13)
            g = onnx.load(path, load_external_data=False).graph
            params = sum(int(__import__("numpy").prod(t.dims)) for t in g.initializer)
            best = None
            for _ in range(3):
                t = time.perf_counter()
                subprocess.run([D1C, path, "-o", os.path.join(d, name + ".d1x"), "-q"], check=True)
                best = min(best or 1e9, time.perf_counter() - t)
            print(f"{name:<10} {len(g.node):>6} {params:>11} {best:>8.2f} {1000 * best / len(g.node):>8.2f}")


if __name__ == "__main__":
    main()
