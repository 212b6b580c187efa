#!/usr/bin/python3
"""Memoised block timing must change nothing but the emulator's speed.

  timing_memo.py BIN_DIR SRC_DIR WORK_DIR

Runs every assembly program of test/isa (with its Inputs), the memo-*.s
programs in Inputs here (cycle reads and a trap inside replayed loops), the
examples, and
LeNet compiled in fp32 and bf16, twice: with memoised block timing (the
default) and with --no-timing-memo. The exit code, stdout, stderr, the
statistics JSON and every output file must be identical. Prints one line per
program and a closing `N same, N different`.
"""
import filecmp
import glob
import os
import subprocess
import sys

EXAMPLES = ("dot", "axpy", "matmul", "pingpong")  # examples/reference.py make


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def compare(d1run, name, exe, inputs, extra, work):
    results = []
    for mode, flags in (("memo", []), ("full", ["--no-timing-memo"])):
        out = os.path.join(work, name + "." + mode)
        os.makedirs(out, exist_ok=True)
        cmd = [d1run, exe, "--output-dir", out, "--stats-json", os.path.join(out, "stats.json"),
               "--print", "--quiet", *extra, *flags]
        for i in inputs:
            cmd += ["--input", i]
        results.append((run(cmd), out))
    (a, da), (b, db) = results
    why = []
    if a != b:
        why.append("exit code or output text differ")
    files = sorted(set(os.listdir(da)) | set(os.listdir(db)))
    for f in files:
        fa, fb = os.path.join(da, f), os.path.join(db, f)
        if not (os.path.exists(fa) and os.path.exists(fb) and filecmp.cmp(fa, fb, shallow=False)):
            why.append(f + " differs")
    print(f"{name}: {'same' if not why else 'DIFFERENT: ' + ', '.join(why)} "
          f"(exit {a[0]}, {len(files)} files)")
    return not why


def main():
    bin_dir, src, work = sys.argv[1:4]
    d1as, d1run, d1c = (os.path.join(bin_dir, t) for t in ("d1-as", "d1-run", "d1c"))
    os.makedirs(work, exist_ok=True)
    cases = []  # (name, exe, inputs, extra flags)
    for s in sorted(glob.glob(os.path.join(src, "test/isa/*.s")) +
                    glob.glob(os.path.join(src, "test/isa/Inputs/*.s")) +
                    glob.glob(os.path.join(src, "test/tools/Inputs/memo-*.s"))):
        name = os.path.splitext(os.path.basename(s))[0]
        exe = os.path.join(work, name + ".d1x")
        if run([d1as, s, "-o", exe])[0] == 0:
            cases.append((name, exe, [], ["--max-cycles", "2000000"]))
    for name in EXAMPLES:
        d = os.path.join(work, "ex-" + name)
        os.makedirs(d, exist_ok=True)
        run(["/usr/bin/python3", os.path.join(src, "examples/reference.py"), "make", name, d])
        exe = os.path.join(d, "p.d1x")
        asm = {"axpy": "axpy_f32", "matmul": "matmul_bf16"}.get(name, name)
        if run([d1as, os.path.join(src, "examples", asm + ".s"), "-o", exe])[0] != 0:
            print(f"ex-{name}: does not assemble")
            return 1
        inputs = sorted(glob.glob(os.path.join(d, "*.npy")))
        cases.append(("ex-" + name, exe, inputs, []))
        if name == "pingpong":
            cases.append(("ex-pingpong-2threads", exe, inputs, ["--threads", "2"]))
    lenet = os.path.join(src, "examples/lenet")
    for prec in ("fp32", "bf16"):
        exe = os.path.join(work, "lenet-" + prec + ".d1x")
        code, _, err = run([d1c, os.path.join(lenet, "model.onnx"), "--precision=" + prec, "-o", exe])
        if code != 0:
            print(f"lenet-{prec}: does not compile: {err.strip()}")
            return 1
        cases.append(("lenet-" + prec, exe, [os.path.join(lenet, "test_data_set_0/input_0.pb")], []))
        # A cycle limit inside the run: the memoised blocks stop at the same place.
        cases.append(("lenet-" + prec + "-max-cycles", exe,
                      [os.path.join(lenet, "test_data_set_0/input_0.pb")], ["--max-cycles", "30001"]))
    same = sum(compare(d1run, *c, work) for c in cases)
    print(f"{same} same, {len(cases) - same} different")
    return 0 if same == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
