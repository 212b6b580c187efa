#!/usr/bin/python3
"""Writes the bundled example model: a LeNet-style CNN with random weights
(seed 0), exported from PyTorch to ONNX (opset 13), with one input and
PyTorch's output in ONNX's test-data layout:
  model.onnx, test_data_set_0/input_0.pb, test_data_set_0/output_0.pb
"""
import os

import onnx.numpy_helper as nh
import torch
import torch.nn as nn

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)).eval()
x = torch.randn(1, 1, 28, 28)
with torch.no_grad():
    y = model(x)
torch.onnx.export(model, x, os.path.join(here, "model.onnx"), opset_version=13,
                  input_names=["image"], output_names=["logits"])
os.makedirs(os.path.join(here, "test_data_set_0"), exist_ok=True)
for name, t, arr in (("input_0.pb", "image", x), ("output_0.pb", "logits", y)):
    with open(os.path.join(here, "test_data_set_0", name), "wb") as f:
        f.write(nh.from_array(arr.numpy(), t).SerializeToString())
