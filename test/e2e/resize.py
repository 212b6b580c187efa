#!/usr/bin/python3
"""Resize and Upsample against ONNX's own expected outputs.

    resize.py BIN_DIR WORK_DIR

ONNX's node tests of Resize and Upsample give the scales, sizes and roi as
graph inputs; d1c needs them at compile time (they set the output's shape
and the sampling positions). Each test is rewritten with those inputs as
initializers of the values of its test_data_set_0, compiled with d1c, run
on the emulator with the data input, and compared with the expected output
within ONNX's tolerances (rtol 1e-3, atol 1e-7). Prints "name: ok" per test
or the first difference, then "N of M ok".
"""
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

BIN, WORK = sys.argv[1], sys.argv[2]
DATA = '/usr/share/libonnx-testdata/data/node'
os.makedirs(WORK, exist_ok=True)

tests = sorted(glob.glob(os.path.join(DATA, 'test_resize_*')) +
               glob.glob(os.path.join(DATA, 'test_upsample_*')))
ok = 0
for t in tests:
    name = os.path.basename(t)
    model = onnx.load(os.path.join(t, 'model.onnx'))
    ds = os.path.join(t, 'test_data_set_0')
    ins = [numpy_helper.to_array(onnx.load_tensor(f))
           for f in sorted(glob.glob(os.path.join(ds, 'input_*.pb')))]
    outs = [numpy_helper.to_array(onnx.load_tensor(f))
            for f in sorted(glob.glob(os.path.join(ds, 'output_*.pb')))]
    g = model.graph
    data_name = g.input[0].name
    # Every graph input but the first becomes an initializer.
    for vi, value in list(zip(g.input, ins))[1:]:
        g.initializer.append(numpy_helper.from_array(value, vi.name))
    keep = g.input[0]
    del g.input[:]
    g.input.append(keep)
    path = os.path.join(WORK, name + '.onnx')
    onnx.save(model, path)
    x = os.path.join(WORK, name + '.x.pb')
    onnx.save_tensor(numpy_helper.from_array(ins[0], data_name), x)
    exe = os.path.join(WORK, name + '.d1x')
    r = subprocess.run([os.path.join(BIN, 'd1c'), '-q', path, '-o', exe],
                       capture_output=True, text=True)
    if r.returncode:
        print(f'{name}: compile error: {r.stderr.strip()}')
        continue
    od = os.path.join(WORK, name + '.out')
    r = subprocess.run([os.path.join(BIN, 'd1-run'), exe, '--input', x, '--output-dir', od,
                        '--output-format', 'npy'], capture_output=True, text=True)
    if r.returncode:
        print(f'{name}: run error: {r.stderr.strip()}')
        continue
    got = np.load(sorted(glob.glob(os.path.join(od, '*.npy')))[0])
    want = outs[0]
    if got.shape != want.shape:
        print(f'{name}: shape {got.shape}, expected {want.shape}')
        continue
    if not np.allclose(got, want, rtol=1e-3, atol=1e-7):
        bad = np.argwhere(~np.isclose(got, want, rtol=1e-3, atol=1e-7))[0]
        print(f'{name}: at {tuple(bad)} got {got[tuple(bad)]}, expected {want[tuple(bad)]}')
        continue
    ok += 1
    print(f'{name}: ok')
print(f'{ok} of {len(tests)} ok')

# PyTorch's exports (Resize with its scales folded from Constant and Shape
# nodes), against PyTorch's own results.
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

CASES = {
    'torch_nearest_x2': dict(scale_factor=2, mode='nearest'),
    'torch_bilinear': dict(scale_factor=2, mode='bilinear', align_corners=False),
    'torch_bilinear_align_corners': dict(size=(11, 7), mode='bilinear', align_corners=True),
    'torch_bicubic_down': dict(size=(5, 3), mode='bicubic', align_corners=False),
}
torch.manual_seed(0)
tok = 0
for name, kw in CASES.items():
    class M(torch.nn.Module):
        def forward(self, x):
            return F.interpolate(x, **kw)
    x = torch.randn(1, 3, 6, 5)
    want = M()(x).numpy()
    path = os.path.join(WORK, name + '.onnx')
    torch.onnx.export(M(), (x,), path, opset_version=13, input_names=['x'], output_names=['y'])
    xf = os.path.join(WORK, name + '.x.pb')
    onnx.save_tensor(numpy_helper.from_array(x.numpy(), 'x'), xf)
    exe = os.path.join(WORK, name + '.d1x')
    r = subprocess.run([os.path.join(BIN, 'd1c'), '-q', path, '-o', exe], capture_output=True,
                       text=True)
    if r.returncode:
        print(f'{name}: compile error: {r.stderr.strip()}')
        continue
    od = os.path.join(WORK, name + '.out')
    subprocess.run([os.path.join(BIN, 'd1-run'), exe, '--input', xf, '--output-dir', od,
                    '--output-format', 'npy'], check=True, capture_output=True)
    got = np.load(sorted(glob.glob(os.path.join(od, '*.npy')))[0])
    err = np.abs(got - want).max() if got.shape == want.shape else None
    if err is None or err > 1e-5:
        print(f'{name}: shape {got.shape} vs {want.shape}, max error {err}')
        continue
    tok += 1
    print(f'{name}: ok')
print(f'{tok} of {len(CASES)} PyTorch cases ok')

# What d1c refuses, with one located line each.
from onnx import TensorProto as TP, helper  # noqa: E402


def refused(name, node, inits, inputs=None):
    g = helper.make_graph([node], name, inputs or [helper.make_tensor_value_info('x', TP.FLOAT, [1, 1, 4, 4])],
                          [helper.make_tensor_value_info('y', TP.FLOAT, [1, 1, 8, 8])], inits)
    path = os.path.join(WORK, name + '.onnx')
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]), path)
    r = subprocess.run([os.path.join(BIN, 'd1c'), '-q', path, '-o', os.path.join(WORK, 'no.d1x')],
                       capture_output=True, text=True)
    print(f'{name}: exit {r.returncode}: {r.stderr.strip().replace(WORK + "/", "")}')


S = lambda *v: numpy_helper.from_array(np.array(v, np.float32), 'scales')  # noqa: E731
refused('mode_area', helper.make_node('Resize', ['x', '', 'scales'], ['y'], 'rs', mode='area'),
        [S(1, 1, 2, 2)])
refused('scales_input', helper.make_node('Resize', ['x', '', 'scales'], ['y'], 'rs'), [],
        [helper.make_tensor_value_info('x', TP.FLOAT, [1, 1, 4, 4]),
         helper.make_tensor_value_info('scales', TP.FLOAT, [4])])
refused('scales_count', helper.make_node('Resize', ['x', '', 'scales'], ['y'], 'rs'), [S(2, 2)])
refused('scales_huge', helper.make_node('Resize', ['x', '', 'scales'], ['y'], 'rs'),
        [S(1, 1, 1e9, 1e9)])
