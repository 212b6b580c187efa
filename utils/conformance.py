#!/usr/bin/python3
"""ONNX conformance driver for d1c.

For every test directory of ONNX's backend test data (Debian's
libonnx-testdata: node, pytorch-converted, pytorch-operator, simple) it
compiles model.onnx with d1c, runs every test_data_set_* on the emulator
(d1-run) and compares each output with ONNX's expected one: the same dtype and
shape, values within ONNX's default tolerances (rtol 1e-3, atol 1e-7; exact
for integers and booleans; NaN matches NaN).

Every test runs. The verdict comes from test/conformance/expected-failures.txt
(one `suite/test: reason` per line): a test that fails and is not listed, and
a listed test that passes, both fail the run. A crash (a signal, an assertion,
a timeout, an exit without a located `error:` line) fails the run whether it
is listed or not, and is reported on its own.

    utils/conformance.py BUILD                      # run, print the verdict
    utils/conformance.py BUILD --update-expected    # rewrite the list from this run
    utils/conformance.py BUILD --write-docs         # also regenerate docs/supported-ops.md
    utils/conformance.py BUILD -k 'test_add'        # only tests whose name matches
"""
import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import onnx
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = '/usr/share/libonnx-testdata/data'
SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple']
EXPECTED = os.path.join(ROOT, 'test', 'conformance', 'expected-failures.txt')
DOCS = os.path.join(ROOT, 'docs', 'supported-ops.md')
RTOL, ATOL = 1e-3, 1e-7
COMPILE_TIMEOUT, RUN_TIMEOUT = 120, 120
# A located error from d1c or d1-run: "FILE: ... error: ..." or "error: ...".
ERROR_LINE = re.compile(r'(^|: )error: ', re.M)
CRASH_MARKS = ('Assertion', 'PLEASE submit a bug report', 'Stack dump',
               'AddressSanitizer', 'UndefinedBehaviorSanitizer', 'runtime error:',
               'LeakSanitizer', 'terminate called')

DTYPE_NAMES = {v: k.lower() for k, v in onnx.TensorProto.DataType.items()}


def load_tensor(path):
    t = onnx.TensorProto()
    with open(path, 'rb') as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def first_error(stderr):
    for line in stderr.splitlines():
        if ERROR_LINE.search(line):
            return line.strip()
    lines = [l for l in stderr.splitlines() if l.strip()]
    return lines[-1].strip() if lines else ''


def classify(proc_rc, stderr):
    """None when the tool exited cleanly with a located error, else the crash kind."""
    if proc_rc < 0:
        return 'signal %d' % -proc_rc
    if any(m in stderr for m in CRASH_MARKS):
        return 'abort'
    if not ERROR_LINE.search(stderr):
        return 'exit %d without an error line' % proc_rc
    return None


def tolerance_used(want, got):
    """The largest |got - want| / (atol + rtol |want|) over finite values: 1 is the limit."""
    w = want.astype(np.float64)
    g = got.astype(np.float64)
    ok = np.isfinite(w) & np.isfinite(g)
    if not ok.any():
        return 0.0
    return float(np.max(np.abs(g[ok] - w[ok]) / (ATOL + RTOL * np.abs(w[ok]))))


def compare(want, got):
    """'' when got matches want under ONNX's rules, else why not."""
    if got.dtype != want.dtype:
        return 'dtype %s, expected %s' % (got.dtype, want.dtype)
    if got.shape != want.shape:
        return 'shape %s, expected %s' % (list(got.shape), list(want.shape))
    if want.dtype.kind in 'fc':
        try:
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True)
        except AssertionError:
            bad = ~np.isclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True)
            i = np.unravel_index(np.argmax(bad), want.shape) if want.ndim else ()
            return '%d of %d values differ, first at %s: %r, expected %r' % (
                int(bad.sum()), want.size, list(i), got[i], want[i])
        return ''
    if not np.array_equal(got, want):
        bad = got != want
        i = np.unravel_index(np.argmax(bad), want.shape) if want.ndim else ()
        return '%d of %d values differ, first at %s: %r, expected %r' % (
            int(bad.sum()), want.size, list(i), got[i], want[i])
    return ''


def run_tool(res, args, timeout, error_status, where=''):
    """Runs d1c or d1-run; False (with res updated) if it failed or crashed."""
    tool = os.path.basename(args[0])
    try:
        p = subprocess.run(args, capture_output=True, text=True, errors='replace',
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        res.update(status='crash', message='%s: timeout after %d s%s' % (tool, timeout, where))
        return False
    if p.returncode == 0:
        return True
    crash = classify(p.returncode, p.stderr)
    if crash:
        res.update(status='crash', message='%s: %s: %s' % (tool, crash, first_error(p.stderr)))
    else:
        res.update(status=error_status, message=first_error(p.stderr))
    return False


def run_test(build, suite, name, workdir):
    """Compiles and runs one test; returns a result record."""
    d = os.path.join(DATA, suite, name)
    res = {'test': '%s/%s' % (suite, name), 'status': 'pass', 'message': ''}
    binary = os.path.join(workdir, 'model.d1x')
    t0 = time.time()
    if not run_tool(res, [os.path.join(build, 'bin', 'd1c'), os.path.join(d, 'model.onnx'),
                          '-o', binary, '-q'], COMPILE_TIMEOUT, 'compile-error'):
        return res
    res['compile_s'] = round(time.time() - t0, 3)
    sets = sorted(glob.glob(os.path.join(d, 'test_data_set_*')))
    outdir = os.path.join(workdir, 'out')
    for ds in sets:
        inputs = sorted(glob.glob(os.path.join(ds, 'input_*.pb')),
                        key=lambda s: int(re.findall(r'\d+', os.path.basename(s))[0]))
        outputs = sorted(glob.glob(os.path.join(ds, 'output_*.pb')),
                         key=lambda s: int(re.findall(r'\d+', os.path.basename(s))[0]))
        for f in glob.glob(os.path.join(outdir, '*')):
            os.remove(f)
        args = [os.path.join(build, 'bin', 'd1-run'), binary, '--output-dir', outdir, '--quiet']
        for i in inputs:
            args += ['--input', i]
        if not run_tool(res, args, RUN_TIMEOUT, 'run-error', ' on ' + os.path.basename(ds)):
            return res
        for o in outputs:
            want = load_tensor(o)
            got_path = os.path.join(outdir, os.path.basename(o))
            if not os.path.exists(got_path):
                res.update(status='mismatch', message='%s: %s not written' %
                           (os.path.basename(ds), os.path.basename(o)))
                return res
            got = load_tensor(got_path)
            why = compare(want, got)
            if not why and want.dtype.kind == 'f' and want.size:
                res['tol_used'] = max(res.get('tol_used', 0.0), tolerance_used(want, got))
            if why:
                res.update(status='mismatch', message='%s: %s: %s' %
                           (os.path.basename(ds), os.path.basename(o), why))
                return res
    res['seconds'] = round(time.time() - t0, 3)
    return res


def read_expected(path):
    expected = collections.OrderedDict()
    if not os.path.exists(path):
        return expected
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            test, sep, reason = line.partition(': ')
            if not sep or not reason.strip():
                sys.exit('%s:%d: error: expected "suite/test: reason"' % (path, n))
            expected[test.strip()] = reason.strip()
    return expected


def reason_of(res):
    """A short, path-free reason for an expected failure."""
    msg = res['message']
    msg = re.sub(r'^error: ', '', msg)
    msg = re.sub(r'^\S*model\.onnx: ', '', msg)
    msg = msg.replace(DATA + '/', '')
    if res['status'] == 'mismatch':
        msg = 'wrong result: ' + re.sub(r'first at .*', '', msg).strip(', ')
    return msg.replace('\n', ' ')[:200]


def write_expected(path, results, old):
    lines = ['# ONNX conformance tests d1c is expected to fail, one "suite/test: reason" per line.',
             '# utils/conformance.py fails when a listed test passes or an unlisted one fails;',
             '# `utils/conformance.py BUILD --update-expected` rewrites this list from a run',
             '# (a test listed before keeps its reason, which may have been written by hand).']
    # Tests this run did not cover (-k, --suite) keep their entries.
    ran = {r['test'] for r in results}
    entries = {t: reason for t, reason in old.items() if t not in ran}
    for r in results:
        if r['status'] not in ('pass', 'crash'):
            entries[r['test']] = old.get(r['test']) or reason_of(r)
    for t in sorted(entries):
        lines.append('%s: %s' % (t, entries[t]))
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def model_info(suite, name):
    """Op types, the default-domain opset and the input/output dtypes of a test's model."""
    m = onnx.load(os.path.join(DATA, suite, name, 'model.onnx'), load_external_data=False)
    opset = max([o.version for o in m.opset_import if o.domain in ('', 'ai.onnx')] or [0])
    ops = sorted({n.op_type if n.domain in ('', 'ai.onnx') else n.domain + '.' + n.op_type
                  for n in m.graph.node})
    types = sorted({DTYPE_NAMES.get(v.type.tensor_type.elem_type, '?')
                    for v in list(m.graph.input) + list(m.graph.output)
                    if v.type.HasField('tensor_type')})
    return {'ops': ops, 'opset': opset, 'dtypes': types}


def write_docs(results, expected, path):
    per_op = collections.defaultdict(lambda: {'pass': 0, 'total': 0, 'opsets': set(),
                                              'dtypes': set(), 'limits': collections.Counter(),
                                              'tol': None})
    for r in results:
        suite = r['test'].split('/')[0]
        if suite != 'node':
            continue
        info = r['info']
        # A passing model counts for every op in it. A failure that names a
        # node's op counts for that op only (an expanded function failing on
        # one of its parts says nothing of the others); any other failure
        # counts for every op of the model.
        reason = expected.get(r['test']) or reason_of(r)
        named = re.search(r"\((\w+), opset \d+\)", reason)
        ops = info['ops']
        if r['status'] != 'pass' and named and named.group(1) in ops:
            ops = [named.group(1)]
        short = re.sub(r"^node '[^']*' \(\w+, opset \d+\): ", '', reason)
        for op in ops:
            e = per_op[op]
            e['total'] += 1
            e['opsets'].add(info['opset'])
            if r['status'] == 'pass':
                e['pass'] += 1
                e['dtypes'].update(info['dtypes'])
                if 'tol_used' in r and len(info['ops']) == 1:
                    e['tol'] = max(e['tol'] or 0.0, r['tol_used'])
            else:
                e['limits'][short] += 1
    counts = collections.Counter(r['test'].split('/')[0] for r in results)
    passed = collections.Counter(r['test'].split('/')[0] for r in results if r['status'] == 'pass')
    out = ['# Supported ONNX operators',
           '',
           'Generated by `utils/conformance.py build --write-docs` from a run of ONNX\'s',
           'backend test data (Debian\'s `libonnx-testdata`); do not edit by hand.',
           '',
           '| suite | passed | total |', '|---|---|---|']
    for s in SUITES:
        if counts[s]:
            out.append('| %s | %d | %d |' % (s, passed[s], counts[s]))
    out += ['',
            'Per operator, over the `node` tests whose model uses it: the opsets of those',
            'models, the input and output dtypes of the passing ones, tests passed of',
            'total, the share of ONNX\'s tolerance (|d1c - expected| / (1e-7 + 1e-3',
            '|expected|), largest over the single-op tests\' float outputs; 1 is the',
            'limit, 0 is exact) and why the others fail (the reason from',
            '`test/conformance/expected-failures.txt`, with its count).',
            '',
            '| op | opsets | dtypes (passing) | passed | tolerance used | known limits |',
            '|---|---|---|---|---|---|']
    for op in sorted(per_op):
        e = per_op[op]
        limits = '; '.join('%s (%d)' % (k.replace('|', '\\|'), v) if v > 1 else k.replace('|', '\\|')
                           for k, v in e['limits'].most_common(3))
        if len(e['limits']) > 3:
            limits += '; and %d more' % (sum(e['limits'].values()) -
                                         sum(v for _, v in e['limits'].most_common(3)))
        tol = '—' if e['tol'] is None else '0' if e['tol'] == 0 else '%.2g' % e['tol']
        out.append('| %s | %s | %s | %d/%d | %s | %s |' % (
            op, ', '.join(str(v) for v in sorted(e['opsets'])),
            ', '.join(sorted(e['dtypes'])) or '—', e['pass'], e['total'], tol, limits))
    with open(path, 'w') as f:
        f.write('\n'.join(out) + '\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build', help='the build directory (with bin/d1c and bin/d1-run)')
    ap.add_argument('--suite', action='append', choices=SUITES, help='default: all four')
    ap.add_argument('-k', dest='pattern', help='only tests whose suite/name matches this regex')
    ap.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--expected', default=EXPECTED, help='the expected-failure list')
    ap.add_argument('--update-expected', action='store_true',
                    help='rewrite the expected-failure list from this run (crashes are never listed)')
    ap.add_argument('--write-docs', action='store_true', help='regenerate docs/supported-ops.md')
    ap.add_argument('--json', help='write every result to this file')
    ap.add_argument('-v', '--verbose', action='store_true', help='print every test')
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    if not os.path.isdir(DATA):
        sys.exit('error: %s not found; install it with: apt-get install libonnx-testdata' % DATA)
    for tool in ('d1c', 'd1-run'):
        if not os.access(os.path.join(build, 'bin', tool), os.X_OK):
            sys.exit('error: %s/bin/%s not found; build first' % (build, tool))
    suites = args.suite or SUITES
    tests = [(s, t) for s in suites for t in sorted(os.listdir(os.path.join(DATA, s)))
             if os.path.exists(os.path.join(DATA, s, t, 'model.onnx'))]
    if args.pattern:
        tests = [(s, t) for s, t in tests if re.search(args.pattern, s + '/' + t)]
    expected = read_expected(args.expected)

    start = time.time()
    with tempfile.TemporaryDirectory(prefix='d1-conformance-') as tmp:
        def job(i_st):
            i, (s, t) = i_st
            work = os.path.join(tmp, str(i))
            os.makedirs(work)
            r = run_test(build, s, t, work)
            if args.verbose:
                print('%-8s %s %s' % (r['status'].upper(), r['test'], r['message']), flush=True)
            return r
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(job, enumerate(tests)))
    elapsed = time.time() - start

    if args.write_docs or args.json:
        for r in results:
            s, t = r['test'].split('/', 1)
            r['info'] = model_info(s, t)

    unexpected_fail, unexpected_pass, crashes, xfail = [], [], [], 0
    for r in results:
        listed = r['test'] in expected
        if r['status'] == 'crash':
            crashes.append(r)
        elif r['status'] == 'pass':
            if listed:
                unexpected_pass.append(r)
        elif listed:
            xfail += 1
        else:
            unexpected_fail.append(r)
    ran = {r['test'] for r in results}
    stale = [t for t in expected if t not in ran and not args.pattern and not args.suite]

    by_suite = collections.OrderedDict((s, [0, 0]) for s in suites)
    for r in results:
        s = r['test'].split('/')[0]
        by_suite[s][1] += 1
        by_suite[s][0] += r['status'] == 'pass'
    status = collections.Counter(r['status'] for r in results)
    print('ONNX conformance (%d tests, %d jobs, %.0f s):' % (len(results), args.jobs, elapsed))
    for s, (p, n) in by_suite.items():
        print('  %-18s %4d / %4d pass' % (s, p, n))
    print('  outcomes: %s' % ', '.join('%s %d' % kv for kv in sorted(status.items())))
    if crashes:
        print('CRASHES (%d) — fail the run whether listed or not:' % len(crashes))
        for r in crashes:
            print('  %s: %s' % (r['test'], r['message']))
    if unexpected_fail:
        print('UNEXPECTED FAILURES (%d) — not in %s:' % (len(unexpected_fail),
                                                       os.path.relpath(args.expected, ROOT)))
        for r in unexpected_fail:
            print('  %s: %s: %s' % (r['test'], r['status'], r['message']))
    if unexpected_pass:
        print('UNEXPECTED PASSES (%d) — remove them from the expected-failure list:' %
              len(unexpected_pass))
        for r in unexpected_pass:
            print('  %s' % r['test'])
    if stale:
        print('STALE ENTRIES (%d) — listed but no such test:' % len(stale))
        for t in stale:
            print('  %s' % t)

    if args.update_expected:
        write_expected(args.expected, results, expected)
        print('wrote %s' % os.path.relpath(args.expected, ROOT))
    if args.write_docs:
        write_docs(results, read_expected(args.expected), DOCS)
        print('wrote %s' % os.path.relpath(DOCS, ROOT))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)

    failed = len(crashes) + len(unexpected_fail) + len(unexpected_pass) + len(stale)
    if args.update_expected:
        failed = len(crashes)
    print('%d passed, %d failed (%d expected failures, %d crashes)' %
          (status['pass'], failed, xfail if not args.update_expected else
           len(results) - status['pass'] - len(crashes), len(crashes)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
