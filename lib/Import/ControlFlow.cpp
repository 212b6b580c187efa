//===- ControlFlow.cpp - If -------------------------------------------------===//
#include "Importer.h"

namespace d1::import {

void Importer::importIf() {
  Value Cond = inputAs(0, B.getI1Type());
  const onnx::AttributeProto *Then = attr("then_branch"), *Else = attr("else_branch");
  if (!Then || !Else || !Then->has_g() || !Else->has_g())
    fail("If needs then_branch and else_branch graphs");
  const onnx::NodeProto *Outer = Node;
  int OuterIndex = NodeIndex;
  auto Branch = [&](const onnx::GraphProto &G) {
    // A branch sees the values of the enclosing graph; its own names are
    // unique in the model, so they can share the maps.
    for (const auto &T : G.initializer())
      Consts[T.name()] = readTensor(T, "initializer " + q(T.name()));
    for (int K = 0; K < G.node_size(); ++K) {
      Node = &G.node(K);
      NodeIndex = K;
      importNode();
    }
    Node = Outer;
    NodeIndex = OuterIndex;
    std::vector<Value> Out;
    for (const auto &O : G.output()) {
      if (Values.count(O.name()))
        Out.push_back(Values[O.name()]);
      else if (Consts.count(O.name()))
        Out.push_back(materialize(Consts[O.name()]));
      else
        fail("branch output " + q(O.name()) + " is not produced");
    }
    return Out;
  };
  std::vector<Value> A = Branch(Then->g()), Bv = Branch(Else->g());
  if (A.size() != Bv.size() || int(A.size()) != Node->output_size())
    fail("the branches and the node have different numbers of outputs");
  // A constant condition picks a branch; otherwise both run and a where
  // selects (the branches must agree in shape and type).
  for (size_t K = 0; K < A.size(); ++K) {
    if (shapeOf(A[K]) != shapeOf(Bv[K]) || eltOf(A[K]) != eltOf(Bv[K]))
      fail("branch outputs " + std::to_string(K) + " differ in shape or type (" +
           shapeStr(shapeOf(A[K])) + " and " + shapeStr(shapeOf(Bv[K])) + ")");
    setOutput(int(K), where(reshape(Cond, {}), A[K], Bv[K]));
  }
}

} // namespace d1::import
