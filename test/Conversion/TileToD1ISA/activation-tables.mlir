// RUN: d1-opt %s -split-input-file --tile-plan-memory --convert-tile-to-d1isa="activation-tables=true" | FileCheck %s
// RUN: d1-opt %s -split-input-file --tile-plan-memory --convert-tile-to-d1isa | FileCheck %s --check-prefix=OFF

// erf from its table: the eight coefficient registers are loaded once,
// before the loop; each vector picks its pieces with four vperm.32 and
// evaluates the cubic with three FMAs. No exp, no divide. (Sixteen vectors:
// a loop of four per iteration.)
// CHECK-LABEL: func.func @main
// CHECK-COUNT-8: d1isa.vld
// CHECK: scf.for
// CHECK: d1isa.vcvt_i32_f32
// CHECK-COUNT-4: d1isa.vperm_32
// CHECK-NOT: d1isa.vexp_f32
// CHECK: d1isa.vor
// CHECK: d1isa.vst
// OFF-LABEL: func.func @main
// OFF-NOT: d1isa.vperm_32
// OFF: d1isa.vexp_f32
func.func @main(%x: memref<256xf32, #tile.mem<dram>> {d1.name = "x"}, %y: memref<256xf32, #tile.mem<dram>> {d1.name = "y"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<256xf32, #tile.mem<sram>>
  tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 256] src_strides [0, 0] dst_strides [0, 0] : memref<256xf32, #tile.mem<dram>>, memref<256xf32, #tile.mem<sram>>
  tile.elementwise erf %a[%c0] -> %a[%c0] {count = 256 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<256xf32, #tile.mem<sram>>, memref<256xf32, #tile.mem<sram>>
  tile.dma %a[%c0] -> %y[%c0] sizes [1, 1, 256] src_strides [0, 0] dst_strides [0, 0] : memref<256xf32, #tile.mem<sram>>, memref<256xf32, #tile.mem<dram>>
  memref.dealloc %a : memref<256xf32, #tile.mem<sram>>
  return
}

// -----

// sigmoid has no table: its computed form (neg, exp, add, reciprocal) is
// already short. It is computed either way.
// CHECK-LABEL: func.func @main
// CHECK-NOT: d1isa.vperm_32
// CHECK: d1isa.vexp_f32
func.func @main(%x: memref<64xf32, #tile.mem<dram>> {d1.name = "x"}, %y: memref<64xf32, #tile.mem<dram>> {d1.name = "y"}) attributes {d1.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<64xf32, #tile.mem<sram>>
  tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 64] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<dram>>, memref<64xf32, #tile.mem<sram>>
  tile.elementwise sigmoid %a[%c0] -> %a[%c0] {count = 64 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<64xf32, #tile.mem<sram>>, memref<64xf32, #tile.mem<sram>>
  tile.dma %a[%c0] -> %y[%c0] sizes [1, 1, 64] src_strides [0, 0] dst_strides [0, 0] : memref<64xf32, #tile.mem<sram>>, memref<64xf32, #tile.mem<dram>>
  memref.dealloc %a : memref<64xf32, #tile.mem<sram>>
  return
}
