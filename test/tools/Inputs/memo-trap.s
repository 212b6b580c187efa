# Used by ../timing-memo.test: a loop whose 40th iteration stores past the
# end of SRAM, long after its timing was first replayed.
        .text
        li      x1, 1310720
        li      x2, -40
        slli    x2, x2, 6
        add     x1, x1, x2
.Lloop: vst     v0, 0(x1)
        addi    x1, x1, 64
        j       .Lloop
