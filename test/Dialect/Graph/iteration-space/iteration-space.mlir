// RUN: d1-opt %s -split-input-file -verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(graph-test-iteration-space))' -o /dev/null

// Elementwise ops: one parallel loop per result dim; a broadcast dim of
// size 1 reads index 0, a missing leading dim is not indexed.
func.func @broadcast(%a: tensor<2x3x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  // expected-remark @below {{loops [2, 3, 4] (parallel, parallel, parallel) maps (d0, d1, d2) -> (d0, d1, d2), (d0, d1, d2) -> (d1, 0), (d0, d1, d2) -> (d0, d1, d2)}}
  // expected-remark @below {{operand 0 window [1, 1, 2] sizes [1, 2, 2]}}
  // expected-remark @below {{operand 1 window [1, 0] sizes [2, 1]}}
  // expected-remark @below {{result 0 window [1, 1, 2] sizes [1, 2, 2]}}
  %r = graph.add %a, %b {test.tile = array<i64: 1, 1, 2, 1, 2, 2>} : tensor<2x3x4xf32>, tensor<3x1xf32> -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// A grouped, strided, padded convolution: output channels 3-5 (group 1)
// read input channels 2-3; output rows 0-1 read input rows -1..3, clipped
// to 0..3 (row -1 is padding); output columns 1-3 read columns 1..7.
func.func @conv(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x4x4xf32> {
  // expected-remark @below {{loops [1, 6, 4, 4, 2, 3, 3] (parallel, parallel, parallel, parallel, reduction, reduction, reduction) maps (d0, d1, d2, d3, d4, d5, d6) -> (d0, (d1 floordiv 3) * 2 + d4, d2 * 2 + d5 - 1, d3 * 2 + d6 - 1), (d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6), (d0, d1, d2, d3, d4, d5, d6) -> (d1), (d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)}}
  // expected-remark @below {{operand 0 window [0, 2, 0, 1] sizes [1, 2, 4, 7]}}
  // expected-remark @below {{operand 1 window [3, 0, 0, 0] sizes [3, 2, 3, 3]}}
  // expected-remark @below {{operand 2 window [3] sizes [3]}}
  // expected-remark @below {{result 0 window [0, 3, 0, 1] sizes [1, 3, 2, 3]}}
  %c = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2 : i64, test.tile = array<i64: 0, 3, 0, 1, 0, 0, 0, 1, 3, 2, 3, 2, 3, 3>} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  return %c : tensor<1x6x4x4xf32>
}

// -----

// A dilated max pooling: output row 4 reads input rows 4, 6 and 8.
func.func @pool(%x: tensor<1x2x9x9xf32>) -> tensor<1x2x5x5xf32> {
  // expected-remark @below {{loops [1, 2, 5, 5, 3, 3] (parallel, parallel, parallel, parallel, reduction, reduction) maps (d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4 * 2, d3 + d5 * 2), (d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)}}
  // expected-remark @below {{operand 0 window [0, 0, 4, 0] sizes [1, 2, 5, 9]}}
  // expected-remark @below {{result 0 window [0, 0, 4, 0] sizes [1, 2, 1, 5]}}
  %p = graph.max_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>, test.tile = array<i64: 0, 0, 4, 0, 0, 0, 1, 2, 1, 5, 3, 3>} : tensor<1x2x9x9xf32> -> tensor<1x2x5x5xf32>
  return %p : tensor<1x2x5x5xf32>
}

// -----

// Batched matrix products with broadcast batch dims, and a rank-1 operand.
func.func @matmul(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>, %v: tensor<8xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x1x4xf32>) {
  // expected-remark @below {{loops [2, 3, 4, 5, 8] (parallel, parallel, parallel, parallel, reduction) maps (d0, d1, d2, d3, d4) -> (d0, 0, d2, d4), (d0, d1, d2, d3, d4) -> (d1, d4, d3), (d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)}}
  // expected-remark @below {{operand 0 window [1, 0, 0, 0] sizes [1, 1, 4, 8]}}
  // expected-remark @below {{operand 1 window [2, 0, 0] sizes [1, 8, 5]}}
  // expected-remark @below {{result 0 window [1, 2, 0, 0] sizes [1, 1, 4, 5]}}
  %m = graph.matmul %a, %b {test.tile = array<i64: 1, 2, 0, 0, 0, 1, 1, 4, 5, 8>} : tensor<2x1x4x8xf32>, tensor<3x8x5xf32> -> tensor<2x3x4x5xf32>
  // expected-remark @below {{loops [2, 1, 4, 8] (parallel, parallel, parallel, reduction) maps (d0, d1, d2, d3) -> (d0, d1, d2, d3), (d0, d1, d2, d3) -> (d3), (d0, d1, d2, d3) -> (d0, d1, d2)}}
  %n = graph.matmul %a, %v : tensor<2x1x4x8xf32>, tensor<8xf32> -> tensor<2x1x4xf32>
  return %m, %n : tensor<2x3x4x5xf32>, tensor<2x1x4xf32>
}

// -----

func.func @gemm(%a: tensor<4x2xf32>, %b: tensor<4x3xf32>, %c: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-remark @below {{loops [2, 3, 4] (parallel, parallel, reduction) maps (d0, d1, d2) -> (d2, d0), (d0, d1, d2) -> (d2, d1), (d0, d1, d2) -> (d1), (d0, d1, d2) -> (d0, d1)}}
  %y = graph.gemm %a, %b, %c {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = true, trans_b = false} : (tensor<4x2xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Reductions reduce their axes; softmax reads the whole row along its axis.
func.func @rows(%x: tensor<2x3x4xf32>) -> (tensor<2x1x4xf32>, tensor<2x3x4xf32>) {
  // expected-remark @below {{loops [2, 3, 4] (parallel, reduction, parallel) maps (d0, d1, d2) -> (d0, d1, d2), (d0, d1, d2) -> (d0, 0, d2)}}
  %r = graph.reduce sum %x {axes = array<i64: 1>, keepdims = true} : tensor<2x3x4xf32> -> tensor<2x1x4xf32>
  // expected-remark @below {{loops [2, 3, 4, 4] (parallel, parallel, parallel, reduction) maps (d0, d1, d2, d3) -> (d0, d1, d3), (d0, d1, d2, d3) -> (d0, d1, d2)}}
  // expected-remark @below {{operand 0 window [1, 1, 0] sizes [1, 1, 4]}}
  // expected-remark @below {{result 0 window [1, 1, 0] sizes [1, 1, 1]}}
  %s = graph.softmax %x {axis = 2 : i64, test.tile = array<i64: 1, 1, 0, 0, 1, 1, 1, 4>} : tensor<2x3x4xf32>
  return %r, %s : tensor<2x1x4xf32>, tensor<2x3x4xf32>
}

// -----

func.func @bad_tile(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-remark @below {{loops [4]}}
  // expected-error @below {{test.tile needs an offset and a size per loop: 2 values}}
  %r = graph.relu %a {test.tile = array<i64: 0>} : tensor<4xf32>
  return %r : tensor<4xf32>
}
