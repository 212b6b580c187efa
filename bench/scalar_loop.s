# Emulator speed benchmark: a scalar loop, 6 instructions per iteration,
# 20 million iterations (120 M instructions), cycle model on.
        li      x1, 20000000
loop:   addi    x2, x2, 3
        xor     x3, x3, x2
        add     x4, x4, x3
        slli    x5, x4, 1
        addi    x1, x1, -1
        bne     x1, x0, loop
        halt
