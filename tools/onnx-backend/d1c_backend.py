"""An ONNX backend (onnx.backend.base.Backend) that compiles with d1c and runs on the D1 emulator.

    import onnx, d1c_backend
    rep = d1c_backend.prepare(onnx.load('model.onnx'))
    outputs = rep.run([x])

`prepare` writes the model to a temporary directory and compiles it with
`d1c`; `BackendRep.run` writes the inputs as .npy files, runs `d1-run` and
reads the outputs back with their ONNX dtypes. The tools are found in
$D1_BUILD/bin (default: the repository's build/ directory). A model d1c
cannot compile raises RuntimeError with d1c's one-line located error.
"""
import os
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper
from onnx.backend.base import Backend, BackendRep, namedtupledict

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 600


def _tool(name):
    build = os.environ.get('D1_BUILD', os.path.join(_ROOT, 'build'))
    path = os.path.join(build, 'bin', name)
    if not os.access(path, os.X_OK):
        raise RuntimeError('%s not found: build d1c or set D1_BUILD' % path)
    return path


def _first_error(stderr):
    for line in stderr.splitlines():
        if 'error: ' in line:
            return line.strip()
    return stderr.strip().splitlines()[-1] if stderr.strip() else 'failed'


class D1BackendRep(BackendRep):
    """A compiled model: a .d1x binary in a private temporary directory."""

    def __init__(self, workdir, binary, output_names):
        self._workdir = workdir  # a TemporaryDirectory; removed with the rep
        self.binary = binary
        self.output_names = output_names

    def __del__(self):
        self._workdir.cleanup()

    def run(self, inputs, **kwargs):
        if isinstance(inputs, np.ndarray):
            inputs = [inputs]
        if isinstance(inputs, dict):
            inputs = list(inputs.items())
        else:
            inputs = list(enumerate(inputs))
        with tempfile.TemporaryDirectory(dir=self._workdir.name) as run_dir:
            args = [_tool('d1-run'), self.binary, '--output-dir', os.path.join(run_dir, 'out'),
                    '--quiet']
            for key, value in inputs:
                path = os.path.join(run_dir, 'input_%s.pb' % len(args))
                with open(path, 'wb') as f:
                    f.write(numpy_helper.from_array(np.asarray(value)).SerializeToString())
                args += ['--input', path if isinstance(key, int) else '%s=%s' % (key, path)]
            p = subprocess.run(args, capture_output=True, text=True, errors='replace',
                               timeout=TIMEOUT)
            if p.returncode != 0:
                raise RuntimeError('d1-run: ' + _first_error(p.stderr))
            outputs = []
            for i in range(len(self.output_names)):
                t = onnx.TensorProto()
                with open(os.path.join(run_dir, 'out', 'output_%d.pb' % i), 'rb') as f:
                    t.ParseFromString(f.read())
                outputs.append(numpy_helper.to_array(t))
        return namedtupledict('Outputs', self.output_names)(*outputs)


class D1Backend(Backend):
    """Compiles ONNX models with d1c for one D1 core of the emulator."""

    @classmethod
    def supports_device(cls, device):
        # The emulator runs on the host: ONNX's test runner asks for 'CPU'.
        return device == 'CPU'

    @classmethod
    def prepare(cls, model, device='CPU', **kwargs):
        super().prepare(model, device, **kwargs)
        workdir = tempfile.TemporaryDirectory(prefix='d1c-backend-')
        path = os.path.join(workdir.name, 'model.onnx')
        with open(path, 'wb') as f:
            f.write(model.SerializeToString())
        binary = os.path.join(workdir.name, 'model.d1x')
        args = [_tool('d1c'), path, '-o', binary, '-q']
        for name, dims in (kwargs.get('shapes') or {}).items():
            args += ['--shape', '%s=%s' % (name, 'x'.join(str(d) for d in dims))]
        p = subprocess.run(args, capture_output=True, text=True, errors='replace', timeout=TIMEOUT)
        if p.returncode != 0:
            workdir.cleanup()
            raise RuntimeError(_first_error(p.stderr).replace(path, '<model>'))
        return D1BackendRep(workdir, binary, [o.name for o in model.graph.output])

    @classmethod
    def run_model(cls, model, inputs, device='CPU', **kwargs):
        return cls.prepare(model, device, **kwargs).run(inputs)

    @classmethod
    def run_node(cls, node, inputs, device='CPU', outputs_info=None, **kwargs):
        """One node as a model of its own, its inputs typed from the arrays given."""
        super().run_node(node, inputs, device=device, outputs_info=outputs_info)
        graph_inputs = [helper.make_tensor_value_info(
            name, helper.np_dtype_to_tensor_dtype(np.asarray(x).dtype), np.asarray(x).shape)
            for name, x in zip(node.input, inputs) if name]
        graph_outputs = [helper.make_empty_tensor_value_info(name) for name in node.output if name]
        model = helper.make_model(helper.make_graph([node], 'node', graph_inputs, graph_outputs))
        model = onnx.shape_inference.infer_shapes(model)
        return cls.run_model(model, [x for name, x in zip(node.input, inputs) if name], device)


prepare = D1Backend.prepare
run_model = D1Backend.run_model
run_node = D1Backend.run_node
supports_device = D1Backend.supports_device
