# Vector instructions: fp32 arithmetic (rounding, denormals, inf/NaN), a fused
# vfma.f32, NaN-propagating vmin/vmax with -0 < +0, vneg/vabs on bits,
# compares and vsel, vdiv/vsqrt/vrcp/vrsqrt, vexp.f32 (checked against numpy
# within 2 ulp by Inputs/check-vexp.py), the tree reductions, broadcasts,
# vext/vins/vmv, vperm.32/vperm.16 (transposes and two-source shuffles),
# integer lane ops, and vector memory (vldb.32, vldp/vstp, vldg/vstg).
#
# Every result vector is stored with vst into its own 64-byte slot of `out`
# and printed as one output. The expected values were computed with numpy
# (float32 arithmetic is IEEE round-to-nearest-even with denormals, like the
# ISA) from the documented semantics in ISA.td and Numerics.h, except where a
# comment derives them by hand. NaN lanes of f32 outputs print as nan or -nan;
# their bits are checked through u32 outputs.
#
# RUN: d1-as %s -o %t.d1x
# RUN: d1-run %t.d1x --print --quiet > %t.out
# RUN: FileCheck %s < %t.out
# RUN: %python %S/Inputs/check-vexp.py < %t.out | FileCheck %s --check-prefix=EXP
# EXP: vexp ok: 16 lanes
#
# RUN: d1-as %S/Inputs/vector-vldp-long.s -o %t.long.d1x
# RUN: not d1-run %t.long.d1x --quiet 2>&1 | FileCheck %s --check-prefix=LONG
# LONG: error: {{.*}}: partial vector length 68 exceeds 64 bytes

        .output add,       f32, 16, sram, out+0
        .output sub,       f32, 16, sram, out+64
        .output mul,       f32, 16, sram, out+128
        .output radd,      f32, 16, sram, out+192
        .output rsub,      f32, 16, sram, out+256
        .output rmul,      f32, 16, sram, out+320
        .output fma,       f32, 16, sram, out+384
        .output unfused,   f32, 16, sram, out+448
        .output min,       f32, 16, sram, out+512
        .output max,       f32, 16, sram, out+576
        .output neg,       u32, 16, sram, out+640
        .output abs,       u32, 16, sram, out+704
        .output cmpeq,     i32, 16, sram, out+768
        .output cmplt,     i32, 16, sram, out+832
        .output cmple,     i32, 16, sram, out+896
        .output sel,       f32, 16, sram, out+960
        .output selbits,   u32, 16, sram, out+1024
        .output div,       f32, 16, sram, out+1088
        .output sqrt,      f32, 16, sram, out+1152
        .output rcp,       f32, 16, sram, out+1216
        .output rsqrt,     f32, 16, sram, out+1280
        .output exp,       f32, 16, sram, out+1344
        .output redtree,   f32, 16, sram, out+1408
        .output redsum,    f32, 16, sram, out+1472
        .output redmax,    f32, 16, sram, out+1536
        .output redmin,    f32, 16, sram, out+1600
        .output redmaxnan, u32, 16, sram, out+1664
        .output redminz,   f32, 16, sram, out+1728
        .output redmaxz,   f32, 16, sram, out+1792
        .output bcast,     i32, 16, sram, out+1856
        .output bcasti,    f32, 16, sram, out+1920
        .output bcastm1,   i32, 16, sram, out+1984
        .output bcastl,    f32, 16, sram, out+2048
        .output ins,       f32, 16, sram, out+2112
        .output mv,        f32, 16, sram, out+2176
        .output perm32T,   i32, 16, sram, out+2240
        .output perm32B,   i32, 16, sram, out+2304
        .output perm16T,   u16, 32, sram, out+2368
        .output perm16B,   u16, 32, sram, out+2432
        .output iadd,      i32, 16, sram, out+2496
        .output isub,      i32, 16, sram, out+2560
        .output imul,      i32, 16, sram, out+2624
        .output iand,      i32, 16, sram, out+2688
        .output ior,       i32, 16, sram, out+2752
        .output ixor,      i32, 16, sram, out+2816
        .output islli,     i32, 16, sram, out+2880
        .output isrli,     i32, 16, sram, out+2944
        .output israi,     i32, 16, sram, out+3008
        .output icmpeq,    i32, 16, sram, out+3072
        .output icmplt,    i32, 16, sram, out+3136
        .output imin,      i32, 16, sram, out+3200
        .output imax,      i32, 16, sram, out+3264
        .output vldb,      f32, 16, sram, out+3328
        .output vldp12,    i32, 16, sram, out+3392
        .output vldp0,     i32, 16, sram, out+3456
        .output vldp64,    i32, 16, sram, out+3520
        .output vstp,      i32, 16, sram, out+3584
        .output g4,        i32, 16, sram, out+3648
        .output g16,       i32, 16, sram, out+3712
        .output g32,       i32, 16, sram, out+3776
        .output g4neg,     i32, 16, sram, out+3840
        .output scatter,   i32, 48, sram, out+3904
        .output ext,       i64, 4, sram, xres
        .output minbits,   u32, 16, sram, out+512
        .output maxbits,   u32, 16, sram, out+576

        .data
        .align 64
out:    .zero 4096
xres:   .zero 32
        .align 64
# Inputs. va, vb: exact arithmetic.
va:      .float -3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5
vb:      .float 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75, 4, 4.25, 4.5, 4.75
# rA, rB: ties, overflow, denormals, inf - inf, 0 * inf, signed zeros.
rA:      .word 0x3f800000, 0x3f800001, 0x7f7fffff, 0x00800000   # 1, 1.00000012, 3.40282347e+38, 1.17549435e-38
         .word 0x00000001, 0x7f800000, 0x7f800000, 0x40400000   # 1.40129846e-45, inf, inf, 3
         .word 0x3dcccccd, 0x80000000, 0x80000000, 0x7149f2ca   # 0.100000001, -0, -0, 1.00000002e+30
         .word 0x3fc00000, 0xc0300000, 0x449a5000, 0xba83126f   # 1.5, -2.75, 1234.5, -0.00100000005
rB:      .word 0x33800000, 0x33800000, 0x7f7fffff, 0x3f000000   # 5.96046448e-08, 5.96046448e-08, 3.40282347e+38, 0.5
         .word 0x00000001, 0x7f800000, 0x00000000, 0x40e00000   # 1.40129846e-45, inf, 0, 7
         .word 0x3e4ccccd, 0x00000000, 0x80000000, 0x0da24260   # 0.200000003, 0, -0, 1e-30
         .word 0x40400000, 0x3f000000, 0x3a83126f, 0x40e00000   # 3, 0.5, 0.00100000005, 7
# fA * fB + fC: lanes 0 and 3 differ between fused and unfused.
fA:      .word 0x3f800800, 0x40000000, 0xbfc00000, 0x3f800001   # 1.00024414, 2, -1.5, 1.00000012
         .word 0x3f800800, 0x40000000, 0xbfc00000, 0x3f800001   # 1.00024414, 2, -1.5, 1.00000012
         .word 0x3f800800, 0x40000000, 0xbfc00000, 0x3f800001   # 1.00024414, 2, -1.5, 1.00000012
         .word 0x3f800800, 0x40000000, 0xbfc00000, 0x3f800001   # 1.00024414, 2, -1.5, 1.00000012
fB:      .word 0x3f800800, 0x40400000, 0x40800000, 0x3f7fffff   # 1.00024414, 3, 4, 0.99999994
         .word 0x3f800800, 0x40400000, 0x40800000, 0x3f7fffff   # 1.00024414, 3, 4, 0.99999994
         .word 0x3f800800, 0x40400000, 0x40800000, 0x3f7fffff   # 1.00024414, 3, 4, 0.99999994
         .word 0x3f800800, 0x40400000, 0x40800000, 0x3f7fffff   # 1.00024414, 3, 4, 0.99999994
fC:      .word 0xbf801000, 0x3f800000, 0x3e800000, 0xbf800000   # -1.00048828, 1, 0.25, -1
         .word 0xbf801000, 0x3f800000, 0x3e800000, 0xbf800000   # -1.00048828, 1, 0.25, -1
         .word 0xbf801000, 0x3f800000, 0x3e800000, 0xbf800000   # -1.00048828, 1, 0.25, -1
         .word 0xbf801000, 0x3f800000, 0x3e800000, 0xbf800000   # -1.00048828, 1, 0.25, -1
# mA, mB: min/max/compare operands with NaNs (quiet, negative with payload,
# signalling), signed zeros, infinities and denormals.
mA:      .word 0x3f800000, 0xbf800000, 0x7fc00000, 0x3f800000   # 1, -1, nan, 1
         .word 0x80000000, 0x00000000, 0x7f800000, 0xc0400000   # -0, 0, inf, -3
         .word 0xffc00001, 0x7f800001, 0x40200000, 0xff800000   # nan, nan, 2.5, -inf
         .word 0x00000001, 0x80000001, 0x40a00000, 0xc0a00000   # 1.40129846e-45, -1.40129846e-45, 5, -5
mB:      .word 0x40000000, 0xc0000000, 0x3f800000, 0x7fc00000   # 2, -2, 1, nan
         .word 0x00000000, 0x80000000, 0xff800000, 0xc0400000   # 0, -0, -inf, -3
         .word 0x00000000, 0x00000000, 0x40200000, 0x40e00000   # 0, 0, 2.5, 7
         .word 0x00000000, 0x00000000, 0xc0a00000, 0x40a00000   # 0, 0, -5, 5
# dX / dY, and sqrt/rcp/rsqrt of dX: zeros, infinities, NaN, a denormal.
dX:      .word 0x3f800000, 0x3f800000, 0xbf800000, 0x00000000   # 1, 1, -1, 0
         .word 0x40000000, 0x41200000, 0x000116c2, 0x7f800000   # 2, 10, 9.9999461e-41, inf
         .word 0x80000000, 0x40400000, 0x40e00000, 0x3dcccccd   # -0, 3, 7, 0.100000001
         .word 0x7fc00000, 0x40800000, 0x7149f2ca, 0x40b00000   # nan, 4, 1.00000002e+30, 5.5
dY:      .word 0x40400000, 0x00000000, 0x00000000, 0x00000000   # 3, 0, 0, 0
         .word 0x40800000, 0x40400000, 0x40000000, 0x7f800000   # 4, 3, 2, inf
         .word 0x3f800000, 0x40e00000, 0x40400000, 0x3e99999a   # 1, 7, 3, 0.300000012
         .word 0x3f800000, 0x3f000000, 0x0da24260, 0xc0000000   # 1, 0.5, 1e-30, -2
# vexp inputs; Inputs/check-vexp.py lists the same bits.
eX:      .word 0x00000000, 0x3f800000, 0xbf800000, 0x3f000000   # 0, 1, -1, 0.5
         .word 0xbf000000, 0x41200000, 0xc1200000, 0x41a40000   # -0.5, 10, -10, 20.5
         .word 0xc1a40000, 0x42b00000, 0xc2ae0000, 0x42b17218   # -20.5, 88, -87, 88.7228394
         .word 0xc2aeac4f, 0xc2c80000, 0x7fc00000, 0x358637bd   # -87.3365402, -100, nan, 9.99999997e-07
# Reduction inputs (see the code below).
tree:    .float 16777216, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0
zmin:    .float 0, -0.0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
zmax:    .float -0.0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
iv:      .word -2147483648, 2147483647, -5, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -1
m16:     .word 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
m2:      .word 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115
# 4x4 transpose: out[4r+c] = m[4c+r]
idx32T:  .word 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15
# indices >= 16 pick from the second source; only the low 5 bits count
idx32B:  .word 16, 0, 17, 1, 18, 2, 19, 3, 31, 15, 35, 63, 0xffffffe0, 47, 20, 4
h16:     .half 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
         .half 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
h16b:    .half 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015
         .half 1016, 1017, 1018, 1019, 1020, 1021, 1022, 1023, 1024, 1025, 1026, 1027, 1028, 1029, 1030, 1031
# 4x8 -> 8x4 transpose of 16-bit lanes: out[4j+k] = h[8k+j]
idx16T:  .half 0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27
         .half 4, 12, 20, 28, 5, 13, 21, 29, 6, 14, 22, 30, 7, 15, 23, 31
# indices >= 32 pick from the second source; only the low 6 bits count
idx16B:  .half 32, 0, 63, 31, 64, 127, 33, 1, 0xffc0, 0xffff, 40, 41, 42, 43, 44, 45
         .half 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61
ia:      .word 0x7fffffff, -2147483648, 65536, 0x10001, -1, 5, -5, 100, 0, 1, 12345678, -12345678, 0x0f0f0f0f, 0xf0f0f0f0, 7, -7
ib:      .word 1, 1, 65536, 0x10001, -1, -5, 5, 100, 0, -1, 3, 3, 0x00ff00ff, 0x00ff00ff, 3, 3
seq:     .word 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
seq2:    .word 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
         .word 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
         .word 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47
         .word 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63

        .text
        li      x20, out
        # --- fp32 add/sub/mul: exact cases ---
        li      x21, va
        vld     v1, 0(x21)
        li      x21, vb
        vld     v2, 0(x21)
        vadd.f32 v3, v1, v2
        vst     v3, 0(x20)
        vsub.f32 v3, v1, v2
        vst     v3, 64(x20)
        vmul.f32 v3, v1, v2
        vst     v3, 128(x20)
        # --- rounding (ties to even), overflow, denormals, inf/NaN, signed zeros ---
        li      x21, rA
        vld     v4, 0(x21)
        li      x21, rB
        vld     v5, 0(x21)
        vadd.f32 v3, v4, v5         # lane 0: 1 + 2^-24 ties to 1; lane 1: (1+2^-23) + 2^-24 ties up to 1+2^-22
        vst     v3, 192(x20)
        vsub.f32 v3, v4, v5
        vst     v3, 256(x20)
        vmul.f32 v3, v4, v5         # lane 3: 2^-126 * 0.5 = 2^-127, a denormal, kept
        vst     v3, 320(x20)
        # --- vfma.f32 is fused ---
        # lane 0: a = b = 1+2^-12, c = -(1+2^-11): a*b = 1 + 2^-11 + 2^-24 exactly, so
        #   fused = 2^-24 = 5.96046448e-08, while rounding a*b first (a tie, to even)
        #   gives 1+2^-11 and then 0.
        # lane 3: (1+2^-23)(1-2^-24) - 1 = 2^-24 - 2^-47 = 5.96046377e-08 fused, 0 unfused.
        li      x21, fA
        vld     v6, 0(x21)
        li      x21, fB
        vld     v7, 0(x21)
        li      x21, fC
        vld     v8, 0(x21)
        vfma.f32 v9, v6, v7, v8
        vst     v9, 384(x20)
        vmul.f32 v10, v6, v7        # the unfused sequence, for contrast
        vadd.f32 v10, v10, v8
        vst     v10, 448(x20)
        # --- min/max, sign bit ops, compares, select ---
        li      x21, mA
        vld     v11, 0(x21)
        li      x21, mB
        vld     v12, 0(x21)
        vmin.f32 v13, v11, v12      # NaN in either -> canonical NaN 0x7fc00000; min(-0,+0) = -0
        vst     v13, 512(x20)
        vmax.f32 v13, v11, v12      # max(-0,+0) = +0
        vst     v13, 576(x20)
        vneg.f32 v13, v11           # flips bit 31, NaN payloads included
        vst     v13, 640(x20)
        vabs.f32 v13, v11           # clears bit 31
        vst     v13, 704(x20)
        vcmpeq.f32 v13, v11, v12    # NaN compares false; -0 == +0
        vst     v13, 768(x20)
        vcmplt.f32 v14, v11, v12
        vst     v14, 832(x20)
        vcmple.f32 v13, v11, v12
        vst     v13, 896(x20)
        vsel    v13, v14, v1, v2    # va where mA < mB, else vb
        vst     v13, 960(x20)
        li      x21, ia
        vld     v15, 0(x21)
        li      x21, ib
        vld     v16, 0(x21)
        vbcasti.32 v17, -65536      # 0xffff0000 in every lane: a bitwise select
        vsel    v13, v17, v15, v16  # high half from ia, low half from ib
        vst     v13, 1024(x20)
        # --- divide, square root, reciprocal, reciprocal square root, exp ---
        li      x21, dX
        vld     v18, 0(x21)
        li      x21, dY
        vld     v19, 0(x21)
        vdiv.f32 v13, v18, v19
        vst     v13, 1088(x20)
        vsqrt.f32 v13, v18          # sqrt(-1) = NaN, sqrt(-0) = -0
        vst     v13, 1152(x20)
        vrcp.f32 v13, v18           # 1/-0 = -inf; 1/denormal overflows to inf
        vst     v13, 1216(x20)
        vrsqrt.f32 v13, v18         # in binary64, rounded once
        vst     v13, 1280(x20)
        li      x21, eX
        vld     v20, 0(x21)
        vexp.f32 v13, v20
        vst     v13, 1344(x20)
        # --- reductions (halving tree, broadcast) ---
        # tree = [2^24, 1, 1, 0 x6, 1, 0 x6]: the tree adds lane 9 to lane 1 first
        # (2), lane 2 reaches lane 0 alone (2^24 + 1 ties to 2^24), then 2^24 + 2
        # = 16777218. A left-to-right sum gives 16777216 and the exact sum
        # rounded once gives 16777220.
        li      x21, tree
        vld     v21, 0(x21)
        vredsum.f32 v13, v21
        vst     v13, 1408(x20)
        vredsum.f32 v13, v1         # -3 + -2.5 + ... + 4.5 = 12
        vst     v13, 1472(x20)
        vredmax.f32 v13, v1
        vst     v13, 1536(x20)
        vredmin.f32 v13, v1
        vst     v13, 1600(x20)
        vredmax.f32 v13, v11        # mA has NaNs: canonical NaN everywhere
        vst     v13, 1664(x20)
        li      x21, zmin
        vld     v22, 0(x21)
        vredmin.f32 v13, v22        # [+0, -0, 1, ...] -> -0
        vst     v13, 1728(x20)
        li      x21, zmax
        vld     v23, 0(x21)
        vredmax.f32 v13, v23        # [-0, +0, -1, ...] -> +0
        vst     v13, 1792(x20)
        # --- broadcasts, lane moves ---
        li      x1, 0x12345678
        lih     x1, 7               # the upper half is ignored
        vbcast.32 v13, x1
        vst     v13, 1856(x20)
        vbcasti.32 v13, %f32(1.5)
        vst     v13, 1920(x20)
        vbcasti.32 v13, -1
        vst     v13, 1984(x20)
        vbcastl.32 v13, v1, 5       # va[5] = -0.5
        vst     v13, 2048(x20)
        vmv     v24, v1
        li      x2, %f32(100)
        vins.32 v24, x2, 3
        li      x3, %f32(-3.14159265) # 0xc0490fdb
        lih     x3, 0x1234          # only the low 32 bits go in
        vins.32 v24, x3, 15
        vst     v24, 2112(x20)
        vmv     v25, v1
        vbcasti.32 v1, 0            # the copy does not alias its source
        vst     v25, 2176(x20)
        li      x22, xres
        li      x21, iv
        vld     v26, 0(x21)
        vext.32 x4, v26, 0          # sign-extended: -2147483648
        sd      x4, 0(x22)
        vext.32 x4, v26, 1          # 2147483647
        sd      x4, 8(x22)
        vext.32 x4, v26, 2          # -5
        sd      x4, 16(x22)
        vext.32 x4, v26, 15         # -1
        sd      x4, 24(x22)
        # --- shuffles ---
        li      x21, m16
        vld     v27, 0(x21)
        li      x21, m2
        vld     v28, 0(x21)
        li      x21, idx32T
        vld     v29, 0(x21)
        vperm.32 v13, v27, v28, v29
        vst     v13, 2240(x20)
        li      x21, idx32B
        vld     v29, 0(x21)
        vperm.32 v13, v27, v28, v29
        vst     v13, 2304(x20)
        li      x21, h16
        vld     v27, 0(x21)
        li      x21, h16b
        vld     v28, 0(x21)
        li      x21, idx16T
        vld     v29, 0(x21)
        vperm.16 v13, v27, v28, v29
        vst     v13, 2368(x20)
        li      x21, idx16B
        vld     v29, 0(x21)
        vperm.16 v13, v27, v28, v29
        vst     v13, 2432(x20)
        # --- integer lanes (v15 = ia, v16 = ib) ---
        vadd.i32 v13, v15, v16      # 0x7fffffff + 1 wraps
        vst     v13, 2496(x20)
        vsub.i32 v13, v15, v16
        vst     v13, 2560(x20)
        vmul.i32 v13, v15, v16      # low 32 bits: 65536 * 65536 = 0
        vst     v13, 2624(x20)
        vand    v13, v15, v16
        vst     v13, 2688(x20)
        vor     v13, v15, v16
        vst     v13, 2752(x20)
        vxor    v13, v15, v16
        vst     v13, 2816(x20)
        vslli.32 v13, v15, 4
        vst     v13, 2880(x20)
        vsrli.32 v13, v15, 4
        vst     v13, 2944(x20)
        vsrai.32 v13, v15, 4
        vst     v13, 3008(x20)
        vcmpeq.i32 v13, v15, v16
        vst     v13, 3072(x20)
        vcmplt.i32 v13, v15, v16    # signed
        vst     v13, 3136(x20)
        vmin.i32 v13, v15, v16
        vst     v13, 3200(x20)
        vmax.i32 v13, v15, v16
        vst     v13, 3264(x20)
        # --- vector memory ---
        li      x21, va
        vldb.32 v13, 8(x21)         # va[2] = -2 in every lane
        vst     v13, 3328(x20)
        li      x21, seq
        vbcasti.32 v13, -1
        li      x5, 12
        vldp    v13, x21, x5        # 3 lanes; the rest become 0
        vst     v13, 3392(x20)
        vbcasti.32 v13, -1
        vldp    v13, x21, x0        # 0 bytes: all 0
        vst     v13, 3456(x20)
        li      x5, 64
        vldp    v13, x21, x5        # all 64 bytes
        vst     v13, 3520(x20)
        vbcasti.32 v13, -1
        vst     v13, 3584(x20)
        vld     v30, 0(x21)         # seq
        li      x5, 8
        addi    x6, x20, 3584
        vstp    v30, x6, x5         # only the first 8 bytes are written
        li      x21, seq2
        li      x5, 12
        vldg    v13, x21, x5, 4     # every third word
        vst     v13, 3648(x20)
        li      x5, 64
        vldg    v13, x21, x5, 16    # a 4x4 block of a 16-column matrix
        vst     v13, 3712(x20)
        li      x5, 128
        vldg    v13, x21, x5, 32
        vst     v13, 3776(x20)
        addi    x6, x21, 60
        li      x5, -4
        vldg    v13, x6, x5, 4      # a negative stride reverses
        vst     v13, 3840(x20)
        addi    x6, x20, 3904
        li      x5, 24
        vstg    v30, x6, x5, 8      # 8-byte chunks every 24 bytes
        halt

# CHECK:      output 0 'add' f32[16]: -2 -1.25 -0.5 0.25 1 1.75 2.5 3.25 4 4.75 5.5 6.25 7 7.75 8.5 9.25{{$}}
# CHECK-NEXT: output 1 'sub' f32[16]: -4 -3.75 -3.5 -3.25 -3 -2.75 -2.5 -2.25 -2 -1.75 -1.5 -1.25 -1 -0.75 -0.5 -0.25{{$}}
# CHECK-NEXT: output 2 'mul' f32[16]: -3 -3.125 -3 -2.625 -2 -1.125 0 1.375 3 4.875 7 9.375 12 14.875 18 21.375{{$}}
# CHECK-NEXT: output 3 'radd' f32[16]: 1 1.00000024 inf 0.5 2.80259693e-45 inf inf 10 0.300000012 0 -0 1.00000002e+30 4.5 -2.25 1234.50098 6.99900007{{$}}
# CHECK-NEXT: output 4 'rsub' f32[16]: 0.99999994 1 0 -0.5 0 {{-?nan}} inf -4 -0.100000001 -0 0 1.00000002e+30 -1.5 -3.25 1234.49902 -7.00099993{{$}}
# CHECK-NEXT: output 5 'rmul' f32[16]: 5.96046448e-08 5.96046519e-08 inf 5.87747175e-39 0 inf {{-?nan}} 21 0.0200000014 -0 0 1 4.5 -1.375 1.23450005 -0.00700000022{{$}}
# CHECK-NEXT: output 6 'fma' f32[16]: 5.96046448e-08 7 -5.75 5.96046377e-08 5.96046448e-08 7 -5.75 5.96046377e-08 5.96046448e-08 7 -5.75 5.96046377e-08 5.96046448e-08 7 -5.75 5.96046377e-08{{$}}
# CHECK-NEXT: output 7 'unfused' f32[16]: 0 7 -5.75 0 0 7 -5.75 0 0 7 -5.75 0 0 7 -5.75 0{{$}}
# CHECK-NEXT: output 8 'min' f32[16]: 1 -2 {{-?nan}} {{-?nan}} -0 -0 -inf -3 {{-?nan}} {{-?nan}} 2.5 -inf 0 -1.40129846e-45 -5 -5{{$}}
# CHECK-NEXT: output 9 'max' f32[16]: 2 -1 {{-?nan}} {{-?nan}} 0 0 inf -3 {{-?nan}} {{-?nan}} 2.5 7 1.40129846e-45 0 5 5{{$}}
# CHECK-NEXT: output 10 'neg' u32[16]: 3212836864 1065353216 4290772992 3212836864 0 2147483648 4286578688 1077936128 2143289345 4286578689 3223322624 2139095040 2147483649 1 3231711232 1084227584{{$}}
# CHECK-NEXT: output 11 'abs' u32[16]: 1065353216 1065353216 2143289344 1065353216 0 0 2139095040 1077936128 2143289345 2139095041 1075838976 2139095040 1 1 1084227584 1084227584{{$}}
# CHECK-NEXT: output 12 'cmpeq' i32[16]: 0 0 0 0 -1 -1 0 -1 0 0 -1 0 0 0 0 0{{$}}
# CHECK-NEXT: output 13 'cmplt' i32[16]: -1 0 0 0 0 0 0 0 0 0 0 -1 0 -1 0 -1{{$}}
# CHECK-NEXT: output 14 'cmple' i32[16]: -1 0 0 0 -1 -1 0 -1 0 0 -1 -1 0 -1 0 -1{{$}}
# CHECK-NEXT: output 15 'sel' f32[16]: -3 1.25 1.5 1.75 2 2.25 2.5 2.75 3 3.25 3.5 2.5 4 3.5 4.5 4.5{{$}}
# CHECK-NEXT: output 16 'selbits' u32[16]: 2147418113 2147483649 65536 65537 4294967295 65531 4294901765 100 0 65535 12320771 4282580995 252641535 4042260735 3 4294901763{{$}}
# CHECK-NEXT: output 17 'div' f32[16]: 0.333333343 inf -inf {{-?nan}} 0.5 3.33333325 4.99997305e-41 {{-?nan}} -0 0.428571433 2.33333325 0.333333313 {{-?nan}} 8 inf -2.75{{$}}
# CHECK-NEXT: output 18 'sqrt' f32[16]: 1 1 {{-?nan}} 0 1.41421354 3.1622777 9.99997303e-21 inf -0 1.73205078 2.64575124 0.316227764 {{-?nan}} 2 9.99999987e+14 2.34520793{{$}}
# CHECK-NEXT: output 19 'rcp' f32[16]: 1 1 -1 inf 0.5 0.100000001 inf 0 -inf 0.333333343 0.142857149 10 {{-?nan}} 0.25 1e-30 0.181818187{{$}}
# CHECK-NEXT: output 20 'rsqrt' f32[16]: 1 1 {{-?nan}} inf 0.707106769 0.316227764 1.00000266e+20 0 -inf 0.577350259 0.377964467 3.1622777 {{-?nan}} 0.5 1e-15 0.426401436{{$}}
# CHECK-NEXT: output 21 'exp' f32[16]:
# CHECK-NEXT: output 22 'redtree' f32[16]: 16777218 16777218 16777218 16777218 16777218 16777218 16777218 16777218 16777218 16777218 16777218 16777218 16777218 16777218 16777218 16777218{{$}}
# CHECK-NEXT: output 23 'redsum' f32[16]: 12 12 12 12 12 12 12 12 12 12 12 12 12 12 12 12{{$}}
# CHECK-NEXT: output 24 'redmax' f32[16]: 4.5 4.5 4.5 4.5 4.5 4.5 4.5 4.5 4.5 4.5 4.5 4.5 4.5 4.5 4.5 4.5{{$}}
# CHECK-NEXT: output 25 'redmin' f32[16]: -3 -3 -3 -3 -3 -3 -3 -3 -3 -3 -3 -3 -3 -3 -3 -3{{$}}
# CHECK-NEXT: output 26 'redmaxnan' u32[16]: 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344 2143289344{{$}}
# CHECK-NEXT: output 27 'redminz' f32[16]: -0 -0 -0 -0 -0 -0 -0 -0 -0 -0 -0 -0 -0 -0 -0 -0{{$}}
# CHECK-NEXT: output 28 'redmaxz' f32[16]: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0{{$}}
# CHECK-NEXT: output 29 'bcast' i32[16]: 305419896 305419896 305419896 305419896 305419896 305419896 305419896 305419896 305419896 305419896 305419896 305419896 305419896 305419896 305419896 305419896{{$}}
# CHECK-NEXT: output 30 'bcasti' f32[16]: 1.5 1.5 1.5 1.5 1.5 1.5 1.5 1.5 1.5 1.5 1.5 1.5 1.5 1.5 1.5 1.5{{$}}
# CHECK-NEXT: output 31 'bcastm1' i32[16]: -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1{{$}}
# CHECK-NEXT: output 32 'bcastl' f32[16]: -0.5 -0.5 -0.5 -0.5 -0.5 -0.5 -0.5 -0.5 -0.5 -0.5 -0.5 -0.5 -0.5 -0.5 -0.5 -0.5{{$}}
# CHECK-NEXT: output 33 'ins' f32[16]: -3 -2.5 -2 100 -1 -0.5 0 0.5 1 1.5 2 2.5 3 3.5 4 -3.14159274{{$}}
# CHECK-NEXT: output 34 'mv' f32[16]: -3 -2.5 -2 -1.5 -1 -0.5 0 0.5 1 1.5 2 2.5 3 3.5 4 4.5{{$}}
# CHECK-NEXT: output 35 'perm32T' i32[16]: 0 4 8 12 1 5 9 13 2 6 10 14 3 7 11 15{{$}}
# CHECK-NEXT: output 36 'perm32B' i32[16]: 100 0 101 1 102 2 103 3 115 15 3 115 0 15 104 4{{$}}
# CHECK-NEXT: output 37 'perm16T' u16[32]: 0 8 16 24 1 9 17 25 2 10 18 26 3 11 19 27 4 12 20 28 5 13 21 29 6 14 22 30 7 15 23 31{{$}}
# CHECK-NEXT: output 38 'perm16B' u16[32]: 1000 0 1031 31 0 1031 1001 1 0 1031 1008 1009 1010 1011 1012 1013 1014 1015 1016 1017 1018 1019 1020 1021 1022 1023 1024 1025 1026 1027 1028 1029{{$}}
# CHECK-NEXT: output 39 'iadd' i32[16]: -2147483648 -2147483647 131072 131074 -2 0 0 200 0 0 12345681 -12345675 269357070 -235933201 10 -4{{$}}
# CHECK-NEXT: output 40 'isub' i32[16]: 2147483646 2147483647 0 0 0 10 -10 0 0 2 12345675 -12345681 235933200 -269357071 4 -10{{$}}
# CHECK-NEXT: output 41 'imul' i32[16]: 2147483647 -2147483648 0 131073 1 -25 -25 10000 0 -1 37037034 -37037034 -983055 -15728880 21 -21{{$}}
# CHECK-NEXT: output 42 'iand' i32[16]: 1 0 65536 65537 -1 1 1 100 0 1 2 2 983055 15728880 3 1{{$}}
# CHECK-NEXT: output 43 'ior' i32[16]: 2147483647 -2147483647 65536 65537 -1 -1 -1 100 0 -1 12345679 -12345677 268374015 -251662081 7 -5{{$}}
# CHECK-NEXT: output 44 'ixor' i32[16]: 2147483646 -2147483647 0 0 0 -2 -2 0 0 -2 12345677 -12345679 267390960 -267390961 4 -6{{$}}
# CHECK-NEXT: output 45 'islli' i32[16]: -16 0 1048576 1048592 -16 80 -80 1600 0 16 197530848 -197530848 -252645136 252645120 112 -112{{$}}
# CHECK-NEXT: output 46 'isrli' i32[16]: 134217727 134217728 4096 4096 268435455 0 268435455 6 0 0 771604 267663851 15790320 252645135 0 268435455{{$}}
# CHECK-NEXT: output 47 'israi' i32[16]: 134217727 -134217728 4096 4096 -1 0 -1 6 0 0 771604 -771605 15790320 -15790321 0 -1{{$}}
# CHECK-NEXT: output 48 'icmpeq' i32[16]: 0 0 -1 -1 -1 0 0 -1 -1 0 0 0 0 0 0 0{{$}}
# CHECK-NEXT: output 49 'icmplt' i32[16]: 0 -1 0 0 0 0 -1 0 0 0 0 -1 0 -1 0 -1{{$}}
# CHECK-NEXT: output 50 'imin' i32[16]: 1 -2147483648 65536 65537 -1 -5 -5 100 0 -1 3 -12345678 16711935 -252645136 3 -7{{$}}
# CHECK-NEXT: output 51 'imax' i32[16]: 2147483647 1 65536 65537 -1 5 5 100 0 1 12345678 3 252645135 16711935 7 3{{$}}
# CHECK-NEXT: output 52 'vldb' f32[16]: -2 -2 -2 -2 -2 -2 -2 -2 -2 -2 -2 -2 -2 -2 -2 -2{{$}}
# CHECK-NEXT: output 53 'vldp12' i32[16]: 1 2 3 0 0 0 0 0 0 0 0 0 0 0 0 0{{$}}
# CHECK-NEXT: output 54 'vldp0' i32[16]: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0{{$}}
# CHECK-NEXT: output 55 'vldp64' i32[16]: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16{{$}}
# CHECK-NEXT: output 56 'vstp' i32[16]: 1 2 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1{{$}}
# CHECK-NEXT: output 57 'g4' i32[16]: 0 3 6 9 12 15 18 21 24 27 30 33 36 39 42 45{{$}}
# CHECK-NEXT: output 58 'g16' i32[16]: 0 1 2 3 16 17 18 19 32 33 34 35 48 49 50 51{{$}}
# CHECK-NEXT: output 59 'g32' i32[16]: 0 1 2 3 4 5 6 7 32 33 34 35 36 37 38 39{{$}}
# CHECK-NEXT: output 60 'g4neg' i32[16]: 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0{{$}}
# CHECK-NEXT: output 61 'scatter' i32[48]: 1 2 0 0 0 0 3 4 0 0 0 0 5 6 0 0 0 0 7 8 0 0 0 0 9 10 0 0 0 0 11 12 0 0 0 0 13 14 0 0 0 0 15 16 0 0 0 0{{$}}
# CHECK-NEXT: output 62 'ext' i64[4]: -2147483648 2147483647 -5 -1{{$}}
# CHECK-NEXT: output 63 'minbits' u32[16]: 1065353216 3221225472 2143289344 2143289344 2147483648 2147483648 4286578688 3225419776 2143289344 2143289344 1075838976 4286578688 0 2147483649 3231711232 3231711232{{$}}
# CHECK-NEXT: output 64 'maxbits' u32[16]: 1073741824 3212836864 2143289344 2143289344 0 0 2139095040 3225419776 2143289344 2143289344 1075838976 1088421888 1 0 1084227584 1084227584{{$}}
