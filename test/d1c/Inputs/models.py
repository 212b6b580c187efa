"""Small ONNX models for the d1c driver tests: models.py OUTDIR."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    g = h.make_graph(nodes, name, inputs, outputs, list(inits))
    onnx.save(h.make_model(g, opset_imports=[h.make_opsetid("", opset)]), os.path.join(out, name + ".onnx"))


w = nh.from_array(rng.standard_normal((8, 5)).astype(np.float32), "w")
save("linear", [h.make_node("MatMul", ["x", "w"], ["m"], name="mm"), h.make_node("Relu", ["m"], ["y"], name="relu")],
     [h.make_tensor_value_info("x", T.FLOAT, ["batch", 8])], [h.make_tensor_value_info("y", T.FLOAT, ["batch", 5])], [w])
save("runtime_gather", [h.make_node("Gather", ["x", "i"], ["y"], name="lookup")],
     [h.make_tensor_value_info("x", T.FLOAT, [4, 3]), h.make_tensor_value_info("i", T.INT64, [2])],
     [h.make_tensor_value_info("y", T.FLOAT, [2, 3])])
save("int_cast", [h.make_node("Cast", ["i"], ["y"], name="tofloat", to=T.FLOAT)],
     [h.make_tensor_value_info("i", T.INT64, [4])], [h.make_tensor_value_info("y", T.FLOAT, [4])])
save("odd_reduce", [h.make_node("ReduceSum", ["x"], ["y"], name="sum02", axes=[0, 2], keepdims=0)],
     [h.make_tensor_value_info("x", T.FLOAT, [2, 3, 4])], [h.make_tensor_value_info("y", T.FLOAT, [3])], opset=11)
save("shape_out", [h.make_node("Shape", ["x"], ["s"], name="shape")],
     [h.make_tensor_value_info("x", T.FLOAT, [3, 4, 5])], [h.make_tensor_value_info("s", T.INT64, [3])])
save("bf16_cast", [h.make_node("Cast", ["x"], ["y"], name="tobf16", to=T.BFLOAT16)],
     [h.make_tensor_value_info("x", T.FLOAT, [4])], [h.make_tensor_value_info("y", T.BFLOAT16, [4])])
save("wide_conv", [h.make_node("Conv", ["x", "k"], ["y"], name="wide", kernel_shape=[3, 3])],
     [h.make_tensor_value_info("x", T.FLOAT, [1, 8, 8, 4000])], [h.make_tensor_value_info("y", T.FLOAT, [1, 8, 6, 3998])],
     [nh.from_array(np.ones((8, 8, 3, 3), np.float32), "k")])
save("stem", [h.make_node("Conv", ["x", "k"], ["c"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
              h.make_node("Relu", ["c"], ["r"], name="relu"),
              h.make_node("MaxPool", ["r"], ["y"], name="pool", kernel_shape=[2, 2], strides=[2, 2])],
     [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 64, 64])], [h.make_tensor_value_info("y", T.FLOAT, [1, 8, 32, 32])],
     [nh.from_array(np.linspace(-1, 1, 8 * 3 * 9, dtype=np.float32).reshape(8, 3, 3, 3), "k")])
