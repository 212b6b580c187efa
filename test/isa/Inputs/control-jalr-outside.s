# Used by ../control.s: jalr to an instruction index past the core's code traps.
        .data
        .zero 8
        .text
        li      x1, 97
        jalr    x2, x1, 3           # 100: this core has 3 instructions
        halt
