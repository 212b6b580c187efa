//===- Assembler.cpp - D1 assembly to .d1x --------------------------------===//
//
// Two passes over the source: the first parses every line and gives each
// label its value (instructions are one word each, data sizes are known), the
// second evaluates operands and emits. Operand syntax comes from each
// instruction's AsmString in the generated tables; nothing here is specific
// to one instruction.
//
// Directives: .core N  .text  .data  .dram  .org E  .align N  .byte/.half/
// .word/.dword E,...  .float F,...  .bf16 F,...  .zero N  .space N
// .segment "name"  .machine NAME, V  .dram_size N  .producer "s"
// .input/.output NAME, DTYPE, SHAPE, dram|sram, ADDRESS  .sym NAME, KIND, V
// .loc "file" LINE COL ["layer"]  .nodebug
//
//===----------------------------------------------------------------------===//

#include "d1/Asm/Assembler.h"
#include "d1/Target/ISA.h"
#include "d1/Target/Numerics.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

using namespace d1;

std::string AsmDiagnostic::str() const {
  return File + ":" + std::to_string(Line) + ":" + std::to_string(Col) + ": error: " + Message;
}

namespace {

struct Token {
  enum Kind { Ident, Int, Float, Str, Punct, End } K = End;
  std::string Text;
  int64_t IntVal = 0;
  double FloatVal = 0;
  unsigned Col = 0;
};

/// A source line. Its tokens are lexed when a pass reads the line and
/// dropped after it: holding every token of a large file at once cost tens
/// of bytes of memory per byte of source.
struct Line {
  unsigned No = 0;
  std::string_view Text;
  mutable std::vector<Token> Toks;
};

/// Lexes one line; false (with Err, ErrCol) on a malformed token.
bool lexLine(std::string_view S, std::vector<Token> &Out, std::string &Err, unsigned &ErrCol) {
  size_t I = 0, N = S.size();
  while (I < N) {
    char C = S[I];
    if (C == ' ' || C == '\t' || C == '\r') {
      ++I;
      continue;
    }
    if (C == '#' || C == ';' || (C == '/' && I + 1 < N && S[I + 1] == '/'))
      break;
    Token T;
    T.Col = unsigned(I + 1);
    if (std::isalpha((unsigned char)C) || C == '_' || C == '.') {
      size_t J = I;
      while (J < N && (std::isalnum((unsigned char)S[J]) || S[J] == '_' || S[J] == '.'))
        ++J;
      T.K = Token::Ident;
      T.Text = S.substr(I, J - I);
      I = J;
    } else if (std::isdigit((unsigned char)C)) {
      size_t J = I;
      bool IsHex = C == '0' && I + 1 < N && (S[I + 1] == 'x' || S[I + 1] == 'X');
      bool IsFloat = false;
      if (IsHex)
        J += 2;
      // A dimension list such as 4x16 lexes as 4, x16.
      while (J < N &&
             ((std::isalnum((unsigned char)S[J]) && (IsHex || (S[J] != 'x' && S[J] != 'X'))) ||
              S[J] == '.' ||
              ((S[J] == '+' || S[J] == '-') && !IsHex && (S[J - 1] == 'e' || S[J - 1] == 'E')))) {
        if (!IsHex && (S[J] == '.' || S[J] == 'e' || S[J] == 'E'))
          IsFloat = true;
        ++J;
      }
      T.Text = S.substr(I, J - I);
      char *End = nullptr;
      errno = 0;
      if (IsFloat) {
        T.K = Token::Float;
        T.FloatVal = std::strtod(T.Text.c_str(), &End);
      } else {
        T.K = Token::Int;
        unsigned long long V = std::strtoull(T.Text.c_str(), &End, 0);
        T.IntVal = int64_t(V);
      }
      if (*End || errno) {
        Err = "invalid number '" + T.Text + "'";
        ErrCol = T.Col;
        return false;
      }
      I = J;
    } else if (C == '"') {
      size_t J = I + 1;
      std::string V;
      while (J < N && S[J] != '"') {
        if (S[J] == '\\' && J + 1 < N)
          ++J;
        V += S[J++];
      }
      if (J >= N) {
        Err = "unterminated string";
        ErrCol = T.Col;
        return false;
      }
      T.K = Token::Str;
      T.Text = V;
      I = J + 1;
    } else if (std::strchr(",():+-%[]", C)) {
      T.K = Token::Punct;
      T.Text = std::string(1, C);
      ++I;
    } else {
      Err = std::string("unexpected character '") + C + "'";
      ErrCol = T.Col;
      return false;
    }
    Out.push_back(T);
  }
  Token E;
  E.K = Token::End;
  E.Col = unsigned(N + 1);
  Out.push_back(E);
  return true;
}

/// An error that ends the parsing of a statement.
struct AsmError {
  unsigned Col;
  std::string Msg;
};

enum class SectionKind { Text, Data, Dram };

struct Symbol {
  int64_t Value = 0;
  d1x::Symbol::Kind Kind = d1x::Symbol::CODE;
};

/// A run of consecutive bytes in one memory, becoming one segment.
struct Run {
  uint64_t Start = 0;
  std::string Bytes;
  std::string Name;
};

struct Memory {
  std::vector<Run> Runs;
  /// Runs by start address: overlap checks and pass 2's patches look up
  /// neighbours instead of scanning every run.
  std::map<uint64_t, size_t> RunAt;
  uint64_t Loc = 0;
  uint64_t HighWater = 0;
  bool OpenRun = false;
  std::string NextName;
};

struct CoreState {
  std::vector<uint64_t> Code;
  std::vector<d1x::SourceLoc> Locs;
  Memory Sram;
  std::map<std::string, Symbol> Labels;
};

struct Statement {
  const Line *L;
  size_t Pos; // first token after labels
  SectionKind Sec;
  uint32_t Core;
  uint64_t Addr; // PC for instructions, address for data
  const InstInfo *Info = nullptr;
  d1x::SourceLoc Loc;
};

class Assembler {
public:
  Assembler(const std::string &File, const MachineDesc &M, std::vector<AsmDiagnostic> &Diags)
      : File(File), Machine(M), Diags(Diags) {}

  bool run(const std::string &Source, D1XWriter &Out);

private:
  std::string File;
  MachineDesc Machine;
  std::vector<AsmDiagnostic> &Diags;
  std::deque<Line> Lines; // a deque: statements point at their lines
  std::map<uint32_t, CoreState> Cores;
  std::map<std::string, Symbol> GlobalLabels;
  Memory Dram;
  uint64_t DramSizeDirective = 0;
  std::string Producer = "d1-as";
  std::vector<std::string> DebugFiles{""}, DebugNames{""};
  bool Debug = true;
  std::vector<Statement> Stmts;
  std::vector<d1x::Tensor> Inputs, Outputs;
  std::vector<std::pair<const Line *, size_t>> TensorDirectives;
  std::vector<std::pair<uint32_t, std::pair<std::string, Symbol>>> ExplicitSyms;
  // Pass-1 state.
  SectionKind Sec = SectionKind::Text;
  uint32_t CurCore = 0;
  bool HavePendingLoc = false;
  d1x::SourceLoc PendingLoc;
  const Line *CurLine = nullptr;
  // %hi(%lo(...)) nesting, bounded so that a hostile line cannot exhaust
  // the stack.
  unsigned FunctionDepth = 0;
  static constexpr unsigned MaxFunctionDepth = 64;
  // Like compilers, stop after this many errors instead of printing one
  // for every line of a file that is not assembly at all.
  static constexpr size_t MaxErrors = 100;
  std::set<unsigned> LinesWithErrors;
  bool tooManyErrors() const { return Diags.size() >= MaxErrors; }
  /// Line L's tokens, for the pass that reads it (it lexed once already).
  bool lex(const Line &L, std::string &Err, unsigned &Col) {
    L.Toks.swap(Spare); // one buffer's capacity serves every line
    L.Toks.clear();
    return lexLine(L.Text, L.Toks, Err, Col);
  }
  void lex(const Line &L) {
    std::string Err;
    unsigned Col;
    lex(L, Err, Col);
  }
  void release(const Line &L) {
    Spare.swap(L.Toks);
    L.Toks.clear();
  }
  std::vector<Token> Spare;

  void error(const Line &L, unsigned Col, const std::string &Msg) {
    Diags.push_back({File, L.No, Col, Msg});
    LinesWithErrors.insert(L.No);
  }
  /// The error of the statement being parsed. A parsing function that fails
  /// records it with fail() and returns false; every caller then returns
  /// false at once, up to the per-line handler in run(), which reports and
  /// clears it.
  std::optional<AsmError> Failure;
  bool fail(unsigned Col, std::string Msg) {
    assert(!Failure && "a statement stops at its first error");
    Failure = AsmError{Col, std::move(Msg)};
    return false;
  }
  CoreState &core() { return Cores[CurCore]; }
  Memory &dataMemory() { return Sec == SectionKind::Dram ? Dram : core().Sram; }

  // Expressions.
  const Symbol *lookup(const std::string &Name, uint32_t Core) {
    auto C = Cores.find(Core);
    if (C != Cores.end()) {
      auto It = C->second.Labels.find(Name);
      if (It != C->second.Labels.end())
        return &It->second;
    }
    auto G = GlobalLabels.find(Name);
    return G == GlobalLabels.end() ? nullptr : &G->second;
  }
  // Parsing functions return false after fail().
  bool parseExpr(const std::vector<Token> &T, size_t &P, uint32_t Core, int64_t &V,
                 bool AllowFloat = false, bool *IsFloat = nullptr, double *FloatOut = nullptr);
  bool parseTerm(const std::vector<Token> &T, size_t &P, uint32_t Core, int64_t &V);
  bool expect(const std::vector<Token> &T, size_t &P, const char *Punct) {
    if (T[P].K != Token::Punct || T[P].Text != Punct)
      return fail(T[P].Col, std::string("expected '") + Punct + "'");
    ++P;
    return true;
  }
  bool expectEnd(const std::vector<Token> &T, size_t P) {
    if (T[P].K != Token::End)
      return fail(T[P].Col, "unexpected '" + T[P].Text + "' at end of line");
    return true;
  }
  bool constExpr(const std::vector<Token> &T, size_t &P, int64_t &V) {
    return parseExpr(T, P, CurCore, V);
  }

  // Pass 1.
  bool parseLine(const Line &L);
  bool directive(const Line &L, size_t P);
  bool dataDirective(const Line &L, size_t P);
  bool defineLabel(const Line &L, const Token &T);
  /// Reserves Size zero bytes at M's location (pass 2 fills them in).
  bool emitData(Memory &M, uint64_t Size, const Line &L, unsigned Col);
  void closeRun(Memory &M) { M.OpenRun = false; }
  // Pass 2.
  bool encodeInst(Statement &S);
  bool emitDataStatement(Statement &S);
  bool parseTensor(const Line &L, size_t P, d1x::Tensor &Ten);
};

bool Assembler::parseTerm(const std::vector<Token> &T, size_t &P, uint32_t Core, int64_t &V) {
  const Token &Tok = T[P];
  if (Tok.K == Token::Punct && Tok.Text == "-") {
    // A run of minus signs in a loop, not by recursion (a hostile line holds
    // millions). Two's complement wrap-around: -INT64_MIN is INT64_MIN, as
    // in the 64-bit arithmetic everywhere else.
    bool Negate = false;
    while (T[P].K == Token::Punct && T[P].Text == "-") {
      Negate = !Negate;
      ++P;
    }
    if (!parseTerm(T, P, Core, V))
      return false;
    V = int64_t(Negate ? 0 - uint64_t(V) : uint64_t(V));
    return true;
  }
  if (Tok.K == Token::Int) {
    ++P;
    V = Tok.IntVal;
    return true;
  }
  if (Tok.K == Token::Punct && Tok.Text == "%") {
    if (++FunctionDepth > MaxFunctionDepth)
      return fail(Tok.Col,
                  "functions nested more than " + std::to_string(MaxFunctionDepth) + " deep");
    struct Leave {
      unsigned &D;
      ~Leave() { --D; }
    } LeaveFunction{FunctionDepth};
    ++P;
    if (T[P].K != Token::Ident)
      return fail(T[P].Col, "expected a function name after '%'");
    std::string Fn = T[P++].Text;
    if (!expect(T, P, "("))
      return false;
    if (Fn == "f32" || Fn == "bf16") {
      bool Neg = false;
      if (T[P].K == Token::Punct && T[P].Text == "-") {
        Neg = true;
        ++P;
      }
      double D;
      if (T[P].K == Token::Float)
        D = T[P].FloatVal;
      else if (T[P].K == Token::Int)
        D = double(T[P].IntVal);
      else if (T[P].K == Token::Ident && (T[P].Text == "inf" || T[P].Text == "nan"))
        D = T[P].Text == "inf" ? INFINITY : NAN;
      else
        return fail(T[P].Col, "expected a number");
      ++P;
      float F = float(Neg ? -D : D);
      V = Fn == "f32" ? int64_t(int32_t(f32Bits(F))) : int64_t(f32ToBf16RNE(F));
    } else if (Fn == "hi" || Fn == "lo") {
      int64_t E;
      if (!parseExpr(T, P, Core, E))
        return false;
      V = Fn == "hi" ? int64_t(int32_t(uint64_t(E) >> 32)) : int64_t(int32_t(uint32_t(E)));
    } else {
      return fail(T[P - 2].Col, "unknown function '%" + Fn + "' (use %f32, %bf16, %hi, %lo)");
    }
    return expect(T, P, ")");
  }
  if (Tok.K == Token::Ident) {
    const Symbol *S = lookup(Tok.Text, Core);
    if (!S)
      return fail(Tok.Col, "undefined symbol '" + Tok.Text + "'");
    ++P;
    V = S->Value;
    return true;
  }
  if (Tok.K == Token::Float)
    return fail(Tok.Col, "a float here needs %f32(...)");
  return fail(Tok.Col, Tok.K == Token::End ? "expected an operand"
                                           : "expected an expression, got '" + Tok.Text + "'");
}

bool Assembler::parseExpr(const std::vector<Token> &T, size_t &P, uint32_t Core, int64_t &V,
                          bool AllowFloat, bool *IsFloat, double *FloatOut) {
  if (AllowFloat) {
    size_t Q = P;
    bool Neg = false;
    if (T[Q].K == Token::Punct && T[Q].Text == "-") {
      Neg = true;
      ++Q;
    }
    if (T[Q].K == Token::Float ||
        (T[Q].K == Token::Ident && (T[Q].Text == "inf" || T[Q].Text == "nan"))) {
      double D = T[Q].K == Token::Float ? T[Q].FloatVal : T[Q].Text == "inf" ? INFINITY : NAN;
      P = Q + 1;
      *IsFloat = true;
      *FloatOut = Neg ? -D : D;
      V = 0;
      return true;
    }
  }
  if (!parseTerm(T, P, Core, V))
    return false;
  while (T[P].K == Token::Punct && (T[P].Text == "+" || T[P].Text == "-")) {
    bool Plus = T[P++].Text == "+";
    int64_t R;
    if (!parseTerm(T, P, Core, R))
      return false;
    V = int64_t(Plus ? uint64_t(V) + uint64_t(R) : uint64_t(V) - uint64_t(R));
  }
  if (IsFloat)
    *IsFloat = false;
  return true;
}

bool Assembler::defineLabel(const Line &L, const Token &T) {
  Symbol S;
  auto &Table = Sec == SectionKind::Dram ? GlobalLabels : core().Labels;
  switch (Sec) {
  case SectionKind::Text:
    S.Value = int64_t(core().Code.size());
    S.Kind = d1x::Symbol::CODE;
    break;
  case SectionKind::Data:
    S.Value = int64_t(core().Sram.Loc);
    S.Kind = d1x::Symbol::SRAM_DATA;
    break;
  case SectionKind::Dram:
    S.Value = int64_t(Dram.Loc);
    S.Kind = d1x::Symbol::DRAM_DATA;
    break;
  }
  if (Table.count(T.Text))
    return fail(T.Col, "symbol '" + T.Text + "' is already defined");
  Table[T.Text] = S;
  return true;
}

bool Assembler::emitData(Memory &M, uint64_t Size, const Line &L, unsigned Col) {
  if (Size == 0)
    return true;
  uint64_t Cap = &M == &Dram ? uint64_t(Machine[MachineParamId::dram_bytes])
                             : uint64_t(Machine[MachineParamId::sram_bytes]);
  // Checked before anything is allocated, and without overflow.
  if (M.Loc > Cap || Size > Cap - M.Loc)
    return fail(Col, std::to_string(Size) + " bytes of data at " + std::to_string(M.Loc) +
                         " exceed " + (&M == &Dram ? "DRAM" : "SRAM") + " (" + std::to_string(Cap) +
                         " bytes)");
  // The run that starts last below the new bytes' end is the only one that
  // can overlap them (runs never overlap one another); the open run ends
  // where the new bytes begin.
  auto Next = M.RunAt.lower_bound(M.Loc + Size);
  if (Next != M.RunAt.begin()) {
    const Run &R = M.Runs[std::prev(Next)->second];
    if (R.Start + R.Bytes.size() > M.Loc)
      return fail(Col, "data at " + std::to_string(M.Loc) + " overlaps earlier data");
  }
  if (!M.OpenRun) {
    Run R;
    R.Start = M.Loc;
    R.Name = M.NextName;
    M.NextName.clear();
    M.RunAt[R.Start] = M.Runs.size();
    M.Runs.push_back(R);
    M.OpenRun = true;
  }
  M.Runs.back().Bytes.append(size_t(Size), '\0');
  M.Loc += Size;
  M.HighWater = std::max(M.HighWater, M.Loc);
  return true;
}

bool Assembler::parseTensor(const Line &L, size_t P, d1x::Tensor &Ten) {
  const auto &T = L.Toks;
  if (T[P].K != Token::Ident && T[P].K != Token::Str)
    return fail(T[P].Col, "expected a tensor name");
  Ten.set_name(T[P++].Text);
  if (!expect(T, P, ","))
    return false;
  if (T[P].K != Token::Ident || parseDType(T[P].Text) == d1x::DTYPE_UNDEFINED)
    return fail(T[P].Col, "expected a dtype (f32, bf16, i32, ...)");
  Ten.set_dtype(parseDType(T[P++].Text));
  if (!expect(T, P, ","))
    return false;
  // Shape: `scalar`, an integer, or dims joined by 'x' (lexed as 4x16 ident
  // after an integer, e.g. "4" "x16").
  std::string Shape;
  unsigned ShapeCol = T[P].Col;
  while (T[P].K == Token::Int || T[P].K == Token::Ident) {
    Shape += T[P].Text;
    ++P;
    if (T[P].K == Token::Punct)
      break;
  }
  if (Shape != "scalar") {
    std::stringstream SS(Shape);
    std::string Dim;
    if (Shape.empty())
      return fail(ShapeCol, "expected a shape such as 4x16 or scalar");
    while (std::getline(SS, Dim, 'x')) {
      char *End = nullptr;
      long long D = std::strtoll(Dim.c_str(), &End, 10);
      if (Dim.empty() || *End || D < 0)
        return fail(ShapeCol, "bad shape '" + Shape + "'");
      Ten.add_shape(D);
    }
  }
  if (!expect(T, P, ","))
    return false;
  if (T[P].K != Token::Ident || (T[P].Text != "dram" && T[P].Text != "sram"))
    return fail(T[P].Col, "expected dram or sram");
  Ten.set_space(T[P].Text == "dram" ? d1x::DRAM : d1x::SRAM);
  ++P;
  if (Ten.space() == d1x::SRAM)
    Ten.set_core(CurCore);
  if (!expect(T, P, ","))
    return false;
  int64_t Address;
  if (!parseExpr(T, P, CurCore, Address))
    return false;
  Ten.set_address(uint64_t(Address));
  return expectEnd(T, P);
}

bool Assembler::dataDirective(const Line &L, size_t P) {
  const auto &T = L.Toks;
  const Token &D = T[P++];
  const std::string &Name = D.Text;
  if (Sec == SectionKind::Text)
    return fail(D.Col, Name + " is not allowed in .text (use .data or .dram)");
  if (Name == ".org" || Name == ".align" || Name == ".space" || Name == ".zero") {
    int64_t V;
    if (!constExpr(T, P, V) || !expectEnd(T, P))
      return false;
    Memory &M = dataMemory();
    if (V < 0)
      return fail(T[1].Col, Name + " needs a non-negative value");
    uint64_t Target = M.Loc;
    if (Name == ".org")
      Target = uint64_t(V);
    else if (Name == ".align") {
      if (V == 0 || (V & (V - 1)))
        return fail(T[1].Col, ".align needs a power of two");
      Target = (M.Loc + uint64_t(V) - 1) / uint64_t(V) * uint64_t(V);
    } else if (Name == ".space")
      Target = M.Loc + uint64_t(V);
    if (Name == ".zero")
      return emitData(M, uint64_t(V), L, D.Col);
    if (Target != M.Loc) {
      closeRun(M);
      M.Loc = Target;
    }
    M.HighWater = std::max(M.HighWater, M.Loc);
    return true;
  }
  if (Name == ".segment") {
    if (T[P].K != Token::Str)
      return fail(T[P].Col, "expected a segment name string");
    Memory &M = dataMemory();
    closeRun(M);
    M.NextName = T[P++].Text;
    return expectEnd(T, P);
  }
  // .byte, .half, .word, .dword, .float, .bf16
  unsigned Size = Name == ".byte"                       ? 1
                  : Name == ".half" || Name == ".bf16"  ? 2
                  : Name == ".word" || Name == ".float" ? 4
                                                        : 8;
  // Count the values now; evaluate them in pass 2 (labels may be later).
  size_t Count = 0;
  int Depth = 0;
  for (size_t Q = P; T[Q].K != Token::End; ++Q) {
    if (T[Q].K == Token::Punct && T[Q].Text == "(")
      ++Depth;
    if (T[Q].K == Token::Punct && T[Q].Text == ")")
      --Depth;
    if (T[Q].K == Token::Punct && T[Q].Text == "," && Depth == 0)
      ++Count;
  }
  if (T[P].K == Token::End)
    return fail(D.Col, Name + " needs at least one value");
  ++Count;
  Memory &M = dataMemory();
  uint64_t Addr = M.Loc;
  if (!emitData(M, uint64_t(Count) * Size, L, D.Col))
    return false;
  Stmts.push_back({&L, P - 1, Sec, CurCore, Addr});
  return true;
}

bool Assembler::directive(const Line &L, size_t P) {
  const auto &T = L.Toks;
  const Token &D = T[P++];
  const std::string &Name = D.Text;
  if (Name == ".org" || Name == ".align" || Name == ".space" || Name == ".zero" ||
      Name == ".segment" || Name == ".byte" || Name == ".half" || Name == ".word" ||
      Name == ".dword" || Name == ".float" || Name == ".bf16")
    return dataDirective(L, P - 1);
  if (Name == ".core") {
    unsigned Col = T[P].Col;
    int64_t N;
    if (!constExpr(T, P, N) || !expectEnd(T, P))
      return false;
    if (N < 0 || uint64_t(N) >= Machine.numCores())
      return fail(Col, "core " + std::to_string(N) + " is outside the " +
                           std::to_string(Machine.numCores()) + "-core mesh");
    CurCore = uint32_t(N);
    Cores[CurCore];
    Sec = SectionKind::Text;
  } else if (Name == ".text" || Name == ".data" || Name == ".dram") {
    if (!expectEnd(T, P))
      return false;
    Sec = Name == ".text"   ? SectionKind::Text
          : Name == ".data" ? SectionKind::Data
                            : SectionKind::Dram;
    if (Sec != SectionKind::Dram)
      Cores[CurCore];
  } else if (Name == ".machine") {
    if (T[P].K != Token::Ident)
      return fail(T[P].Col, "expected a machine parameter name");
    std::string Param = T[P++].Text;
    int64_t V;
    if (!expect(T, P, ",") || !constExpr(T, P, V) || !expectEnd(T, P))
      return false;
    if (!Cores.empty() || !Dram.Runs.empty())
      return fail(D.Col, ".machine must come before any code or data");
    std::string Err = Machine.set(Param, V);
    if (!Err.empty())
      return fail(T[1].Col, Err);
  } else if (Name == ".dram_size") {
    int64_t V;
    if (!constExpr(T, P, V))
      return false;
    DramSizeDirective = uint64_t(V);
    return expectEnd(T, P);
  } else if (Name == ".producer") {
    if (T[P].K != Token::Str)
      return fail(T[P].Col, "expected a string");
    Producer = T[P++].Text;
    return expectEnd(T, P);
  } else if (Name == ".input" || Name == ".output") {
    TensorDirectives.push_back({&L, P - 1});
    Stmts.push_back({&L, P - 1, Sec, CurCore, 0});
  } else if (Name == ".sym") {
    if (T[P].K != Token::Ident)
      return fail(T[P].Col, "expected a symbol name");
    Token NameTok = T[P++];
    if (!expect(T, P, ","))
      return false;
    std::string Kind = T[P].Text;
    if (T[P].K != Token::Ident || (Kind != "code" && Kind != "sram" && Kind != "dram"))
      return fail(T[P].Col, "expected code, sram or dram");
    ++P;
    Symbol S;
    if (!expect(T, P, ",") || !constExpr(T, P, S.Value) || !expectEnd(T, P))
      return false;
    S.Kind = Kind == "code"   ? d1x::Symbol::CODE
             : Kind == "sram" ? d1x::Symbol::SRAM_DATA
                              : d1x::Symbol::DRAM_DATA;
    auto &Table = S.Kind == d1x::Symbol::DRAM_DATA ? GlobalLabels : core().Labels;
    if (Table.count(NameTok.Text))
      return fail(NameTok.Col, "symbol '" + NameTok.Text + "' is already defined");
    Table[NameTok.Text] = S;
  } else if (Name == ".loc") {
    if (T[P].K != Token::Str)
      return fail(T[P].Col, "expected a file name string");
    std::string F = T[P++].Text;
    int64_t Ln, Col;
    if (!constExpr(T, P, Ln) || !constExpr(T, P, Col))
      return false;
    unsigned NameIdx = 0;
    if (T[P].K == Token::Str) {
      auto It = std::find(DebugNames.begin(), DebugNames.end(), T[P].Text);
      NameIdx = unsigned(It - DebugNames.begin());
      if (It == DebugNames.end())
        DebugNames.push_back(T[P].Text);
      ++P;
    }
    if (!expectEnd(T, P))
      return false;
    unsigned Idx = 0;
    if (!F.empty()) {
      auto It = std::find(DebugFiles.begin(), DebugFiles.end(), F);
      Idx = unsigned(It - DebugFiles.begin());
      if (It == DebugFiles.end())
        DebugFiles.push_back(F);
    }
    PendingLoc.set_file(Idx);
    PendingLoc.set_line(uint32_t(Ln));
    PendingLoc.set_col(uint32_t(Col));
    PendingLoc.set_name(NameIdx);
    HavePendingLoc = true;
  } else if (Name == ".nodebug") {
    if (!expectEnd(T, P))
      return false;
    Debug = false;
  } else {
    return fail(D.Col, "unknown directive '" + Name + "'");
  }
  return true;
}

bool Assembler::parseLine(const Line &L) {
  const auto &T = L.Toks;
  size_t P = 0;
  while (T[P].K == Token::Ident && T[P + 1].K == Token::Punct && T[P + 1].Text == ":") {
    if (!defineLabel(L, T[P]))
      return false;
    P += 2;
  }
  if (T[P].K == Token::End)
    return true;
  if (T[P].K != Token::Ident)
    return fail(T[P].Col, "expected an instruction or directive");
  if (T[P].Text[0] == '.')
    return directive(L, P);
  const InstInfo *Info = instByMnemonic(T[P].Text);
  if (!Info)
    return fail(T[P].Col, "unknown instruction '" + T[P].Text + "'");
  if (Sec != SectionKind::Text)
    return fail(T[P].Col, "instruction outside .text");
  CoreState &C = core();
  Statement S{&L, P + 1, Sec, CurCore, C.Code.size(), Info};
  if (HavePendingLoc) {
    S.Loc = PendingLoc;
    HavePendingLoc = false;
  } else {
    auto It = std::find(DebugFiles.begin(), DebugFiles.end(), File);
    S.Loc.set_file(unsigned(It - DebugFiles.begin()));
    if (It == DebugFiles.end())
      DebugFiles.push_back(File);
    S.Loc.set_line(L.No);
    S.Loc.set_col(T[P].Col);
  }
  C.Code.push_back(0);
  C.Locs.push_back(S.Loc);
  Stmts.push_back(S);
  return true;
}

bool Assembler::encodeInst(Statement &S) {
  const auto &T = S.L->Toks;
  const InstInfo &Info = *S.Info;
  Inst I;
  I.Op = Info.Op;
  size_t P = S.Pos;
  for (const char *Pat = Info.AsmString; *Pat;) {
    if (*Pat == ' ') {
      ++Pat;
      continue;
    }
    if (*Pat != '$') {
      // `$imm(` with the immediate left out means 0.
      if (!expect(T, P, std::string(1, *Pat).c_str()))
        return false;
      ++Pat;
      continue;
    }
    ++Pat;
    std::string FieldStr;
    while (std::isalnum((unsigned char)*Pat))
      FieldStr += *Pat++;
    const OperandInfo *Op = nullptr;
    for (unsigned K = 0; K < Info.NumOperands; ++K)
      if (FieldStr == fieldName(Info.Operands[K].F))
        Op = &Info.Operands[K];
    const OperandKindInfo &KI = operandKindInfo(Op->Kind);
    const Token &Tok = T[P];
    int64_t V;
    if (*KI.Prefix) {
      std::string Pre = KI.Prefix;
      bool Ok = Tok.K == Token::Ident && Tok.Text.size() > Pre.size() &&
                Tok.Text.compare(0, Pre.size(), Pre) == 0 &&
                std::all_of(Tok.Text.begin() + Pre.size(), Tok.Text.end(),
                            [](char C) { return std::isdigit((unsigned char)C); });
      if (!Ok)
        return fail(Tok.Col, std::string("expected ") + KI.Doc + ", got '" +
                                 (Tok.K == Token::End ? "end of line" : Tok.Text) + "'");
      V = std::strtoll(Tok.Text.c_str() + Pre.size(), nullptr, 10);
      ++P;
    } else if (Op->F == Field::imm && Tok.K == Token::Punct && Tok.Text == "(" && *Pat == '(') {
      V = 0;
    } else {
      if (!parseExpr(T, P, S.Core, V))
        return false;
      // A target is encoded relative to this instruction; one so far away
      // that the offset overflows is out of range like any other.
      if (Op->Kind == OperandKind::Target && __builtin_sub_overflow(V, int64_t(S.Addr), &V))
        return fail(Tok.Col, "branch target is out of range");
    }
    if (V < KI.Min || V > KI.Max ||
        (Op->Kind == OperandKind::Chunk && V != 4 && V != 8 && V != 16 && V != 32))
      return fail(Tok.Col, std::to_string(V) + " is out of range for " + KI.Doc + " (" +
                               std::to_string(KI.Min) + " to " + std::to_string(KI.Max) + ")");
    I.setField(Op->F, V);
  }
  if (!expectEnd(T, P))
    return false;
  Cores[S.Core].Code[S.Addr] = encode(I);
  return true;
}

bool Assembler::emitDataStatement(Statement &S) {
  const auto &T = S.L->Toks;
  size_t P = S.Pos;
  const std::string &Name = T[P++].Text;
  if (Name == ".input" || Name == ".output") {
    uint32_t Saved = CurCore;
    CurCore = S.Core;
    d1x::Tensor Ten;
    bool Ok = parseTensor(*S.L, P, Ten);
    CurCore = Saved;
    if (!Ok)
      return false;
    (Name == ".input" ? Inputs : Outputs).push_back(Ten);
    return true;
  }
  Memory &M = S.Sec == SectionKind::Dram ? Dram : Cores[S.Core].Sram;
  std::string Bytes;
  bool IsFloatDir = Name == ".float" || Name == ".bf16";
  for (;;) {
    bool IsFloat = false;
    double F = 0;
    unsigned Col = T[P].Col;
    int64_t V;
    if (!parseExpr(T, P, S.Core, V, IsFloatDir, &IsFloat, &F))
      return false;
    uint64_t Bits;
    unsigned Size;
    if (Name == ".float") {
      Bits = f32Bits(IsFloat ? float(F) : float(V));
      Size = 4;
    } else if (Name == ".bf16") {
      Bits = f32ToBf16RNE(IsFloat ? float(F) : float(V));
      Size = 2;
    } else {
      Size = Name == ".byte" ? 1 : Name == ".half" ? 2 : Name == ".word" ? 4 : 8;
      if (Size < 8) {
        int64_t Lo = -(int64_t(1) << (8 * Size - 1)), Hi = (int64_t(1) << (8 * Size)) - 1;
        if (V < Lo || V > Hi)
          return fail(Col, std::to_string(V) + " does not fit in " + Name);
      }
      Bits = uint64_t(V);
    }
    for (unsigned B = 0; B < Size; ++B)
      Bytes += char((Bits >> (8 * B)) & 0xff);
    if (T[P].K == Token::End)
      break;
    if (!expect(T, P, ","))
      return false;
  }
  // Patch the bytes reserved in pass 1.
  auto It = M.RunAt.upper_bound(S.Addr);
  if (It == M.RunAt.begin())
    return true;
  Run &R = M.Runs[std::prev(It)->second];
  if (S.Addr + Bytes.size() <= R.Start + R.Bytes.size())
    R.Bytes.replace(size_t(S.Addr - R.Start), Bytes.size(), Bytes);
  return true;
}

bool Assembler::run(const std::string &Source, D1XWriter &Out) {
  // Pass 1, lexing each line just before it is parsed. A file with
  // malformed tokens reports only those: once one is found, the rest of the
  // file is only lexed.
  bool LexFailed = false;
  unsigned No = 1;
  for (size_t Start = 0; Start < Source.size() && !tooManyErrors(); ++No) {
    size_t End = Source.find('\n', Start);
    if (End == std::string::npos)
      End = Source.size();
    Line &L = Lines.emplace_back();
    L.No = No;
    L.Text = std::string_view(Source).substr(Start, End - Start);
    Start = End + 1;
    std::string Err;
    unsigned Col = 0;
    if (!lex(L, Err, Col)) {
      if (!LexFailed)
        Diags.clear(); // the parse errors of the lines before
      LexFailed = true;
      Diags.push_back({File, No, Col, Err});
    } else if (!LexFailed && !parseLine(L)) {
      error(L, Failure->Col, Failure->Msg);
      Failure.reset();
    }
    release(L);
  }
  auto TooMany = [&] {
    Diags.push_back({File, Diags.back().Line, 1,
                     "too many errors; stopping after " + std::to_string(MaxErrors)});
    return false;
  };
  if (LexFailed)
    return tooManyErrors() ? TooMany() : false;
  // Operands are checked even after errors above, so that one run reports
  // every error in the file; at most one per line, in line order.
  for (Statement &S : Stmts) {
    if (tooManyErrors())
      break;
    lex(*S.L);
    if (!(S.Info ? encodeInst(S) : emitDataStatement(S))) {
      if (!LinesWithErrors.count(S.L->No))
        error(*S.L, Failure->Col, Failure->Msg);
      Failure.reset();
    }
    release(*S.L);
  }
  std::stable_sort(Diags.begin(), Diags.end(),
                   [](const AsmDiagnostic &A, const AsmDiagnostic &B) { return A.Line < B.Line; });
  if (tooManyErrors())
    return TooMany();
  if (!Diags.empty())
    return false;
  if (std::none_of(Cores.begin(), Cores.end(),
                   [](const auto &C) { return !C.second.Code.empty(); })) {
    Diags.push_back({File, 1, 1, "no code: the program needs at least one instruction"});
    return false;
  }

  d1x::Header &H = Out.Header;
  H.set_producer(Producer);
  machineToHeader(Machine, H);
  uint64_t DramSize = std::max(DramSizeDirective, Dram.HighWater);
  H.set_dram_size(DramSize);
  auto AddSymbols = [](const std::map<std::string, Symbol> &Table,
                       google::protobuf::RepeatedPtrField<d1x::Symbol> *Dst) {
    for (const auto &[Name, S] : Table) {
      if (Name.compare(0, 2, ".L") == 0)
        continue; // local labels stay out of the binary
      d1x::Symbol *Sym = Dst->Add();
      Sym->set_name(Name);
      Sym->set_value(uint64_t(S.Value));
      Sym->set_kind(S.Kind);
    }
  };
  for (auto &[Id, C] : Cores) {
    for (Run &R : C.Sram.Runs)
      Out.addSegment(d1x::SRAM, Id, R.Start, R.Bytes,
                     R.Name.empty() ? "core" + std::to_string(Id) + ".data" : R.Name);
    if (C.Code.empty())
      continue; // a core with data only
    d1x::Core &Core = Out.addCore(Id, C.Code);
    if (Debug) {
      d1x::DebugInfo Info;
      for (const std::string &F : DebugFiles)
        Info.add_files(F);
      for (const std::string &N : DebugNames)
        Info.add_names(N);
      for (const auto &L : C.Locs)
        *Info.add_locs() = L;
      makeStringsUtf8(Info);
      Core.set_debug(Info.SerializeAsString());
    }
    AddSymbols(C.Labels, Core.mutable_symbols());
  }
  AddSymbols(GlobalLabels, H.mutable_symbols());
  for (Run &R : Dram.Runs)
    Out.addSegment(d1x::DRAM, 0, R.Start, R.Bytes, R.Name.empty() ? "dram" : R.Name);
  for (auto &T : Inputs)
    *H.add_inputs() = T;
  for (auto &T : Outputs)
    *H.add_outputs() = T;
  // Check the result the way every reader will.
  std::string Err;
  if (!D1XFile::fromBuffer(Out.serialize(), File, Err)) {
    Diags.push_back({File, 1, 1, Err});
    return false;
  }
  return true;
}

} // namespace

bool d1::assemble(const std::string &Source, const std::string &FileName,
                  const MachineDesc &Machine, D1XWriter &Out, std::vector<AsmDiagnostic> &Diags) {
  Assembler A(FileName, Machine, Diags);
  return A.run(Source, Out);
}
