# Conversions: vcvt.f32.i32 (round to nearest even), vcvt.i32.f32 (toward
# zero, saturating, NaN -> 0), vround.f32 (ties to even), vcvt.bf16.f32 (round
# to nearest even incl. exact ties, overflow to inf, NaN stays a quiet NaN),
# vcvtlo/vcvthi, the .bf16 directive, and vcvtsr.bf16.f32 (stochastic).
#
# Expected values: integer/float conversions and vround with numpy; bf16 RNE
# with an exact rational nearest-neighbour computation (ties to the even bf16);
# vcvtsr with a Python reimplementation of the documented generator
# (Inputs/sr-ref.py: rngseed sets state = splitmix64(seed); one xorshift64*
# draw per 4 lanes, lane L adds bits 16*(L%4)..+15 of its draw below bit 16,
# then truncates).
#
# RUN: d1-as %s -o %t.d1x
# RUN: d1-run %t.d1x --print --quiet > %t.out1
# RUN: FileCheck %s < %t.out1
# Deterministic: a second run (default seed too) gives the same bits.
# RUN: d1-run %t.d1x --print --quiet > %t.out2
# RUN: diff %t.out1 %t.out2
# RUN: %python %S/Inputs/sr-ref.py %s > %t.sr
# RUN: FileCheck %t.sr < %t.out1

        .output cvtf,   f32, 16, sram, out+0
        .output cvti,   i32, 16, sram, out+64
        .output round,  f32, 16, sram, out+128
        .output bf,     u16, 32, sram, out+192
        .output lo,     u32, 16, sram, out+256
        .output hi,     u32, 16, sram, out+320
        .output bfdlo,  f32, 16, sram, out+384
        .output bfdhi,  f32, 16, sram, out+448
        .output srdef,  u16, 32, sram, out+512
        .output sr1,    u16, 32, sram, out+576
        .output sr2,    u16, 32, sram, out+640
        .output sr3,    u16, 32, sram, out+704
        .output srex,   u16, 32, sram, out+768

        .data
        .align 64
out:    .zero 832
        .align 64
# int32 -> fp32: 2^24+1 ties to 2^24 (even); 2^24+3 ties to 2^24+4; 2^25+3 is
# nearer 2^25+4; 2^31-65 is nearer 2^31-128; 2^31-64 ties to 2^31 (even).
ci:      .word 0, 1, -1, 16777217, 16777219, 2147483647, -2147483648, 33554435
         .word 16777218, -16777217, 123456789, 7, -100, 2147483583, 2147483584, -2147483585
# fp32 -> int32: 2147483520 is the largest fp32 below 2^31
cf:      .word 0x3ff33333, 0xbff33333, 0x3f000000, 0xbf000000   # 1.89999998, -1.89999998, 0.5, -0.5
         .word 0x4effffff, 0x4f000000, 0x501502f9, 0xcf000000   # 2.14748352e+09, 2.14748365e+09, 1e+10, -2.14748365e+09
         .word 0xcf000001, 0xd01502f9, 0x7f800000, 0xff800000   # -2.1474839e+09, -1e+10, inf, -inf
         .word 0x7fc00000, 0xffc00000, 0x00000001, 0x47f1205a   # nan, nan, 1.40129846e-45, 123456.703
# vround: 0x401fffff and 0x3effffff sit just below .5 boundaries
rv:      .word 0x3f000000, 0x3fc00000, 0x40200000, 0xbf000000   # 0.5, 1.5, 2.5, -0.5
         .word 0xbfc00000, 0xc0200000, 0x401fffff, 0x40600000   # -1.5, -2.5, 2.49999976, 3.5
         .word 0x4b000001, 0x3effffff, 0x7149f2ca, 0x7f800000   # 8388609, 0.49999997, 1.00000002e+30, inf
         .word 0x7fc00000, 0x80000000, 0x3f800001, 0x40900000   # nan, -0, 1.00000012, 4.5
# fp32 -> bf16 (rs1 lanes): exact ties 0x3f808000 (to 0x3f80, even) and 0x3f818000
# (to 0x3f82), just above/below a tie, FLT_MAX -> inf, NaNs quieted (sNaN
# 0x7f800001 -> 0x7fc0), -0, denormals (incl. a tie to even at 0x00018000), inf.
b1:      .word 0x3f808000, 0x3f818000, 0x3f808001, 0x3f807fff, 0x7f7fffff, 0xff7fffff, 0x7fc00000, 0x7f800001
         .word 0xffc12345, 0x7f810000, 0x80000000, 0x00000001, 0x00008000, 0x00018000, 0x7f800000, 0xbfc00000
# (rs2 lanes): 1/3, pi, more ties, 0x7f7f8000 ties up to inf, 65504 -> 65536,
# the smallest normal, a negative denormal rounding up to -2^-126.
b2:      .word 0x3eaaaaab, 0x40490fdb, 0x40008000, 0x40018000, 0xc0808000, 0xc0818000, 0x7f7f8000, 0x7f7f7fff
         .word 0x3f800000, 0xbf800000, 0x42f60000, 0x3c23d70a, 0x477fe000, 0x477ff000, 0x00800000, 0x807fffff
# The assembler's .bf16 rounds to nearest even too (0.1 -> 0x3dcd, 257 ties to 256).
bfd:     .bf16 1.5, -2, 0.1, 3.14159, 0.3333333333, 65504, -0.0, 1e-3, 100, 255, 256, 257, 1e38, 3.0e38, 0.5, -7.25
         .bf16 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
# Stochastic rounding inputs: between bf16 neighbours 0x3f80/0x3f81 (lanes 0-11),
# 0x3f81/0x3f82 (lanes 12-15) and 0xc0a0/0xc0a1 (sb).
sa:      .word 0x3f804000, 0x3f805111, 0x3f806222, 0x3f807333   # 1.00195312, 1.00247395, 1.00299478, 1.0035156
         .word 0x3f808444, 0x3f809555, 0x3f80a666, 0x3f80b777   # 1.00403643, 1.00455725, 1.00507808, 1.0055989
         .word 0x3f80c888, 0x3f80d999, 0x3f80eaaa, 0x3f80fbbb   # 1.00611973, 1.00664055, 1.00716138, 1.0076822
         .word 0x3f810ccc, 0x3f811ddd, 0x3f812eee, 0x3f813fff   # 1.00820303, 1.00872386, 1.00924468, 1.00976551
sb:      .word 0xc0a01234, 0xc0a02143, 0xc0a03052, 0xc0a03f61   # -5.00222206, -5.00406027, -5.00589848, -5.00773668
         .word 0xc0a04e70, 0xc0a05d7f, 0xc0a06c8e, 0xc0a07b9d   # -5.00957489, -5.0114131, -5.0132513, -5.01508951
         .word 0xc0a08aac, 0xc0a099bb, 0xc0a0a8ca, 0xc0a0b7d9   # -5.01692772, -5.01876593, -5.02060413, -5.02244234
         .word 0xc0a0c6e8, 0xc0a0d5f7, 0xc0a0e506, 0xc0a0f415   # -5.02428055, -5.02611876, -5.02795696, -5.02979517
# Exactly representable in bf16 (low 16 bits zero), plus inf and -inf: stochastic
# rounding leaves them exact; the signalling NaN 0x7f800001 becomes 0x7fc0.
ex_a:    .word 0x3f800000, 0xc0000000, 0x3f000000, 0x40490000   # 1, -2, 0.5, 3.140625
         .word 0xbc000000, 0x00000000, 0x80000000, 0x7f800000   # -0.0078125, 0, -0, inf
         .word 0xff800000, 0x7f800001, 0x7f7f0000, 0x00010000   # -inf, nan, 3.38953139e+38, 9.18354962e-41
         .word 0x477f0000, 0xbfc00000, 0x42c80000, 0x3e800000   # 65280, -1.5, 100, 0.25
ex_b:    .float 1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8

        .text
        li      x20, out
        # Stochastic rounding with the default (per-core) seed first.
        li      x21, sa
        vld     v10, 0(x21)
        li      x21, sb
        vld     v11, 0(x21)
        vcvtsr.bf16.f32 v3, v10, v11
        vst     v3, 512(x20)

        li      x21, ci
        vld     v1, 0(x21)
        vcvt.f32.i32 v2, v1
        vst     v2, 0(x20)
        li      x21, cf
        vld     v1, 0(x21)
        vcvt.i32.f32 v2, v1
        vst     v2, 64(x20)
        li      x21, rv
        vld     v1, 0(x21)
        vround.f32 v2, v1
        vst     v2, 128(x20)

        li      x21, b1
        vld     v4, 0(x21)
        li      x21, b2
        vld     v5, 0(x21)
        vcvt.bf16.f32 v6, v4, v5    # bf16 lanes 0-15 from v4, 16-31 from v5
        vst     v6, 192(x20)
        vcvtlo.f32.bf16 v7, v6      # back to fp32: bf16 << 16, exact
        vst     v7, 256(x20)
        vcvthi.f32.bf16 v7, v6
        vst     v7, 320(x20)
        li      x21, bfd
        vld     v8, 0(x21)
        vcvtlo.f32.bf16 v9, v8
        vst     v9, 384(x20)
        vcvthi.f32.bf16 v9, v8
        vst     v9, 448(x20)

        # Seeded: the same seed gives the same bits; the generator advances.
        li      x1, 42
        rngseed x1
        vcvtsr.bf16.f32 v3, v10, v11
        vst     v3, 576(x20)
        vcvtsr.bf16.f32 v3, v10, v11   # next draws: different bits
        vst     v3, 640(x20)
        rngseed x1
        vcvtsr.bf16.f32 v3, v10, v11   # reseeded: the same bits as sr1
        vst     v3, 704(x20)
        li      x1, 7
        rngseed x1
        li      x21, ex_a
        vld     v12, 0(x21)
        li      x21, ex_b
        vld     v13, 0(x21)
        vcvtsr.bf16.f32 v3, v12, v13
        vst     v3, 768(x20)
        halt

# CHECK:      output 0 'cvtf' f32[16]: 0 1 -1 16777216 16777220 2.14748365e+09 -2.14748365e+09 33554436 16777218 -16777216 123456792 7 -100 2.14748352e+09 2.14748365e+09 -2.14748365e+09{{$}}
# CHECK-NEXT: output 1 'cvti' i32[16]: 1 -1 0 0 2147483520 2147483647 2147483647 -2147483648 -2147483648 -2147483648 2147483647 -2147483648 0 0 0 123456{{$}}
# CHECK-NEXT: output 2 'round' f32[16]: 0 2 2 -0 -2 -2 2 4 8388609 0 1.00000002e+30 inf {{-?nan}} -0 1 4{{$}}
# CHECK-NEXT: output 3 'bf' u16[32]: 16256 16258 16257 16256 32640 65408 32704 32704 65473 32705 32768 0 0 2 32640 49088 16043 16457 16384 16386 49280 49282 32640 32639 16256 49024 17142 15396 18304 18304 128 32896{{$}}
# CHECK-NEXT: output 4 'lo' u32[16]: 1065353216 1065484288 1065418752 1065353216 2139095040 4286578688 2143289344 2143289344 4290838528 2143354880 2147483648 0 0 131072 2139095040 3217031168{{$}}
# CHECK-NEXT: output 5 'hi' u32[16]: 1051394048 1078525952 1073741824 1073872896 3229614080 3229745152 2139095040 2139029504 1065353216 3212836864 1123418112 1008992256 1199570944 1199570944 8388608 2155872256{{$}}
# CHECK-NEXT: output 6 'bfdlo' f32[16]: 1.5 -2 0.100097656 3.140625 0.333984375 65536 -0 0.000999450684 100 255 256 256 9.96920997e+37 3.00405527e+38 0.5 -7.25{{$}}
# CHECK-NEXT: output 7 'bfdhi' f32[16]: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16{{$}}
# Stochastic rounding: every lane of srdef, sr1, sr2 and sr3 is one of its two
# neighbouring bf16 values; reseeding repeats the bits (sr3 = sr1). The exact
# bits are checked against Inputs/sr-ref.py (the SR prefix file).
# CHECK-NEXT: output 8 'srdef' u16[32]: {{1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[78] 1625[78] 1625[78] 1625[78]}}
# CHECK-SAME: {{^}} {{4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23]$}}
# CHECK-NEXT: output 9 'sr1' u16[32]: [[SR1:1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[78] 1625[78] 1625[78] 1625[78] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23]]]{{$}}
# CHECK-NEXT: output 10 'sr2' u16[32]: {{1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[67] 1625[78] 1625[78] 1625[78] 1625[78]}}
# CHECK-SAME: {{^}} {{4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23] 4931[23]$}}
# CHECK-NEXT: output 11 'sr3' u16[32]: [[SR1]]{{$}}
# Values exact in bf16 (and infinities) stay exact; the signalling NaN is quieted.
# CHECK-NEXT: output 12 'srex' u16[32]: 16256 49152 16128 16457 48128 0 32768 32640 65408 32704 32639 1 18303 49088 17096 16000 16256 16384 16448 16512 16544 16576 16608 16640 49024 49152 49216 49280 49312 49344 49376 49408{{$}}
