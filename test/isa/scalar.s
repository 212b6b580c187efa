# Scalar integer instructions: register and immediate ALU forms, li/lih
# (64-bit constants), mul/mulh, div/divu/rem/remu including the documented
# corner cases (x/0 and INT64_MIN/-1), coreid and cycle.
# Every result is stored with sd into `res` and printed as i64.
# Expected values are worked out by hand (see the comments next to each).
#
# RUN: d1-as %s -o %t.d1x
# RUN: d1-run %t.d1x --print --quiet | FileCheck %s

        .core 21                    # not core 0, so coreid is checked
        .output res, i64, 61, sram, res
        .data
        .align 64
res:    .zero 512

        .text
        li      x20, res
        li      x1, 100
        li      x2, -7
        # --- register-register ALU ---
        add     x3, x1, x2          # 100 + -7 = 93
        sd      x3, 0(x20)
        sub     x3, x1, x2          # 107
        sd      x3, 8(x20)
        sub     x3, x2, x1          # -107
        sd      x3, 16(x20)
        li      x4, 0x0ff0
        li      x5, 0x3c3c
        and     x3, x4, x5          # 0x0c30 = 3120
        sd      x3, 24(x20)
        or      x3, x4, x5          # 0x3ffc = 16380
        sd      x3, 32(x20)
        xor     x3, x4, x5          # 0x33cc = 13260
        sd      x3, 40(x20)
        li      x6, 3
        sll     x3, x1, x6          # 800
        sd      x3, 48(x20)
        li      x7, 67              # shift amounts use only the low 6 bits: 67 & 63 = 3
        sll     x3, x1, x7          # 800
        sd      x3, 56(x20)
        li      x6, 1
        srl     x3, x2, x6          # 0xffff_ffff_ffff_fff9 >> 1 = 0x7fff_ffff_ffff_fffc
        sd      x3, 64(x20)
        sra     x3, x2, x6          # -7 >> 1 = -4 (floor)
        sd      x3, 72(x20)
        li      x6, 60
        srl     x3, x2, x6          # top nibble 0xf = 15
        sd      x3, 80(x20)
        slt     x3, x2, x1          # -7 < 100 -> 1
        sd      x3, 88(x20)
        slt     x3, x1, x2          # 0
        sd      x3, 96(x20)
        sltu    x3, x2, x1          # 2^64-7 <u 100 -> 0
        sd      x3, 104(x20)
        sltu    x3, x1, x2          # 1
        sd      x3, 112(x20)
        min     x3, x1, x2          # -7
        sd      x3, 120(x20)
        max     x3, x1, x2          # 100
        sd      x3, 128(x20)
        add     x3, x0, x1          # x0 reads 0: 100
        sd      x3, 136(x20)
        add     x0, x1, x1          # writes to x0 are discarded
        sd      x0, 144(x20)        # 0
        # --- immediate forms ---
        addi    x3, x1, -150        # -50
        sd      x3, 152(x20)
        andi    x3, x2, 0xff        # 0xf9 = 249
        sd      x3, 160(x20)
        ori     x3, x1, -256        # imm sign-extended: ...ff00 | 0x64 = -156
        sd      x3, 168(x20)
        xori    x3, x1, -1          # ~100 = -101
        sd      x3, 176(x20)
        slli    x3, x1, 60          # (100 & 0xf) << 60 = 4 << 60 = 4611686018427387904
        sd      x3, 184(x20)
        srli    x3, x2, 32          # 0xffffffff = 4294967295
        sd      x3, 192(x20)
        srai    x3, x2, 63          # -1
        sd      x3, 200(x20)
        slti    x3, x2, -6          # -7 < -6 -> 1
        sd      x3, 208(x20)
        slti    x3, x1, 100         # 100 < 100 -> 0
        sd      x3, 216(x20)
        sltiu   x3, x1, -1          # 100 <u 2^64-1 -> 1
        sd      x3, 224(x20)
        sltiu   x3, x2, 5           # 2^64-7 <u 5 -> 0
        sd      x3, 232(x20)
        # --- constants ---
        li      x3, -2147483648     # sign-extended
        sd      x3, 240(x20)
        li      x3, 2147483647
        sd      x3, 248(x20)
        li      x8, %lo(0x123456789abcdef0)
        lih     x8, %hi(0x123456789abcdef0)   # 1311768467463790320
        sd      x8, 256(x20)
        li      x3, -1
        lih     x3, 0               # keeps the low half: 0x00000000ffffffff = 4294967295
        sd      x3, 264(x20)
        li      x9, 0
        lih     x9, -2147483648     # 0x8000000000000000 = INT64_MIN
        sd      x9, 272(x20)
        li      x3, 5
        lih     x3, -1              # 0xffffffff00000005 = -4294967291
        sd      x3, 280(x20)
        # --- multiply ---
        mul     x3, x1, x2          # -700
        sd      x3, 288(x20)
        li      x10, 16
        mul     x3, x8, x10         # low 64 bits of 0x123456789abcdef0 * 16 = 0x23456789abcdef00
        sd      x3, 296(x20)        #   = 2541551405711093504
        mulh    x3, x9, x9          # INT64_MIN^2 = 2^126 -> high = 2^62 = 4611686018427387904
        sd      x3, 304(x20)
        li      x11, -1
        li      x12, 5
        mulh    x3, x11, x12        # -5 -> high 64 bits all ones = -1
        sd      x3, 312(x20)
        li      x13, 256
        mulh    x3, x8, x13         # 0x123456789abcdef0 << 8 -> high = 0x12 = 18
        sd      x3, 320(x20)
        mulh    x3, x9, x12         # INT64_MIN * 5 = -5 * 2^63 -> high = floor(-5/2) = -3
        sd      x3, 328(x20)
        # --- divide / remainder ---
        li      x14, 2
        div     x3, x2, x14         # -7 / 2 = -3 (toward zero)
        sd      x3, 336(x20)
        div     x3, x1, x2          # 100 / -7 = -14
        sd      x3, 344(x20)
        rem     x3, x2, x14         # -7 % 2 = -1 (sign of dividend)
        sd      x3, 352(x20)
        rem     x3, x1, x2          # 100 % -7 = 2
        sd      x3, 360(x20)
        divu    x3, x2, x14         # (2^64-7) / 2 = 0x7ffffffffffffffc = 9223372036854775804
        sd      x3, 368(x20)
        remu    x3, x2, x14         # 1
        sd      x3, 376(x20)
        div     x3, x1, x0          # x/0 = -1
        sd      x3, 384(x20)
        divu    x3, x1, x0          # x/0 = 2^64-1 (prints as -1)
        sd      x3, 392(x20)
        rem     x3, x2, x0          # x%0 = x = -7
        sd      x3, 400(x20)
        remu    x3, x1, x0          # x%0 = x = 100
        sd      x3, 408(x20)
        div     x3, x9, x11         # INT64_MIN / -1 = INT64_MIN
        sd      x3, 416(x20)
        rem     x3, x9, x11         # INT64_MIN % -1 = 0
        sd      x3, 424(x20)
        divu    x3, x9, x11         # 2^63 / (2^64-1) = 0
        sd      x3, 432(x20)
        remu    x3, x9, x11         # 2^63 % (2^64-1) = 2^63 = INT64_MIN as i64
        sd      x3, 440(x20)
        div     x3, x9, x14         # INT64_MIN / 2 = -4611686018427387904
        sd      x3, 448(x20)
        # --- coreid / cycle ---
        coreid  x3                  # 21
        sd      x3, 456(x20)
        # A dependent chain with documented latencies: cycle (lat_alu 1) ->
        # mul (lat_mul 3) -> add; the second cycle issues in the add's cycle.
        cycle   x15
        mul     x16, x15, x15       # issues at c+1
        add     x17, x16, x16       # issues at c+4
        cycle   x18                 # same cycle as the add (ALU slots 2 per cycle)
        sub     x3, x18, x15        # 4
        sd      x3, 464(x20)
        sltu    x3, x15, x18        # the counter moves forward: 1
        sd      x3, 472(x20)
        # The last slot stays 0 (.zero).
        halt

# CHECK:      output 0 'res' i64[61]:
# CHECK-SAME: {{^}} 93 107 -107 3120 16380 13260 800 800 9223372036854775804 -4 15
# CHECK-SAME: {{^}} 1 0 0 1 -7 100 100 0
# CHECK-SAME: {{^}} -50 249 -156 -101 4611686018427387904 4294967295 -1 1 0 1 0
# CHECK-SAME: {{^}} -2147483648 2147483647 1311768467463790320 4294967295 -9223372036854775808 -4294967291
# CHECK-SAME: {{^}} -700 2541551405711093504 4611686018427387904 -1 18 -3
# CHECK-SAME: {{^}} -3 -14 -1 2 9223372036854775804 1
# CHECK-SAME: {{^}} -1 -1 -7 100 -9223372036854775808 0 0 -9223372036854775808 -4611686018427387904
# CHECK-SAME: {{^}} 21 4 1 0{{$}}
