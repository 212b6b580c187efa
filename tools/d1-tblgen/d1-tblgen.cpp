//===- d1-tblgen.cpp - Derive tables, dispatch and docs from ISA.td -------===//
//
// The one description of the D1 instruction set and machine model
// (include/d1/Target/ISA.td, Machine.td) is turned into:
//   -gen-machine-params  X-macro list of machine parameters
//   -gen-isa-tables      operand kinds, units, opcode enum, per-instruction info
//   -gen-isa-exec        the emulator's dispatch: one case per instruction
//   -gen-isa-docs        the machine and instruction tables of docs/isa.md
//   -gen-isa-ops         ODS definitions of the ISA dialect's ops
//
//===----------------------------------------------------------------------===//

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TableGen/Error.h"
#include "llvm/TableGen/Main.h"
#include "llvm/TableGen/Record.h"
#include "llvm/TableGen/TableGenBackend.h"

#include <map>
#include <set>

using namespace llvm;

namespace {

enum Action { GenMachineParams, GenISATables, GenISAExec, GenISADocs, GenISAOps };

cl::opt<Action> TheAction(
    cl::desc("Action to perform:"),
    cl::values(clEnumValN(GenMachineParams, "gen-machine-params", "Machine parameter list"),
               clEnumValN(GenISATables, "gen-isa-tables", "Instruction tables"),
               clEnumValN(GenISAExec, "gen-isa-exec", "Emulator dispatch"),
               clEnumValN(GenISADocs, "gen-isa-docs", "Markdown tables for docs/isa.md"),
               clEnumValN(GenISAOps, "gen-isa-ops", "ODS for the ISA dialect")));

const char *const FieldNames[] = {"rd", "rs1", "rs2", "rs3", "imm"};

int fieldIndex(StringRef Name) {
  for (int I = 0; I < 5; ++I)
    if (Name == FieldNames[I])
      return I;
  return -1;
}

std::string cString(StringRef S) {
  std::string Out = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    if (C == '\n') {
      Out += "\\n";
      continue;
    }
    Out += C;
  }
  return Out + "\"";
}

std::string mdEscape(StringRef S) {
  std::string Out;
  for (char C : S) {
    if (C == '|')
      Out += "\\|";
    else if (C == '\n')
      Out += ' ';
    else
      Out += C;
  }
  return Out;
}

struct Operand {
  Record *Kind;
  std::string Field;
  bool IsDef;
};

struct InstView {
  Record *R;
  std::vector<Operand> Ops;
  std::string Asm;

  explicit InstView(Record *Rec) : R(Rec) {
    auto Collect = [&](DagInit *D, bool IsDef) {
      for (unsigned I = 0, E = D->getNumArgs(); I < E; ++I) {
        auto *Def = dyn_cast<DefInit>(D->getArg(I));
        if (!Def || !Def->getDef()->isSubClassOf("OperandKind"))
          PrintFatalError(R->getLoc(), "operand must be an OperandKind");
        std::string Field = D->getArgNameStr(I).str();
        if (fieldIndex(Field) < 0)
          PrintFatalError(R->getLoc(),
                          "operand name '" + Field + "' is not a field (rd rs1 rs2 rs3 imm)");
        bool InImm = Def->getDef()->getValueAsBit("InImm");
        if (InImm != (Field == "imm"))
          PrintFatalError(R->getLoc(), "operand kind of '" + Field + "' does not fit that field");
        Ops.push_back({Def->getDef(), Field, IsDef});
      }
    };
    Collect(R->getValueAsDag("Outs"), true);
    Collect(R->getValueAsDag("Ins"), false);
    std::set<std::string> Seen;
    for (auto &O : Ops)
      if (!Seen.insert(O.Field).second)
        PrintFatalError(R->getLoc(), "field '" + O.Field + "' used twice");
    Asm = R->getValueAsString("AsmString").str();
    if (Asm.empty()) {
      for (size_t I = 0; I < Ops.size(); ++I)
        Asm += (I ? ", $" : "$") + Ops[I].Field;
    }
  }
  StringRef mnemonic() const { return R->getValueAsString("Mnemonic"); }
  int64_t opcode() const { return R->getValueAsInt("Opcode"); }
  std::string enumName() const { return R->getName().str(); }
};

std::vector<Record *> sortedInsts(RecordKeeper &RK) {
  auto Insts = RK.getAllDerivedDefinitions("Inst");
  llvm::sort(Insts, [](Record *A, Record *B) {
    return A->getValueAsInt("Opcode") < B->getValueAsInt("Opcode");
  });
  std::map<int64_t, Record *> Seen;
  std::set<std::string> Mnems;
  for (Record *R : Insts) {
    int64_t Op = R->getValueAsInt("Opcode");
    if (Op < 0 || Op > 255)
      PrintFatalError(R->getLoc(), "opcode out of range");
    if (!Seen.emplace(Op, R).second)
      PrintFatalError(R->getLoc(), "opcode shared with " + Seen[Op]->getName());
    if (!Mnems.insert(R->getValueAsString("Mnemonic").str()).second)
      PrintFatalError(R->getLoc(), "duplicate mnemonic");
  }
  return Insts;
}

std::vector<Record *> params(RecordKeeper &RK) {
  auto Ps = RK.getAllDerivedDefinitions("MachineParam");
  // Definition order is the order of the description; keep it.
  llvm::sort(Ps, LessRecordByID());
  return Ps;
}

std::string paramEnum(Record *P) {
  if (!P->isSubClassOf("MachineParam"))
    return "-1";
  return "int(MachineParamId::" + P->getValueAsString("Name").str() + ")";
}

//===----------------------------------------------------------------------===//

bool emitMachineParams(raw_ostream &OS, RecordKeeper &RK) {
  emitSourceFileHeader("D1 machine parameters", OS);
  OS << "// D1_MACHINE_PARAM(Name, Default, Min, Unit, Doc)\n";
  for (Record *P : params(RK))
    OS << "D1_MACHINE_PARAM(" << P->getValueAsString("Name") << ", " << P->getValueAsInt("Default")
       << "LL, " << P->getValueAsInt("Min") << "LL, " << cString(P->getValueAsString("Unit"))
       << ", " << cString(P->getValueAsString("Doc")) << ")\n";
  OS << "#undef D1_MACHINE_PARAM\n";
  return false;
}

/// Whether an instruction's semantics may block, halt or reach the mesh
/// (DMA, semaphores, barrier, fence), read from the words its Semantics
/// uses (runtime/Semantics.h). Also checks that exactly the IsBranch
/// instructions jump.
bool isSync(Record *R) {
  StringRef Sem = R->getValueAsString("Semantics");
  if (Sem.contains("JUMP(") != R->getValueAsBit("IsBranch"))
    PrintFatalError(R->getLoc(), "IsBranch must be set exactly when the semantics JUMP");
  for (StringRef Word : {"BLOCK(", "HALT_CORE(", "START_DMA(", "SEM_ADD(", "SEM_WAIT(",
                         "BARRIER_WAIT(", "FENCE_WAIT("})
    if (Sem.contains(Word))
      return true;
  return false;
}

bool emitISATables(raw_ostream &OS, RecordKeeper &RK) {
  emitSourceFileHeader("D1 instruction tables", OS);
  auto Kinds = RK.getAllDerivedDefinitions("OperandKind");
  llvm::sort(Kinds, LessRecordByID());
  auto Units = RK.getAllDerivedDefinitions("Unit");
  llvm::sort(Units, LessRecordByID());
  auto Groups = RK.getAllDerivedDefinitions("Group");
  llvm::sort(Groups, LessRecordByID());
  auto Insts = sortedInsts(RK);

  OS << "#ifdef D1_GET_ENUMS\n#undef D1_GET_ENUMS\n";
  OS << "enum class OperandKind : uint8_t {\n";
  for (Record *K : Kinds)
    OS << "  " << K->getValueAsString("Name") << ",\n";
  OS << "};\nconstexpr unsigned NumOperandKinds = " << Kinds.size() << ";\n";
  OS << "enum class Unit : uint8_t {\n";
  for (Record *U : Units)
    OS << "  " << U->getValueAsString("Name") << ",\n";
  OS << "};\nconstexpr unsigned NumUnits = " << Units.size() << ";\n";
  OS << "enum class InstGroup : uint8_t {\n";
  for (Record *G : Groups)
    OS << "  " << G->getValueAsString("Name") << ",\n";
  OS << "};\nconstexpr unsigned NumInstGroups = " << Groups.size() << ";\n";
  OS << "enum class Opcode : uint8_t {\n";
  for (Record *R : Insts)
    OS << "  " << R->getName() << " = 0x" << utohexstr(R->getValueAsInt("Opcode")) << ",\n";
  OS << "};\nconstexpr unsigned NumInsts = " << Insts.size() << ";\n";
  OS << "#endif\n\n";

  OS << "#ifdef D1_GET_TABLES\n#undef D1_GET_TABLES\n";
  OS << "static const OperandKindInfo OperandKindTable[] = {\n";
  for (Record *K : Kinds)
    OS << "  {" << cString(K->getValueAsString("Name")) << ", "
       << cString(K->getValueAsString("Prefix")) << ", " << K->getValueAsInt("Min") << "LL, "
       << K->getValueAsInt("Max") << "LL, " << (K->getValueAsBit("InImm") ? "true" : "false")
       << ", " << cString(K->getValueAsString("Doc")) << "},\n";
  OS << "};\n";
  OS << "static const UnitInfo UnitTable[] = {\n";
  for (Record *U : Units)
    OS << "  {" << cString(U->getValueAsString("Name")) << ", "
       << paramEnum(U->getValueAsDef("Cap")) << ", " << cString(U->getValueAsString("Doc"))
       << "},\n";
  OS << "};\n";
  OS << "static const GroupInfo GroupTable[] = {\n";
  for (Record *G : Groups)
    OS << "  {" << cString(G->getValueAsString("Name")) << ", "
       << cString(G->getValueAsString("Title")) << ", " << cString(G->getValueAsString("Doc"))
       << "},\n";
  OS << "};\n";
  std::map<std::string, unsigned> GroupIdx;
  for (unsigned I = 0; I < Groups.size(); ++I)
    GroupIdx[Groups[I]->getValueAsString("Name").str()] = I;
  std::map<Record *, unsigned> UnitIdx, KindIdx;
  for (unsigned I = 0; I < Units.size(); ++I)
    UnitIdx[Units[I]] = I;
  for (unsigned I = 0; I < Kinds.size(); ++I)
    KindIdx[Kinds[I]] = I;

  OS << "static const InstInfo InstTable[] = {\n";
  for (Record *R : Insts) {
    InstView V(R);
    bool Sync = isSync(R);
    auto G = GroupIdx.find(R->getValueAsString("Group").str());
    if (G == GroupIdx.end())
      PrintFatalError(R->getLoc(), "unknown group");
    OS << "  {Opcode::" << R->getName() << ", " << cString(V.mnemonic()) << ", InstGroup("
       << G->second << "), " << V.Ops.size() << ", {";
    for (auto &O : V.Ops)
      OS << "{OperandKind(" << KindIdx[O.Kind] << "), Field(" << fieldIndex(O.Field) << "), "
         << (O.IsDef ? "true" : "false") << "}, ";
    OS << "}, " << cString(V.Asm) << ", ";
    auto Uses = R->getValueAsListOfDefs("Uses");
    OS << Uses.size() << ", {";
    for (Record *U : Uses)
      OS << "{Unit(" << UnitIdx[U->getValueAsDef("U")] << "), " << U->getValueAsInt("Slots") << ", "
         << U->getValueAsInt("Occ") << ", " << paramEnum(U->getValueAsDef("OccParam")) << "}, ";
    OS << "}, " << paramEnum(R->getValueAsDef("Latency")) << ", "
       << (R->getValueAsBit("TiedDest") ? "true" : "false") << ", "
       << (R->getValueAsBit("IsBranch") ? "true" : "false") << ", " << (Sync ? "true" : "false")
       << ", " << R->getValueAsInt("Macs") << ", " << cString(R->getValueAsString("Summary"))
       << ", " << cString(R->getValueAsString("Traps")) << "},\n";
  }
  OS << "};\n#endif\n";
  return false;
}

bool emitISAExec(raw_ostream &OS, RecordKeeper &RK) {
  emitSourceFileHeader("D1 emulator dispatch", OS);
  OS << "// Included inside the emulator's dispatch switch; see "
        "runtime/Semantics.h for the macros.\n";
  for (Record *R : sortedInsts(RK)) {
    OS << "D1_CASE(" << R->getName() << ") {\n  " << R->getValueAsString("Semantics").trim()
       << "\n}\nD1_END_CASE(" << R->getName() << ")\n";
  }
  return false;
}

std::string syntax(const InstView &V) {
  std::string S = V.mnemonic().str();
  if (!V.Asm.empty())
    S += " " + V.Asm;
  // Operands show as their field names without the '$'.
  std::string Out;
  for (char C : S)
    if (C != '$')
      Out += C;
  return Out;
}

bool emitISADocs(raw_ostream &OS, RecordKeeper &RK) {
  OS << "<!-- Generated by d1-tblgen -gen-isa-docs from "
        "include/d1/Target/{ISA,Machine}.td. Do not edit. -->\n\n";
  OS << "### Machine parameters\n\n| name | default | unit | meaning |\n|---|---:|---|---|\n";
  for (Record *P : params(RK))
    OS << "| `" << P->getValueAsString("Name") << "` | " << P->getValueAsInt("Default") << " | "
       << P->getValueAsString("Unit") << " | " << mdEscape(P->getValueAsString("Doc")) << " |\n";

  auto Units = RK.getAllDerivedDefinitions("Unit");
  llvm::sort(Units, LessRecordByID());
  OS << "\n### Issue resources\n\n| unit | slots per cycle | used by |\n|---|---|---|\n";
  for (Record *U : Units)
    OS << "| " << U->getValueAsString("Name") << " | `"
       << U->getValueAsDef("Cap")->getValueAsString("Name") << "` | " << U->getValueAsString("Doc")
       << " |\n";

  auto Kinds = RK.getAllDerivedDefinitions("OperandKind");
  llvm::sort(Kinds, LessRecordByID());
  OS << "\n### Operand kinds\n\n| kind | field | range | meaning |\n|---|---|---|---|\n";
  for (Record *K : Kinds)
    OS << "| " << K->getValueAsString("Name") << " | "
       << (K->getValueAsBit("InImm") ? "imm" : "rd/rs1/rs2/rs3") << " | " << K->getValueAsInt("Min")
       << " .. " << K->getValueAsInt("Max") << " | " << mdEscape(K->getValueAsString("Doc"))
       << " |\n";

  auto Groups = RK.getAllDerivedDefinitions("Group");
  llvm::sort(Groups, LessRecordByID());
  auto Insts = sortedInsts(RK);
  for (Record *G : Groups) {
    OS << "\n### " << G->getValueAsString("Title") << "\n\n"
       << G->getValueAsString("Doc") << "\n\n"
       << "| opcode | syntax | semantics | latency | issue | traps |\n"
       << "|---|---|---|---|---|---|\n";
    for (Record *R : Insts) {
      if (R->getValueAsString("Group") != G->getValueAsString("Name"))
        continue;
      InstView V(R);
      Record *Lat = R->getValueAsDef("Latency");
      std::string LatS = Lat->isSubClassOf("MachineParam")
                             ? ("`" + Lat->getValueAsString("Name").str() + "`")
                             : "-";
      std::string Issue;
      for (Record *U : R->getValueAsListOfDefs("Uses")) {
        if (!Issue.empty())
          Issue += " + ";
        Issue += U->getValueAsDef("U")->getValueAsString("Name").str();
        int64_t Slots = U->getValueAsInt("Slots");
        if (Slots != 1)
          Issue += " x" + std::to_string(Slots);
        Record *OccP = U->getValueAsDef("OccParam");
        if (OccP->isSubClassOf("MachineParam"))
          Issue += " for `" + OccP->getValueAsString("Name").str() + "` cycles";
        else if (U->getValueAsInt("Occ") != 1)
          Issue += " for " + std::to_string(U->getValueAsInt("Occ")) + " cycles";
      }
      if (Issue.empty())
        Issue = "(issue slot only)";
      StringRef Traps = R->getValueAsString("Traps");
      OS << "| 0x" << format_hex_no_prefix(R->getValueAsInt("Opcode"), 2) << " | `" << syntax(V)
         << "` | " << mdEscape(R->getValueAsString("Summary")) << " | " << LatS << " | " << Issue
         << " | " << (Traps.empty() ? "-" : mdEscape(Traps)) << " |\n";
    }
  }
  return false;
}

// ODS for the ISA dialect: one op per instruction. Vector and accumulator
// registers are values of !d1isa.v and !d1isa.acc; scalar registers are
// `index` values, so structured loops (scf.for) carry them until emission;
// immediates, lanes and semaphores are attributes. An op is Pure when the
// instruction uses neither the address units nor the control slot and its
// semantics read neither the cycle counter nor the generator.
bool emitISAOps(raw_ostream &OS, RecordKeeper &RK) {
  emitSourceFileHeader("D1 ISA dialect ops", OS);
  for (Record *R : sortedInsts(RK)) {
    InstView V(R);
    std::string Name = V.mnemonic().str();
    std::string OpName;
    for (char C : Name)
      OpName += (C == '.') ? '_' : C;
    bool Pure = true;
    for (Record *U : R->getValueAsListOfDefs("Uses")) {
      StringRef Unit = U->getValueAsDef("U")->getValueAsString("Name");
      Pure &= Unit != "AGU" && Unit != "Control";
    }
    StringRef Sem = R->getValueAsString("Semantics");
    Pure &= !Sem.contains("NOW") && !Sem.contains("RNG_");
    OS << "def D1ISA_" << R->getName() << "Op : D1ISA_InstOp<\"" << OpName << "\", "
       << R->getValueAsInt("Opcode") << (Pure ? ", [Pure]" : "") << "> {\n";
    OS << "  let summary = " << cString(R->getValueAsString("Summary")) << ";\n";
    std::string Args, Results;
    auto TypeOf = [](Record *K) -> std::string {
      StringRef N = K->getValueAsString("Name");
      if (N == "XReg")
        return "Index";
      if (N == "VReg")
        return "D1ISA_VRegType";
      if (N == "Acc")
        return "D1ISA_AccType";
      if (N == "Sem")
        return "I32Attr";
      return "I64Attr";
    };
    for (auto &O : V.Ops) {
      std::string T = TypeOf(O.Kind);
      bool IsAttr = StringRef(T).ends_with("Attr");
      if (O.IsDef && !IsAttr) {
        Results += (Results.empty() ? "" : ", ") + T + ":$" + O.Field;
        if (R->getValueAsBit("TiedDest"))
          Args += (Args.empty() ? "" : ", ") + T + ":$" + O.Field + "_in";
      } else {
        Args += (Args.empty() ? "" : ", ") + T + ":$" + O.Field;
      }
    }
    OS << "  let arguments = (ins " << Args << ");\n";
    OS << "  let results = (outs " << Results << ");\n";
    OS << "}\n\n";
  }
  return false;
}

bool dispatch(raw_ostream &OS, RecordKeeper &RK) {
  switch (TheAction) {
  case GenMachineParams:
    return emitMachineParams(OS, RK);
  case GenISATables:
    return emitISATables(OS, RK);
  case GenISAExec:
    return emitISAExec(OS, RK);
  case GenISADocs:
    return emitISADocs(OS, RK);
  case GenISAOps:
    return emitISAOps(OS, RK);
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(argc, argv);
  return TableGenMain(argv[0], &dispatch);
}
