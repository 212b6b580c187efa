# Used by ../dma.s: `halt` right after starting two DMAs; they still complete
# (an SRAM->DRAM write and a DRAM->SRAM read), and the outputs see their data.
        .output d, i32, 4, dram, dst
        .output g, i32, 4, sram, got
        .dram
dst:    .zero 16
src:    .word 7, 8, 9, 10
        .core 0
        .data
        .align 64
buf:    .word 1, 2, 3, 4
got:    .zero 16
d_out:  .byte 1, 0xff, 0xff, 0
        .half 0, 0
        .word 16, 1, 1, 0
        .dword 0, 0, 0, 0, 0
d_in:   .byte 0, 0xff, 0xff, 0
        .half 0, 0
        .word 16, 1, 1, 0
        .dword 0, 0, 0, 0, 0
        .text
        li      x10, d_out
        li      x1, dst
        li      x2, buf
        dma     x1, x2, x10
        li      x10, d_in
        li      x1, got
        li      x2, src
        dma     x1, x2, x10
        halt
