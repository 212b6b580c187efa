#!/usr/bin/python3
"""Fusion, SRAM residency and memory planning, each measured against its switch.

  bench/fusion.py [BUILD_DIR]

Models: ResNet-18 and MobileNetV2 at 1x3x224x224, each as PyTorch's exporter
writes it (batch norms folded into the convolutions) and, "-bn", with its
BatchNormalization nodes as the ONNX model zoo ships them; and the
transformer encoder layer. Each is compiled five ways: everything on (-O2),
--disable-fusion, --disable-sram-residency, both off, and
--disable-depth-first (fusion without depth-first chains). Every binary runs
on the emulator (one core); the fused and unfused outputs agree with each
other (bit-identical, or within tolerance where batch norms are folded into
the filters) and with PyTorch, and residency never changes a bit.

Table 1: DRAM traffic (bytes read + written, d1-run --stats-json) of each
build and the ratios: fusion with residency on (fused / --disable-fusion),
fusion with residency off (both builds --disable-sram-residency),
residency (with / without, fusion on), and depth-first chains (with /
without, all else on).
Table 2: modeled cycles of the same builds.
Table 3: cycles when the core gets one chip's share of DRAM bandwidth
(dram_bytes_per_cycle = 1, about 400 B/cycle over 354 cores), fused vs
unfused: what fusion buys where the program is memory-bound.
Table 4: d1c --memory-report: the SRAM plan against its liveness bound (and
the worst kernel), DRAM activations with and without reuse, activations kept
resident in SRAM and spilled.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "e2e"))
import torch_e2e  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build")
MODELS = ["resnet18", "resnet18-bn", "mobilenetv2", "mobilenetv2-bn", "encoder"]
BUILDS = {"on": [], "nofuse": ["--disable-fusion"], "nores": ["--disable-sram-residency"],
          "neither": ["--disable-fusion", "--disable-sram-residency"],
          "nodf": ["--disable-depth-first"]}


def run(bin_dir, d, exe, out):
    inputs = sorted(f for f in os.listdir(d) if re.fullmatch(r"in\d+\.npy", f))
    args = []
    for f in inputs:
        args += ["--input", f"{f[:-4]}={os.path.join(d, f)}"]
    js = os.path.join(d, out + ".json")
    subprocess.run([os.path.join(bin_dir, "d1-run"), exe, *args, "--output-dir", os.path.join(d, out),
                    "--output-format", "npy", "--stats-json", js, "--quiet"], check=True)
    s = json.load(open(js))
    outs = sorted(os.listdir(os.path.join(d, out)))
    return {"cycles": s["cycles"], "traffic": s["dram_read_bytes"] + s["dram_write_bytes"],
            "outputs": [np.load(os.path.join(d, out, o)) for o in outs]}


def compile_(bin_dir, d, name, tag, flags, extra=()):
    exe = os.path.join(d, f"{name}-{tag}.d1x")
    subprocess.run([os.path.join(bin_dir, "d1c"), os.path.join(d, name + ".onnx"), "-q", "-o", exe,
                    *flags, *extra], check=True)
    return exe


def same(a, b):
    return all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a["outputs"], b["outputs"]))


def main():
    bin_dir = os.path.join(BUILD, "bin")
    rows, shared, reports = {}, {}, {}
    with tempfile.TemporaryDirectory() as w:
        share = os.path.join(w, "chip-share.txt")
        with open(share, "w") as f:
            f.write("dram_bytes_per_cycle = 1\n")
        for name in MODELS:
            ok = torch_e2e.check(bin_dir, w, name, quiet=True, compare_unfused=True)
            d = os.path.join(w, name)
            r = {tag: run(bin_dir, d, compile_(bin_dir, d, name, tag, flags), tag)
                 for tag, flags in BUILDS.items()}
            # Residency moves bytes, never changes them.
            ok &= same(r["on"], r["nores"]) and same(r["nofuse"], r["neither"])
            # Depth-first chains compute the same windows in the same order.
            ok &= same(r["on"], r["nodf"])
            rows[name] = (r, ok)
            shared[name] = {tag: run(bin_dir, d, compile_(bin_dir, d, name, tag + "-share", BUILDS[tag],
                                                          ["--target", share]), tag + "-share")
                            for tag in ("on", "nofuse")}
            reports[name] = subprocess.run(
                [os.path.join(bin_dir, "d1c"), os.path.join(d, name + ".onnx"), "-q", "-o",
                 os.path.join(w, "m.d1x"), "--memory-report"],
                capture_output=True, text=True, check=True).stdout

    def table(key, title):
        print(title)
        print(f"{'model':<15} {'all on':>12} {'no fusion':>12} {'no resid.':>12} {'neither':>12} "
              f"{'no d.-f.':>12} {'fusion':>7} {'fusion*':>7} {'resid.':>7} {'d.-f.':>7}")
        for name, (r, ok) in rows.items():
            v = {t: r[t][key] for t in BUILDS}
            print(f"{name:<15} {v['on']:>12} {v['nofuse']:>12} {v['nores']:>12} {v['neither']:>12} "
                  f"{v['nodf']:>12} {v['on'] / v['nofuse']:>7.3f} {v['nores'] / v['neither']:>7.3f} "
                  f"{v['on'] / v['nores']:>7.3f} {v['on'] / v['nodf']:>7.3f}  "
                  f"{'outputs agree' if ok else 'OUTPUTS DIFFER'}")
        print("(fusion = all on / no fusion; fusion* = the same with residency off in both; "
              "resid. = all on / no residency; d.-f. = all on / no depth-first)\n")

    table("traffic", "DRAM traffic, bytes")
    table("cycles", "Modeled cycles")
    print("Cycles with one chip's share of DRAM bandwidth (dram_bytes_per_cycle = 1)")
    print(f"{'model':<15} {'fused':>12} {'unfused':>12} {'ratio':>7}")
    for name, s in shared.items():
        print(f"{name:<15} {s['on']['cycles']:>12} {s['nofuse']['cycles']:>12} "
              f"{s['on']['cycles'] / s['nofuse']['cycles']:>7.3f}")
    print()
    print(f"{'model':<15} {'SRAM peak':>10} {'bound':>10} {'worst kernel':>12} {'DRAM act.':>10} "
          f"{'no reuse':>10} {'resident':>10} {'spilled':>8}")
    for name, rep in reports.items():
        peak, bound = map(int, re.search(r"peak (\d+) bytes, bound (\d+) bytes", rep).groups())
        worst = float(re.search(r"worst kernel ([\d.]+)x", rep).group(1))
        act, act0 = map(int, re.search(r"activations (\d+) bytes \((\d+) without", rep).groups())
        res, spilled = map(int, re.search(r"resident: (\d+) bytes.*?, (\d+) spilled", rep).groups())
        print(f"{name:<15} {peak:>10} {bound:>10} {worst:>11.3f}x {act:>10} {act0:>10} {res:>10} "
              f"{spilled:>8}")


if __name__ == "__main__":
    main()
