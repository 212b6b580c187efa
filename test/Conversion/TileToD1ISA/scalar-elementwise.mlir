// RUN: d1-opt %s -split-input-file --tile-plan-memory --convert-tile-to-d1isa | FileCheck %s

// Integers go element by element: a loop of scalar loads (with the type's
// width and signedness), the scalar operation and a store of the result's
// width. int64 add: ld, ld, add, sd.
// CHECK-LABEL: func.func @main
// CHECK: scf.for
// CHECK: d1isa.ld
// CHECK: d1isa.ld
// CHECK: d1isa.add
// CHECK: d1isa.sd
func.func @main() {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<8xi64, #tile.mem<sram>>
  %b = memref.alloc() : memref<8xi64, #tile.mem<sram>>
  tile.elementwise add %a[%c0], %a[%c0] -> %b[%c0] {count = 8 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64, params = array<f32>} : memref<8xi64, #tile.mem<sram>>, memref<8xi64, #tile.mem<sram>>, memref<8xi64, #tile.mem<sram>>
  memref.dealloc %a : memref<8xi64, #tile.mem<sram>>
  memref.dealloc %b : memref<8xi64, #tile.mem<sram>>
  return
}

// -----

// Unsigned bytes load zero-extended and divide unsigned; the quotient is
// stored as a byte.
// CHECK-LABEL: func.func @main
// CHECK: d1isa.lbu
// CHECK: d1isa.lbu
// CHECK: d1isa.divu
// CHECK: d1isa.sb
func.func @main() {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<8xui8, #tile.mem<sram>>
  %b = memref.alloc() : memref<8xui8, #tile.mem<sram>>
  tile.elementwise div %a[%c0], %a[%c0] -> %b[%c0] {count = 8 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64, params = array<f32>} : memref<8xui8, #tile.mem<sram>>, memref<8xui8, #tile.mem<sram>>, memref<8xui8, #tile.mem<sram>>
  memref.dealloc %a : memref<8xui8, #tile.mem<sram>>
  memref.dealloc %b : memref<8xui8, #tile.mem<sram>>
  return
}

// -----

// An fp32 comparison giving bool: the fp32 bits go through lane 0 of a
// vector register (vbcast, vcmplt, vext), and the mask becomes 0 or 1.
// CHECK-LABEL: func.func @main
// CHECK: d1isa.lw
// CHECK: d1isa.lw
// CHECK: d1isa.vbcast_32
// CHECK: d1isa.vbcast_32
// CHECK: d1isa.vcmplt_f32
// CHECK: d1isa.vext_32
// CHECK: d1isa.andi {{.*}} {imm = 1 : i64}
// CHECK: d1isa.sb
func.func @main() {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<8xf32, #tile.mem<sram>>
  %b = memref.alloc() : memref<8xi1, #tile.mem<sram>>
  tile.elementwise lt %a[%c0], %a[%c0] -> %b[%c0] {count = 8 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<8xf32, #tile.mem<sram>>, memref<8xi1, #tile.mem<sram>>, memref<8xf32, #tile.mem<sram>>
  memref.dealloc %a : memref<8xf32, #tile.mem<sram>>
  memref.dealloc %b : memref<8xi1, #tile.mem<sram>>
  return
}

// -----

// where: the condition byte selects between the bit patterns of x and y
// without a branch: y ^ ((x ^ y) & -cond).
// CHECK-LABEL: func.func @main
// CHECK: %[[C:.*]] = d1isa.lbu
// CHECK: %[[X:.*]] = d1isa.lw
// CHECK: %[[Y:.*]] = d1isa.lw
// CHECK: %[[XY:.*]] = d1isa.xor %[[X]], %[[Y]]
// CHECK: %[[M:.*]] = d1isa.sub %{{.*}}, %[[C]]
// CHECK: %[[S:.*]] = d1isa.and %[[XY]], %[[M]]
// CHECK: d1isa.xor %[[Y]], %[[S]]
func.func @main() {
  %c0 = arith.constant 0 : index
  %c = memref.alloc() : memref<8xi1, #tile.mem<sram>>
  %x = memref.alloc() : memref<8xf32, #tile.mem<sram>>
  %o = memref.alloc() : memref<8xf32, #tile.mem<sram>>
  tile.elementwise where %c[%c0], %x[%c0], %x[%c0] -> %o[%c0] {count = 8 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64, in2_stride = 1 : i64, params = array<f32>} : memref<8xi1, #tile.mem<sram>>, memref<8xf32, #tile.mem<sram>>, memref<8xf32, #tile.mem<sram>>, memref<8xf32, #tile.mem<sram>>
  memref.dealloc %c : memref<8xi1, #tile.mem<sram>>
  memref.dealloc %x : memref<8xf32, #tile.mem<sram>>
  memref.dealloc %o : memref<8xf32, #tile.mem<sram>>
  return
}

// -----

// Converting between integer types is a load of one width and a store of
// another (numpy's wrap-around); int16 -> bool is "not zero".
// CHECK-LABEL: func.func @main
// CHECK: d1isa.lh
// CHECK: d1isa.sltu
// CHECK: d1isa.sb
func.func @main() {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<8xi16, #tile.mem<sram>>
  %b = memref.alloc() : memref<8xi1, #tile.mem<sram>>
  tile.convert %a[%c0] -> %b[%c0] {count = 8 : i64} : memref<8xi16, #tile.mem<sram>>, memref<8xi1, #tile.mem<sram>>
  memref.dealloc %a : memref<8xi16, #tile.mem<sram>>
  memref.dealloc %b : memref<8xi1, #tile.mem<sram>>
  return
}
