# Used by ../sync.s: sem.wait subtracts what it waited for, so the second wait
# can never be satisfied.
        .data
        .zero 8
        .text
        sem.inc s5, 1
        sem.wait s5, 1
        sem.wait s5, 1
        halt
