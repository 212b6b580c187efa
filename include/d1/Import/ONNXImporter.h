//===- ONNXImporter.h - ONNX model to the graph dialect ---------*- C++ -*-===//
#ifndef D1_IMPORT_ONNXIMPORTER_H
#define D1_IMPORT_ONNXIMPORTER_H

#include "d1/Target/Machine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <string>
#include <vector>

namespace d1 {

struct ImportOptions {
  /// Static shapes for inputs with symbolic dimensions (--shape NAME=1x3x8x8).
  std::map<std::string, std::vector<int64_t>> InputShapes;
  /// The largest tensor the model may have, in bytes: the target's DRAM
  /// (d1c sets it from the machine description's dram_bytes). Every tensor
  /// the importer reads or creates, folded constants included, is checked
  /// against it before anything is allocated. The default, 1 GiB, is for
  /// callers without a machine description.
  int64_t MaxTensorBytes = int64_t(1) << 30;
  /// The machine the module is compiled for, attached to it as `d1.target`
  /// (d1c: the built-in machine or `--target FILE`).
  MachineDesc Target;
};

/// Reads Path with libonnx's protobuf classes, checks it with ONNX's
/// checker, and builds a module with one `func.func @main` of graph ops.
/// Shape computations on constants are folded. On failure returns null and
/// sets Err to one line naming the file and, where there is one, the node
/// (name, op_type and opset).
mlir::OwningOpRef<mlir::ModuleOp> importONNX(mlir::MLIRContext &Ctx, const std::string &Path,
                                             const ImportOptions &Opts, std::string &Err);

/// An entry of the importer's operator registry: OpType is built from
/// opset Since on (up to the next entry of the same OpType).
struct RegisteredOperator {
  std::string OpType;
  int64_t Since;
};
/// Every entry of the registry (lib/Import/Operators.def), in its order.
std::vector<RegisteredOperator> registeredOperators();

/// "1x3x224x224" -> {1, 3, 224, 224}; false on a malformed list, on a
/// dimension that does not fit in 64 bits, or when their product does not.
bool parseDims(const std::string &Text, std::vector<int64_t> &Dims);

} // namespace d1

#endif
