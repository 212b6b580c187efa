#!/usr/bin/python3
"""Runs the fuzz targets: the regression corpus, then each target for a while.

    run_fuzzers.py BUILD [--seconds N] [--targets a,b] [--full-corpus]
                         [--keep-going] [--regressions-only]

1. Regressions: every file of fuzz/regressions/<target>/ goes through
   BUILD/bin/fuzz-<target> once (no fuzzing); each must pass.
2. Seeds: fuzz/make_corpus.py writes BUILD/fuzz/seeds (kept between runs
   unless the tree's seeds change; --full-corpus: all ONNX test data).
3. Fuzzing: each target runs for N seconds (default 60) with its seeds and
   a working corpus BUILD/fuzz/corpus/<target> that persists between runs,
   under the limits below. A crash, leak, timeout or out-of-memory is saved
   in BUILD/fuzz/artifacts/<target>/ and fails the run. --keep-going uses
   libFuzzer's fork mode to continue past findings (long runs).

Prints per target: seconds, executions, exec/s, coverage (libFuzzer's `cov`:
edges, and `ft`: features), corpus size, findings; the last line is
`N targets, N findings`. Exit status 1 on any finding or failed regression.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# target: (max_len, timeout seconds per input, dictionary)
TARGETS = {
    'import': (65536, 10, None),
    'import-bytes': (65536, 10, None),
    'd1x': (1 << 20, 10, None),
    'asm': (65536, 10, 'asm.dict'),
    'tensor': (1 << 20, 10, 'tensor.dict'),
}
RSS_LIMIT_MB = 4096
# LeakSanitizer on; a report stops the run (abort_on_error keeps the stack
# in the log). UBSan reports are fatal (-fno-sanitize-recover=all).
SAN_ENV = {
    'ASAN_OPTIONS': 'detect_leaks=1:abort_on_error=1:handle_abort=1:symbolize=1',
    'UBSAN_OPTIONS': 'print_stacktrace=1:halt_on_error=1',
    'LSAN_OPTIONS': 'suppressions=' + os.path.join(ROOT, 'fuzz', 'lsan.supp'),
}


def env():
    e = dict(os.environ)
    for k, v in SAN_ENV.items():
        # The caller's sanitizer options win, but the suppressions stay.
        e[k] = (v + ':' + e[k]) if k in e and k != 'LSAN_OPTIONS' else v
    return e


def open_invariants():
    """The invariant ids of fuzz/open-findings.txt: known, reported, not yet
    fixed; fuzzing counts them without stopping (D1_FUZZ_SKIP)."""
    ids = []
    path = os.path.join(ROOT, 'fuzz', 'open-findings.txt')
    if os.path.exists(path):
        for line in open(path):
            line = line.split('#', 1)[0].strip()
            if line:
                ids.append(line.split()[0])
    return ids


def binary(build, target):
    return os.path.join(build, 'bin', 'fuzz-' + target)


def regressions(build, targets):
    """Runs each regression file once; returns the number that failed."""
    failed = total = 0
    for t in targets:
        files = sorted(glob.glob(os.path.join(ROOT, 'fuzz', 'regressions', t, '*')))
        files = [f for f in files if os.path.isfile(f) and not f.endswith('.md')]
        if not files:
            continue
        total += len(files)
        maxlen, timeout, _ = TARGETS[t]
        # One process for all of a target's files; on a failure, find which.
        cmd = [binary(build, t), f'-rss_limit_mb={RSS_LIMIT_MB}', f'-timeout={timeout * 3}']
        r = subprocess.run(cmd + files, env=env(), capture_output=True, text=True,
                           errors='replace')
        if r.returncode == 0:
            print(f'regressions {t}: {len(files)} passed')
            continue
        for f in files:
            r = subprocess.run(cmd + [f], env=env(), capture_output=True, text=True,
                               errors='replace')
            if r.returncode != 0:
                failed += 1
                print(f'regressions {t}: FAILED {os.path.relpath(f, ROOT)}')
                print('\n'.join('    ' + l for l in r.stderr.splitlines()[-25:]))
        print(f'regressions {t}: {len(files) - failed} passed, {failed} failed')
    print(f'regressions: {total - failed} passed, {failed} failed')
    return failed


def seeds(build, full):
    out = os.path.join(build, 'fuzz', 'seeds-full' if full else 'seeds')
    stamp = os.path.join(out, '.stamp')
    # Regenerate when a seed source is newer than the last generation.
    sources = (glob.glob(os.path.join(ROOT, 'test', '**', '*.s'), recursive=True)
               + glob.glob(os.path.join(ROOT, 'test', '**', '*.py'), recursive=True)
               + glob.glob(os.path.join(ROOT, 'examples', '**', '*'), recursive=True)
               + [os.path.join(ROOT, 'fuzz', 'make_corpus.py'),
                  os.path.join(build, 'bin', 'd1c'), os.path.join(build, 'bin', 'd1-as')])
    newest = max(os.path.getmtime(p) for p in sources if os.path.exists(p))
    if not os.path.exists(stamp) or os.path.getmtime(stamp) < newest:
        t0 = time.time()
        cmd = [sys.executable, os.path.join(ROOT, 'fuzz', 'make_corpus.py'), build, out]
        subprocess.run(cmd + (['--full'] if full else []), check=True, env=env())
        open(stamp, 'w').close()
        print(f'seeds: written in {time.time() - t0:.0f} s')
    return out


STATUS = re.compile(r'^#(\d+)\s*:?\s+\w*\s*cov: (\d+) ft: (\d+) corp: (\d+)')


def fuzz(build, target, seconds, seed_dir, keep_going):
    maxlen, timeout, dictionary = TARGETS[target]
    corpus = os.path.join(build, 'fuzz', 'corpus', target)
    artifacts = os.path.join(build, 'fuzz', 'artifacts', target) + '/'
    logs = os.path.join(build, 'fuzz', 'logs')
    for d in (corpus, artifacts, logs):
        os.makedirs(d, exist_ok=True)
    before = set(os.listdir(artifacts))
    cmd = [binary(build, target), f'-max_total_time={seconds}', f'-max_len={maxlen}',
           f'-timeout={timeout}', f'-rss_limit_mb={RSS_LIMIT_MB}', '-print_final_stats=1',
           '-detect_leaks=1', f'-artifact_prefix={artifacts}', '-reload=0']
    if dictionary:
        cmd.append('-dict=' + os.path.join(seed_dir, dictionary))
    if keep_going:
        cmd += ['-fork=1', '-ignore_crashes=1', '-ignore_timeouts=1', '-ignore_ooms=1']
    cmd += [corpus, os.path.join(seed_dir, target)]
    log = os.path.join(logs, target + '.log')
    t0 = time.time()
    with open(log, 'w') as f:
        f.write(' '.join(cmd) + '\n')
        f.flush()
        e = env()
        e['D1_FUZZ_SKIP'] = ','.join(open_invariants())
        r = subprocess.run(cmd, env=e, stdout=f, stderr=subprocess.STDOUT)
    elapsed = time.time() - t0
    text = open(log, errors='replace').read()
    execs = cov = ft = corp = 0
    for line in text.splitlines():
        m = STATUS.match(line)
        if m:
            execs, cov, ft, corp = (int(x) for x in m.groups())
    m = re.search(r'stat::number_of_executed_units: (\d+)', text)
    if m:
        execs = int(m.group(1))
    found = sorted(set(os.listdir(artifacts)) - before)
    crashed = r.returncode != 0 and not keep_going
    return {
        'target': target, 'seconds': elapsed, 'execs': execs,
        'rate': execs / elapsed if elapsed else 0, 'cov': cov, 'ft': ft, 'corpus': corp,
        'findings': found, 'failed': bool(found) or crashed, 'status': r.returncode, 'log': log,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build')
    ap.add_argument('--seconds', type=int, default=60)
    ap.add_argument('--targets', default=','.join(TARGETS))
    ap.add_argument('--full-corpus', action='store_true')
    ap.add_argument('--keep-going', action='store_true')
    ap.add_argument('--regressions-only', action='store_true')
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    targets = [t for t in a.targets.split(',') if t]
    for t in targets:
        if t not in TARGETS:
            sys.exit(f'unknown target {t}; targets: {", ".join(TARGETS)}')
        if not os.path.exists(binary(build, t)):
            sys.exit(f'{binary(build, t)} is missing: build with clang and '
                     '-DD1_SANITIZE=address,undefined,fuzzer-no-link (utils/d1.sh fuzz)')
    bad = regressions(build, targets)
    if a.regressions_only:
        sys.exit(1 if bad else 0)
    seed_dir = seeds(build, a.full_corpus)
    results = []
    for t in targets:
        r = fuzz(build, t, a.seconds, seed_dir, a.keep_going)
        results.append(r)
        print(f"fuzz-{t}: {r['seconds']:.0f} s, {r['execs']} executions, {r['rate']:.1f} exec/s, "
              f"cov {r['cov']} edges, ft {r['ft']}, corpus {r['corpus']}, "
              f"{len(r['findings'])} findings" + ('' if not r['failed'] else
                                                  f" (exit {r['status']}; log {r['log']})"),
              flush=True)
        for f in r['findings']:
            print(f'    {os.path.join(build, "fuzz", "artifacts", t, f)}')
    print()
    print('| target | seconds | executions | exec/s | edges (cov) | features (ft) | corpus | findings |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|')
    for r in results:
        print(f"| fuzz-{r['target']} | {r['seconds']:.0f} | {r['execs']} | {r['rate']:.1f} | "
              f"{r['cov']} | {r['ft']} | {r['corpus']} | {len(r['findings'])} |")
    findings = sum(len(r['findings']) or r['failed'] for r in results)
    print(f'{len(results)} targets, {findings} findings, {bad} failed regressions')
    sys.exit(1 if findings or bad else 0)


if __name__ == '__main__':
    main()
