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

Then PyTorch's exports against PyTorch, the refusals, and the forms of
opsets 18 and 19 (antialias, axes, keep_aspect_ratio_policy,
half_pixel_symmetric), which libonnx 1.12 has no tests of: against a numpy
reference written from ONNX's reference implementation (rtol 1e-3, atol
1e-5), checked itself against ONNX's published output of one node test and
against PyTorch's antialiased interpolate.
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

# Opsets 18 and 19 (antialias, axes, keep_aspect_ratio_policy;
# half_pixel_symmetric), past what libonnx 1.12 knows: against a numpy
# reference written from ONNX's reference implementation
# (onnx/reference/ops/op_resize.py), resizing one axis at a time from the
# last, as its nesting does.


def ref_x(ctm, i, scale, n_in, n_out, roi):
    """The sampling position of output i (None outside tf_crop_and_resize's box)."""
    width = scale * n_in
    if ctm == 'align_corners':
        return 0.0 if width == 1 else i * (n_in - 1) / (width - 1)
    if ctm == 'asymmetric':
        return i / scale
    if ctm == 'tf_crop_and_resize':
        x = ((roi[1] - roi[0]) * (n_in - 1) / 2 if width == 1
             else i * (roi[1] - roi[0]) * (n_in - 1) / (width - 1))
        x += roi[0] * (n_in - 1)
        return None if x < 0 or x > n_in - 1 else x
    if ctm == 'pytorch_half_pixel':
        return -0.5 if width == 1 else (i + 0.5) / scale - 0.5
    if ctm == 'half_pixel':
        return (i + 0.5) / scale - 0.5
    assert ctm == 'half_pixel_symmetric'
    offset = n_in / 2 * (1 - n_out / width)
    return offset + (i + 0.5) / scale - 0.5


def ref_coeffs(mode, ratio, scale, a, antialias):
    if mode == 'nearest':  # round_prefer_floor only
        return np.array([0.0, 1.0]) if ratio == 1 else np.array([ratio <= 0.5, ratio > 0.5], float)
    s = min(scale, 1.0)
    if mode == 'linear':
        if not antialias:
            return np.array([1 - ratio, ratio])
        start = int(np.floor(-1 / s) + 1)
        c = np.clip(1 - np.abs((np.arange(start, 2 - start) - ratio) * s), 0, 1)
        return c / c.sum()
    if not antialias:
        r = [ratio + 1, ratio, 1 - ratio, 2 - ratio]
    else:
        start = int(np.floor(-2 / s) + 1)
        r = [s * (k - ratio) for k in range(start, 2 - start)]

    def k(x):
        x = abs(x)
        if x <= 1:
            return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1
        return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a if x < 2 else 0.0
    c = np.array([k(x) for x in r])
    return c / c.sum() if antialias else c


def ref_axis(data, axis, n_out, scale, roi, o):
    n_in = data.shape[axis]
    res = np.empty(data.shape[:axis] + (n_out,) + data.shape[axis + 1:])
    for i in range(n_out):
        x = ref_x(o['ctm'], i, scale, n_in, n_out, roi)
        at = (slice(None),) * axis + (i,)
        if x is None:
            res[at] = o['extrapolation']
            continue
        ratio = 1.0 if float(x).is_integer() else x - np.floor(x)
        c = ref_coeffs(o['mode'], ratio, scale, o['a'], o['antialias'])
        n = len(c)
        # The n nearest of the edge-padded axis, ties to the lower.
        pad = int(np.ceil(n / 2))
        idx = sorted(sorted(range(n_in + 2 * pad), key=lambda j: (abs(x + pad - j), j))[:n])
        idx = np.array(idx) - pad
        if o['exclude_outside']:
            c = np.where((idx < 0) | (idx >= n_in), 0.0, c)
            c = c / c.sum()
        pts = np.take(data, np.clip(idx, 0, n_in - 1), axis=axis)
        res[at] = np.tensordot(c, np.moveaxis(pts, axis, 0), axes=1)
    return res


def ref_resize(x, scales=None, sizes=None, axes=None, roi=None, policy='stretch', **kw):
    o = dict(mode='nearest', ctm='half_pixel', a=-0.75, exclude_outside=0, extrapolation=0.0,
             antialias=0)
    o.update(kw)
    r = x.ndim
    axes = list(range(r)) if axes is None else [a % r for a in axes]
    sc, out, box = [1.0] * r, list(x.shape), [(0.0, 1.0)] * r
    for k, d in enumerate(axes):
        if roi is not None:
            box[d] = (roi[k], roi[len(axes) + k])
        if sizes is not None:
            out[d] = sizes[k]
            sc[d] = sizes[k] / x.shape[d]
        else:
            sc[d] = float(np.float32(scales[k]))
            out[d] = int(sc[d] * x.shape[d])
    if sizes is not None and policy != 'stretch':
        s = (min if policy == 'not_larger' else max)(sc[d] for d in axes)
        for d in axes:
            sc[d], out[d] = s, int(s * x.shape[d] + 0.5)  # ONNX's round_half_up
    y = x.astype(np.float64)
    for d in reversed(range(r)):
        y = ref_axis(y, d, out[d], sc[d], box[d], o)
    return y.astype(x.dtype)


def compile_run(name, model, x):
    path = os.path.join(WORK, name + '.onnx')
    onnx.save(model, path)
    xf = os.path.join(WORK, name + '.x.pb')
    onnx.save_tensor(numpy_helper.from_array(x, 'x'), xf)
    exe = os.path.join(WORK, name + '.d1x')
    r = subprocess.run([os.path.join(BIN, 'd1c'), '-q', path, '-o', exe], capture_output=True,
                       text=True)
    if r.returncode:
        return f'exit {r.returncode}: {r.stderr.strip().replace(WORK + "/", "")}'
    od = os.path.join(WORK, name + '.out')
    r = subprocess.run([os.path.join(BIN, 'd1-run'), exe, '--input', xf, '--output-dir', od,
                        '--output-format', 'npy'], capture_output=True, text=True)
    if r.returncode:
        return f'run error: {r.stderr.strip()}'
    return np.load(sorted(glob.glob(os.path.join(od, '*.npy')))[0])


def resize_model(name, opset, x_shape, y_shape, scales=None, sizes=None, roi=None, inputs=None,
                 **attrs):
    """A Resize of x with its roi, scales and sizes as initializers."""
    inits, names = [], ['x', '', '', '']
    for k, (n, v, t) in enumerate([('roi', roi, np.float32), ('scales', scales, np.float32),
                                   ('sizes', sizes, np.int64)]):
        if v is not None:
            inits.append(numpy_helper.from_array(np.array(v, t), n))
            names[k + 1] = n
    while names[-1] == '':
        names.pop()
    node = helper.make_node('Resize', inputs or names, ['y'], 'rs', **attrs)
    g = helper.make_graph([node], name, [helper.make_tensor_value_info('x', TP.FLOAT, x_shape)],
                          [helper.make_tensor_value_info('y', TP.FLOAT, y_shape)], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid('', opset)], ir_version=8)


def new_case(name, opset, x, want, **kw):
    model = resize_model(name, opset, list(x.shape), list(want.shape), **kw)
    got = compile_run(name, model, x)
    if isinstance(got, str):
        print(f'{name}: {got}')
    elif got.shape != want.shape:
        print(f'{name}: shape {got.shape}, expected {want.shape}')
    elif not np.allclose(got, want, rtol=1e-3, atol=1e-5):
        bad = tuple(np.argwhere(~np.isclose(got, want, rtol=1e-3, atol=1e-5))[0])
        print(f'{name}: at {bad} got {got[bad]}, expected {want[bad]}')
    else:
        print(f'{name}: ok')


RESIZE_ATTRS = {'mode', 'coordinate_transformation_mode', 'cubic_coeff_a', 'exclude_outside',
                'extrapolation_value', 'antialias', 'keep_aspect_ratio_policy', 'axes'}


def checked(name, opset, x, **kw):
    """A case of the new forms: d1c against ref_resize."""
    names = {'coordinate_transformation_mode': 'ctm', 'cubic_coeff_a': 'a',
             'extrapolation_value': 'extrapolation', 'keep_aspect_ratio_policy': 'policy'}
    rk = {names.get(k, k): v for k, v in kw.items()}
    want = ref_resize(x, **rk)
    new_case(name, opset, x, want, **kw)
    return want


rng = np.random.default_rng(18)
grid = np.arange(1, 17, dtype=np.float32).reshape(1, 1, 4, 4)
# ONNX's own node test test_resize_downsample_scales_linear_antialias: the
# reference reproduces its published output.
want = checked('aa_linear_scales', 18, grid, scales=[1, 1, 0.6, 0.6], mode='linear', antialias=1)
print('aa_linear_scales matches ONNX:', np.allclose(want, [[[[2.875, 4.5], [9.375, 11.0]]]]))
X = rng.standard_normal((2, 3, 13, 11), dtype=np.float32)
checked('aa_linear_sizes', 18, X, sizes=[2, 3, 5, 4], mode='linear', antialias=1)
checked('aa_cubic_scales', 18, X, scales=[1, 1, 0.3, 0.45], mode='cubic', antialias=1)
checked('aa_cubic_sizes_exclude', 18, X, sizes=[2, 3, 4, 6], mode='cubic', antialias=1,
        exclude_outside=1, cubic_coeff_a=-0.5)
checked('aa_linear_align_corners', 18, X, scales=[1, 1, 0.5, 0.7], mode='linear', antialias=1,
        coordinate_transformation_mode='align_corners')
checked('aa_cubic_asymmetric', 18, X, scales=[1, 1, 0.25, 0.6], mode='cubic', antialias=1,
        coordinate_transformation_mode='asymmetric')
checked('aa_linear_crop', 18, X, sizes=[2, 3, 3, 4], roi=[0, 0, 0.2, 0.1, 1, 1, 0.9, 1.0],
        mode='linear', antialias=1, coordinate_transformation_mode='tf_crop_and_resize',
        extrapolation_value=10.0)
checked('aa_upsample_no_effect', 18, X, scales=[1, 1, 2, 1.5], mode='cubic', antialias=1)
checked('aa_down_up', 18, X, scales=[1, 1, 0.4, 2.5], mode='linear', antialias=1)
checked('axes_scales_nearest', 18, X, scales=[1.5, 2.0], axes=[-1, 1])
checked('axes_sizes_linear', 18, X, sizes=[7], axes=[2], mode='linear')
checked('axes_crop', 18, X, sizes=[3, 3], axes=[2, 3], roi=[0.4, 0.6, 0.6, 0.8], mode='linear',
        coordinate_transformation_mode='tf_crop_and_resize', extrapolation_value=10.0)
checked('keep_not_larger', 18, X, sizes=[5, 5], axes=[2, 3], mode='linear',
        keep_aspect_ratio_policy='not_larger')
checked('keep_not_smaller_nearest', 18, grid, sizes=[1, 1, 7, 9],
        keep_aspect_ratio_policy='not_smaller')
# Scale 0.5 of 5 is 2.5: rounded half up to 3 (half to even would give 2).
Y = rng.standard_normal((1, 2, 4, 5), dtype=np.float32)
want = checked('keep_not_smaller_half_up', 18, Y, sizes=[2, 1], axes=[2, 3], mode='linear',
               antialias=1, keep_aspect_ratio_policy='not_smaller')
print('keep_not_smaller_half_up shape:', want.shape)
checked('keep_aspect_scales_ignored', 18, Y, scales=[1, 1, 0.5, 2], mode='linear',
        keep_aspect_ratio_policy='not_larger')
checked('opset18_cubic_plain', 18, X, scales=[1, 1, 0.8, 1.7], mode='cubic')
checked('hps_linear_down', 19, X, scales=[1, 1, 0.7, 0.5], mode='linear',
        coordinate_transformation_mode='half_pixel_symmetric')
checked('hps_linear_up', 19, rng.standard_normal((1, 1, 2, 2), dtype=np.float32),
        scales=[1, 1, 2.3, 2.94], mode='linear',
        coordinate_transformation_mode='half_pixel_symmetric')
checked('hps_cubic_aa', 19, X, scales=[1, 1, 0.55, 1.3], mode='cubic', antialias=1,
        coordinate_transformation_mode='half_pixel_symmetric')
checked('hps_nearest_keep', 19, Y, sizes=[7, 7], axes=[2, 3],
        coordinate_transformation_mode='half_pixel_symmetric',
        keep_aspect_ratio_policy='not_larger')
checked('hps_opset21', 21, X, sizes=[2, 3, 9, 4], mode='cubic',
        coordinate_transformation_mode='half_pixel_symmetric')

# PyTorch's antialiased interpolate is ONNX's with exclude_outside=1 (taps
# outside the input dropped and the rest renormalized; bicubic with a = -0.5):
# an independent check of the reference and of d1c.
Z = rng.standard_normal((1, 2, 17, 12), dtype=np.float32)
for name, tmode, mode, size in [('torch_aa_bilinear', 'bilinear', 'linear', (6, 5)),
                                ('torch_aa_bicubic', 'bicubic', 'cubic', (5, 7))]:
    tw = F.interpolate(torch.from_numpy(Z), size=size, mode=tmode, antialias=True,
                       align_corners=False).numpy()
    kw = dict(mode=mode, antialias=1, exclude_outside=1, cubic_coeff_a=-0.5)
    rw = ref_resize(Z, sizes=[1, 2, *size], **{k: v for k, v in kw.items() if k != 'cubic_coeff_a'},
                    a=-0.5)
    print(f'{name} reference: max error {np.abs(rw - tw).max():.1e} <= 1e-5:',
          np.abs(rw - tw).max() <= 1e-5)
    new_case(name, 18, Z, tw, sizes=[1, 2, *size], **kw)


def refused18(name, opset=18, x_shape=(1, 1, 4, 4), **kw):
    model = resize_model(name, opset, list(x_shape), [1, 1, 2, 2], **kw)
    got = compile_run(name, model, np.zeros(x_shape, np.float32))
    print(f'{name}: {got if isinstance(got, str) else "compiled"}')


refused18('hps_opset18', scales=[1, 1, 2, 2], coordinate_transformation_mode='half_pixel_symmetric')
refused18('aa_nearest', scales=[1, 1, 0.5, 0.5], antialias=1)
refused18('aa_two', scales=[1, 1, 0.5, 0.5], mode='linear', antialias=2)
refused18('aa_float', scales=[1, 1, 0.5, 0.5], mode='linear', antialias=1.0)
refused18('keep_fit', sizes=[2, 2], axes=[2, 3], keep_aspect_ratio_policy='fit')
refused18('keep_empty', x_shape=(1, 1, 0, 4), sizes=[2, 2], axes=[2, 3],
          keep_aspect_ratio_policy='not_larger')
refused18('axes_range', scales=[2, 2], axes=[2, 4])
refused18('axes_twice', scales=[2, 2], axes=[3, -1])
refused18('axes_empty', inputs=['x', '', 'scales'], scales=[], axes=[])
refused18('axes_scales_count', scales=[1, 2, 2], axes=[2, 3])
refused18('axes_sizes_count', sizes=[1, 2, 2], axes=[2, 3])
refused18('axes_roi_count', sizes=[2, 2], axes=[2, 3], roi=[0, 0, 1, 1, 1, 1],
          coordinate_transformation_mode='tf_crop_and_resize')
refused18('unknown_attr', scales=[1, 1, 2, 2], antialiasing=1)
refused18('five_inputs', inputs=['x', '', 'scales', '', 'scales'], scales=[1, 1, 2, 2])
refused18('aa_too_wide', x_shape=(1, 200000), scales=[1, 1e-5], mode='linear', antialias=1)
refused18('mode_area18', opset=19, scales=[1, 1, 2, 2], mode='area')
