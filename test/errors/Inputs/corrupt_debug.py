"""corrupt_debug.py IN OUT: copies a .d1x, making core 0's debug information
unparsable (its first byte becomes the tag of field 1 with the invalid wire
type 7) while the header around it stays sound."""
import struct
import sys


def varint(b, i):
    v = s = 0
    while True:
        v |= (b[i] & 0x7F) << s
        s += 7
        i += 1
        if not b[i - 1] & 0x80:
            return v, i


def fields(b, start, end):
    """(field number, wire type, payload start, payload end) of each field."""
    i = start
    while i < end:
        key, i = varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            _, j = varint(b, i)
        elif wt == 1:
            j = i + 8
        elif wt == 5:
            j = i + 4
        elif wt == 2:
            n, i = varint(b, i)
            j = i + n
        else:
            raise SystemExit("unexpected wire type")
        yield num, wt, i, j
        i = j


d = bytearray(open(sys.argv[1], "rb").read())
off, size = struct.unpack_from("<QQ", d, 16)
core = next((s, e) for n, _, s, e in fields(d, off, off + size) if n == 4)  # Header.cores
debug = next((s, e) for n, _, s, e in fields(d, *core) if n == 4)  # Core.debug
assert debug[1] > debug[0], "core 0 has no debug information"
d[debug[0]] = 0x0F
open(sys.argv[2], "wb").write(d)
