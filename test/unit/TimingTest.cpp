//===- TimingTest.cpp - Cycle counts predicted by hand from docs/isa.md ---===//
//
// Each case states the schedule the documented model gives; the emulator
// must agree to the cycle.
//
//===----------------------------------------------------------------------===//
#include "d1/Asm/Assembler.h"
#include "d1/Runtime/Emulator.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

using namespace d1;

namespace {

struct Ran {
  uint64_t Cycles = 0, Instructions = 0, Macs = 0, Wait = 0;
  std::string Json, Error;
};

Ran runProgram(const std::string &Src, unsigned Threads = 1, bool Memo = true) {
  D1XWriter W;
  std::vector<AsmDiagnostic> Diags;
  Ran R;
  if (!assemble(Src, "t.s", MachineDesc(), W, Diags)) {
    R.Error = Diags[0].str();
    return R;
  }
  std::string Err;
  auto F = D1XFile::fromBuffer(W.serialize(), "t.d1x", Err);
  if (!F) {
    R.Error = Err;
    return R;
  }
  auto E = Emulator::create(*F, Err);
  RunOptions O;
  O.Threads = Threads;
  O.MaxCycles = 10000000;
  O.MemoizeTiming = Memo;
  if (!E || !E->run(O, Err)) {
    R.Error = Err;
    return R;
  }
  R.Cycles = E->stats().Cycles;
  R.Instructions = E->stats().Instructions;
  R.Macs = E->stats().Macs;
  R.Wait = E->stats().Cores[0].WaitCycles;
  R.Json = E->statsJson();
  return R;
}

TEST(Timing, TwoAluSlotsPerCycle) {
  // 8 independent ALU ops: 2 per cycle in cycles 0-3; halt (control slot)
  // joins cycle 3. The program ends the cycle after halt: 4.
  Ran R = runProgram("addi x1, x0, 1\naddi x2, x0, 1\naddi x3, x0, 1\naddi x4, x0, 1\n"
                     "addi x5, x0, 1\naddi x6, x0, 1\naddi x7, x0, 1\naddi x8, x0, 1\nhalt\n");
  ASSERT_EQ(R.Error, "");
  EXPECT_EQ(R.Cycles, 4u);
}

TEST(Timing, DependentChainPaysLatency) {
  // lat_alu = 1: a chain of 5 issues in cycles 0-4; halt in 4; 5 cycles.
  Ran R = runProgram("addi x1, x1, 1\naddi x1, x1, 1\naddi x1, x1, 1\naddi x1, x1, 1\n"
                     "addi x1, x1, 1\nhalt\n");
  EXPECT_EQ(R.Cycles, 5u);
  // lat_mul = 3: mul at 0, dependent mul at 3, halt at 3: 4 cycles.
  EXPECT_EQ(runProgram("mul x2, x1, x1\nmul x3, x2, x2\nhalt\n").Cycles, 4u);
  // lat_load = 4: ld at 0, use at 4: 5 cycles.
  EXPECT_EQ(runProgram("ld x2, 0(x0)\naddi x3, x2, 1\nhalt\n").Cycles, 5u);
}

TEST(Timing, IssueWidthAndUnits) {
  // One vector op per cycle: 4 independent vadds take cycles 0-3.
  EXPECT_EQ(runProgram("vadd.f32 v1, v0, v0\nvadd.f32 v2, v0, v0\nvadd.f32 v3, v0, v0\n"
                       "vadd.f32 v4, v0, v0\nhalt\n")
                .Cycles,
            4u);
  // Width 4: ALU, ALU, vector, load fill cycle 0; the 5th (ALU) waits for 1.
  EXPECT_EQ(runProgram("addi x1, x0, 1\naddi x2, x0, 1\nvadd.f32 v1, v0, v0\n"
                       "vld v2, 0(x0)\naddi x3, x0, 1\nhalt\n")
                .Cycles,
            2u);
  // One store port: 3 stores take cycles 0-2.
  EXPECT_EQ(runProgram("sd x0, 0(x0)\nsd x0, 8(x0)\nsd x0, 16(x0)\nhalt\n").Cycles, 3u);
  // vdiv occupies the vector unit occ_vlong = 8 cycles: the next vector op
  // issues at 8.
  EXPECT_EQ(runProgram("vdiv.f32 v1, v0, v0\nvadd.f32 v2, v0, v0\nhalt\n").Cycles, 9u);
}

TEST(Timing, LoopOfTwoCyclesPerIteration) {
  // li at 0; iteration k: addi at 1+2k, bne at 2+2k (taken branch: next
  // instruction one cycle later). Last bne at 2N not taken; halt needs the
  // control slot the bne used, so it issues at 2N+1: 2N+2 cycles.
  for (int N : {1, 5, 100}) {
    Ran R = runProgram("li x1, " + std::to_string(N) +
                       "\nloop: addi x1, x1, -1\nbne x1, x0, loop\nhalt\n");
    EXPECT_EQ(R.Cycles, uint64_t(2 * N + 2)) << N;
    EXPECT_EQ(R.Instructions, uint64_t(2 * N + 2));
  }
}

TEST(Timing, MatrixUnitOnePerCycle) {
  // Back-to-back MMAs on one accumulator chain with lat_mma = 1: cycles 0-7;
  // mma.rd waits for the last (ready at 8) and takes the matrix slot at 8;
  // its result (lat_accrd 4) is stored at 12 by vst; halt at 12: 13 cycles.
  std::string S;
  for (int I = 0; I < 8; ++I)
    S += "mma acc0, v1, v2\n";
  S += "mma.rd v3, acc0, 0\nvst v3, 0(x0)\nhalt\n";
  Ran R = runProgram(S);
  ASSERT_EQ(R.Error, "");
  EXPECT_EQ(R.Cycles, 13u);
  EXPECT_EQ(R.Macs, 8u * 256u);
}

TEST(Timing, DmaFromDram) {
  // li x1, li x2 take both ALU slots of cycle 0, li x3 goes at 1, so the dma
  // (which reads x3) issues at 2: 64 cycles of data at 64 B/cycle, then
  // dram_latency 200: complete at 2 + 64 + 200 = 266. sem.wait first tries
  // at 3 and issues at 266; halt needs the control slot: 267. 268 cycles.
  const char *Src = ".dram\nsrc: .space 4096\n.data\n.align 64\ndst: .space 4096\n"
                    "desc: .byte 0, 0, 0xff, 0\n.half 0, 0\n.word 4096, 1, 1, 0\n"
                    ".dword 0, 0, 0, 0, 0\n.text\n"
                    "li x1, dst\nli x2, src\nli x3, desc\ndma x1, x2, x3\nsem.wait s0, 1\nhalt\n";
  Ran R = runProgram(Src);
  ASSERT_EQ(R.Error, "");
  EXPECT_EQ(R.Cycles, 268u);
  EXPECT_EQ(R.Wait, 266u - 3u);
}

TEST(Timing, SameResultsWhateverTheThreadCount) {
  // Four cores pass a token around a ring with remote semaphores and DMA
  // puts, then meet at a barrier.
  std::string S = ".machine mesh_rows, 2\n.machine mesh_cols, 2\n";
  for (int C = 0; C < 4; ++C) {
    int Next = (C + 1) % 4;
    S += ".core " + std::to_string(C) + "\n.data\nbuf: .dword " + std::to_string(C + 1) +
         "\n.align 8\ndesc: .byte 3, 0xff, 1, 0\n.half " + std::to_string(Next) +
         ", 0\n.word 8, 1, 1, 0\n.dword 0, 0, 0, 0, 0\n.text\n"
         "li x5, 10\nloop:\n" +
         (C == 0 ? "" : "sem.wait s1, 1\n") +
         "ld x1, 0(x0)\naddi x1, x1, 1\nsd x1, 0(x0)\nli x2, desc\ndma x0, x0, x2\n" +
         (C == 0 ? "sem.wait s1, 1\n" : "") + "addi x5, x5, -1\nbne x5, x0, loop\nbarrier\nhalt\n";
  }
  Ran One = runProgram(S, 1), Two = runProgram(S, 2), Four = runProgram(S, 4);
  ASSERT_EQ(One.Error, "");
  EXPECT_GT(One.Cycles, 10u * 4u * 33u);
  EXPECT_EQ(One.Json, Two.Json);
  EXPECT_EQ(One.Json, Four.Json);
}

TEST(Timing, MemoisedBlocksChangeNothing) {
  // Loops whose entry state alternates (a divide holds the ALU, a load's
  // latency crosses the back edge, a cycle read), a DMA completing inside
  // a loop, and two cores signalling each other: the same statistics with
  // the timing of every instruction recomputed.
  const std::string Programs[] = {
      "li x1, 300\nli x5, 7\nloop: cycle x3\ndiv x4, x3, x5\nld x6, 0(x0)\n"
      "add x7, x7, x4\nadd x7, x7, x6\naddi x1, x1, -1\nbne x1, x0, loop\nsd x7, 8(x0)\nhalt\n",
      ".dram\nsrc: .space 4096\n.data\n.align 64\ndst: .space 4096\n"
      "desc: .byte 0, 0, 0xff, 0\n.half 0, 0\n.word 4096, 1, 1, 0\n.dword 0, 0, 0, 0, 0\n"
      ".text\nli x1, dst\nli x2, src\nli x3, desc\ndma x1, x2, x3\nli x4, 500\n"
      "loop: vld v1, 0(x1)\nmma acc0, v1, v1\naddi x4, x4, -1\nbne x4, x0, loop\n"
      "sem.wait s0, 1\nhalt\n",
      // Enters its loop in two states in turn (caught a replay that
      // assumed one state).
      "li x1, 200\nloop: vst v4, 64(x0)\nadd x2, x4, x3\nvst v4, 64(x0)\nmul x3, x4, x6\n"
      "addi x1, x1, -1\nbne x1, x0, loop\nhalt\n",
  };
  for (const std::string &P : Programs) {
    Ran Memo = runProgram(P, 1, true), Full = runProgram(P, 1, false);
    ASSERT_EQ(Full.Error, "");
    EXPECT_EQ(Memo.Json, Full.Json);
  }
  std::string Pair = ".machine mesh_rows, 1\n.machine mesh_cols, 2\n";
  for (int C = 0; C < 2; ++C)
    Pair += ".core " + std::to_string(C) + "\n.text\nli x9, " + std::to_string(1 - C) +
            "\nli x5, 50\nloop: addi x6, x6, 3\nmul x7, x6, x6\nsem.incr s1, x9, 1\n"
            "addi x5, x5, -1\nbne x5, x0, loop\nsem.wait s1, 50\nbarrier\nhalt\n";
  Ran Memo = runProgram(Pair, 2, true), Full = runProgram(Pair, 2, false);
  ASSERT_EQ(Full.Error, "");
  EXPECT_GT(Full.Cycles, 100u);
  EXPECT_EQ(Memo.Json, Full.Json);
}

TEST(Timing, MemoisedBlocksChangeNothingOnRandomLoops) {
  // Loops of 2-7 instructions drawn from the scalar, memory, vector and
  // matrix units (latencies, occupancies, shared slots): statistics equal
  // with and without memoised timing.
  struct Op {
    const char *Fmt;
    int AccArg; // which operand is an accumulator (0-1), or -1
  };
  const Op Ops[] = {
      {"add x%d, x%d, x%d", -1},      {"mul x%d, x%d, x%d", -1},  {"div x%d, x%d, x%d", -1},
      {"ld x%d, 0(x0)", -1},          {"vld v%d, 0(x0)", -1},     {"mma acc%d, v%d, v%d", 0},
      {"vadd.f32 v%d, v%d, v%d", -1}, {"cycle x%d", -1},          {"sd x%d, 16(x0)", -1},
      {"vst v%d, 64(x0)", -1},        {"mma.rd v%d, acc%d, 0", 1}};
  std::mt19937 Rng(7);
  unsigned Checked = 0;
  for (int Case = 0; Case < 150; ++Case) {
    std::string P = "li x1, 60\nloop:\n";
    for (int I = 0, N = 2 + int(Rng() % 6); I < N; ++I) {
      const Op &O = Ops[Rng() % (sizeof(Ops) / sizeof(Ops[0]))];
      int Arg[3];
      for (int K = 0; K < 3; ++K)
        Arg[K] = K == O.AccArg ? int(Rng() % 2) : 2 + int(Rng() % 5);
      char Buf[64];
      std::snprintf(Buf, sizeof Buf, O.Fmt, Arg[0], Arg[1], Arg[2]);
      P += std::string(Buf) + "\n";
    }
    P += "addi x1, x1, -1\nbne x1, x0, loop\nhalt\n";
    Ran Memo = runProgram(P, 1, true), Full = runProgram(P, 1, false);
    if (!Full.Error.empty())
      continue; // an operand combination the assembler refuses
    ++Checked;
    EXPECT_EQ(Memo.Json, Full.Json) << P;
  }
  EXPECT_GT(Checked, 100u);
}

TEST(Timing, DeadlockIsReported) {
  Ran R = runProgram("sem.wait s3, 1\nhalt\n");
  EXPECT_EQ(R.Error, "deadlock at cycle 0: core 0 (row 0, col 0) pc 0 `sem.wait s3, 1` (t.s:1:1) "
                     "waits for s3 >= 1 (s3 = 0)");
}

} // namespace
