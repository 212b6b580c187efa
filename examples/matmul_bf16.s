# C = A x B with A, B 64x64 bf16 and C 64x64 fp32, on the matrix unit.
#
# A and B come from DRAM into SRAM by DMA. C is computed in 16 blocks of
# 16x16: each block keeps four 8x8 accumulators (2x2 tiles) and walks k in
# steps of 4. One MMA takes an 8x4 A tile (8 rows of 8 bytes: a gather with
# 8-byte chunks) and a 4x8 B tile (4 rows of 16 bytes: a gather with 16-byte
# chunks). Loads for step k+1 are issued between the MMAs of step k, so the
# matrix unit and the load ports work in the same cycles.
        .input  a, bf16, 64x64, dram, a_dram
        .input  b, bf16, 64x64, dram, b_dram
        .output c, f32, 64x64, dram, c_dram

        .dram
        .align 4096
a_dram: .space 8192
b_dram: .space 8192
c_dram: .space 16384

        .core 0
        .data
A:      .space 8192                 # row stride 128 bytes
B:      .space 8192                 # row stride 128 bytes
        .space 1536                 # the last prefetches of B read past B
C:      .space 16384                # row stride 256 bytes
        .align 8
in8k:   .byte 0, 0, 0xff, 0         # DRAM -> SRAM, 8192 bytes, signal s0
        .half 0, 0
        .word 8192, 1, 1, 0
        .dword 0, 0, 0, 0, 0
out16k: .byte 1, 1, 0xff, 0         # SRAM -> DRAM, 16384 bytes, signal s1
        .half 0, 0
        .word 16384, 1, 1, 0
        .dword 0, 0, 0, 0, 0

        .text
        li      x1, A
        li      x2, a_dram
        li      x3, in8k
        dma     x1, x2, x3
        li      x1, B
        li      x2, b_dram
        dma     x1, x2, x3
        li      x20, 128            # A and B row stride
        li      x21, 256            # C row stride
        li      x22, 0              # ib: block row, 0..3
        sem.wait s0, 2

brow:   li      x23, 0              # jb: block column, 0..3
bcol:   # x10/x11: A rows 16*ib and 16*ib+8; x12/x13: B columns 16*jb and +8
        slli    x10, x22, 11        # ib * 16 rows * 128 bytes
        addi    x10, x10, A
        addi    x11, x10, 1024
        slli    x12, x23, 5         # jb * 16 columns * 2 bytes
        addi    x12, x12, B
        addi    x13, x12, 16
        slli    x14, x22, 12        # ib * 16 rows * 256 bytes
        slli    x15, x23, 6         # jb * 16 columns * 4 bytes
        add     x14, x14, x15
        addi    x14, x14, C
        mma.zero acc0
        mma.zero acc1
        mma.zero acc2
        mma.zero acc3
        # Step k = 0 into v0 (A rows 0-7), v2, v3 (B columns 0-7, 8-15), v1
        # (A rows 8-15), in the order the first MMAs need them.
        vldg    v0, x10, x20, 8
        vldg    v2, x12, x20, 16
        vldg    v3, x13, x20, 16
        vldg    v1, x11, x20, 8
        addi    x10, x10, 8         # the pointers run one k-step ahead
        addi    x11, x11, 8
        addi    x12, x12, 512
        addi    x13, x13, 512
        li      x5, 8               # 8 iterations of 2 k-steps
kloop:  addi    x5, x5, -1          # early, so the branch need not wait
        mma     acc0, v0, v2        # step k from v0-v3 while step k+1
        vldg    v4, x10, x20, 8     # loads into v4-v7
        mma     acc1, v0, v3
        vldg    v6, x12, x20, 16
        mma     acc2, v1, v2
        vldg    v7, x13, x20, 16
        mma     acc3, v1, v3
        vldg    v5, x11, x20, 8
        addi    x10, x10, 8
        addi    x11, x11, 8
        addi    x12, x12, 512
        addi    x13, x13, 512
        mma     acc0, v4, v6        # step k+1 while step k+2 loads
        vldg    v0, x10, x20, 8     # into v0-v3
        mma     acc1, v4, v7
        vldg    v2, x12, x20, 16
        mma     acc2, v5, v6
        vldg    v3, x13, x20, 16
        mma     acc3, v5, v7
        vldg    v1, x11, x20, 8
        addi    x10, x10, 8
        addi    x11, x11, 8
        addi    x12, x12, 512
        addi    x13, x13, 512
        bne     x5, x0, kloop
        mma.st  acc0, 0(x14), x21
        mma.st  acc1, 32(x14), x21
        mma.st  acc2, 2048(x14), x21  # 8 rows down
        mma.st  acc3, 2080(x14), x21
        addi    x23, x23, 1
        li      x6, 4
        blt     x23, x6, bcol
        addi    x22, x22, 1
        blt     x22, x6, brow

        li      x1, c_dram
        li      x2, C
        li      x3, out16k
        dma     x1, x2, x3
        sem.wait s1, 1
        halt
