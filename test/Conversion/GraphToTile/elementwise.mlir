// RUN: d1-opt %s -split-input-file --d1-lower-to-tile | FileCheck %s

// A broadcast bias add: rows of 40 elements; the [40] operand's row stride is
// 0, and each row of the tile is one tile.elementwise.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: memref<4x40xf32>, %[[B:.*]]: memref<40xf32>, %[[Y:.*]]: memref<4x40xf32>)
// CHECK-SAME: d1.num_inputs = 2
// CHECK: tile.dma %[[X]][%{{.*}}] -> %{{.*}} sizes [1, 4, 40] src_strides [0, 40] dst_strides [0, 40]
// CHECK: tile.dma %[[B]][%{{.*}}] -> %{{.*}} sizes [1, 4, 40] src_strides [0, 0] dst_strides [0, 40]
// CHECK-COUNT-4: tile.elementwise add {{.*}}count = 40
// The relu of the intermediate goes straight into the output buffer.
// CHECK: tile.elementwise relu {{.*}}count = 160
// CHECK: tile.dma %{{.*}} -> %[[Y]][%{{.*}}] sizes [1, 1, 160]
// CHECK-NOT: graph.
func.func @main(%x: tensor<4x40xf32>, %b: tensor<40xf32>) -> tensor<4x40xf32> {
  %a = graph.add %x, %b : tensor<4x40xf32>, tensor<40xf32> -> tensor<4x40xf32>
  %r = graph.relu %a : tensor<4x40xf32>
  return %r : tensor<4x40xf32>
}

// -----

// A per-row scalar ([4, 1]) broadcasts inside the row: stride 0, one element
// per row in SRAM.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg1[%{{.*}}] -> %{{.*}} sizes [1, 4, 1] src_strides [0, 1] dst_strides [0, 1]
// CHECK: tile.elementwise mul {{.*}}in0_stride = 1 : i64, in1_stride = 0 : i64
func.func @main(%x: tensor<4x40xf32>, %s: tensor<4x1xf32>) -> tensor<4x40xf32> {
  %a = graph.mul %x, %s : tensor<4x40xf32>, tensor<4x1xf32> -> tensor<4x40xf32>
  return %a : tensor<4x40xf32>
}

// -----

// Reshape is free: a tile.view of the same storage, then a copy to the
// output (a function result must be its own buffer).
// CHECK-LABEL: func.func @main
// CHECK: %[[V:.*]] = tile.view %arg0 : memref<2x6xf32> to memref<3x4xf32>
// CHECK: tile.dma %[[V]]
func.func @main(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %r = graph.reshape %x : tensor<2x6xf32> -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}

// -----

// A constant becomes a memref.global read with memref.get_global.
// CHECK: memref.global "private" constant @cst0 : memref<3xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]>
// CHECK-LABEL: func.func @main
// CHECK: memref.get_global @cst0
func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
  %c = graph.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %r = graph.sub %x, %c : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %r : tensor<3xf32>
}
