//===- Emulator.cpp - The mesh: windows, exchange, stats, trace -----------===//
#include "Core.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <sys/mman.h>
#include <thread>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace llvm;
using namespace d1;
using namespace d1::rt;

// Outside Core.cpp, whose string-operation strategy suits 64-byte copies,
// not rows of kilobytes.
namespace d1 {
namespace rt {

// Row (K, J) of a DMA's source or destination walk.
static uint64_t rowAddress(const DmaOp &Op, bool Source, uint64_t K, uint64_t J) {
  return uint64_t(int64_t(Source ? Op.Src : Op.Dst) +
                  int64_t(K) * (Source ? Op.SrcStride2 : Op.DstStride2) +
                  int64_t(J) * (Source ? Op.SrcStride1 : Op.DstStride1));
}

template <class F> static void forEachRow(const DmaOp &Op, bool Source, F Fn) {
  uint64_t Packed = 0;
  for (uint64_t K = 0; K < Op.Size2; ++K)
    for (uint64_t J = 0; J < Op.Size1; ++J) {
      Fn(rowAddress(Op, Source, K, J), Packed);
      Packed += Op.Size0;
    }
}

void gatherRows(const DmaOp &Op, const uint8_t *Mem, DmaBytes &Out) {
  Out.resize(Op.Bytes);
  forEachRow(Op, true, [&](uint64_t A, uint64_t P) { std::memcpy(&Out[P], Mem + A, Op.Size0); });
}

void scatterRows(const DmaOp &Op, const DmaBytes &In, uint8_t *Mem) {
  forEachRow(Op, false, [&](uint64_t A, uint64_t P) { std::memcpy(Mem + A, &In[P], Op.Size0); });
}

void copyRows(const DmaOp &Op, const uint8_t *From, uint8_t *To) {
  for (uint64_t K = 0; K < Op.Size2; ++K)
    for (uint64_t J = 0; J < Op.Size1; ++J)
      std::memcpy(To + rowAddress(Op, false, K, J), From + rowAddress(Op, true, K, J), Op.Size0);
}

} // namespace rt
} // namespace d1

Mesh::Mesh(const D1XFile &F, const MachineDesc &MD) : File(F), Machine(MD), Timing(MD) {
  const d1x::Header &H = F.header();
  std::vector<const d1x::Core *> Progs(MD.numCores(), nullptr);
  for (const auto &C : H.cores())
    Progs[C.id()] = &C;
  // Cores without code are made when something first reaches them.
  Cores.resize(MD.numCores());
  for (uint32_t I = 0; I < MD.numCores(); ++I)
    if (Progs[I]) {
      Cores[I] = std::make_unique<Core>(*this, I, Progs[I]);
      Active.push_back(Cores[I].get());
    }
  DramSize = H.dram_size();
  if (DramSize) {
    size_t Len = (DramSize + 4095) / 4096 * 4096;
    void *P = mmap(nullptr, Len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    Dram = P == MAP_FAILED ? nullptr : static_cast<uint8_t *>(P);
  }
  Net = net::Geometry::of(MD);
  Carried.assign(Net.numResources(), 0.0);
  for (unsigned Op = 0; Op < 256; ++Op)
    if (const InstInfo *Info = instInfo(uint8_t(Op)))
      EndsBlock[Op] = Info->IsBranch || Info->IsSync;
}

Core &Mesh::core(uint32_t Id) {
  if (!Cores[Id]) {
    Cores[Id] = std::make_unique<Core>(*this, Id, nullptr);
    Cores[Id]->Halted = true; // no code: only receives data
  }
  return *Cores[Id];
}

Mesh::~Mesh() {
  if (Dram)
    munmap(Dram, (DramSize + 4095) / 4096 * 4096);
}

struct Emulator::Impl {
  const D1XFile &File;
  Mesh M;
  RunStats Stats;
  Impl(const D1XFile &F) : File(F), M(F, F.machine()) {}
};

Emulator::~Emulator() = default;

static bool predecode(Core &C, const D1XFile &F, std::string &Err) {
  C.Code.resize(C.CodeSize);
  for (uint64_t PC = 0; PC < C.CodeSize; ++PC) {
    uint64_t Word = F.codeWord(*C.Program, PC);
    Inst I;
    std::string Why;
    if (!decode(Word, I, Why)) {
      char Buf[64];
      std::snprintf(Buf, sizeof Buf, " (word 0x%016" PRIx64 ")", Word);
      Err = C.where(C.CodeSize) + " pc " + std::to_string(PC) + ": " + Why + Buf;
      return false;
    }
    const InstInfo &Info = instInfo(I.Op);
    Decoded &D = C.Code[PC];
    D.Op = I.Op;
    D.rd = I.Rd;
    D.rs1 = I.Rs1;
    D.rs2 = I.Rs2;
    D.rs3 = I.Rs3;
    D.Imm = I.Imm;
    std::fill(std::begin(D.Src), std::end(D.Src), SlotNone);
    std::fill(std::begin(D.Dst), std::end(D.Dst), SlotNone);
    unsigned NS = 0, ND = 0;
    for (unsigned K = 0; K < Info.NumOperands; ++K) {
      const OperandInfo &O = Info.Operands[K];
      int Base = O.Kind == OperandKind::XReg   ? SlotX
                 : O.Kind == OperandKind::VReg ? SlotV
                 : O.Kind == OperandKind::Acc  ? SlotAcc
                                               : -1;
      if (Base < 0)
        continue;
      unsigned Reg = unsigned(I.field(O.F));
      uint8_t Slot = uint8_t(Base + Reg);
      if (O.IsDef) {
        if (O.Kind == OperandKind::XReg && Reg == 0) {
          D.rd = 32; // writes to x0 are discarded
          continue;
        }
        D.Dst[ND++] = Slot;
        if (Info.TiedDest)
          D.Src[NS++] = Slot;
      } else if (!(O.Kind == OperandKind::XReg && Reg == 0)) {
        D.Src[NS++] = Slot;
      }
    }
  }
  return true;
}

// Maps in the program's DRAM before it runs: the file-backed data for
// reading, the rest for writing. One call per range costs a fraction of a
// page fault per page, which is a trap each (dearer still in a virtual
// machine); a program with more than PopulateLimit bytes of DRAM that it
// may never touch is left to fault in what it uses. Best effort: kernels
// before 5.14 refuse the advice and nothing changes.
static void populateDram(Mesh &M, std::vector<std::pair<uint64_t, uint64_t>> FileMapped) {
#if defined(MADV_POPULATE_READ) && defined(MADV_POPULATE_WRITE)
  constexpr uint64_t PopulateLimit = uint64_t(1) << 30;
  if (!M.Dram || M.DramSize > PopulateLimit)
    return;
  std::sort(FileMapped.begin(), FileMapped.end());
  auto Populate = [&](uint64_t Lo, uint64_t Hi, int Advice) {
    Lo = (Lo + 4095) / 4096 * 4096;
    if (Hi > Lo)
      madvise(M.Dram + Lo, Hi - Lo, Advice);
  };
  uint64_t At = 0;
  for (auto [Lo, Hi] : FileMapped) {
    Populate(At, Lo, MADV_POPULATE_WRITE);
    Populate(Lo, Hi, MADV_POPULATE_READ);
    At = std::max(At, Hi);
  }
  Populate(At, (M.DramSize + 4095) / 4096 * 4096, MADV_POPULATE_WRITE);
#else
  (void)M;
  (void)FileMapped;
#endif
}

// Below this, allocations come from the heap and freed ones stay there.
constexpr uint64_t HeapBlockLimit = 64 << 20;

// Maps in the next Bytes of heap with one call: a page fault each costs
// several microseconds on a virtual machine, a page mapped in by the kernel
// in bulk a fraction of one. The block is freed at once and stays in the
// heap, so the allocations that follow take pages already there.
static void warmHeap(uint64_t Bytes) {
#if defined(__GLIBC__) && defined(MADV_POPULATE_WRITE)
  Bytes = std::min(Bytes, HeapBlockLimit - 4096);
  void *P = std::malloc(Bytes);
  if (!P)
    return;
  uintptr_t Lo = (uintptr_t(P) + 4095) / 4096 * 4096, Hi = (uintptr_t(P) + Bytes) / 4096 * 4096;
  if (Hi > Lo)
    madvise(reinterpret_cast<void *>(Lo), Hi - Lo, MADV_POPULATE_WRITE);
  std::free(P);
#else
  (void)Bytes;
#endif
}

std::unique_ptr<Emulator> Emulator::create(const D1XFile &File, std::string &Err) {
#if defined(__GLIBC__)
  // DMA data moves through buffers of up to megabytes, one per DMA. Keep
  // freed ones in the heap for the next DMA instead of returning them to
  // the kernel and faulting fresh pages in each time.
  static const bool KeepDmaBuffers = [] {
    mallopt(M_MMAP_THRESHOLD, int(HeapBlockLimit));
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    return true;
  }();
  (void)KeepDmaBuffers;
#endif
  std::unique_ptr<Emulator> E(new Emulator());
  E->P = std::make_unique<Impl>(File);
  Mesh &M = E->P->M;
  if (M.DramSize && !M.Dram) {
    Err = "cannot allocate " + std::to_string(M.DramSize) + " bytes of DRAM";
    return nullptr;
  }
  // The heap the run takes first: each active core's SRAM and predecoded
  // code, the inputs as read (up to 8 bytes an element) and the first DMA
  // buffers.
  uint64_t Warm = uint64_t(1) << 20;
  for (Core *C : M.Active)
    Warm += C->SramSize + C->CodeSize * sizeof(Decoded);
  for (const auto &T : File.header().inputs()) {
    uint64_t N = 8;
    for (int64_t D : T.shape())
      N *= uint64_t(D);
    Warm += N;
  }
  warmHeap(Warm);
  for (Core *C : M.Active) {
    if (!predecode(*C, File, Err))
      return nullptr;
    C->sram(); // the hot loop uses the SRAM pointer directly
  }
  std::vector<std::pair<uint64_t, uint64_t>> FileMapped; // DRAM ranges backed by the file
  for (const auto &S : File.header().segments()) {
    if (S.space() == d1x::DRAM) {
      // Page-aligned data (weights) is mapped copy-on-write, not copied.
      uint64_t Mapped = 0;
      if (File.fd() >= 0 && S.address() % 4096 == 0 && S.file_offset() % 4096 == 0 &&
          S.size() >= 4096) {
        Mapped = S.size() / 4096 * 4096;
        void *P = mmap(M.Dram + S.address(), Mapped, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_FIXED, File.fd(), off_t(S.file_offset()));
        if (P == MAP_FAILED)
          Mapped = 0;
        else
          FileMapped.push_back({S.address(), S.address() + Mapped});
      }
      // An empty segment of a program without DRAM has no memory to copy to.
      if (S.size() > Mapped)
        std::memcpy(M.Dram + S.address() + Mapped, File.data(S.file_offset() + Mapped),
                    S.size() - Mapped);
    } else {
      Core &C = M.core(S.core());
      std::memcpy(C.sram() + S.address(), File.data(S.file_offset()), S.size());
      C.touch(S.address() + S.size());
    }
  }
  populateDram(M, FileMapped);
  return E;
}

uint8_t *Emulator::memory(d1x::Space Space, uint32_t CoreId, uint64_t Address, uint64_t Size) {
  Mesh &M = P->M;
  uint64_t Cap;
  uint8_t *Base;
  if (Space == d1x::DRAM) {
    Cap = M.DramSize;
    Base = M.Dram;
  } else {
    if (CoreId >= M.Cores.size())
      return nullptr;
    Cap = M.core(CoreId).SramSize;
    Base = M.core(CoreId).sram();
  }
  if (Address > Cap || Size > Cap - Address)
    return nullptr;
  return Base + Address;
}

const RunStats &Emulator::stats() const { return P->Stats; }

namespace {

/// Workers run their share of cores each window; the main thread is worker 0.
class Workers {
public:
  Workers(unsigned N, std::vector<Core *> &Cores, std::vector<RunStatus> &Status)
      : N(N), Cores(Cores), Status(Status) {
    for (unsigned I = 1; I < N; ++I)
      Threads.emplace_back([this, I] { loop(I); });
  }
  ~Workers() {
    Stop = true;
    Generation.fetch_add(1, std::memory_order_release);
    for (auto &T : Threads)
      T.join();
  }
  void runWindow(uint64_t End, uint64_t Horizon) {
    WindowEnd = End;
    this->Horizon = Horizon;
    if (N == 1) {
      work(0);
      return;
    }
    Pending.store(N - 1, std::memory_order_relaxed);
    Generation.fetch_add(1, std::memory_order_release);
    work(0);
    unsigned Spins = 0;
    while (Pending.load(std::memory_order_acquire) != 0)
      if (++Spins > 256)
        std::this_thread::yield();
  }

private:
  void work(unsigned Tid) {
    for (size_t I = Tid; I < Cores.size(); I += N)
      Status[I] = Cores[I]->run(WindowEnd, Horizon);
  }
  void loop(unsigned Tid) {
    uint64_t Seen = 0;
    for (;;) {
      unsigned Spins = 0;
      uint64_t G;
      while ((G = Generation.load(std::memory_order_acquire)) == Seen)
        if (++Spins > 256)
          std::this_thread::yield();
      Seen = G;
      if (Stop)
        return;
      work(Tid);
      Pending.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
  unsigned N;
  std::vector<Core *> &Cores;
  std::vector<RunStatus> &Status;
  std::vector<std::thread> Threads;
  std::atomic<uint64_t> Generation{0};
  std::atomic<unsigned> Pending{0};
  std::atomic<bool> Stop{false};
  uint64_t WindowEnd = 0, Horizon = 0;
};

/// The network between windows (Mesh::FlowModel). Each core's DMA engine
/// streams its copies one after another, each a flow of net::FlowNetwork
/// from the cycle it may start. The network runs one window behind the
/// cores: at a boundary every copy issued in the window just run is known,
/// so the flows' rates over that window are exact; a flow that finished in
/// it completes at least lookahead() cycles later (every DMA latency is
/// that long), in a window not yet run.
class Network {
public:
  explicit Network(Mesh &M)
      : Flows(M.Net), Queues(M.Cores.size()), EngineFree(M.Cores.size(), 0),
        Streaming(M.Cores.size(), false) {}

  void admit(std::shared_ptr<DmaOp> Op) {
    uint32_t C = Op->Core;
    Queues[C].push_back(std::move(Op));
    ++Queued;
    startNext(C);
  }
  bool idle() const { return Queued == 0 && Flows.idle(); }
  /// Advances to Limit, calling Finish for each copy whose last byte is
  /// sent (its ReadTime and Complete set); stops after the first when
  /// FirstOnly. Returns whether one finished.
  template <class F> bool advance(double Limit, F Finish, bool FirstOnly = false) {
    bool Any = false;
    while (auto Done = Flows.step(Limit)) {
      auto It = ByKey.find(Done->Key);
      std::shared_ptr<DmaOp> Op = std::move(It->second);
      ByKey.erase(It);
      // Whole cycles (within float rounding of an exact rate).
      uint64_t T = uint64_t(std::ceil(Done->Time - 1e-6));
      Op->ReadTime = std::max(T, Op->Start);
      Op->Complete = Op->ReadTime + Op->Latency;
      EngineFree[Op->Core] = Op->ReadTime;
      Streaming[Op->Core] = false;
      uint32_t C = Op->Core;
      Finish(Op);
      startNext(C);
      Any = true;
      if (FirstOnly)
        break;
    }
    return Any;
  }
  const std::vector<double> &carried() const { return Flows.carried(); }

private:
  void startNext(uint32_t C) {
    if (Streaming[C] || Queues[C].empty())
      return;
    std::shared_ptr<DmaOp> Op = std::move(Queues[C].front());
    Queues[C].pop_front();
    --Queued;
    Op->Start = std::max(Op->Issue, EngineFree[C]);
    uint64_t Key = (uint64_t(C) << 40) | Op->Seq;
    Flows.add(Key, double(Op->Start), double(Op->Bytes), Op->Cap, Op->Route);
    ByKey[Key] = std::move(Op);
    Streaming[C] = true;
  }
  net::FlowNetwork Flows;
  std::vector<std::deque<std::shared_ptr<DmaOp>>> Queues;
  std::vector<uint64_t> EngineFree;
  std::vector<bool> Streaming;
  std::map<uint64_t, std::shared_ptr<DmaOp>> ByKey;
  size_t Queued = 0;
};

std::string waitReason(Core &C) {
  if (C.Halted)
    return "halted";
  if (C.Pc >= C.CodeSize)
    return "running";
  const Decoded &D = C.Code[C.Pc];
  switch (D.Op) {
  case Opcode::SEMWAIT:
    return "waits for s" + std::to_string(D.rd) + " >= " + std::to_string(D.Imm) + " (s" +
           std::to_string(D.rd) + " = " + std::to_string(C.Sem[D.rd]) + ")";
  case Opcode::BARRIER:
    return "waits at the barrier";
  case Opcode::FENCE:
    return "waits for " + std::to_string(C.DmaOutstanding) + " DMA(s)";
  case Opcode::DMA:
    return "waits for a free DMA queue slot";
  default:
    return "is stalled";
  }
}

} // namespace

/// Reads the sources of the DMAs that complete in the window starting at
/// NextB (remote SRAM for gets; DRAM changes only between windows, so a
/// DRAM read is copied straight to SRAM when it completes).
static void readSources(Mesh &M, std::vector<Outbox::Fill> &PendingFills, uint64_t NextB) {
  std::sort(PendingFills.begin(), PendingFills.end(), [](const auto &A, const auto &X) {
    return std::tie(A.Due, A.Op->Core, A.Seq) < std::tie(X.Due, X.Op->Core, X.Seq);
  });
  size_t Done = 0;
  for (; Done < PendingFills.size() && PendingFills[Done].Due <= NextB; ++Done) {
    DmaOp &Op = *PendingFills[Done].Op;
    if (Op.Kind != DramToSram)
      gatherRows(Op, M.core(Op.RemoteCore).sram(), Op.Fill);
  }
  PendingFills.erase(PendingFills.begin(), PendingFills.begin() + long(Done));
}

/// Nothing can ever happen again: every blocked core, what it waits at and
/// for, and how many have halted.
static std::string deadlock(const std::vector<Core *> &Running,
                            const std::vector<RunStatus> &Statuses) {
  std::string Waits;
  unsigned Blocked = 0;
  uint64_t At = 0;
  for (size_t I = 0; I < Running.size(); ++I) {
    if (Statuses[I] != RunStatus::Blocked)
      continue;
    Core &C = *Running[I];
    At = std::max({At, C.Slots.Cycle, C.MinIssue});
    Waits += (Blocked++ ? "; " : "") + C.where(C.Pc) + " " + waitReason(C);
  }
  std::string Err = "deadlock at cycle " + std::to_string(At) + ": " + Waits;
  unsigned Halted = unsigned(Running.size()) - Blocked;
  if (Halted)
    Err += ", " + std::to_string(Halted) + " halted";
  return Err;
}

/// The run's statistics: every core's, the totals, and the links and ports
/// that carried anything (Carried: bytes per net::Geometry resource).
static void collectStats(Mesh &M, const std::vector<Core *> &Live,
                         const std::vector<double> &Carried, RunStats &S) {
  S.Cores.clear();
  uint64_t LastEvent = 0;
  for (Core *C : Live) {
    C->finishStats();
    LastEvent = std::max({LastEvent, C->Stats.Cycles, C->LastEventTime});
    if (!C->HasCode)
      continue;
    S.Cores.push_back(C->Stats);
    S.Instructions += C->Stats.Instructions;
    S.Macs += C->Stats.Macs;
    S.DramReadBytes += C->Stats.DramReadBytes;
    S.DramWriteBytes += C->Stats.DramWriteBytes;
    S.SramPeakBytes = std::max(S.SramPeakBytes, C->Stats.SramPeakBytes);
  }
  std::sort(S.Cores.begin(), S.Cores.end(),
            [](const CoreStats &A, const CoreStats &X) { return A.Id < X.Id; });
  S.Cycles = LastEvent;
  S.Links.clear();
  for (unsigned R = 0; R < Carried.size(); ++R) {
    if (Carried[R] < 0.5)
      continue;
    LinkStats L;
    L.Name = M.Net.name(R);
    L.Bytes = uint64_t(std::llround(Carried[R]));
    L.Utilization = S.Cycles ? Carried[R] / (M.Net.capacity(R) * double(S.Cycles)) : 0;
    S.Links.push_back(std::move(L));
  }
  std::stable_sort(S.Links.begin(), S.Links.end(),
                   [](const LinkStats &A, const LinkStats &X) { return A.Bytes > X.Bytes; });
}

bool Emulator::run(const RunOptions &Opts, std::string &Err) {
  Mesh &M = P->M;
  M.Opts = Opts;
  M.TraceOn = Opts.Trace;
  M.ProfileOn = Opts.Profile;
  if (Opts.Profile)
    for (Core *C : M.Active)
      C->Stats.Profile.assign(C->CodeSize, PcProfile());
  const uint64_t W = M.Machine.lookahead();
  // Memoised blocks replay recorded timing; the trace and the profile need
  // every instruction's own accounting.
  for (Core *C : M.Active)
    C->MemoOn = Opts.MemoizeTiming && !Opts.Trace && !Opts.Profile;
  // A lone core with code cannot be reached by anything between windows,
  // so its memoised blocks may run ahead of the window (never past the
  // window in which --max-cycles stops the run).
  M.FlowModel = M.Active.size() > 1 || Opts.NetworkFlows;
  M.Carried.assign(M.Net.numResources(), 0.0);
  M.RunAhead = M.Active.size() == 1 && !M.FlowModel ? 4096 * W : 0;
  const uint64_t HorizonCap = Opts.MaxCycles ? (Opts.MaxCycles + W - 1) / W * W : ~uint64_t(0);
  // Cores with code run every window; a core without code joins `Live` when
  // something is sent to it and runs only when one of its events is due.
  std::vector<Core *> Running(M.Active.begin(), M.Active.end());
  std::vector<Core *> Live(Running);
  std::vector<bool> IsLive(M.Cores.size(), false);
  for (Core *C : Live)
    IsLive[C->Id] = true;
  const size_t NumWithCode = Running.size();
  unsigned Threads = Opts.Threads ? Opts.Threads : std::thread::hardware_concurrency();
  Threads = std::max(1u, std::min<unsigned>(Threads, unsigned(NumWithCode)));
  P->Stats.Threads = Threads;
  std::vector<RunStatus> RunStatuses(Running.size());
  Workers Pool(Threads, Running, RunStatuses);

  std::vector<Outbox::Fill> PendingFills;
  std::vector<Outbox::DramWrite> Writes;
  std::vector<Outbox::Remote> Remotes;
  Network Net(M);
  auto MakeLive = [&](Core &C) {
    if (!IsLive[C.Id]) {
      IsLive[C.Id] = true;
      Live.push_back(&C);
    }
  };
  // A copy whose last byte the network has sent: its completion, and the
  // reads of its source before then.
  auto Finish = [&](const std::shared_ptr<DmaOp> &Op) {
    Core &C = M.core(Op->Core);
    if (M.TraceOn)
      C.recordTrace(uint8_t(NumUnits), Op->Start, Op->Complete - Op->Start, Op->Kind, Op->Bytes);
    switch (Op->Kind) {
    case DramToSram:
    case Get:
      PendingFills.push_back({Op->Complete / W * W, Op->Seq, Op});
      break;
    case Put: {
      // Read as the window that sent its last byte ends: the source may
      // change only once the copy completes.
      gatherRows(*Op, C.sram(), Op->Fill);
      Core &To = M.core(Op->RemoteCore);
      To.push({Op->Complete, 0, EventKind::RemoteWrite, 0, 0, Op});
      MakeLive(To);
      break;
    }
    default:
      break;
    }
    C.push({Op->Complete, 0, EventKind::DmaComplete, 0, 0, Op});
  };
  unsigned BarrierCount = 0;
  uint64_t BarrierMax = 0;
  uint64_t B = 0;
  for (;;) {
    uint64_t End = B + W;
    Pool.runWindow(End, std::max(End, std::min(End + M.RunAhead, HorizonCap)));
    for (size_t I = NumWithCode; I < Live.size(); ++I)
      if (Live[I]->nextEventTime() < End)
        Live[I]->run(End, End);

    // Between windows, in a fixed order.
    Core *Trapped = nullptr;
    for (Core *C : Running)
      if (!C->Error.empty() && (!Trapped || C->ErrorTime < Trapped->ErrorTime))
        Trapped = C;
    if (Trapped) {
      Err = Trapped->Error;
      return false;
    }
    Writes.clear();
    Remotes.clear();
    for (Core *C : Live) {
      Outbox &O = C->Out;
      if (O.empty())
        continue;
      for (auto &X : O.DramWrites)
        Writes.push_back(std::move(X));
      for (auto &X : O.Remotes)
        Remotes.push_back(std::move(X));
      for (auto &X : O.Fills)
        PendingFills.push_back(std::move(X));
      for (auto &X : O.Flows)
        Net.admit(std::move(X));
      O.DramWrites.clear();
      O.Remotes.clear();
      O.Fills.clear();
      O.Flows.clear();
      if (O.BarrierArrived) {
        O.BarrierArrived = false;
        ++BarrierCount;
        BarrierMax = std::max(BarrierMax, O.BarrierTime);
      }
    }
    std::sort(Writes.begin(), Writes.end(), [](const auto &A, const auto &X) {
      return std::tie(A.Time, A.Core, A.Seq) < std::tie(X.Time, X.Core, X.Seq);
    });
    for (auto &Wr : Writes)
      scatterRows(*Wr.Op, Wr.Op->Fill, M.Dram);
    std::sort(Remotes.begin(), Remotes.end(), [](const auto &A, const auto &X) {
      return std::tie(A.Time, A.From, A.Seq) < std::tie(X.Time, X.From, X.Seq);
    });
    for (auto &R : Remotes) {
      Core &To = M.core(R.To);
      To.push(std::move(R.E));
      MakeLive(To);
    }
    if (M.FlowModel)
      Net.advance(double(End), Finish);
    if (NumWithCode && BarrierCount == NumWithCode) {
      uint64_t Release = BarrierMax + uint64_t(M.Machine[MachineParamId::barrier_latency]);
      for (Core *C : Running)
        C->push({Release, 0, EventKind::BarrierRelease, 0, 0, nullptr});
      BarrierCount = 0;
      BarrierMax = 0;
    }

    // Where the next window starts: the next cycle, or the next event when
    // every core waits.
    bool AnyRunnable = false, AllHalted = true;
    for (size_t I = 0; I < Running.size(); ++I) {
      AnyRunnable |= RunStatuses[I] == RunStatus::Yield;
      AllHalted &= RunStatuses[I] == RunStatus::Halted;
    }
    uint64_t NextB = End;
    if (M.RunAhead && AnyRunnable) {
      // A lone core that ran ahead does nothing before its next issue or
      // the next event anywhere: skip the windows in between.
      uint64_t Next = Running[0]->MinIssue;
      for (Core *C : Live)
        Next = std::min(Next, C->nextEventTime());
      NextB = std::max(End, Next / W * W);
    }
    if (!AnyRunnable) {
      uint64_t NextEvent = Never;
      for (;;) {
        NextEvent = Never;
        for (Core *C : Live)
          NextEvent = std::min(NextEvent, C->nextEventTime());
        // Every core waits: the network runs on to the window of the next
        // event, or to its own next finish (whose completion comes at least
        // a window later, and may come first).
        if (Net.idle())
          break;
        double Target = NextEvent == Never ? INFINITY : double(std::max(End, NextEvent / W * W));
        if (!Net.advance(Target, Finish, /*FirstOnly=*/true))
          break;
      }
      if (NextEvent == Never) {
        if (AllHalted && PendingFills.empty() && Net.idle())
          break; // done
        Err = deadlock(Running, RunStatuses);
        return false;
      }
      NextB = std::max(End, NextEvent / W * W);
    }
    readSources(M, PendingFills, NextB);

    if (Opts.MaxCycles && NextB >= Opts.MaxCycles) {
      for (size_t I = 0; I < Running.size(); ++I)
        if (RunStatuses[I] != RunStatus::Halted) {
          Core &C = *Running[I];
          Err = "exceeded --max-cycles " + std::to_string(Opts.MaxCycles) + ": " + C.where(C.Pc) +
                " has not halted";
          return false;
        }
      if (!AllHalted || !PendingFills.empty() || !Net.idle()) {
        Err = "exceeded --max-cycles " + std::to_string(Opts.MaxCycles) +
              ": every core halted but DMAs are still in flight";
        return false;
      }
    }
    B = NextB;
  }

  collectStats(M, Live, M.FlowModel ? Net.carried() : M.Carried, P->Stats);
  return true;
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

// A number with a fixed count of decimals ("%.3f"), as the stats and trace
// have always printed it (json::OStream would print every digit of a double).
static void fixedAttribute(json::OStream &J, StringRef Key, double V, int Decimals) {
  J.attributeBegin(Key);
  if (std::isfinite(V))
    J.rawValue([&](raw_ostream &OS) { OS << format("%.*f", Decimals, V); });
  else
    J.value(nullptr);
  J.attributeEnd();
}

std::string Emulator::statsJson() const {
  const RunStats &S = P->Stats;
  const MachineDesc &MD = P->M.Machine;
  std::string Text;
  raw_string_ostream OS(Text);
  json::OStream J(OS, 2);
  J.object([&] {
    J.attribute("cycles", S.Cycles);
    fixedAttribute(J, "time_us", double(S.Cycles) / double(MD[MachineParamId::clock_mhz]), 3);
    J.attribute("instructions", S.Instructions);
    J.attribute("macs", S.Macs);
    J.attribute("dram_read_bytes", S.DramReadBytes);
    J.attribute("dram_write_bytes", S.DramWriteBytes);
    J.attribute("sram_peak_bytes", S.SramPeakBytes);
    J.attribute("cores", uint64_t(S.Cores.size()));
    J.attributeObject("machine", [&] {
      for (unsigned I = 0; I < NumMachineParams; ++I)
        J.attribute(machineParamInfo(I).Name, int64_t(MD.get(I)));
    });
    unsigned Cols = unsigned(MD[MachineParamId::mesh_cols]);
    J.attributeArray("per_core", [&] {
      for (const CoreStats &C : S.Cores)
        J.object([&] {
          J.attribute("id", C.Id);
          J.attribute("row", C.Id / Cols);
          J.attribute("col", C.Id % Cols);
          J.attribute("cycles", C.Cycles);
          J.attribute("instructions", C.Instructions);
          J.attribute("macs", C.Macs);
          J.attribute("dram_read_bytes", C.DramReadBytes);
          J.attribute("dram_write_bytes", C.DramWriteBytes);
          J.attribute("noc_send_bytes", C.NocSendBytes);
          J.attribute("sram_peak_bytes", C.SramPeakBytes);
          J.attribute("wait_cycles", C.WaitCycles);
          J.attribute("dmas", C.Dmas);
          J.attributeObject("issued", [&] {
            for (unsigned U = 0; U < NumUnits; ++U)
              J.attribute(unitInfo(Unit(U)).Name, C.UnitIssues[U]);
          });
        });
    });
    J.attributeArray("links", [&] {
      for (const LinkStats &L : S.Links)
        J.object([&] {
          J.attribute("name", L.Name);
          J.attribute("bytes", L.Bytes);
          fixedAttribute(J, "utilization", L.Utilization, 4);
        });
    });
  });
  OS << "\n";
  return Text;
}

void Emulator::writeTrace(raw_ostream &OS) const {
  const Mesh &M = P->M;
  double Mhz = double(M.Machine[MachineParamId::clock_mhz]);
  static const char *const DmaNames[] = {"dma dram->sram", "dma sram->dram", "dma sram->sram",
                                         "dma put", "dma get"};
  // Streamed: one event a line, each written as it comes (a trace can hold
  // millions), compact within the line.
  json::OStream J(OS);
  auto Event = [&](function_ref<void(json::OStream &)> Fields) {
    J.rawValue([&](raw_ostream &Line) {
      Line << "\n";
      json::OStream E(Line);
      E.object([&] { Fields(E); });
    });
  };
  J.object([&] {
    J.attribute("displayTimeUnit", "ns");
    J.attributeArray("traceEvents", [&] {
      for (const Core *C : M.Active) {
        Event([&](json::OStream &E) {
          E.attribute("name", "process_name");
          E.attribute("ph", "M");
          E.attribute("pid", C->Id);
          E.attributeObject("args", [&] { E.attribute("name", "core " + std::to_string(C->Id)); });
        });
        for (unsigned U = 0; U <= NumUnits; ++U)
          Event([&](json::OStream &E) {
            E.attribute("name", "thread_name");
            E.attribute("ph", "M");
            E.attribute("pid", C->Id);
            E.attribute("tid", U);
            E.attributeObject("args", [&] {
              E.attribute("name", U < NumUnits ? unitInfo(Unit(U)).Name : "DMA");
            });
          });
        for (const TraceEvent &T : C->Trace)
          Event([&](json::OStream &E) {
            bool IsDma = T.Track == NumUnits;
            E.attribute("name",
                        IsDma ? DmaNames[T.Op < 5 ? T.Op : 0] : instInfo(Opcode(T.Op)).Mnemonic);
            E.attribute("ph", "X");
            E.attribute("pid", C->Id);
            E.attribute("tid", unsigned(T.Track));
            fixedAttribute(E, "ts", double(T.Start) / Mhz, 4);
            fixedAttribute(E, "dur", double(T.Dur) / Mhz, 4);
            E.attributeObject("args", [&] {
              E.attribute("pc", T.PC);
              E.attribute("cycle", T.Start);
              E.attribute("cycles", T.Dur);
              E.attribute("bytes", T.Bytes);
            });
          });
      }
    });
  });
  OS << "\n";
}
