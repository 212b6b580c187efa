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

    `d1isa-allocate-registers` records the physical registers in two
    discardable attributes this dialect declares and verifies:

    | attribute | on | holds |
    |---|---|---|
    | `d1isa.reg` | an instruction op with a result | its result's register: 1 to 31 for `index` (x0 is `d1isa.x0`), 0 to 31 for `!d1isa.v`, 0 to 3 for `!d1isa.acc` |
    | `d1isa.regs` | `scf.for` | `array<i64: iv, arg0, ...>`: the registers of the induction variable and of each iteration argument (the loop's results stay in them) |

    After allocation every register operand is the result of an op with a
    `d1isa.reg`, `d1isa.x0`, or a loop's induction variable, iteration
    argument or result; the translation to .d1x reads nothing else. Any
    other `d1isa.*` attribute is an error.
  }];
  let useDefaultTypePrinterParser = 1;
  let hasOperationAttrVerify = 1;
}

class D1ISA_Type<string name, string typeMnemonic, string doc>
    : TypeDef<D1ISA_Dialect, name> {
  let mnemonic = typeMnemonic;
  let summary = doc;
}
def D1ISA_VRegType : D1ISA_Type<"VReg", "v", "a 64-byte vector register">;
def D1ISA_AccType : D1ISA_Type<"Acc", "acc", "an 8x8 fp32 matrix accumulator">;

// The state behind ISA.td's Effects. Sync instructions (DMA, semaphores,
// barrier, fence, halt) and branches declare no effects interface: to MLIR
// they may do anything, so nothing moves or removes them.
def D1ISA_SRAM : Resource<"::d1::d1isa::SRAMResource">;
def D1ISA_CycleCounter : Resource<"::d1::d1isa::CycleCounterResource">;
def D1ISA_Generator : Resource<"::d1::d1isa::GeneratorResource">;

def D1ISA_InstOpInterface : OpInterface<"InstOpInterface"> {
  let cppNamespace = "::d1::d1isa";
  let description = [{
    An op that is one D1 instruction: its opcode, whose tables (ISA.td:
    `d1::instInfo`) give its operands, issue units, latency and effects.
    The scheduler, the register allocator and the encoder read an op's
    instruction through it.
  }];
  let methods = [
    StaticInterfaceMethod<"The instruction's opcode.", "::d1::Opcode", "getOpcode">,
  ];
}

class D1ISA_InstOp<string mnemonic, int opcode, list<Trait> traits = []>
    : Op<D1ISA_Dialect, mnemonic, !listconcat(traits, [D1ISA_InstOpInterface])> {
  int Opcode = opcode;
  let extraClassDeclaration =
      "static ::d1::Opcode getOpcode() { return ::d1::Opcode(" # opcode # "); }";
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def D1ISA_X0Op : Op<D1ISA_Dialect, "x0", [Pure]> {
  let summary = "The zero register x0: reads as 0, emits no instruction";
  let description = [{
    The scalar register that always reads as zero, as an SSA value: the base
    address of the spill code `d1isa-allocate-registers` writes
    (`d1isa.ld %zero {imm = SLOT}` reads SRAM byte SLOT). Not an
    instruction; the translation to .d1x gives its uses register 0.
  }];
  let results = (outs Index:$result);
  let assemblyFormat = "attr-dict";
}

include "d1/Target/ISAOps.td"

#endif
