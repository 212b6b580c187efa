#!/usr/bin/python3
"""d1c --precision=bf16 against fp32: accuracy, modeled cycles, emulator time.

  bench/bf16.py [BUILD_DIR] [--inputs N]

For ResNet-18 and MobileNetV2 (torchvision, random weights, 1x3x224x224):
compile with d1c in fp32 (vector unit) and bf16 (convolutions on the matrix
unit), then on N random inputs (default 8) compare the bf16 binary's
outputs with PyTorch's fp32 outputs:
  - max relative error: the largest |bf16 - fp32| over the largest |fp32|;
  - top-1 agreement: the share of inputs whose arg-max class is the same.
Then the modeled cycles of both builds, and the convolution layers'
utilization: their multiply-accumulates (the model's, from the ONNX graph;
lanes and padding a unit wastes are not counted) over their cycles times
the unit's peak, 16 MAC/cycle for the fp32 vector unit, 256 for the matrix
unit in bf16. Last, one inference's wall time: d1-run of the bf16
binary against PyTorch's forward pass on the CPU of this machine (after
warm-up), interleaved in rounds (see wall_times). The emulator's figure is
the emulation of the loaded program (d1-run's `host:` line), as PyTorch's
is the forward pass of the loaded model; the whole d1-run process (loading
the binary and the input, writing nothing) is printed beside it.
Figures in docs/benchmarks.md.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "e2e"))
sys.path.insert(0, HERE)
import torch_e2e  # noqa: E402
from models import model_macs  # noqa: E402

args = [a for a in sys.argv[1:] if not a.startswith("--")]
BUILD = args[0] if args else os.path.join(HERE, "..", "build")
N_INPUTS = int(sys.argv[sys.argv.index("--inputs") + 1]) if "--inputs" in sys.argv else 8


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True)




def model_macs_from(m, nodes):
    import onnx.shape_inference
    inferred = onnx.shape_inference.infer_shapes(m)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + \
            list(inferred.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    macs = 0
    for n in nodes:
        out, w = shapes[n.output[0]], shapes[n.input[1]]
        macs += int(np.prod(out)) * int(np.prod(w[1:]))
    return macs


ROUNDS, TORCH_PER_ROUND = 9, 5


def wall_times(bin_dir, exe, x_path, model):
    """One inference of the bf16 binary on the emulator against PyTorch's
    forward pass, interleaved so that a slow spell of the machine hits both:
    each round runs d1-run once and PyTorch TORCH_PER_ROUND times (their
    median). Returns the medians over rounds of the emulation (d1-run's
    `host:` line: the loaded program, as PyTorch's model is loaded), of the
    whole d1-run process, of PyTorch, and of the per-round ratios. With one
    PyTorch thread, both run on one CPU (d1-run inherits this process's
    affinity): the CPUs of a virtual machine can differ in speed for minutes
    at a time (one at half the other's speed was seen), and the ratio must
    compare like with like."""
    cpus = os.sched_getaffinity(0)
    if torch.get_num_threads() == 1:
        os.sched_setaffinity(0, {min(cpus)})
    try:
        return timed_rounds(bin_dir, exe, x_path, model)
    finally:
        os.sched_setaffinity(0, cpus)


def timed_rounds(bin_dir, exe, x_path, model):
    x = torch.from_numpy(np.load(x_path))
    with torch.no_grad():
        for _ in range(3):
            model(x)
    emu, proc, pt = [], [], []
    for _ in range(ROUNDS):
        t = time.perf_counter()
        out = run([os.path.join(bin_dir, "d1-run"), exe, "--input", f"in0={x_path}"])
        proc.append(time.perf_counter() - t)
        emu.append(float(out.stderr.split("host: ")[1].split(" s,")[0]))
        ts = []
        with torch.no_grad():
            for _ in range(TORCH_PER_ROUND):
                t = time.perf_counter()
                model(x)
                ts.append(time.perf_counter() - t)
        pt.append(sorted(ts)[TORCH_PER_ROUND // 2])
    med = lambda v: sorted(v)[len(v) // 2]  # noqa: E731
    return (med(emu), med(proc), med(pt), med([e / p for e, p in zip(emu, pt)]),
            med([e / p for e, p in zip(proc, pt)]))


def main():
    bin_dir = os.path.join(BUILD, "bin")
    print(f"{N_INPUTS} random inputs per model; outputs compared with PyTorch fp32")
    print(f"{'model':<12} {'max rel err':>11} {'top-1 agree':>11} {'fp32 cycles':>12} "
          f"{'bf16 cycles':>12} {'ratio':>6} {'conv fp32 util':>14} {'conv bf16 util':>14}")
    walls = []
    with tempfile.TemporaryDirectory() as d:
        for name in ["resnet18", "mobilenetv2"]:
            # fp32 build, exported and checked by the end-to-end script.
            if not torch_e2e.check(bin_dir, d, name, quiet=True):
                print(f"{name}: fp32 build FAILED its check")
                return 1
            wd = os.path.join(d, name)
            onnx_path = os.path.join(wd, name + ".onnx")
            fp32_cycles = json.load(open(os.path.join(wd, "stats.json")))["cycles"]
            import onnx
            graph = onnx.load(onnx_path)
            conv_model_macs = model_macs_from(
                graph, [n for n in graph.graph.node if n.op_type == "Conv"])

            def conv_cycles(profile):
                return sum(r["cycles"] for r in json.load(open(profile)) if "(Conv)" in r["layer"])
            run([os.path.join(bin_dir, "d1-run"), os.path.join(wd, name + ".d1x"), "--input",
                 "in0=" + os.path.join(wd, "in0.npy"), "--quiet", "--profile",
                 os.path.join(wd, "fp32-profile.json")])
            fp32_util = conv_model_macs / (16 * conv_cycles(os.path.join(wd, "fp32-profile.json")))
            exe = os.path.join(wd, "bf16.d1x")
            run([os.path.join(bin_dir, "d1c"), onnx_path, "-o", exe, "-q", "--precision=bf16"])
            torch.manual_seed(0)
            model = torch_e2e.MODELS[name][0]().eval()
            shape = torch_e2e.MODELS[name][1][0]
            rng = np.random.default_rng(1)
            errs, agree = [], 0
            for k in range(N_INPUTS):
                x = rng.standard_normal(shape).astype(np.float32)
                p = os.path.join(wd, f"x{k}.npy")
                np.save(p, x)
                extra = ["--profile", os.path.join(wd, "profile.json"),
                         "--stats-json", os.path.join(wd, "bf16.json")] if k == 0 else []
                run([os.path.join(bin_dir, "d1-run"), exe, "--input", f"in0={p}", "--output-dir",
                     os.path.join(wd, "out"), "--output-format", "npy", "--quiet", *extra])
                got = np.load(os.path.join(wd, "out", "output_0.npy"))
                with torch.no_grad():
                    ref = model(torch.from_numpy(x)).numpy()
                errs.append(float(np.max(np.abs(got - ref)) / np.max(np.abs(ref))))
                agree += int(np.argmax(got) == np.argmax(ref))
            bf16_cycles = json.load(open(os.path.join(wd, "bf16.json")))["cycles"]
            util = conv_model_macs / (256 * conv_cycles(os.path.join(wd, "profile.json")))
            print(f"{name:<12} {max(errs):>11.2e} {agree:>5}/{N_INPUTS:<5} {fp32_cycles:>12} "
                  f"{bf16_cycles:>12} {bf16_cycles / fp32_cycles:>6.3f} {100 * fp32_util:>13.1f}% "
                  f"{100 * util:>13.1f}%")
            walls.append((name,) + wall_times(bin_dir, exe, os.path.join(wd, "x0.npy"), model))
    print(f"one inference, wall time ({torch.get_num_threads()} PyTorch thread(s); medians of "
          f"{ROUNDS} rounds, each one d1-run and {TORCH_PER_ROUND} PyTorch passes):")
    for name, emu, proc, pt, emu_ratio, proc_ratio in walls:
        print(f"{name:<12} PyTorch fp32 {pt:.4f} s; d1-run bf16 emulation {emu:.3f} s, "
              f"ratio {emu_ratio:.2f}; whole process {proc:.3f} s, ratio {proc_ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
