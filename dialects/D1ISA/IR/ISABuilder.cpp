//===- ISABuilder.cpp - Build and read d1isa ops from the ISA tables -------===//
#include "dialects/D1ISA/IR/ISABuilder.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/ErrorHandling.h"

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
  auto Inst = dyn_cast<d1isa::InstOpInterface>(Op);
  return Inst ? &instInfo(Inst.getOpcode()) : nullptr;
}

std::optional<int64_t> d1::constantOf(Value V) {
  if (auto Li = V ? V.getDefiningOp<d1isa::LIOp>() : nullptr)
    return Li.getImm();
  return std::nullopt;
}

Value ISABuilder::build(Opcode Op, ValueRange Regs, ArrayRef<int64_t> Imms) {
  const InstInfo *Info = &instInfo(Op);
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
      if (O.IsDef)
        State.addTypes(RegType(O.Kind));
      if (!O.IsDef || Info->TiedDest)
        State.addOperands(R < Regs.size() ? Regs[R] : Value());
      R += !O.IsDef || Info->TiedDest;
      continue;
    }
    Type AT = O.Kind == OperandKind::Sem ? Type(B.getI32Type()) : Type(B.getI64Type());
    State.addAttribute(fieldName(O.F), B.getIntegerAttr(AT, I < Imms.size() ? Imms[I] : 0));
    ++I;
  }
  if (R != Regs.size() || I != Imms.size())
    llvm::report_fatal_error(llvm::Twine("internal error: ") + Info->Mnemonic + " built with " +
                             llvm::Twine(Regs.size()) + " registers and " +
                             llvm::Twine(Imms.size()) + " immediates");
  Operation *Created = B.create(State);
  return Created->getNumResults() ? Created->getResult(0) : Value();
}

Value ISABuilder::constant(int64_t V) {
  if (V >= INT32_MIN && V <= INT32_MAX)
    return li(V);
  return lih({li(int64_t(int32_t(uint32_t(V)))), int64_t(int32_t(uint64_t(V) >> 32))});
}
