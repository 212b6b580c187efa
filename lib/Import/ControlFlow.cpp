//===- ControlFlow.cpp - If -------------------------------------------------===//
#include "Importer.h"

namespace d1::import {

void Importer::importIf() {
  const onnx::AttributeProto *Then = attr("then_branch"), *Else = attr("else_branch");
  if (!Then || !Else || !Then->has_g() || !Else->has_g())
    fail("If needs then_branch and else_branch graphs");
  const onnx::NodeProto *Outer = Node;
  int OuterIndex = NodeIndex;
  // Imports a branch's nodes. A branch sees the values of the enclosing
  // graph; its own names are unique in the model, so they share the maps.
  auto Run = [&](const onnx::GraphProto &G) {
    for (const auto &T : G.initializer())
      Consts[T.name()] = readTensor(T, "initializer " + q(T.name()));
    for (int K = 0; K < G.node_size(); ++K) {
      Node = &G.node(K);
      NodeIndex = K;
      importNode();
    }
    Node = Outer;
    NodeIndex = OuterIndex;
    if (G.output_size() != Node->output_size())
      fail("a branch and the node have different numbers of outputs");
  };
  // A condition known at compile time (a constant, or computed from shapes,
  // as exporters write a test of a static dimension) takes its branch
  // alone: the other is never imported, and may not even fit these shapes.
  // Constant outputs stay constants, so that the shape computations after
  // the If fold too.
  if (isConst(0)) {
    const Const &C = constInput(0, "cond");
    if (C.size() != 1)
      fail("cond must hold one value, has " + std::to_string(C.size()));
    const onnx::GraphProto &G = C.at(0) != 0 ? Then->g() : Else->g();
    Run(G);
    for (int K = 0; K < G.output_size(); ++K) {
      const std::string &Name = G.output(K).name();
      if (Consts.count(Name))
        setConst(K, Consts[Name]);
      else if (Values.count(Name))
        setOutput(K, Values[Name]);
      else
        fail("branch output " + q(Name) + " is not produced");
    }
    return;
  }
  // Otherwise both run and a where selects (the branches must agree in
  // shape and type).
  Value Cond = inputAs(0, B.getI1Type());
  auto Outputs = [&](const onnx::GraphProto &G) {
    Run(G);
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
  std::vector<Value> A = Outputs(Then->g()), Bv = Outputs(Else->g());
  for (size_t K = 0; K < A.size(); ++K) {
    if (shapeOf(A[K]) != shapeOf(Bv[K]) || eltOf(A[K]) != eltOf(Bv[K]))
      fail("branch outputs " + std::to_string(K) + " differ in shape or type (" +
           shapeStr(shapeOf(A[K])) + " and " + shapeStr(shapeOf(Bv[K])) +
           "); the condition is known only at run time");
    setOutput(int(K), where(reshape(Cond, {}), A[K], Bv[K]));
  }
}

} // namespace d1::import
