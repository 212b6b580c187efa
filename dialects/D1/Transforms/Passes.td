//===- Passes.td - The d1 dialect's passes ---------------------*- tablegen -*-===//
#ifndef D1_D1_TRANSFORMS_PASSES_TD
#define D1_D1_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SetTarget : Pass<"d1-set-target", "mlir::ModuleOp"> {
  let summary = "Attach a machine description to the module as d1.target";
  let description = [{
    Reads the machine description file `file` (lines `name = value`,
    `docs/isa.md` §9), or takes the built-in machine without one, and sets
    the module's `d1.target` to all its parameters, replacing any target
    there. Every pass reads the machine from that attribute; d1c's importer
    attaches it, so this pass is for `.mlir` files (`d1-opt
    --d1-set-target=file=small.txt --d1-pipeline`). A file that does not
    parse is an error naming it.

    Before:
    ```mlir
    module {
    ```
    After (with `sram_bytes = 65536` in the file):
    ```mlir
    module attributes {d1.target = #d1.target<{clock_mhz = 2000 : i64, ..., sram_bytes = 65536 : i64, ...}>} {
    ```
  }];
  let options = [
    Option<"File", "file", "std::string", "\"\"",
           "Machine description file (default: the built-in machine)">
  ];
  let dependentDialects = ["d1::D1Dialect"];
}

#endif // D1_D1_TRANSFORMS_PASSES_TD
