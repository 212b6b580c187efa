# DMA: DRAM->SRAM 2D (a sub-block of a matrix) and 3D (a transposing gather
# and a strided sub-cube), local SRAM->SRAM with a negative stride (row
# reversal), SRAM->DRAM 2D and 3D scatters into a wider matrix, completion on
# semaphores (sem.wait) and by fence, and the dram_read_bytes /
# dram_write_bytes statistics (DRAM->SRAM: 128 + 64 + 32 bytes, plus the
# 128-byte read-back below; SRAM->DRAM: 128 + 64 bytes; local copies count for
# neither).
#
# mat[r][c] = 100r + c (8x16 i32 in DRAM); cube[p][r][c] = 100p + 10r + c
# (4x4x4 i32 in DRAM). Expected values follow from these by hand.
#
# Also: ten DMAs issued back to back (more than dma_queue_depth = 8, so the
# ninth waits for a free slot), and a DRAM->SRAM read-back of what an
# SRAM->DRAM transfer wrote. Separate programs check DMA completion times
# (Inputs/dma-timing.s), DMAs still in flight at halt (Inputs/dma-halt.s) and
# a transfer outside DRAM (Inputs/dma-outside.s).
#
# RUN: d1-as %s -o %t.d1x
# RUN: d1-run %t.d1x --print --quiet | FileCheck %s
# RUN: d1-run %t.d1x --quiet --stats-json - | FileCheck %s --check-prefix=STATS
# STATS: "dram_read_bytes": 352,
# STATS: "dram_write_bytes": 192,
#
# RUN: d1-as %S/Inputs/dma-timing.s -o %t.time.d1x
# RUN: d1-run %t.time.d1x --print --quiet | FileCheck %s --check-prefix=TIMING
# TIMING: output 0 'timing' i64[4]: 264 328 36 328{{$}}
#
# RUN: d1-as %S/Inputs/dma-halt.s -o %t.halt.d1x
# RUN: d1-run %t.halt.d1x --print --quiet | FileCheck %s --check-prefix=HALT
# HALT:      output 0 'd' i32[4]: 1 2 3 4{{$}}
# HALT-NEXT: output 1 'g' i32[4]: 7 8 9 10{{$}}
#
# RUN: d1-as %S/Inputs/dma-outside.s -o %t.bad.d1x
# RUN: not d1-run %t.bad.d1x --quiet 2>&1 | FileCheck %s --check-prefix=OUTSIDE
# OUTSIDE: error: {{.*}}: dram->sram DMA source 0x{{[0-9a-f]+}} (16 x 4 x 1 bytes, strides 64, 0) is outside DRAM

        .output blk,     i32, 4x8,   sram, blk
        .output tr,      i32, 4x4,   sram, tr
        .output cubesub, i32, 2x2x2, sram, cubesub
        .output rev,     i32, 4x8,   sram, rev
        .output dout,    i32, 8x16,  dram, dout
        .output queued,  i32, 10,    sram, dstw
        .output back,    i32, 2x16,  sram, back

        .dram
        .align 64
mat:
        .word 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
        .word 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115
        .word 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215
        .word 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315
        .word 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415
        .word 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514, 515
        .word 600, 601, 602, 603, 604, 605, 606, 607, 608, 609, 610, 611, 612, 613, 614, 615
        .word 700, 701, 702, 703, 704, 705, 706, 707, 708, 709, 710, 711, 712, 713, 714, 715
cube:
        .word 0, 1, 2, 3
        .word 10, 11, 12, 13
        .word 20, 21, 22, 23
        .word 30, 31, 32, 33
        .word 100, 101, 102, 103
        .word 110, 111, 112, 113
        .word 120, 121, 122, 123
        .word 130, 131, 132, 133
        .word 200, 201, 202, 203
        .word 210, 211, 212, 213
        .word 220, 221, 222, 223
        .word 230, 231, 232, 233
        .word 300, 301, 302, 303
        .word 310, 311, 312, 313
        .word 320, 321, 322, 323
        .word 330, 331, 332, 333
dout:   .zero 512

        .core 0
        .data
        .align 64
blk:    .zero 128
tr:     .zero 64
cubesub: .zero 32
        .align 64
rev:    .zero 128
back:   .zero 128
srcw:   .word 10, 11, 12, 13, 14, 15, 16, 17, 18, 19
dstw:   .zero 40
# Descriptors: kind, local sem, remote sem, 0 | remote core (u16), 0 (u16) |
# size0, size1, size2, 0 (u32) | src stride1, src stride2, dst stride1,
# dst stride2, 0 (i64).
        .align 8
d_blk:  # mat[2:6, 4:12] -> blk (packed 32-byte rows); signal s0
        .byte 0, 0, 0xff, 0
        .half 0, 0
        .word 32, 4, 1, 0
        .dword 64, 0, 32, 0, 0
d_tr:   # tr[r][p] = cube[p][r][1]: 4-byte rows, rows walk r (src 16 B, dst 16 B),
        # planes walk p (src 64 B, dst 4 B); signal s0
        .byte 0, 0, 0xff, 0
        .half 0, 0
        .word 4, 4, 4, 0
        .dword 16, 64, 16, 4, 0
d_sub:  # cube[1:3, 0:4:2, 1:3] -> cubesub (packed); signal s0
        .byte 0, 0, 0xff, 0
        .half 0, 0
        .word 8, 2, 2, 0
        .dword 32, 64, 8, 16, 0
d_rev:  # local: blk rows in reverse order (source starts at the last row, stride -32); signal s1
        .byte 2, 1, 0xff, 0
        .half 0, 0
        .word 32, 4, 1, 0
        .dword -32, 0, 32, 0, 0
d_out1: # blk -> dout[1:5, 8:16]; no semaphore
        .byte 1, 0xff, 0xff, 0
        .half 0, 0
        .word 32, 4, 1, 0
        .dword 32, 0, 64, 0, 0
d_out2: # tr rows 2K+J -> dout[6+K][4J:4J+4]; signal s2
        .byte 1, 2, 0xff, 0
        .half 0, 0
        .word 16, 2, 2, 0
        .dword 16, 32, 16, 64, 0
d_word: # local: one 4-byte word; signal s3
        .byte 2, 3, 0xff, 0
        .half 0, 0
        .word 4, 1, 1, 0
        .dword 0, 0, 0, 0, 0
d_back: # dout[6:8] -> back (128 contiguous bytes); signal s4
        .byte 0, 4, 0xff, 0
        .half 0, 0
        .word 128, 1, 1, 0
        .dword 0, 0, 0, 0, 0

        .text
        li      x10, d_blk
        li      x1, blk
        li      x2, mat+144         # &mat[2][4] = mat + 2*64 + 4*4
        dma     x1, x2, x10
        li      x10, d_tr
        li      x1, tr
        li      x2, cube+4          # &cube[0][0][1]
        dma     x1, x2, x10
        li      x10, d_sub
        li      x1, cubesub
        li      x2, cube+68         # &cube[1][0][1] = cube + 64 + 4
        dma     x1, x2, x10
        sem.wait s0, 3              # all three have landed

        li      x10, d_rev
        li      x1, rev
        li      x2, blk+96          # the last row of blk
        dma     x1, x2, x10
        sem.wait s1, 1

        li      x10, d_out1
        li      x1, dout+96         # &dout[1][8] = dout + 64 + 32
        li      x2, blk
        dma     x1, x2, x10
        li      x10, d_out2
        li      x1, dout+384        # &dout[6][0]
        li      x2, tr
        dma     x1, x2, x10
        fence                       # both SRAM->DRAM transfers complete
        sem.wait s2, 1              # d_out2 signalled s2 (already done: no wait)
        li      x10, d_back
        li      x1, back
        li      x2, dout+384
        dma     x1, x2, x10
        sem.wait s4, 1

        # Ten single-word copies in reverse order, without waiting in between.
        li      x10, d_word
        li      x2, srcw
        li      x1, dstw+36
        li      x3, 10
.Lq:    dma     x1, x2, x10
        addi    x2, x2, 4
        addi    x1, x1, -4
        addi    x3, x3, -1
        bne     x3, x0, .Lq
        sem.wait s3, 10
        halt

# CHECK:      output 0 'blk' i32[4x8]: 204 205 206 207 208 209 210 211 304 305 306 307 308 309 310 311 404 405 406 407 408 409 410 411 504 505 506 507 508 509 510 511{{$}}
# CHECK-NEXT: output 1 'tr' i32[4x4]: 1 101 201 301 11 111 211 311 21 121 221 321 31 131 231 331{{$}}
# CHECK-NEXT: output 2 'cubesub' i32[2x2x2]: 101 102 121 122 201 202 221 222{{$}}
# CHECK-NEXT: output 3 'rev' i32[4x8]: 504 505 506 507 508 509 510 511 404 405 406 407 408 409 410 411 304 305 306 307 308 309 310 311 204 205 206 207 208 209 210 211{{$}}
# CHECK-NEXT: output 4 'dout' i32[8x16]:
# CHECK-SAME: {{^}} 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
# CHECK-SAME: {{^}} 0 0 0 0 0 0 0 0 204 205 206 207 208 209 210 211
# CHECK-SAME: {{^}} 0 0 0 0 0 0 0 0 304 305 306 307 308 309 310 311
# CHECK-SAME: {{^}} 0 0 0 0 0 0 0 0 404 405 406 407 408 409 410 411
# CHECK-SAME: {{^}} 0 0 0 0 0 0 0 0 504 505 506 507 508 509 510 511
# CHECK-SAME: {{^}} 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
# CHECK-SAME: {{^}} 1 101 201 301 11 111 211 311 0 0 0 0 0 0 0 0
# CHECK-SAME: {{^}} 21 121 221 321 31 131 231 331 0 0 0 0 0 0 0 0{{$}}
# CHECK-NEXT: output 5 'queued' i32[10]: 19 18 17 16 15 14 13 12 11 10{{$}}
# CHECK-NEXT: output 6 'back' i32[2x16]:
# CHECK-SAME: {{^}} 1 101 201 301 11 111 211 311 0 0 0 0 0 0 0 0
# CHECK-SAME: {{^}} 21 121 221 321 31 131 231 331 0 0 0 0 0 0 0 0{{$}}
