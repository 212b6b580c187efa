# Used by ../memory.s: an 8-byte store just past the end of SRAM (1310720
# bytes = 0x140000) traps.
        .data
        .zero 8
        .text
        li      x2, 1310712
        sd      x1, 0(x2)           # the last 8 bytes: fine
        sd      x1, 8(x2)           # 0x140000: outside
        halt
