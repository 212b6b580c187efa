//===- Core.cpp - The per-core hot loop, DMA and events -------------------===//
#include "Core.h"
#include "Semantics.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace d1 {
namespace rt {

template <class T> inline T loadLE(const uint8_t *P) {
  T V;
  std::memcpy(&V, P, sizeof(T));
  return V;
}
template <class T> inline void storeLE(uint8_t *P, T V) { std::memcpy(P, &V, sizeof(T)); }

// Cloned for AVX2 where the host has it: one accumulator row is one 8-lane
// register. The products of two bf16 values are exact in fp32, and each row
// adds them in the ISA's order (K = 0..3), one rounding per add.
typedef float F32x8 __attribute__((vector_size(32)));
typedef uint32_t U32x8 __attribute__((vector_size(32)));

__attribute__((target_clones("avx2", "default")))
void mmaBf16(Accumulator &Acc, const VReg &A, const VReg &B) {
  // Both tiles widened to fp32 first (8 lanes at a time); A's elements
  // are then broadcast from memory.
  F32x8 BF[4];
  alignas(32) float AF[32];
  for (int K = 0; K < 4; ++K) {
    U32x8 WB, WA;
    for (int J = 0; J < 8; ++J) {
      WB[J] = uint32_t(B.u16[8 * K + J]) << 16;
      WA[J] = uint32_t(A.u16[8 * K + J]) << 16;
    }
    BF[K] = (F32x8)WB;
    std::memcpy(&AF[8 * K], &WA, sizeof WA);
  }
  for (int I = 0; I < 8; ++I) {
    F32x8 Row;
    std::memcpy(&Row, &Acc.f32[8 * I], sizeof Row);
    for (int K = 0; K < 4; ++K)
      Row = Row + AF[4 * I + K] * BF[K];
    std::memcpy(&Acc.f32[8 * I], &Row, sizeof Row);
  }
}

Core::Core(Mesh &Mesh, uint32_t Id, const d1x::Core *Prog)
    : M(Mesh), Id(Id), Program(Prog),
      SramSize(uint64_t(Mesh.Machine[MachineParamId::sram_bytes])) {
  Stats.Id = Id;
  Stats.UnitIssues.assign(NumUnits, 0);
  Rng = splitMix64(uint64_t(Mesh.Machine[MachineParamId::rng_seed]) ^
                   (uint64_t(Id) * 0x9e3779b97f4a7c15ull));
  if (Prog) {
    HasCode = true;
    CodeSize = Prog->num_insts();
  }
}

uint8_t *Core::sram() {
  if (!Sram) {
    Sram.reset(new uint8_t[SramSize]);
    std::memset(Sram.get(), 0, SramSize);
  }
  return Sram.get();
}

std::string Core::where(uint64_t PCv) const {
  unsigned Cols = unsigned(M.Machine[MachineParamId::mesh_cols]);
  std::string S = "core " + std::to_string(Id) + " (row " + std::to_string(Id / Cols) +
                  ", col " + std::to_string(Id % Cols) + ")";
  if (!HasCode || PCv >= CodeSize)
    return S;
  S += " pc " + std::to_string(PCv);
  Inst I;
  std::string Err;
  if (decode(M.File.codeWord(*Program, PCv), I, Err))
    S += " `" + formatInst(I, nullptr, int64_t(PCv)) + "`";
  const auto &Dbg = Program->debug();
  if (Dbg.locs_size() > int(PCv)) {
    const auto &L = Dbg.locs(int(PCv));
    if (L.file() && L.file() < uint32_t(Dbg.files_size()))
      S += " (" + Dbg.files(int(L.file())) + ":" + std::to_string(L.line()) + ":" +
           std::to_string(L.col()) + ")";
  }
  return S;
}

void Core::trap(const Decoded &D, uint64_t T, const char *Fmt, ...) {
  char Buf[512];
  va_list Ap;
  va_start(Ap, Fmt);
  std::vsnprintf(Buf, sizeof Buf, Fmt, Ap);
  va_end(Ap);
  Error = where(Pc) + ": " + Buf;
  ErrorTime = T;
}

void Core::recordTrace(uint8_t Track, uint64_t Start, uint64_t Dur, uint8_t Op,
                       uint64_t Bytes) {
  if (Trace.size() < M.Opts.TraceLimit)
    Trace.push_back({Start, Dur, uint32_t(Pc), Track, Op, Bytes});
}

//===----------------------------------------------------------------------===//
// DMA
//===----------------------------------------------------------------------===//

static const char *const DmaKindNames[] = {"dram->sram", "sram->dram", "sram->sram",
                                           "put", "get"};

// Lowest and highest byte a strided walk touches.
static bool span(uint64_t Base, uint64_t S0, uint64_t S1, uint64_t S2, int64_t St1, int64_t St2,
                 uint64_t Cap, uint64_t &Hi) {
  __int128 Lo = Base, High = Base;
  __int128 A = __int128(St1) * __int128(S1 - 1), B = __int128(St2) * __int128(S2 - 1);
  (A < 0 ? Lo : High) += A;
  (B < 0 ? Lo : High) += B;
  High += S0;
  Hi = uint64_t(High);
  return Lo >= 0 && High <= __int128(Cap);
}

template <class F> static void forEachRow(const DmaOp &Op, bool Source, F Fn) {
  uint64_t Base = Source ? Op.Src : Op.Dst;
  int64_t St1 = Source ? Op.SrcStride1 : Op.DstStride1;
  int64_t St2 = Source ? Op.SrcStride2 : Op.DstStride2;
  uint64_t Packed = 0;
  for (uint64_t K = 0; K < Op.Size2; ++K)
    for (uint64_t J = 0; J < Op.Size1; ++J) {
      Fn(uint64_t(int64_t(Base) + int64_t(K) * St2 + int64_t(J) * St1), Packed);
      Packed += Op.Size0;
    }
}

void gatherRows(const DmaOp &Op, const uint8_t *Mem, std::vector<uint8_t> &Out) {
  Out.resize(Op.Bytes);
  forEachRow(Op, true, [&](uint64_t A, uint64_t P) { std::memcpy(&Out[P], Mem + A, Op.Size0); });
}

void scatterRows(const DmaOp &Op, const std::vector<uint8_t> &In, uint8_t *Mem) {
  forEachRow(Op, false, [&](uint64_t A, uint64_t P) { std::memcpy(Mem + A, &In[P], Op.Size0); });
}

Core::DmaResult Core::startDma(const Decoded &D, uint64_t T, uint64_t Dst, uint64_t Src,
                               uint64_t Desc) {
  const MachineDesc &MD = M.Machine;
  if (Desc > SramSize || 64 > SramSize - Desc || (Desc & 7)) {
    trap(D, T, "DMA descriptor at 0x%llx is outside SRAM or not 8-byte aligned",
         (unsigned long long)Desc);
    return DmaResult::Trap;
  }
  if (DmaOutstanding >= uint64_t(MD[MachineParamId::dma_queue_depth]))
    return DmaResult::Block;
  const uint8_t *P = sram() + Desc;
  touch(Desc + 64);
  auto Op = std::make_shared<DmaOp>();
  Op->Kind = P[0];
  Op->Core = Id;
  Op->LocalSem = P[1] == 0xff ? -1 : P[1];
  Op->RemoteSem = P[2] == 0xff ? -1 : P[2];
  Op->RemoteCore = loadLE<uint16_t>(P + 4);
  Op->Size0 = loadLE<uint32_t>(P + 8);
  Op->Size1 = loadLE<uint32_t>(P + 12);
  Op->Size2 = loadLE<uint32_t>(P + 16);
  Op->SrcStride1 = loadLE<int64_t>(P + 24);
  Op->SrcStride2 = loadLE<int64_t>(P + 32);
  Op->DstStride1 = loadLE<int64_t>(P + 40);
  Op->DstStride2 = loadLE<int64_t>(P + 48);
  Op->Src = Src;
  Op->Dst = Dst;
  if (P[3] || loadLE<uint16_t>(P + 6) || loadLE<uint32_t>(P + 20) || loadLE<uint64_t>(P + 56)) {
    trap(D, T, "DMA descriptor at 0x%llx has non-zero reserved bytes", (unsigned long long)Desc);
    return DmaResult::Trap;
  }
  if (Op->Kind >= NumDmaKinds) {
    trap(D, T, "DMA descriptor at 0x%llx has unknown kind %u", (unsigned long long)Desc,
         unsigned(Op->Kind));
    return DmaResult::Trap;
  }
  const char *KindName = DmaKindNames[Op->Kind];
  if (!Op->Size0 || !Op->Size1 || !Op->Size2) {
    trap(D, T, "%s DMA with an empty size (%llu x %llu x %llu)", KindName,
         (unsigned long long)Op->Size0, (unsigned long long)Op->Size1,
         (unsigned long long)Op->Size2);
    return DmaResult::Trap;
  }
  if ((Op->LocalSem >= 32) || (Op->RemoteSem >= 32)) {
    trap(D, T, "%s DMA names semaphore %d; cores have 32", KindName,
         std::max(Op->LocalSem, Op->RemoteSem));
    return DmaResult::Trap;
  }
  bool Remote = Op->Kind == Put || Op->Kind == Get;
  if (Remote && Op->RemoteCore >= M.Cores.size()) {
    trap(D, T, "%s DMA to core %u, outside the %zu-core mesh", KindName, Op->RemoteCore,
         M.Cores.size());
    return DmaResult::Trap;
  }
  if (Op->RemoteSem >= 0 && Op->Kind != Put) {
    trap(D, T, "%s DMA names a remote semaphore; only put signals another core", KindName);
    return DmaResult::Trap;
  }
  Op->Bytes = Op->Size0 * Op->Size1 * Op->Size2;
  bool SrcDram = Op->Kind == DramToSram, DstDram = Op->Kind == SramToDram;
  uint64_t SrcCap = SrcDram ? M.DramSize : SramSize, DstCap = DstDram ? M.DramSize : SramSize;
  // Both walks must lie inside their memories.
  uint64_t Hi[2];
  for (int Side = 0; Side < 2; ++Side) {
    bool IsSrc = Side == 0, InDram = IsSrc ? SrcDram : DstDram;
    uint64_t Base = IsSrc ? Src : Dst, Cap = IsSrc ? SrcCap : DstCap;
    int64_t St1 = IsSrc ? Op->SrcStride1 : Op->DstStride1;
    int64_t St2 = IsSrc ? Op->SrcStride2 : Op->DstStride2;
    if (!span(Base, Op->Size0, Op->Size1, Op->Size2, St1, St2, Cap, Hi[Side])) {
      trap(D, T, "%s DMA %s 0x%llx (%llu x %llu x %llu bytes, strides %lld, %lld) is outside %s (%llu bytes)",
           KindName, IsSrc ? "source" : "destination", (unsigned long long)Base,
           (unsigned long long)Op->Size0, (unsigned long long)Op->Size1,
           (unsigned long long)Op->Size2, (long long)St1, (long long)St2,
           InDram ? "DRAM" : "SRAM", (unsigned long long)Cap);
      return DmaResult::Trap;
    }
  }
  uint64_t SrcHi = Hi[0], DstHi = Hi[1];
  if (!SrcDram && Op->Kind != Get)
    touch(SrcHi);
  if (!DstDram && Op->Kind != Put)
    touch(DstHi);

  // Timing: the engine streams the data, then the latency of the path.
  uint64_t Rows = Op->Size1 * Op->Size2;
  uint64_t Bw = uint64_t(MD[MachineParamId::dma_bytes_per_cycle]);
  uint64_t Cycles = std::max((Op->Bytes + Bw - 1) / Bw, Rows);
  uint64_t Lat;
  unsigned Hops = Remote ? MD.hops(Id, Op->RemoteCore) : 0;
  if (SrcDram || DstDram) {
    uint64_t Share = (Op->Bytes * M.Active.size() + M.DramBytesPerCycle - 1) / M.DramBytesPerCycle;
    Cycles = std::max(Cycles, Share);
    Lat = uint64_t(MD[MachineParamId::dram_latency]);
  } else {
    uint64_t Noc = uint64_t(MD[MachineParamId::noc_bytes_per_cycle]);
    if (Remote)
      Cycles = std::max(Cycles, (Op->Bytes + Noc - 1) / Noc);
    Lat = uint64_t(MD[MachineParamId::dma_mesh_latency]) +
          Hops * uint64_t(MD[MachineParamId::noc_hop_latency]);
  }
  Op->Start = std::max(T, DmaEngineFree);
  DmaEngineFree = Op->Start + Cycles;
  Op->ReadTime = Op->Start + Cycles;
  Op->Complete = Op->ReadTime + Lat;
  Op->Seq = M.NextGlobalSeq++; // only used for ordering within this core
  ++DmaOutstanding;
  ++Stats.Dmas;
  if (SrcDram)
    Stats.DramReadBytes += Op->Bytes;
  if (DstDram)
    Stats.DramWriteBytes += Op->Bytes;
  if (D1_UNLIKELY(M.ProfileOn)) {
    PcProfile &P = Stats.Profile[Pc];
    P.DramReadBytes += SrcDram ? Op->Bytes : 0;
    P.DramWriteBytes += DstDram ? Op->Bytes : 0;
  }
  if (Op->Kind == Put)
    Stats.NocSendBytes += Op->Bytes;
  if (M.TraceOn)
    recordTrace(uint8_t(NumUnits), Op->Start, Op->Complete - Op->Start, Op->Kind, Op->Bytes);

  uint64_t W = MD.lookahead();
  switch (Op->Kind) {
  case DramToSram:
  case Get:
    // The source is read between windows, just before the window of completion.
    Out.Fills.push_back({Op->Complete / W * W, Op->Seq, Op});
    break;
  case Put:
    push({Op->ReadTime, 0, EventKind::DmaRead, 0, 0, Op});
    break;
  default:
    break;
  }
  push({Op->Complete, 0, EventKind::DmaComplete, 0, 0, Op});
  return DmaResult::Ok;
}

bool Core::semAdd(const Decoded &D, uint64_t T, uint64_t Target, unsigned S, uint32_t N) {
  if (Target >= M.Cores.size()) {
    trap(D, T, "semaphore increment for core %llu, outside the %zu-core mesh",
         (unsigned long long)Target, M.Cores.size());
    return false;
  }
  if (Target == Id) {
    Sem[S] += N;
    return true;
  }
  const MachineDesc &MD = M.Machine;
  uint64_t Arrive = T + uint64_t(MD[MachineParamId::sem_remote_latency]) +
                    MD.hops(Id, unsigned(Target)) * uint64_t(MD[MachineParamId::noc_hop_latency]);
  Event E{Arrive, 0, EventKind::SemAdd, S, N, nullptr};
  Out.Remotes.push_back({Arrive, NextSeq++, Id, uint32_t(Target), std::move(E)});
  return true;
}

void Core::processEvents(uint64_t UpTo) {
  while (!Events.empty() && Events.top().Time <= UpTo) {
    Event E = Events.top();
    Events.pop();
    LastEventTime = std::max(LastEventTime, E.Time + 1);
    switch (E.Kind) {
    case EventKind::DmaRead: {
      DmaOp &Op = *E.Op;
      gatherRows(Op, sram(), Op.Fill);
      Event R{Op.Complete, 0, EventKind::RemoteWrite, 0, 0, E.Op};
      Out.Remotes.push_back({Op.Complete, NextSeq++, Id, Op.RemoteCore, std::move(R)});
      break;
    }
    case EventKind::DmaComplete: {
      DmaOp &Op = *E.Op;
      switch (Op.Kind) {
      case DramToSram:
      case Get:
        scatterRows(Op, Op.Fill, sram());
        break;
      case SramToSram: {
        std::vector<uint8_t> Tmp;
        gatherRows(Op, sram(), Tmp);
        scatterRows(Op, Tmp, sram());
        break;
      }
      case SramToDram:
        gatherRows(Op, sram(), Op.Fill);
        Out.DramWrites.push_back({Op.Complete, NextSeq++, Id, E.Op});
        break;
      default:
        break;
      }
      if (Op.LocalSem >= 0)
        Sem[Op.LocalSem] += 1;
      --DmaOutstanding;
      break;
    }
    case EventKind::RemoteWrite: {
      DmaOp &Op = *E.Op;
      scatterRows(Op, Op.Fill, sram());
      uint64_t Hi;
      span(Op.Dst, Op.Size0, Op.Size1, Op.Size2, Op.DstStride1, Op.DstStride2, SramSize, Hi);
      touch(Hi);
      if (Op.RemoteSem >= 0)
        Sem[Op.RemoteSem] += 1;
      break;
    }
    case EventKind::SemAdd:
      Sem[E.Sem] += E.Count;
      break;
    case EventKind::BarrierRelease:
      BarrierReleased = true;
      BarrierWaiting = false;
      break;
    }
  }
}

//===----------------------------------------------------------------------===//
// The hot loop
//===----------------------------------------------------------------------===//

RunStatus Core::run(uint64_t WindowEnd) {
  Core &C = *this;
  if (Halted) {
    processEvents(WindowEnd - 1);
    return RunStatus::Halted;
  }
  const TimingTable &Tim = M.Timing;
  const bool TraceOn = M.TraceOn, ProfileOn = M.ProfileOn;
  for (;;) {
  Retry:
    if (D1_UNLIKELY(Pc >= CodeSize)) {
      Error = where(CodeSize ? CodeSize - 1 : 0) +
              ": ran past the last instruction (missing halt?)";
      ErrorTime = MinIssue;
      return RunStatus::Trapped;
    }
    const Decoded &D = Code[Pc];
    const OpTiming &OT = Tim[D.Op];

    // Earliest issue cycle: operands, then free slots.
    uint64_t T = MinIssue;
    T = std::max(T, std::max(std::max(Ready[D.Src[0]], Ready[D.Src[1]]),
                             std::max(Ready[D.Src[2]], Ready[D.Src[3]])));
    T = std::max(T, std::max(Ready[D.Dst[0]], Ready[D.Dst[1]]));
    T = Slots.firstFree(OT, T, Tim);
    if (T >= WindowEnd) {
      processEvents(WindowEnd - 1);
      return RunStatus::Yield;
    }
    if (T >= nextEventTime())
      processEvents(T);

    uint64_t NextPc = Pc + 1;
    bool Taken = false, Halt = false;
    switch (D.Op) {
#define D1_CASE(Name) case Opcode::Name:
#define D1_END_CASE(Name) break;
#include "d1/Target/ISAExec.inc"
#undef D1_CASE
#undef D1_END_CASE
    }

    // Commit: charge the slots, set result latencies.
    Slots.commit(OT, T);
    ++OpIssues[uint8_t(D.Op)]; // (finishStats derives instructions, MACs, unit issues)
    Ready[D.Dst[0]] = T + OT.Lat;
    Ready[D.Dst[1]] = T + OT.Lat;
    Ready[SlotNone] = 0;
    if (D1_UNLIKELY(BlockedSince != Never)) {
      Stats.WaitCycles += T - BlockedSince;
      BlockedSince = Never;
    }
    if (D1_UNLIKELY(TraceOn))
      recordTrace(OT.NumUses ? OT.Uses[0].U : uint8_t(Unit::Control), T,
                  OT.NumUses && OT.Uses[0].Occ > 1 ? OT.Uses[0].Occ : 1, uint8_t(D.Op), 0);
    if (D1_UNLIKELY(ProfileOn)) {
      PcProfile &P = Stats.Profile[Pc];
      ++P.Issues;
      P.Cycles += T - ProfileLastIssue + (Halt ? 1 : 0);
      P.Macs += OT.Macs;
      ProfileLastIssue = T;
    }
    MinIssue = Taken ? T + Tim.TakenBranchLat : T;
    Pc = NextPc;
    if (D1_UNLIKELY(Halt)) {
      Halted = true;
      HaltCycle = T + 1;
      Stats.Cycles = HaltCycle;
      processEvents(WindowEnd - 1);
      return RunStatus::Halted;
    }
  }
}

void Core::finishStats() {
  const TimingTable &Tim = M.Timing;
  Stats.Instructions = Stats.Macs = 0;
  Stats.UnitIssues.assign(NumUnits, 0);
  for (unsigned Op = 0; Op < 256; ++Op) {
    uint64_t N = OpIssues[Op];
    if (!N)
      continue;
    const OpTiming &OT = Tim.Op[Op];
    Stats.Instructions += N;
    Stats.Macs += N * OT.Macs;
    for (unsigned K = 0; K < OT.NumUses; ++K)
      Stats.UnitIssues[OT.Uses[K].U] += N;
  }
}

} // namespace rt
} // namespace d1
