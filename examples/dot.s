# Dot product of two 64-element fp32 vectors held in DRAM.
# DMA both into SRAM, FMA 16 lanes at a time, reduce, DMA the result back.
        .input  a, f32, 64, dram, a_dram
        .input  b, f32, 64, dram, b_dram
        .output y, f32, 1, dram, y_dram

        .dram
        .align 64
a_dram: .space 256
b_dram: .space 256
y_dram: .space 64

        .core 0
        .data
        .align 64
a:      .space 256
b:      .space 256
y:      .space 64
# DMA descriptors: kind, local sem, remote sem, 0, remote core (u16), 0 (u16),
# size0, size1, size2, 0, src/dst strides (i64 x 4), 0.
in_desc:                            # DRAM -> SRAM, 256 contiguous bytes, signal s0
        .byte 0, 0, 0xff, 0
        .half 0, 0
        .word 256, 1, 1, 0
        .dword 0, 0, 0, 0, 0
out_desc:                           # SRAM -> DRAM, 4 bytes, signal s1
        .byte 1, 1, 0xff, 0
        .half 0, 0
        .word 4, 1, 1, 0
        .dword 0, 0, 0, 0, 0

        .text
        li      x10, in_desc
        li      x1, a
        li      x2, a_dram
        dma     x1, x2, x10          # a <- a_dram
        li      x3, b
        li      x4, b_dram
        dma     x3, x4, x10          # b <- b_dram
        sem.wait s0, 2               # both transfers landed
        vxor    v0, v0, v0           # accumulator
        li      x5, 4                # 4 chunks of 16 lanes
loop:   vld     v1, 0(x1)
        vld     v2, 0(x3)
        vfma.f32 v0, v1, v2, v0
        addi    x1, x1, 64
        addi    x3, x3, 64
        addi    x5, x5, -1
        bne     x5, x0, loop
        vredsum.f32 v3, v0
        li      x6, y
        vst     v3, 0(x6)
        li      x11, out_desc
        li      x7, y_dram
        dma     x7, x6, x11          # y_dram <- y (first 4 bytes)
        sem.wait s1, 1
        halt
