# Two puts share a link: cores 0 and 1 of a 1 x 3 mesh each put 6400 bytes
# to core 2 in the same cycle. Core 0's route crosses links 0->1 and 1->2,
# core 1's only 1->2: on 1->2 (64 B/cycle) each gets 32 B/cycle, so each
# streams for 200 cycles instead of 100, then the latency of the path
# (dma_mesh_latency 32 + 1 per hop): 200 + 34 = 234 for core 0, 200 + 33 =
# 233 for core 1. Core 0 then puts the same again, alone: 100 + 34 = 134.
        .machine mesh_rows, 1
        .machine mesh_cols, 3
        .core 0
        .output t0, i64, 2, sram, res
        .data
        .align 64
res:    .zero 64
put:    .byte 3, 0, 0xff, 0         # put 6400 bytes to core 2; local s0
        .half 2, 0
        .word 6400, 1, 1, 0
        .dword 0, 0, 0, 0, 0
        .align 64
buf:    .zero 6400
        .text
        li      x20, res
        li      x1, buf
        li      x10, put
        ld      x9, 0(x20)
        sd      x9, 0(x20)
        dma     x1, x1, x10
        cycle   x5
        sem.wait s0, 1
        cycle   x6
        sub     x7, x6, x5
        sd      x7, 0(x20)
        ld      x9, 8(x20)
        sd      x9, 8(x20)
        dma     x1, x1, x10
        cycle   x5
        sem.wait s0, 1
        cycle   x6
        sub     x7, x6, x5
        sd      x7, 8(x20)
        halt

        .core 1
        .output t1, i64, 1, sram, res
        .data
        .align 64
res:    .zero 64
put:    .byte 3, 0, 0xff, 0         # put 6400 bytes to core 2; local s0
        .half 2, 0
        .word 6400, 1, 1, 0
        .dword 0, 0, 0, 0, 0
        .align 64
buf:    .zero 6400
        .text
        li      x20, res
        li      x1, buf
        li      x10, put
        ld      x9, 0(x20)
        sd      x9, 0(x20)
        dma     x1, x1, x10
        cycle   x5
        sem.wait s0, 1
        cycle   x6
        sub     x7, x6, x5
        sd      x7, 0(x20)
        halt
