//===- Assembler.h - D1 assembly to .d1x, and back ---------------*- C++ -*-===//
#ifndef D1_ASM_ASSEMBLER_H
#define D1_ASM_ASSEMBLER_H

#include "d1/Binary/D1X.h"

#include <string>
#include <vector>

namespace d1 {

struct AsmDiagnostic {
  std::string File;
  unsigned Line = 0, Col = 0;
  std::string Message;
  /// "file:line:col: error: message"
  std::string str() const;
};

/// Assembles Source (named FileName in diagnostics) into Out, starting from
/// machine description Machine. Returns false with at least one diagnostic
/// on error.
bool assemble(const std::string &Source, const std::string &FileName, const MachineDesc &Machine,
              D1XWriter &Out, std::vector<AsmDiagnostic> &Diags);

/// Prints a .d1x as assembly that assemble() turns back into the identical
/// binary. With Verbose, each instruction carries a comment with its PC and
/// encoding.
std::string disassemble(const D1XFile &File, bool Verbose = true);

} // namespace d1

#endif
