// RUN: d1-opt %s -split-input-file -verify-diagnostics --graph-select-tiling

// A tiling set by hand must fit the SRAM budget.
func.func @too_big(%x: tensor<1x64x56x56xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32> {
  // expected-error @+1 {{cannot run: its tiles need}}
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, graph.tiling = #graph.window_tiling<filters = 64, channels = 64, rows = 56, input_once = false, double_input = false, double_weights = false, mma = false>} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  return %c : tensor<1x64x56x56xf32>
}

// -----

func.func @out_of_range(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{cannot run: m = 5 is not in [1, 4]}}
  %m = graph.matmul %a, %b {graph.tiling = #graph.matmul_tiling<m = 5, n = 4, k = 8>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %m : tensor<4x8xf32>
}

// -----

// The matrix unit only with --precision=bf16 and constant weights.
func.func @no_mma(%x: tensor<1x64x8x8xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{cannot run: the matrix unit takes a layer only with --precision=bf16, constant weights, a column stride of 1 or 2 and whole groups of 8 filters and 4 channels}}
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, graph.tiling = #graph.window_tiling<filters = 64, channels = 64, rows = 1, input_once = false, double_input = false, double_weights = false, mma = true>} : (tensor<1x64x8x8xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x8x8xf32>
  return %c : tensor<1x64x8x8xf32>
}

// -----

// A double buffer needs a second tile to load.
func.func @one_row_tile(%x: tensor<1x8x4x4xf32>, %w: tensor<8x8x3x3xf32>) -> tensor<1x8x4x4xf32> {
  // expected-error @+1 {{double_input needs every input channel in one tile and more than one row tile}}
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, graph.tiling = #graph.window_tiling<filters = 8, channels = 8, rows = 4, input_once = false, double_input = true, double_weights = false, mma = false>} : (tensor<1x8x4x4xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x4x4xf32>
  return %c : tensor<1x8x4x4xf32>
}

// -----

// Each kind of kernel takes its kind of tiling (the dialect's verifier).
func.func @wrong_kind(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{graph.tiling #graph.row_tiling<rows = 2> does not tile 'graph.matmul'}}
  %m = graph.matmul %a, %b {graph.tiling = #graph.row_tiling<rows = 2>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %m : tensor<4x8xf32>
}
