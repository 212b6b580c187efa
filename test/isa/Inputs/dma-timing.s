# Used by ../dma.s: DMA completion times from docs/isa.md section 3:
#   data = max(ceil(B / 64), rows, ceil(B * 4 ports / 400)) for DRAM (core 0
#   beside port 0: no link on the way),
#   complete = start + data + latency (dram_latency 200; within a core
#   dma_mesh_latency 32), start = max(issue, when the engine finished the
#   previous transfer's data).
# Each measurement starts after a load-use stall (ld, then sd of the loaded
# register) so the dma and the `cycle` after it issue in the same cycle;
# `cycle` after the sem.wait gives the completion cycle.
        .dram
big:    .zero 8192
        .core 0
        .output timing, i64, 4, sram, res
        .data
        .align 64
res:    .zero 64
d_1d:   .byte 0, 0, 0xff, 0         # DRAM->SRAM 4096 contiguous bytes; s0
        .half 0, 0
        .word 4096, 1, 1, 0
        .dword 0, 0, 0, 0, 0
d_rows: .byte 0, 1, 0xff, 0         # DRAM->SRAM 128 rows of 4 bytes (512 B); s1
        .half 0, 0
        .word 4, 128, 1, 0
        .dword 64, 0, 4, 0, 0
d_loc:  .byte 2, 2, 0xff, 0         # SRAM->SRAM 256 bytes; s2
        .half 0, 0
        .word 256, 1, 1, 0
        .dword 0, 0, 0, 0, 0
d_1d3:  .byte 0, 3, 0xff, 0         # as d_1d but signals s3
        .half 0, 0
        .word 4096, 1, 1, 0
        .dword 0, 0, 0, 0, 0
        .align 64
buf:    .zero 8192
buf2:   .zero 4096

        .text
        li      x20, res
        li      x1, buf
        li      x2, big
        li      x3, buf2
        li      x10, d_1d
        li      x11, d_rows
        li      x12, d_loc
        li      x13, d_1d3
        # 4096 bytes: 64 cycles of data + 200 = 264
        ld      x9, 0(x20)
        sd      x9, 0(x20)
        dma     x1, x2, x10
        cycle   x5
        sem.wait s0, 1
        cycle   x6
        sub     x7, x6, x5
        sd      x7, 0(x20)
        # 128 rows of 4 bytes: one row per cycle, 128 + 200 = 328
        ld      x9, 8(x20)
        sd      x9, 8(x20)
        dma     x1, x2, x11
        cycle   x5
        sem.wait s1, 1
        cycle   x6
        sub     x7, x6, x5
        sd      x7, 8(x20)
        # local 256 bytes: 4 + 32 = 36
        ld      x9, 16(x20)
        sd      x9, 16(x20)
        dma     x3, x1, x12
        cycle   x5
        sem.wait s2, 1
        cycle   x6
        sub     x7, x6, x5
        sd      x7, 16(x20)
        # two 4096-byte loads back to back: the second starts when the first's
        # data has streamed (64 cycles later) and completes 64 + 64 + 200 = 328
        # cycles after the first was issued
        ld      x9, 24(x20)
        sd      x9, 24(x20)
        dma     x1, x2, x10
        cycle   x5
        dma     x3, x2, x13
        sem.wait s3, 1
        cycle   x6
        sub     x7, x6, x5
        sd      x7, 24(x20)
        sem.wait s0, 1
        halt
