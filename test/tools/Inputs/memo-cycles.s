# Used by ../timing-memo.test: a loop that records the cycle each iteration
# issues in, with a divide (a unit held busy) and a load whose latency
# crosses the back edge, while a DMA completes in the middle of the loop.
        .output res, i64, 256, sram, res
        .data
        .align 64
desc:   .byte 2, 0xff, 0xff, 0
        .zero 4
        .word 512, 1, 1, 0
        .zero 32
        .align 64
src:    .zero 512
        .align 64
dst:    .zero 512
        .align 64
res:    .zero 2048
        .text
        li      x20, res
        li      x21, desc
        li      x22, dst
        li      x23, src
        dma     x22, x23, x21
        li      x1, 0
        li      x2, 256
        li      x5, 7
.Lloop: cycle   x3
        div     x4, x3, x5
        ld      x6, 0(x22)
        add     x3, x3, x4
        sd      x3, 0(x20)
        addi    x20, x20, 8
        addi    x1, x1, 1
        blt     x1, x2, .Lloop
        fence
        halt
