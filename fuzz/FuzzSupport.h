//===- FuzzSupport.h - Shared pieces of the d1c fuzz targets ----*- C++ -*-===//
//
// The importer and the tensor readers take paths: each target writes its
// input to a file in a private directory on tmpfs, made once per process and
// removed at exit. The directory holds nothing else, so a model's external
// data can only name the model itself.
//
//===----------------------------------------------------------------------===//
#ifndef D1_FUZZ_FUZZSUPPORT_H
#define D1_FUZZ_FUZZSUPPORT_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace d1fuzz {

/// The per-process scratch directory (created on first use).
const std::string &scratchDir();
/// Writes Data to scratchDir()/Name, replacing it; returns the path. Aborts
/// if the file cannot be written (the run would test nothing).
std::string writeScratch(const char *Name, const uint8_t *Data, size_t Size);
/// D1_FUZZ_VERBOSE=1 prints the errors each input is rejected with, for
/// reproducing a finding by hand.
bool verbose();
/// Silences protobuf's own logging (malformed inputs are the normal case).
void quietProtobuf();

/// A broken invariant that is not a memory error (a compiled program the
/// loader rejects, a round trip that differs): prints and aborts, so
/// libFuzzer saves the input as a crash. Id names the check. When
/// D1_FUZZ_SKIP has a line "Id" or "Id TEXT" with TEXT in Detail (a known
/// open bug: run_fuzzers.py passes those of fuzz/open-findings.txt), the
/// call returns instead.
void invariant(const char *Id, const char *What, const std::string &Detail);

} // namespace d1fuzz

#endif
