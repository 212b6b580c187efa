#!/usr/bin/python3
"""Constants fold with the run-time semantics, bit for bit.

    fold_semantics.py BIN_DIR WORK_DIR

For each elementwise operator the importer folds and each element type, on
edge values (zeros of both signs, infinities, NaN, subnormals, values at
and past the integer extremes, 2^53 + 1), one model computes it from
initializers (folded while importing) and one from graph inputs (computed
by the generated code on the emulator); both outputs must have the same
bits. Prints "OP TYPE: ok" or the first difference, then "N of M alike".
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper, numpy_helper

BIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)

F32 = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.4e38, -3.4e38, np.inf, -np.inf, np.nan, 1e-40,
                -1e-45, 1.17549435e-38, 88.8, -87.4, 2.0**31, -2.0**31 - 1e3, 1e10, 123.456, 7.0,
                -0.75], np.float32)
I64 = np.array([0, 1, -1, 2**53 + 1, -(2**53) - 3, 2**62, -2**63, 2**63 - 1, 2**31, -2**31 - 1, 255,
                -128, 127, 300, 65535, 3, -7, 2], np.int64)
TYPES = {
    'f32': (TP.FLOAT, F32),
    'i64': (TP.INT64, I64),
    'i32': (TP.INT32, I64[np.abs(I64) < 2**31].astype(np.int32)),
    'u8': (TP.UINT8, np.array([0, 1, 255, 128, 7, 3, 2], np.uint8)),
}
BINARY = ['Add', 'Sub', 'Mul', 'Div', 'Min', 'Max', 'Equal', 'Less', 'Greater']
UNARY_F = ['Neg', 'Abs', 'Sqrt', 'Reciprocal', 'Exp', 'Floor', 'Ceil', 'Relu']
UNARY_I = ['Neg', 'Abs']


def run(name, nodes, inputs, inits, out_type, n):
    g = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(k, t, [len(v)]) for k, t, v in inputs],
        [helper.make_tensor_value_info('y', out_type, [n])],
        [numpy_helper.from_array(v, k) for k, v in inits.items()])
    path = os.path.join(WORK, name + '.onnx')
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]), path)
    exe = os.path.join(WORK, name + '.d1x')
    r = subprocess.run([os.path.join(BIN, 'd1c'), '-q', path, '-o', exe], capture_output=True,
                       text=True)
    if r.returncode:
        return None, r.stderr.strip()
    args = [os.path.join(BIN, 'd1-run'), exe, '--output-dir', os.path.join(WORK, name),
            '--output-format', 'npy']
    for (k, t, v) in inputs:
        f = os.path.join(WORK, f'{name}.{k}.npy')
        np.save(f, v)
        args += ['--input', f'{k}={f}']
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode:
        return None, r.stderr.strip()
    return np.load(os.path.join(WORK, name, 'output_0.npy')), ''


def bits(a):
    a = np.ascontiguousarray(a)
    return a.view(np.uint8).tobytes(), a.dtype


cases = 0
alike = 0


def check(label, op, args, tp, out_type, attrs=None, consts=()):
    """op over args (name -> array): folded vs run time. Names in consts
    stay initializers in both models."""
    global cases, alike
    cases += 1
    node = helper.make_node(op, list(args), ['y'], **(attrs or {}))
    n = len(next(iter(args.values())))
    label = label.replace(' ', '_')
    folded, e1 = run(label + '.fold', [node], [], dict(args), out_type, n)
    inputs = [(k, tp, v) for k, v in args.items() if k not in consts]
    inits = {k: v for k, v in args.items() if k in consts}
    runtime, e2 = run(label + '.run', [node], inputs, inits, out_type, n)
    if folded is None or runtime is None:
        print(f'{label}: error: {e1 or e2}')
        return
    if bits(folded) != bits(runtime):
        diff = [i for i in range(folded.size)
                if folded.reshape(-1)[i:i + 1].tobytes() != runtime.reshape(-1)[i:i + 1].tobytes()]
        i = diff[0]
        x = {k: v.reshape(-1)[i % v.size] for k, v in args.items()}
        print(f'{label}: differs at {i} ({x}): folded {folded.reshape(-1)[i]!r}, '
              f'run time {runtime.reshape(-1)[i]!r}')
        return
    alike += 1
    print(f'{label}: ok')


for tname, (tp, vals) in TYPES.items():
    b = np.roll(vals, 3)
    for op in BINARY:
        out = TP.BOOL if op in ('Equal', 'Less', 'Greater') else tp
        check(f'{op} {tname}', op, {'a': vals, 'b': b}, tp, out)
    for op in (UNARY_F if tname == 'f32' else UNARY_I):
        check(f'{op} {tname}', op, {'a': vals}, tp, tp)
for e in (2.0, 0.5, -1.0, 1.0):
    check(f'Pow f32 ^{e}', 'Pow', {'a': F32, 'e': np.array([e], np.float32)}, TP.FLOAT, TP.FLOAT,
          consts=('e',))
for to, tname in ((TP.INT32, 'i32'), (TP.INT64, 'i64'), (TP.INT8, 'i8'), (TP.UINT8, 'u8'),
                  (TP.BOOL, 'bool')):
    check(f'Cast f32 to {tname}', 'Cast', {'a': F32}, TP.FLOAT, to, {'to': to})
for to, tname in ((TP.INT8, 'i8'), (TP.INT32, 'i32'), (TP.UINT8, 'u8'), (TP.FLOAT, 'f32')):
    check(f'Cast i64 to {tname}', 'Cast', {'a': I64}, TP.INT64, to, {'to': to})
print(f'{alike} of {cases} alike')
