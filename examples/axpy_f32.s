# y = a * x + y over 1024 fp32 values with the fused vfma.f32, 4 vectors per
# iteration so that each FMA's inputs have arrived when it issues.
        .input  a, f32, scalar, dram, a_dram
        .input  x, f32, 1024, dram, x_dram
        .input  y, f32, 1024, dram, y_dram
        .output out, f32, 1024, dram, out_dram

        .dram
        .align 64
a_dram:   .space 64
x_dram:   .space 4096
y_dram:   .space 4096
out_dram: .space 4096

        .core 0
        .data
X:      .space 4096
Y:      .space 4096
A:      .space 64
        .align 8
in4k:   .byte 0, 0, 0xff, 0         # DRAM -> SRAM, 4096 bytes, signal s0
        .half 0, 0
        .word 4096, 1, 1, 0
        .dword 0, 0, 0, 0, 0
in4:    .byte 0, 0, 0xff, 0         # DRAM -> SRAM, 4 bytes, signal s0
        .half 0, 0
        .word 4, 1, 1, 0
        .dword 0, 0, 0, 0, 0
out4k:  .byte 1, 1, 0xff, 0         # SRAM -> DRAM, 4096 bytes, signal s1
        .half 0, 0
        .word 4096, 1, 1, 0
        .dword 0, 0, 0, 0, 0

        .text
        li      x1, X
        li      x2, x_dram
        li      x3, in4k
        dma     x1, x2, x3
        li      x1, Y
        li      x2, y_dram
        dma     x1, x2, x3
        li      x1, A
        li      x2, a_dram
        li      x3, in4
        dma     x1, x2, x3
        sem.wait s0, 3
        vldb.32 v0, A(x0)           # a in every lane
        li      x1, X
        li      x2, Y
        li      x5, 16              # 16 iterations of 64 values
loop:   vld     v1, 0(x1)
        vld     v2, 0(x2)
        vld     v3, 64(x1)
        vld     v4, 64(x2)
        vld     v5, 128(x1)
        vld     v6, 128(x2)
        vld     v7, 192(x1)
        vld     v8, 192(x2)
        addi    x5, x5, -1
        vfma.f32 v2, v0, v1, v2
        vfma.f32 v4, v0, v3, v4
        vfma.f32 v6, v0, v5, v6
        vfma.f32 v8, v0, v7, v8
        vst     v2, 0(x2)
        vst     v4, 64(x2)
        vst     v6, 128(x2)
        vst     v8, 192(x2)
        addi    x1, x1, 256
        addi    x2, x2, 256
        bne     x5, x0, loop
        li      x1, out_dram
        li      x2, Y
        li      x3, out4k
        dma     x1, x2, x3
        sem.wait s1, 1
        halt
