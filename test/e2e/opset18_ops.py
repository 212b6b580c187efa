#!/usr/bin/python3
"""Operators of opsets 18 to 21 against numpy references.

    opset18_ops.py BIN_DIR WORK_DIR

Mish (18), Gelu (20, exact and tanh forms), BitwiseAnd/Or/Xor/Not (18) on
every integer type with run-time and constant operands, GroupNormalization
(18: scale and bias per group; 21: per channel) and AveragePool (19, with
dilations of 1). Each model is built with onnx.helper (opset imports newer
than the checker knows), compiled with d1c, run on the emulator and
compared with numpy: floats within a per-case tolerance, integers exactly.
Prints "name: ok" or the first difference per case, then one line per
model d1c refuses, with its error.
"""
import glob
import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper, numpy_helper

BIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
rng = np.random.default_rng(18)

NP_TO_TP = {np.float32: TP.FLOAT, np.int8: TP.INT8, np.uint8: TP.UINT8, np.int16: TP.INT16,
            np.uint16: TP.UINT16, np.int32: TP.INT32, np.uint32: TP.UINT32, np.int64: TP.INT64,
            np.uint64: TP.UINT64, np.bool_: TP.BOOL}


def tp(a):
    return NP_TO_TP[a.dtype.type]


def save(name, nodes, inputs, outputs, opset, inits=()):
    """The model of nodes; inputs and outputs are {name: array} (outputs'
    arrays give their type and shape), inits initializers."""
    g = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(k, tp(v), v.shape) for k, v in inputs.items()],
        [helper.make_tensor_value_info(k, tp(v), v.shape) for k, v in outputs.items()],
        [numpy_helper.from_array(v, k) for k, v in inits])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', opset)])
    m.ir_version = 8
    path = os.path.join(WORK, name + '.onnx')
    onnx.save(m, path)
    return path


def compile_model(path, exe):
    return subprocess.run([os.path.join(BIN, 'd1c'), '-q', path, '-o', exe], capture_output=True,
                          text=True)


def case(name, nodes, inputs, want, opset, inits=(), rtol=1e-5, atol=1e-6):
    """Compiles and runs the model, compares each output with want."""
    path = save(name, nodes, inputs, want, opset, inits)
    exe = os.path.join(WORK, name + '.d1x')
    r = compile_model(path, exe)
    if r.returncode:
        print(f'{name}: compile error: {r.stderr.strip()}')
        return
    args = [os.path.join(BIN, 'd1-run'), exe, '--quiet', '--output-dir',
            os.path.join(WORK, name + '.out'), '--output-format', 'npy']
    for k, v in inputs.items():
        f = os.path.join(WORK, f'{name}.{k}.npy')
        np.save(f, v)
        args += ['--input', f'{k}={f}']
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode:
        print(f'{name}: run error: {r.stderr.strip()}')
        return
    for i, (k, w) in enumerate(want.items()):
        got = np.load(os.path.join(WORK, name + '.out', f'output_{i}.npy'))
        if got.shape != w.shape or got.dtype != w.dtype:
            print(f'{name}: {k} is {got.dtype}{list(got.shape)}, expected {w.dtype}{list(w.shape)}')
            return
        if w.dtype.kind == 'f':
            bad = ~np.isclose(got, w, rtol=rtol, atol=atol)
        else:
            bad = got != w
        if bad.any():
            at = tuple(np.argwhere(bad)[0])
            print(f'{name}: {k} at {at}: got {got[at]!r}, expected {w[at]!r}')
            return
    print(f'{name}: ok')


def refused(name, nodes, inputs, outputs, opset, inits=()):
    path = save(name, nodes, inputs, outputs, opset, inits)
    r = compile_model(path, os.path.join(WORK, 'refused.d1x'))
    print(f'{name}: exit {r.returncode}: {r.stderr.strip().replace(WORK + "/", "")}')


# Mish and Gelu, fp32: a spread of values with large ones of both signs.
X = np.concatenate([np.linspace(-8, 8, 61), [-100, -30, -20, -1e-4, 0, 1e-4, 20, 30, 100]])
X = X.astype(np.float32).reshape(5, 14)
xd = X.astype(np.float64)
sp = np.logaddexp(0, xd)
case('mish', [helper.make_node('Mish', ['x'], ['y'])], {'x': X},
     {'y': (xd * np.tanh(sp)).astype(np.float32)}, 18, rtol=1e-5, atol=1e-6)
erf = np.vectorize(math.erf)
gelu = 0.5 * xd * (1 + erf(xd / math.sqrt(2)))
case('gelu_default', [helper.make_node('Gelu', ['x'], ['y'])], {'x': X},
     {'y': gelu.astype(np.float32)}, 20, rtol=1e-5, atol=1e-6)
case('gelu_none', [helper.make_node('Gelu', ['x'], ['y'], approximate='none')], {'x': X},
     {'y': gelu.astype(np.float32)}, 20, rtol=1e-5, atol=1e-6)
gelu_t = 0.5 * xd * (1 + np.tanh(math.sqrt(2 / math.pi) * (xd + 0.044715 * xd ** 3)))
case('gelu_tanh', [helper.make_node('Gelu', ['x'], ['y'], approximate='tanh')], {'x': X},
     {'y': gelu_t.astype(np.float32)}, 20, rtol=1e-5, atol=1e-6)
# A later opset uses the same entry (Gelu has no newer version by 21).
case('gelu_tanh_opset21', [helper.make_node('Gelu', ['x'], ['y'], approximate='tanh')], {'x': X},
     {'y': gelu_t.astype(np.float32)}, 21, rtol=1e-5, atol=1e-6)


# Bitwise operators on every integer type: both operands at run time (one
# broadcast), and each with a constant operand (a broadcast mask, an
# elementwise constant, a constant first operand).
def ints(t, shape):
    info = np.iinfo(t)
    v = rng.integers(info.min, info.max, size=shape, dtype=t, endpoint=True)
    flat = v.reshape(-1)
    edges = np.array([info.min, info.max, 0, 1, info.max // 2 + 1], dtype=t)
    k = min(len(edges), flat.size)
    flat[:k] = edges[:k]
    return v


for t in (np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64):
    n = np.dtype(t).name
    a, b = ints(t, (2, 3, 4)), ints(t, (4,))
    b[:2] = a[0, 0, :2]  # equal bits too
    nodes = [helper.make_node(op, ['a', 'b'], [op]) for op in ('BitwiseAnd', 'BitwiseOr',
                                                               'BitwiseXor')]
    nodes.append(helper.make_node('BitwiseNot', ['a'], ['BitwiseNot']))
    case(f'bitwise_{n}', nodes, {'a': a, 'b': b},
         {'BitwiseAnd': a & b, 'BitwiseOr': a | b, 'BitwiseXor': a ^ b, 'BitwiseNot': ~a}, 18)
    mask = np.array(0x0F, t)  # a scalar mask: its 4 bits only
    c = ints(t, (2, 3, 4))
    hi = np.array(np.iinfo(t).min if np.iinfo(t).min else np.iinfo(t).max, t)
    mid = np.array(0x3C, t)  # not the low bits
    ones = np.array(-1, np.int64).astype(t)  # every bit
    low = np.array(np.iinfo(t).max // 2, t)  # all the low bits but one
    nodes = [helper.make_node('BitwiseAnd', ['a', 'mask'], ['and_mask']),
             helper.make_node('BitwiseXor', ['mask', 'a'], ['xor_mask']),
             helper.make_node('BitwiseAnd', ['a', 'mid'], ['and_mid']),
             helper.make_node('BitwiseAnd', ['a', 'ones'], ['and_ones']),
             helper.make_node('BitwiseAnd', ['low', 'a'], ['and_low']),
             helper.make_node('BitwiseAnd', ['c', 'a'], ['and_const']),
             helper.make_node('BitwiseOr', ['a', 'hi'], ['or_hi']),
             helper.make_node('BitwiseXor', ['c', 'a'], ['xor_const'])]
    case(f'bitwise_const_{n}', nodes, {'a': a},
         {'and_mask': a & mask, 'xor_mask': mask ^ a, 'and_mid': a & mid, 'and_ones': a & ones,
          'and_low': low & a, 'and_const': c & a, 'or_hi': a | hi, 'xor_const': c ^ a}, 18,
         inits=[('mask', mask), ('mid', mid), ('ones', ones), ('low', low), ('c', c), ('hi', hi)])
z = np.zeros((2, 0), np.int32)
case('bitwise_empty', [helper.make_node('BitwiseXor', ['a', 'b'], ['y'])],
     {'a': z, 'b': np.zeros((1, 0), np.int32)}, {'y': z}, 18)


# GroupNormalization.
def group_norm(x, g, scale, bias, eps, per_channel):
    n, c = x.shape[:2]
    y = x.astype(np.float64).reshape(n, g, -1)
    y = (y - y.mean(axis=2, keepdims=True)) / np.sqrt(y.var(axis=2, keepdims=True) + eps)
    if per_channel:
        y = y.reshape(x.shape)
        shape = (c,) + (1,) * (x.ndim - 2)
    else:
        shape = (g, 1)
    y = y * scale.reshape(shape) + bias.reshape(shape)
    return y.reshape(x.shape).astype(np.float32)


def f32(*shape, scale=1.0, shift=0.0):
    return (rng.standard_normal(shape) * scale + shift).astype(np.float32)


x = f32(2, 6, 3, 4, scale=3, shift=1)
s3, b3 = f32(3), f32(3)
case('groupnorm18', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'], num_groups=3)],
     {'x': x}, {'y': group_norm(x, 3, s3, b3, 1e-5, False)}, 18, [('s', s3), ('b', b3)],
     rtol=1e-4, atol=1e-5)
# Opset 18 semantics up to opset 20, scale and bias at run time.
x = f32(3, 4, 5)
s2, b2 = f32(2), f32(2)
case('groupnorm18_inputs_opset20',
     [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'], num_groups=2, epsilon=1e-2)],
     {'x': x, 's': s2, 'b': b2}, {'y': group_norm(x, 2, s2, b2, 1e-2, False)}, 20, rtol=1e-4,
     atol=1e-5)
x = f32(2, 6, 5, scale=2)
s6, b6 = f32(6), f32(6)
case('groupnorm21', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'], num_groups=2,
                                      epsilon=1e-3, stash_type=1)],
     {'x': x}, {'y': group_norm(x, 2, s6, b6, 1e-3, True)}, 21, [('s', s6), ('b', b6)],
     rtol=1e-4, atol=1e-5)
x = f32(1, 4, 2, 3, 2)
s4, b4 = f32(4), f32(4)
case('groupnorm21_5d_inputs',
     [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'], num_groups=4)],
     {'x': x, 's': s4, 'b': b4}, {'y': group_norm(x, 4, s4, b4, 1e-5, True)}, 21, rtol=1e-4,
     atol=1e-5)
x = f32(2, 6)  # no spatial dimensions
case('groupnorm21_2d', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'],
                                         num_groups=3)],
     {'x': x}, {'y': group_norm(x, 3, s6, b6, 1e-5, True)}, 21, [('s', s6), ('b', b6)],
     rtol=1e-4, atol=1e-5)

# Empty inputs: no channels (num_groups is then arbitrary), no batch.
x, e = np.zeros((2, 0, 3), np.float32), np.zeros(0, np.float32)
case('groupnorm21_no_channels', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'],
                                                  num_groups=2**40)],
     {'x': x}, {'y': x}, 21, [('s', e), ('b', e)])
x = np.zeros((0, 6, 2), np.float32)
case('groupnorm18_no_batch', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'],
                                               num_groups=3)],
     {'x': x}, {'y': x}, 18, [('s', s3), ('b', b3)])


# AveragePool at opset 19: dilations of 1, given or not.
def avg_pool(x, k, s, pads, count_pad):
    n, c, h, w = x.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    ones = np.pad(np.ones((h, w)), ((pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - k[0]) // s[0] + 1
    ow = (w + pads[1] + pads[3] - k[1]) // s[1] + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            win = xp[:, :, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]]
            cnt = k[0] * k[1] if count_pad else ones[i * s[0]:i * s[0] + k[0],
                                                     j * s[1]:j * s[1] + k[1]].sum()
            y[:, :, i, j] = win.sum(axis=(2, 3)) / cnt
    return y.astype(np.float32)


x = f32(1, 2, 6, 7)
case('averagepool19_dilations_1',
     [helper.make_node('AveragePool', ['x'], ['y'], kernel_shape=[3, 2], strides=[2, 1],
                       pads=[1, 0, 1, 1], dilations=[1, 1])],
     {'x': x}, {'y': avg_pool(x, (3, 2), (2, 1), (1, 0, 1, 1), False)}, 19)
case('averagepool19_count_pad',
     [helper.make_node('AveragePool', ['x'], ['y'], kernel_shape=[2, 3], pads=[1, 1, 0, 1],
                       count_include_pad=1)],
     {'x': x}, {'y': avg_pool(x, (2, 3), (1, 1), (1, 1, 0, 1), True)}, 19)

# What d1c refuses, with one located line each.
X1 = np.zeros((2, 3), np.float32)
refused('mish_opset17', [helper.make_node('Mish', ['x'], ['y'], 'n')], {'x': X1}, {'y': X1}, 17)
refused('gelu_approximate', [helper.make_node('Gelu', ['x'], ['y'], 'n', approximate='fast')],
        {'x': X1}, {'y': X1}, 20)
refused('gelu_opset19', [helper.make_node('Gelu', ['x'], ['y'], 'n')], {'x': X1}, {'y': X1}, 19)
refused('mish_int', [helper.make_node('Mish', ['x'], ['y'], 'n')],
        {'x': np.zeros(3, np.int32)}, {'y': np.zeros(3, np.int32)}, 18)
refused('bitwise_float', [helper.make_node('BitwiseAnd', ['a', 'b'], ['y'], 'n')],
        {'a': X1, 'b': X1}, {'y': X1}, 18)
B1 = np.zeros(3, np.bool_)
refused('bitwise_not_bool', [helper.make_node('BitwiseNot', ['a'], ['y'], 'n')], {'a': B1},
        {'y': B1}, 18)
refused('bitwise_mixed', [helper.make_node('BitwiseOr', ['a', 'b'], ['y'], 'n')],
        {'a': np.zeros(3, np.int32), 'b': np.zeros(3, np.int64)}, {'y': np.zeros(3, np.int32)}, 18)
refused('bitwise_shapes', [helper.make_node('BitwiseXor', ['a', 'b'], ['y'], 'n')],
        {'a': np.zeros(3, np.int8), 'b': np.zeros(4, np.int8)}, {'y': np.zeros(3, np.int8)}, 18)
X4 = np.zeros((1, 6, 2, 2), np.float32)
GN = dict(inputs={'x': X4}, outputs={'y': X4})
refused('groupnorm_groups', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'], 'n',
                                              num_groups=4)],
        opset=21, inits=[('s', s6), ('b', b6)], **GN)
refused('groupnorm_no_groups', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'],
                                                 'n')],
        opset=21, inits=[('s', s6), ('b', b6)], **GN)
refused('groupnorm18_scale', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'], 'n',
                                               num_groups=3)],
        opset=18, inits=[('s', s6), ('b', b6)], **GN)
refused('groupnorm21_scale', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'], 'n',
                                               num_groups=3)],
        opset=21, inits=[('s', s3), ('b', b6)], **GN)
refused('groupnorm21_stash', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'], 'n',
                                               num_groups=3, stash_type=11)],
        opset=21, inits=[('s', s6), ('b', b6)], **GN)
refused('groupnorm18_stash', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'], 'n',
                                               num_groups=3, stash_type=1)],
        opset=18, inits=[('s', s3), ('b', b3)], **GN)
refused('groupnorm_rank1', [helper.make_node('GroupNormalization', ['x', 's', 'b'], ['y'], 'n',
                                             num_groups=1)],
        {'x': np.zeros(6, np.float32)}, {'y': np.zeros(6, np.float32)}, 21,
        inits=[('s', s6), ('b', b6)])
refused('averagepool19_dilations', [helper.make_node('AveragePool', ['x'], ['y'], 'n',
                                                     kernel_shape=[2, 2], dilations=[1, 2])],
        {'x': X4}, {'y': X4}, 19)
refused('averagepool18_dilations', [helper.make_node('AveragePool', ['x'], ['y'], 'n',
                                                     kernel_shape=[2, 2], dilations=[1, 1])],
        {'x': X4}, {'y': X4}, 18)
