//===- CommandLine.h - Command-line mistakes as one-line errors -*- C++ -*-===//
//
// LLVM's option parser reports a mistake as "TOOL: message", sometimes over
// two lines (a suggestion). The tools report every error as one line that
// starts with "error: ", so they parse through this.
//
//===----------------------------------------------------------------------===//
#ifndef D1_SUPPORT_COMMANDLINE_H
#define D1_SUPPORT_COMMANDLINE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace d1 {

/// LLVM's report Text ("TOOL: message" lines, with "Try:"/"See:" hints and
/// follow-on complaints) as one line: the first message and a suggestion.
inline std::string oneLineOptionError(llvm::StringRef Tool, llvm::StringRef Text) {
  std::string First, Suggestion;
  llvm::SmallVector<llvm::StringRef> Lines;
  Text.split(Lines, '\n', -1, false);
  for (llvm::StringRef L : Lines) {
    L = L.trim();
    if (L.consume_front(Tool))
      L = L.drop_while([](char C) { return C == ':' || C == ' '; });
    L = L.substr(0, L.find("  Try:")).substr(0, L.find(" See:")).trim().rtrim(".!:");
    if (L.empty() || L.starts_with("Must specify"))
      continue;
    std::string Msg = std::string(1, char(std::tolower(L.front()))) + L.drop_front().str();
    if (L.starts_with("Did you mean")) {
      if (Suggestion.empty())
        Suggestion = Msg;
    } else if (First.empty()) {
      First = Msg;
    }
  }
  if (First.empty())
    First = "bad command line";
  return Suggestion.empty() ? First : First + " (" + Suggestion + ")";
}

/// cl::ParseCommandLineOptions, but a mistake prints "error: ..." on one
/// line and exits with 1. LLVM writes some complaints (a bad option value)
/// straight to stderr, so stderr goes to a temporary file while parsing.
inline void parseCommandLineOrExit(int Argc, const char *const *Argv, llvm::StringRef Overview) {
  std::string Report;
  llvm::raw_string_ostream OS(Report);
  std::FILE *Captured = std::tmpfile();
  int Saved = Captured ? ::dup(2) : -1;
  if (Saved >= 0)
    ::dup2(::fileno(Captured), 2);
  bool Ok = llvm::cl::ParseCommandLineOptions(Argc, Argv, Overview, &OS);
  if (Saved >= 0) {
    llvm::errs().flush();
    ::dup2(Saved, 2);
    ::close(Saved);
    std::rewind(Captured);
    char Buf[4096];
    size_t N;
    while ((N = std::fread(Buf, 1, sizeof Buf, Captured)) > 0)
      Report.append(Buf, N);
  }
  if (Captured)
    std::fclose(Captured);
  if (Ok && Report.empty())
    return;
  if (Ok) {
    // Warnings (a deprecated option): shown as they were.
    llvm::errs() << Report;
    return;
  }
  llvm::StringRef Tool = Argc > 0 ? llvm::StringRef(Argv[0]) : llvm::StringRef();
  Tool = Tool.substr(Tool.find_last_of('/') + 1);
  llvm::errs() << "error: " << oneLineOptionError(Tool, Report) << "\n";
  std::exit(1);
}

} // namespace d1

#endif // D1_SUPPORT_COMMANDLINE_H
