#!/usr/bin/python3
"""Modeled cycles of real models against the roofline (docs/benchmarks.md).

  bench/models.py [BUILD_DIR]

For ResNet-18 and MobileNetV2 (1x3x224x224) and the transformer encoder
layer of test/e2e/torch_e2e.py: compile with d1c, run on the emulator,
check the outputs against PyTorch, and report modeled cycles against the
fp32 roofline: the model's multiply-accumulates (counted from the ONNX
graph: Conv, Gemm, MatMul) divided by 16 MAC/cycle, one core.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnx.shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "e2e"))
import torch_e2e  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build")


def model_macs(path):
    m = onnx.shape_inference.infer_shapes(onnx.load(path))
    shapes = {}
    for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    macs = 0
    for n in m.graph.node:
        out = shapes.get(n.output[0])
        if n.op_type == "Conv":
            w = shapes[n.input[1]]
            macs += int(np.prod(out)) * int(np.prod(w[1:]))
        elif n.op_type in ("Gemm", "MatMul"):
            a = shapes[n.input[0]]
            k = a[0] if n.op_type == "Gemm" and any(x.name == "transA" and x.i for x in n.attribute) else a[-1]
            macs += int(np.prod(out)) * k
    return macs


def main():
    bin_dir = os.path.join(BUILD, "bin")
    with tempfile.TemporaryDirectory() as d:
        print(f"{'model':<12} {'check':<6} {'model MACs':>12} {'cycles':>12} {'roofline':>11} {'of roofline':>11} {'emulator s':>10}")
        for name in ["resnet18", "mobilenetv2", "encoder"]:
            t = time.perf_counter()
            ok = torch_e2e.check(bin_dir, d, name, quiet=True)
            secs = time.perf_counter() - t
            s = json.load(open(os.path.join(d, name, "stats.json")))
            macs = model_macs(os.path.join(d, name, name + ".onnx"))
            roof = macs / 16
            print(f"{name:<12} {'ok' if ok else 'FAIL':<6} {macs:>12} {s['cycles']:>12} {roof:>11.0f} "
                  f"{100 * roof / s['cycles']:>10.1f}% {secs:>10.1f}")


if __name__ == "__main__":
    main()
