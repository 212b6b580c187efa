#!/usr/bin/python3
"""Emulator speed on one host core, cycle model on (figures for docs/benchmarks.md).

  bench/emulator_speed.py [BUILD_DIR]   (default: build)

Runs each benchmark program 3 times with --threads 1 and keeps the fastest
run's host time, as reported by d1-run for the emulation alone: with
memoised block timing (the default) and with --no-timing-memo (the timing
model computed for every instruction).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build")
BIN = os.path.join(BUILD, "bin")


def run(name, *flags):
    with tempfile.TemporaryDirectory() as d:
        exe = os.path.join(d, name + ".d1x")
        subprocess.run([os.path.join(BIN, "d1-as"), os.path.join(HERE, name + ".s"), "-o", exe], check=True)
        best = None
        for _ in range(3):
            stats = os.path.join(d, "stats.json")
            p = subprocess.run([os.path.join(BIN, "d1-run"), exe, "--threads", "1", "--stats-json", stats,
                                *flags],
                               capture_output=True, text=True, check=True)
            secs = float(re.search(r"host: ([0-9.]+) s", p.stderr).group(1))
            best = secs if best is None else min(best, secs)
        with open(stats) as f:
            return json.load(f), best


def main():
    for label, flags in (("memoised timing", ()), ("--no-timing-memo", ("--no-timing-memo",))):
        print(label + ":")
        s, t = run("scalar_loop", *flags)
        print(f"  scalar loop: {s['instructions'] / 1e6:.1f} M instructions, {s['cycles'] / 1e6:.1f} M "
              f"cycles in {t:.3f} s: {s['instructions'] / t / 1e6:.1f} M instructions/s per host core "
              f"(target >= 100)")
        m, t = run("mma_loop", *flags)
        print(f"  mma kernel:  {m['macs'] / 1e9:.3f} G bf16 MACs, {m['instructions'] / 1e6:.1f} M "
              f"instructions in {t:.3f} s: {m['macs'] / t / 1e9:.2f} G MACs/s per host core (target >= 4)")


if __name__ == "__main__":
    main()
