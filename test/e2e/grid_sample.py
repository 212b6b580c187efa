#!/usr/bin/python3
"""GridSample against PyTorch's grid_sample.

    grid_sample.py BIN_DIR WORK_DIR

Every mode (bilinear, nearest, bicubic) with every padding (zeros, border,
reflection), with and without align_corners, on two images of three
channels and a grid reaching well outside [-1, 1], so that each padding
rule decides taps. Each model is compiled with d1c, run on the emulator and
compared with torch.nn.functional.grid_sample: "name: ok" when the largest
error is within 1e-4 of max(1, |reference|), else the error. Attribute
values ONNX does not define give one located error each.
"""
import os
import subprocess
import sys

import numpy as np
import torch
from onnx import TensorProto as TP
from onnx import checker, helper, save

BIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
rng = np.random.default_rng(16)
x = rng.standard_normal((2, 3, 5, 7)).astype(np.float32)
grid = rng.uniform(-1.6, 1.6, (2, 4, 6, 2)).astype(np.float32)
# Points on the borders and exactly on pixel centres too.
grid[0, 0, :, 0] = [-1, -0.5, 0, 0.5, 1, 1.6]
grid[0, 0, :, 1] = [1, -1, 0.25, -0.25, 1.5, -1.5]


def run(name, attrs, want):
    d = os.path.join(WORK, name)
    os.makedirs(d, exist_ok=True)
    node = helper.make_node("GridSample", ["x", "g"], ["y"], **attrs)
    graph = helper.make_graph([node], name,
                              [helper.make_tensor_value_info("x", TP.FLOAT, list(x.shape)),
                               helper.make_tensor_value_info("g", TP.FLOAT, list(grid.shape))],
                              [helper.make_tensor_value_info("y", TP.FLOAT, [2, 3, 4, 6])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 16)])
    if want is not None:
        checker.check_model(model)
    path = os.path.join(d, "model.onnx")
    save(model, path)
    exe = os.path.join(d, "model.d1x")
    p = subprocess.run([os.path.join(BIN, "d1c"), path, "-o", exe, "-q"],
                       capture_output=True, text=True)
    if want is None:
        lines = [l for l in p.stderr.splitlines() if "error:" in l]
        print(f"{name}: " + (lines[0][lines[0].index("error:"):] if p.returncode and lines
                             else f"compiled (exit {p.returncode}), expected an error"))
        return
    if p.returncode:
        print(f"{name}: d1c failed: {p.stderr.strip()}")
        return
    np.save(os.path.join(d, "x.npy"), x)
    np.save(os.path.join(d, "g.npy"), grid)
    out = os.path.join(d, "out")
    p = subprocess.run([os.path.join(BIN, "d1-run"), exe, "--input", f"x={d}/x.npy",
                        "--input", f"g={d}/g.npy", "--output-dir", out, "--output-format", "npy",
                        "--quiet"], capture_output=True, text=True)
    if p.returncode:
        print(f"{name}: d1-run failed: {p.stderr.strip()}")
        return
    got = np.load(os.path.join(out, "output_0.npy"))
    err = float(np.max(np.abs(got - want) / np.maximum(1, np.abs(want))))
    print(f"{name}: " + ("ok" if err <= 1e-4 else f"error {err:.3g}"))


def main():
    for mode in ("bilinear", "nearest", "bicubic"):
        for padding in ("zeros", "border", "reflection"):
            for align in (0, 1):
                want = torch.nn.functional.grid_sample(
                    torch.from_numpy(x), torch.from_numpy(grid), mode=mode,
                    padding_mode=padding, align_corners=bool(align)).numpy()
                run(f"{mode}-{padding}-align{align}",
                    {"mode": mode, "padding_mode": padding, "align_corners": align}, want)
    run("mode-area", {"mode": "area"}, None)
    run("padding-wrap", {"padding_mode": "wrap"}, None)


if __name__ == "__main__":
    main()
