#!/usr/bin/python3
"""Writes the seed corpora and dictionaries of the fuzz targets.

    make_corpus.py BUILD OUT [--full]

OUT/<target>/ gets the seeds of each target, OUT/<name>.dict the libFuzzer
dictionaries. Nothing here is committed: the seeds come from the tree and
from Debian's ONNX test data at fuzz time.

  import, import-bytes  the importer tests' models (test/Import/Inputs/
                        make_models.py, test/d1c/Inputs/models.py), the
                        example model and ONNX's backend test models
                        (/usr/share/libonnx-testdata), each at most 64 KiB
  asm                   every .s under test/ and examples/, and the
                        disassembly (d1-objdump) of the compiled seeds below
  d1x                   those .s files assembled with d1-as, and a few small
                        models compiled with d1c
  tensor                the test data's input_*.pb and output_*.pb, the
                        example's, and .npy files of every dtype numpy writes

Without --full the ONNX test data contributes one model per operator set
(the smallest) and tensors one per dtype and rank, so that a short run (CI)
spends its time fuzzing rather than replaying seeds.
"""
import argparse
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = '/usr/share/libonnx-testdata/data'
SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple', 'real']
MAX_MODEL = 64 << 10
MAX_ASM = 64 << 10
MAX_D1X = 1 << 20
MAX_TENSOR = 1 << 20
# Models the d1x seeds are compiled from (small, quick under ASan).
COMPILED = ['node/test_add', 'node/test_relu', 'node/test_matmul_2d', 'node/test_softmax_axis_1',
            'node/test_conv_with_strides_padding', 'node/test_maxpool_2d_default',
            'node/test_gemm_default_no_bias', 'node/test_transpose_default',
            'node/test_reduce_sum_default_axes_keepdims_example', 'node/test_gather_0',
            'node/test_tanh', 'node/test_batchnorm_example', 'node/test_averagepool_2d_pads',
            'node/test_concat_2d_axis_0', 'node/test_where_example', 'node/test_cast_FLOAT_to_INT32']


def put(out, target, data, name):
    """Stores a seed under its content hash (duplicates collapse)."""
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha1(data).hexdigest()[:16]
    stem = re.sub(r'[^A-Za-z0-9_.-]', '_', name)[-60:]
    with open(os.path.join(d, f'{stem}-{h}'), 'wb') as f:
        f.write(data)


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def op_key(data):
    """The sorted operator types and opset of a model: one seed per key."""
    try:
        m = onnx.ModelProto()
        m.ParseFromString(data)
    except Exception:
        return None
    ops = sorted({n.op_type for n in m.graph.node})
    opset = max((o.version for o in m.opset_import if o.domain in ('', 'ai.onnx')), default=0)
    return (tuple(ops), opset)


def model_seeds(out, full, scratch):
    models = []  # (name, bytes)
    gen = os.path.join(scratch, 'import-models')
    groups = ['mlp', 'conv', 'elementwise', 'shape_folding', 'fold_where', 'data', 'norm',
              'errors', 'errors_verifier', 'pow_int', 'pool_ceil', 'external']
    subprocess.run([sys.executable, os.path.join(ROOT, 'test/Import/Inputs/make_models.py'), gen]
                   + groups, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, os.path.join(ROOT, 'test/d1c/Inputs/models.py'),
                    os.path.join(scratch, 'd1c-models')], check=True, stdout=subprocess.DEVNULL)
    for p in sorted(glob.glob(os.path.join(scratch, '*-models', '**', '*.onnx'), recursive=True)):
        models.append((os.path.basename(p), read(p)))
    for p in sorted(glob.glob(os.path.join(ROOT, 'examples', '*', 'model.onnx'))):
        models.append((os.path.basename(os.path.dirname(p)), read(p)))
    tree = [(n, d) for n, d in models if len(d) <= MAX_MODEL]
    data = []
    for suite in SUITES:
        for p in sorted(glob.glob(os.path.join(DATA, suite, '*', 'model.onnx'))):
            d = read(p)
            if len(d) <= MAX_MODEL:
                data.append((suite + '_' + os.path.basename(os.path.dirname(p)), d))
    if not full:
        best = {}
        for n, d in data:
            k = op_key(d)
            if k is not None and (k not in best or len(d) < len(best[k][1])):
                best[k] = (n, d)
        data = sorted(best.values())
    for n, d in tree + data:
        put(out, 'import', d, n)
        put(out, 'import-bytes', d, n)


def asm_seeds(build, out, scratch):
    sources = sorted(glob.glob(os.path.join(ROOT, 'test', '**', '*.s'), recursive=True)
                     + glob.glob(os.path.join(ROOT, 'examples', '*.s')))
    bins = os.path.join(scratch, 'd1x')
    os.makedirs(bins, exist_ok=True)
    tool = lambda t: os.path.join(build, 'bin', t)
    for s in sources:
        d = read(s)
        name = os.path.relpath(s, ROOT).replace('/', '_')
        if len(d) <= MAX_ASM:
            put(out, 'asm', d, name)
        b = os.path.join(bins, name[:-2] + '.d1x')
        if subprocess.run([tool('d1-as'), s, '-o', b], capture_output=True).returncode == 0:
            put(out, 'd1x', read(b), name[:-2] + '.d1x')
    for rel in COMPILED:
        m = os.path.join(DATA, rel, 'model.onnx')
        if not os.path.exists(m):
            continue
        b = os.path.join(bins, os.path.basename(rel) + '.d1x')
        r = subprocess.run([tool('d1c'), m, '-o', b, '-q'], capture_output=True)
        if r.returncode != 0 or os.path.getsize(b) > MAX_D1X:
            continue
        put(out, 'd1x', read(b), os.path.basename(rel) + '.d1x')
        r = subprocess.run([tool('d1-objdump'), b], capture_output=True)
        if r.returncode == 0 and len(r.stdout) <= MAX_ASM:
            put(out, 'asm', r.stdout, os.path.basename(rel) + '.s')


def tensor_seeds(out, full, scratch):
    paths = sorted(glob.glob(os.path.join(ROOT, 'examples', '*', 'test_data_set_*', '*.pb')))
    data = sorted(glob.glob(os.path.join(DATA, '*', '*', 'test_data_set_*', '*.pb')))
    seen = set()
    for p in paths + data:
        d = read(p)
        if len(d) > MAX_TENSOR:
            continue
        if not full and p in data:
            t = onnx.TensorProto()
            try:
                t.ParseFromString(d)
            except Exception:
                continue
            key = (t.data_type, len(t.dims), t.HasField('raw_data'))
            if key in seen:
                continue
            seen.add(key)
        put(out, 'tensor', d, os.path.basename(os.path.dirname(os.path.dirname(p))) + '_'
            + os.path.basename(p))
    npy = os.path.join(scratch, 'npy')
    os.makedirs(npy, exist_ok=True)
    rng = np.random.default_rng(0)
    arrays = {
        'f4': rng.standard_normal((2, 3)).astype(np.float32),
        'f8': rng.standard_normal((4,)).astype(np.float64),
        'f2': rng.standard_normal((2, 2)).astype(np.float16),
        'i1': np.arange(-4, 4, dtype=np.int8), 'i2': np.arange(6, dtype=np.int16).reshape(2, 3),
        'i4': np.arange(6, dtype=np.int32).reshape(3, 2), 'i8': np.array([1, -2], dtype=np.int64),
        'u1': np.arange(5, dtype=np.uint8), 'u2': np.arange(3, dtype=np.uint16),
        'u4': np.arange(2, dtype=np.uint32), 'u8': np.arange(2, dtype=np.uint64),
        'b1': np.array([True, False, True]), 'scalar': np.array(1.5, dtype=np.float32),
        'empty': np.zeros((0, 3), dtype=np.float32),
        'rank5': np.ones((1, 2, 1, 2, 1), dtype=np.float32),
        'bigendian': np.arange(3, dtype='>f4'),
        'fortran': np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)),
    }
    for name, a in arrays.items():
        p = os.path.join(npy, name + '.npy')
        np.save(p, a)
        put(out, 'tensor', read(p), name + '.npy')
    # A version 2 header (4-byte header length).
    with open(os.path.join(npy, 'v2.npy'), 'wb') as f:
        np.lib.format.write_array(f, arrays['f4'], version=(2, 0))
    put(out, 'tensor', read(os.path.join(npy, 'v2.npy')), 'v2.npy')


def dictionaries(out):
    isa = open(os.path.join(ROOT, 'docs', 'isa.md')).read()
    mnemonics = sorted(set(re.findall(r'^\| 0x[0-9a-f]+ \| `([a-z0-9.]+)', isa, re.M)))
    params = sorted(set(re.findall(r'^\| `([a-z_]+)` \| -?\d+ \|', isa, re.M)))
    directives = ['.core', '.text', '.data', '.dram', '.org', '.align', '.space', '.byte',
                  '.half', '.word', '.dword', '.float', '.bf16', '.zero', '.segment',
                  '.machine', '.dram_size', '.input', '.output', '.sym', '.loc', '.producer',
                  '.nodebug', '%f32(', '%bf16(', '%hi(', '%lo(', 'dram', 'sram', 'code',
                  'f32', 'bf16', 'i32', 'i64', 'u8', 'bool', '.L', 'x0', 'x31', 'v0', 'v31',
                  'acc0', 'acc3', 's0', 's31', '0x7fffffffffffffff', '-9223372036854775808']
    with open(os.path.join(out, 'asm.dict'), 'w') as f:
        for w in mnemonics + params + directives:
            f.write('"%s"\n' % w.replace('\\', '\\\\').replace('"', '\\"'))
    with open(os.path.join(out, 'tensor.dict'), 'w') as f:
        for w in ["\\x93NUMPY", "\\x01\\x00", "\\x02\\x00", "\\x03\\x00", "'descr'",
                  "'fortran_order'", "'shape'", "False", "True", "'<f4'", "'<f8'", "'<f2'",
                  "'|i1'", "'<i8'", "'|b1'", "'<u2'", "'>f4'", "'<c8'", "'|O'", "(1,)", "()",
                  "(0, 3)", "(4294967296, 4294967296)", "(-1,)"]:
            f.write('"%s"\n' % w.replace('"', '\\"'))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build')
    ap.add_argument('out')
    ap.add_argument('--full', action='store_true', help='every ONNX test model and tensor')
    a = ap.parse_args()
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    with tempfile.TemporaryDirectory() as scratch:
        model_seeds(a.out, a.full, scratch)
        asm_seeds(a.build, a.out, scratch)
        tensor_seeds(a.out, a.full, scratch)
    dictionaries(a.out)
    for t in sorted(os.listdir(a.out)):
        p = os.path.join(a.out, t)
        if os.path.isdir(p):
            n = len(os.listdir(p))
            size = sum(os.path.getsize(os.path.join(p, f)) for f in os.listdir(p))
            print(f'{t}: {n} seeds, {size // 1024} KiB')


if __name__ == '__main__':
    main()
