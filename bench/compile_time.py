#!/usr/bin/python3
"""d1c compile time against model size (figures for docs/benchmarks.md).

  bench/compile_time.py [BUILD_DIR]            # ResNet depths
  bench/compile_time.py [BUILD_DIR] --chains   # chains of 1,000 to 30,000 nodes

Without --chains: exports torchvision ResNet-18/34/50/101/152 (random
weights, 1x3x224x224, opset 13). With --chains: chains of N ops on a [1, 64]
input, for N in --nodes (1,000, 3,000, 10,000, 30,000): Adds of a constant,
Adds of the input, and Relu and Neg alternating. Either way each model is
compiled with d1c --repeat times (3) and the fastest wall time kept (process
start to the .d1x written; chains also print d1c's CPU seconds, steadier
on a loaded machine). Prints nodes, seconds and milliseconds per node, so
linear growth shows as a flat last column.
"""
import argparse
import os
import resource
import subprocess
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def best_time(d1c, path, out, repeat):
    """The fastest of repeat compiles: (wall seconds, CPU seconds of d1c)."""
    best = None
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([d1c, path, "-o", out, "-q"], check=True)
        wall = time.perf_counter() - t
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
        best = min(best or (1e9, 0), (wall, cpu))
    return best


def chain(kind, n, path):
    """n chained ops on x [1, 64]: 'add-constant', 'add-input' or 'relu-neg'."""
    inits, nodes, prev = [], [], "x"
    if kind == "add-constant":
        inits.append(numpy_helper.from_array(np.full((1, 64), 0.5, np.float32), "c"))
    for i in range(n):
        out = "y" if i == n - 1 else f"t{i}"
        if kind == "add-constant":
            nodes.append(helper.make_node("Add", [prev, "c"], [out], name=f"n{i}"))
        elif kind == "add-input":
            nodes.append(helper.make_node("Add", [prev, "x"], [out], name=f"n{i}"))
        else:
            nodes.append(helper.make_node("Relu" if i % 2 == 0 else "Neg", [prev], [out], name=f"n{i}"))
        prev = out
    graph = helper.make_graph(nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def chains(d1c, d, nodes, repeat):
    print(f"{'chain':<13} {'nodes':>6} {'seconds':>8} {'cpu s':>8} {'ms/node':>8}")
    for kind in ["add-constant", "add-input", "relu-neg"]:
        for n in nodes:
            path = os.path.join(d, f"{kind}-{n}.onnx")
            chain(kind, n, path)
            secs, cpu = best_time(d1c, path, os.path.join(d, "chain.d1x"), repeat)
            print(f"{kind:<13} {n:>6} {secs:>8.2f} {cpu:>8.2f} {1000 * secs / n:>8.3f}", flush=True)
            os.remove(path)


def resnets(d1c, d, repeat):
    import torch
    import torchvision

    print(f"{'model':<10} {'nodes':>6} {'params':>11} {'seconds':>8} {'ms/node':>8}")
    for name in ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152"]:
        path = os.path.join(d, name + ".onnx")
        model = getattr(torchvision.models, name)(weights=None).eval()
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=13)
        g = onnx.load(path, load_external_data=False).graph
        params = sum(int(np.prod(t.dims)) for t in g.initializer)
        best, _ = best_time(d1c, path, os.path.join(d, name + ".d1x"), repeat)
        print(f"{name:<10} {len(g.node):>6} {params:>11} {best:>8.2f} {1000 * best / len(g.node):>8.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", nargs="?", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--chains", action="store_true", help="chains of elementwise ops instead of ResNets")
    ap.add_argument("--nodes", default="1000,3000,10000,30000", help="chain lengths (--chains)")
    ap.add_argument("--repeat", type=int, default=3, help="compiles per model; the fastest counts")
    args = ap.parse_args()
    d1c = os.path.join(args.build, "bin", "d1c")
    with tempfile.TemporaryDirectory() as d:
        if args.chains:
            chains(d1c, d, [int(n) for n in args.nodes.split(",")], args.repeat)
        else:
            resnets(d1c, d, args.repeat)


if __name__ == "__main__":
    main()
