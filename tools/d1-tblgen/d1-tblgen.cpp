//===- d1-tblgen.cpp - Derive tables, dispatch and docs from ISA.td -------===//
//
// The one description of the D1 instruction set and machine model
// (include/d1/Target/ISA.td, Machine.td) is turned into:
//   -gen-machine-params  X-macro list of machine parameters
//   -gen-isa-tables      operand kinds, units, opcode enum, per-instruction info
//   -gen-isa-exec        the emulator's dispatch: one case per instruction
//   -gen-isa-docs        the machine and instruction tables of docs/isa.md
//   -gen-isa-ops         ODS definitions of the ISA dialect's ops
//   -gen-isa-builders    typed builders of those ops (ISABuilder's methods)
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

enum Action { GenMachineParams, GenISATables, GenISAExec, GenISADocs, GenISAOps, GenISABuilders };

cl::opt<Action> TheAction(
    cl::desc("Action to perform:"),
    cl::values(clEnumValN(GenMachineParams, "gen-machine-params", "Machine parameter list"),
               clEnumValN(GenISATables, "gen-isa-tables", "Instruction tables"),
               clEnumValN(GenISAExec, "gen-isa-exec", "Emulator dispatch"),
               clEnumValN(GenISADocs, "gen-isa-docs", "Markdown tables for docs/isa.md"),
               clEnumValN(GenISAOps, "gen-isa-ops", "ODS for the ISA dialect"),
               clEnumValN(GenISABuilders, "gen-isa-builders", "Typed builders of the ISA ops")));

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
bool hasEffect(Record *R, StringRef Name) {
  for (Record *E : R->getValueAsListOfDefs("Effects"))
    if (E->getValueAsString("Name") == Name)
      return true;
  return false;
}

bool usesUnit(Record *R, StringRef Name) {
  for (Record *U : R->getValueAsListOfDefs("Uses"))
    if (U->getValueAsDef("U")->getValueAsString("Name") == Name)
      return true;
  return false;
}

/// Checks an instruction's declared effects against its semantics and its
/// issue resources, so that a new instruction cannot leave one out.
void checkEffects(Record *R) {
  StringRef Sem = R->getValueAsString("Semantics");
  if (Sem.contains("JUMP(") != R->getValueAsBit("IsBranch"))
    PrintFatalError(R->getLoc(), "IsBranch must be set exactly when the semantics JUMP");
  bool Syncs = false;
  for (StringRef Word : {"BLOCK(", "HALT_CORE(", "START_DMA(", "SEM_ADD(", "SEM_WAIT(",
                         "BARRIER_WAIT(", "FENCE_WAIT("})
    Syncs |= Sem.contains(Word);
  auto Check = [&](bool Declared, bool Implied, StringRef Effect, StringRef Why) {
    if (Declared != Implied)
      PrintFatalError(R->getLoc(), (Declared ? "declares " : "must declare ") + Effect +
                                       (Declared ? " but " : ": ") + Why);
  };
  bool Sram = hasEffect(R, "ReadsSRAM") || hasEffect(R, "WritesSRAM");
  Check(Sram, Sem.contains("SRAM"), "an SRAM effect",
        Sram ? "its semantics never touch SRAM" : "its semantics touch SRAM");
  Check(hasEffect(R, "ReadsSRAM"), usesUnit(R, "LoadPort"), "ReadsSRAM",
        "ReadsSRAM goes with the load port");
  Check(hasEffect(R, "WritesSRAM"), usesUnit(R, "StorePort"), "WritesSRAM",
        "WritesSRAM goes with the store port");
  Check(hasEffect(R, "ReadsCycle"), Sem.contains("NOW"), "ReadsCycle", "its semantics read NOW");
  Check(hasEffect(R, "ReadsRNG"), Sem.contains("RNG_NEXT("), "ReadsRNG",
        "its semantics draw RNG_NEXT()");
  Check(hasEffect(R, "WritesRNG"), Sem.contains("RNG_NEXT(") || Sem.contains("RNG_SEED("),
        "WritesRNG", "its semantics advance or seed the generator");
  Check(hasEffect(R, "Sync"), Syncs, "Sync", "its semantics block, halt, copy or signal");
}

bool emitISATables(raw_ostream &OS, RecordKeeper &RK) {
  emitSourceFileHeader("D1 instruction tables", OS);
  auto Kinds = RK.getAllDerivedDefinitions("OperandKind");
  llvm::sort(Kinds, LessRecordByID());
  auto Units = RK.getAllDerivedDefinitions("Unit");
  llvm::sort(Units, LessRecordByID());
  auto Groups = RK.getAllDerivedDefinitions("Group");
  llvm::sort(Groups, LessRecordByID());
  auto Effects = RK.getAllDerivedDefinitions("Effect");
  llvm::sort(Effects, LessRecordByID());
  std::map<Record *, unsigned> EffectIdx;
  for (unsigned I = 0; I < Effects.size(); ++I)
    EffectIdx[Effects[I]] = I;
  auto Insts = sortedInsts(RK);

  OS << "#ifdef D1_GET_ENUMS\n#undef D1_GET_ENUMS\n";
  OS << "/// Effects beyond registers (ISA.td), as bits of InstInfo::Effects.\n";
  OS << "enum class Effect : uint8_t {\n";
  for (Record *E : Effects)
    OS << "  " << E->getValueAsString("Name") << " = " << EffectIdx[E] << ", // "
       << E->getValueAsString("Doc") << "\n";
  OS << "};\n";
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
    checkEffects(R);
    unsigned EffectBits = 0;
    for (Record *E : R->getValueAsListOfDefs("Effects"))
      EffectBits |= 1u << EffectIdx[E];
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
       << (R->getValueAsBit("IsBranch") ? "true" : "false") << ", "
       << (hasEffect(R, "Sync") ? "true" : "false") << ", " << EffectBits << "u, "
       << R->getValueAsInt("Macs") << ", " << cString(R->getValueAsString("Summary")) << ", "
       << cString(R->getValueAsString("Traps")) << "},\n";
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

  auto Effects = RK.getAllDerivedDefinitions("Effect");
  llvm::sort(Effects, LessRecordByID());
  OS << "\n### Effects\n\nWhat an instruction does besides reading and writing registers "
        "(the `effects` column below): the ISA dialect's memory effects, the scheduler's "
        "ordering and the emulator's block ends come from these.\n\n| effect | meaning |\n"
        "|---|---|\n";
  for (Record *E : Effects)
    OS << "| " << E->getValueAsString("Name") << " | " << mdEscape(E->getValueAsString("Doc"))
       << " |\n";

  auto Groups = RK.getAllDerivedDefinitions("Group");
  llvm::sort(Groups, LessRecordByID());
  auto Insts = sortedInsts(RK);
  for (Record *G : Groups) {
    OS << "\n### " << G->getValueAsString("Title") << "\n\n"
       << G->getValueAsString("Doc") << "\n\n"
       << "| opcode | syntax | semantics | latency | issue | effects | traps |\n"
       << "|---|---|---|---|---|---|---|\n";
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
      std::vector<std::string> Eff;
      for (Record *E : R->getValueAsListOfDefs("Effects"))
        Eff.push_back(E->getValueAsString("Name").str());
      StringRef Traps = R->getValueAsString("Traps");
      OS << "| 0x" << format_hex_no_prefix(R->getValueAsInt("Opcode"), 2) << " | `" << syntax(V)
         << "` | " << mdEscape(R->getValueAsString("Summary")) << " | " << LatS << " | " << Issue
         << " | " << (Eff.empty() ? "-" : join(Eff, ", ")) << " | "
         << (Traps.empty() ? "-" : mdEscape(Traps)) << " |\n";
    }
  }
  return false;
}

// ODS for the ISA dialect: one op per instruction. Vector and accumulator
// registers are values of !d1isa.v and !d1isa.acc; scalar registers are
// `index` values, so structured loops (scf.for) carry them until emission;
// immediates, lanes and semaphores are attributes. Its traits come from the
// instruction's declared Effects.
bool emitISAOps(raw_ostream &OS, RecordKeeper &RK) {
  emitSourceFileHeader("D1 ISA dialect ops", OS);
  for (Record *R : sortedInsts(RK)) {
    InstView V(R);
    std::string Name = V.mnemonic().str();
    std::string OpName;
    for (char C : Name)
      OpName += (C == '.') ? '_' : C;
    // Traits from the declared effects: none is Pure; Sync and branches get
    // no effects interface (unknown effects).
    std::string Traits;
    if (!R->getValueAsBit("IsBranch") && !hasEffect(R, "Sync")) {
      std::vector<std::string> Effects;
      static const std::pair<const char *, const char *> Map[] = {
          {"ReadsSRAM", "MemRead<D1ISA_SRAM>"},
          {"WritesSRAM", "MemWrite<D1ISA_SRAM>"},
          // The counter moves on by itself: two reads are never alike (no
          // CSE), and none is dead code.
          {"ReadsCycle", "MemRead<D1ISA_CycleCounter>, MemWrite<D1ISA_CycleCounter>"},
          {"ReadsRNG", "MemRead<D1ISA_Generator>"},
          {"WritesRNG", "MemWrite<D1ISA_Generator>"}};
      for (auto [Name, Ods] : Map)
        if (hasEffect(R, Name))
          Effects.push_back(Ods);
      Traits = Effects.empty() ? "Pure" : "MemoryEffects<[" + join(Effects, ", ") + "]>";
    }
    OS << "def D1ISA_" << R->getName() << "Op : D1ISA_InstOp<\"" << OpName << "\", "
       << R->getValueAsInt("Opcode") << (Traits.empty() ? "" : ", [" + Traits + "]") << "> {\n";
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

// One ISABuilder method per instruction, named after its mnemonic ("." as
// "_"; C++'s and/or/xor get a trailing "_"). Its operands come in the
// instruction's operand order (a tied destination's old value first):
// registers as Values, immediates, lanes and semaphores as int64_t. With
// two or more they come as one braced list, `I.addi({X, 8})`, which C++
// evaluates left to right, so nested builders emit in the order written.
// It returns the result register, if the instruction writes one. A
// misspelled instruction or a wrong operand count or kind does not compile.
bool emitISABuilders(raw_ostream &OS, RecordKeeper &RK) {
  emitSourceFileHeader("Typed builders of the D1 ISA dialect's ops", OS);
  for (Record *R : sortedInsts(RK)) {
    InstView V(R);
    std::string Method;
    for (char C : V.mnemonic())
      Method += (C == '.') ? '_' : C;
    if (Method == "and" || Method == "or" || Method == "xor")
      Method += '_';
    auto IsReg = [](Record *K) {
      StringRef N = K->getValueAsString("Name");
      return N == "XReg" || N == "VReg" || N == "Acc";
    };
    auto TypeOf = [](Record *K) -> std::string {
      StringRef N = K->getValueAsString("Name");
      return N == "XReg"   ? "B.getIndexType()"
             : N == "VReg" ? "d1isa::VRegType::get(B.getContext())"
                           : "d1isa::AccType::get(B.getContext())";
    };
    std::vector<std::string> Types, Names, Args;
    std::string Result;
    bool Tied = R->getValueAsBit("TiedDest");
    for (auto &O : V.Ops) {
      StringRef K = O.Kind->getValueAsString("Name");
      if (O.IsDef && IsReg(O.Kind)) {
        Result = TypeOf(O.Kind);
        if (Tied) {
          Types.push_back("mlir::Value");
          Names.push_back(O.Field + "_in");
          Args.push_back(O.Field + "_in");
        }
      } else if (IsReg(O.Kind)) {
        Types.push_back("mlir::Value");
        Names.push_back(O.Field);
        Args.push_back(O.Field);
      } else {
        Types.push_back("int64_t");
        Names.push_back(O.Field);
        Args.push_back(K == "Sem" ? "B.getI32IntegerAttr(int32_t(" + O.Field + "))"
                                  : "B.getI64IntegerAttr(" + O.Field + ")");
      }
    }
    OS << "/// " << V.mnemonic() << ": " << R->getValueAsString("Summary") << "\n";
    OS << (Result.empty() ? "void " : "mlir::Value ") << Method << "(";
    if (Types.size() == 1)
      OS << Types[0] << " " << Names[0];
    else if (Types.size() > 1)
      OS << "Operands<" << join(Types, ", ") << "> Ops";
    OS << ") {\n";
    if (Types.size() > 1)
      OS << "  auto [" << join(Names, ", ") << "] = Ops.Values;\n";
    OS << "  ";
    if (!Result.empty())
      OS << "return ";
    OS << "B.create<d1isa::" << R->getName() << "Op>(Loc";
    if (!Result.empty())
      OS << ", " << Result;
    for (auto &A : Args)
      OS << ", " << A;
    OS << ")" << (Result.empty() ? "" : "->getResult(0)") << ";\n}\n";
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
  case GenISABuilders:
    return emitISABuilders(OS, RK);
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(argc, argv);
  return TableGenMain(argv[0], &dispatch);
}
