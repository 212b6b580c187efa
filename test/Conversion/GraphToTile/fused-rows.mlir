// RUN: d1-opt %s --convert-graph-to-tile | FileCheck %s

// A row kernel (a layer norm): the per-column scale and shift come into
// SRAM once; each tile of whole rows comes in once, every op runs on SRAM
// (in place where its operand dies: the centred rows overwrite the input
// tile), and only the result goes out. No DRAM buffer holds an
// intermediate.
// CHECK-LABEL: func.func @main
// CHECK-NOT: memref.alloc() : memref<2x10x
// CHECK: %[[G:.*]] = memref.alloc() : memref<64xf32, #tile.mem<sram>>
// CHECK: tile.dma %arg1[%{{.*}}] -> %[[G]][%{{.*}}] sizes [1, 1, 64]
// CHECK: %[[X:.*]] = memref.alloc() : memref<1280xf32, #tile.mem<sram>>
// CHECK: %[[R:.*]] = memref.alloc() : memref<20xf32, #tile.mem<sram>>
// CHECK: %[[SQ:.*]] = memref.alloc() : memref<1280xf32, #tile.mem<sram>>
// CHECK: tile.dma %arg0[%{{.*}}] -> %[[X]][%{{.*}}] sizes [1, 1, 1280]
// CHECK: tile.reduce sum %[[X]][%{{.*}}] -> %[[R]][%{{.*}}] {count = 20 : i64, len = 64 : i64}
// CHECK: tile.elementwise affine %[[R]]
// CHECK: tile.elementwise sub %[[X]][%{{.*}}], %[[R]][%{{.*}}] -> %[[X]][%{{.*}}] {count = 64 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64
// CHECK: tile.elementwise mul %[[X]][%{{.*}}], %[[X]][%{{.*}}] -> %[[SQ]][%{{.*}}] {count = 1280 : i64
// CHECK: tile.reduce sum %[[SQ]][%{{.*}}] -> %[[R]]
// CHECK: tile.elementwise sqrt %[[R]]
// CHECK: tile.elementwise div %[[X]][%{{.*}}], %[[R]][%{{.*}}] -> %[[X]]
// CHECK: tile.elementwise mul %[[X]][%{{.*}}], %[[G]][%{{.*}}] -> %[[X]]
// CHECK: tile.elementwise add
// CHECK-NOT: tile.dma %arg0
// CHECK: tile.dma %[[X]][%{{.*}}] -> %arg3[%{{.*}}] sizes [1, 1, 1280]
// CHECK-NOT: tile.dma
// CHECK: return
func.func @main(%arg0: tensor<2x10x64xf32>, %arg1: tensor<64xf32>, %arg2: tensor<64xf32>) -> tensor<2x10x64xf32> {
  %0 = graph.constant dense<2.000000e+00> : tensor<f32>
  %1 = graph.constant dense<9.99999974E-6> : tensor<f32>
  %2 = graph.fused rows {
    %3 = graph.reduce mean %arg0 {axes = array<i64: 2>, keepdims = true} : tensor<2x10x64xf32> -> tensor<2x10x1xf32>
    %4 = graph.sub %arg0, %3 : tensor<2x10x64xf32>, tensor<2x10x1xf32> -> tensor<2x10x64xf32>
    %5 = graph.pow %4, %0 : tensor<2x10x64xf32>, tensor<f32> -> tensor<2x10x64xf32>
    %6 = graph.reduce mean %5 {axes = array<i64: 2>, keepdims = true} : tensor<2x10x64xf32> -> tensor<2x10x1xf32>
    %7 = graph.add %6, %1 : tensor<2x10x1xf32>, tensor<f32> -> tensor<2x10x1xf32>
    %8 = graph.sqrt %7 : tensor<2x10x1xf32>
    %9 = graph.div %4, %8 : tensor<2x10x64xf32>, tensor<2x10x1xf32> -> tensor<2x10x64xf32>
    %10 = graph.mul %9, %arg1 : tensor<2x10x64xf32>, tensor<64xf32> -> tensor<2x10x64xf32>
    %11 = graph.add %10, %arg2 : tensor<2x10x64xf32>, tensor<64xf32> -> tensor<2x10x64xf32>
    graph.yield %11 : tensor<2x10x64xf32>
  } : tensor<2x10x64xf32>
  return %2 : tensor<2x10x64xf32>
}
