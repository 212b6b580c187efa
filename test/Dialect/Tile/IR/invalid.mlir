// RUN: d1-opt %s -split-input-file -verify-diagnostics

func.func @dram_to_dram(%a: memref<16xf32, #tile.mem<dram>>, %b: memref<16xf32, #tile.mem<dram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{copies DRAM to DRAM; one side must be SRAM}}
  tile.dma %a[%c0] -> %b[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<dram>>
  return
}

// -----

func.func @matmul_in_dram(%a: memref<16xf32, #tile.mem<dram>>, %s: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{A must be in SRAM}}
  tile.matmul %a[%c0], %s[%c0] -> %s[%c0] {accumulate = false, k = 4 : i64, lda = 4 : i64, ldb = 4 : i64, ldc = 4 : i64, m = 4 : i64, n = 4 : i64} : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @window_too_big(%s: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{windows run past the input tile}}
  tile.conv2d max %s[%c0] -> %s[%c0] {accumulate = false, channels = 1 : i64, dil_h = 1 : i64, dil_w = 1 : i64, filters = 1 : i64, in_cols = 4 : i64, in_rows = 4 : i64, kh = 3 : i64, kw = 3 : i64, out_cols = 3 : i64, out_rows = 2 : i64, stride_h = 1 : i64, stride_w = 1 : i64} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @unary_with_two(%s: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'relu' takes 1 input}}
  tile.elementwise relu %s[%c0], %s[%c0] -> %s[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @where_needs_bool(%s: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{where's condition must be bool}}
  tile.elementwise where %s[%c0], %s[%c0], %s[%c0] -> %s[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64, in2_stride = 1 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @compare_gives_bool(%s: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{output element type should be 'i1'}}
  tile.elementwise lt %s[%c0], %s[%c0] -> %s[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @sin_of_ints(%s: memref<16xi32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'sin' takes fp32}}
  tile.elementwise sin %s[%c0] -> %s[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64, params = array<f32>} : memref<16xi32, #tile.mem<sram>>, memref<16xi32, #tile.mem<sram>>
  return
}

// -----

func.func @logic_on_floats(%s: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{logical and bitwise kinds take bool or integers}}
  tile.elementwise and %s[%c0], %s[%c0] -> %s[%c0] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64, params = array<f32>} : memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @dma_semaphore_zero(%x: memref<16xf32, #tile.mem<dram>>, %a: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{semaphore 0 is not 1 to 31 (0 is the waited copies')}}
  %t = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] {sem = 0 : i64} : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>> -> !tile.dma_token
  return
}

// -----

func.func @waited_copy_with_semaphore(%x: memref<16xf32, #tile.mem<dram>>, %a: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{has a semaphore but no token: a waited copy uses semaphore 0}}
  tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] {sem = 3 : i64} : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @dma_wait_semaphore(%x: memref<16xf32, #tile.mem<dram>>, %a: memref<16xf32, #tile.mem<sram>>, %t: !tile.dma_token) {
  // expected-error @+1 {{semaphore 32 is not 1 to 31}}
  tile.dma_wait %t on %x -> %a {sem = 32 : i64} : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @dma_wait_other_buffers(%x: memref<16xf32, #tile.mem<dram>>, %a: memref<16xf32, #tile.mem<sram>>, %b: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  %t = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>> -> !tile.dma_token
  // expected-error @+1 {{names another source or destination than the copy it waits for}}
  tile.dma_wait %t on %x -> %b : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @dma_wait_other_semaphore(%x: memref<16xf32, #tile.mem<dram>>, %a: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  %t = tile.dma %x[%c0] -> %a[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] {sem = 1 : i64} : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>> -> !tile.dma_token
  // expected-error @+1 {{has another semaphore than the copy it waits for}}
  tile.dma_wait %t on %x -> %a {sem = 2 : i64} : memref<16xf32, #tile.mem<dram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @mma_weights_fp32(%x: memref<1216xf32, #tile.mem<sram>>, %w: memref<1152xf32, #tile.mem<sram>>, %v: memref<4000xbf16, #tile.mem<sram>>, %o: memref<1600xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{weights must be bf16}}
  tile.conv2d_mma %x[%c0], %w[%c0], %v[%c0] -> %o[%c0] {accumulate = false, channels = 8 : i64, dil_h = 1 : i64, dil_w = 1 : i64, filters = 16 : i64, in_cols = 12 : i64, in_rows = 12 : i64, kh = 3 : i64, kw = 3 : i64, out_cols = 10 : i64, out_rows = 10 : i64, stride_h = 1 : i64, stride_w = 1 : i64} : memref<1216xf32, #tile.mem<sram>>, memref<1152xf32, #tile.mem<sram>>, memref<4000xbf16, #tile.mem<sram>>, memref<1600xf32, #tile.mem<sram>>
  return
}

// -----

func.func @mma_stride_3(%x: memref<1216xf32, #tile.mem<sram>>, %w: memref<1152xbf16, #tile.mem<sram>>, %v: memref<4000xbf16, #tile.mem<sram>>, %o: memref<1600xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{column stride must be 1 or 2}}
  tile.conv2d_mma %x[%c0], %w[%c0], %v[%c0] -> %o[%c0] {accumulate = false, channels = 8 : i64, dil_h = 1 : i64, dil_w = 1 : i64, filters = 16 : i64, in_cols = 12 : i64, in_rows = 12 : i64, kh = 3 : i64, kw = 3 : i64, out_cols = 3 : i64, out_rows = 10 : i64, stride_h = 1 : i64, stride_w = 3 : i64} : memref<1216xf32, #tile.mem<sram>>, memref<1152xbf16, #tile.mem<sram>>, memref<4000xbf16, #tile.mem<sram>>, memref<1600xf32, #tile.mem<sram>>
  return
}

// -----

func.func @mma_small_weights(%x: memref<1216xf32, #tile.mem<sram>>, %w: memref<1000xbf16, #tile.mem<sram>>, %v: memref<4000xbf16, #tile.mem<sram>>, %o: memref<1600xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{weights needs 1152 elements from 0, the buffer has 1000}}
  tile.conv2d_mma %x[%c0], %w[%c0], %v[%c0] -> %o[%c0] {accumulate = false, channels = 8 : i64, dil_h = 1 : i64, dil_w = 1 : i64, filters = 16 : i64, in_cols = 12 : i64, in_rows = 12 : i64, kh = 3 : i64, kw = 3 : i64, out_cols = 10 : i64, out_rows = 10 : i64, stride_h = 1 : i64, stride_w = 1 : i64} : memref<1216xf32, #tile.mem<sram>>, memref<1000xbf16, #tile.mem<sram>>, memref<4000xbf16, #tile.mem<sram>>, memref<1600xf32, #tile.mem<sram>>
  return
}

// -----

func.func @mma_bias_accumulate(%x: memref<1216xf32, #tile.mem<sram>>, %w: memref<1152xbf16, #tile.mem<sram>>, %v: memref<4000xbf16, #tile.mem<sram>>, %b: memref<16xf32, #tile.mem<sram>>, %o: memref<1600xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{a bias starts the accumulators: not with accumulate}}
  tile.conv2d_mma %x[%c0], %w[%c0], %v[%c0], bias %b[%c0] -> %o[%c0] {accumulate = true, channels = 8 : i64, dil_h = 1 : i64, dil_w = 1 : i64, filters = 16 : i64, in_cols = 12 : i64, in_rows = 12 : i64, kh = 3 : i64, kw = 3 : i64, out_cols = 10 : i64, out_rows = 10 : i64, stride_h = 1 : i64, stride_w = 1 : i64} : memref<1216xf32, #tile.mem<sram>>, memref<1152xbf16, #tile.mem<sram>>, memref<4000xbf16, #tile.mem<sram>>, memref<1600xf32, #tile.mem<sram>>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @mma_views_too_small(%x: memref<1216xf32, #tile.mem<sram>>, %v: memref<1000xbf16, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{views need 2496 elements from 0, the buffer has 1000}}
  tile.mma_views %x[%c0] -> %v[%c0] {channels = 8 : i64, dil_w = 1 : i64, in_cols = 12 : i64, in_rows = 12 : i64, kw = 3 : i64, out_cols = 10 : i64, stride_w = 1 : i64} : memref<1216xf32, #tile.mem<sram>>, memref<1000xbf16, #tile.mem<sram>>
  return
}

// -----

func.func @mma_views_types(%x: memref<1216xf32, #tile.mem<sram>>, %v: memref<4000xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{converts f32 to bf16}}
  tile.mma_views %x[%c0] -> %v[%c0] {channels = 8 : i64, dil_w = 1 : i64, in_cols = 12 : i64, in_rows = 12 : i64, kw = 3 : i64, out_cols = 10 : i64, stride_w = 1 : i64} : memref<1216xf32, #tile.mem<sram>>, memref<4000xf32, #tile.mem<sram>>
  return
}

// -----

func.func @mma_views_odd_width(%x: memref<1216xf32, #tile.mem<sram>>, %v: memref<4000xbf16, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{input rows must be a multiple of twice the column stride wide}}
  tile.mma_views %x[%c0] -> %v[%c0] {channels = 8 : i64, dil_w = 1 : i64, in_cols = 11 : i64, in_rows = 12 : i64, kw = 3 : i64, out_cols = 9 : i64, stride_w = 1 : i64} : memref<1216xf32, #tile.mem<sram>>, memref<4000xbf16, #tile.mem<sram>>
  return
}

// -----

func.func @matmul_mma_f32_scratch(%a: memref<468xf32, #tile.mem<sram>>, %b: memref<720xf32, #tile.mem<sram>>, %s: memref<1568xf32, #tile.mem<sram>>, %c: memref<260xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{scratch must be bf16}}
  tile.matmul_mma %a[%c0], %b[%c0], %s[%c0] -> %c[%c0] {accumulate = false, k = 36 : i64, lda = 36 : i64, ldb = 20 : i64, ldc = 20 : i64, m = 13 : i64, n = 20 : i64} : memref<468xf32, #tile.mem<sram>>, memref<720xf32, #tile.mem<sram>>, memref<1568xf32, #tile.mem<sram>>, memref<260xf32, #tile.mem<sram>>
  return
}

// -----

func.func @matmul_mma_small_scratch(%a: memref<468xf32, #tile.mem<sram>>, %b: memref<720xf32, #tile.mem<sram>>, %s: memref<1500xbf16, #tile.mem<sram>>, %c: memref<260xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{scratch needs 1568 elements from 0, the buffer has 1500}}
  tile.matmul_mma %a[%c0], %b[%c0], %s[%c0] -> %c[%c0] {accumulate = false, k = 36 : i64, lda = 36 : i64, ldb = 20 : i64, ldc = 20 : i64, m = 13 : i64, n = 20 : i64} : memref<468xf32, #tile.mem<sram>>, memref<720xf32, #tile.mem<sram>>, memref<1500xbf16, #tile.mem<sram>>, memref<260xf32, #tile.mem<sram>>
  return
}

// -----

func.func @matmul_mma_short_ld(%a: memref<468xf32, #tile.mem<sram>>, %b: memref<720xf32, #tile.mem<sram>>, %s: memref<1568xbf16, #tile.mem<sram>>, %c: memref<260xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{a leading dimension is smaller than its row}}
  tile.matmul_mma %a[%c0], %b[%c0], %s[%c0] -> %c[%c0] {accumulate = false, k = 36 : i64, lda = 30 : i64, ldb = 20 : i64, ldc = 20 : i64, m = 13 : i64, n = 20 : i64} : memref<468xf32, #tile.mem<sram>>, memref<720xf32, #tile.mem<sram>>, memref<1568xbf16, #tile.mem<sram>>, memref<260xf32, #tile.mem<sram>>
  return
}

// -----

func.func @matmul_mma_c_too_small(%a: memref<468xf32, #tile.mem<sram>>, %b: memref<720xf32, #tile.mem<sram>>, %s: memref<1568xbf16, #tile.mem<sram>>, %c: memref<200xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{C needs 260 elements from 0, the buffer has 200}}
  tile.matmul_mma %a[%c0], %b[%c0], %s[%c0] -> %c[%c0] {accumulate = false, k = 36 : i64, lda = 36 : i64, ldb = 20 : i64, ldc = 20 : i64, m = 13 : i64, n = 20 : i64} : memref<468xf32, #tile.mem<sram>>, memref<720xf32, #tile.mem<sram>>, memref<1568xbf16, #tile.mem<sram>>, memref<200xf32, #tile.mem<sram>>
  return
}

// -----

// A buffer states its memory: a memref without #tile.mem is not a tile buffer.
func.func @no_memory_space(%a: memref<16xf32>, %s: memref<16xf32, #tile.mem<sram>>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{operand #0 must be memref in #tile.mem<dram> or #tile.mem<sram>}}
  tile.dma %a[%c0] -> %s[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32>, memref<16xf32, #tile.mem<sram>>
  return
}

// -----

func.func @integer_memory_space(%a: memref<16xf32, #tile.mem<dram>>, %s: memref<16xf32, 1>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{operand #2 must be memref in #tile.mem<dram> or #tile.mem<sram>}}
  tile.dma %a[%c0] -> %s[%c0] sizes [1, 1, 16] src_strides [0, 0] dst_strides [0, 0] : memref<16xf32, #tile.mem<dram>>, memref<16xf32, 1>
  return
}

// -----

// expected-error @+2 {{expected ::d1::tile::MemKind to be one of: dram, sram}}
// expected-error @+1 {{failed to parse Tile_MemorySpaceAttr parameter 'kind'}}
func.func @unknown_memory(%a: memref<16xf32, #tile.mem<hbm>>)
