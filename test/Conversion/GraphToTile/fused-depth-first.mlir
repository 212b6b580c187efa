// RUN: d1-opt %s --convert-graph-to-tile --canonicalize | FileCheck %s

// Convolution + relu, then max pooling, depth-first in bands of 4 pooled
// rows (8 convolution rows) on a 16 KiB SRAM. The filters and bias are
// loaded once; both input tiles are filled with their pad value once (0,
// then -inf); the convolution's output goes from SRAM to the pooling's
// tile, never to DRAM. Each later band moves the rows it still needs to the
// top of its tile (a line buffer: 2 input rows, 1 convolution row) and
// loads or computes only the new ones. The four alike middle bands share a
// loop; the last band refills the bottom padding row.
// CHECK-LABEL: func.func @main
// CHECK-NOT: memref.alloc() : memref<1x4x48x16xf32, #tile.mem<dram>>
// CHECK: %[[X:.*]] = memref.alloc() : memref<604xf32, #tile.mem<sram>>
// CHECK: %[[W:.*]] = memref.alloc() : memref<108xf32, #tile.mem<sram>>
// CHECK: tile.dma %{{.*}}[%{{.*}}] -> %[[W]][%{{.*}}] sizes [1, 4, 27]
// CHECK: %[[P:.*]] = memref.alloc() : memref<776xf32, #tile.mem<sram>>
// CHECK: tile.elementwise fill %[[X]]{{.*}}params = array<f32: 0.000000e+00>
// CHECK: tile.elementwise fill %[[P]]{{.*}}params = array<f32: 0xFF800000>
// CHECK: tile.dma %arg0[%{{.*}}] -> %[[X]][%{{.*}}] sizes [3, 9, 16] src_strides [768, 16] dst_strides [180, 18]
// CHECK: tile.conv2d conv %[[X]][%{{.*}}], %[[W]][%{{.*}}] -> %[[O:.*]][%{{.*}}] {{.*}}out_rows = 8
// CHECK: tile.elementwise relu %[[O]]
// CHECK: tile.dma %[[O]][%{{.*}}] -> %[[P]][%{{.*}}] sizes [4, 8, 16] src_strides [128, 16] dst_strides [162, 18]
// CHECK: tile.conv2d max %[[P]][%{{.*}}] -> %[[Q:.*]][%{{.*}}] {{.*}}out_rows = 4
// CHECK: tile.dma %[[Q]][%{{.*}}] -> %arg1[%{{.*}}] sizes [4, 4, 8]
// CHECK: scf.for
// CHECK: tile.dma %[[X]][%c144] -> %[[X]][%c0] sizes [3, 2, 18]
// CHECK: tile.dma %arg0[%{{.*}}] -> %[[X]][%c37] sizes [3, 8, 16]
// CHECK: tile.dma %[[P]][%c144] -> %[[P]][%c0] sizes [4, 1, 18]
// CHECK: tile.conv2d conv
// CHECK: tile.conv2d max
// CHECK: tile.dma %{{.*}}[%{{.*}}] -> %arg1[%{{.*}}] sizes [4, 4, 8]
// CHECK: }
// CHECK: tile.elementwise fill %[[X]]{{.*}}count = 18 : i64
// CHECK: tile.dma %arg0[%{{.*}}] -> %[[X]][%c37] sizes [3, 7, 16]
// CHECK: tile.conv2d max
// CHECK-NOT: tile.conv2d
// CHECK: return
module attributes {d1.target = #d1.target<{sram_bytes = 16384 : i64}>} {
func.func @main(%x: tensor<1x3x48x16xf32>) -> tensor<1x4x24x8xf32> {
  %w = graph.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = graph.constant dense<0.25> : tensor<4xf32>
  %y = graph.fused depth_first {
    %c = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x48x16xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x48x16xf32>
    %r = graph.relu %c : tensor<1x4x48x16xf32>
    %p = graph.max_pool %r {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x4x48x16xf32> -> tensor<1x4x24x8xf32>
    graph.yield %p : tensor<1x4x24x8xf32>
  } : tensor<1x4x24x8xf32>
  return %y : tensor<1x4x24x8xf32>
}
}
