//===- Semantics.h - Vocabulary of the semantics in ISA.td -----*- C++ -*-===//
//
// The `Semantics` code of each instruction in include/d1/Target/ISA.td is
// pasted by d1-tblgen into Core::run's dispatch (ISAExec.inc). These macros
// are the words that code may use. In scope: C (the Core), D (the Decoded
// instruction), CurPc (its PC), T (its issue cycle), NextPc, Taken.
//
//===----------------------------------------------------------------------===//
#ifndef D1_RUNTIME_SEMANTICS_H
#define D1_RUNTIME_SEMANTICS_H

#include "d1/Target/Numerics.h"

#include <cstdint>
#include <cstring>

#define D1_UNLIKELY(x) __builtin_expect(!!(x), 0)

#define X(f) (C.X[D.f])
#define XS(f) (static_cast<int64_t>(C.X[D.f]))
#define V(f) (C.V[D.f])
#define ACC(f) (C.Acc[D.f])
#define IMM (D.Imm)
#define PC (CurPc)
#define NOW (T)
#define CORE_ID (uint64_t(C.Id))
#define RD_FIELD (D.rd)
#define SRAM (C.Sram.get())

#define TRAP(...)                                                                                  \
  do {                                                                                             \
    C.Pc = CurPc;                                                                                  \
    C.trap(D, T, __VA_ARGS__);                                                                     \
    return RunStatus::Trapped;                                                                     \
  } while (0)

// Addr .. Addr+Size inside SRAM and Addr a multiple of Align.
#define CHECK_MEM(Addr, Size, Align, What)                                                         \
  do {                                                                                             \
    uint64_t A_ = (Addr), S_ = (Size);                                                             \
    if (D1_UNLIKELY(A_ > C.SramSize || S_ > C.SramSize - A_))                                      \
      TRAP("%s of %llu bytes at 0x%llx is outside SRAM (%llu bytes)", What,                        \
           (unsigned long long)S_, (unsigned long long)A_, (unsigned long long)C.SramSize);        \
    if (D1_UNLIKELY(A_ & ((Align) - 1)))                                                           \
      TRAP("misaligned %s at 0x%llx (needs %d-byte alignment)", What, (unsigned long long)A_,      \
           int(Align));                                                                            \
    C.touch(A_ + S_);                                                                              \
  } while (0)

// A gather or scatter chunk: 4, 8, 16 or 32 bytes, each a fixed-size copy.
#define COPY_CHUNK(Dst, Src, Size) (::d1::rt::copyChunk((Dst), (Src), (Size)))
namespace d1 {
namespace rt {
inline void copyChunk(uint8_t *Dst, const uint8_t *Src, uint64_t Size) {
  switch (Size) {
  case 4:
    std::memcpy(Dst, Src, 4);
    return;
  case 8:
    std::memcpy(Dst, Src, 8);
    return;
  case 16:
    std::memcpy(Dst, Src, 16);
    return;
  default:
    std::memcpy(Dst, Src, 32);
    return;
  }
}
} // namespace rt
} // namespace d1

#define SRAM_READ(Ty, Addr) (::d1::rt::loadLE<Ty>(C.Sram.get() + (Addr)))
#define SRAM_WRITE(Ty, Addr, Val) (::d1::rt::storeLE<Ty>(C.Sram.get() + (Addr), (Val)))

#define JUMP(Target)                                                                               \
  do {                                                                                             \
    uint64_t Tg_ = (Target);                                                                       \
    if (D1_UNLIKELY(Tg_ >= C.CodeSize))                                                            \
      TRAP("jump to instruction %lld outside the core's %llu instructions", (long long)Tg_,        \
           (unsigned long long)C.CodeSize);                                                        \
    NextPc = Tg_;                                                                                  \
    Taken = true;                                                                                  \
  } while (0)

#define HALT_CORE() (Halt = true)

// Not ready yet: retry at the next event, or give up the window.
#define BLOCK()                                                                                    \
  do {                                                                                             \
    if (C.BlockedSince == Never)                                                                   \
      C.BlockedSince = T;                                                                          \
    uint64_t Next_ = C.nextEventTime();                                                            \
    if (Next_ == Never)                                                                            \
      return RunStatus::Blocked;                                                                   \
    C.MinIssue = Next_ > C.MinIssue ? Next_ : C.MinIssue;                                          \
    goto Retry;                                                                                    \
  } while (0)

#define RNG_NEXT() (::d1::xorshift64Star(C.Rng))
#define RNG_SEED(Val) (C.Rng = ::d1::splitMix64(Val))

#define START_DMA(Dst, Src, Desc)                                                                  \
  do {                                                                                             \
    auto R_ = C.startDma(D, T, (Dst), (Src), (Desc));                                              \
    if (R_ == Core::DmaResult::Trap)                                                               \
      return RunStatus::Trapped;                                                                   \
    if (R_ == Core::DmaResult::Block)                                                              \
      BLOCK();                                                                                     \
  } while (0)

#define SEM_ADD(Target, S, N)                                                                      \
  do {                                                                                             \
    if (!C.semAdd(D, T, (Target), (S), uint32_t(N)))                                               \
      return RunStatus::Trapped;                                                                   \
  } while (0)

#define SEM_WAIT(S, N)                                                                             \
  do {                                                                                             \
    if (C.Sem[S] < uint32_t(N))                                                                    \
      BLOCK();                                                                                     \
    C.Sem[S] -= uint32_t(N);                                                                       \
  } while (0)

#define BARRIER_WAIT()                                                                             \
  do {                                                                                             \
    if (!C.BarrierReleased) {                                                                      \
      if (!C.BarrierWaiting) {                                                                     \
        C.BarrierWaiting = true;                                                                   \
        C.Out.BarrierArrived = true;                                                               \
        C.Out.BarrierTime = T;                                                                     \
      }                                                                                            \
      BLOCK();                                                                                     \
    }                                                                                              \
    C.BarrierReleased = false;                                                                     \
  } while (0)

#define FENCE_WAIT()                                                                               \
  do {                                                                                             \
    if (C.DmaOutstanding)                                                                          \
      BLOCK();                                                                                     \
  } while (0)

#endif
