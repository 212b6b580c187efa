// RUN: d1-opt %s -split-input-file -verify-diagnostics --convert-graph-to-tile

func.func @main(%x: tensor<1x2x3x3xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>,
                %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{batch normalization with non-constant parameters is not lowered yet}}
  %r = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %r : tensor<1x2x3x3xf32>
}

// -----

func.func @main(%x: tensor<2x0x3xf32>) -> tensor<2x1x3xf32> {
  // expected-error @+1 {{the mean over an empty axis is undefined}}
  %y = graph.reduce mean %x {axes = array<i64: 1>, keepdims = true} : tensor<2x0x3xf32> -> tensor<2x1x3xf32>
  return %y : tensor<2x1x3xf32>
}

// -----

// Only the first error is reported: the ops after it get placeholder
// buffers and no code (a second unloweable op says nothing).
func.func @main(%x: tensor<1x2x3x3xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>,
                %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{batch normalization with non-constant parameters is not lowered yet}}
  %r = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %t = graph.batch_norm %r, %s, %b, %m, %v {epsilon = 1.0e-05 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %t : tensor<1x2x3x3xf32>
}

// -----

// A tiling set by hand must fit the SRAM budget (checked again here, for
// IR that did not come through graph-select-tiling).
func.func @main(%x: tensor<1x64x56x56xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32> {
  // expected-error @+1 {{graph.tiling #graph.window_tiling<filters = 64, channels = 64, rows = 56, input_once = false, double_input = false, double_weights = false, mma = false> cannot run: its tiles need}}
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, graph.tiling = #graph.window_tiling<filters = 64, channels = 64, rows = 56, input_once = false, double_input = false, double_weights = false, mma = false>} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  return %c : tensor<1x64x56x56xf32>
}
