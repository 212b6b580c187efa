# Used by ../vector.s: a partial load longer than 64 bytes traps.
        .data
        .align 64
buf:    .zero 128
        .text
        li      x1, buf
        li      x2, 68
        vldp    v0, x1, x2
        halt
