"""Used by ../convert.s: prints FileCheck lines with the exact bits that
vcvtsr.bf16.f32 must produce, from a reimplementation of the documented
generator (docs/isa.md section 6, Numerics.h): the initial state of core 0 is
splitmix64(rng_seed ^ 0 * 0x9e3779b97f4a7c15) with rng_seed = 1; `rngseed x`
sets it to splitmix64(x); a draw is xorshift64*; one draw per 4 lanes, lane L
adds bits 16*(L%4)..16*(L%4)+15 of its draw below bit 16 and truncates; NaN
becomes a quiet NaN and infinities stay. The input vectors are read from the
`.word`/`.float` lines under the labels sa, sb, ex_a and ex_b of the test."""
import re
import struct
import sys

M64 = (1 << 64) - 1

def splitmix64(x):
    x = (x + 0x9e3779b97f4a7c15) & M64
    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & M64
    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & M64
    return x ^ (x >> 31)

class Gen:
    def __init__(self, state):
        self.s = state
    def draw(self):
        s = self.s
        s ^= s >> 12
        s ^= (s << 25) & M64
        s ^= s >> 27
        self.s = s
        return (s * 0x2545f4914f6cdd1d) & M64

def sr(u, r16):
    if (u & 0x7fffffff) > 0x7f800000:
        return ((u >> 16) | 0x40) & 0xffff
    if (u & 0x7fffffff) == 0x7f800000:
        return u >> 16
    return ((u + r16) & 0xffffffff) >> 16

def vcvtsr(gen, a, b):
    out = []
    for lane in range(32):
        if lane % 4 == 0:
            d = gen.draw()
        u = a[lane] if lane < 16 else b[lane - 16]
        out.append(sr(u, (d >> (16 * (lane % 4))) & 0xffff))
    return out

# The test's data, as 32-bit patterns.
data, label = {}, None
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0]
    m = re.match(r"^(\w+):\s*(.*)$", line)
    if m:
        label, line = m.group(1), m.group(2)
    m = re.match(r"^\s*\.(word|float)\s+(.*)$", line)
    if m and label:
        for v in m.group(2).split(","):
            v = v.strip()
            if m.group(1) == "word":
                bits = int(v, 0) & 0xffffffff
            else:
                bits = struct.unpack("<I", struct.pack("<f", float(v)))[0]
            data.setdefault(label, []).append(bits)
    elif line.strip():
        label = None
sa, sb, ex_a, ex_b = (data[k] for k in ("sa", "sb", "ex_a", "ex_b"))
assert all(len(v) == 16 for v in (sa, sb, ex_a, ex_b))

def fmt(v):
    return " ".join(str(x) for x in v)

default = Gen(splitmix64(1 ^ (0 * 0x9e3779b97f4a7c15)))
print("CHECK:      output 8 'srdef' u16[32]: %s{{$}}" % fmt(vcvtsr(default, sa, sb)))
g = Gen(splitmix64(42))
print("CHECK-NEXT: output 9 'sr1' u16[32]: %s{{$}}" % fmt(vcvtsr(g, sa, sb)))
print("CHECK-NEXT: output 10 'sr2' u16[32]: %s{{$}}" % fmt(vcvtsr(g, sa, sb)))
g = Gen(splitmix64(42))
print("CHECK-NEXT: output 11 'sr3' u16[32]: %s{{$}}" % fmt(vcvtsr(g, sa, sb)))
ex = vcvtsr(Gen(splitmix64(7)), ex_a, ex_b)
# Values exact in bf16 stay exact (the signalling NaN is quieted).
want = [sr(u, 0) for u in ex_a + ex_b]
assert ex == want, (ex, want)
print("CHECK-NEXT: output 12 'srex' u16[32]: %s{{$}}" % fmt(ex))
