# Two cores pass a 256-byte buffer of 64 fp32 values back and forth ROUNDS
# times with DMA puts. Each core adds 1.0 to every value before sending, so
# the result is the input + 2 * ROUNDS. A put signals the receiver's s0 when
# the data has landed and the sender's s1 when its buffer is free again.
        .machine mesh_rows, 1
        .machine mesh_cols, 2
        .input  x, f32, 64, sram, buf
        .output y, f32, 64, sram, buf

# --- core 0 -------------------------------------------------------------
        .core 0
        .data
buf:    .space 256
        .align 8
to1:    .byte 3, 1, 0, 0            # put to core 1: local s1, remote s0
        .half 1, 0
        .word 256, 1, 1, 0
        .dword 0, 0, 0, 0, 0
        .text
        li      x5, 10              # ROUNDS
        li      x6, buf
        li      x7, to1
        vbcasti.32 v9, %f32(1.0)
round0:
        vld     v1, 0(x6)
        vld     v2, 64(x6)
        vld     v3, 128(x6)
        vld     v4, 192(x6)
        vadd.f32 v1, v1, v9
        vadd.f32 v2, v2, v9
        vadd.f32 v3, v3, v9
        vadd.f32 v4, v4, v9
        vst     v1, 0(x6)
        vst     v2, 64(x6)
        vst     v3, 128(x6)
        vst     v4, 192(x6)
        dma     x6, x6, x7          # to core 1's buf
        sem.wait s1, 1              # our buffer may be overwritten now
        sem.wait s0, 1              # core 1's reply has landed
        addi    x5, x5, -1
        bne     x5, x0, round0
        halt

# --- core 1 -------------------------------------------------------------
        .core 1
        .data
buf:    .space 256
        .align 8
to0:    .byte 3, 1, 0, 0            # put to core 0: local s1, remote s0
        .half 0, 0
        .word 256, 1, 1, 0
        .dword 0, 0, 0, 0, 0
        .text
        li      x5, 10
        li      x6, buf
        li      x7, to0
        vbcasti.32 v9, %f32(1.0)
round1: sem.wait s0, 1              # core 0's data has landed
        vld     v1, 0(x6)
        vld     v2, 64(x6)
        vld     v3, 128(x6)
        vld     v4, 192(x6)
        vadd.f32 v1, v1, v9
        vadd.f32 v2, v2, v9
        vadd.f32 v3, v3, v9
        vadd.f32 v4, v4, v9
        vst     v1, 0(x6)
        vst     v2, 64(x6)
        vst     v3, 128(x6)
        vst     v4, 192(x6)
        dma     x6, x6, x7
        sem.wait s1, 1
        addi    x5, x5, -1
        bne     x5, x0, round1
        halt
