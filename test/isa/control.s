# Control flow: conditional branches taken and not taken, j, jal/jalr
# (subroutine call and return, computed jump, rd == rs1), counted loops, halt,
# the cost of taken and not-taken branches, and jalr's trap.
# Each branch block leaves 2 in res[k] when the branch was taken and 1 when it
# fell through (the fall-through path ends with a `j` over the taken path).
#
# RUN: d1-as %s -o %t.d1x
# RUN: d1-run %t.d1x --print --quiet | FileCheck %s
#
# RUN: d1-as %S/Inputs/control-jalr-outside.s -o %t.bad.d1x
# RUN: not d1-run %t.bad.d1x --quiet 2>&1 | FileCheck %s --check-prefix=OUTSIDE
# OUTSIDE: error: {{.*}}`jalr x2, x1, 3`{{.*}}: jump to instruction 100 outside the core's 3 instructions

        .output res, i64, 32, sram, res
        .data
        .align 64
res:    .zero 256

        .text
        li      x20, res
        li      x1, 5
        li      x2, -3
        li      x4, 5

        # res[0]: beq 5, 5 -> taken
        li      x3, 0
        beq     x1, x4, .Lt0
        addi    x3, x3, 1
        j       .Le0
.Lt0:   addi    x3, x3, 2
.Le0:   sd      x3, 0(x20)
        # res[1]: beq 5, -3 -> not taken
        li      x3, 0
        beq     x1, x2, .Lt1
        addi    x3, x3, 1
        j       .Le1
.Lt1:   addi    x3, x3, 2
.Le1:   sd      x3, 8(x20)
        # res[2]: bne 5, -3 -> taken
        li      x3, 0
        bne     x1, x2, .Lt2
        addi    x3, x3, 1
        j       .Le2
.Lt2:   addi    x3, x3, 2
.Le2:   sd      x3, 16(x20)
        # res[3]: bne 5, 5 -> not taken
        li      x3, 0
        bne     x1, x4, .Lt3
        addi    x3, x3, 1
        j       .Le3
.Lt3:   addi    x3, x3, 2
.Le3:   sd      x3, 24(x20)
        # res[4]: blt -3, 5 -> taken (signed)
        li      x3, 0
        blt     x2, x1, .Lt4
        addi    x3, x3, 1
        j       .Le4
.Lt4:   addi    x3, x3, 2
.Le4:   sd      x3, 32(x20)
        # res[5]: blt 5, -3 -> not taken
        li      x3, 0
        blt     x1, x2, .Lt5
        addi    x3, x3, 1
        j       .Le5
.Lt5:   addi    x3, x3, 2
.Le5:   sd      x3, 40(x20)
        # res[6]: blt 5, 5 -> not taken (strict)
        li      x3, 0
        blt     x1, x4, .Lt6
        addi    x3, x3, 1
        j       .Le6
.Lt6:   addi    x3, x3, 2
.Le6:   sd      x3, 48(x20)
        # res[7]: bge 5, -3 -> taken
        li      x3, 0
        bge     x1, x2, .Lt7
        addi    x3, x3, 1
        j       .Le7
.Lt7:   addi    x3, x3, 2
.Le7:   sd      x3, 56(x20)
        # res[8]: bge 5, 5 -> taken (equal)
        li      x3, 0
        bge     x1, x4, .Lt8
        addi    x3, x3, 1
        j       .Le8
.Lt8:   addi    x3, x3, 2
.Le8:   sd      x3, 64(x20)
        # res[9]: bge -3, 5 -> not taken
        li      x3, 0
        bge     x2, x1, .Lt9
        addi    x3, x3, 1
        j       .Le9
.Lt9:   addi    x3, x3, 2
.Le9:   sd      x3, 72(x20)
        # res[10]: bltu 5, 2^64-3 -> taken (unsigned)
        li      x3, 0
        bltu    x1, x2, .Lt10
        addi    x3, x3, 1
        j       .Le10
.Lt10:  addi    x3, x3, 2
.Le10:  sd      x3, 80(x20)
        # res[11]: bltu 2^64-3, 5 -> not taken
        li      x3, 0
        bltu    x2, x1, .Lt11
        addi    x3, x3, 1
        j       .Le11
.Lt11:  addi    x3, x3, 2
.Le11:  sd      x3, 88(x20)
        # res[12]: bgeu 2^64-3, 5 -> taken
        li      x3, 0
        bgeu    x2, x1, .Lt12
        addi    x3, x3, 1
        j       .Le12
.Lt12:  addi    x3, x3, 2
.Le12:  sd      x3, 96(x20)
        # res[13]: bgeu 5, 2^64-3 -> not taken
        li      x3, 0
        bgeu    x1, x2, .Lt13
        addi    x3, x3, 1
        j       .Le13
.Lt13:  addi    x3, x3, 2
.Le13:  sd      x3, 104(x20)
        # res[14]: bgeu 5, 5 -> taken (equal)
        li      x3, 0
        bgeu    x1, x4, .Lt14
        addi    x3, x3, 1
        j       .Le14
.Lt14:  addi    x3, x3, 2
.Le14:  sd      x3, 112(x20)
        # res[15]: beq x0, x0 -> taken; x0 reads as zero
        li      x3, 0
        beq     x0, x0, .Lt15
        addi    x3, x3, 1
        j       .Le15
.Lt15:  addi    x3, x3, 2
.Le15:  sd      x3, 120(x20)

        # res[16], res[17]: sum 1..10 with a backward bne loop, and its trip count
        li      x5, 10
        li      x6, 0
        li      x7, 0
.Lsum:  add     x6, x6, x5
        addi    x7, x7, 1
        addi    x5, x5, -1
        bne     x5, x0, .Lsum
        sd      x6, 128(x20)        # 55
        sd      x7, 136(x20)        # 10

        # res[18]: 2^10 by a blt-controlled loop (i = 0; i < 10; ++i) p *= 2
        li      x5, 0
        li      x8, 10
        li      x6, 1
.Lpow:  add     x6, x6, x6
        addi    x5, x5, 1
        blt     x5, x8, .Lpow
        sd      x6, 144(x20)        # 1024

        # res[19..22]: subroutine `twice_plus_one` called twice with jal, returning with jalr
        li      x10, 3
        jal     x1, twice_plus_one  # x10 = 7
.Lret1: sd      x10, 152(x20)       # 7
        li      x5, .Lret1
        sub     x6, x1, x5          # jal's link is the index of the next instruction: 0
        sd      x6, 160(x20)
        jal     x1, twice_plus_one  # x10 = 15
        sd      x10, 168(x20)       # 15
        # The jump skipped everything between the call and the subroutine's return:
        sd      x11, 176(x20)       # x11 stays 1 (set once per call, never 99)

        # res[23]: computed jump through a table: jalr to table + 2
        li      x7, .Ltable
        li      x3, 0
        jalr    x9, x7, 2           # -> .Ltable+2: x3 = 30
.Llink: j       .Lafter
.Ltable:
        li      x3, 10
        j       .Ltabend
        li      x3, 30              # .Ltable+2
        j       .Ltabend
        li      x3, 40
.Ltabend:
        sd      x3, 184(x20)        # 30
        # res[24]: jalr's link is the index after the jalr: x9 - .Llink = 0
        li      x5, .Llink
        sub     x6, x9, x5
        sd      x6, 192(x20)
        jalr    x0, x9, 0           # back to .Llink, which jumps to .Lafter
        li      x3, 99              # never executed
        sd      x3, 200(x20)
.Lafter:
        # res[26]: jalr with rd == rs1 reads the target before writing the link
        li      x12, .Lself
        jalr    x12, x12, 0
        li      x3, 77              # skipped
.Lself: li      x5, .Lself-1
        sub     x6, x12, x5         # link = index of the `li x3, 77` = .Lself-1: 0
        addi    x6, x6, 26
        sd      x6, 208(x20)        # 26

        # res[28], res[29]: timing (stored as 100 + cycles). After a load-use stall (the sd waits for the
        # ld), cycle / branch / cycle fit in one issue cycle (width 4, 2 ALU
        # slots, 1 control slot) when the branch is not taken: 0 cycles apart.
        # A taken branch delays its target by lat_taken_branch = 1 cycle.
        ld      x9, 0(x20)
        sd      x9, 232(x20)        # res[29] is overwritten below
        cycle   x13
        bne     x0, x0, .Lnt        # not taken
        cycle   x14
.Lnt:   sub     x6, x14, x13        # 0
        addi    x6, x6, 100         # stored as 100 + difference
        sd      x6, 224(x20)
        ld      x9, 0(x20)
        sd      x9, 232(x20)
        cycle   x15
        beq     x0, x0, .Ltk        # taken, to the next instruction
.Ltk:   cycle   x16
        sub     x6, x16, x15        # 1
        addi    x6, x6, 100
        sd      x6, 232(x20)
        halt
        sd      x1, 216(x20)        # after halt: never executed

twice_plus_one:
        add     x10, x10, x10
        addi    x10, x10, 1
        li      x11, 1
        jalr    x0, x1, 0
        li      x11, 99             # never executed

# CHECK:      output 0 'res' i64[32]:
# CHECK-SAME: {{^}} 2 1 2 1 2 1 1 2 2 1 2 1 2 1 2 2
# CHECK-SAME: {{^}} 55 10 1024 7 0 15 1 30 0 0 26 0
# CHECK-SAME: {{^}} 100 101 0 0{{$}}
