# Emulator speed benchmark: an MMA-bound kernel. Each iteration gathers two
# A tiles and two B tiles from SRAM and runs 8 MMAs into 4 accumulators
# (2048 bf16 MACs); 1 million iterations = 2.048 G MACs.
        .data
tiles:  .bf16 1.0, 0.5, 0.25, 2.0, 1.5, -1.0, 0.75, 3.0
        .bf16 1.0, 0.5, 0.25, 2.0, 1.5, -1.0, 0.75, 3.0
        .space 4096
        .text
        li      x20, 128
        li      x10, tiles
        li      x5, 1000000
loop:   vldg    v0, x10, x20, 8
        vldg    v2, x10, x20, 16
        vldg    v3, x10, x20, 16
        vldg    v1, x10, x20, 8
        addi    x5, x5, -1
        mma     acc0, v0, v2
        mma     acc1, v0, v3
        mma     acc2, v1, v2
        mma     acc3, v1, v3
        mma     acc0, v1, v3
        mma     acc1, v1, v2
        mma     acc2, v0, v3
        mma     acc3, v0, v2
        bne     x5, x0, loop
        mma.zero acc0
        halt
