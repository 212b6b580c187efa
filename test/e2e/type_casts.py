#!/usr/bin/python3
"""Casts between every pair of d1c's types, bit-exact against numpy.

    type_casts.py BIN_DIR WORK_DIR

One model per source type casts an input of awkward values (zeros of both
signs, infinities, NaN, subnormals, rounding ties, values out of the target's
range) to every other type; d1c compiles it, d1-run runs it and each output
is compared with numpy's astype. Where d1c differs by design it is compared
with that: floats -> integers go through fp32, truncate and saturate at the
int32 range (values outside the target's range are left out); integers ->
floats and fp64 -> fp16 go through fp32 (correctly rounded below 2^40 in
magnitude). Prints "name: ok" or the first difference.
"""
import os
import subprocess
import sys

import numpy as np
from onnx import TensorProto as TP
from onnx import helper, numpy_helper, save

BIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)

F32_VALUES = np.array([0.0, -0.0, 1.0, -1.5, 3.4e38, -3.4e38, np.inf, -np.inf, np.nan,
                       1e-40, -1e-45, 1.17549435e-38, 65504.0, 65520.0, 65536.0, 6e-8, 3e-8,
                       1 + 2.0**-11, 1 + 3 * 2.0**-11, 1 + 2.0**-8, 1 + 3 * 2.0**-8, 123.456,
                       -2.5, 2.5, 1e-5, 2.0**-24, 2.0**-25, 1.5 * 2.0**-25], np.float32)
INT_VALUES = np.array([0, 1, -1, 127, -128, 255, 256, 32767, -32768, 65535, 2**31 - 1,
                       -2**31, 2**40 + 3, -(2**40) - 5, 2**46 + 1], np.int64)

TYPES = {
    'f32': (TP.FLOAT, np.float32), 'f64': (TP.DOUBLE, np.float64), 'f16': (TP.FLOAT16, np.float16),
    'i8': (TP.INT8, np.int8), 'u8': (TP.UINT8, np.uint8), 'i16': (TP.INT16, np.int16),
    'u16': (TP.UINT16, np.uint16), 'i32': (TP.INT32, np.int32), 'u32': (TP.UINT32, np.uint32),
    'i64': (TP.INT64, np.int64), 'bool': (TP.BOOL, np.bool_),
}
FLOATS = ('f32', 'f64', 'f16')


def source_values(name):
    t = TYPES[name][1]
    if name in FLOATS:
        with np.errstate(over='ignore'):
            return F32_VALUES.astype(t)
    if name == 'bool':
        return np.array([True, False, True], np.bool_)
    with np.errstate(over='ignore'):
        return INT_VALUES.astype(t)


def expected(x, src, dst):
    t = TYPES[dst][1]
    with np.errstate(over='ignore', invalid='ignore'):
        if src in FLOATS and dst not in FLOATS and dst != 'bool':
            # Through fp32, truncated toward zero, saturated at int32.
            v = np.trunc(x.astype(np.float32).astype(np.float64))
            v = np.clip(np.nan_to_num(v, nan=0.0), -2.0**31, 2.0**31 - 1).astype(np.int64)
            return v.astype(t)
        if (src == 'f64' and dst == 'f16') or (src not in FLOATS and dst == 'f64'):
            return x.astype(np.float32).astype(t)  # through fp32
        return x.astype(t)


def main():
    bad = 0
    for src in TYPES:
        x = source_values(src)
        dsts = [d for d in TYPES if d != src]
        nodes = [helper.make_node('Cast', ['x'], [d], to=TYPES[d][0]) for d in dsts]
        graph = helper.make_graph(nodes, 'casts', [helper.make_tensor_value_info('x', TYPES[src][0], x.shape)],
                                  [helper.make_tensor_value_info(d, TYPES[d][0], x.shape) for d in dsts])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
        path = os.path.join(WORK, src + '.onnx')
        save(model, path)
        binary = os.path.join(WORK, src + '.d1x')
        subprocess.run([os.path.join(BIN, 'd1c'), path, '-o', binary, '-q'], check=True)
        inp = os.path.join(WORK, src + '_x.pb')
        with open(inp, 'wb') as f:
            f.write(numpy_helper.from_array(x).SerializeToString())
        out = os.path.join(WORK, src + '_out')
        subprocess.run([os.path.join(BIN, 'd1-run'), binary, '--input', inp, '--output-dir', out,
                        '--quiet'], check=True)
        for k, d in enumerate(dsts):
            from onnx import TensorProto
            t = TensorProto()
            with open(os.path.join(out, 'output_%d.pb' % k), 'rb') as f:
                t.ParseFromString(f.read())
            got = numpy_helper.to_array(t)
            want = expected(x, src, d)
            keep = np.ones(x.shape, bool)
            if src in FLOATS and d not in FLOATS and d != 'bool':
                # Outside the int32 range the D1 saturates where numpy wraps.
                xf = x.astype(np.float64)
                keep = np.isfinite(xf) & (np.abs(xf) < 2.0**31)
                if d not in ('i32', 'i64'):
                    keep &= (np.trunc(xf) >= np.iinfo(TYPES[d][1]).min) & (np.trunc(xf) <= np.iinfo(TYPES[d][1]).max)
            if src not in FLOATS and d in FLOATS:
                keep = np.abs(x.astype(np.float64)) < 2.0**40
            if d in FLOATS:
                same = (got[keep].view(np.uint8) == want[keep].view(np.uint8)).all() or \
                    np.array_equal(got[keep], want[keep], equal_nan=True)
                same = same or np.array_equal(np.isnan(got[keep]), np.isnan(want[keep])) and \
                    np.array_equal(got[keep][~np.isnan(got[keep])], want[keep][~np.isnan(want[keep])])
            else:
                same = np.array_equal(got[keep], want[keep])
            if got.dtype != want.dtype or not same:
                i = np.flatnonzero(keep & (got != want))
                i = i[0] if len(i) else 0
                print('%s -> %s: x=%r gives %r, expected %r' % (src, d, x[i], got[i], want[i]))
                bad += 1
        if not bad:
            print('%s: ok' % src)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
