# A core whose SRAM is only reserved with .space (no initialized bytes in the
# .d1x) must still have zeroed, writable SRAM: `.space` reserves memory, and
# SRAM starts zeroed.
#
# Regression test: the emulator allocated Core::Sram lazily (only for SRAM
# segments, sram inputs and DMA events) while the instruction semantics use
# the raw pointer, so the first load or store on a core without initialized
# SRAM dereferenced null (SIGSEGV).
#
# RUN: d1-as %s -o %t.d1x
# RUN: d1-run %t.d1x --print --quiet | FileCheck %s

        .output res, i64, 2, sram, res
        .data
res:    .space 16
        .text
        li      x20, res
        ld      x2, 8(x20)          # 0
        addi    x1, x2, 5
        sd      x1, 0(x20)          # 5
        halt

# CHECK: output 0 'res' i64[2]: 5 0{{$}}
