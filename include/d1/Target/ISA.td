//===- ISA.td - The D1 instruction set, defined once ---------*- tablegen -*-===//
//
// One record per instruction: opcode, operands, assembly syntax, issue
// resources, latency, semantics (C++ executed by the emulator) and the text of
// its documentation. d1-tblgen derives from these records the encoder/decoder
// tables, the assembler and disassembler operand tables, the emulator's
// dispatch, the latency/port table, docs/isa.md's instruction tables and the
// ISA dialect's op definitions. Nothing else lists instructions.
//
// Encoding (every instruction is one little-endian 64-bit word):
//   [7:0] opcode  [12:8] rd  [17:13] rs1  [22:18] rs2  [27:23] rs3
//   [31:28] zero  [63:32] imm (signed 32-bit)
// A field an instruction does not use must be zero.
//
//===----------------------------------------------------------------------===//

include "Machine.td"

//===----------------------------------------------------------------------===//
// Operand kinds
//===----------------------------------------------------------------------===//

class OperandKind<string name, string prefix, int min, int max, bit inImm,
                  string doc> {
  string Name = name;        // C++ enumerator in d1::OperandKind
  string Prefix = prefix;    // assembly prefix for register-like kinds
  int Min = min;
  int Max = max;
  bit InImm = inImm;         // lives in the imm field (else a 5-bit field)
  string Doc = doc;
}

def XR  : OperandKind<"XReg", "x", 0, 31, 0, "scalar register x0-x31 (x0 reads 0, writes are discarded)">;
def VR  : OperandKind<"VReg", "v", 0, 31, 0, "64-byte vector register v0-v31">;
def AR  : OperandKind<"Acc", "acc", 0, 3, 0, "8x8 fp32 matrix accumulator acc0-acc3">;
def SR  : OperandKind<"Sem", "s", 0, 31, 0, "semaphore s0-s31 of a core">;
def I32 : OperandKind<"Imm", "", -2147483648, 2147483647, 1, "signed 32-bit immediate">;
def U6  : OperandKind<"ShAmt", "", 0, 63, 1, "shift amount 0-63">;
def U5  : OperandKind<"ShAmt32", "", 0, 31, 1, "lane shift amount 0-31">;
def LN  : OperandKind<"Lane", "", 0, 15, 1, "32-bit lane index 0-15">;
def RP  : OperandKind<"RowPair", "", 0, 3, 1, "accumulator row pair 0-3 (rows 2p and 2p+1)">;
def CH  : OperandKind<"Chunk", "", 4, 32, 1, "gather chunk size in bytes: 4, 8, 16 or 32">;
def CNT : OperandKind<"Count", "", 1, 65535, 1, "semaphore count 1-65535">;
def TGT : OperandKind<"Target", "", -2147483648, 2147483647, 1,
                      "branch target: a label, encoded as a signed instruction offset from this instruction">;

// Operand dags name the field each operand lives in.
def outs;
def ins;

//===----------------------------------------------------------------------===//
// Issue resources
//===----------------------------------------------------------------------===//

class Unit<string name, ParamRef cap, string doc> {
  string Name = name;
  ParamRef Cap = cap;
  string Doc = doc;
}
def ALU : Unit<"ALU", P_issue_alu, "scalar integer ALU slots">;
def AGU : Unit<"AGU", P_issue_agu, "address generation (every load and store)">;
def LDP : Unit<"LoadPort", P_port_load, "64-byte SRAM load ports">;
def STP : Unit<"StorePort", P_port_store, "64-byte SRAM store port">;
def VEC : Unit<"Vector", P_issue_vec, "64-byte SIMD unit">;
def MAT : Unit<"Matrix", P_issue_mat, "matrix unit">;
def CTL : Unit<"Control", P_issue_ctl, "branches, DMA, semaphores, barrier, fence">;

// `Slots` of `Unit` in the issue cycle; with an occupancy above 1 the unit
// takes no other instruction until issue + occupancy.
class Use<Unit unit, int slots = 1, int occ = 1, ParamRef occParam = NoParam> {
  Unit U = unit;
  int Slots = slots;
  int Occ = occ;
  ParamRef OccParam = occParam;
}

//===----------------------------------------------------------------------===//
// Effects
//===----------------------------------------------------------------------===//

// What an instruction does besides reading its source registers and writing
// its results, as the compiler sees it. The ISA dialect's ops declare the
// matching memory effects (no effect: Pure), the instruction scheduler keeps
// the order they imply, and the emulator ends a memoised block before a
// Sync instruction. d1-tblgen checks each list against the semantics (an
// instruction that touches SRAM, the cycle counter, the generator or
// another agent must say so) and against the issue resources (ReadsSRAM
// exactly when a load port is used, WritesSRAM exactly with the store port).
class Effect<string name, string doc> {
  string Name = name;
  string Doc = doc;
}
def ReadsSRAM : Effect<"ReadsSRAM", "reads the core's SRAM">;
def WritesSRAM : Effect<"WritesSRAM", "writes the core's SRAM">;
def ReadsCycle : Effect<"ReadsCycle", "reads the cycle counter">;
def ReadsRNG : Effect<"ReadsRNG", "draws from the core's stochastic-rounding generator">;
def WritesRNG : Effect<"WritesRNG", "advances or reseeds that generator">;
def Sync : Effect<"Sync", "may block, halt or reach other cores, DMA or DRAM: keeps its place in "
                          "the program (DMA, semaphores, barrier, fence, halt)">;

//===----------------------------------------------------------------------===//
// Instructions
//===----------------------------------------------------------------------===//

class Inst<int opcode, string mnemonic, string group, dag outs, dag ins,
           list<Use> uses, ParamRef lat, string summary, code sem> {
  int Opcode = opcode;
  string Mnemonic = mnemonic;
  string Group = group;
  dag Outs = outs;
  dag Ins = ins;
  // Empty: the operands in order, comma separated.
  string AsmString = "";
  list<Use> Uses = uses;
  ParamRef Latency = lat;   // of the results; NoParam when there are none
  string Summary = summary;
  code Semantics = sem;
  string Traps = "";
  // rd is both read and written (accumulate, insert, set-high).
  bit TiedDest = 0;
  // Changes control flow (the emulator applies the taken-branch latency).
  bit IsBranch = 0;
  // Multiply-accumulates performed, for the `macs` statistic.
  int Macs = 0;
  // Its effects beyond registers (above); empty for pure computation.
  list<Effect> Effects = [];
}

defvar NoLat = NoParam;

class Group<string name, string title, string doc> {
  string Name = name;
  string Title = title;
  string Doc = doc;
}
def G_scalar : Group<"scalar", "Scalar integer", "64-bit two's complement arithmetic on x registers.">;
def G_control : Group<"control", "Control flow", "Branch targets are instruction indices; offsets count instructions.">;
def G_memory : Group<"memory", "Scalar loads and stores", "Local SRAM only; naturally aligned; little-endian.">;
def G_vmemory : Group<"vmemory", "Vector loads and stores", "Local SRAM only; 4-byte aligned; 64-byte registers.">;
def G_vector : Group<"vector", "Vector arithmetic", "16 x fp32 or i32 lanes (lane i = bytes 4i..4i+3), IEEE-754 binary32, round to nearest even, denormals kept.">;
def G_convert : Group<"convert", "Conversions", "bf16 lane i = bytes 2i..2i+1. Stochastic rounding draws from the core's seeded generator.">;
def G_matrix : Group<"matrix", "Matrix unit", "Four 8x8 fp32 accumulators; MMA multiplies an 8x4 bf16 tile by a 4x8 bf16 tile.">;
def G_dma : Group<"dma", "DMA", "Asynchronous strided copies between local SRAM, DRAM and other cores' SRAM.">;
def G_sync : Group<"sync", "Synchronization", "Semaphores, the mesh-wide barrier and the DMA fence.">;

//===--- Scalar ----------------------------------------------------------===//

class ALU3<int op, string mn, string summary, code sem>
    : Inst<op, mn, "scalar", (outs XR:$rd), (ins XR:$rs1, XR:$rs2),
           [Use<ALU>], P_lat_alu, summary, sem>;
class ALUI<int op, string mn, OperandKind k, string summary, code sem>
    : Inst<op, mn, "scalar", (outs XR:$rd), (ins XR:$rs1, k:$imm),
           [Use<ALU>], P_lat_alu, summary, sem>;

def NOP  : Inst<0x00, "nop", "scalar", (outs), (ins), [], NoLat, "No operation.", [{}]>;
def ADD  : ALU3<0x01, "add", "rd = rs1 + rs2 (wrapping).", [{ X(rd) = X(rs1) + X(rs2); }]>;
def SUB  : ALU3<0x02, "sub", "rd = rs1 - rs2 (wrapping).", [{ X(rd) = X(rs1) - X(rs2); }]>;
def AND  : ALU3<0x03, "and", "rd = rs1 & rs2.", [{ X(rd) = X(rs1) & X(rs2); }]>;
def OR   : ALU3<0x04, "or", "rd = rs1 | rs2.", [{ X(rd) = X(rs1) | X(rs2); }]>;
def XOR  : ALU3<0x05, "xor", "rd = rs1 ^ rs2.", [{ X(rd) = X(rs1) ^ X(rs2); }]>;
def SLL  : ALU3<0x06, "sll", "rd = rs1 << (rs2 & 63).", [{ X(rd) = X(rs1) << (X(rs2) & 63); }]>;
def SRL  : ALU3<0x07, "srl", "rd = rs1 >> (rs2 & 63), logical.", [{ X(rd) = X(rs1) >> (X(rs2) & 63); }]>;
def SRA  : ALU3<0x08, "sra", "rd = rs1 >> (rs2 & 63), arithmetic.", [{ X(rd) = (uint64_t)(XS(rs1) >> (X(rs2) & 63)); }]>;
def SLT  : ALU3<0x09, "slt", "rd = (signed) rs1 < rs2 ? 1 : 0.", [{ X(rd) = XS(rs1) < XS(rs2); }]>;
def SLTU : ALU3<0x0A, "sltu", "rd = (unsigned) rs1 < rs2 ? 1 : 0.", [{ X(rd) = X(rs1) < X(rs2); }]>;
def MIN  : ALU3<0x0B, "min", "rd = signed minimum of rs1, rs2.", [{ X(rd) = XS(rs1) < XS(rs2) ? X(rs1) : X(rs2); }]>;
def MAX  : ALU3<0x0C, "max", "rd = signed maximum of rs1, rs2.", [{ X(rd) = XS(rs1) > XS(rs2) ? X(rs1) : X(rs2); }]>;
def CHKLTU : ALU3<0x0D, "chk.ltu",
                  "rd = rs1 if rs1 < rs2 as unsigned integers, else trap: a bounds check whose "
                  "result carries the checked index to its uses (a negative index is a huge "
                  "unsigned one).",
                  [{ if (D1_UNLIKELY(X(rs1) >= X(rs2)))
                       TRAP("index %lld is outside [0, %llu)", (long long)XS(rs1),
                            (unsigned long long)X(rs2));
                     X(rd) = X(rs1); }]> {
  let Traps = "rs1 >= rs2 as unsigned integers.";
}

def ADDI  : ALUI<0x10, "addi", I32, "rd = rs1 + imm.", [{ X(rd) = X(rs1) + (uint64_t)IMM; }]>;
def ANDI  : ALUI<0x11, "andi", I32, "rd = rs1 & imm (imm sign-extended).", [{ X(rd) = X(rs1) & (uint64_t)IMM; }]>;
def ORI   : ALUI<0x12, "ori", I32, "rd = rs1 | imm (imm sign-extended).", [{ X(rd) = X(rs1) | (uint64_t)IMM; }]>;
def XORI  : ALUI<0x13, "xori", I32, "rd = rs1 ^ imm (imm sign-extended).", [{ X(rd) = X(rs1) ^ (uint64_t)IMM; }]>;
def SLLI  : ALUI<0x14, "slli", U6, "rd = rs1 << imm.", [{ X(rd) = X(rs1) << IMM; }]>;
def SRLI  : ALUI<0x15, "srli", U6, "rd = rs1 >> imm, logical.", [{ X(rd) = X(rs1) >> IMM; }]>;
def SRAI  : ALUI<0x16, "srai", U6, "rd = rs1 >> imm, arithmetic.", [{ X(rd) = (uint64_t)(XS(rs1) >> IMM); }]>;
def SLTI  : ALUI<0x17, "slti", I32, "rd = (signed) rs1 < imm ? 1 : 0.", [{ X(rd) = XS(rs1) < IMM; }]>;
def SLTIU : ALUI<0x18, "sltiu", I32, "rd = (unsigned) rs1 < (uint64) sext(imm) ? 1 : 0.", [{ X(rd) = X(rs1) < (uint64_t)IMM; }]>;
def LI    : Inst<0x19, "li", "scalar", (outs XR:$rd), (ins I32:$imm), [Use<ALU>], P_lat_alu,
                 "rd = sign-extended imm.", [{ X(rd) = (uint64_t)IMM; }]>;
let TiedDest = 1 in
def LIH   : Inst<0x1A, "lih", "scalar", (outs XR:$rd), (ins I32:$imm), [Use<ALU>], P_lat_alu,
                 "rd = (imm << 32) | (rd & 0xffffffff): sets the upper half.",
                 [{ X(rd) = ((uint64_t)(uint32_t)IMM << 32) | (X(rd) & 0xffffffffull); }]>;

def MUL  : Inst<0x20, "mul", "scalar", (outs XR:$rd), (ins XR:$rs1, XR:$rs2), [Use<ALU>], P_lat_mul,
                "rd = low 64 bits of rs1 * rs2.", [{ X(rd) = X(rs1) * X(rs2); }]>;
def MULH : Inst<0x21, "mulh", "scalar", (outs XR:$rd), (ins XR:$rs1, XR:$rs2), [Use<ALU>], P_lat_mul,
                "rd = high 64 bits of the signed 128-bit product rs1 * rs2.",
                [{ X(rd) = (uint64_t)(((__int128)XS(rs1) * (__int128)XS(rs2)) >> 64); }]>;
class DIVOP<int op, string mn, string summary, code sem>
    : Inst<op, mn, "scalar", (outs XR:$rd), (ins XR:$rs1, XR:$rs2),
           [Use<ALU, 1, 1, P_occ_div>], P_lat_div, summary, sem>;
def DIV  : DIVOP<0x22, "div", "rd = signed rs1 / rs2, rounded toward zero; x/0 = -1; INT64_MIN/-1 = INT64_MIN.",
  [{ X(rd) = X(rs2) == 0 ? ~0ull : (XS(rs1) == INT64_MIN && XS(rs2) == -1) ? X(rs1) : (uint64_t)(XS(rs1) / XS(rs2)); }]>;
def DIVU : DIVOP<0x23, "divu", "rd = unsigned rs1 / rs2; x/0 = 2^64-1.",
  [{ X(rd) = X(rs2) == 0 ? ~0ull : X(rs1) / X(rs2); }]>;
def REM  : DIVOP<0x24, "rem", "rd = signed remainder (sign of rs1); x%0 = x; INT64_MIN%-1 = 0.",
  [{ X(rd) = X(rs2) == 0 ? X(rs1) : (XS(rs1) == INT64_MIN && XS(rs2) == -1) ? 0 : (uint64_t)(XS(rs1) % XS(rs2)); }]>;
def REMU : DIVOP<0x25, "remu", "rd = unsigned remainder; x%0 = x.",
  [{ X(rd) = X(rs2) == 0 ? X(rs1) : X(rs1) % X(rs2); }]>;

def COREID : Inst<0x28, "coreid", "scalar", (outs XR:$rd), (ins), [Use<ALU>], P_lat_alu,
                  "rd = this core's id (row * mesh_cols + col).", [{ X(rd) = CORE_ID; }]>;
def CYCLE  : Inst<0x29, "cycle", "scalar", (outs XR:$rd), (ins), [Use<ALU>], P_lat_alu,
                  "rd = the cycle this instruction issues in.", [{ X(rd) = NOW; }]> {
  let Effects = [ReadsCycle];
}

//===--- Control flow ----------------------------------------------------===//

class BR<int op, string mn, string summary, code cond>
    : Inst<op, mn, "control", (outs), (ins XR:$rs1, XR:$rs2, TGT:$imm),
           [Use<CTL>], NoLat, summary,
           !strconcat("if (", cond, ") JUMP(PC + IMM);")> {
  let IsBranch = 1;
}
def BEQ  : BR<0x30, "beq", "Branch if rs1 == rs2.", [{X(rs1) == X(rs2)}]>;
def BNE  : BR<0x31, "bne", "Branch if rs1 != rs2.", [{X(rs1) != X(rs2)}]>;
def BLT  : BR<0x32, "blt", "Branch if signed rs1 < rs2.", [{XS(rs1) < XS(rs2)}]>;
def BGE  : BR<0x33, "bge", "Branch if signed rs1 >= rs2.", [{XS(rs1) >= XS(rs2)}]>;
def BLTU : BR<0x34, "bltu", "Branch if unsigned rs1 < rs2.", [{X(rs1) < X(rs2)}]>;
def BGEU : BR<0x35, "bgeu", "Branch if unsigned rs1 >= rs2.", [{X(rs1) >= X(rs2)}]>;
let IsBranch = 1 in {
def J    : Inst<0x36, "j", "control", (outs), (ins TGT:$imm), [Use<CTL>], NoLat,
                "Jump to the target.", [{ JUMP(PC + IMM); }]>;
def JAL  : Inst<0x37, "jal", "control", (outs XR:$rd), (ins TGT:$imm), [Use<CTL>], P_lat_alu,
                "rd = PC + 1; jump to the target.", [{ X(rd) = PC + 1; JUMP(PC + IMM); }]>;
def JALR : Inst<0x38, "jalr", "control", (outs XR:$rd), (ins XR:$rs1, I32:$imm), [Use<CTL>], P_lat_alu,
                "Jump to instruction index rs1 + imm; rd = PC + 1.",
                [{ uint64_t Dest = X(rs1) + (uint64_t)IMM; X(rd) = PC + 1; JUMP(Dest); }]> {
  let Traps = "The target is outside the core's code.";
}
}
def HALT : Inst<0x39, "halt", "control", (outs), (ins), [Use<CTL>], NoLat,
                "Stop this core. Its DMAs in flight still complete.", [{ HALT_CORE(); }]> {
  let Effects = [Sync];
}

//===--- Scalar memory ---------------------------------------------------===//

class LOAD<int op, string mn, int size, string summary, string ctype>
    : Inst<op, mn, "memory", (outs XR:$rd), (ins XR:$rs1, I32:$imm),
           [Use<AGU>, Use<LDP>], P_lat_load, summary,
           !strconcat("uint64_t Addr = X(rs1) + (uint64_t)IMM; CHECK_MEM(Addr, ", !cast<string>(size),
                      ", ", !cast<string>(size), ", \"load\"); X(rd) = (uint64_t)(", ctype,
                      ")SRAM_READ(", ctype, ", Addr);")> {
  let AsmString = "$rd, $imm($rs1)";
  let Traps = "Address outside SRAM or not a multiple of the access size.";
  let Effects = [ReadsSRAM];
}
def LB  : LOAD<0x40, "lb", 1, "Load a byte, sign-extended.", "int8_t">;
def LBU : LOAD<0x41, "lbu", 1, "Load a byte, zero-extended.", "uint8_t">;
def LH  : LOAD<0x42, "lh", 2, "Load 16 bits, sign-extended.", "int16_t">;
def LHU : LOAD<0x43, "lhu", 2, "Load 16 bits, zero-extended.", "uint16_t">;
def LW  : LOAD<0x44, "lw", 4, "Load 32 bits, sign-extended.", "int32_t">;
def LWU : LOAD<0x45, "lwu", 4, "Load 32 bits, zero-extended.", "uint32_t">;
def LD  : LOAD<0x46, "ld", 8, "Load 64 bits.", "uint64_t">;

class STORE<int op, string mn, int size, string summary, string ctype>
    : Inst<op, mn, "memory", (outs), (ins XR:$rs2, XR:$rs1, I32:$imm),
           [Use<AGU>, Use<STP>], NoLat, summary,
           !strconcat("uint64_t Addr = X(rs1) + (uint64_t)IMM; CHECK_MEM(Addr, ", !cast<string>(size),
                      ", ", !cast<string>(size), ", \"store\"); SRAM_WRITE(", ctype, ", Addr, (", ctype,
                      ")X(rs2));")> {
  let AsmString = "$rs2, $imm($rs1)";
  let Traps = "Address outside SRAM or not a multiple of the access size.";
  let Effects = [WritesSRAM];
}
def SB : STORE<0x48, "sb", 1, "Store the low byte of rs2.", "uint8_t">;
def SH : STORE<0x49, "sh", 2, "Store the low 16 bits of rs2.", "uint16_t">;
def SW : STORE<0x4A, "sw", 4, "Store the low 32 bits of rs2.", "uint32_t">;
def SD : STORE<0x4B, "sd", 8, "Store rs2.", "uint64_t">;

//===--- Vector memory ---------------------------------------------------===//

let Traps = "Address range outside SRAM, or address not a multiple of 4." in {
def VLD : Inst<0x50, "vld", "vmemory", (outs VR:$rd), (ins XR:$rs1, I32:$imm),
               [Use<AGU>, Use<LDP>], P_lat_load, "Load 64 bytes from rs1 + imm.",
  [{ uint64_t Addr = X(rs1) + (uint64_t)IMM; CHECK_MEM(Addr, 64, 4, "vector load");
     std::memcpy(V(rd).b, SRAM + Addr, 64); }]> {
  let Effects = [ReadsSRAM];
  let AsmString = "$rd, $imm($rs1)";
}
def VST : Inst<0x51, "vst", "vmemory", (outs), (ins VR:$rs2, XR:$rs1, I32:$imm),
               [Use<AGU>, Use<STP>], NoLat, "Store 64 bytes to rs1 + imm.",
  [{ uint64_t Addr = X(rs1) + (uint64_t)IMM; CHECK_MEM(Addr, 64, 4, "vector store");
     std::memcpy(SRAM + Addr, V(rs2).b, 64); }]> {
  let Effects = [WritesSRAM];
  let AsmString = "$rs2, $imm($rs1)";
}
def VLDB : Inst<0x54, "vldb.32", "vmemory", (outs VR:$rd), (ins XR:$rs1, I32:$imm),
                [Use<AGU>, Use<LDP>], P_lat_load, "Load 4 bytes from rs1 + imm and broadcast them to all 16 lanes.",
  [{ uint64_t Addr = X(rs1) + (uint64_t)IMM; CHECK_MEM(Addr, 4, 4, "vector broadcast load");
     uint32_t Val = SRAM_READ(uint32_t, Addr); for (int L = 0; L < 16; ++L) V(rd).u32[L] = Val; }]> {
  let Effects = [ReadsSRAM];
  let AsmString = "$rd, $imm($rs1)";
}
}
let Traps = "rs2 > 64, address range outside SRAM, or address not a multiple of 4." in {
def VLDP : Inst<0x52, "vldp", "vmemory", (outs VR:$rd), (ins XR:$rs1, XR:$rs2),
                [Use<AGU>, Use<LDP>], P_lat_load,
                "Partial load: the first rs2 bytes (0-64) from rs1; the other bytes become 0.",
  [{ uint64_t Addr = X(rs1), N = X(rs2); if (N > 64) TRAP("partial vector length %llu exceeds 64 bytes", (unsigned long long)N);
     CHECK_MEM(Addr, N, 4, "partial vector load"); VReg Tmp{}; std::memcpy(Tmp.b, SRAM + Addr, N); V(rd) = Tmp; }]> {
  let Effects = [ReadsSRAM];
}
def VSTP : Inst<0x53, "vstp", "vmemory", (outs), (ins VR:$rs2, XR:$rs1, XR:$rs3),
                [Use<AGU>, Use<STP>], NoLat,
                "Partial store: the first rs3 bytes (0-64) of rs2 to rs1.",
  [{ uint64_t Addr = X(rs1), N = X(rs3); if (N > 64) TRAP("partial vector length %llu exceeds 64 bytes", (unsigned long long)N);
     CHECK_MEM(Addr, N, 4, "partial vector store"); std::memcpy(SRAM + Addr, V(rs2).b, N); }]> {
  let Effects = [WritesSRAM];
}
}
let Traps = "Any chunk outside SRAM, or base or stride not a multiple of 4." in {
def VLDG : Inst<0x55, "vldg", "vmemory", (outs VR:$rd), (ins XR:$rs1, XR:$rs2, CH:$imm),
                [Use<AGU>, Use<LDP, 2>], P_lat_load,
                "Gather: 64/imm chunks of imm bytes (4, 8, 16 or 32), chunk k from rs1 + k * rs2, packed in order.",
  [{ uint64_t N = 64 >> __builtin_ctzll(IMM); VReg Tmp;
     for (uint64_t K = 0; K < N; ++K) { uint64_t Addr = X(rs1) + K * X(rs2); CHECK_MEM(Addr, IMM, 4, "vector gather");
       COPY_CHUNK(Tmp.b + K * IMM, SRAM + Addr, IMM); }
     V(rd) = Tmp; }]> {
  let Effects = [ReadsSRAM];
}
def VSTG : Inst<0x56, "vstg", "vmemory", (outs), (ins VR:$rs3, XR:$rs1, XR:$rs2, CH:$imm),
                [Use<AGU>, Use<STP, 1, 2>], NoLat,
                "Scatter: chunk k (imm bytes) of rs3 to rs1 + k * rs2; uses the store port for 2 cycles.",
  [{ uint64_t N = 64 >> __builtin_ctzll(IMM);
     for (uint64_t K = 0; K < N; ++K) { uint64_t Addr = X(rs1) + K * X(rs2); CHECK_MEM(Addr, IMM, 4, "vector scatter");
       COPY_CHUNK(SRAM + Addr, V(rs3).b + K * IMM, IMM); } }]> {
  let Effects = [WritesSRAM];
}
}

//===--- Vector arithmetic -----------------------------------------------===//

class VOP2<int op, string mn, string summary, code expr>
    : Inst<op, mn, "vector", (outs VR:$rd), (ins VR:$rs1, VR:$rs2), [Use<VEC>], P_lat_vec, summary,
           !strconcat("VReg &A = V(rs1), &B = V(rs2); VReg R; for (int L = 0; L < 16; ++L) { ", expr, " } V(rd) = R;")>;
class VOP1<int op, string mn, ParamRef lat, string summary, code expr>
    : Inst<op, mn, "vector", (outs VR:$rd), (ins VR:$rs1), [Use<VEC>], lat, summary,
           !strconcat("VReg &A = V(rs1); VReg R; for (int L = 0; L < 16; ++L) { ", expr, " } V(rd) = R;")>;

def VADD : VOP2<0x60, "vadd.f32", "rd = rs1 + rs2 per fp32 lane.", [{ R.f32[L] = A.f32[L] + B.f32[L]; }]>;
def VSUB : VOP2<0x61, "vsub.f32", "rd = rs1 - rs2 per fp32 lane.", [{ R.f32[L] = A.f32[L] - B.f32[L]; }]>;
def VMUL : VOP2<0x62, "vmul.f32", "rd = rs1 * rs2 per fp32 lane.", [{ R.f32[L] = A.f32[L] * B.f32[L]; }]>;
def VFMA : Inst<0x63, "vfma.f32", "vector", (outs VR:$rd), (ins VR:$rs1, VR:$rs2, VR:$rs3), [Use<VEC>], P_lat_vec,
                "rd = rs1 * rs2 + rs3 per fp32 lane, fused (one rounding).",
  [{ VReg &A = V(rs1), &B = V(rs2), &C3 = V(rs3); VReg R;
     for (int L = 0; L < 16; ++L) { R.f32[L] = std::fma(A.f32[L], B.f32[L], C3.f32[L]); }
     V(rd) = R; }]> {
  let Macs = 16;
}
def VMIN : VOP2<0x64, "vmin.f32", "rd = minimum per fp32 lane; NaN if either is NaN; min(-0, +0) = -0.",
                [{ R.f32[L] = fminNaN(A.f32[L], B.f32[L]); }]>;
def VMAX : VOP2<0x65, "vmax.f32", "rd = maximum per fp32 lane; NaN if either is NaN; max(-0, +0) = +0.",
                [{ R.f32[L] = fmaxNaN(A.f32[L], B.f32[L]); }]>;
def VNEG : VOP1<0x66, "vneg.f32", P_lat_vec, "rd = -rs1 (flips the sign bit).", [{ R.u32[L] = A.u32[L] ^ 0x80000000u; }]>;
def VABS : VOP1<0x67, "vabs.f32", P_lat_vec, "rd = |rs1| (clears the sign bit).", [{ R.u32[L] = A.u32[L] & 0x7fffffffu; }]>;
def VCMPEQ : VOP2<0x68, "vcmpeq.f32", "Lane mask: all ones where rs1 == rs2, else 0.", [{ R.u32[L] = A.f32[L] == B.f32[L] ? ~0u : 0u; }]>;
def VCMPLT : VOP2<0x69, "vcmplt.f32", "Lane mask: all ones where rs1 < rs2, else 0.", [{ R.u32[L] = A.f32[L] < B.f32[L] ? ~0u : 0u; }]>;
def VCMPLE : VOP2<0x6A, "vcmple.f32", "Lane mask: all ones where rs1 <= rs2, else 0.", [{ R.u32[L] = A.f32[L] <= B.f32[L] ? ~0u : 0u; }]>;
def VSEL : Inst<0x6B, "vsel", "vector", (outs VR:$rd), (ins VR:$rs1, VR:$rs2, VR:$rs3), [Use<VEC>], P_lat_vec,
                "Bitwise select: rd = (rs1 & rs2) | (~rs1 & rs3); rs1 is a mask from a compare.",
  [{ VReg &M = V(rs1), &A = V(rs2), &B = V(rs3); VReg R;
     for (int L = 0; L < 8; ++L) { R.u64[L] = (M.u64[L] & A.u64[L]) | (~M.u64[L] & B.u64[L]); }
     V(rd) = R; }]>;
let Uses = [Use<VEC, 1, 1, P_occ_vlong>], Latency = P_lat_vlong in {
def VDIV  : VOP2<0x6C, "vdiv.f32", "rd = rs1 / rs2 per fp32 lane, correctly rounded.", [{ R.f32[L] = A.f32[L] / B.f32[L]; }]>;
def VSQRT : VOP1<0x6D, "vsqrt.f32", P_lat_vlong, "rd = sqrt(rs1) per fp32 lane, correctly rounded.", [{ R.f32[L] = std::sqrt(A.f32[L]); }]>;
}
def VRCP   : VOP1<0x6E, "vrcp.f32", P_lat_vtrans, "rd = 1 / rs1 per fp32 lane, correctly rounded.", [{ R.f32[L] = 1.0f / A.f32[L]; }]>;
def VRSQRT : VOP1<0x6F, "vrsqrt.f32", P_lat_vtrans,
                  "rd = 1 / sqrt(rs1): computed in binary64, rounded once to binary32.",
                  [{ R.f32[L] = (float)(1.0 / std::sqrt((double)A.f32[L])); }]>;
def VEXP   : VOP1<0x70, "vexp.f32", P_lat_vtrans,
                  "rd = e^rs1 by the fp32 sequence of docs/isa.md (Cody-Waite reduction, degree-7 polynomial); at most 2 ulp from e^x.",
                  [{ R.f32[L] = expF32(A.f32[L]); }]>;

class VRED<int op, string mn, string summary, string fn>
    : Inst<op, mn, "vector", (outs VR:$rd), (ins VR:$rs1), [Use<VEC>], P_lat_vred, summary,
           !strconcat("VReg R = V(rs1); for (int S = 8; S >= 1; S /= 2) { for (int L = 0; L < S; ++L) { R.f32[L] = ",
                      fn, "; } } float Out = R.f32[0]; for (int L = 0; L < 16; ++L) { R.f32[L] = Out; } V(rd) = R;")>;
def VREDSUM : VRED<0x71, "vredsum.f32", "Sum of the 16 lanes by a halving tree (lane i + lane i+8, then +4, +2, +1), broadcast to every lane.",
                   "R.f32[L] + R.f32[L + S]">;
def VREDMAX : VRED<0x72, "vredmax.f32", "Maximum of the 16 lanes (as vmax.f32, halving tree), broadcast.", "fmaxNaN(R.f32[L], R.f32[L + S])">;
def VREDMIN : VRED<0x73, "vredmin.f32", "Minimum of the 16 lanes (as vmin.f32, halving tree), broadcast.", "fminNaN(R.f32[L], R.f32[L + S])">;

def VBCAST : Inst<0x74, "vbcast.32", "vector", (outs VR:$rd), (ins XR:$rs1), [Use<VEC>], P_lat_vec,
                  "Every lane = low 32 bits of rs1.", [{ uint32_t Val = (uint32_t)X(rs1); for (int L = 0; L < 16; ++L) V(rd).u32[L] = Val; }]>;
def VBCASTI : Inst<0x75, "vbcasti.32", "vector", (outs VR:$rd), (ins I32:$imm), [Use<VEC>], P_lat_vec,
                   "Every lane = the 32 bits of imm (write fp32 constants as %f32(1.5)).",
                   [{ uint32_t Val = (uint32_t)IMM; for (int L = 0; L < 16; ++L) V(rd).u32[L] = Val; }]>;
def VBCASTL : Inst<0x76, "vbcastl.32", "vector", (outs VR:$rd), (ins VR:$rs1, LN:$imm), [Use<VEC>], P_lat_vec,
                   "Every lane = lane imm of rs1.", [{ uint32_t Val = V(rs1).u32[IMM]; for (int L = 0; L < 16; ++L) V(rd).u32[L] = Val; }]>;
def VEXT : Inst<0x77, "vext.32", "vector", (outs XR:$rd), (ins VR:$rs1, LN:$imm), [Use<VEC>], P_lat_vec,
                "rd = lane imm of rs1, sign-extended to 64 bits.", [{ X(rd) = (uint64_t)(int64_t)V(rs1).i32[IMM]; }]>;
let TiedDest = 1 in
def VINS : Inst<0x78, "vins.32", "vector", (outs VR:$rd), (ins XR:$rs1, LN:$imm), [Use<VEC>], P_lat_vec,
                "Lane imm of rd = low 32 bits of rs1; other lanes unchanged.", [{ V(rd).u32[IMM] = (uint32_t)X(rs1); }]>;
def VPERM32 : Inst<0x79, "vperm.32", "vector", (outs VR:$rd), (ins VR:$rs1, VR:$rs2, VR:$rs3), [Use<VEC>], P_lat_vec,
                   "Two-source shuffle of 32-bit lanes: rd[i] = concat(rs1, rs2)[rs3[i] & 31]. Transposes are built from it (docs/isa.md).",
  [{ VReg Src[2] = {V(rs1), V(rs2)}; VReg &Idx = V(rs3); VReg R;
     for (int L = 0; L < 16; ++L) { uint32_t K = Idx.u32[L] & 31; R.u32[L] = Src[K >> 4].u32[K & 15]; } V(rd) = R; }]>;
def VPERM16 : Inst<0x7A, "vperm.16", "vector", (outs VR:$rd), (ins VR:$rs1, VR:$rs2, VR:$rs3), [Use<VEC>], P_lat_vec,
                   "Two-source shuffle of 16-bit lanes: rd[i] = concat(rs1, rs2)[rs3.u16[i] & 63].",
  [{ VReg Src[2] = {V(rs1), V(rs2)}; VReg &Idx = V(rs3); VReg R;
     for (int L = 0; L < 32; ++L) { uint32_t K = Idx.u16[L] & 63; R.u16[L] = Src[K >> 5].u16[K & 31]; } V(rd) = R; }]>;
def VMV : Inst<0x7B, "vmv", "vector", (outs VR:$rd), (ins VR:$rs1), [Use<VEC>], P_lat_vec,
               "rd = rs1.", [{ V(rd) = V(rs1); }]>;

def VADDI32 : VOP2<0x80, "vadd.i32", "rd = rs1 + rs2 per 32-bit lane (wrapping).", [{ R.u32[L] = A.u32[L] + B.u32[L]; }]>;
def VSUBI32 : VOP2<0x81, "vsub.i32", "rd = rs1 - rs2 per 32-bit lane (wrapping).", [{ R.u32[L] = A.u32[L] - B.u32[L]; }]>;
def VMULI32 : VOP2<0x82, "vmul.i32", "rd = low 32 bits of rs1 * rs2 per lane.", [{ R.u32[L] = A.u32[L] * B.u32[L]; }]>;
def VAND : VOP2<0x83, "vand", "rd = rs1 & rs2.", [{ R.u32[L] = A.u32[L] & B.u32[L]; }]>;
def VOR  : VOP2<0x84, "vor", "rd = rs1 | rs2.", [{ R.u32[L] = A.u32[L] | B.u32[L]; }]>;
def VXOR : VOP2<0x85, "vxor", "rd = rs1 ^ rs2.", [{ R.u32[L] = A.u32[L] ^ B.u32[L]; }]>;
class VSHI<int op, string mn, string summary, code expr>
    : Inst<op, mn, "vector", (outs VR:$rd), (ins VR:$rs1, U5:$imm), [Use<VEC>], P_lat_vec, summary,
           !strconcat("VReg &A = V(rs1); VReg R; for (int L = 0; L < 16; ++L) { ", expr, " } V(rd) = R;")>;
def VSLLI : VSHI<0x86, "vslli.32", "rd = rs1 << imm per 32-bit lane.", [{ R.u32[L] = A.u32[L] << IMM; }]>;
def VSRLI : VSHI<0x87, "vsrli.32", "rd = rs1 >> imm per 32-bit lane, logical.", [{ R.u32[L] = A.u32[L] >> IMM; }]>;
def VSRAI : VSHI<0x88, "vsrai.32", "rd = rs1 >> imm per 32-bit lane, arithmetic.", [{ R.i32[L] = A.i32[L] >> IMM; }]>;
def VCMPEQI : VOP2<0x89, "vcmpeq.i32", "Lane mask: all ones where rs1 == rs2 (32-bit integers).", [{ R.u32[L] = A.i32[L] == B.i32[L] ? ~0u : 0u; }]>;
def VCMPLTI : VOP2<0x8A, "vcmplt.i32", "Lane mask: all ones where signed rs1 < rs2.", [{ R.u32[L] = A.i32[L] < B.i32[L] ? ~0u : 0u; }]>;
def VMINI : VOP2<0x8B, "vmin.i32", "Signed minimum per 32-bit lane.", [{ R.i32[L] = A.i32[L] < B.i32[L] ? A.i32[L] : B.i32[L]; }]>;
def VMAXI : VOP2<0x8C, "vmax.i32", "Signed maximum per 32-bit lane.", [{ R.i32[L] = A.i32[L] > B.i32[L] ? A.i32[L] : B.i32[L]; }]>;

//===--- Conversions -----------------------------------------------------===//

class VCVT1<int op, string mn, string summary, code body>
    : Inst<op, mn, "convert", (outs VR:$rd), (ins VR:$rs1), [Use<VEC>], P_lat_vec, summary, body>;
def VCVTF32I32 : VCVT1<0x90, "vcvt.f32.i32", "int32 lanes to fp32, round to nearest even.",
  [{ VReg &A = V(rs1); VReg R; for (int L = 0; L < 16; ++L) R.f32[L] = (float)A.i32[L]; V(rd) = R; }]>;
def VCVTI32F32 : VCVT1<0x91, "vcvt.i32.f32", "fp32 lanes to int32, toward zero; saturates; NaN gives 0.",
  [{ VReg &A = V(rs1); VReg R; for (int L = 0; L < 16; ++L) R.i32[L] = f32ToI32Sat(A.f32[L]); V(rd) = R; }]>;
def VROUND : VCVT1<0x92, "vround.f32", "Round each fp32 lane to the nearest integral value, ties to even.",
  [{ VReg &A = V(rs1); VReg R; for (int L = 0; L < 16; ++L) R.f32[L] = std::nearbyint(A.f32[L]); V(rd) = R; }]>;
def VCVTBF16 : Inst<0x93, "vcvt.bf16.f32", "convert", (outs VR:$rd), (ins VR:$rs1, VR:$rs2), [Use<VEC>], P_lat_vec,
                    "Pack 32 fp32 lanes (rs1 then rs2) into 32 bf16 lanes, round to nearest even; NaN stays a quiet NaN.",
  [{ VReg &A = V(rs1), &B = V(rs2); VReg R;
     for (int L = 0; L < 16; ++L) { R.u16[L] = f32ToBf16RNE(A.f32[L]); R.u16[L + 16] = f32ToBf16RNE(B.f32[L]); } V(rd) = R; }]>;
def VCVTSRBF16 : Inst<0x94, "vcvtsr.bf16.f32", "convert", (outs VR:$rd), (ins VR:$rs1, VR:$rs2), [Use<VEC>], P_lat_vec,
                      "As vcvt.bf16.f32 with stochastic rounding: 16 random bits per lane from the core's generator are added below bit 16, then truncated.",
  [{ VReg &A = V(rs1), &B = V(rs2); VReg R; uint64_t Draw = 0;
     for (int L = 0; L < 32; ++L) { if ((L & 3) == 0) Draw = RNG_NEXT();
       float F = L < 16 ? A.f32[L] : B.f32[L - 16]; R.u16[L] = f32ToBf16SR(F, (uint32_t)(Draw >> (16 * (L & 3))) & 0xffffu); }
     V(rd) = R; }]> {
  let Effects = [ReadsRNG, WritesRNG];
}
def VCVTLO : VCVT1<0x95, "vcvtlo.f32.bf16", "bf16 lanes 0-15 of rs1 to 16 fp32 lanes (exact).",
  [{ VReg &A = V(rs1); VReg R; for (int L = 0; L < 16; ++L) R.u32[L] = (uint32_t)A.u16[L] << 16; V(rd) = R; }]>;
def VCVTHI : VCVT1<0x96, "vcvthi.f32.bf16", "bf16 lanes 16-31 of rs1 to 16 fp32 lanes (exact).",
  [{ VReg &A = V(rs1); VReg R; for (int L = 0; L < 16; ++L) R.u32[L] = (uint32_t)A.u16[L + 16] << 16; V(rd) = R; }]>;
def RNGSEED : Inst<0x97, "rngseed", "convert", (outs), (ins XR:$rs1), [Use<VEC>], NoLat,
                   "Reseed this core's stochastic-rounding generator from rs1 (state = splitmix64(rs1)).",
                   [{ RNG_SEED(X(rs1)); }]> {
  let Effects = [WritesRNG];
}

//===--- Matrix unit -----------------------------------------------------===//

let TiedDest = 1, Macs = 256 in
def MMA : Inst<0xA0, "mma", "matrix", (outs AR:$rd), (ins VR:$rs1, VR:$rs2), [Use<MAT>], P_lat_mma,
               "rd += A * B: rs1 holds an 8x4 bf16 tile A (row-major, A[i][k] in bf16 lane 4i+k), rs2 a 4x8 bf16 tile B (B[k][j] in lane 8k+j). Each accumulator element adds its four exact products in k order, rounding to fp32 after each add.",
               [{ mmaBf16(ACC(rd), V(rs1), V(rs2)); }]>;
def MMAZERO : Inst<0xA1, "mma.zero", "matrix", (outs AR:$rd), (ins), [Use<MAT>], P_lat_mma,
                   "rd = 0.", [{ ACC(rd) = Accumulator{}; }]>;
def MMARD : Inst<0xA2, "mma.rd", "matrix", (outs VR:$rd), (ins AR:$rs1, RP:$imm), [Use<MAT>], P_lat_accrd,
                 "rd = rows 2*imm and 2*imm+1 of accumulator rs1 (16 fp32 lanes, row-major).",
                 [{ std::memcpy(V(rd).b, &ACC(rs1).f32[16 * IMM], 64); }]>;
let Traps = "Any row outside SRAM, or address or stride not a multiple of 4." in {
def MMAST : Inst<0xA3, "mma.st", "matrix", (outs), (ins AR:$rs3, XR:$rs1, I32:$imm, XR:$rs2),
                 [Use<AGU>, Use<STP, 1, 4>], NoLat,
                 "Store accumulator rs3: row i (8 fp32, 32 bytes) to rs1 + imm + i * rs2; the store port is busy 4 cycles.",
  [{ uint64_t Base = X(rs1) + (uint64_t)IMM;
     for (int Row = 0; Row < 8; ++Row) { uint64_t Addr = Base + Row * X(rs2); CHECK_MEM(Addr, 32, 4, "accumulator store");
       std::memcpy(SRAM + Addr, &ACC(rs3).f32[8 * Row], 32); } }]> {
  let Effects = [WritesSRAM];
  let AsmString = "$rs3, $imm($rs1), $rs2";
}
def MMALD : Inst<0xA4, "mma.ld", "matrix", (outs AR:$rd), (ins XR:$rs1, I32:$imm, XR:$rs2),
                 [Use<AGU>, Use<LDP, 2, 2>], P_lat_load,
                 "Load accumulator rd: row i (8 fp32) from rs1 + imm + i * rs2; both load ports for 2 cycles.",
  [{ uint64_t Base = X(rs1) + (uint64_t)IMM; Accumulator Tmp;
     for (int Row = 0; Row < 8; ++Row) { uint64_t Addr = Base + Row * X(rs2); CHECK_MEM(Addr, 32, 4, "accumulator load");
       std::memcpy(&Tmp.f32[8 * Row], SRAM + Addr, 32); }
     ACC(rd) = Tmp; }]> {
  let Effects = [ReadsSRAM];
  let AsmString = "$rd, $imm($rs1), $rs2";
}
}

//===--- DMA and synchronization -----------------------------------------===//

def DMA : Inst<0xB0, "dma", "dma", (outs), (ins XR:$rs1, XR:$rs2, XR:$rs3), [Use<CTL>], NoLat,
               "Start a DMA from source address rs2 to destination address rs1 as described by the 64-byte descriptor at SRAM address rs3 (docs/isa.md). Waits while dma_queue_depth transfers are outstanding.",
               [{ START_DMA(X(rs1), X(rs2), X(rs3)); }]> {
  let Effects = [Sync];
  let Traps = "Misaligned or out-of-range descriptor; bad kind, core or semaphore; any byte of the transfer outside its memory.";
}
def SEMINC : Inst<0xB8, "sem.inc", "sync", (outs), (ins SR:$rd, CNT:$imm), [Use<CTL>], NoLat,
                  "Add imm to local semaphore rd.", [{ SEM_ADD(CORE_ID, RD_FIELD, IMM); }]> {
  let Effects = [Sync];
}
def SEMINCR : Inst<0xB9, "sem.incr", "sync", (outs), (ins SR:$rd, XR:$rs1, CNT:$imm), [Use<CTL>], NoLat,
                   "Add imm to semaphore rd of core rs1; arrives after sem_remote_latency + hops * noc_hop_latency cycles.",
                   [{ SEM_ADD(X(rs1), RD_FIELD, IMM); }]> {
  let Effects = [Sync];
  let Traps = "rs1 is not a core of the mesh.";
}
def SEMWAIT : Inst<0xBA, "sem.wait", "sync", (outs), (ins SR:$rd, CNT:$imm), [Use<CTL>], NoLat,
                   "Wait until semaphore rd >= imm, then subtract imm.", [{ SEM_WAIT(RD_FIELD, IMM); }]> {
  let Effects = [Sync];
  let Traps = "Deadlock: no core can make progress.";
}
def BARRIER : Inst<0xBB, "barrier", "sync", (outs), (ins), [Use<CTL>], NoLat,
                   "Wait until every core that has code reaches a barrier; all leave barrier_latency cycles after the last arrives.",
                   [{ BARRIER_WAIT(); }]> {
  let Effects = [Sync];
  let Traps = "Deadlock: a core halted while others wait at the barrier.";
}
def FENCE : Inst<0xBC, "fence", "sync", (outs), (ins), [Use<CTL>], NoLat,
                 "Wait until every DMA this core started has completed.", [{ FENCE_WAIT(); }]> {
  let Effects = [Sync];
}
