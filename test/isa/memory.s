# Scalar loads and stores: sign and zero extension of every width, little-
# endian byte order, immediate offsets (negative too), the last bytes of SRAM,
# and the documented traps (misaligned access, address outside SRAM).
#
# RUN: d1-as %s -o %t.d1x
# RUN: d1-run %t.d1x --print --quiet | FileCheck %s
#
# RUN: d1-as %S/Inputs/memory-misaligned.s -o %t.mis.d1x
# RUN: not d1-run %t.mis.d1x --quiet 2>&1 | FileCheck %s --check-prefix=MISALIGNED
# MISALIGNED: error: {{.*}}lw x1, 2(x2){{.*}}: misaligned load at 0x{{0*}}402 (needs 4-byte alignment)
#
# RUN: d1-as %S/Inputs/memory-outside.s -o %t.out.d1x
# RUN: not d1-run %t.out.d1x --quiet 2>&1 | FileCheck %s --check-prefix=OUTSIDE
# OUTSIDE: error: {{.*}}sd x1, 8(x2){{.*}}: store of 8 bytes at 0x140000 is outside SRAM (1310720 bytes)

        .output ld, i64, 24, sram, ldres
        .output st, u8, 32, sram, stres
        .data
        .align 64
src:    .byte 0x01, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0xf8
        .byte 0x7f, 0x80, 0xff, 0x7f, 0x78, 0x56, 0x34, 0x12
        .align 64
ldres:  .zero 192
stres:  .zero 32

        .text
        li      x20, ldres
        li      x21, src
        lb      x1, (x21)           # `(xN)` is offset 0: 0x01 -> 1
        sd      x1, 0(x20)
        lb      x1, 1(x21)          # 0x82 -> -126
        sd      x1, 8(x20)
        lbu     x1, 1(x21)          # 0x82 -> 130
        sd      x1, 16(x20)
        lb      x1, 8(x21)          # 0x7f -> 127
        sd      x1, 24(x20)
        lh      x1, 2(x21)          # bytes 83 84 -> 0x8483 -> -31613
        sd      x1, 32(x20)
        lhu     x1, 2(x21)          # 33923
        sd      x1, 40(x20)
        lh      x1, 10(x21)         # bytes ff 7f -> 0x7fff = 32767
        sd      x1, 48(x20)
        lw      x1, 4(x21)          # bytes 85 86 87 f8 -> 0xf8878685 -> -125335931
        sd      x1, 56(x20)
        lwu     x1, 4(x21)          # 4169631365
        sd      x1, 64(x20)
        lw      x1, 12(x21)         # bytes 78 56 34 12 -> 0x12345678 = 305419896
        sd      x1, 72(x20)
        ld      x1, 0(x21)          # 0xf887868584838201 = -538313722435501567
        sd      x1, 80(x20)
        ld      x1, 8(x21)          # 0x12345678_7fff807f = 1311768467015172223
        sd      x1, 88(x20)
        addi    x22, x21, 16
        lbu     x1, -7(x22)         # negative offset: src[9] = 0x80 -> 128
        sd      x1, 96(x20)
        lhu     x1, -16(x22)        # src[0..1] = 01 82 -> 0x8201 = 33281
        sd      x1, 104(x20)

        # Stores, seen byte by byte in `st` and read back with ld.
        li      x23, stres
        li      x1, %lo(0x1122334455667788)
        lih     x1, %hi(0x1122334455667788)
        sd      x1, 0(x23)          # 88 77 66 55 44 33 22 11
        sw      x1, 8(x23)          # 88 77 66 55 (low 32 bits)
        sh      x1, 12(x23)         # 88 77
        sb      x1, 14(x23)         # 88; byte 15 stays 0
        li      x2, -1
        sb      x2, 16(x23)         # ff; byte 17 stays 0
        li      x2, -2
        sh      x2, 18(x23)         # fe ff
        li      x2, 0x12345678
        sw      x2, 20(x23)         # 78 56 34 12
        sd      x1, 24(x23)
        li      x2, 0xab
        sb      x2, 27(x23)         # 88 77 66 ab 44 33 22 11
        ld      x3, 24(x23)         # 0x11223344ab667788 = 1234605617879349128
        sd      x3, 112(x20)
        lw      x3, 16(x23)         # bytes ff 00 fe ff -> 0xfffe00ff -> -130817
        sd      x3, 120(x20)
        lhu     x3, 12(x23)         # 0x7788 = 30600
        sd      x3, 128(x20)

        # The last 8 bytes of SRAM (sram_bytes = 1310720) are usable.
        li      x5, 1310712
        sd      x1, 0(x5)
        ld      x3, 0(x5)           # 0x1122334455667788 = 1234605616436508552
        sd      x3, 136(x20)
        lbu     x3, 7(x5)           # top byte 0x11 = 17
        sd      x3, 144(x20)
        halt

# CHECK:      output 0 'ld' i64[24]:
# CHECK-SAME: {{^}} 1 -126 130 127 -31613 33923 32767 -125335931 4169631365 305419896
# CHECK-SAME: {{^}} -538313722435501567 1311768467015172223 128 33281
# CHECK-SAME: {{^}} 1234605617879349128 -130817 30600 1234605616436508552 17
# CHECK-SAME: {{^}} 0 0 0 0 0{{$}}
# CHECK-NEXT: output 1 'st' u8[32]:
# CHECK-SAME: {{^}} 136 119 102 85 68 51 34 17
# CHECK-SAME: {{^}} 136 119 102 85 136 119 136 0
# CHECK-SAME: {{^}} 255 0 254 255 120 86 52 18
# CHECK-SAME: {{^}} 136 119 102 171 68 51 34 17{{$}}
