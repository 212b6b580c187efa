// RUN: d1-opt %s -split-input-file --tile-assign-semaphores | FileCheck %s

// A chain through a loop (double buffering) holds one semaphore from its
// first copy to its last wait; a copy started inside it needs another; a
// copy started after both ended takes the lowest number again.
// CHECK-LABEL: func.func @chains
// CHECK: tile.dma %arg0[{{.*}} {sem = 1 : i64} {{.*}} -> !tile.dma_token
// CHECK: scf.for
// CHECK-NEXT: tile.dma_wait {{.*}} {sem = 1 : i64}
// CHECK-NEXT: tile.dma %arg1[{{.*}} {sem = 2 : i64} {{.*}} -> !tile.dma_token
// CHECK-NEXT: tile.dma %arg0[{{.*}} {sem = 1 : i64} {{.*}} -> !tile.dma_token
// CHECK-NEXT: tile.dma_wait {{.*}} {sem = 2 : i64}
// CHECK: scf.yield
// CHECK: tile.dma_wait {{.*}} {sem = 1 : i64}
// CHECK: tile.dma %arg1[{{.*}} {sem = 1 : i64} {{.*}} -> !tile.dma_token
// CHECK: tile.dma_wait {{.*}} {sem = 1 : i64}
module attributes {d1.target = #d1.target<{}>} {
func.func @chains(%x: memref<64xf32, #tile.mem<dram>>, %w: memref<64xf32, #tile.mem<dram>>,
                  %a: memref<32xf32, #tile.mem<sram>>, %b: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %t0 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
      : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%t = %t0) -> (!tile.dma_token) {
    tile.dma_wait %t on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
    %u = tile.dma %w[%i] -> %b[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
        : memref<64xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>> -> !tile.dma_token
    %n = tile.dma %x[%i] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
        : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
    tile.dma_wait %u on %w -> %b : memref<64xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
    scf.yield %n : !tile.dma_token
  }
  tile.dma_wait %r on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  %v = tile.dma %w[%c0] -> %b[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
      : memref<64xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>> -> !tile.dma_token
  tile.dma_wait %v on %w -> %b : memref<64xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  return
}
}

// -----

// Copies waited for at once take no semaphore (the lowering waits on 0).
// CHECK-LABEL: func.func @waited
// CHECK-NOT: sem =
module attributes {d1.target = #d1.target<{}>} {
func.func @waited(%x: memref<64xf32, #tile.mem<dram>>, %a: memref<32xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
      : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  return
}
}

// -----

// Among the free semaphores a chain takes one that copies of its shape
// used before, so that they share one DMA descriptor: the last copy (16
// elements, like the second) takes 2, not the lowest free 1.
// CHECK-LABEL: func.func @shared_descriptor
// CHECK: tile.dma %arg0{{.*}}sizes [1, 1, 32]{{.*}}{sem = 1 : i64}
// CHECK: tile.dma %arg1{{.*}}sizes [1, 1, 16]{{.*}}{sem = 2 : i64}
// CHECK: tile.dma %arg1{{.*}}sizes [1, 1, 16]{{.*}}{sem = 2 : i64}
module attributes {d1.target = #d1.target<{}>} {
func.func @shared_descriptor(%x: memref<64xf32, #tile.mem<dram>>, %w: memref<64xf32, #tile.mem<dram>>,
                             %a: memref<32xf32, #tile.mem<sram>>, %b: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  %t = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 32] src_strides [0, 0] dst_strides [0, 0]
      : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %u = tile.dma %w[%c0] -> %b[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
      : memref<64xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>> -> !tile.dma_token
  tile.dma_wait %t on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %u on %w -> %b : memref<64xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  %v = tile.dma %w[%c0] -> %b[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
      : memref<64xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>> -> !tile.dma_token
  tile.dma_wait %v on %w -> %b : memref<64xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  return
}
}
