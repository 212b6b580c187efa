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
import sys

import numpy as np
import torch
from onnx import TensorProto as TP
from onnx import checker, helper

from harness import compile_model, run_model

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
    node = helper.make_node("GridSample", ["x", "g"], ["y"], **attrs)
    graph = helper.make_graph([node], name,
                              [helper.make_tensor_value_info("x", TP.FLOAT, list(x.shape)),
                               helper.make_tensor_value_info("g", TP.FLOAT, list(grid.shape))],
                              [helper.make_tensor_value_info("y", TP.FLOAT, [2, 3, 4, 6])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 16)])
    if want is not None:
        checker.check_model(model)
    exe, err = compile_model(BIN, model, d)
    if want is None or err:
        print(f"{name}: " + (err or "compiled, expected an error"))
        return
    outs, err = run_model(BIN, exe, {"x": x, "g": grid}, d)
    if err:
        print(f"{name}: {err}")
        return
    got = outs[0]
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
