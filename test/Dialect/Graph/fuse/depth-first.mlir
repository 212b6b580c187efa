// RUN: d1-opt %s -split-input-file --graph-fuse | FileCheck %s
// RUN: d1-opt %s -split-input-file --graph-fuse=depth-first=false | FileCheck %s --check-prefix=OFF

// A stem: convolution with its relu, then max pooling of the relu's
// output (read by nothing else): one depth-first group; the 32x32
// convolution output never becomes a value outside it.
// CHECK-LABEL: func.func @stem
// CHECK: %[[Y:.*]] = graph.fused depth_first {
// CHECK-NEXT: %[[C:.*]] = graph.conv %arg0
// CHECK-NEXT: %[[R:.*]] = graph.relu %[[C]]
// CHECK-NEXT: %[[P:.*]] = graph.max_pool %[[R]]
// CHECK-NEXT: graph.yield %[[P]] : tensor<1x16x16x16xf32>
// CHECK-NEXT: } : tensor<1x16x16x16xf32>
// CHECK-NEXT: return %[[Y]]
// OFF-LABEL: func.func @stem
// OFF-NOT: depth_first
// OFF: graph.fused epilogue
// OFF: graph.max_pool
func.func @stem(%x: tensor<1x3x64x64xf32>) -> tensor<1x16x16x16xf32> {
  %w = graph.constant dense<0.5> : tensor<16x3x7x7xf32>
  %b = graph.constant dense<0.25> : tensor<16xf32>
  %c = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 3, 3, 3, 3>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x64x64xf32>, tensor<16x3x7x7xf32>, tensor<16xf32>) -> tensor<1x16x32x32xf32>
  %r = graph.relu %c : tensor<1x16x32x32xf32>
  %p = graph.max_pool %r {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
  return %p : tensor<1x16x16x16xf32>
}

// -----

// An inverted residual block: 1x1 expansion, depthwise 3x3, 1x1
// projection with the residual in its epilogue. Three stages; the
// residual is read by the last stage only.
// CHECK-LABEL: func.func @inverted_residual
// CHECK: graph.fused depth_first {
// CHECK-NEXT: graph.conv %arg0
// CHECK-NEXT: graph.clip
// CHECK-NEXT: graph.conv {{.*}}group = 96
// CHECK-NEXT: graph.clip
// CHECK-NEXT: graph.conv
// CHECK-NEXT: graph.add {{.*}}, %arg0
// CHECK-NEXT: graph.yield
func.func @inverted_residual(%x: tensor<1x16x40x40xf32>) -> tensor<1x16x40x40xf32> {
  %we = graph.constant dense<0.5> : tensor<96x16x1x1xf32>
  %wd = graph.constant dense<0.5> : tensor<96x1x3x3xf32>
  %wp = graph.constant dense<0.5> : tensor<16x96x1x1xf32>
  %e = graph.conv %x, %we {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x16x40x40xf32>, tensor<96x16x1x1xf32>) -> tensor<1x96x40x40xf32>
  %e6 = graph.clip %e {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x96x40x40xf32>
  %d = graph.conv %e6, %wd {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 96 : i64} : (tensor<1x96x40x40xf32>, tensor<96x1x3x3xf32>) -> tensor<1x96x40x40xf32>
  %d6 = graph.clip %d {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x96x40x40xf32>
  %p = graph.conv %d6, %wp {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x96x40x40xf32>, tensor<16x96x1x1xf32>) -> tensor<1x16x40x40xf32>
  %y = graph.add %p, %x : tensor<1x16x40x40xf32>, tensor<1x16x40x40xf32> -> tensor<1x16x40x40xf32>
  return %y : tensor<1x16x40x40xf32>
}

// -----

// The relu's output is also returned: the stage before the pooling would
// have to write it to DRAM anyway, so no chain.
// CHECK-LABEL: func.func @read_twice
// CHECK-NOT: depth_first
// CHECK: graph.fused epilogue
// CHECK: graph.max_pool
func.func @read_twice(%x: tensor<1x3x64x64xf32>) -> (tensor<1x16x32x32xf32>, tensor<1x16x16x16xf32>) {
  %w = graph.constant dense<0.5> : tensor<16x3x3x3xf32>
  %c = graph.conv %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x64x64xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x32x32xf32>
  %r = graph.relu %c : tensor<1x16x32x32xf32>
  %p = graph.max_pool %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
  return %r, %p : tensor<1x16x32x32xf32>, tensor<1x16x16x16xf32>
}

// -----

// Two 512-channel 3x3 convolutions: their 18.9 MB of weights cannot stay in
// SRAM for the bands, so each runs on its own.
// CHECK-LABEL: func.func @too_big
// CHECK-NOT: depth_first
func.func @too_big(%x: tensor<1x512x7x7xf32>, %w: tensor<512x512x3x3xf32>) -> tensor<1x512x7x7xf32> {
  %a = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x512x7x7xf32>, tensor<512x512x3x3xf32>) -> tensor<1x512x7x7xf32>
  %b = graph.conv %a, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x512x7x7xf32>, tensor<512x512x3x3xf32>) -> tensor<1x512x7x7xf32>
  return %b : tensor<1x512x7x7xf32>
}
