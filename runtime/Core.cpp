//===- Core.cpp - The per-core hot loop, DMA and events -------------------===//
#include "Core.h"
#include "Semantics.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace d1 {
namespace rt {

template <class T> inline T loadLE(const uint8_t *P) {
  T V;
  std::memcpy(&V, P, sizeof(T));
  return V;
}
template <class T> inline void storeLE(uint8_t *P, T V) { std::memcpy(P, &V, sizeof(T)); }

// The products of two bf16 values are exact in fp32, and each accumulator
// row adds them in the ISA's order (K = 0..3), one rounding per add: a
// multiply then an add per element, never a fused multiply-add.

// Portable: one row of 8 lanes at a time.
static void mmaBf16Generic(Accumulator &Acc, const VReg &A, const VReg &B) {
  float BF[4][8];
  for (int K = 0; K < 4; ++K)
    for (int J = 0; J < 8; ++J)
      BF[K][J] = bf16ToF32(B.u16[8 * K + J]);
  for (int I = 0; I < 8; ++I)
    for (int K = 0; K < 4; ++K) {
      float AK = bf16ToF32(A.u16[4 * I + K]);
      for (int J = 0; J < 8; ++J)
        Acc.f32[8 * I + J] = Acc.f32[8 * I + J] + AK * BF[K][J];
    }
}

#if defined(__x86_64__)
// AVX2: a row is one register. A's elements are broadcast from the bf16
// register as 32-bit pairs and split by shift and mask, so no value goes
// through a store and a narrower reload (a forwarding stall per element).
__attribute__((target("avx2"))) static void mmaBf16Avx2(Accumulator &Acc, const VReg &A,
                                                        const VReg &B) {
  __m256 BF[4];
  for (int K = 0; K < 4; ++K)
    BF[K] = _mm256_castsi256_ps(_mm256_slli_epi32(
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(&B.u16[8 * K]))),
        16));
  const __m256i High = _mm256_set1_epi32(int(0xffff0000u));
  for (int I = 0; I < 8; ++I) {
    int32_t P01, P23; // A[I][0..1] and A[I][2..3]
    std::memcpy(&P01, &A.u16[4 * I], 4);
    std::memcpy(&P23, &A.u16[4 * I + 2], 4);
    __m256i W01 = _mm256_set1_epi32(P01), W23 = _mm256_set1_epi32(P23);
    __m256 A0 = _mm256_castsi256_ps(_mm256_slli_epi32(W01, 16));
    __m256 A1 = _mm256_castsi256_ps(_mm256_and_si256(W01, High));
    __m256 A2 = _mm256_castsi256_ps(_mm256_slli_epi32(W23, 16));
    __m256 A3 = _mm256_castsi256_ps(_mm256_and_si256(W23, High));
    __m256 Row = _mm256_load_ps(&Acc.f32[8 * I]);
    Row = _mm256_add_ps(Row, _mm256_mul_ps(A0, BF[0]));
    Row = _mm256_add_ps(Row, _mm256_mul_ps(A1, BF[1]));
    Row = _mm256_add_ps(Row, _mm256_mul_ps(A2, BF[2]));
    Row = _mm256_add_ps(Row, _mm256_mul_ps(A3, BF[3]));
    _mm256_store_ps(&Acc.f32[8 * I], Row);
  }
}
#endif

using MmaKernel = void (*)(Accumulator &, const VReg &, const VReg &);
static MmaKernel pickMmaKernel() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2"))
    return mmaBf16Avx2;
#endif
  return mmaBf16Generic;
}
static const MmaKernel MmaBf16Kernel = pickMmaKernel();

void mmaBf16(Accumulator &Acc, const VReg &A, const VReg &B) { MmaBf16Kernel(Acc, A, B); }

Core::Core(Mesh &Mesh, uint32_t Id, const d1x::Core *Prog)
    : M(Mesh), Id(Id), Program(Prog), SramSize(uint64_t(Mesh.Machine[MachineParamId::sram_bytes])) {
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
  std::string S = "core " + std::to_string(Id) + " (row " + std::to_string(Id / Cols) + ", col " +
                  std::to_string(Id % Cols) + ")";
  if (!HasCode || PCv >= CodeSize)
    return S;
  S += " pc " + std::to_string(PCv);
  Inst I;
  std::string Err;
  if (decode(M.File.codeWord(*Program, PCv), I, Err))
    S += " `" + formatInst(I, nullptr, int64_t(PCv)) + "`";
  const auto &Dbg = M.File.debug(*Program);
  if (Dbg.locs_size() > int(PCv)) {
    const auto &L = Dbg.locs(int(PCv));
    if (L.file() && L.file() < uint32_t(Dbg.files_size())) {
      S += " (" + Dbg.files(int(L.file())) + ":" + std::to_string(L.line()) + ":" +
           std::to_string(L.col());
      // The layer (a compiled model's node: "name (OpType)").
      if (L.name() && L.name() < uint32_t(Dbg.names_size()))
        S += ", node " + Dbg.names(int(L.name()));
      S += ")";
    }
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

void Core::recordTrace(uint8_t Track, uint64_t Start, uint64_t Dur, uint8_t Op, uint64_t Bytes) {
  if (Trace.size() < M.Opts.TraceLimit)
    Trace.push_back({Start, Dur, uint32_t(Pc), Track, Op, Bytes});
}

//===----------------------------------------------------------------------===//
// DMA
//===----------------------------------------------------------------------===//

static const char *const DmaKindNames[] = {"dram->sram", "sram->dram", "sram->sram", "put", "get"};

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
  bool SrcDram = Op->Kind == DramToSram, DstDram = Op->Kind == SramToDram;
  uint64_t SrcCap = SrcDram ? M.DramSize : SramSize, DstCap = DstDram ? M.DramSize : SramSize;
  // Walks with stride 0 may revisit rows, but a transfer never moves more
  // bytes than its destination holds: the data in flight is staged whole.
  // (Three 32-bit sizes: the product needs more than 64 bits.)
  unsigned __int128 Bytes = (unsigned __int128)Op->Size0 * Op->Size1 * Op->Size2;
  if (Bytes > DstCap) {
    trap(D, T, "%s DMA of %llu x %llu x %llu bytes is larger than its destination, %s (%llu bytes)",
         KindName, (unsigned long long)Op->Size0, (unsigned long long)Op->Size1,
         (unsigned long long)Op->Size2, DstDram ? "DRAM" : "SRAM", (unsigned long long)DstCap);
    return DmaResult::Trap;
  }
  Op->Bytes = uint64_t(Bytes);
  // Both walks must lie inside their memories.
  uint64_t Hi[2];
  for (int Side = 0; Side < 2; ++Side) {
    bool IsSrc = Side == 0, InDram = IsSrc ? SrcDram : DstDram;
    uint64_t Base = IsSrc ? Src : Dst, Cap = IsSrc ? SrcCap : DstCap;
    int64_t St1 = IsSrc ? Op->SrcStride1 : Op->DstStride1;
    int64_t St2 = IsSrc ? Op->SrcStride2 : Op->DstStride2;
    if (!span(Base, Op->Size0, Op->Size1, Op->Size2, St1, St2, Cap, Hi[Side])) {
      trap(D, T,
           "%s DMA %s 0x%llx (%llu x %llu x %llu bytes, strides %lld, %lld) is outside %s (%llu "
           "bytes)",
           KindName, IsSrc ? "source" : "destination", (unsigned long long)Base,
           (unsigned long long)Op->Size0, (unsigned long long)Op->Size1,
           (unsigned long long)Op->Size2, (long long)St1, (long long)St2, InDram ? "DRAM" : "SRAM",
           (unsigned long long)Cap);
      return DmaResult::Trap;
    }
  }
  uint64_t SrcHi = Hi[0], DstHi = Hi[1];
  if (!SrcDram && Op->Kind != Get)
    touch(SrcHi);
  if (!DstDram && Op->Kind != Put)
    touch(DstHi);

  // Timing: the engine streams the data at most a row a cycle, over the
  // route's links and, to or from DRAM, the nearest port; then the latency
  // of the path.
  uint64_t Rows = Op->Size1 * Op->Size2;
  uint64_t Bw = uint64_t(MD[MachineParamId::dma_bytes_per_cycle]);
  const net::Geometry &Net = M.Net;
  if (SrcDram || DstDram) {
    Op->Route = Net.dramRoute(Id, DstDram);
    Op->Latency = uint64_t(MD[MachineParamId::dram_latency]);
  } else {
    if (Op->Kind == Put)
      Net.route(Id, Op->RemoteCore, Op->Route);
    else if (Op->Kind == Get)
      Net.route(Op->RemoteCore, Id, Op->Route);
    Op->Latency = uint64_t(MD[MachineParamId::dma_mesh_latency]);
  }
  // The route's links are its hops (to the port, or between the cores).
  bool Port = !Op->Route.empty() && Net.isPort(Op->Route.back());
  uint64_t Hops = Op->Route.size() - (Port ? 1 : 0);
  Op->Latency += Hops * uint64_t(MD[MachineParamId::noc_hop_latency]);
  Op->Cap = std::min(double(Bw), double(Op->Bytes) / double(Rows));
  Op->Issue = T;
  Op->Seq = DmaSeq++;
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
  if (M.FlowModel) {
    Out.Flows.push_back(std::move(Op));
    return DmaResult::Ok;
  }
  // Alone on the network: the slowest of the engine, a row a cycle, the
  // links and the port, in whole cycles (what the flow model gives a flow
  // that shares nothing).
  uint64_t Cycles = std::max((Op->Bytes + Bw - 1) / Bw, Rows);
  uint64_t Link = uint64_t(MD[MachineParamId::noc_bytes_per_cycle]);
  for (unsigned R : Op->Route)
    M.Carried[R] += double(Op->Bytes);
  if (Hops)
    Cycles = std::max(Cycles, (Op->Bytes + Link - 1) / Link);
  if (Port) {
    uint64_t Dram = uint64_t(MD[MachineParamId::dram_bytes_per_cycle]), Ports = Net.Ports;
    Cycles = std::max(Cycles, uint64_t((__int128(Op->Bytes) * Ports + Dram - 1) / Dram));
  }
  Op->Start = std::max(T, DmaEngineFree);
  DmaEngineFree = Op->Start + Cycles;
  Op->ReadTime = Op->Start + Cycles;
  Op->Complete = Op->ReadTime + Op->Latency;
  scheduleDma(Op);
  return DmaResult::Ok;
}

void Core::scheduleDma(const std::shared_ptr<DmaOp> &Op) {
  if (M.TraceOn)
    recordTrace(uint8_t(NumUnits), Op->Start, Op->Complete - Op->Start, Op->Kind, Op->Bytes);
  uint64_t W = M.Machine.lookahead();
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
      case DramToSram: // DRAM has not changed since the window began
        copyRows(Op, M.Dram, sram());
        break;
      case Get:
        scatterRows(Op, Op.Fill, sram());
        break;
      case SramToSram: {
        DmaBytes Tmp;
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
// Memoised block timing
//===----------------------------------------------------------------------===//

TimedBlock &Core::blockAt(uint64_t Entry) {
  if (BlockOf.empty())
    BlockOf.assign(CodeSize, -1);
  if (BlockOf[Entry] >= 0)
    return *Blocks[size_t(BlockOf[Entry])];
  auto Bk = std::make_unique<TimedBlock>();
  Bk->Start = uint32_t(Entry);
  bool Slot[NumSlots] = {}, Written[NumSlots] = {}, UnitSeen[NumUnits] = {}, Busy[NumUnits] = {};
  const TimingTable &Tim = M.Timing;
  for (uint64_t P = Entry; P < CodeSize && Bk->Len < TimedBlock::MaxLen; ++P) {
    const Decoded &D = Code[P];
    const InstInfo &Info = instInfo(D.Op);
    if (Info.IsSync)
      break;
    ++Bk->Len;
    for (uint8_t S : D.Src)
      Slot[S] = true;
    for (uint8_t S : D.Dst)
      Slot[S] = Written[S] = true;
    const OpTiming &OT = Tim[D.Op];
    for (unsigned K = 0; K < OT.NumUses; ++K) {
      UnitSeen[OT.Uses[K].U] = true;
      Busy[OT.Uses[K].U] |= OT.Uses[K].Occ > 1;
    }
    if (Info.IsBranch)
      break;
  }
  for (unsigned S = 0; S < NumSlots; ++S) {
    if (S == SlotNone)
      continue; // always ready
    if (Slot[S])
      Bk->KeySlots.push_back(uint8_t(S));
    if (Written[S])
      Bk->WrittenSlots.push_back(uint8_t(S));
  }
  for (unsigned U = 0; U < NumUnits; ++U) {
    if (UnitSeen[U])
      Bk->KeyUnits.push_back(uint8_t(U));
    if (Busy[U])
      Bk->BusyUnits.push_back(uint8_t(U));
  }
  Bk->KeyLen = unsigned(Bk->KeySlots.size() + Bk->KeyUnits.size() + 3);
  if (KeyBuf.size() < Bk->KeyLen)
    KeyBuf.resize(Bk->KeyLen);
  BlockOf[Entry] = int32_t(Blocks.size());
  Blocks.push_back(std::move(Bk));
  return *Blocks.back();
}

bool Core::timingKey(const TimedBlock &Bk, uint64_t B, uint32_t *Key) const {
  uint64_t Far = 0; // any relative cycle past 32 bits
  unsigned N = 0;
  for (uint8_t S : Bk.KeySlots) {
    uint64_t Rel = Ready[S] > B ? Ready[S] - B : 0;
    Far |= Rel;
    Key[N++] = uint32_t(Rel);
  }
  for (uint8_t U : Bk.KeyUnits) {
    uint64_t Rel = Slots.BusyUntil[U] > B ? Slots.BusyUntil[U] - B : 0;
    Far |= Rel;
    Key[N++] = uint32_t(Rel);
  }
  // Slots taken in cycle B matter only if the last issue was in cycle B.
  bool Shared = Slots.Cycle == B;
  Key[N++] = Shared ? Slots.IssuedInCycle + 1 : 0;
  Key[N++] = Shared ? uint32_t(Slots.Used) : 0;
  Key[N++] = Shared ? uint32_t(Slots.Used >> 32) : 0;
  return !(Far >> 32);
}

// Whether a block that branches back to its start re-enters in the state
// of outcome O's key: each relative cycle moves back by the cycles from one
// entry to the next.
bool Core::selfStable(const TimedBlock &Bk, const TimedBlock::Outcome &O) const {
  const Decoded &LastInst = Code[Bk.Start + Bk.Len - 1];
  if (!instInfo(LastInst.Op).IsBranch)
    return false;
  const uint64_t Delta = O.Issue[Bk.Len - 1] + M.Timing.TakenBranchLat;
  auto Moved = [&](uint64_t Rel) -> uint64_t { return Rel > Delta ? Rel - Delta : 0; };
  unsigned N = 0, W = 0;
  for (uint8_t S : Bk.KeySlots) {
    uint64_t Rel = O.Key[N];
    if (W < Bk.WrittenSlots.size() && Bk.WrittenSlots[W] == S)
      Rel = O.ReadyOut[W++];
    if (Moved(Rel) != O.Key[N++])
      return false;
  }
  for (uint8_t U : Bk.KeyUnits) {
    uint64_t Rel = O.Key[N];
    auto It = std::find(Bk.BusyUnits.begin(), Bk.BusyUnits.end(), U);
    if (It != Bk.BusyUnits.end() && O.BusyOut[size_t(It - Bk.BusyUnits.begin())])
      Rel = O.BusyOut[size_t(It - Bk.BusyUnits.begin())];
    if (Moved(Rel) != O.Key[N++])
      return false;
  }
  bool Shared = Delta == O.Issue[Bk.Len - 1]; // no taken-branch bubble
  return O.Key[N] == (Shared ? O.IssuedInCycle + 1 : 0) &&
         O.Key[N + 1] == (Shared ? uint32_t(O.Used) : 0) &&
         O.Key[N + 2] == (Shared ? uint32_t(O.Used >> 32) : 0);
}

// Called after the full model issued the recorded block's last instruction.
void Core::finishRecording() {
  TimedBlock &Bk = *Rec;
  Rec = nullptr;
  TimedBlock::Outcome &O = RecOut;
  O.ReadyOut.clear();
  for (uint8_t S : Bk.WrittenSlots)
    O.ReadyOut.push_back(uint32_t(Ready[S] - RecB)); // >= the writer's issue >= RecB
  O.BusyOut.clear();
  for (uint8_t U : Bk.BusyUnits) {
    uint64_t Busy = Slots.BusyUntil[U];
    if (Busy > RecB && Busy - RecB > UINT32_MAX)
      return;
    O.BusyOut.push_back(Busy > RecB ? uint32_t(Busy - RecB) : 0);
  }
  O.IssuedInCycle = Slots.IssuedInCycle;
  O.Used = Slots.Used;
  O.SelfStable = selfStable(Bk, O);
  unsigned Slot = Bk.NumOutcomes < TimedBlock::MaxOutcomes ? Bk.NumOutcomes++
                                                           : Bk.Victim++ % TimedBlock::MaxOutcomes;
  TimedBlock::Outcome &Old = Bk.Outcomes[Slot];
  if (Old.Replays) // an evicted outcome's replays still count
    for (uint32_t K = 0; K < Bk.Len; ++K)
      OpIssues[uint8_t(Code[Bk.Start + K].Op)] += Old.Replays;
  O.Replays = 0;
  std::swap(Old, O);
}

//===----------------------------------------------------------------------===//
// The hot loop
//===----------------------------------------------------------------------===//

// Runs a block's semantics at the issue cycles of a recorded outcome and
// leaves the timing state the full model would. Apart from the giant run()
// so that its loop keeps its values in registers.
__attribute__((noinline)) RunStatus Core::replay(const TimedBlock &Bk, TimedBlock::Outcome &Hit,
                                                 uint64_t B) {
  Core &C = *this;
  uint64_t NextPc = Bk.Start + Bk.Len; // unless the last instruction jumps
  bool Taken = false, Halt = false;
  const Decoded *Insts = &Code[Bk.Start];
  const uint32_t *Issue = Hit.Issue.data();
  // The issue cycle, read only by the few semantics that use it.
  struct IssueCycle {
    uint64_t B;
    const uint32_t *Rel;
    operator uint64_t() const { return B + *Rel; }
  };
  for (uint32_t K = 0, N = Bk.Len; K < N; ++K) {
    const Decoded &D = Insts[K];
    const IssueCycle T{B, &Issue[K]};
    const uint64_t CurPc = Bk.Start + K;
    switch (D.Op) {
#define D1_CASE(Name) case Opcode::Name:
#define D1_END_CASE(Name) break;
#include "d1/Target/ISAExec.inc"
#undef D1_CASE
#undef D1_END_CASE
    default:
      __builtin_unreachable(); // predecode accepted only opcodes
    }
  }
  ++Hit.Replays; // (finishStats adds the block's opcodes)
  (void)Halt;
  if (false) {
  Retry: // BLOCK() jumps here; a block holds no instruction that blocks
    __builtin_unreachable();
  }
  uint64_t Last = B + Issue[Bk.Len - 1];
  for (size_t I = 0; I < Bk.WrittenSlots.size(); ++I)
    Ready[Bk.WrittenSlots[I]] = B + Hit.ReadyOut[I];
  for (size_t I = 0; I < Bk.BusyUnits.size(); ++I)
    if (uint32_t Rel = Hit.BusyOut[I]) {
      Slots.BusyUntil[Bk.BusyUnits[I]] = B + Rel;
      Slots.MaxBusy = std::max(Slots.MaxBusy, B + Rel);
    }
  Slots.Cycle = Last;
  Slots.IssuedInCycle = Hit.IssuedInCycle;
  Slots.Used = Hit.Used;
  MinIssue = Taken ? Last + M.Timing.TakenBranchLat : Last;
  Pc = NextPc;
  return RunStatus::Yield;
}

RunStatus Core::run(uint64_t WindowEnd, uint64_t Horizon) {
  Core &C = *this;
  if (Halted) {
    processEvents(WindowEnd - 1);
    return RunStatus::Halted;
  }
  const TimingTable &Tim = M.Timing;
  const bool TraceOn = M.TraceOn, ProfileOn = M.ProfileOn;
  const bool *const EndsBlock = M.EndsBlock;
  for (;;) {
  Retry:
    if (D1_UNLIKELY(Pc >= CodeSize)) {
      Error =
          where(CodeSize ? CodeSize - 1 : 0) + ": ran past the last instruction (missing halt?)";
      ErrorTime = MinIssue;
      return RunStatus::Trapped;
    }
    if (AtBlockStart && MemoOn) {
      AtBlockStart = false;
      LookupPc = Pc;
      TimedBlock &Bk = blockAt(Pc);
      uint64_t B = MinIssue;
      if (Bk.Len && timingKey(Bk, B, KeyBuf.data())) {
        // The outcome hit last time first: loops mostly re-enter in one state.
        TimedBlock::Outcome *Hit = nullptr;
        for (unsigned I = 0; I < Bk.NumOutcomes && !Hit; ++I) {
          unsigned J = (Bk.LastHit + I) % Bk.NumOutcomes;
          const uint32_t *Key = Bk.Outcomes[J].Key.data();
          uint32_t Diff = 0;
          for (unsigned W = 0; W < Bk.KeyLen; ++W)
            Diff |= Key[W] ^ KeyBuf[W];
          if (!Diff) {
            Hit = &Bk.Outcomes[J];
            Bk.LastHit = J;
          }
        }
        if (!Hit) {
          // Record this entry state's outcome with the full model.
          Rec = &Bk;
          RecB = B;
          RecNext = 0;
          RecOut.Key.assign(KeyBuf.begin(), KeyBuf.begin() + Bk.KeyLen);
          RecOut.Issue.resize(Bk.Len);
        } else if (uint64_t Last = B + Hit->Issue[Bk.Len - 1];
                   Last < Horizon && Last < nextEventTime()) {
          // Replay: no event falls inside the block and it stays inside
          // the horizon, so only the semantics run, each at its cycle.
          if (D1_UNLIKELY(BlockedSince != Never)) {
            Stats.WaitCycles += B + Hit->Issue[0] - BlockedSince;
            BlockedSince = Never;
          }
          if (replay(Bk, *Hit, B) == RunStatus::Trapped)
            return RunStatus::Trapped;
          // A loop that re-enters itself in the state it was entered in
          // needs no lookup: replay it again while it fits.
          while (Pc == Bk.Start && Hit->SelfStable) {
            B = MinIssue;
            Last = B + Hit->Issue[Bk.Len - 1];
            if (Last >= Horizon || Last >= nextEventTime())
              break;
            if (replay(Bk, *Hit, B) == RunStatus::Trapped)
              return RunStatus::Trapped;
          }
          AtBlockStart = true;
          continue;
        }
      }
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
      AtBlockStart |= Pc == LookupPc; // look the block up again next window
      processEvents(WindowEnd - 1);
      return RunStatus::Yield;
    }
    if (T >= nextEventTime())
      processEvents(T);

    const uint64_t CurPc = Pc;
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
    if (Rec) {
      if (Pc == Rec->Start + RecNext && T - RecB <= UINT32_MAX) {
        RecOut.Issue[RecNext++] = uint32_t(T - RecB);
        if (RecNext == Rec->Len)
          finishRecording();
      } else {
        Rec = nullptr;
      }
    }
    AtBlockStart = EndsBlock[uint8_t(D.Op)];
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
  uint64_t Issues[256];
  std::memcpy(Issues, OpIssues, sizeof Issues);
  for (const auto &Bk : Blocks)
    for (unsigned I = 0; I < Bk->NumOutcomes; ++I)
      if (uint64_t R = Bk->Outcomes[I].Replays)
        for (uint32_t K = 0; K < Bk->Len; ++K)
          Issues[uint8_t(Code[Bk->Start + K].Op)] += R;
  for (unsigned Op = 0; Op < 256; ++Op) {
    uint64_t N = Issues[Op];
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
