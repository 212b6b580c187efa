//===- CheckBinary.h - Load, disassemble and run a .d1x ---------*- C++ -*-===//
#ifndef D1_FUZZ_CHECKBINARY_H
#define D1_FUZZ_CHECKBINARY_H

#include <cstdint>
#include <string>

namespace d1fuzz {

/// The emulator's cycle budget per run.
constexpr uint64_t CycleBudget = 200000;

enum class RoundTrip {
  /// No reassembly.
  None,
  /// Arbitrary bytes: a file that loads must disassemble to text that
  /// assembles, and the result must disassemble to the same text. The
  /// loader accepts much that the assembler does not write (no code,
  /// symbol names that are not identifiers, overlapping data, ...), so
  /// fuzz-d1x checks this only with D1_FUZZ_ROUNDTRIP=1 (docs/fuzzing.md).
  SameText,
  /// A binary from the assembler or the compiler (canonical order): the
  /// disassembly must reassemble to the identical bytes (README: d1-objdump).
  SameBytes,
};

/// Loads Bytes with D1XFile::fromBuffer. When it loads: checks the debug
/// information, disassembles and reassembles (RoundTrip), then runs the
/// program on the emulator twice, with and without memoised block timing,
/// within CycleBudget cycles on one host thread; both runs must agree on
/// success, cycles, instructions and output bytes (docs/isa.md §7). Programs
/// whose memories exceed the fuzzing bounds are loaded but not run. Broken
/// invariants abort. Returns whether the file loaded.
bool checkBinary(const std::string &Bytes, RoundTrip RT);

} // namespace d1fuzz

#endif
