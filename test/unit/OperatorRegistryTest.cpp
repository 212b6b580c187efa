//===- OperatorRegistryTest.cpp - The importer's table of operators -------===//
//
// lib/Import/Operators.def lists every ONNX operator the importer builds,
// by family. Its entries must name real operators of the default domain,
// and no operator may have two builders for one opset.
//
//===----------------------------------------------------------------------===//
#include "d1/Import/ONNXImporter.h"

#include "onnx/defs/schema.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace d1;

namespace {

TEST(OperatorRegistryTest, EntriesAreOperatorsOfTheDefaultDomain) {
  // The newest opset libonnx's schemas know; entries of later opsets (d1c
  // reads up to 21) are past what they can check.
  const auto &Ranges = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  int64_t Known = Ranges.at(onnx::ONNX_DOMAIN).second;
  for (const RegisteredOperator &E : registeredOperators()) {
    EXPECT_GE(E.Since, 1) << E.OpType;
    EXPECT_LE(E.Since, 21) << E.OpType;
    if (E.Since > Known)
      continue;
    // The schema in force at that opset (null for a misspelled operator or
    // one that did not exist yet).
    EXPECT_NE(onnx::OpSchemaRegistry::Schema(E.OpType, int(E.Since), ""), nullptr)
        << E.OpType << " at opset " << E.Since;
  }
}

TEST(OperatorRegistryTest, OneBuilderPerOperatorAndOpset) {
  std::set<std::pair<std::string, int64_t>> Seen;
  for (const RegisteredOperator &E : registeredOperators())
    EXPECT_TRUE(Seen.insert({E.OpType, E.Since}).second) << E.OpType << " since " << E.Since;
}

TEST(OperatorRegistryTest, CoversTheModelsOperators) {
  // The operators of the bundled example models, and a few from each family.
  std::map<std::string, bool> Wanted;
  for (const char *Op : {"Conv", "Relu", "MaxPool", "Add", "GlobalAveragePool", "Flatten", "Gemm",
                         "MatMul", "Softmax", "LayerNormalization", "Reshape", "Transpose",
                         "Resize", "If", "LSTM", "QuantizeLinear", "Pad", "ReduceMean"})
    Wanted[Op] = false;
  for (const RegisteredOperator &E : registeredOperators())
    if (Wanted.count(E.OpType))
      Wanted[E.OpType] = true;
  for (const auto &[Op, Found] : Wanted)
    EXPECT_TRUE(Found) << Op << " has no builder";
}

} // namespace
