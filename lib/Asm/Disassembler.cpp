//===- Disassembler.cpp - .d1x to assembly that reassembles identically ---===//
#include "d1/Asm/Assembler.h"
#include "d1/Target/ISA.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <set>

using namespace d1;

static std::string quote(const std::string &S) {
  std::string Out = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out + "\"";
}

static std::string hex(uint64_t V) {
  char Buf[32];
  std::snprintf(Buf, sizeof Buf, "0x%" PRIx64, V);
  return Buf;
}

static std::string shapeStr(const d1x::Tensor &T) {
  if (T.shape_size() == 0)
    return "scalar";
  std::string S;
  for (int I = 0; I < T.shape_size(); ++I)
    S += (I ? "x" : "") + std::to_string(T.shape(I));
  return S;
}

static void printBytes(std::string &Out, const uint8_t *P, uint64_t N) {
  for (uint64_t I = 0; I < N;) {
    // Runs of 32 or more zero bytes print as .zero.
    uint64_t Z = I;
    while (Z < N && P[Z] == 0)
      ++Z;
    if (Z - I >= 32) {
      Out += "  .zero " + std::to_string(Z - I) + "\n";
      I = Z;
      continue;
    }
    uint64_t End = std::min(N, I + 16);
    Out += "  .byte ";
    for (uint64_t J = I; J < End; ++J) {
      char Buf[8];
      std::snprintf(Buf, sizeof Buf, "%s0x%02x", J == I ? "" : ", ", P[J]);
      Out += Buf;
    }
    Out += "\n";
    I = End;
  }
}

std::string d1::disassemble(const D1XFile &File, bool Verbose) {
  const d1x::Header &H = File.header();
  std::string Out;
  Out += "# " + File.name() + ": .d1x format version " + std::to_string(H.format_version()) + ", " +
         std::to_string(File.size()) + " bytes\n";
  Out += ".producer " + quote(H.producer()) + "\n";
  Out += "\n# Machine description\n";
  for (const auto &P : H.machine())
    Out += ".machine " + P.name() + ", " + std::to_string(P.value()) + "\n";
  Out += "\n.dram_size " + std::to_string(H.dram_size()) + "\n";

  bool AnyDebug = false;
  for (const auto &C : H.cores())
    AnyDebug |= File.debug(C).locs_size() > 0;
  if (!AnyDebug)
    Out += ".nodebug\n";

  auto PrintSegments = [&](d1x::Space Space, uint32_t Core) {
    for (const auto &S : H.segments()) {
      if (S.space() != Space || (Space == d1x::SRAM && S.core() != Core))
        continue;
      Out += "# segment " + S.name() + ": " + std::to_string(S.size()) + " bytes at " +
             hex(S.address()) + ", file offset " + hex(S.file_offset()) + "\n";
      Out += ".segment " + quote(S.name()) + "\n.org " + hex(S.address()) + "\n";
      printBytes(Out, File.data(S.file_offset()), S.size());
    }
  };
  auto PrintSymbols = [&](const google::protobuf::RepeatedPtrField<d1x::Symbol> &Syms) {
    for (const auto &S : Syms) {
      const char *Kind = S.kind() == d1x::Symbol::CODE        ? "code"
                         : S.kind() == d1x::Symbol::SRAM_DATA ? "sram"
                                                              : "dram";
      Out += ".sym " + S.name() + ", " + Kind + ", " + hex(S.value()) + "\n";
    }
  };

  Out += "\n# DRAM\n";
  PrintSymbols(H.symbols());
  Out += ".dram\n";
  PrintSegments(d1x::DRAM, 0);

  // Cores with SRAM data but no code come first: they have no code section.
  std::set<uint32_t> CodeCores;
  for (const auto &C : H.cores())
    CodeCores.insert(C.id());
  std::set<uint32_t> DataOnly;
  for (const auto &S : H.segments())
    if (S.space() == d1x::SRAM && !CodeCores.count(S.core()))
      DataOnly.insert(S.core());
  for (uint32_t Id : DataOnly) {
    Out +=
        "\n# Core " + std::to_string(Id) + ": data only\n.core " + std::to_string(Id) + "\n.data\n";
    PrintSegments(d1x::SRAM, Id);
  }
  for (const auto &C : H.cores()) {
    Out += "\n# Core " + std::to_string(C.id()) + ": " + std::to_string(C.num_insts()) +
           " instructions at file offset " + hex(C.code_offset()) + "\n";
    Out += ".core " + std::to_string(C.id()) + "\n";
    PrintSymbols(C.symbols());
    Out += ".data\n";
    PrintSegments(d1x::SRAM, C.id());
    Out += ".text\n";
    // Branch targets get local labels.
    std::vector<Inst> Insts(C.num_insts());
    std::vector<std::string> Errors(C.num_insts());
    std::set<int64_t> Targets;
    for (uint64_t PC = 0; PC < C.num_insts(); ++PC) {
      if (!decode(File.codeWord(C, PC), Insts[PC], Errors[PC]))
        continue;
      const InstInfo &Info = instInfo(Insts[PC].Op);
      for (unsigned K = 0; K < Info.NumOperands; ++K)
        if (Info.Operands[K].Kind == OperandKind::Target)
          Targets.insert(int64_t(PC) + Insts[PC].Imm);
    }
    auto Label = [](int64_t PC) { return ".Lpc" + std::to_string(PC); };
    const d1x::DebugInfo &Dbg = File.debug(C);
    for (uint64_t PC = 0; PC < C.num_insts(); ++PC) {
      if (Targets.count(int64_t(PC)))
        Out += Label(int64_t(PC)) + ":\n";
      if (Dbg.locs_size()) {
        const auto &L = Dbg.locs(int(PC));
        std::string F = L.file() < uint32_t(Dbg.files_size()) ? Dbg.files(int(L.file())) : "";
        Out +=
            "  .loc " + quote(F) + " " + std::to_string(L.line()) + " " + std::to_string(L.col());
        if (L.name() && L.name() < uint32_t(Dbg.names_size()))
          Out += " " + quote(Dbg.names(int(L.name())));
        Out += "\n";
      }
      std::string Text;
      if (!Errors[PC].empty()) {
        // Not an instruction: keep the word so the binary round-trips as
        // far as the assembler allows, and say why.
        Text = "# invalid: " + Errors[PC] + " (word " + hex(File.codeWord(C, PC)) + ")";
      } else {
        Text = formatInst(Insts[PC], Label, int64_t(PC));
      }
      Out += "  " + Text;
      if (Verbose && Errors[PC].empty()) {
        Out.append(Text.size() < 36 ? 36 - Text.size() : 1, ' ');
        Out += "# " + std::to_string(PC) + ": " + hex(File.codeWord(C, PC));
      }
      Out += "\n";
    }
  }
  if (H.inputs_size() || H.outputs_size())
    Out += "\n# Inputs and outputs\n";
  for (int Pass = 0; Pass < 2; ++Pass)
    for (const auto &T : Pass ? H.outputs() : H.inputs()) {
      if (T.space() == d1x::SRAM)
        Out += ".core " + std::to_string(T.core()) + "\n";
      Out += std::string(Pass ? ".output " : ".input ") + quote(T.name()) + ", " +
             dtypeName(T.dtype()) + ", " + shapeStr(T) + ", " +
             (T.space() == d1x::DRAM ? "dram" : "sram") + ", " + hex(T.address()) + "\n";
    }
  return Out;
}
