//===- ControlFlow.cpp - If -------------------------------------------------===//
#include "Importer.h"

namespace d1::import {

LogicalResult Importer::importIf() {
  const onnx::AttributeProto *Then = attr("then_branch"), *Else = attr("else_branch");
  if (!Then || !Else || !Then->has_g() || !Else->has_g())
    return fail("If needs then_branch and else_branch graphs");
  const onnx::NodeProto *Outer = Node;
  int OuterIndex = NodeIndex;
  // Imports a branch's nodes. A branch sees the values of the enclosing
  // graph; its own names are unique in the model, so they share the maps.
  // A failure leaves Node at the failing node: its message is recorded.
  auto Run = [&](const onnx::GraphProto &G) -> LogicalResult {
    for (const auto &T : G.initializer()) {
      FailureOr<Const> C = readTensor(T, "initializer " + q(T.name()));
      if (failed(C))
        return failure();
      Consts[T.name()] = std::move(*C);
    }
    for (int K = 0; K < G.node_size(); ++K) {
      Node = &G.node(K);
      NodeIndex = K;
      if (failed(importNode()))
        return failure();
    }
    Node = Outer;
    NodeIndex = OuterIndex;
    if (G.output_size() != Node->output_size())
      return fail("a branch and the node have different numbers of outputs");
    return success();
  };
  // A condition known at compile time (a constant, or computed from shapes,
  // as exporters write a test of a static dimension) takes its branch
  // alone: the other is never imported, and may not even fit these shapes.
  // Constant outputs stay constants, so that the shape computations after
  // the If fold too.
  if (isConst(0)) {
    const Const *C = constInput(0, "cond");
    if (!C)
      return failure();
    if (C->size() != 1)
      return fail("cond must hold one value, has " + std::to_string(C->size()));
    const onnx::GraphProto &G = C->at(0) != 0 ? Then->g() : Else->g();
    if (failed(Run(G)))
      return failure();
    for (int K = 0; K < G.output_size(); ++K) {
      const std::string &Name = G.output(K).name();
      if (Consts.count(Name)) {
        if (failed(setConst(K, Consts[Name])))
          return failure();
      } else if (Values.count(Name)) {
        if (failed(setOutput(K, Values[Name])))
          return failure();
      } else {
        return fail("branch output " + q(Name) + " is not produced");
      }
    }
    return success();
  }
  // Otherwise both run and a where selects (the branches must agree in
  // shape and type).
  Value Cond = inputAs(0, B.getI1Type());
  if (!Cond)
    return failure();
  auto Outputs = [&](const onnx::GraphProto &G) -> FailureOr<std::vector<Value>> {
    if (failed(Run(G)))
      return failure();
    std::vector<Value> Out;
    for (const auto &O : G.output()) {
      if (Values.count(O.name()))
        Out.push_back(Values[O.name()]);
      else if (Consts.count(O.name()))
        Out.push_back(materialize(Consts[O.name()]));
      else
        return fail("branch output " + q(O.name()) + " is not produced");
      if (!Out.back())
        return failure();
    }
    return Out;
  };
  FailureOr<std::vector<Value>> A = Outputs(Then->g());
  if (failed(A))
    return failure();
  FailureOr<std::vector<Value>> Bv = Outputs(Else->g());
  if (failed(Bv))
    return failure();
  for (size_t K = 0; K < A->size(); ++K) {
    Value TV = (*A)[K], EV = (*Bv)[K];
    if (shapeOf(TV) != shapeOf(EV) || eltOf(TV) != eltOf(EV))
      return fail("branch outputs " + std::to_string(K) + " differ in shape or type (" +
                  shapeStr(shapeOf(TV)) + " and " + shapeStr(shapeOf(EV)) +
                  "); the condition is known only at run time");
    if (failed(setOutput(int(K), where(reshape(Cond, {}), TV, EV))))
      return failure();
  }
  return success();
}

} // namespace d1::import
