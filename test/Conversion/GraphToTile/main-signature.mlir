// RUN: d1-opt %s --convert-graph-to-tile --canonicalize | FileCheck %s

// @main's results become output arguments after its inputs, with their
// attributes; a result an op computes is written by that op straight into
// its output; the return copies in the rest: a value returned a second time
// and an input returned as it is.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[a-z0-9_]+]]: memref<4x8xf32, #tile.mem<dram>> {d1.name = "x"},
// CHECK-SAME: %{{.*}}: memref<4x8xf32, #tile.mem<dram>> {d1.name = "y"},
// CHECK-SAME: %[[R:[a-z0-9_]+]]: memref<4x8xf32, #tile.mem<dram>> {d1.name = "r"},
// CHECK-SAME: %[[R2:[a-z0-9_]+]]: memref<4x8xf32, #tile.mem<dram>> {d1.name = "r2"},
// CHECK-SAME: %[[XO:[a-z0-9_]+]]: memref<4x8xf32, #tile.mem<dram>> {d1.name = "xo"})
// CHECK-SAME: attributes {d1.num_inputs = 2 : i64}
// CHECK: tile.elementwise relu
// CHECK-NEXT: tile.dma %{{.*}} -> %[[R]]
// CHECK: tile.dma %[[R]]{{.*}} -> %[[SR:[a-z0-9_]+]][
// CHECK-NEXT: tile.dma %[[SR]]{{.*}} -> %[[R2]]
// CHECK: tile.dma %[[X]]{{.*}} -> %[[SX:[a-z0-9_]+]][
// CHECK-NEXT: tile.dma %[[SX]]{{.*}} -> %[[XO]]
// CHECK: return
func.func @main(%x: tensor<4x8xf32> {d1.name = "x"}, %y: tensor<4x8xf32> {d1.name = "y"})
    -> (tensor<4x8xf32> {d1.name = "r"}, tensor<4x8xf32> {d1.name = "r2"},
        tensor<4x8xf32> {d1.name = "xo"}) {
  %r = graph.relu %x : tensor<4x8xf32>
  return %r, %r, %x : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

