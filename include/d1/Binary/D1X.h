//===- D1X.h - Reading and writing .d1x binaries ----------------*- C++ -*-===//
//
// A .d1x is a 32-byte prefix (magic, format version, header location), raw
// sections (code words, SRAM and DRAM initial data) and a protobuf Header
// (lib/Binary/d1x.proto) describing them. The reader maps the file read-only
// and validates every offset before anything uses it.
//
//===----------------------------------------------------------------------===//
#ifndef D1_BINARY_D1X_H
#define D1_BINARY_D1X_H

#include "d1/Target/Machine.h"
#include "d1x.pb.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace d1 {

constexpr uint32_t D1XFormatVersion = 1;
constexpr char D1XMagic[8] = {'D', '1', 'X', '\0', '\r', '\n', '\x1a', '\n'};

/// Bytes per element of a dtype; 0 for DTYPE_UNDEFINED.
unsigned dtypeSize(d1x::DType T);
/// "f32", "bf16", ...; parseDType returns DTYPE_UNDEFINED for unknown names.
const char *dtypeName(d1x::DType T);
d1x::DType parseDType(const std::string &Name);

/// Makes every string of Info valid UTF-8 (d1::validUtf8): names and file
/// names come from models and sources, and a proto3 string that is not
/// UTF-8 would make the whole binary unreadable.
void makeStringsUtf8(d1x::DebugInfo &Info);

MachineDesc machineFromHeader(const d1x::Header &H, std::string &Err);
void machineToHeader(const MachineDesc &M, d1x::Header &H);

/// Builds a .d1x in memory; tools write serialize()'s bytes through
/// d1::OutputFiles, which never leaves a partial file behind.
class D1XWriter {
public:
  d1x::Header Header;

  d1x::Core &addCore(uint32_t Id, std::vector<uint64_t> Code);
  d1x::Segment &addSegment(d1x::Space Space, uint32_t Core, uint64_t Address, std::string Bytes,
                           const std::string &Name);
  std::string serialize();

private:
  std::vector<std::vector<uint64_t>> Code;
  std::vector<std::string> SegmentBytes;
};

/// A validated, read-only mapping of a .d1x file.
class D1XFile {
public:
  ~D1XFile();
  /// Opens and validates Path; on failure returns null with Err set to a
  /// one-line reason (without the "error: " prefix).
  static std::unique_ptr<D1XFile> open(const std::string &Path, std::string &Err);
  /// Same, for bytes already in memory (copied).
  static std::unique_ptr<D1XFile> fromBuffer(std::string Bytes, const std::string &Name,
                                             std::string &Err);

  const d1x::Header &header() const { return Header; }
  const MachineDesc &machine() const { return Machine; }
  const uint8_t *data(uint64_t Offset) const { return Base + Offset; }
  uint64_t size() const { return Size; }
  uint64_t codeWord(const d1x::Core &C, uint64_t PC) const;
  const std::string &name() const { return Name; }
  /// The open file, for mapping page-aligned sections; -1 for a buffer.
  int fd() const { return FD; }
  /// Core C's debug information, parsed and checked on first use (most runs
  /// never need it). Empty when the core has none, or when it is malformed:
  /// then Err, if given, says why.
  const d1x::DebugInfo &debug(const d1x::Core &C, std::string *Err = nullptr) const;
  /// Checks every core's debug information, for the tools that print it.
  bool validateDebug(std::string &Err) const;

private:
  D1XFile() = default;
  bool validate(std::string &Err);
  std::string Name;
  const uint8_t *Base = nullptr;
  uint64_t Size = 0;
  void *Mapping = nullptr;
  int FD = -1;
  std::string Owned;
  d1x::Header Header;
  MachineDesc Machine;
  struct ParsedDebug {
    std::unique_ptr<d1x::DebugInfo> Info;
    std::string Why; // malformed: the reason
  };
  mutable std::mutex DebugMutex; // cores that trap on different threads
  mutable std::map<uint32_t, ParsedDebug> Debug;
};

} // namespace d1

#endif
