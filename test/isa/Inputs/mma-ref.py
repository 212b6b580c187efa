"""Used by ../matrix.s: reads the tiles from the test's own data (the `.bf16`
and `.float` lines under each label) and prints FileCheck lines with the
expected outputs. Exact tiles are checked against numpy matmul; the rounding
tile against a float32 simulation of the documented order (acc, then + the
exact products for k = 0..3, rounding to fp32 after each add)."""
import re
import sys
import numpy as np

np.seterr(all="ignore")
src = open(sys.argv[1]).read().split("\n")
data, label = {}, None
for line in src:
    line = line.split("#", 1)[0]
    m = re.match(r"^(\w+):\s*(.*)$", line)
    if m:
        label, line = m.group(1), m.group(2)
    m = re.match(r"^\s*\.(bf16|float)\s+(.*)$", line)
    if m and label:
        data.setdefault(label, []).extend(float(v) for v in m.group(2).split(","))
    elif line.strip() and not m:
        label = None if not line.strip().startswith(".") else label

def tile(name, rows, cols, bf16=True):
    v = np.array(data[name], dtype=np.float64)
    assert v.size == rows * cols, (name, v.size)
    f = v.astype(np.float32)
    if bf16:  # every value must be exactly a bf16
        assert all((int(u) & 0xffff) == 0 for u in f.view(np.uint32)), name
    assert np.all(f.astype(np.float64) == v), name
    return f.reshape(rows, cols)

def mma_sim(acc, a, b):
    acc = acc.copy()
    for i in range(8):
        for j in range(8):
            s = acc[i, j]
            for k in range(4):
                s = np.float32(s + np.float32(np.float64(a[i, k]) * np.float64(b[k, j])))
            acc[i, j] = s
    return acc

def fmt(m):
    out = []
    for v in np.asarray(m, dtype=np.float32).ravel():
        out.append("%.9g" % float(v))
    return " ".join(out)

A1, B1 = tile("A1", 8, 4), tile("B1", 4, 8)
A2, B2 = tile("A2", 8, 4), tile("B2", 4, 8)
Ar, Br = tile("Ar", 8, 4), tile("Br", 4, 8)
C0 = tile("C0", 8, 12, bf16=False)[:, :8]  # 48-byte rows: 8 values, 4 padding

# Exact cases: numpy matmul in float64 is the reference, and the fp32
# sequential simulation must agree with it (the values make every sum exact).
acc0 = A1.astype(np.float64) @ B1 + A2.astype(np.float64) @ B2
assert np.array_equal(mma_sim(mma_sim(np.zeros((8, 8), np.float32), A1, B1), A2, B2), acc0)
acc2 = C0.astype(np.float64) + A1.astype(np.float64) @ B1
assert np.array_equal(mma_sim(C0, A1, B1), acc2)
Aa, Bb = tile("Aa", 8, 4), tile("Bb", 4, 8)
rnd1 = mma_sim(np.zeros((8, 8), np.float32), Ar, Br)
assert not np.array_equal(rnd1.astype(np.float64), Ar.astype(np.float64) @ Br), "rounding tile is exact"
rnd = mma_sim(rnd1, Aa, Bb)
assert rnd[0, 0] == 2**24  # the accumulator joins the first add

strided = np.full((16, 8), -1.0)
strided[0::2] = acc0
print("CHECK:      output 0 'acc0' f32[8x8]: %s{{$}}" % fmt(acc0))
print("CHECK-NEXT: output 1 'strided' f32[16x8]: %s{{$}}" % fmt(strided))
print("CHECK-NEXT: output 2 'zeroed' f32[8x8]: %s{{$}}" % fmt(np.zeros((8, 8))))
print("CHECK-NEXT: output 3 'loaded' f32[8x8]: %s{{$}}" % fmt(acc2))
print("CHECK-NEXT: output 4 'rounding' f32[8x8]: %s{{$}}" % fmt(rnd))
