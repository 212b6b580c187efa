#!/usr/bin/python3
"""The opset 18+ forms of reductions, Split, Pad, Scatter* and CenterCropPad
against numpy.

    opset18_tensor.py BIN_DIR WORK_DIR

Each case is a one-node model of the opset it names (python onnx 1.12
knows opsets up to 17, so the models are not given to its checker), built
with onnx.helper, compiled with d1c, run on the emulator with d1-run, and
compared with a numpy reference: floats within rtol 1e-4 / atol 1e-5,
integers and bools exactly. Prints "name: ok" or the first difference per
case; then, for bad models, "name: exit N: <d1c's error line>".
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper, numpy_helper

BIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
TYPES = {np.dtype(np.float32): TP.FLOAT, np.dtype(np.int64): TP.INT64,
         np.dtype(np.int32): TP.INT32, np.dtype(bool): TP.BOOL}
rng = np.random.default_rng(18)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def const(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


def model(name, node, inputs, outputs, inits, opset):
    """inputs: {name: array} (graph inputs); outputs: [(name, array)]."""
    def vi(n, a):
        return helper.make_tensor_value_info(n, TYPES[a.dtype], list(a.shape))
    outs = [vi(n, a) for n, a in outputs]
    g = helper.make_graph([node], name, [vi(n, a) for n, a in inputs.items()], outs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', opset)])
    m.ir_version = 8
    path = os.path.join(WORK, name + '.onnx')
    onnx.save(m, path)
    return path


def case(name, node, inputs, want, inits=(), opset=18):
    """Compiles and runs node on inputs; want: one array per output."""
    outs = [(n, w) for n, w in zip(node.output, want)]
    path = model(name, node, inputs, outs, inits, opset)
    exe = os.path.join(WORK, name + '.d1x')
    r = subprocess.run([os.path.join(BIN, 'd1c'), '-q', path, '-o', exe], capture_output=True,
                       text=True)
    if r.returncode:
        print(f'{name}: compile error: {r.stderr.strip()}')
        return
    args = []
    for n, a in inputs.items():
        f = os.path.join(WORK, f'{name}.{n}.npy')
        np.save(f, a)
        args += ['--input', f'{n}={f}']
    od = os.path.join(WORK, name + '.out')
    r = subprocess.run([os.path.join(BIN, 'd1-run'), exe, *args, '--output-dir', od,
                        '--output-format', 'npy', '--quiet'], capture_output=True, text=True)
    if r.returncode:
        print(f'{name}: run error: {r.stderr.strip()}')
        return
    for i, w in enumerate(want):
        got = np.load(os.path.join(od, f'output_{i}.npy'))
        w = np.asarray(w)
        if got.shape != w.shape or got.dtype != w.dtype:
            print(f'{name}: output {i} is {got.dtype}{list(got.shape)}, expected {w.dtype}{list(w.shape)}')
            return
        same = (np.allclose(got, w, rtol=1e-4, atol=1e-5) if w.dtype == np.float32
                else np.array_equal(got, w))
        if not same:
            print(f'{name}: output {i} {got.ravel()[:8]}, expected {w.ravel()[:8]}')
            return
    print(f'{name}: ok')


def refused(name, node, inputs, inits=(), opset=18):
    """The outputs are declared as the first input (ONNX's checker, run up
    to opset 17, needs a type and shape)."""
    first = next(iter(inputs.values()))
    path = model(name, node, inputs, [(o, first) for o in node.output], inits, opset)
    r = subprocess.run([os.path.join(BIN, 'd1c'), '-q', path, '-o', os.path.join(WORK, 'no.d1x')],
                       capture_output=True, text=True)
    print(f'{name}: exit {r.returncode}: {r.stderr.strip().replace(WORK + "/", "")}')


N = helper.make_node

# Reductions: axes an input (opset 18; ReduceSum 13), noop_with_empty_axes,
# bool ReduceMax/ReduceMin (opset 20).
x = rand(2, 3, 4)
px = np.abs(x) + 0.5
REDUCE = {
    'ReduceMean': lambda a, ax, k: np.mean(a, axis=ax, keepdims=k),
    'ReduceMax': lambda a, ax, k: np.max(a, axis=ax, keepdims=k),
    'ReduceMin': lambda a, ax, k: np.min(a, axis=ax, keepdims=k),
    'ReduceProd': lambda a, ax, k: np.prod(a, axis=ax, keepdims=k),
    'ReduceL1': lambda a, ax, k: np.sum(np.abs(a), axis=ax, keepdims=k),
    'ReduceL2': lambda a, ax, k: np.sqrt(np.sum(a * a, axis=ax, keepdims=k)),
    'ReduceSumSquare': lambda a, ax, k: np.sum(a * a, axis=ax, keepdims=k),
    'ReduceLogSum': lambda a, ax, k: np.log(np.sum(a, axis=ax, keepdims=k)),
    'ReduceLogSumExp': lambda a, ax, k: np.log(np.sum(np.exp(a), axis=ax, keepdims=k)),
}
for op, f in REDUCE.items():
    a = px if op == 'ReduceLogSum' else x
    case(op.lower() + '18-axes-input', N(op, ['x', 'axes'], ['y'], keepdims=1), {'x': a},
         [f(a, (0, 2), True).astype(np.float32)], [const('axes', [0, -1])])
    case(op.lower() + '18-all', N(op, ['x'], ['y'], keepdims=0), {'x': a},
         [np.asarray(f(a, None, False), np.float32)])
case('reducesum13-axes-input', N('ReduceSum', ['x', 'axes'], ['y'], keepdims=0), {'x': x},
     [x.sum(axis=1)], [const('axes', [1])], opset=13)
case('reducesum18-axes-input', N('ReduceSum', ['x', 'axes'], ['y']), {'x': x},
     [x.sum(axis=-1, keepdims=True)], [const('axes', [-1])])
case('reducemean18-noop', N('ReduceMean', ['x'], ['y'], noop_with_empty_axes=1), {'x': x}, [x])
case('reducemax18-empty-axes-input', N('ReduceMax', ['x', 'axes'], ['y'], keepdims=0), {'x': x},
     [np.max(x)], [const('axes', np.zeros(0, np.int64))])
case('reducesum13-noop-empty-axes-input',
     N('ReduceSum', ['x', 'axes'], ['y'], noop_with_empty_axes=1), {'x': x}, [x],
     [const('axes', np.zeros(0, np.int64))], opset=13)
b = rng.random((3, 4)) < 0.3
b[0] = False
b[1] = True
case('reducemax20-bool', N('ReduceMax', ['b', 'axes'], ['y'], keepdims=0), {'b': b},
     [b.any(axis=1)], [const('axes', [1])], opset=20)
case('reducemin20-bool', N('ReduceMin', ['b', 'axes'], ['y']), {'b': b},
     [b.all(axis=1, keepdims=True)], [const('axes', [-1])], opset=20)
case('reducemax20-bool-all', N('ReduceMax', ['b'], ['y'], keepdims=0), {'b': b}, [np.bool_(b.any())],
     opset=20)
case('reducemin20-bool-noop', N('ReduceMin', ['b'], ['y'], noop_with_empty_axes=1), {'b': b}, [b],
     opset=20)
case('reducemax20-float', N('ReduceMax', ['x', 'axes'], ['y']), {'x': x},
     [x.max(axis=0, keepdims=True)], [const('axes', [0])], opset=21)

# Split 18: num_outputs (chunks of ceil(dim / n), the last smaller), the
# split input, or neither (equal parts).
s = rand(4, 7)
case('split18-num-outputs', N('Split', ['s'], ['a', 'b', 'c'], axis=1, num_outputs=3), {'s': s},
     [s[:, 0:3], s[:, 3:6], s[:, 6:7]])
case('split18-num-outputs-even', N('Split', ['s'], ['a', 'b'], num_outputs=2), {'s': s},
     [s[0:2], s[2:4]])
case('split18-num-outputs-empty-last', N('Split', ['s'], ['a', 'b', 'c'], axis=0, num_outputs=3),
     {'s': s}, [s[0:2], s[2:4], s[4:4]])
case('split18-split-input', N('Split', ['s', 'sp'], ['a', 'b'], axis=-1), {'s': s},
     [s[:, :2], s[:, 2:]], [const('sp', [2, 5])])
case('split18-equal', N('Split', ['s'], ['a', 'b'], axis=0), {'s': s}, [s[:2], s[2:]])

# Pad 18: axes input (negative allowed); Pad 19: mode wrap.
p = rand(2, 3, 4)


def npad(a, axes, pads, mode='constant', **kw):
    width = [(0, 0)] * a.ndim
    for k, ax in enumerate(axes):
        width[ax] = (pads[k], pads[k + len(axes)])
    return wrap(a, width) if mode == 'wrap' else np.pad(a, width, mode=mode, **kw)


def wrap(a, width):
    """Wrap padding as on a torus: padded element i along an axis of n is
    element (i - begin) mod n. (numpy's mode 'wrap' differs when one side is
    longer than the axis and the other shorter.)"""
    for ax, (lo, hi) in enumerate(width):
        a = np.take(a, (np.arange(lo + a.shape[ax] + hi) - lo) % a.shape[ax], axis=ax)
    return a


case('pad18-axes', N('Pad', ['p', 'pads', 'v', 'axes'], ['y']), {'p': p},
     [npad(p, [1, 2], [1, 2, 0, 1], constant_values=1.5)],
     [const('pads', [1, 2, 0, 1]), const('v', np.float32(1.5)), const('axes', [1, -1])])
case('pad18-axes-reflect', N('Pad', ['p', 'pads', '', 'axes'], ['y'], mode='reflect'), {'p': p},
     [npad(p, [2], [2, 3], mode='reflect')], [const('pads', [2, 3]), const('axes', [-1])])
case('pad18-axes-edge', N('Pad', ['p', 'pads', '', 'axes'], ['y'], mode='edge'), {'p': p},
     [npad(p, [0, 1], [1, 0, 2, 1], mode='edge')], [const('pads', [1, 0, 2, 1]), const('axes', [0, 1])])
case('pad18-axes-crop', N('Pad', ['p', 'pads', '', 'axes'], ['y']), {'p': p},
     [np.pad(p[:, :, 1:], [(0, 0), (0, 0), (0, 2)])], [const('pads', [-1, 2]), const('axes', [2])])
case('pad18-no-axes', N('Pad', ['p', 'pads'], ['y']), {'p': p},
     [np.pad(p, [(0, 1), (1, 0), (0, 0)])], [const('pads', [0, 1, 0, 1, 0, 0])])
case('pad19-wrap', N('Pad', ['p', 'pads'], ['y'], mode='wrap'), {'p': p},
     [wrap(p, [(1, 0), (2, 1), (3, 2)])], [const('pads', [1, 2, 3, 0, 1, 2])],
     opset=19)
case('pad19-wrap-longer-than-axis', N('Pad', ['p', 'pads', '', 'axes'], ['y'], mode='wrap'),
     {'p': p}, [npad(p, [1], [7, 5], mode='wrap')], [const('pads', [7, 5]), const('axes', [-2])],
     opset=19)
pi = np.arange(12, dtype=np.int64).reshape(3, 4)
case('pad19-wrap-int64', N('Pad', ['pi', 'pads', '', 'axes'], ['y'], mode='wrap'), {'pi': pi},
     [npad(pi, [0], [2, 4], mode='wrap')], [const('pads', [2, 4]), const('axes', [0])], opset=21)
case('pad19-reflect', N('Pad', ['p', 'pads'], ['y'], mode='reflect'), {'p': p},
     [np.pad(p, [(0, 1), (1, 1), (2, 0)], mode='reflect')], [const('pads', [0, 1, 2, 1, 1, 0])],
     opset=19)

# ScatterElements and ScatterND 18: reductions max and min (and the older ones).
d = rand(3, 4)
ei = np.array([[0, 1, 1], [3, 3, 0], [2, 2, 2]], np.int64)
eu = rand(3, 3)


def scatter_elements(data, idx, upd, axis, f):
    out = data.copy()
    for c in np.ndindex(idx.shape):
        t = list(c)
        t[axis] = idx[c]
        out[tuple(t)] = f(out[tuple(t)], upd[c])
    return out


for red, f in [('max', np.maximum), ('min', np.minimum), ('mul', np.multiply), ('add', np.add)]:
    case(f'scatterelements18-{red}', N('ScatterElements', ['d', 'i', 'u'], ['y'], axis=1,
                                         reduction=red),
         {'d': d, 'i': ei, 'u': eu}, [scatter_elements(d, ei, eu, 1, f)])
di = np.arange(12, dtype=np.int64).reshape(3, 4) * 3 % 7
ui = np.array([[5, 0, 9], [1, 1, 1], [4, 8, 2]], np.int64)
case('scatterelements18-max-int64', N('ScatterElements', ['d', 'i', 'u'], ['y'], axis=1,
                                       reduction='max'),
     {'d': di, 'i': ei, 'u': ui}, [scatter_elements(di, ei, ui, 1, np.maximum)])
nd = rand(4, 3)
ni = np.array([[1], [3], [1]], np.int64)
nu = rand(3, 3)


def scatter_nd(data, idx, upd, f):
    out = data.copy()
    for k in range(idx.shape[0]):
        out[tuple(idx[k])] = f(out[tuple(idx[k])], upd[k])
    return out


for red, f in [('max', np.maximum), ('min', np.minimum)]:
    case(f'scatternd18-{red}', N('ScatterND', ['d', 'i', 'u'], ['y'], reduction=red),
         {'d': nd, 'i': ni, 'u': nu}, [scatter_nd(nd, ni, nu, f)])
ni2 = np.array([[0, 2], [3, 1], [0, 2]], np.int64)
nu2 = rand(3)
case('scatternd18-min-elements', N('ScatterND', ['d', 'i', 'u'], ['y'], reduction='min'),
     {'d': nd, 'i': ni2, 'u': nu2}, [scatter_nd(nd, ni2, nu2, np.minimum)])


# CenterCropPad 18: crop or zero-pad each axis to its size, centered.
def center_crop_pad(a, shape, axes=None):
    axes = list(range(a.ndim)) if axes is None else [ax % a.ndim for ax in axes]
    crop = [slice(0, n) for n in a.shape]
    put = [slice(0, n) for n in a.shape]
    new = list(a.shape)
    for ax, n in zip(axes, shape):
        m = a.shape[ax]
        if n < m:
            crop[ax] = slice((m - n) // 2, (m - n) // 2 + n)
        elif n > m:
            put[ax] = slice((n - m) // 2, (n - m) // 2 + m)
        new[ax] = n
    out = np.zeros(new, a.dtype)
    out[tuple(put)] = a[tuple(crop)]
    return out


c = rand(5, 4, 6)
case('centercroppad-axes', N('CenterCropPad', ['c', 'sh'], ['y'], axes=[0, -1]), {'c': c},
     [center_crop_pad(c, [2, 9], [0, -1])], [const('sh', [2, 9])])
case('centercroppad-all', N('CenterCropPad', ['c', 'sh'], ['y']), {'c': c},
     [center_crop_pad(c, [4, 7, 3])], [const('sh', [4, 7, 3])])
case('centercroppad-same-and-zero', N('CenterCropPad', ['c', 'sh'], ['y'], axes=[1, 2]), {'c': c},
     [center_crop_pad(c, [4, 0], [1, 2])], [const('sh', [4, 0])])
ci = np.arange(20, dtype=np.int64).reshape(4, 5)
case('centercroppad-int64', N('CenterCropPad', ['ci', 'sh'], ['y']), {'ci': ci},
     [center_crop_pad(ci, [7, 2])], [const('sh', [7, 2])], opset=21)

# What d1c refuses, with one located line each.
X = {'x': x}
refused('reducemean18-axes-attr', N('ReduceMean', ['x'], ['y'], 'r', axes=[1]), X)
refused('reducesum18-axes-attr', N('ReduceSum', ['x'], ['y'], 'r', axes=[1]), X)
refused('reducemax18-bool', N('ReduceMax', ['b'], ['y'], 'r'), {'b': b})
refused('reducemin20-int', N('ReduceMin', ['i'], ['y'], 'r'), {'i': pi}, opset=20)
refused('reducel2-18-axes-not-const', N('ReduceL2', ['x', 'a'], ['y'], 'r'),
        {'x': x, 'a': np.array([1], np.int64)})
refused('reduceprod18-axis-range', N('ReduceProd', ['x', 'a'], ['y'], 'r'), X, [const('a', [3])])
refused('split18-both', N('Split', ['s', 'sp'], ['a', 'b'], 'sp', num_outputs=2), {'s': s},
        [const('sp', [2, 2])])
refused('split18-count', N('Split', ['s'], ['a', 'b'], 'sp', num_outputs=3), {'s': s})
refused('split18-zero', N('Split', ['s'], ['a'], 'sp', num_outputs=0), {'s': s})
refused('split18-too-many', N('Split', ['s'], ['a', 'b', 'c', 'd'], 'sp', axis=1, num_outputs=4),
        {'s': rand(4, 5)})
refused('split18-split-attr', N('Split', ['s'], ['a', 'b'], 'sp', split=[2, 2]), {'s': s})
refused('pad18-wrap', N('Pad', ['p', 'pads'], ['y'], 'pd', mode='wrap'), {'p': p},
        [const('pads', [0, 0, 1, 0, 0, 1])])
refused('pad19-wrap-negative', N('Pad', ['p', 'pads'], ['y'], 'pd', mode='wrap'), {'p': p},
        [const('pads', [0, 0, -1, 0, 0, 1])], opset=19)
refused('pad18-axes-count', N('Pad', ['p', 'pads', '', 'axes'], ['y'], 'pd'), {'p': p},
        [const('pads', [1, 1, 1]), const('axes', [0, 1])])
refused('pad18-axes-repeated', N('Pad', ['p', 'pads', '', 'axes'], ['y'], 'pd'), {'p': p},
        [const('pads', [1, 1, 1, 1]), const('axes', [1, -2])])
refused('pad18-axes-range', N('Pad', ['p', 'pads', '', 'axes'], ['y'], 'pd'), {'p': p},
        [const('pads', [1, 1]), const('axes', [3])])
refused('pad19-mode', N('Pad', ['p', 'pads'], ['y'], 'pd', mode='circular'), {'p': p},
        [const('pads', [0, 0, 1, 0, 0, 1])], opset=19)
refused('pad19-wrap-empty', N('Pad', ['p', 'pads'], ['y'], 'pd', mode='wrap'),
        {'p': np.zeros((2, 0), np.float32)}, [const('pads', [0, 1, 0, 1])], opset=19)
SC = {'d': d, 'i': ei, 'u': eu}
refused('scatterelements16-max', N('ScatterElements', ['d', 'i', 'u'], ['y'], 'sc', axis=1,
                                   reduction='max'), SC, opset=16)
refused('scatterelements18-mean', N('ScatterElements', ['d', 'i', 'u'], ['y'], 'sc', axis=1,
                                    reduction='mean'), SC)
refused('scatternd16-min', N('ScatterND', ['d', 'i', 'u'], ['y'], 'sc', reduction='min'),
        {'d': nd, 'i': ni, 'u': nu}, opset=16)
refused('centercroppad-count', N('CenterCropPad', ['c', 'sh'], ['y'], 'cc', axes=[0]), {'c': c},
        [const('sh', [2, 2])])
refused('centercroppad-negative', N('CenterCropPad', ['c', 'sh'], ['y'], 'cc', axes=[1]),
        {'c': c}, [const('sh', [-1])])
refused('centercroppad-repeated', N('CenterCropPad', ['c', 'sh'], ['y'], 'cc', axes=[1, -2]),
        {'c': c}, [const('sh', [2, 2])])
refused('centercroppad-shape-input', N('CenterCropPad', ['c', 'sh'], ['y'], 'cc'),
        {'c': c, 'sh': np.array([2, 2, 2], np.int64)})
refused('centercroppad-opset17', N('CenterCropPad', ['c', 'sh'], ['y'], 'cc'), {'c': c},
        [const('sh', [2, 2, 2])], opset=17)
