//===- Core.h - One emulated D1 core: state, timing, events ----*- C++ -*-===//
//
// Internal to the runtime. The hot loop (Core::run in Core.cpp) executes an
// instruction's semantics and charges it to the timing model in one pass:
//   issue cycle = max(previous issue, source and destination ready cycles,
//                     free slots of every unit it uses this cycle)
// with at most issue_width instructions per cycle, in program order.
//
//===----------------------------------------------------------------------===//
#ifndef D1_RUNTIME_CORE_H
#define D1_RUNTIME_CORE_H

#include "d1/Runtime/Emulator.h"
#include "d1/Target/ISA.h"
#include "d1/Target/Network.h"
#include "d1/Target/Timing.h"

#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

namespace d1 {
namespace rt {

constexpr uint64_t Never = ~uint64_t(0);

union alignas(64) VReg {
  uint8_t b[64];
  uint16_t u16[32];
  uint32_t u32[16];
  int32_t i32[16];
  float f32[16];
  uint64_t u64[8];
};

struct alignas(64) Accumulator {
  float f32[64] = {};
};

// Scoreboard slots: x0-x31, v0-v31, acc0-acc3, then "no register".
constexpr uint8_t SlotX = 0, SlotV = 32, SlotAcc = 64, SlotNone = 68, SlotDiscard = 69;
constexpr unsigned NumSlots = 70;

struct Decoded {
  Opcode Op;
  uint8_t rd, rs1, rs2, rs3; // rd of a scalar destination x0 is remapped to 32
  uint8_t Src[4];
  uint8_t Dst[2];
  int64_t Imm;
};

/// Allocates without zeroing: DMA buffers are overwritten whole.
template <class T> struct UninitAllocator : std::allocator<T> {
  template <class U> struct rebind {
    using other = UninitAllocator<U>;
  };
  template <class U> void construct(U *) noexcept {}
  template <class U, class... A> void construct(U *P, A &&...Args) {
    ::new (static_cast<void *>(P)) U(std::forward<A>(Args)...);
  }
};
/// The bytes a DMA moves, packed row after row.
using DmaBytes = std::vector<uint8_t, UninitAllocator<uint8_t>>;

enum DmaKind : uint8_t { DramToSram, SramToDram, SramToSram, Put, Get, NumDmaKinds };

/// A DMA in flight. Fill is the packed data once read.
struct DmaOp {
  uint8_t Kind;
  uint32_t Core; // the issuing core
  uint32_t RemoteCore;
  int LocalSem, RemoteSem;
  uint64_t Dst, Src;
  uint64_t Size0, Size1, Size2;
  int64_t SrcStride1, SrcStride2, DstStride1, DstStride2;
  uint64_t Bytes;
  uint64_t Issue; // the cycle the dma instruction issued
  uint64_t Start, ReadTime, Complete;
  uint64_t Latency;            // from the last byte sent to completion
  double Cap;                  // bytes a cycle at most: the engine, a row a cycle
  std::vector<unsigned> Route; // the links (and port) it crosses (net::Geometry)
  uint64_t Seq;                // the issuing core's count of DMAs
  DmaBytes Fill;
};

enum class EventKind : uint8_t {
  DmaRead,     // read a local source (to DRAM or to another core)
  DmaComplete, // write a local destination, signal, retire
  RemoteWrite, // data from another core's put lands here
  SemAdd,      // a semaphore increment arrives
  BarrierRelease,
};

struct Event {
  uint64_t Time, Seq;
  EventKind Kind;
  uint32_t Sem = 0, Count = 0;
  std::shared_ptr<DmaOp> Op;
  bool operator>(const Event &O) const { return Time != O.Time ? Time > O.Time : Seq > O.Seq; }
};

/// Things a core asks of the mesh, applied between windows in order.
struct Outbox {
  struct DramWrite {
    uint64_t Time, Seq;
    uint32_t Core;
    std::shared_ptr<DmaOp> Op;
  };
  struct Remote {
    uint64_t Time, Seq;
    uint32_t From, To;
    Event E;
  };
  struct Fill { // read DRAM or a remote SRAM into Op->Fill before Op completes
    uint64_t Due, Seq;
    std::shared_ptr<DmaOp> Op;
  };
  std::vector<DramWrite> DramWrites;
  std::vector<Remote> Remotes;
  std::vector<Fill> Fills;
  /// DMAs whose timing the network decides (Mesh::FlowModel), in issue
  /// order.
  std::vector<std::shared_ptr<DmaOp>> Flows;
  bool BarrierArrived = false;
  uint64_t BarrierTime = 0;
  bool empty() const {
    return DramWrites.empty() && Remotes.empty() && Fills.empty() && Flows.empty() &&
           !BarrierArrived;
  }
};

enum class RunStatus { Yield, Blocked, Halted, Trapped };

/// A straight run of instructions from an entry PC through the first branch,
/// stopping before any sync instruction (InstInfo::IsSync), with the issue
/// timing seen from a few entry states. The timing of such a run depends
/// only on the core's timing state relative to its first possible issue
/// cycle B: the ready cycles of the registers it names, the busy cycles of
/// the units it uses, and the slots already taken in cycle B. That state is
/// the key; a hit replays the recorded issue cycles and runs only the
/// semantics (docs/isa.md §7, "Memoised block timing").
struct TimedBlock {
  uint32_t Start = 0, Len = 0;       // Len 0: starts with a sync instruction
  std::vector<uint8_t> KeySlots;     // scoreboard slots read or written
  std::vector<uint8_t> WrittenSlots; // slots written
  std::vector<uint8_t> KeyUnits;     // units issued to
  std::vector<uint8_t> BusyUnits;    // units held busy past an issue
  unsigned KeyLen = 0;               // KeySlots + KeyUnits + 3
  struct Outcome {
    std::vector<uint32_t> Key;
    std::vector<uint32_t> Issue;    // each instruction's issue cycle - B
    std::vector<uint32_t> ReadyOut; // WrittenSlots' ready cycles - B
    std::vector<uint32_t> BusyOut;  // BusyUnits' busy-until - B, 0 if not past B
    unsigned IssuedInCycle = 0;     // in the last issue cycle
    uint64_t Used = 0;
    uint64_t Replays = 0;    // for the statistics (Core::finishStats)
    bool SelfStable = false; // branching back to Start re-enters with Key
  };
  static constexpr unsigned MaxOutcomes = 4;
  static constexpr unsigned MaxLen = 1024;
  Outcome Outcomes[MaxOutcomes];
  unsigned NumOutcomes = 0, Victim = 0, LastHit = 0;
};

struct TraceEvent {
  uint64_t Start, Dur;
  uint32_t PC;
  uint8_t Track; // unit index, or NumUnits for DMA
  uint8_t Op;
  uint64_t Bytes;
};

class Mesh;

class Core {
public:
  Core(Mesh &M, uint32_t Id, const d1x::Core *Code);

  /// Runs until WindowEnd; a memoised block with no event on its way may
  /// issue up to Horizon (>= WindowEnd).
  RunStatus run(uint64_t WindowEnd, uint64_t Horizon);
  void push(Event E) {
    E.Seq = NextSeq++;
    Events.push(std::move(E));
  }
  uint64_t nextEventTime() const { return Events.empty() ? Never : Events.top().Time; }
  uint8_t *sram();

  // Identity and program.
  Mesh &M;
  uint32_t Id;
  const d1x::Core *Program;
  std::vector<Decoded> Code;
  uint64_t CodeSize = 0;
  bool HasCode = false;

  // Architectural state.
  uint64_t X[33] = {}; // X[32] absorbs writes to x0
  VReg V[32] = {};
  Accumulator Acc[4];
  uint64_t Pc = 0;
  uint32_t Sem[32] = {};
  uint64_t Rng = 0;
  std::unique_ptr<uint8_t[]> Sram;
  uint64_t SramSize;

  // Timing state.
  uint64_t Ready[NumSlots] = {};
  uint64_t MinIssue = 0;
  IssueSlots Slots;
  uint64_t DmaEngineFree = 0;
  unsigned DmaOutstanding = 0;
  uint64_t DmaSeq = 0;
  bool Halted = false;
  bool BarrierWaiting = false, BarrierReleased = false;
  uint64_t HaltCycle = 0;
  uint64_t BlockedSince = Never;
  uint64_t LastEventTime = 0; // cycle after the latest event handled

  // Memoised block timing (TimedBlock).
  bool MemoOn = false;
  bool AtBlockStart = true;
  uint64_t LookupPc = ~uint64_t(0); // the PC of the latest block lookup
  std::vector<int32_t> BlockOf;     // per PC: index in Blocks, -1 until entered
  std::vector<std::unique_ptr<TimedBlock>> Blocks;
  TimedBlock *Rec = nullptr; // the block being recorded by the full model
  uint64_t RecB = 0;
  uint32_t RecNext = 0;
  TimedBlock::Outcome RecOut;
  std::vector<uint32_t> KeyBuf;
  TimedBlock &blockAt(uint64_t Entry);
  /// The block's key for entry cycle B into Key; false if a relative cycle
  /// does not fit 32 bits.
  bool timingKey(const TimedBlock &Bk, uint64_t B, uint32_t *Key) const;
  void finishRecording();
  bool selfStable(const TimedBlock &Bk, const TimedBlock::Outcome &O) const;
  /// Runs block Bk entered at cycle B with outcome Hit: Trapped or Yield.
  RunStatus replay(const TimedBlock &Bk, TimedBlock::Outcome &Hit, uint64_t B);

  // Events.
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> Events;
  uint64_t NextSeq = 0;
  Outbox Out;

  // Errors and statistics.
  std::string Error;
  uint64_t ErrorTime = 0;
  CoreStats Stats;
  uint64_t OpIssues[256] = {}; // issues per opcode, apart from replayed blocks
  /// Stats' instructions, MACs and unit issues from OpIssues.
  void finishStats();
  std::vector<TraceEvent> Trace;
  uint64_t ProfileLastIssue = 0;

  void processEvents(uint64_t UpTo);
  [[gnu::cold]] void trap(const Decoded &D, uint64_t T, const char *Fmt, ...)
      __attribute__((format(printf, 4, 5)));
  std::string where(uint64_t PC) const;
  void touch(uint64_t End) {
    if (End > Stats.SramPeakBytes)
      Stats.SramPeakBytes = End;
  }

  enum class DmaResult { Ok, Block, Trap };
  DmaResult startDma(const Decoded &D, uint64_t T, uint64_t Dst, uint64_t Src, uint64_t Desc);
  /// Once Op's Start, ReadTime and Complete are known: its events, the
  /// source reads before completion, its trace record.
  void scheduleDma(const std::shared_ptr<DmaOp> &Op);
  bool semAdd(const Decoded &D, uint64_t T, uint64_t Target, unsigned S, uint32_t N);
  void recordTrace(uint8_t Track, uint64_t Start, uint64_t Dur, uint8_t Op, uint64_t Bytes);
};

/// The whole machine: cores, DRAM and the between-window exchange.
class Mesh {
public:
  Mesh(const D1XFile &File, const MachineDesc &Machine);
  const D1XFile &File;
  MachineDesc Machine;
  std::vector<std::unique_ptr<Core>> Cores; // every core of the mesh (see core())
  std::vector<Core *> Active;               // cores with code
  uint8_t *Dram = nullptr;
  uint64_t DramSize = 0;
  TimingTable Timing;
  net::Geometry Net;
  /// More than one core has code: DMAs share links and ports, and the
  /// network decides their timing between windows (Emulator.cpp). A lone
  /// core's DMAs are timed when they issue, by the same model: its engine
  /// runs them one after another and nothing else uses the network.
  bool FlowModel = false;
  /// Bytes each link and port carried (net::Geometry's resources).
  std::vector<double> Carried;
  RunOptions Opts;
  bool TraceOn = false, ProfileOn = false;
  /// Cycles a core may run past its window in memoised blocks: non-zero
  /// only when one core has code (nothing else can reach it between
  /// windows).
  uint64_t RunAhead = 0;
  /// Opcodes that end a TimedBlock: branches and sync instructions.
  bool EndsBlock[256] = {};

  ~Mesh();
  /// Core Id, made on first use if it has no code (main thread only).
  Core &core(uint32_t Id);
};

void mmaBf16(Accumulator &Acc, const VReg &A, const VReg &B);
/// Reads a DMA's source walk from Mem into Out, rows packed in order.
void gatherRows(const DmaOp &Op, const uint8_t *Mem, DmaBytes &Out);
/// Writes packed rows In along a DMA's destination walk in Mem.
void scatterRows(const DmaOp &Op, const DmaBytes &In, uint8_t *Mem);
/// Copies a DMA's rows from its source walk in From to its destination walk
/// in To (distinct memories).
void copyRows(const DmaOp &Op, const uint8_t *From, uint8_t *To);

} // namespace rt
} // namespace d1

#endif
