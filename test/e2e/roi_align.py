#!/usr/bin/python3
"""RoiAlign against torchvision's roi_align and a direct loop.

    roi_align.py BIN_DIR WORK_DIR

Two images of three channels, regions inside, across and outside the
borders (so that samples fall outside [-1, size] and at the far edge), on
two batch indices; avg mode against torchvision.ops.roi_align (aligned is
coordinate_transformation_mode half_pixel), max mode against a loop over
the samples as ONNX Runtime writes it. Opsets 10 and 16. "name: ok" when
within 1e-4 of max(1, |reference|); refusals print their error line.
"""
import os
import sys

import numpy as np
import torch
import torchvision
from onnx import TensorProto as TP
from onnx import helper

from harness import compile_model, run_model

BIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
rng = np.random.default_rng(10)
x = rng.standard_normal((2, 3, 9, 11)).astype(np.float32)
rois = np.array([[0, 0, 10, 8], [1.5, 2.25, 6.5, 7], [-3, -2, 4, 3], [7, 5, 14, 12],
                 [2, 2, 2.5, 2.25], [9.6, 7.5, 12, 10]], np.float32)
batch = np.array([0, 1, 1, 0, 0, 1], np.int64)


def loop_reference(mode, ph, pw, ratio, scale, half_pixel):
    n, c, h, w = x.shape
    out = np.zeros((len(rois), c, ph, pw), np.float64)
    off = 0.5 if half_pixel else 0.0
    for r, (x1, y1, x2, y2) in enumerate(rois.astype(np.float64)):
        sx, sy = x1 * scale - off, y1 * scale - off
        rw, rh = x2 * scale - off - sx, y2 * scale - off - sy
        if not half_pixel:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph, rw / pw
        img = x[batch[r]].astype(np.float64)
        for i in range(ph):
            for j in range(pw):
                vals = []
                for iy in range(ratio):
                    yy = sy + i * bh + (iy + 0.5) * bh / ratio
                    for ix in range(ratio):
                        xx = sx + j * bw + (ix + 0.5) * bw / ratio
                        if yy < -1 or yy > h or xx < -1 or xx > w:
                            vals.append(np.zeros(c))
                            continue
                        yy2, xx2 = max(yy, 0.0), max(xx, 0.0)
                        yl, xl = int(yy2), int(xx2)
                        if yl >= h - 1:
                            yl = yh = h - 1
                            yy2 = yl
                        else:
                            yh = yl + 1
                        if xl >= w - 1:
                            xl = xh = w - 1
                            xx2 = xl
                        else:
                            xh = xl + 1
                        ly, lx = yy2 - yl, xx2 - xl
                        t = [(1 - ly) * (1 - lx) * img[:, yl, xl], (1 - ly) * lx * img[:, yl, xh],
                             ly * (1 - lx) * img[:, yh, xl], ly * lx * img[:, yh, xh]]
                        vals.append(sum(t) if mode == "avg" else np.maximum.reduce(t))
                out[r, :, i, j] = (np.mean(vals, 0) if mode == "avg" else np.max(vals, 0))
    return out.astype(np.float32)


def run(name, opset, attrs, want, ph, pw):
    d = os.path.join(WORK, name)
    node = helper.make_node("RoiAlign", ["x", "rois", "b"], ["y"], **attrs)
    graph = helper.make_graph([node], name, [
        helper.make_tensor_value_info("x", TP.FLOAT, list(x.shape)),
        helper.make_tensor_value_info("rois", TP.FLOAT, list(rois.shape)),
        helper.make_tensor_value_info("b", TP.INT64, list(batch.shape))],
        [helper.make_tensor_value_info("y", TP.FLOAT, [len(rois), 3, ph, pw])])
    exe, err = compile_model(BIN, helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)]), d)
    if want is None or err:
        print(f"{name}: " + (err or "compiled, expected an error"))
        return
    outs, err = run_model(BIN, exe, {"x": x, "rois": rois, "b": batch}, d)
    if err:
        print(f"{name}: {err}")
        return
    got = outs[0]
    err = float(np.max(np.abs(got - want) / np.maximum(1, np.abs(want))))
    print(f"{name}: " + ("ok" if err <= 1e-4 else f"error {err:.3g}"))


def main():
    boxes = torch.from_numpy(np.concatenate([batch[:, None].astype(np.float32), rois], 1))
    for half_pixel in (True, False):
        for ph, pw, ratio, scale in ((3, 4, 2, 1.0), (2, 2, 3, 0.5)):
            want = torchvision.ops.roi_align(torch.from_numpy(x), boxes, (ph, pw),
                                             spatial_scale=scale, sampling_ratio=ratio,
                                             aligned=half_pixel).numpy()
            attrs = {"output_height": ph, "output_width": pw, "sampling_ratio": ratio,
                     "spatial_scale": scale, "coordinate_transformation_mode":
                     "half_pixel" if half_pixel else "output_half_pixel"}
            tag = "half" if half_pixel else "output-half"
            run(f"avg-{tag}-{ph}x{pw}-r{ratio}", 16, attrs, want, ph, pw)
            run(f"max-{tag}-{ph}x{pw}-r{ratio}", 16, dict(attrs, mode="max"),
                loop_reference("max", ph, pw, ratio, scale, half_pixel), ph, pw)
    run("opset10-avg", 10, {"output_height": 3, "output_width": 4, "sampling_ratio": 2},
        loop_reference("avg", 3, 4, 2, 1.0, False), 3, 4)
    run("adaptive-ratio", 16, {"output_height": 3, "output_width": 4}, None, 3, 4)


if __name__ == "__main__":
    main()
