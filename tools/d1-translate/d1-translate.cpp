//===- d1-translate.cpp - mlir-translate with d1c's translations ----------===//
//
// d1-translate --d1isa-to-d1x allocated.mlir -o model.d1x encodes a d1isa
// module whose registers d1isa-allocate-registers allocated (d1-opt
// --d1isa-allocate-registers, or d1c --emit=isa-allocated) as a .d1x.
//
//===----------------------------------------------------------------------===//
#include "d1/Codegen/Emitter.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  d1::registerD1XTranslation();
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "d1c translation driver\n")) ? 1 : 0;
}
