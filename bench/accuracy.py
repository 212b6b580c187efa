#!/usr/bin/python3
"""Accuracy of d1c's fp32 function kernels against float64 numpy.

    bench/accuracy.py BUILD [--n 20000]

For each function, a one-node ONNX model over a dense sweep of its domain is
compiled with d1c and run on the emulator; the result is compared with numpy
in float64. Printed per function: the domain, the largest error in units in
the last place of fp32 (ulp), the largest relative error, and the largest
share of ONNX's test tolerance (|d1c - ref| / (1e-7 + 1e-3 |ref|); 1 is the
limit). The figures are recorded in docs/conformance.md.

Then the activation tables: each function that has a table form or could
have one is also built with --disable-activation-tables; printed for both
builds are the largest absolute and relative errors and the modeled cycles,
so a table's accuracy cost and its speed are measured against the computed
form. (d1c uses a table only where it takes fewer vector-unit cycles; where
it does not, both builds are the same.)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, TensorProto

from math import erf as _erf

erf = np.vectorize(_erf)


# ONNX op, domain swept (lo, hi, log-spaced?), float64 reference
CASES = [
    ('Exp', -87, 88, False, np.exp),
    ('Log', 1e-30, 1e30, True, np.log),
    ('Sigmoid', -30, 30, False, lambda x: 1 / (1 + np.exp(-x))),
    ('Tanh', -20, 20, False, np.tanh),
    ('Erf', -6, 6, False, erf),
    ('Sin', -100, 100, False, np.sin),
    ('Cos', -100, 100, False, np.cos),
    ('Tan', -1.5, 1.5, False, np.tan),
    ('Atan', -50, 50, False, np.arctan),
    ('Asin', -0.999, 0.999, False, np.arcsin),
    ('Acos', -0.999, 0.999, False, np.arccos),
    ('Sinh', -20, 20, False, np.sinh),
    ('Cosh', -20, 20, False, np.cosh),
    ('Asinh', -100, 100, False, np.arcsinh),
    ('Acosh', 1.001, 1000, False, np.arccosh),
    ('Atanh', -0.99, 0.99, False, np.arctanh),
    ('Softplus', -30, 30, False, lambda x: np.logaddexp(0, x)),
    ('Elu', -20, 20, False, lambda x: np.where(x > 0, x, np.expm1(x))),
]


# Functions with a table form (d1/Support/FunctionTable.h) or candidates for
# one: the table is used only where it pays.
TABLED = ['Erf', 'Tanh', 'Sigmoid']


def run_case(build, tmp, op, x, ref, flags=(), stats=None):
    name = op
    x = x.astype(np.float32)
    node = helper.make_node(op, ['x'], ['y'])
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info('x', TensorProto.FLOAT, x.shape)],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, x.shape)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    path = os.path.join(tmp, name + '.onnx')
    onnx.save(model, path)
    binary = os.path.join(tmp, name + '.d1x')
    subprocess.run([os.path.join(build, 'bin', 'd1c'), path, '-o', binary, '-q', *flags], check=True)
    np.save(os.path.join(tmp, 'x.npy'), x)
    out = os.path.join(tmp, 'out')
    js = os.path.join(tmp, 'stats.json')
    subprocess.run([os.path.join(build, 'bin', 'd1-run'), binary, '--input', os.path.join(tmp, 'x.npy'),
                    '--output-dir', out, '--output-format', 'npy', '--quiet', '--stats-json', js],
                   check=True)
    if stats is not None:
        stats.update(json.load(open(js)))
        stats['abs'] = float(np.max(np.abs(np.load(os.path.join(out, 'output_0.npy')).astype(np.float64)
                                           - ref(x.astype(np.float64)))))
    got = np.load(os.path.join(out, 'output_0.npy')).astype(np.float64)
    want = ref(x.astype(np.float64))
    finite = np.isfinite(want) & (np.abs(want) < np.finfo(np.float32).max)
    err = np.abs(got[finite] - want[finite])
    ulp = np.spacing(np.abs(want[finite]).astype(np.float32)).astype(np.float64)
    rel = err / np.maximum(np.abs(want[finite]), np.finfo(np.float32).tiny)
    tol = err / (1e-7 + 1e-3 * np.abs(want[finite]))
    bad = int(np.sum(~np.isfinite(got[finite])))
    return float(np.max(err / ulp)), float(np.max(rel)), float(np.max(tol)), bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build')
    ap.add_argument('--n', type=int, default=20000)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    print('%-9s %-22s %12s %12s %10s' % ('function', 'domain', 'max ulp', 'max rel', 'tol used'))
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for op, lo, hi, log, ref in CASES:
            x = np.geomspace(lo, hi, args.n) if log else np.linspace(lo, hi, args.n)
            u, r, t, bad = run_case(build, tmp, op, x, ref)
            worst = max(worst, t)
            print('%-9s %-22s %12.1f %12.2e %10.3f%s' % (op, '[%g, %g]' % (lo, hi), u, r, t,
                                                         '  (%d not finite)' % bad if bad else ''))
        print('largest share of the ONNX tolerance: %.3f' % worst)
        print()
        print('%-9s %-9s %12s %12s %10s' % ('function', 'form', 'max abs', 'max rel', 'cycles'))
        for op, lo, hi, log, ref in CASES:
            if op not in TABLED:
                continue
            x = np.linspace(lo, hi, args.n)
            for form, flags in (('default', ()), ('computed', ('--disable-activation-tables',))):
                st = {}
                _, r, _, _ = run_case(build, tmp, op, x, ref, flags, st)
                print('%-9s %-9s %12.2e %12.2e %10d' % (op, form, st['abs'], r, st['cycles']))
    return 0 if worst <= 1 else 1


if __name__ == '__main__':
    sys.exit(main())
