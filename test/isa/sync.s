# Synchronization between two cores (core 0 at row 0 col 0, core 1 at row 0
# col 1: one hop apart): sem.inc and sem.wait on local semaphores, sem.incr
# to a remote core (arriving sem_remote_latency + 1 hop = 33 cycles after it
# issues), barrier (everyone leaves barrier_latency = 32 cycles after the last
# arrival), fence, a put (kind 3) from core 0 into core 1's SRAM that signals a
# semaphore on both cores, a 2D get (kind 4) by core 1 from core 0's SRAM, and
# a strided put into core 359 (row 17, col 19), which has no code: barriers
# only count cores with code, and the data still lands there.
#
# RUN: d1-as %s -o %t.d1x
# RUN: d1-run %t.d1x --print --quiet | FileCheck %s
#
# A semaphore wait consumes the count: waiting for more than was added
# deadlocks.
# RUN: d1-as %S/Inputs/sync-deadlock.s -o %t.dead.d1x
# RUN: not d1-run %t.dead.d1x --quiet 2>&1 | FileCheck %s --check-prefix=DEADLOCK
# DEADLOCK: error: deadlock at cycle {{[0-9]+}}: core 0 {{.*}}sem.wait s5, 1{{.*}} waits for s5 >= 1 (s5 = 0)
#
# A core that halts while another waits at a barrier is a deadlock too.
# RUN: d1-as %S/Inputs/sync-barrier-halted.s -o %t.bar.d1x
# RUN: not d1-run %t.bar.d1x --quiet 2>&1 | FileCheck %s --check-prefix=BARRIER
# BARRIER: error: deadlock at cycle {{[0-9]+}}: core 0 {{.*}}`barrier`{{.*}} waits at the barrier, 1 halted

#------------------------------------------------------------------ core 0 --
        .core 0
        .output before0, i64, 1, sram, tim0     # cycle of core 0's barrier arrival
        .data
        .org 0
tim0:   .zero 24                    # barrier arrival, sem.incr issue, barrier leave
        .org 0x40
outbox: .word 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
        .org 0x100
shared: .word 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015
        .word 1016, 1017, 1018, 1019, 1020, 1021, 1022, 1023, 1024, 1025, 1026, 1027, 1028, 1029, 1030, 1031
        .org 0x200
d_put:  # put 64 bytes to core 1; local s7 on completion, s6 on core 1 when the data lands
        .byte 3, 7, 6, 0
        .half 1, 0
        .word 64, 1, 1, 0
        .dword 0, 0, 0, 0, 0
d_far:  # put 4 rows of 16 bytes to core 359, 64 bytes apart there; local s10
        .byte 3, 10, 0xff, 0
        .half 359, 0
        .word 16, 4, 1, 0
        .dword 16, 0, 64, 0, 0

        .text
        li      x20, tim0
        sem.inc s5, 3               # local
        sem.wait s5, 2              # 3 >= 2: 1 left
        sem.wait s5, 1              # 1 left: 0 now
        li      x10, d_put
        li      x1, 0x40            # core 1's inbox
        li      x2, outbox
        dma     x1, x2, x10
        sem.wait s7, 1              # the put completed
        li      x3, 1
        sem.incr s4, x3, 2          # core 1's s4 += 2
        cycle   x5                  # issues in the same cycle as the sem.incr
        sd      x5, 8(x20)
        # Make the barrier issue in the same cycle as the `cycle` before it: the
        # add waits 4 cycles for the load, so no control op precedes the barrier
        # in its cycle.
        ld      x9, 8(x20)
        add     x9, x9, x9
        cycle   x7
        barrier
        cycle   x8
        sd      x7, 0(x20)
        sd      x8, 16(x20)
        sem.wait s9, 1              # core 1 has finished its get from `shared`
        li      x10, d_far
        li      x1, 0x10            # core 359's SRAM
        li      x2, outbox
        dma     x1, x2, x10
        fence                       # also waits for the put to core 359
        barrier
        halt

#------------------------------------------------------------------ core 1 --
        .core 1
        .output tim1,   i64, 3, sram, tim1      # sem.incr arrival, barrier arrival, leave
        .output inbox,  i32, 16, sram, inbox
        .output got,    i32, 16, sram, got
        .output sum,    i32, 16, sram, sum
        .data
        .org 0
tim1:   .zero 24
        .org 0x40
inbox:  .zero 64                    # written by core 0's put
got:    .zero 64
sum:    .zero 64
        .org 0x100
d_get:  # get from core 0: 8 rows of 8 bytes, 16 bytes apart there, packed here; local s8
        .byte 4, 8, 0xff, 0
        .half 0, 0
        .word 8, 8, 1, 0
        .dword 16, 0, 8, 0, 0

        .text
        li      x20, tim1
        sem.wait s6, 1              # core 0's put has landed here
        sem.wait s4, 2              # core 0's remote increment
        cycle   x6
        sd      x6, 0(x20)
        ld      x9, 0(x20)
        add     x9, x9, x9
        cycle   x7
        barrier
        cycle   x8
        sd      x7, 8(x20)
        sd      x8, 16(x20)
        li      x10, d_get
        li      x1, got
        li      x2, 0x100           # core 0's `shared`
        dma     x1, x2, x10
        sem.wait s8, 1
        li      x3, 0
        sem.incr s9, x3, 1          # core 0 may go on
        li      x21, inbox
        vld     v1, 0(x21)
        li      x21, got
        vld     v2, 0(x21)
        vadd.i32 v3, v1, v2
        li      x21, sum
        vst     v3, 0(x21)
        barrier
        halt

#------------------------------------------------------------------ core 0 --
        .core 0
        .output tim0,   i64, 2, sram, tim0+8    # sem.incr issue, barrier leave
#---------------------------------------------------------------- core 359 --
        .core 359
        .output far,    i32, 4x16, sram, 0

# CHECK:      output 0 'before0' i64[1]: [[#B0:]]{{$}}
# CHECK-NEXT: output 1 'tim1' i64[3]: [[#T1:]] [[#B1:]]
# Both cores leave the barrier 32 cycles after the later arrival.
# CHECK-SAME: {{^}} [[#A1:max(B0,B1)+32]]{{$}}
# CHECK-NEXT: output 2 'inbox' i32[16]: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16{{$}}
# CHECK-NEXT: output 3 'got' i32[16]: 1000 1001 1004 1005 1008 1009 1012 1013 1016 1017 1020 1021 1024 1025 1028 1029{{$}}
# CHECK-NEXT: output 4 'sum' i32[16]: 1001 1003 1007 1009 1013 1015 1019 1021 1025 1027 1031 1033 1037 1039 1043 1045{{$}}
# The remote increment reached core 1 33 cycles after it issued on core 0.
# CHECK-NEXT: output 5 'tim0' i64[2]: [[#T1-33]] [[#A1]]{{$}}
# CHECK-NEXT: output 6 'far' i32[4x16]:
# CHECK-SAME: {{^}} 0 0 0 0 1 2 3 4 0 0 0 0 0 0 0 0
# CHECK-SAME: {{^}} 0 0 0 0 5 6 7 8 0 0 0 0 0 0 0 0
# CHECK-SAME: {{^}} 0 0 0 0 9 10 11 12 0 0 0 0 0 0 0 0
# CHECK-SAME: {{^}} 0 0 0 0 13 14 15 16 0 0 0 0 0 0 0 0{{$}}
