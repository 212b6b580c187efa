"""What the end-to-end scripts share: compile an ONNX model with d1c, run
it on the emulator with numpy inputs, and report a refusal or a trap by its
one `error:` line.

    exe, err = compile_model(BIN, model, work)     # err: the error line
    outs, err = run_model(BIN, exe, {"x": a}, work)  # outs: numpy arrays
"""
import os
import subprocess

import numpy as np
from onnx import save


def error_line(stderr):
    """The first `error: ...` of a tool's output (from `error:` on)."""
    for line in stderr.splitlines():
        if "error:" in line:
            return line[line.index("error:"):]
    return stderr.strip()


def compile_model(bin_dir, model, work, extra=()):
    """Saves model in work and compiles it: (binary path, None) or
    (None, its error line)."""
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "model.onnx")
    save(model, path)
    exe = os.path.join(work, "model.d1x")
    p = subprocess.run([os.path.join(bin_dir, "d1c"), path, "-o", exe, "-q", *extra],
                       capture_output=True, text=True)
    return (None, error_line(p.stderr)) if p.returncode else (exe, None)


def run_model(bin_dir, exe, inputs, work):
    """Runs exe on inputs ({name: array}): (outputs, None) or (None, the
    error line)."""
    args = []
    for name, a in inputs.items():
        f = os.path.join(work, name + ".npy")
        np.save(f, a)
        args += ["--input", f"{name}={f}"]
    out = os.path.join(work, "out")
    p = subprocess.run([os.path.join(bin_dir, "d1-run"), exe, *args, "--output-dir", out,
                        "--output-format", "npy", "--quiet"], capture_output=True, text=True)
    if p.returncode:
        return None, error_line(p.stderr)
    n = len([f for f in os.listdir(out) if f.startswith("output_")])
    return [np.load(os.path.join(out, f"output_{i}.npy")) for i in range(n)], None
