//===- Registry.cpp - Operators to their builders ---------------------------===//
//
// The table of Operators.def, looked up by operator type and opset, and
// importNode, which folds a node or hands it to its builder.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "llvm/ADT/StringMap.h"

namespace d1::import {

namespace {
struct OperatorBuilder {
  const char *OpType;
  int64_t Since;
  LogicalResult (Importer::*Build)();
};

const OperatorBuilder Builders[] = {
#define D1_ONNX_OP(OpType, SinceOpset, Builder) {#OpType, SinceOpset, &Importer::Builder},
#include "Operators.def"
};

/// Each operator's entries, by opset from the oldest.
const llvm::StringMap<std::vector<const OperatorBuilder *>> &table() {
  static const auto *Table = [] {
    auto *T = new llvm::StringMap<std::vector<const OperatorBuilder *>>();
    for (const OperatorBuilder &E : Builders)
      (*T)[E.OpType].push_back(&E);
    for (auto &Entry : *T)
      std::sort(
          Entry.second.begin(), Entry.second.end(),
          [](const OperatorBuilder *A, const OperatorBuilder *X) { return A->Since < X->Since; });
    return T;
  }();
  return *Table;
}
} // namespace

LogicalResult Importer::importNode() {
  const std::string &Op = Node->op_type();
  if (!Node->domain().empty() && Node->domain() != "ai.onnx")
    return fail("operator domain " + q(Node->domain()) + " is not supported");
  // If takes its branches as subgraph attributes, and may fold to one of
  // them before its inputs are all known.
  if (Op == "If")
    return importIf();
  for (const auto &A : Node->attribute())
    if (A.type() == onnx::AttributeProto::GRAPH || A.type() == onnx::AttributeProto::GRAPHS)
      return fail("subgraph attribute " + q(A.name()) + " is not supported");
  FailureOr<bool> Folded = fold();
  if (failed(Folded))
    return failure();
  if (*Folded)
    return success();
  for (size_t K = 0; K < numInputs(); ++K)
    if (hasInput(int(K)) && !isConst(int(K)) && !Values.count(Node->input(int(K))))
      return fail("input " + q(Node->input(int(K))) + " is not defined before this node");

  auto It = table().find(Op);
  if (It == table().end())
    return fail("unsupported operator");
  // The newest entry at or below the model's opset.
  const OperatorBuilder *Found = nullptr;
  for (const OperatorBuilder *E : It->second)
    if (E->Since <= Opset)
      Found = E;
  if (!Found)
    return fail("supported from opset " + std::to_string(It->second.front()->Since) + " on");
  if (failed((this->*Found->Build)())) {
    if (!Error)
      return fail("internal error: the builder failed without a message");
    return failure();
  }
  return success();
}

} // namespace d1::import

std::vector<d1::RegisteredOperator> d1::registeredOperators() {
  std::vector<RegisteredOperator> R;
  for (const d1::import::OperatorBuilder &E : d1::import::Builders)
    R.push_back({E.OpType, E.Since});
  return R;
}
