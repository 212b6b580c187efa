#!/usr/bin/python3
"""Compile PyTorch models with d1c, run them on the emulator, compare with PyTorch.

  torch_e2e.py BIN_DIR WORK_DIR [--compare-unfused] [--bf16] MODEL [MODEL...]
                                          (MODEL names from MODELS below)

Each model is exported to ONNX (opset 13), compiled with d1c, run with d1-run
on random inputs, and every output compared with PyTorch's on the same
inputs (rtol 1e-3, atol 1e-4). Prints one line per model and the modeled
cycles against the roofline; exits 1 if any model fails. With
--compare-unfused each model is also compiled with --disable-fusion, and the
two binaries' outputs must be bit-identical (within the tolerance for the
"-bn" models, whose batch norms fusion folds into the filters).

With --bf16 the models are compiled with --precision=bf16, and the reference
is PyTorch with every convolution that d1c puts on the matrix unit, and
every linear layer, fed bf16 inputs and weights (rounded to nearest even,
products summed in fp32), batch norms folded first as the exporter folds
them; products of two computed matrices (attention) stay fp32 in the
reference. Deep models amplify
where a value lands between two bf16 numbers (the reference itself moves by
0.14 % of its largest output on ResNet-18 between fp32 and fp64 sums), so
the outputs must agree within 1 % of the largest reference output, with the
same top-1 class per row; test/e2e/mma_convs.py and mma_matmuls.py check
single convolutions and matrix products to fp32 accuracy.
"""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn

RTOL, ATOL = 1e-3, 1e-4


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(300, 500), nn.ReLU(), nn.Linear(500, 130), nn.Tanh(),
                                 nn.Linear(130, 10))

    def forward(self, x):
        return self.net(x)


class Elementwise(nn.Module):
    def forward(self, x, y):
        a = torch.sigmoid(x) * y + torch.exp(-x.abs())
        b = torch.erf(a) - torch.sqrt(y.abs() + 1.0) / (x * x + 2.0)
        return torch.nn.functional.leaky_relu(b, 0.2).clamp(-0.5, 0.75) + torch.log(y * y + 1.0)


class Broadcast(nn.Module):
    def forward(self, x, bias, scale):
        return (x + bias) * scale - x.mean(dim=-1, keepdim=True) * 0 + 1.0


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                               nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.c = nn.Sequential(nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
                               nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    def forward(self, x):
        return self.c(self.f(x))


class Convs(nn.Module):
    """Strides, padding, dilation, groups, depthwise, pooling, batch norm."""
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 20, 3, stride=2, padding=1)
        self.b = nn.Conv2d(20, 20, 3, padding=2, dilation=2, groups=4)
        self.dw = nn.Conv2d(20, 20, 3, padding=1, groups=20, bias=False)
        self.bn = nn.BatchNorm2d(20)
        self.bn.running_mean.uniform_(-1, 1)
        self.bn.running_var.uniform_(0.5, 2)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.avg = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)

    def forward(self, x):
        y = torch.relu(self.a(x))
        y = self.bn(self.dw(self.b(y))) + y
        return self.avg(self.pool(y))


class Encoder(nn.Module):
    """One transformer encoder layer: LayerNorm, multi-head attention from
    MatMul and Softmax, GELU from Erf."""
    def __init__(self, d=64, heads=4):
        super().__init__()
        self.h, self.d = heads, d
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.ff1, self.ff2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        q = q.reshape(b, t, self.h, d // self.h).transpose(1, 2)
        k = k.reshape(b, t, self.h, d // self.h).transpose(1, 2)
        v = v.reshape(b, t, self.h, d // self.h).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-2, -1) / (d // self.h) ** 0.5, dim=-1) @ v
        x = x + self.proj(a.transpose(1, 2).reshape(b, t, d))
        h = self.ff1(self.ln2(x))
        h = 0.5 * h * (1.0 + torch.erf(h / 2 ** 0.5))
        return x + self.ff2(h)


class DataOps(nn.Module):
    def forward(self, x):
        a, b = x.split([3, 5], dim=1)
        c = torch.cat([b, a * 2], dim=1).permute(0, 2, 3, 1)
        d = c[:, 1:, ::2, :].sum(dim=-1) + c.amax(dim=(1, 2)).mean()
        return torch.softmax(d, dim=1), x[:, [4, 0, 7]]


class Embed(nn.Module):
    """Token embedding (Gather with run-time int64 indices) and a head."""
    def __init__(self):
        super().__init__()
        self.e = nn.Embedding(50, 24)
        self.h = nn.Linear(24, 7)

    def forward(self, tokens, x):
        return self.h(self.e(tokens) * x)


class RowNorms(nn.Module):
    """Row kernels: a layer norm over rows of 37, an RMS norm and a softmax
    written out by hand, each exported as reductions and elementwise ops."""
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(37)
        self.w = nn.Parameter(torch.linspace(0.5, 1.5, 37))

    def forward(self, x):
        a = self.ln(x)
        r = x * torch.rsqrt((x * x).mean(dim=-1, keepdim=True) + 1e-6) * self.w
        e = torch.exp(x - x.amax(dim=-1, keepdim=True))
        return a + r, e / e.sum(dim=-1, keepdim=True)


class Chains(nn.Module):
    """Consecutive window kernels for depth-first chains: odd sizes, batch 2,
    unpadded ceil-mode pooling (padding at the bottom only), dilation,
    groups, a 1x1 and a 2x2 convolution whose strides skip input rows."""
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 12, 5, padding=2)
        self.pool = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.b = nn.Conv2d(12, 12, 3, padding=2, dilation=2, groups=2)
        self.c = nn.Conv2d(12, 16, 1, stride=2)
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.d = nn.Conv2d(16, 24, 2, stride=3)

    def forward(self, x):
        y = self.pool(torch.relu(self.a(x)))
        y = self.c(torch.clamp(self.b(y), 0, 6))
        return torch.relu(self.d(self.dw(y)) * 0.5 + 1)


def resnet18():
    import torchvision
    return torchvision.models.resnet18(weights=None)


def mobilenet_v2():
    import torchvision
    return torchvision.models.mobilenet_v2(weights=None)


MODELS = {
    "mlp": (MLP, [(7, 300)]),
    "elementwise": (Elementwise, [(3, 5, 37), (3, 5, 37)]),
    "broadcast": (Broadcast, [(2, 3, 4, 21), (3, 1, 21), (4, 1)]),
    "lenet": (LeNet, [(2, 1, 28, 28)]),
    "convs": (Convs, [(1, 3, 33, 29)]),
    "encoder": (Encoder, [(2, 10, 64)]),
    "dataops": (DataOps, [(2, 8, 6, 7)]),
    "chains": (Chains, [(2, 3, 90, 75)]),
    "rownorms": (RowNorms, [(3, 700, 37)]),
    "embed": (Embed, [("int", (3, 5), 50), (3, 5, 24)]),
    "resnet18-64": (resnet18, [(1, 3, 64, 64)]),
    "mobilenetv2-64": (mobilenet_v2, [(1, 3, 64, 64)]),
    "resnet18": (resnet18, [(1, 3, 224, 224)]),
    "mobilenetv2": (mobilenet_v2, [(1, 3, 224, 224)]),
    "resnet18-bn-64": (resnet18, [(1, 3, 64, 64)]),
    "mobilenetv2-bn-64": (mobilenet_v2, [(1, 3, 64, 64)]),
    "resnet18-bn": (resnet18, [(1, 3, 224, 224)]),
    "mobilenetv2-bn": (mobilenet_v2, [(1, 3, 224, 224)]),
}

# Exported with their BatchNormalization nodes, as the ONNX model zoo ships
# such models (the exporter's eval mode would fold them into the convolutions).
KEEP_BATCH_NORM = {n for n in MODELS if "-bn" in n}


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(" ".join(cmd) + "\n" + p.stderr.strip())
    return p


def on_matrix_unit(m):
    """Whether d1c --precision=bf16 runs convolution m on the matrix unit."""
    cg, fg = m.in_channels // m.groups, m.out_channels // m.groups
    return m.stride[1] <= 2 and (m.groups == 1 or (cg >= 4 and fg >= 8))


def round_bf16(t):
    return t.to(torch.bfloat16).to(t.dtype)


def check(bin_dir, work, name, quiet=False, compare_unfused=False, bf16=False):
    cls, shapes = MODELS[name]
    torch.manual_seed(0)
    model = cls().eval()
    if bf16 and any(isinstance(m, nn.BatchNorm2d) for m in model.modules()):
        # The exporter folds batch norms into the filters; fold them here
        # first so that the reference rounds the same weights.
        import torch.fx.experimental.optimization as fx_opt
        model = fx_opt.fuse(model)
    if name in KEEP_BATCH_NORM:
        # Statistics away from the defaults (mean 0, variance 1), so that a
        # wrong fold shows.
        g = torch.Generator().manual_seed(2)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(0.1 * torch.randn(c, generator=g))
                m.running_var.copy_(0.5 + torch.rand(c, generator=g))
                m.weight.data.copy_(0.5 + torch.rand(c, generator=g))
                m.bias.data.copy_(0.1 * torch.randn(c, generator=g))
    rng = np.random.default_rng(1)
    # Integer inputs: a shape given as ("int", shape, high) draws indices.
    inputs = [rng.integers(0, s[2], s[1]).astype(np.int64) if s[0] == "int" else
              rng.standard_normal(s).astype(np.float32) for s in shapes]
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    onnx_path = os.path.join(d, name + ".onnx")
    names = [f"in{i}" for i in range(len(inputs))]
    with torch.no_grad():
        mode = (torch.onnx.TrainingMode.PRESERVE if name in KEEP_BATCH_NORM
                else torch.onnx.TrainingMode.EVAL)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, tuple(torch.from_numpy(x) for x in inputs), onnx_path,
                              opset_version=13, input_names=names, output_names=["out"],
                              training=mode)
        if bf16:
            for m in model.modules():
                if (isinstance(m, nn.Conv2d) and on_matrix_unit(m)) or isinstance(m, nn.Linear):
                    m.weight.data = round_bf16(m.weight.data)
                    m.register_forward_pre_hook(lambda _, xs: tuple(round_bf16(x) for x in xs))
        ref = model(*[torch.from_numpy(x) for x in inputs])
    refs = [ref.numpy()] if isinstance(ref, torch.Tensor) else [r.numpy() for r in ref]
    exe = os.path.join(d, name + ".d1x")
    run([os.path.join(bin_dir, "d1c"), onnx_path, "-o", exe, "-q"] +
        (["--precision=bf16"] if bf16 else []))
    args = []
    for n, x in zip(names, inputs):
        p = os.path.join(d, n + ".npy")
        np.save(p, x)
        args += ["--input", f"{n}={p}"]
    stats = os.path.join(d, "stats.json")
    run([os.path.join(bin_dir, "d1-run"), exe, *args, "--output-dir", os.path.join(d, "out"),
         "--output-format", "npy", "--stats-json", stats, "--quiet"])
    ok = True
    worst = 0.0
    for i, r in enumerate(refs):
        got = np.load(os.path.join(d, "out", f"output_{i}.npy"))
        if got.shape != r.shape:
            print(f"{name}: output {i} shape {got.shape} != {r.shape}")
            ok = False
            continue
        err = np.abs(got.astype(np.float64) - r)
        if bf16:
            worst = max(worst, float(np.max(err)) / (1e-2 * float(np.max(np.abs(r)))))
            if worst > 1 or (r.ndim == 2 and np.any(got.argmax(-1) != r.argmax(-1))):
                ok = False
            continue
        worst = max(worst, float(np.max(err / (ATOL + RTOL * np.abs(r)))))
        if not np.allclose(got, r, rtol=RTOL, atol=ATOL):
            ok = False
    s = json.load(open(stats))
    unfused = ""
    if bf16:
        # Scheduling and software pipelining reorder instructions only: the
        # unscheduled bf16 binary must compute the same bits.
        exe2 = os.path.join(d, name + "-unscheduled.d1x")
        run([os.path.join(bin_dir, "d1c"), onnx_path, "-o", exe2, "-q", "--precision=bf16",
             "--disable-scheduling"])
        run([os.path.join(bin_dir, "d1-run"), exe2, *args, "--output-dir",
             os.path.join(d, "out2"), "--output-format", "npy", "--quiet"])
        same = all(np.array_equal(np.load(os.path.join(d, "out", f"output_{i}.npy")),
                                  np.load(os.path.join(d, "out2", f"output_{i}.npy")),
                                  equal_nan=True) for i in range(len(refs)))
        ok &= same
        unfused = "; unscheduled: " + ("identical outputs" if same else "DIFFERENT outputs")
    if compare_unfused:
        exe2 = os.path.join(d, name + "-unfused.d1x")
        # The reference build also keeps the instructions unscheduled: both
        # orders must compute the same bits.
        run([os.path.join(bin_dir, "d1c"), onnx_path, "-o", exe2, "-q", "--disable-fusion",
             "--disable-scheduling"])
        run([os.path.join(bin_dir, "d1-run"), exe2, *args, "--output-dir", os.path.join(d, "out2"),
             "--output-format", "npy", "--quiet"])
        pairs = [(np.load(os.path.join(d, "out", f"output_{i}.npy")),
                  np.load(os.path.join(d, "out2", f"output_{i}.npy"))) for i in range(len(refs))]
        same = all(np.array_equal(a, b, equal_nan=True) for a, b in pairs)
        # Batch norm folded into filters rounds differently from batch norm
        # applied after the convolution: those must agree to the tolerance.
        close = all(np.allclose(a, b, rtol=RTOL, atol=ATOL) for a, b in pairs)
        ok &= same or (close and name in KEEP_BATCH_NORM)
        unfused = "; unfused: " + ("identical outputs" if same else
                                   "outputs within tolerance" if close else "DIFFERENT outputs")
        # How many depth-first chains fusion made (graph-fuse on the imported graph).
        graph = run([os.path.join(bin_dir, "d1c"), onnx_path, "--emit=graph", "-o", "-", "-q"])
        fused = subprocess.run([os.path.join(bin_dir, "d1-opt"), "--graph-fold-batch-norm",
                                "--graph-fuse"], input=graph.stdout, capture_output=True,
                               text=True, check=True)
        unfused += f"; {fused.stdout.count('graph.fused depth_first')} depth-first groups"
    if quiet:
        return ok
    print(f"{name}: {'ok' if ok else 'MISMATCH'} (worst error {worst:.3f} of tolerance), "
          f"{s['cycles']} cycles{unfused}")
    return ok


def main():
    bin_dir, work = sys.argv[1], sys.argv[2]
    names = [a for a in sys.argv[3:] if not a.startswith("--")]
    compare = "--compare-unfused" in sys.argv[3:]
    bf16 = "--bf16" in sys.argv[3:]
    ok = True
    for name in names:
        try:
            ok &= check(bin_dir, work, name, compare_unfused=compare, bf16=bf16)
        except RuntimeError as e:
            print(f"{name}: FAILED: {e}")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
