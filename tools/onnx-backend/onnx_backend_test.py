#!/usr/bin/python3
"""Runs ONNX's own backend test runner (onnx.backend.test) against d1c.

    tools/onnx-backend/onnx_backend_test.py                 # every test
    tools/onnx-backend/onnx_backend_test.py -k test_relu    # unittest's -k filter

The tests ONNX generates are named test_<name>_cpu; the set d1c passes is
the one utils/conformance.py reports (this runner has no expected-failure
list: use utils/conformance.py for the verdict).
"""
import os
import sys
import unittest

import numpy as np

# Debian 12 pairs onnx 1.12 with numpy 1.24, which removed the np.object
# alias the 1.12 runner still compares dtypes with.
if not hasattr(np, 'object'):
    np.object = object

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx.backend.test  # noqa: E402
import d1c_backend  # noqa: E402

backend_test = onnx.backend.test.BackendTest(d1c_backend, __name__)
globals().update(backend_test.test_cases)

if __name__ == '__main__':
    unittest.main()
