# Used by ../sync.s: core 1 halts while core 0 waits at a barrier.
        .core 0
        .data
        .zero 8
        .text
        barrier
        halt
        .core 1
        .text
        halt
