"""Flip each byte of a .d1x in turn (sampled) and run d1-run and d1-objdump on
the result: each must exit 0 or 1 with at most one 'error:' line, never
crash or hang, and never modify its input."""
import os
import shutil
import subprocess
import sys

path = sys.argv[1]
shutil.copy(path, path + ".orig")
data = open(path, "rb").read()
step = max(1, len(data) // 400)
bad = 0
for i in list(range(0, min(len(data), 256))) + list(range(256, len(data), step)):
    d = bytearray(data)
    d[i] ^= 0xA5
    name = "fuzz.d1x"
    open(name, "wb").write(d)
    for cmd in (["d1-run", name, "--quiet", "--max-cycles", "100000"], ["d1-objdump", name]):
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=20)
        except subprocess.TimeoutExpired:
            print(f"byte {i}: {cmd[0]} hung"); bad += 1; continue
        errs = [l for l in p.stderr.decode(errors="replace").splitlines() if "error:" in l]
        if p.returncode not in (0, 1) or len(errs) > 1 or (p.returncode == 1 and not errs):
            print(f"byte {i}: {cmd[0]} exit {p.returncode}: {p.stderr[-300:]!r}"); bad += 1
    if open(name, "rb").read() != bytes(d):
        print(f"byte {i}: input modified"); bad += 1
print(f"{bad} bad runs")
sys.exit(1 if bad else 0)
