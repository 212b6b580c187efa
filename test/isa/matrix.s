# Matrix unit: mma.zero, mma (8x4 bf16 A times 4x8 bf16 B) accumulated twice,
# mma.rd of all four row pairs, mma.st with a row stride that leaves gaps,
# mma.ld with a padded row stride, and the documented accumulation order
# (accumulator first, then the four exact products in k order, rounding to
# fp32 after each add). Inputs/mma-ref.py reads the tiles below and computes
# the expected outputs with numpy (matmul for the exact cases). The macs
# statistic counts 256 per mma: 6 mmas here.
#
# RUN: d1-as %s -o %t.d1x
# RUN: %python %S/Inputs/mma-ref.py %s > %t.checks
# RUN: d1-run %t.d1x --print --quiet | FileCheck %t.checks
# RUN: d1-run %t.d1x --quiet --stats-json - | FileCheck %s --check-prefix=STATS
# STATS: "macs": 1536,

        .output acc0,     f32, 8x8,  sram, r_rd
        .output strided,  f32, 16x8, sram, r_st
        .output zeroed,   f32, 8x8,  sram, r_zero
        .output loaded,   f32, 8x8,  sram, r_ld
        .output rounding, f32, 8x8,  sram, r_rnd

        .data
        .align 64
# A tiles: 8 rows x 4 (A[i][k] in bf16 lane 4i+k); B tiles: 4 rows x 8.
A1:     .bf16 1, 2, 3, 4
        .bf16 -1, 0.5, 0, 2
        .bf16 0.25, -0.75, 1.5, -2
        .bf16 8, -8, 16, 1
        .bf16 0, 0, 0, 0
        .bf16 3, 1, 4, 1.5
        .bf16 -5, 9, -2, 6
        .bf16 1.0078125, 0.5, -1.5, 7
B1:     .bf16 1, 0, -1, 2, 0.5, 3, -4, 1
        .bf16 2, 1, 0, -1, 1.5, -2, 0.25, 8
        .bf16 -3, 4, 1, 0, 2, 0.5, 1, -1
        .bf16 0.5, -2, 3, 1, -1, 1, 2, 0.125
A2:     .bf16 -1, -2, -3, -4
        .bf16 0.5, 0.5, 0.5, 0.5
        .bf16 10, 20, -30, 40
        .bf16 1, 0, 0, 0
        .bf16 0, 1, 0, 0
        .bf16 0, 0, 1, 0
        .bf16 0, 0, 0, 1
        .bf16 -0.125, 64, 2, -3
B2:     .bf16 1, 1, 1, 1, 1, 1, 1, 1
        .bf16 0, 1, 2, 3, 4, 5, 6, 7
        .bf16 -1, -2, -3, -4, -5, -6, -7, -8
        .bf16 0.5, 0.25, 0.125, 2, 4, 8, 16, 1.0078125
# Rounding: row 0 adds 2^24, 1, 1 (each +1 ties back to 2^24); row 1 adds 1, 1,
# then 2^24 (exact 2^24+2); row 2's products (1+2^-7)^2 are exact in fp32 but
# not in bf16; row 3 overflows to inf in lanes 6-7; row 4 cancels.
Ar:     .bf16 16777216, 1, 1, 0
        .bf16 1, 1, 16777216, 0
        .bf16 1.0078125, 1.0078125, 0, 0
        .bf16 1.7014118346046923e38, 0, 0, 0
        .bf16 -1.7014118346046923e38, 1.7014118346046923e38, 0.5, -0.5
        .bf16 0.1015625, 3, 0.0078125, -100
        .bf16 256, 0.00390625, -256, 1
        .bf16 -1, -2, -4, -8
Br:     .bf16 1, 1, 1, 1, 1.0078125, 1.0078125, 2, 2
        .bf16 1, 1, 1, 1, 1, 1, 1, 1
        .bf16 1, 1, 1, 1, 1, 1, 1, 1
        .bf16 1, 1, 1, 1, 1, 1, 1, 1
# Then acc3 += Aa*Bb: every element adds 1 and 1 to what it holds; on 2^24 each
# add ties back to 2^24 (the accumulator takes part in the first add; summing
# the products first would give 2^24+2).
Aa:     .bf16 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0
        .bf16 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0
Bb:     .bf16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
        .bf16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
        .align 64
# An accumulator image with 48-byte rows (8 fp32 + 4 padding values that
# must not be loaded).
C0:     .float 1, 2, 3, 4, 5, 6, 7, 8, 999, 999, 999, 999
        .float -1, -2, -3, -4, -5, -6, -7, -8, 999, 999, 999, 999
        .float 0.5, 0.25, 0.125, 0, 0, 0, 0, 100, 999, 999, 999, 999
        .float 10, 20, 30, 40, 50, 60, 70, 80, 999, 999, 999, 999
        .float 0, 0, 0, 0, 0, 0, 0, 0, 999, 999, 999, 999
        .float 1024, -1024, 1, -1, 3, 3, 3, 3, 999, 999, 999, 999
        .float 7, 7, 7, 7, -7, -7, -7, -7, 999, 999, 999, 999
        .float 0.75, 1.5, 2.25, 3, 3.75, 4.5, 5.25, 6, 999, 999, 999, 999
        .align 64
r_rd:   .zero 256
r_st:   .zero 512
r_zero: .zero 256
r_ld:   .zero 256
r_rnd:  .zero 256

        .text
        li      x1, A1
        vld     v1, 0(x1)
        li      x1, B1
        vld     v2, 0(x1)
        li      x1, A2
        vld     v3, 0(x1)
        li      x1, B2
        vld     v4, 0(x1)

        # acc0 = A1*B1 + A2*B2
        mma.zero acc0
        mma     acc0, v1, v2
        mma     acc0, v3, v4
        mma.rd  v10, acc0, 0        # rows 0-1
        mma.rd  v11, acc0, 1        # rows 2-3
        mma.rd  v12, acc0, 2        # rows 4-5
        mma.rd  v13, acc0, 3        # rows 6-7
        li      x2, r_rd
        vst     v10, 0(x2)
        vst     v11, 64(x2)
        vst     v12, 128(x2)
        vst     v13, 192(x2)

        # mma.st with a 64-byte row stride into a buffer of -1.0: every other
        # 32-byte row stays -1.
        li      x2, r_st
        vbcasti.32 v20, %f32(-1)
        li      x3, 8
.Lfill: vst     v20, 0(x2)
        addi    x2, x2, 64
        addi    x3, x3, -1
        bne     x3, x0, .Lfill
        li      x2, r_st
        li      x4, 64
        mma.st  acc0, 0(x2), x4

        # mma.zero clears an accumulator that holds data.
        mma     acc1, v1, v2
        mma.zero acc1
        li      x2, r_zero
        li      x4, 32
        mma.st  acc1, 0(x2), x4

        # mma.ld with 48-byte rows, then accumulate A1*B1 on top.
        li      x2, C0
        li      x4, 48
        mma.ld  acc2, 0(x2), x4
        mma     acc2, v1, v2
        li      x2, r_ld
        li      x4, 32
        mma.st  acc2, 0(x2), x4

        # Per-add rounding in k order.
        li      x1, Ar
        vld     v5, 0(x1)
        li      x1, Br
        vld     v6, 0(x1)
        mma.zero acc3
        mma     acc3, v5, v6
        li      x1, Aa
        vld     v7, 0(x1)
        li      x1, Bb
        vld     v8, 0(x1)
        mma     acc3, v7, v8
        li      x2, r_rnd
        li      x4, 32
        mma.st  acc3, 0(x2), x4
        halt
