// RUN: d1-opt %s -split-input-file --convert-graph-to-tile | FileCheck %s

// A reduction of a scalar has no axes: one row of one element, a copy (it
// read the first of no axes before; found by fuzz-import-bytes from a
// DynamicQuantizeLinear of a scalar).
// CHECK-LABEL: func.func @main
// CHECK: tile.reduce max {{.*}} {count = 1 : i64, len = 1 : i64}
func.func @main(%arg0: tensor<f32>) -> tensor<f32> {
  %1 = graph.reduce max %arg0 {axes = array<i64>, keepdims = false} : tensor<f32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @main
// CHECK: tile.reduce sum {{.*}} {count = 1 : i64, len = 1 : i64}
func.func @main(%arg0: tensor<f32>) -> tensor<f32> {
  %1 = graph.reduce mean %arg0 {axes = array<i64>, keepdims = false} : tensor<f32> -> tensor<f32>
  return %1 : tensor<f32>
}
