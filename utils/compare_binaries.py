#!/usr/bin/python3
"""Refactors change no bytes: compile every e2e and benchmark model with two
d1c builds and compare the binaries.

    compare_binaries.py models BUILD MODELS      gather the models once
    compare_binaries.py compile BUILD MODELS OUT compile them with BUILD's d1c
    compare_binaries.py diff OUT_BEFORE OUT_AFTER
    compare_binaries.py run BUILD MODELS OUT_BEFORE OUT_AFTER
    compare_binaries.py flows BUILD MODELS OUT [REGEX]

`models` copies into MODELS the ONNX files the end-to-end tests wrote under
BUILD/test/{e2e,d1c,tools,examples}/Output (run the test suite first), the
examples, and exports ResNet-18, ResNet-50 and MobileNetV2 at 224x224
(torchvision, seed 0), the benchmarks' models. `compile` builds each model
in the variants below with BUILD/bin/d1c (two at a time) into OUT, keeping
each binary and, for a model d1c refuses, the error line. `diff` compares two
OUT directories: it lists every binary that differs and every variant that
compiles in one and fails in the other, prints `N identical, N differ,
N missing` and exits 1 unless all are identical. Error texts that differ are
listed but do not fail (a restructure may word a diagnostic better).
`run` is for a change that may reorder or rename without changing what runs
(instruction order, semaphore numbers): it runs every pair of binaries that
differ with BUILD/bin/d1-run on the same seeded random inputs and compares
the exit status, the whole stats JSON (cycles, every counter) and the
output bytes; it prints `N run alike, N run differently` and exits 1 unless
all run alike. `flows` runs each binary of OUT (whose name matches REGEX)
with and without d1-run's --network-flows and compares the same way: one
core's DMAs timed as they issue must match the network's flow model.

The variants: every model with d1c's defaults and with --precision=bf16;
the large models (ResNets, MobileNetV2, the encoder; the models with
"resnet", "mobilenet" or "encoder" in their name) also with -O0, -O1 and
each --disable-* switch, in fp32 and bf16.

Typical use, before and after a restructure (docs/compiler.md):

    utils/compare_binaries.py models build /tmp/models
    utils/compare_binaries.py compile build-before /tmp/models /tmp/before
    utils/compare_binaries.py compile build /tmp/models /tmp/after
    utils/compare_binaries.py diff /tmp/before /tmp/after
"""
import concurrent.futures
import filecmp
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWITCHES = ["--disable-fusion", "--disable-depth-first", "--disable-sram-residency",
            "--disable-activation-tables", "--disable-scheduling", "--disable-sram-reuse",
            "--disable-dram-reuse"]
LARGE = ("resnet", "mobilenet", "encoder")


def models(build, out):
    os.makedirs(out, exist_ok=True)
    n = 0
    for sub in ("e2e", "d1c", "tools", "examples"):
        base = os.path.join(build, "test", sub, "Output")
        for path in sorted(glob.glob(os.path.join(base, "**", "*.onnx"), recursive=True)):
            rel = os.path.relpath(path, base).replace(".test.tmp", "")
            name = sub + "__" + rel.replace(os.sep, "__")
            # External data stays next to its model: copy the folder's
            # other files too (small in these tests).
            dest = os.path.join(out, name[:-len(".onnx")])
            os.makedirs(dest, exist_ok=True)
            shutil.copy(path, os.path.join(dest, "model.onnx"))
            for extra in os.listdir(os.path.dirname(path)):
                p = os.path.join(os.path.dirname(path), extra)
                if os.path.isfile(p) and not extra.endswith((".onnx", ".d1x", ".npy", ".pb",
                                                             ".json", ".txt", ".mlir", ".s")):
                    shutil.copy(p, dest)
            n += 1
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*", "model.onnx"))):
        dest = os.path.join(out, "example__" + os.path.basename(os.path.dirname(path)))
        os.makedirs(dest, exist_ok=True)
        shutil.copy(path, os.path.join(dest, "model.onnx"))
        n += 1
    import torch
    import torchvision
    for name in ["resnet18", "resnet50", "mobilenet_v2"]:
        dest = os.path.join(out, "bench__" + name.replace("_", ""))
        os.makedirs(dest, exist_ok=True)
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(weights=None).eval()
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), os.path.join(dest, "model.onnx"),
                          opset_version=13)
        n += 1
    if n < 50:
        sys.exit(f"only {n} models under {build}/test: run the test suite in {build} first")
    print(f"{n} models in {out}")


def variants(name):
    out = [("default", []), ("bf16", ["--precision=bf16"])]
    if any(k in name for k in LARGE):
        for prec, flags in (("", []), ("bf16-", ["--precision=bf16"])):
            out += [(prec + "O0", ["-O0"] + flags), (prec + "O1", ["-O1"] + flags)]
            out += [(prec + s[len("--"):], [s] + flags) for s in SWITCHES]
    return out


def compile_one(d1c, model_dir, out, variant, flags):
    name = os.path.basename(model_dir)
    exe = os.path.join(out, f"{name}.{variant}.d1x")
    r = subprocess.run([d1c, "-q", os.path.join(model_dir, "model.onnx"), "-o", exe] + flags,
                       capture_output=True, text=True, errors="replace")
    if r.returncode != 0:
        with open(os.path.join(out, f"{name}.{variant}.error"), "w") as f:
            f.write(r.stderr)
    return r.returncode == 0


def compile_all(build, models_dir, out):
    d1c = os.path.join(build, "bin", "d1c")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    jobs = [(d, v, f) for d in sorted(glob.glob(os.path.join(models_dir, "*")))
            for v, f in variants(os.path.basename(d))]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        ok = sum(pool.map(lambda j: compile_one(d1c, j[0], out, j[1], j[2]), jobs))
    print(f"{len(jobs)} compiles: {ok} binaries, {len(jobs) - ok} refused, in {out}")


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()[:12]


def diff(a, b):
    names = sorted(set(os.listdir(a)) | set(os.listdir(b)))
    same = differ = missing = texts = 0
    for n in names:
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if not os.path.exists(pa) or not os.path.exists(pb):
            missing += 1
            print(f"only in {a if os.path.exists(pa) else b}: {n}")
            continue
        if filecmp.cmp(pa, pb, shallow=False):
            same += 1
        elif n.endswith(".error"):
            texts += 1
            print(f"error text differs: {n}\n    before: {open(pa).read().strip()}\n"
                  f"    after:  {open(pb).read().strip()}")
            same += 1
        else:
            differ += 1
            print(f"differs: {n} ({digest(pa)} -> {digest(pb)})")
    print(f"{same} identical, {differ} differ, {missing} missing"
          + (f" ({texts} error texts reworded)" if texts else ""))
    return differ == 0 and missing == 0


def make_inputs(model, where, seed):
    """Seeded random inputs for the ONNX model's graph inputs, as .npy files."""
    import numpy as np
    import onnx
    from onnx import mapping
    m = onnx.load(model, load_external_data=False)
    inits = {i.name for i in m.graph.initializer}
    rng = np.random.default_rng(seed)
    args = []
    for vi in m.graph.input:
        if vi.name in inits:
            continue
        t = vi.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value") else 1 for d in t.shape.dim]
        dt = mapping.TENSOR_TYPE_TO_NP_TYPE[t.elem_type]
        if dt == np.bool_:
            a = rng.random(shape) < 0.5
        elif np.issubdtype(dt, np.integer):
            a = rng.integers(0, 3, size=shape).astype(dt)
        else:
            a = rng.standard_normal(shape).astype(dt)
        path = os.path.join(where, f"in{len(args)}.npy")
        np.save(path, a)
        args += ["--input", f"{vi.name}={path}"]
    return args


def run_one(d1run, exe, inputs, where):
    os.makedirs(where, exist_ok=True)
    stats = os.path.join(where, "stats.json")
    r = subprocess.run([d1run, exe, "--quiet", "--output-dir", where, "--stats-json", stats]
                       + inputs, capture_output=True, text=True, errors="replace")
    outs = {}
    for n in sorted(os.listdir(where)):
        outs[n] = open(os.path.join(where, n), "rb").read()
    return r.returncode, r.stderr.strip(), outs


def flatten(value, prefix=""):
    """A JSON value as {dotted key: leaf}."""
    if isinstance(value, dict):
        return {k2: v2 for k, v in value.items() for k2, v2 in flatten(v, f"{prefix}{k}.").items()}
    if isinstance(value, list):
        return {k2: v2 for i, v in enumerate(value)
                for k2, v2 in flatten(v, f"{prefix}{i}.").items()}
    return {prefix.rstrip("."): value}


def difference(ra, rb):
    """What differs between two runs: exit status, error, stats keys, outputs."""
    if ra[0] != rb[0]:
        return f"exit status {ra[0]} vs {rb[0]}"
    if ra[1] != rb[1]:
        return "error text"
    said = []
    for name in sorted(set(ra[2]) | set(rb[2])):
        x, y = ra[2].get(name), rb[2].get(name)
        if x == y:
            continue
        if name == "stats.json" and x and y:
            fa, fb = flatten(json.loads(x)), flatten(json.loads(y))
            keys = sorted(k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k))
            said.append("stats " + ", ".join(f"{k} {fa.get(k)} -> {fb.get(k)}" for k in keys))
        else:
            said.append(f"output {name}")
    return "; ".join(said)


def run_pairs(build, models_dir, names, run_a, run_b):
    """Runs binary name as run_a(name) and run_b(name) give it: (path,
    extra d1-run arguments), on the same seeded inputs, and compares."""
    import tempfile
    d1run = os.path.join(build, "bin", "d1-run")
    tmp = tempfile.mkdtemp(prefix="compare-run-")

    def check(n):
        model = n.split(".")[0]
        work = os.path.join(tmp, n)
        os.makedirs(work)
        inputs = make_inputs(os.path.join(models_dir, model, "model.onnx"), work,
                             int(hashlib.sha256(model.encode()).hexdigest()[:8], 16))
        (pa, xa), (pb, xb) = run_a(n), run_b(n)
        ra = run_one(d1run, pa, inputs + xa, os.path.join(work, "a"))
        rb = run_one(d1run, pb, inputs + xb, os.path.join(work, "b"))
        return n, ra, rb

    alike = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for n, ra, rb in pool.map(check, names):
            if ra == rb:
                alike += 1
                continue
            print(f"runs differently: {n} ({difference(ra, rb)})", flush=True)
    shutil.rmtree(tmp)
    print(f"{alike} run alike, {len(names) - alike} run differently")
    return alike == len(names)


def run(build, models_dir, a, b):
    pairs = [n for n in sorted(set(os.listdir(a)) & set(os.listdir(b)))
             if n.endswith(".d1x")
             and not filecmp.cmp(os.path.join(a, n), os.path.join(b, n), shallow=False)]
    print(f"{len(pairs)} binaries differ: running each pair", flush=True)
    return run_pairs(build, models_dir, pairs, lambda n: (os.path.join(a, n), []),
                     lambda n: (os.path.join(b, n), []))


def flows(build, models_dir, out, pattern=""):
    """Each binary of OUT (matching PATTERN) run as it is and with
    --network-flows: a lone core's DMAs timed as they issue and by the
    network's flow model must give the same stats and outputs."""
    import re
    names = [n for n in sorted(os.listdir(out)) if n.endswith(".d1x") and re.search(pattern, n)]
    print(f"{len(names)} binaries: each run with and without --network-flows", flush=True)
    return run_pairs(build, models_dir, names, lambda n: (os.path.join(out, n), []),
                     lambda n: (os.path.join(out, n), ["--network-flows"]))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("models", "compile", "diff", "run", "flows"):
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "models" and len(args) == 2:
        models(*args)
    elif cmd == "compile" and len(args) == 3:
        compile_all(*args)
    elif cmd == "diff" and len(args) == 2:
        sys.exit(0 if diff(*args) else 1)
    elif cmd == "run" and len(args) == 4:
        sys.exit(0 if run(*args) else 1)
    elif cmd == "flows" and len(args) in (3, 4):
        sys.exit(0 if flows(*args) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
