//===- D1Base.td - The d1 dialect: the target and the d1.* attributes -*- tablegen -*-===//
//
// The attributes every level shares: the machine description the module is
// compiled for (`d1.target`), and the discardable `d1.*` attributes the
// importer and the passes leave on ops (names, addresses, plan figures),
// each declared and verified here.
//
//===----------------------------------------------------------------------===//
#ifndef D1_BASE_TD
#define D1_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def D1_Dialect : Dialect {
  let name = "d1";
  let cppNamespace = "::d1";
  let summary = "The target machine and the attributes every level of d1c shares";
  let description = [{
    `d1.target` on the module holds the machine description
    (`include/d1/Target/Machine.td`): every pass reads SRAM size, latencies
    and the mesh from it. The other `d1.*` attributes are discardable
    attributes with a declared meaning and type:

    | attribute | on | type | set by |
    |---|---|---|---|
    | `d1.target` | module | `#d1.target<{...}>` | the importer (d1c `--target`), `d1-set-target` |
    | `d1.name` | @main's arguments and results | string | the importer: the ONNX input or output name |
    | `d1.num_inputs` | @main | integer | convert-graph-to-tile |
    | `d1.address` | `memref.alloc`, `memref.global`, @main's arguments | integer >= 0 | tile-plan-memory |
    | `d1.sram_peak`, `d1.sram_bound`, `d1.dram_size`, `d1.sram_worst_kernel_permille`, `d1.sram_resident_bytes`, `d1.sram_resident_spilled`, `d1.dram_activation_bytes`, `d1.dram_activation_bytes_no_reuse` | module | integer >= 0 | tile-plan-memory |
    | `d1.io` | @main | array of dictionaries | convert-tile-to-d1isa |
    | `d1.sram_data` | @main | dense elements | convert-tile-to-d1isa (tables, constants in SRAM) |
    | `d1.sram_data_address` | @main | integer >= 0 | convert-tile-to-d1isa |
    | `d1.hoisted` | `d1isa.li` | unit | convert-tile-to-d1isa (a constant set once, outside loops) |

    Any other `d1.*` attribute, or one of the wrong type, is an error.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
}

def D1_TargetAttr : AttrDef<D1_Dialect, "Target"> {
  let mnemonic = "target";
  let summary = "A machine description: each parameter of Machine.td by name";
  let description = [{
    The parameters that differ from the built-in machine, or all of them:
    `#d1.target<{sram_bytes = 65536 : i64}>`. Names are those of
    `include/d1/Target/Machine.td` (`docs/isa.md` §9); values are checked
    as `--target` files are (minimums, the mesh size, latencies).
  }];
  let parameters = (ins "::mlir::DictionaryAttr":$params);
  let assemblyFormat = "`<` $params `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The whole machine description: the built-in one with these params.
    ::d1::MachineDesc machine() const;
    /// Every parameter of Machine.
    static TargetAttr get(::mlir::MLIRContext *Context, const ::d1::MachineDesc &Machine);
  }];
}

#endif // D1_BASE_TD
