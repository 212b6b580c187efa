# Two cores share a DRAM port: a 1 x 2 mesh with one port (beside core 0)
# of 64 B/cycle. Cores 0 and 1 each read 6400 bytes in the same cycle; core
# 1's bytes also cross link 0->1. Sharing the port, each streams at 32
# B/cycle for 200 cycles, then dram_latency 200 plus 1 per hop from the
# port: 400 for core 0, 401 for core 1. Core 0 alone then: 100 + 200 = 300.
        .machine mesh_rows, 1
        .machine mesh_cols, 2
        .machine dram_ports, 1
        .machine dram_bytes_per_cycle, 64
        .dram
big:    .zero 6400
        .core 0
        .output t0, i64, 2, sram, res
        .data
        .align 64
res:    .zero 64
rd:     .byte 0, 0, 0xff, 0         # DRAM->SRAM 6400 bytes; s0
        .half 0, 0
        .word 6400, 1, 1, 0
        .dword 0, 0, 0, 0, 0
        .align 64
buf:    .zero 6400
        .text
        li      x20, res
        li      x1, buf
        li      x2, big
        li      x10, rd
        ld      x9, 0(x20)
        sd      x9, 0(x20)
        dma     x1, x2, x10
        cycle   x5
        sem.wait s0, 1
        cycle   x6
        sub     x7, x6, x5
        sd      x7, 0(x20)
        ld      x9, 8(x20)
        sd      x9, 8(x20)
        dma     x1, x2, x10
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
rd:     .byte 0, 0, 0xff, 0         # DRAM->SRAM 6400 bytes; s0
        .half 0, 0
        .word 6400, 1, 1, 0
        .dword 0, 0, 0, 0, 0
        .align 64
buf:    .zero 6400
        .text
        li      x20, res
        li      x1, buf
        li      x2, big
        li      x10, rd
        ld      x9, 0(x20)
        sd      x9, 0(x20)
        dma     x1, x2, x10
        cycle   x5
        sem.wait s0, 1
        cycle   x6
        sub     x7, x6, x5
        sd      x7, 0(x20)
        halt
