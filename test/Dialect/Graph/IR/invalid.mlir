// RUN: d1-opt %s -split-input-file -verify-diagnostics

func.func @bad_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // The shape rule's error, then type inference's.
  // expected-error @+2 {{'graph.add' op shapes [2, 3] and [4] do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %r = graph.add %a, %b : tensor<2x3xf32>, tensor<4xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

func.func @bad_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %r = graph.mul %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

func.func @bad_matmul(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{inner dimensions differ: [2, 3] x [4, 5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %r = graph.matmul %a, %b : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}

// -----

func.func @bad_groups(%x: tensor<1x6x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{group 4 does not divide channels 6 and filters 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 4 : i64} : (tensor<1x6x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %c : tensor<1x4x6x6xf32>
}

// -----

func.func @dynamic(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{needs static shapes, got 'tensor<?x3xf32>'}}
  %r = graph.add %a, %a : tensor<?x3xf32>, tensor<?x3xf32> -> tensor<?x3xf32>
  return %r : tensor<?x3xf32>
}

// -----

func.func @bad_perm(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{not a permutation: [0, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %r = graph.transpose %a {perm = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

func.func @bad_reshape(%a: tensor<2x3xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{element counts differ}}
  %r = graph.reshape %a : tensor<2x3xf32> -> tensor<5xf32>
  return %r : tensor<5xf32>
}

// -----

func.func @mixed_types(%a: tensor<4xi64>, %b: tensor<4xi32>) -> tensor<4xi64> {
  // expected-error @+1 {{operands have different element types}}
  %r = graph.add %a, %b : tensor<4xi64>, tensor<4xi32> -> tensor<4xi64>
  return %r : tensor<4xi64>
}

// -----

func.func @where_types(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{x, y and the result must have one element type}}
  %r = graph.where %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4xi32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @logic_on_floats(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{must be ranked tensor of 1-bit signless integer or 8-bit signless integer}}
  %r = graph.and %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A depth-first stage must read what the stage before it ends with.
func.func @depth_first_skips(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32> {
  %y = graph.fused depth_first {
    %a = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
    %r = graph.relu %a : tensor<1x4x8x8xf32>
    // expected-error @+1 {{in a depth-first group must read the value the stage before it ends with, and be its only reader}}
    %b = graph.conv %a, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
    graph.yield %b : tensor<1x4x8x8xf32>
  } : tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// Only the last stage's values may leave the group.
func.func @depth_first_escapes(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %y:2 = graph.fused depth_first {
    // expected-error @+1 {{in a depth-first group is read after the group but its stage is not the last}}
    %a = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
    %r = graph.relu %a : tensor<1x4x8x8xf32>
    %b = graph.conv %r, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
    graph.yield %a, %b : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
  } : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
  return %y#0, %y#1 : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}

// -----

func.func @depth_first_one_stage(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{depth-first group needs two stages or more, has 1}}
  %y = graph.fused depth_first {
    %a = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
    %r = graph.relu %a : tensor<1x4x8x8xf32>
    graph.yield %r : tensor<1x4x8x8xf32>
  } : tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

func.func @depth_first_starts_elementwise(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{depth-first group must start with conv or max_pool, not graph.relu}}
  %y = graph.fused depth_first {
    %r = graph.relu %x : tensor<1x4x8x8xf32>
    %a = graph.conv %r, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
    graph.yield %a : tensor<1x4x8x8xf32>
  } : tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// A later stage may not read an earlier stage's value (it exists a band at
// a time).
func.func @depth_first_reads_back(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32> {
  %y = graph.fused depth_first {
    %a = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
    %r = graph.relu %a : tensor<1x4x8x8xf32>
    %b = graph.conv %r, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
    // expected-error @+1 {{in a depth-first group reads a value of an earlier stage}}
    %s = graph.add %b, %a : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>
    graph.yield %s : tensor<1x4x8x8xf32>
  } : tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}
