# Used by ../dma.s: a 2D DRAM->SRAM transfer whose last row lies past the end
# of DRAM (DRAM here is the 256 bytes the program defines) traps.
        .dram
src:    .zero 256
        .core 0
        .data
        .align 64
dst:    .zero 64
desc:   .byte 0, 0, 0xff, 0
        .half 0, 0
        .word 16, 4, 1, 0
        .dword 64, 0, 16, 0, 0
        .text
        li      x10, desc
        li      x1, dst
        li      x2, src+64          # rows at 64, 128, 192, 256: the last is outside
        dma     x1, x2, x10
        sem.wait s0, 1
        halt
