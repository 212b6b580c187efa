#!/usr/bin/python3
"""Runs the fuzz targets: the regression corpus, then each target for a while.

    run_fuzzers.py BUILD [--seconds N] [--targets a,b] [--full-corpus] [--strict]
    run_fuzzers.py BUILD --regressions-only
    run_fuzzers.py BUILD --targets T --triage FILE...

1. Regressions: every file of fuzz/regressions/<target>/ goes through
   BUILD/bin/fuzz-<target> once (no fuzzing); each must pass.
2. Seeds: fuzz/make_corpus.py writes BUILD/fuzz/seeds (rewritten when a
   source changes; --full-corpus: all of ONNX's test data, BUILD/fuzz/seeds-full).
3. Fuzzing: each target runs for N seconds (default 60) on its seeds and a
   working corpus BUILD/fuzz/corpus/<target> that persists between runs, in
   libFuzzer's fork mode so that a finding does not end the run. Findings
   (crash, leak, timeout, out-of-memory, broken invariant) are saved in
   BUILD/fuzz/artifacts/<target>/, replayed, and matched against the known
   open bugs of fuzz/open-findings.txt.

Prints per target: seconds, executions, exec/s, coverage (libFuzzer's `cov`:
edges; `ft`: features), corpus size and findings, then each finding with its
kind and first frames in d1c's code; the last line is `N targets, N new
findings, N known, N not reproducible, N failed regressions`. Exit status 1
on a new finding or a failed regression (--strict: on any finding).
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# target: (max_len, timeout seconds per input, dictionary). The import
# targets compile what they import: a legitimate model whose release
# compile takes 1 s takes 15 s under ASan on a loaded machine (the long
# run's GRU unrolls and large Tiles), so they get 30 s; a hang is endless.
TARGETS = {
    'import': (65536, 30, None),
    'import-bytes': (65536, 30, None),
    'd1x': (1 << 20, 10, None),
    'asm': (65536, 10, 'asm.dict'),
    'tensor': (1 << 20, 10, 'tensor.dict'),
}
RSS_LIMIT_MB = 4096
# LeakSanitizer on; UBSan reports are fatal (-fno-sanitize-recover=all).
# allow_user_poisoning=0: LLVM's bump allocators poison new slabs in our
# instrumented copies of their inline code but not in libMLIR's, and MLIR's
# uniquer shares such slabs between the two: a false use-after-poison
# (fuzz/regressions/import/uniquer-slab-poison).
SAN_ENV = {
    'ASAN_OPTIONS': 'detect_leaks=1:abort_on_error=1:handle_abort=1:symbolize=1:'
                    'allow_user_poisoning=0',
    'UBSAN_OPTIONS': 'print_stacktrace=1:halt_on_error=1',
    'LSAN_OPTIONS': 'suppressions=' + os.path.join(ROOT, 'fuzz', 'lsan.supp'),
}


def known_findings():
    """fuzz/open-findings.txt: (invariant ids, [(signature regex, line)])."""
    ids, sigs = [], []
    path = os.path.join(ROOT, 'fuzz', 'open-findings.txt')
    for line in open(path) if os.path.exists(path) else []:
        text = line.split(' # ', 1)[0].strip()
        if not text or text.startswith('#'):
            continue
        kind, _, value = text.partition(' ')
        value = value.strip()
        if kind == 'invariant':
            ids.append(value)
        elif kind == 'signature':
            sigs.append((re.compile(value), line.strip()))
        else:
            sys.exit(f'fuzz/open-findings.txt: not "invariant ID" or "signature REGEX": {line}')
    return ids, sigs


def env(skip=False):
    e = dict(os.environ)
    for k, v in SAN_ENV.items():
        # The caller's sanitizer options win, but the suppressions stay.
        e[k] = (v + ':' + e[k]) if k in e and k != 'LSAN_OPTIONS' else v
    e['D1_FUZZ_SKIP'] = '\n'.join(known_findings()[0]) if skip else ''
    return e


def binary(build, target):
    return os.path.join(build, 'bin', 'fuzz-' + target)


def regressions(build, targets):
    """Runs each regression file once; returns the number that failed."""
    failed = total = 0
    for t in targets:
        files = sorted(f for f in glob.glob(os.path.join(ROOT, 'fuzz', 'regressions', t, '*'))
                       if os.path.isfile(f))
        if not files:
            continue
        total += len(files)
        bad = 0
        cmd = [binary(build, t), f'-rss_limit_mb={RSS_LIMIT_MB}',
               f'-timeout={TARGETS[t][1] * 3}']
        # One process for all of a target's files; on a failure, find which.
        if subprocess.run(cmd + files, env=env(), capture_output=True).returncode != 0:
            for f in files:
                r = subprocess.run(cmd + [f], env=env(), capture_output=True, text=True,
                                   errors='replace')
                if r.returncode != 0:
                    bad += 1
                    print(f'regressions {t}: FAILED {os.path.relpath(f, ROOT)}')
                    print('\n'.join('    ' + l for l in r.stderr.splitlines()[-25:]))
        failed += bad
        print(f'regressions {t}: {len(files) - bad} passed, {bad} failed')
    print(f'regressions: {total - failed} passed, {failed} failed', flush=True)
    return failed


def seeds(build, full):
    out = os.path.join(build, 'fuzz', 'seeds-full' if full else 'seeds')
    stamp = os.path.join(out, '.stamp')
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
        print(f'seeds: written in {time.time() - t0:.0f} s', flush=True)
    return out


FRAME = re.compile(r'^\s+#(\d+) 0x[0-9a-f]+ in (.*?) (/\S+|\.\./\S+)$')
KIND = re.compile(r'(runtime error: .*|ERROR: (AddressSanitizer|LeakSanitizer): [\w-]+( on| of)?|'
                  r'invariant [\w-]+ broken: [^:]*|ERROR: libFuzzer: [\w-]+.*|'
                  r"terminate called after throwing an instance of '[^']*')")


def signature(report):
    """The kind of failure and the first frames in d1c's code (or, when the
    fault is in a library, the first frame) of a crash report."""
    kind = 'no report'
    for line in report.splitlines():
        m = KIND.search(line)
        if m:
            kind = re.sub(r'0x[0-9a-f]+|-?\d{3,}', 'N', m.group(1))
            if 'runtime error' in line:
                kind = line.split(' runtime error: ')[0].rsplit('/', 1)[-1] + ' ' + kind
            break
    frames = []
    for line in report.splitlines():
        m = FRAME.match(line)
        if not m or 'sanitizer' in line or 'libFuzzer' in line or 'fuzzer::' in line:
            continue
        func = re.sub(r'\(.*', '', m.group(2).replace('(anonymous namespace)::', ''))
        loc = m.group(3)
        # The tree's sources (compiled as ../lib/..., or by absolute path).
        loc = re.sub(r'^.*?/\.\./', '', loc)
        if loc.startswith(ROOT + '/'):
            loc = loc[len(ROOT) + 1:]
        if loc.split('/')[0] in ('lib', 'runtime', 'tools', 'dialects', 'include'):
            frames.append(f'{func} {loc}')
        elif not frames and '/libonnx' in loc:
            frames.append(f'{func} ({os.path.basename(loc)})')
        if len(frames) == 4:
            break
    return kind, frames


def replay(build, target, path):
    """Runs one saved input (no invariant skipped); returns (status, report)."""
    r = subprocess.run([binary(build, target), f'-rss_limit_mb={RSS_LIMIT_MB}',
                        f'-timeout={TARGETS[target][1]}', path],
                       env=env(), capture_output=True, text=True, errors='replace')
    return r.returncode, r.stderr


def known_line(report):
    """The line of fuzz/open-findings.txt a crash report matches, or ''."""
    ids, sigs = known_findings()
    m = re.search(r'==d1-fuzz== invariant ([\w-]+) broken: (.*)', report)
    if m:
        for entry in ids:
            iid, _, text = entry.partition(' ')
            if iid == m.group(1) and text in m.group(2):
                return 'invariant ' + entry
    return next((line for rx, line in sigs if rx.search(report)), '')


def classify(build, target, paths):
    """[(path, 'new'|'known'|'not reproducible', kind, frames, known line)]."""
    out = []
    for p in paths:
        status, report = replay(build, target, p)
        if status == 0:
            out.append((p, 'not reproducible', '', [], ''))
            continue
        kind, frames = signature(report)
        hit = known_line(report)
        out.append((p, 'known' if hit else 'new', kind, frames, hit))
    return out


STATUS = re.compile(r'^#(\d+)\s*:?\s+\w*\s*cov: (\d+) ft: (\d+) corp: (\d+)')


def fuzz(build, target, seconds, seed_dir):
    maxlen, timeout, dictionary = TARGETS[target]
    corpus = os.path.join(build, 'fuzz', 'corpus', target)
    artifacts = os.path.join(build, 'fuzz', 'artifacts', target) + '/'
    logs = os.path.join(build, 'fuzz', 'logs')
    for d in (corpus, artifacts, logs):
        os.makedirs(d, exist_ok=True)
    before = set(os.listdir(artifacts))
    cmd = [binary(build, target), f'-max_total_time={seconds}', f'-max_len={maxlen}',
           f'-timeout={timeout}', f'-rss_limit_mb={RSS_LIMIT_MB}', '-print_final_stats=1',
           '-detect_leaks=1', f'-artifact_prefix={artifacts}',
           '-fork=1', '-ignore_crashes=1', '-ignore_timeouts=1', '-ignore_ooms=1']
    if dictionary:
        cmd.append('-dict=' + os.path.join(seed_dir, dictionary))
    cmd += [corpus, os.path.join(seed_dir, target)]
    log = os.path.join(logs, target + '.log')
    t0 = time.time()
    with open(log, 'w') as f:
        f.write(' '.join(cmd) + '\n')
        f.flush()
        r = subprocess.run(cmd, env=env(skip=True), stdout=f, stderr=subprocess.STDOUT)
    elapsed = time.time() - t0
    execs = cov = ft = corp = 0
    for line in open(log, errors='replace'):
        m = STATUS.match(line)
        if m:
            execs, cov, ft, corp = (int(x) for x in m.groups())
    found = [os.path.join(artifacts, f) for f in sorted(set(os.listdir(artifacts)) - before)]
    return {
        'target': target, 'seconds': elapsed, 'execs': execs,
        'rate': execs / elapsed if elapsed else 0, 'cov': cov, 'ft': ft, 'corpus': corp,
        'findings': classify(build, target, found), 'status': r.returncode, 'log': log,
    }


def print_findings(findings):
    for path, verdict, kind, frames, hit in findings:
        print(f'    {verdict}: {kind} {os.path.relpath(path)}')
        for fr in frames:
            print(f'        at {fr}')
        if hit:
            print(f'        matches: {hit}')


LEDGER_FIELDS = ['date', 'commit', 'target', 'seconds', 'executions', 'cov', 'ft', 'corpus',
                 'findings']


def append_ledger(path, r):
    commit = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'],
                            capture_output=True, text=True).stdout.strip() or '?'
    new = sum(1 for f in r['findings'] if f[1] == 'new')
    row = [time.strftime('%Y-%m-%dT%H:%M:%S'), commit, r['target'], f"{r['seconds']:.0f}",
           str(r['execs']), str(r['cov']), str(r['ft']), str(r['corpus']), str(new)]
    fresh = not os.path.exists(path)
    with open(path, 'a') as f:
        if fresh:
            f.write('\t'.join(LEDGER_FIELDS) + '\n')
        f.write('\t'.join(row) + '\n')


def print_totals(path):
    """Per target: segments, seconds, executions, exec/s, the last segment's
    cov, ft and corpus (the corpus persists, so they grow), new findings."""
    tot = {}
    for line in open(path):
        cells = line.rstrip('\n').split('\t')
        if cells[0] == 'date' or len(cells) != len(LEDGER_FIELDS):
            continue
        row = dict(zip(LEDGER_FIELDS, cells))
        t = tot.setdefault(row['target'], {'segments': 0, 'seconds': 0, 'execs': 0,
                                            'findings': 0, 'commits': []})
        t['segments'] += 1
        t['seconds'] += int(row['seconds'])
        t['execs'] += int(row['executions'])
        t['findings'] += int(row['findings'])
        t['last'] = row
        if row['commit'] not in t['commits']:
            t['commits'].append(row['commit'])
    print('| target | segments | seconds | executions | exec/s | edges (cov) | features (ft) '
          '| corpus | new findings | commits |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|')
    for name in TARGETS:
        if name in tot:
            t = tot[name]
            last = t['last']
            print(f"| {name} | {t['segments']} | {t['seconds']} | {t['execs']:,} | "
                  f"{t['execs'] / max(t['seconds'], 1):.0f} | {last['cov']} | {last['ft']} | "
                  f"{last['corpus']} | {t['findings']} | {', '.join(t['commits'])} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build', nargs='?')
    ap.add_argument('--seconds', type=int, default=60)
    ap.add_argument('--targets', default=','.join(TARGETS))
    ap.add_argument('--full-corpus', action='store_true')
    ap.add_argument('--strict', action='store_true', help='known open findings fail the run too')
    ap.add_argument('--regressions-only', action='store_true')
    ap.add_argument('--report-new', action='store_true',
                    help='new findings are printed with their reproducers but do not fail the '
                         'run (CI: the replayed regressions gate, the short runs explore)')
    ap.add_argument('--ledger', metavar='FILE',
                    help='append each target\'s figures to FILE (tab-separated: date, commit, '
                         'target, seconds, executions, cov, ft, corpus, findings), so that a '
                         'long run made of segments adds up (--totals)')
    ap.add_argument('--totals', metavar='FILE',
                    help='print the sums of a ledger per target and exit')
    ap.add_argument('--triage', nargs='+', metavar='FILE',
                    help='replay saved inputs of one target (--targets) and classify them')
    a = ap.parse_args()
    if a.totals:
        print_totals(a.totals)
        return
    if not a.build:
        ap.error('BUILD is required')
    build = os.path.abspath(a.build)
    targets = [t for t in a.targets.split(',') if t]
    for t in targets:
        if t not in TARGETS:
            sys.exit(f'unknown target {t}; targets: {", ".join(TARGETS)}')
        if not os.path.exists(binary(build, t)):
            sys.exit(f'{binary(build, t)} is missing: build with clang and '
                     '-DD1_SANITIZE=address,undefined,fuzzer-no-link (utils/d1.sh fuzz)')
    if a.triage:
        print_findings(classify(build, targets[0], a.triage))
        return
    bad = regressions(build, targets)
    if a.regressions_only:
        sys.exit(1 if bad else 0)
    seed_dir = seeds(build, a.full_corpus)
    results = []
    for t in targets:
        r = fuzz(build, t, a.seconds, seed_dir)
        results.append(r)
        print(f"fuzz-{t}: {r['seconds']:.0f} s, {r['execs']} executions, {r['rate']:.1f} exec/s, "
              f"cov {r['cov']} edges, ft {r['ft']}, corpus {r['corpus']}, "
              f"{len(r['findings'])} findings" +
              (f" (libFuzzer exit {r['status']}; {r['log']})"
               if r['status'] and not r['findings'] else ''), flush=True)
        print_findings(r['findings'])
        if a.ledger:
            append_ledger(a.ledger, r)
    print()
    print('| target | seconds | executions | exec/s | edges (cov) | features (ft) | corpus '
          '| findings |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|')
    for r in results:
        print(f"| fuzz-{r['target']} | {r['seconds']:.0f} | {r['execs']} | {r['rate']:.1f} | "
              f"{r['cov']} | {r['ft']} | {r['corpus']} | {len(r['findings'])} |")
    count = lambda v: sum(1 for r in results for f in r['findings'] if f[1] == v)
    new, known, flaky = count('new'), count('known'), count('not reproducible')
    # In fork mode libFuzzer exits with the status of the last finding; a
    # failure without one is the fuzzer's own.
    failed_runs = sum(1 for r in results if r['status'] != 0 and not r['findings'])
    print(f'{len(results)} targets, {new} new findings, {known} known, {flaky} not reproducible, '
          f'{bad} failed regressions')
    if new and a.report_new:
        print(f'{new} new finding(s) reported above, not failing the run (--report-new)')
    sys.exit(1 if (new and not a.report_new) or bad or failed_runs or (a.strict and known) else 0)


if __name__ == '__main__':
    main()
