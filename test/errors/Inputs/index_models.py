#!/usr/bin/python3
"""Models whose indices come from the run's input, for the bounds tests.

  index_models.py DIR

gather.onnx: y = Gather(data[5, 3], idx[2]) along axis 0.
scatter.onnx: y = ScatterElements(zeros[6], idx[2], ones[2]).
Also writes idx files of int64 values for in-range, negative, past-the-end
and INT64_MIN indices.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

d = sys.argv[1]
data = numpy_helper.from_array(np.arange(15, dtype=np.float32).reshape(5, 3), "data")
g = helper.make_graph(
    [helper.make_node("Gather", ["data", "idx"], ["y"], name="gather", axis=0)], "g",
    [helper.make_tensor_value_info("idx", TensorProto.INT64, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])], [data])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
          os.path.join(d, "gather.onnx"))
zeros = numpy_helper.from_array(np.zeros(6, np.float32), "zeros")
ones = numpy_helper.from_array(np.ones(2, np.float32), "ones")
g = helper.make_graph(
    [helper.make_node("ScatterElements", ["zeros", "idx", "ones"], ["y"], name="scatter")], "s",
    [helper.make_tensor_value_info("idx", TensorProto.INT64, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [6])], [zeros, ones])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
          os.path.join(d, "scatter.onnx"))
for name, v in {"ok": [4, -5], "neg": [0, -6], "end": [5, 0], "min": [0, -2**63],
                "max": [2**63 - 1, 0], "end6": [6, 0]}.items():
    np.save(os.path.join(d, name + ".npy"), np.array(v, np.int64))
