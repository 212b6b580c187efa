#!/usr/bin/python3
"""Models with If nodes for if-fold.test: if_models.py OUT_DIR."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper, numpy_helper

out = sys.argv[1]


def save(name, nodes, inputs, outputs, inits=()):
    g = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]),
              os.path.join(out, name + '.onnx'))


x = helper.make_tensor_value_info('x', TP.FLOAT, [2, 3])
i64 = lambda n, v: numpy_helper.from_array(np.array(v, np.int64), n)  # noqa: E731


def branch(name, nodes, outs, inits=()):
    return helper.make_graph(nodes, name, [], outs, list(inits))


# The condition tests a static dimension (Shape -> Gather -> Equal): it folds,
# and the branches' outputs differ in shape, as exporters write a reshape
# that depends on the batch size.
then_g = branch('then', [helper.make_node('Relu', ['x'], ['t'])],
                [helper.make_tensor_value_info('t', TP.FLOAT, [2, 3])])
else_g = branch('else', [helper.make_node('Reshape', ['x', 'flat'], ['e'])],
                [helper.make_tensor_value_info('e', TP.FLOAT, [6])], [i64('flat', [6])])
save('shape_cond', [
    helper.make_node('Shape', ['x'], ['s']),
    helper.make_node('Gather', ['s', 'zero'], ['d0'], axis=0),
    helper.make_node('Equal', ['d0', 'two'], ['c']),
    helper.make_node('If', ['c'], ['y'], 'if0', then_branch=then_g, else_branch=else_g),
], [x], [helper.make_tensor_value_info('y', TP.FLOAT, [2, 3])], [i64('zero', 0), i64('two', 2)])

# Nested: the taken branch holds another If on a condition of the outer
# scope; the inner's constant output keeps folding after both Ifs (the
# reshape's shape).
inner_then = branch('it', [helper.make_node('Identity', ['shape_a'], ['is'])],
                    [helper.make_tensor_value_info('is', TP.INT64, [2])], [i64('shape_a', [3, 2])])
inner_else = branch('ie', [helper.make_node('Identity', ['shape_b'], ['js'])],
                    [helper.make_tensor_value_info('js', TP.INT64, [1])], [i64('shape_b', [6])])
outer_then = branch('ot', [helper.make_node('If', ['c'], ['os'], 'inner', then_branch=inner_then,
                                            else_branch=inner_else)],
                    [helper.make_tensor_value_info('os', TP.INT64, [2])])
outer_else = branch('oe', [helper.make_node('Identity', ['shape_b2'], ['es'])],
                    [helper.make_tensor_value_info('es', TP.INT64, [1])], [i64('shape_b2', [6])])
save('nested', [
    helper.make_node('Shape', ['x'], ['s']),
    helper.make_node('Gather', ['s', 'zero'], ['d0'], axis=0),
    helper.make_node('Equal', ['d0', 'two'], ['c']),
    helper.make_node('If', ['c'], ['shape'], 'outer', then_branch=outer_then,
                     else_branch=outer_else),
    helper.make_node('Reshape', ['x', 'shape'], ['y']),
], [x], [helper.make_tensor_value_info('y', TP.FLOAT, [3, 2])], [i64('zero', 0), i64('two', 2)])

# A run-time condition: both branches run and a where selects; branches of
# different shapes are refused, saying the condition is a run-time one.
c = helper.make_tensor_value_info('c', TP.BOOL, [])
neg_g = branch('neg', [helper.make_node('Neg', ['x'], ['n'])],
               [helper.make_tensor_value_info('n', TP.FLOAT, [2, 3])])
save('runtime_cond', [helper.make_node('If', ['c'], ['y'], 'if1', then_branch=then_g,
                                       else_branch=neg_g)],
     [c, x], [helper.make_tensor_value_info('y', TP.FLOAT, [2, 3])])
save('runtime_shapes', [helper.make_node('If', ['c'], ['y'], 'if2', then_branch=then_g,
                                         else_branch=else_g)],
     [c, x], [helper.make_tensor_value_info('y', TP.FLOAT, [2, 3])], [i64('flat', [6])])
