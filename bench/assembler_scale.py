#!/usr/bin/python3
"""d1-as time and peak memory against source size (docs/benchmarks.md).

  bench/assembler_scale.py [BUILD_DIR]

Writes sources of 5, 15 and 50 MB of `.byte` directives (a model's weights
written as data) plus one instruction, assembles each once, and prints
seconds, peak resident memory and its ratio to the source size, so linear
growth shows as flat MB/s and memory ratio columns.
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "build")
D1AS = os.path.join(BUILD, "bin", "d1-as")


def main():
    line = ".byte " + ", ".join(str(i % 256) for i in range(32)) + "\n"
    with tempfile.TemporaryDirectory() as d:
        print(f"{'source MB':>10} {'seconds':>8} {'MB/s':>6} {'peak RSS MB':>12} {'RSS/source':>10}")
        for mb in [5, 15, 50]:
            src = os.path.join(d, f"data{mb}.s")
            with open(src, "w") as f:
                f.write(".dram\n")
                f.write(line * (mb * 1024 * 1024 // len(line)))
                f.write(".core 0\n.text\nhalt\n")
            size = os.path.getsize(src) / 2**20
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t = time.perf_counter()
            subprocess.run([D1AS, src, "-o", os.path.join(d, "out.d1x")], check=True)
            secs = time.perf_counter() - t
            # ru_maxrss of children is the largest child so far (KiB): sizes grow.
            rss = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
            print(f"{size:>10.1f} {secs:>8.2f} {size / secs:>6.1f} {rss:>12.0f} {rss / size:>10.2f}")


if __name__ == "__main__":
    main()
