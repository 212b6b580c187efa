//===- ISABuilder.cpp - Build and read d1isa ops from the ISA tables -------===//
#include "dialects/D1ISA/IR/ISABuilder.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace d1;

static bool isRegister(OperandKind K) {
  return K == OperandKind::XReg || K == OperandKind::VReg || K == OperandKind::Acc;
}

std::string d1::isaOpName(const InstInfo &Info) {
  std::string N = "d1isa.";
  for (const char *P = Info.Mnemonic; *P; ++P)
    N += *P == '.' ? '_' : *P;
  return N;
}

const InstInfo *d1::instOf(Operation *Op) {
  StringRef Name = Op->getName().getStringRef();
  if (!Name.consume_front("d1isa."))
    return nullptr;
  std::string M = Name.str();
  for (char &C : M)
    if (C == '_')
      C = '.';
  return instByMnemonic(M);
}

Value ISABuilder::emit(StringRef Mnemonic, ValueRange Regs, ArrayRef<int64_t> Imms) {
  const InstInfo *Info = instByMnemonic(Mnemonic.str());
  assert(Info && "unknown mnemonic");
  OperationState State(Loc, isaOpName(*Info));
  MLIRContext *Ctx = B.getContext();
  size_t R = 0, I = 0;
  auto RegType = [&](OperandKind K) -> Type {
    if (K == OperandKind::XReg)
      return IndexType::get(Ctx);
    if (K == OperandKind::VReg)
      return d1isa::VRegType::get(Ctx);
    return d1isa::AccType::get(Ctx);
  };
  for (unsigned K = 0; K < Info->NumOperands; ++K) {
    const OperandInfo &O = Info->Operands[K];
    if (isRegister(O.Kind)) {
      if (O.IsDef) {
        State.addTypes(RegType(O.Kind));
        if (Info->TiedDest)
          State.addOperands(Regs[R++]);
      } else {
        State.addOperands(Regs[R++]);
      }
      continue;
    }
    Type AT = O.Kind == OperandKind::Sem ? Type(B.getI32Type()) : Type(B.getI64Type());
    State.addAttribute(fieldName(O.F), B.getIntegerAttr(AT, Imms[I++]));
  }
  assert(R == Regs.size() && I == Imms.size() && "operand count mismatch");
  Operation *Op = B.create(State);
  return Op->getNumResults() ? Op->getResult(0) : Value();
}

Value ISABuilder::li(int64_t V) {
  if (V >= INT32_MIN && V <= INT32_MAX)
    return emit("li", {}, {V});
  Value Lo = emit("li", {}, {int64_t(int32_t(uint32_t(V)))});
  return emit("lih", {Lo}, {int64_t(int32_t(uint64_t(V) >> 32))});
}
