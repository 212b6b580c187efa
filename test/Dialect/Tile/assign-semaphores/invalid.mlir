// RUN: d1-opt %s -split-input-file -verify-diagnostics --tile-assign-semaphores

func.func @never_waited(%x: memref<64xf32, #tile.mem<dram>>, %a: memref<32xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{a started copy is never waited for}}
  %t = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
      : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  return
}

// -----

func.func @waited_twice(%x: memref<64xf32, #tile.mem<dram>>, %a: memref<32xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{a started copy is waited for 2 times; once completes it}}
  %t = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
      : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  tile.dma_wait %t on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  return
}

// -----

func.func @escapes(%x: memref<64xf32, #tile.mem<dram>>, %a: memref<32xf32, #tile.mem<sram>>) -> !tile.dma_token {
  %c0 = arith.constant 0 : index
  %t = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0]
      : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  // expected-error @+1 {{'func.return' op takes a DMA token; only tile.dma_wait, scf.for, scf.if and scf.yield may}}
  return %t : !tile.dma_token
}

// -----

func.func @too_many(%x: memref<64xf32, #tile.mem<dram>>, %a: memref<32xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  %t0 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t1 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t2 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t3 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t4 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t5 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t6 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t7 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t8 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t9 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t10 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t11 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t12 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t13 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t14 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t15 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t16 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t17 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t18 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t19 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t20 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t21 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t22 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t23 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t24 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t25 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t26 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t27 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t28 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t29 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  %t30 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  // expected-error @+1 {{more than 31 copies are in flight here; the core has semaphores 1 to 31 for started copies}}
  %t31 = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>> -> !tile.dma_token
  tile.dma_wait %t0 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t1 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t2 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t3 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t4 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t5 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t6 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t7 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t8 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t9 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t10 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t11 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t12 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t13 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t14 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t15 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t16 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t17 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t18 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t19 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t20 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t21 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t22 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t23 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t24 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t25 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t26 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t27 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t28 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t29 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t30 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  tile.dma_wait %t31 on %x -> %a : memref<64xf32, #tile.mem<dram>>, memref<32xf32, #tile.mem<sram>>
  return
}
