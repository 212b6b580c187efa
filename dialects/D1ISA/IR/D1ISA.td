//===- D1ISA.td - The ISA dialect: one op per D1 instruction -*- tablegen -*-===//
//
// The ops are not written here: d1-tblgen -gen-isa-ops derives them from
// include/d1/Target/ISA.td (build/include/d1/Target/ISAOps.td), so the
// dialect, the assembler and the emulator can never disagree on an
// instruction. Registers are SSA values of the types below until register
// allocation; immediates, semaphores and lanes are attributes.
//
//===----------------------------------------------------------------------===//
#ifndef D1_DIALECTS_ISA_TD
#define D1_DIALECTS_ISA_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def D1ISA_Dialect : Dialect {
  let name = "d1isa";
  let cppNamespace = "::d1::d1isa";
  let dependentDialects = ["mlir::scf::SCFDialect"];
  let summary = "One operation per D1 instruction";
  let description = [{
    The lowest level of d1c: each op is one instruction of the D1 ISA
    (docs/isa.md), derived from its single description. Instruction
    scheduling and register allocation run here, and the translation to
    .d1x starts here. Scalar registers are `index` values; loops stay
    `scf.for` until emission turns them into branches.
  }];
  let useDefaultTypePrinterParser = 1;
}

class D1ISA_Type<string name, string typeMnemonic, string doc>
    : TypeDef<D1ISA_Dialect, name> {
  let mnemonic = typeMnemonic;
  let summary = doc;
}
def D1ISA_VRegType : D1ISA_Type<"VReg", "v", "a 64-byte vector register">;
def D1ISA_AccType : D1ISA_Type<"Acc", "acc", "an 8x8 fp32 matrix accumulator">;

class D1ISA_InstOp<string mnemonic, int opcode, list<Trait> traits = []>
    : Op<D1ISA_Dialect, mnemonic, traits> {
  int Opcode = opcode;
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

include "d1/Target/ISAOps.td"

#endif
