//===- D1X.cpp - Reading and writing .d1x binaries ------------------------===//
#include "d1/Binary/D1X.h"
#include "d1/Support/Escape.h"
#include "d1/Support/FileIO.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>

using namespace d1;

static const struct {
  d1x::DType T;
  const char *Name;
  unsigned Size;
} DTypes[] = {{d1x::F32, "f32", 4},  {d1x::BF16, "bf16", 2}, {d1x::F16, "f16", 2},
              {d1x::F64, "f64", 8},  {d1x::I8, "i8", 1},     {d1x::I16, "i16", 2},
              {d1x::I32, "i32", 4},  {d1x::I64, "i64", 8},   {d1x::U8, "u8", 1},
              {d1x::U16, "u16", 2},  {d1x::U32, "u32", 4},   {d1x::U64, "u64", 8},
              {d1x::BOOL, "bool", 1}};

unsigned d1::dtypeSize(d1x::DType T) {
  for (auto &D : DTypes)
    if (D.T == T)
      return D.Size;
  return 0;
}
const char *d1::dtypeName(d1x::DType T) {
  for (auto &D : DTypes)
    if (D.T == T)
      return D.Name;
  return "undefined";
}
d1x::DType d1::parseDType(const std::string &Name) {
  for (auto &D : DTypes)
    if (Name == D.Name)
      return D.T;
  return d1x::DTYPE_UNDEFINED;
}

void d1::makeStringsUtf8(d1x::DebugInfo &Info) {
  for (std::string &F : *Info.mutable_files())
    F = validUtf8(F);
  for (std::string &N : *Info.mutable_names())
    N = validUtf8(N);
}

/// The same for the header's strings.
static void headerStringsToUtf8(d1x::Header &H) {
  H.set_producer(validUtf8(H.producer()));
  for (auto *Tensors : {H.mutable_inputs(), H.mutable_outputs()})
    for (d1x::Tensor &T : *Tensors)
      T.set_name(validUtf8(T.name()));
  for (d1x::Segment &S : *H.mutable_segments())
    S.set_name(validUtf8(S.name()));
  for (d1x::Symbol &S : *H.mutable_symbols())
    S.set_name(validUtf8(S.name()));
  for (d1x::Core &C : *H.mutable_cores())
    for (d1x::Symbol &S : *C.mutable_symbols())
      S.set_name(validUtf8(S.name()));
}

MachineDesc d1::machineFromHeader(const d1x::Header &H, std::string &Err) {
  MachineDesc M;
  for (const auto &P : H.machine()) {
    Err = M.set(P.name(), P.value());
    if (!Err.empty())
      return M;
  }
  Err = M.validate();
  return M;
}

void d1::machineToHeader(const MachineDesc &M, d1x::Header &H) {
  H.clear_machine();
  for (unsigned I = 0; I < NumMachineParams; ++I) {
    auto *P = H.add_machine();
    P->set_name(machineParamInfo(I).Name);
    P->set_value(M.get(I));
  }
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

d1x::Core &D1XWriter::addCore(uint32_t Id, std::vector<uint64_t> Words) {
  d1x::Core *C = Header.add_cores();
  C->set_id(Id);
  C->set_num_insts(Words.size());
  Code.push_back(std::move(Words));
  return *C;
}

d1x::Segment &D1XWriter::addSegment(d1x::Space Space, uint32_t Core, uint64_t Address,
                                    std::string Bytes, const std::string &Name) {
  d1x::Segment *S = Header.add_segments();
  S->set_space(Space);
  S->set_core(Core);
  S->set_address(Address);
  S->set_size(Bytes.size());
  S->set_name(Name);
  SegmentBytes.push_back(std::move(Bytes));
  return *S;
}

static void put64(std::string &Out, size_t At, uint64_t V) {
  for (int I = 0; I < 8; ++I)
    Out[At + I] = char((V >> (8 * I)) & 0xff);
}

std::string D1XWriter::serialize() {
  // Canonical order (cores by id; DRAM segments, then SRAM by core; each by
  // address), so the same program always gives the same bytes.
  std::vector<int> CI(Header.cores_size()), SI(Header.segments_size());
  for (size_t I = 0; I < CI.size(); ++I)
    CI[I] = int(I);
  for (size_t I = 0; I < SI.size(); ++I)
    SI[I] = int(I);
  std::stable_sort(CI.begin(), CI.end(),
                   [&](int A, int B) { return Header.cores(A).id() < Header.cores(B).id(); });
  auto SegKey = [&](int I) {
    const d1x::Segment &S = Header.segments(I);
    return std::make_tuple(int(S.space()), S.core(), S.address());
  };
  std::stable_sort(SI.begin(), SI.end(), [&](int A, int B) { return SegKey(A) < SegKey(B); });
  d1x::Header Sorted = Header;
  Sorted.clear_cores();
  Sorted.clear_segments();
  std::vector<std::vector<uint64_t>> SortedCode;
  std::vector<std::string> SortedBytes;
  for (int I : CI) {
    *Sorted.add_cores() = Header.cores(I);
    SortedCode.push_back(std::move(Code[I]));
  }
  for (int I : SI) {
    *Sorted.add_segments() = Header.segments(I);
    SortedBytes.push_back(std::move(SegmentBytes[I]));
  }
  Header = std::move(Sorted);
  Code = std::move(SortedCode);
  SegmentBytes = std::move(SortedBytes);

  std::string Out(32, '\0');
  std::memcpy(&Out[0], D1XMagic, 8);
  for (int I = 0; I < 4; ++I)
    Out[8 + I] = char((D1XFormatVersion >> (8 * I)) & 0xff);
  auto AlignTo = [&](uint64_t A) { Out.resize((Out.size() + A - 1) / A * A, '\0'); };
  Header.set_format_version(D1XFormatVersion);
  headerStringsToUtf8(Header);
  for (int I = 0; I < Header.cores_size(); ++I) {
    AlignTo(64);
    Header.mutable_cores(I)->set_code_offset(Out.size());
    for (uint64_t W : Code[I]) {
      size_t At = Out.size();
      Out.resize(At + 8);
      put64(Out, At, W);
    }
  }
  // DRAM data page-aligned so a loader can map it; SRAM data after it.
  for (int Pass = 0; Pass < 2; ++Pass)
    for (int I = 0; I < Header.segments_size(); ++I) {
      d1x::Segment *S = Header.mutable_segments(I);
      if ((S->space() == d1x::DRAM) != (Pass == 0))
        continue;
      AlignTo(S->space() == d1x::DRAM ? 4096 : 64);
      S->set_file_offset(Out.size());
      Out += SegmentBytes[I];
    }
  AlignTo(8);
  std::string Meta;
  {
    google::protobuf::io::StringOutputStream SOS(&Meta);
    google::protobuf::io::CodedOutputStream COS(&SOS);
    COS.SetSerializationDeterministic(true);
    Header.SerializeToCodedStream(&COS);
  }
  put64(Out, 16, Out.size());
  put64(Out, 24, Meta.size());
  Out += Meta;
  return Out;
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

D1XFile::~D1XFile() {
  if (Mapping)
    munmap(Mapping, Size);
  if (FD >= 0)
    ::close(FD);
}

static uint64_t get64(const uint8_t *P) {
  uint64_t V = 0;
  for (int I = 7; I >= 0; --I)
    V = (V << 8) | P[I];
  return V;
}

uint64_t D1XFile::codeWord(const d1x::Core &C, uint64_t PC) const {
  return get64(Base + C.code_offset() + 8 * PC);
}

std::unique_ptr<D1XFile> D1XFile::open(const std::string &Path, std::string &Err) {
  std::unique_ptr<D1XFile> F(new D1XFile());
  F->Name = Path;
  int FD = openInputFile(Path, Err, &F->Size);
  if (FD < 0)
    return nullptr;
  if (F->Size > 0) {
    void *M = mmap(nullptr, F->Size, PROT_READ, MAP_PRIVATE, FD, 0);
    if (M == MAP_FAILED) {
      Err = "cannot map '" + Path + "': " + std::strerror(errno);
      ::close(FD);
      return nullptr;
    }
    F->Mapping = M;
    F->Base = static_cast<const uint8_t *>(M);
  }
  F->FD = FD; // kept for mapping DRAM data

  if (!F->validate(Err))
    return nullptr;
  return F;
}

std::unique_ptr<D1XFile> D1XFile::fromBuffer(std::string Bytes, const std::string &Name,
                                             std::string &Err) {
  std::unique_ptr<D1XFile> F(new D1XFile());
  F->Name = Name;
  F->Owned = std::move(Bytes);
  F->Base = reinterpret_cast<const uint8_t *>(F->Owned.data());
  F->Size = F->Owned.size();
  if (!F->validate(Err))
    return nullptr;
  return F;
}

const d1x::DebugInfo &D1XFile::debug(const d1x::Core &C, std::string *Err) const {
  std::lock_guard<std::mutex> Lock(DebugMutex);
  ParsedDebug &P = Debug[C.id()];
  if (!P.Info) {
    P.Info = std::make_unique<d1x::DebugInfo>();
    d1x::DebugInfo &D = *P.Info;
    std::string Which = "core " + std::to_string(C.id()) + " debug info ";
    if (!D.ParseFromString(C.debug()))
      P.Why = Which + "is not a DebugInfo message";
    else if (D.locs_size() != 0 && uint64_t(D.locs_size()) != C.num_insts())
      P.Why = Which + "does not cover every instruction";
    else
      for (const auto &L : D.locs())
        if ((L.file() >= uint32_t(D.files_size()) && L.file() != 0) ||
            (L.name() >= uint32_t(D.names_size()) && L.name() != 0)) {
          P.Why = Which + "names a missing file or layer";
          break;
        }
    if (!P.Why.empty())
      D.Clear();
  }
  if (Err)
    *Err = P.Why.empty() ? "" : Name + ": " + P.Why;
  return *P.Info;
}

bool D1XFile::validateDebug(std::string &Err) const {
  for (const auto &C : Header.cores())
    if (debug(C, &Err), !Err.empty())
      return false;
  return true;
}

bool D1XFile::validate(std::string &Err) {
  auto Fail = [&](const std::string &Why) {
    Err = Name + ": " + Why;
    return false;
  };
  auto InFile = [&](uint64_t Off, uint64_t Len) { return Off <= Size && Len <= Size - Off; };
  if (Size < 32 || std::memcmp(Base, D1XMagic, 8) != 0)
    return Fail(Size < 8 ? "not a .d1x binary (file too short)" : "not a .d1x binary (bad magic)");
  uint32_t Version = uint32_t(Base[8]) | uint32_t(Base[9]) << 8 | uint32_t(Base[10]) << 16 |
                     uint32_t(Base[11]) << 24;
  if (Version != D1XFormatVersion)
    return Fail("unsupported .d1x format version " + std::to_string(Version) +
                " (this tool reads version " + std::to_string(D1XFormatVersion) + ")");
  uint64_t HOff = get64(Base + 16), HSize = get64(Base + 24);
  if (!InFile(HOff, HSize))
    return Fail("truncated: header at offset " + std::to_string(HOff) + " size " +
                std::to_string(HSize) + " exceeds file size " + std::to_string(Size));
  if (HSize > INT32_MAX || !Header.ParseFromArray(Base + HOff, int(HSize)))
    return Fail("malformed header");
  if (Header.format_version() != Version)
    return Fail("header format version does not match the file prefix");
  std::string MErr;
  Machine = machineFromHeader(Header, MErr);
  if (!MErr.empty())
    return Fail("machine description: " + MErr);
  uint64_t DramCap = uint64_t(Machine[MachineParamId::dram_bytes]);
  uint64_t Sram = uint64_t(Machine[MachineParamId::sram_bytes]);
  if (Header.dram_size() > DramCap)
    return Fail("program needs " + std::to_string(Header.dram_size()) +
                " bytes of DRAM; the machine has " + std::to_string(DramCap));
  std::vector<bool> SeenCore(Machine.numCores(), false);
  for (const auto &C : Header.cores()) {
    std::string Which = "core " + std::to_string(C.id());
    if (C.id() >= Machine.numCores())
      return Fail(Which + " is outside the " + std::to_string(Machine.numCores()) + "-core mesh");
    if (SeenCore[C.id()])
      return Fail(Which + " has two code sections");
    SeenCore[C.id()] = true;
    if (C.num_insts() > (uint64_t(1) << 40) || !InFile(C.code_offset(), C.num_insts() * 8))
      return Fail("truncated: " + Which + " code section exceeds the file");
  }
  auto CheckRange = [&](d1x::Space Sp, uint32_t Core, uint64_t Addr, uint64_t Len,
                        const std::string &What) -> std::string {
    uint64_t Cap = Sp == d1x::DRAM ? Header.dram_size() : Sram;
    if (Sp == d1x::SRAM && Core >= Machine.numCores())
      return What + " is on core " + std::to_string(Core) + ", outside the mesh";
    if (Addr > Cap || Len > Cap - Addr)
      return What + " [" + std::to_string(Addr) + ", +" + std::to_string(Len) + ") exceeds " +
             (Sp == d1x::DRAM ? "the program's DRAM" : "SRAM") + " (" + std::to_string(Cap) +
             " bytes)";
    return "";
  };
  // Symbol names are assembler identifiers, so that every binary
  // disassembles to source that assembles back to it.
  auto IsIdentifier = [](const std::string &N) {
    if (N.empty() || !(std::isalpha((unsigned char)N[0]) || N[0] == '_' || N[0] == '.'))
      return false;
    for (char C : N)
      if (!(std::isalnum((unsigned char)C) || C == '_' || C == '.'))
        return false;
    return true;
  };
  auto CheckSymbols = [&](const google::protobuf::RepeatedPtrField<d1x::Symbol> &Syms) {
    for (const auto &Sym : Syms)
      if (!IsIdentifier(Sym.name()))
        return Fail("symbol name '" + Sym.name() + "' is not an assembler identifier");
    return true;
  };
  if (!CheckSymbols(Header.symbols()))
    return false;
  for (const auto &C : Header.cores())
    if (!CheckSymbols(C.symbols()))
      return false;
  for (const auto &S : Header.segments()) {
    if (!InFile(S.file_offset(), S.size()))
      return Fail("truncated: segment '" + S.name() + "' exceeds the file");
    std::string E =
        CheckRange(S.space(), S.core(), S.address(), S.size(), "segment '" + S.name() + "'");
    if (!E.empty())
      return Fail(E);
  }
  for (int Out = 0; Out < 2; ++Out)
    for (const auto &T : Out ? Header.outputs() : Header.inputs()) {
      std::string What = std::string(Out ? "output" : "input") + " '" + T.name() + "'";
      if (!dtypeSize(T.dtype()))
        return Fail(What + " has no dtype");
      uint64_t N = dtypeSize(T.dtype());
      for (int64_t D : T.shape()) {
        if (D < 0 || (D && N > (uint64_t(1) << 40) / uint64_t(D)))
          return Fail(What + " has a bad shape");
        N *= uint64_t(D);
      }
      std::string E = CheckRange(T.space(), T.core(), T.address(), N, What);
      if (!E.empty())
        return Fail(E);
    }
  return true;
}
