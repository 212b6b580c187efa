//===- fuzz-d1x.cpp - .d1x bytes through the loader, disassembler, emulator -===//
//
// Input: a .d1x file (at most 1 MiB). See CheckBinary.h for what is done
// with it: load, debug-info check, disassembly (and with D1_FUZZ_ROUNDTRIP=1
// the round trip through the assembler), and two emulator runs within a
// cycle budget that must agree.
//
// The custom mutator knows the file's layout: besides libFuzzer's byte
// mutations it mutates the protobuf header in place through reflection
// (ProtoMutator) and rewrites single instruction words field by field, so
// most mutants still load and reach the emulator.
//
//===----------------------------------------------------------------------===//
#include "CheckBinary.h"
#include "FuzzSupport.h"
#include "ProtoMutator.h"

#include "d1/Binary/D1X.h"

#include <cstdlib>
#include <cstring>

namespace d1x = d1::d1x;
using namespace d1fuzz;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  quietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size > (1 << 20))
    return -1;
  static const bool RT = [] {
    const char *E = std::getenv("D1_FUZZ_ROUNDTRIP");
    return E && *E && *E != '0';
  }();
  checkBinary(std::string(reinterpret_cast<const char *>(Data), Size),
              RT ? RoundTrip::SameText : RoundTrip::None);
  return 0;
}

namespace {

uint64_t get64(const uint8_t *P) {
  uint64_t V = 0;
  for (int K = 7; K >= 0; --K)
    V = V << 8 | P[K];
  return V;
}

void put64(uint8_t *P, uint64_t V) {
  for (int K = 0; K < 8; ++K)
    P[K] = uint8_t(V >> (8 * K));
}

/// The header's location, when the prefix is sound.
bool headerAt(const uint8_t *Data, size_t Size, uint64_t &Off, uint64_t &Len) {
  if (Size < 32 || std::memcmp(Data, d1::D1XMagic, 8) != 0)
    return false;
  Off = get64(Data + 16);
  Len = get64(Data + 24);
  return Off >= 32 && Off <= Size && Len <= Size - Off;
}

size_t mutateHeader(ProtoMutator &PM, uint8_t *Data, size_t Size, size_t MaxSize) {
  uint64_t Off, Len;
  d1x::Header H;
  if (!headerAt(Data, Size, Off, Len) || !H.ParseFromArray(Data + Off, int(Len)))
    return 0;
  uint64_t FileSize = Size;
  PM.IntHook = [&](const FieldRef &F, int64_t &V) {
    const std::string &Name = F.Field->name();
    // Offsets and sizes near the file's own, addresses near the memories'.
    if (Name == "file_offset" || Name == "code_offset") {
      V = int64_t(PM.oneIn(2) ? PM.below(FileSize + 1) : FileSize - PM.below(64));
      return true;
    }
    if (Name == "num_insts" || Name == "size" || Name == "address") {
      V = int64_t(PM.oneIn(2) ? PM.below(4096) : uint64_t(1) << PM.below(40));
      return true;
    }
    if (Name == "value" && F.Msg->GetDescriptor() == d1x::MachineParam::descriptor()) {
      V = int64_t(PM.below(65)); // small machines: latencies, widths, meshes
      return true;
    }
    return false;
  };
  PM.mutate(H);
  std::string New;
  if (!H.SerializeToString(&New))
    return 0;
  // The new header replaces the old one in place; what followed it moves.
  size_t Total = size_t(Off) + New.size() + (Size - size_t(Off + Len));
  if (Total > MaxSize)
    return 0;
  std::string Out(reinterpret_cast<const char *>(Data), size_t(Off));
  Out += New;
  Out.append(reinterpret_cast<const char *>(Data + Off + Len), Size - size_t(Off + Len));
  put64(reinterpret_cast<uint8_t *>(Out.data()) + 24, New.size());
  std::memcpy(Data, Out.data(), Out.size());
  return Out.size();
}

/// Rewrites one field of one instruction word of one core's code.
size_t mutateInstruction(ProtoMutator &PM, uint8_t *Data, size_t Size) {
  uint64_t Off, Len;
  d1x::Header H;
  if (!headerAt(Data, Size, Off, Len) || !H.ParseFromArray(Data + Off, int(Len)) ||
      H.cores_size() == 0)
    return 0;
  const d1x::Core &C = H.cores(int(PM.below(uint64_t(H.cores_size()))));
  if (C.num_insts() == 0 || C.code_offset() > Size || C.num_insts() > (Size - C.code_offset()) / 8)
    return 0;
  uint8_t *Word = Data + C.code_offset() + 8 * PM.below(C.num_insts());
  uint64_t W = get64(Word);
  // opcode 7:0, rd 12:8, rs1 17:13, rs2 22:18, rs3 27:23, imm 63:32
  static const struct {
    unsigned Lo, Bits;
  } Fields[] = {{0, 8}, {8, 5}, {13, 5}, {18, 5}, {23, 5}, {32, 32}, {28, 4}};
  const auto &F = Fields[PM.below(std::size(Fields))];
  uint64_t Mask = (F.Bits == 64 ? ~uint64_t(0) : (uint64_t(1) << F.Bits) - 1) << F.Lo;
  uint64_t V;
  switch (PM.below(4)) {
  case 0: // another word of the program, whole
    W = get64(Data + C.code_offset() + 8 * PM.below(C.num_insts()));
    put64(Word, W);
    return Size;
  case 1:
    V = uint64_t(PM.interestingInt());
    break;
  case 2:
    V = (W >> F.Lo) + (PM.oneIn(2) ? 1 : -1);
    break;
  default:
    V = PM.Rng();
    break;
  }
  W = (W & ~Mask) | ((V << F.Lo) & Mask);
  put64(Word, W);
  return Size;
}

} // namespace

extern "C" size_t LLVMFuzzerMutate(uint8_t *Data, size_t Size, size_t MaxSize);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *Data, size_t Size, size_t MaxSize,
                                          unsigned int Seed) {
  ProtoMutator PM(Seed);
  size_t N = 0;
  switch (PM.below(3)) {
  case 0:
    N = mutateHeader(PM, Data, Size, MaxSize);
    break;
  case 1:
    N = mutateInstruction(PM, Data, Size);
    break;
  default:
    break;
  }
  return N ? N : LLVMFuzzerMutate(Data, Size, MaxSize);
}
