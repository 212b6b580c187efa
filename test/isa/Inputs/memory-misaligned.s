# Used by ../memory.s: a 4-byte load from an address that is 2 mod 4 traps.
        .data
        .align 64
        .org 0x400
buf:    .word 1, 2
        .text
        li      x2, buf
        lw      x1, 2(x2)
        halt
