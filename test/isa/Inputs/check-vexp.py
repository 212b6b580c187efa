"""Used by ../vector.s: checks the `exp` output of d1-run --print against
numpy's exp. Documented behaviour (ISA.td, Numerics.h expF32): at most 2 ulp
from e^x; x >= 88.72284f gives +inf; x <= -87.33654f gives +0; NaN stays NaN;
e^0 is exactly 1."""
import sys
import numpy as np

# The lanes of `eX` in vector.s, as fp32 bit patterns.
X_BITS = [0x00000000, 0x3f800000, 0xbf800000, 0x3f000000,   # 0, 1, -1, 0.5
          0xbf000000, 0x41200000, 0xc1200000, 0x41a40000,   # -0.5, 10, -10, 20.5
          0xc1a40000, 0x42b00000, 0xc2ae0000, 0x42b17218,   # -20.5, 88, -87, 88.72284
          0xc2aeac4f, 0xc2c80000, 0x7fc00000, 0x358637bd]   # -87.33654, -100, nan, 1e-6

x = np.array(X_BITS, dtype=np.uint32).view(np.float32)
line = next((l for l in sys.stdin if l.startswith("output ") and " 'exp' " in l), None)
if line is None:
    sys.exit("no 'exp' output")
got = np.array([float(t) for t in line.split(":", 1)[1].split()], dtype=np.float32)
if got.size != 16:
    sys.exit("expected 16 lanes, got %d" % got.size)

def ordinal(f):
    """fp32 as a monotonic integer, so that ulp distance is a difference."""
    i = int(np.array([f], dtype=np.float32).view(np.int32)[0])
    return i if i >= 0 else -(i & 0x7fffffff)

errors = []
for i, (xi, g) in enumerate(zip(x, got)):
    if np.isnan(xi):
        ok, want = np.isnan(g), "nan"
    elif xi >= np.float32(88.72284):
        ok, want = np.isposinf(g), "inf"
    elif xi <= np.float32(-87.33654):
        ok, want = g == 0 and not np.signbit(g), "+0"
    elif xi == 0:
        ok, want = g == 1, "1 exactly"
    else:
        ref = np.float32(np.exp(np.float64(xi)))
        ok = np.isfinite(g) and abs(ordinal(g) - ordinal(ref)) <= 2
        want = "%.9g (within 2 ulp)" % ref
    if not ok:
        errors.append("lane %d: exp(%.9g) = %.9g, expected %s" % (i, xi, g, want))
if errors:
    sys.exit("\n".join(errors))
print("vexp ok: %d lanes" % got.size)
