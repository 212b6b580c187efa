//===- ProtoMutator.h - Structure-aware mutation of protobuf messages -*- C++ -*-===//
//
// A small replacement for libprotobuf-mutator (not packaged by Debian): one
// call picks a random field anywhere in a message tree through protobuf
// reflection and changes it. Scalars take boundary values (0, -1, INT64_MIN,
// INT64_MAX, 2^31, NaN, ...) or nearby ones, enums another declared value,
// bools flip; repeated fields gain, lose, duplicate or swap elements; bytes
// and strings go through libFuzzer's own byte mutator. Fuzz targets add
// domain knowledge through the hooks (ONNX op types, value names, ...).
//
//===----------------------------------------------------------------------===//
#ifndef D1_FUZZ_PROTOMUTATOR_H
#define D1_FUZZ_PROTOMUTATOR_H

#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace d1fuzz {

/// One field of one message in the tree: the unit the mutator picks from.
struct FieldRef {
  google::protobuf::Message *Msg;
  const google::protobuf::FieldDescriptor *Field;
  /// The message that holds Msg (null for the root).
  google::protobuf::Message *Parent;
};

class ProtoMutator {
public:
  explicit ProtoMutator(uint64_t Seed) : Rng(Seed) {}

  /// Applies one random mutation somewhere in Root.
  void mutate(google::protobuf::Message &Root);

  /// Replaces a string (Index >= 0: that element of a repeated field) with a
  /// domain value; returns false to leave it to the generic mutation.
  std::function<bool(const FieldRef &, int Index, std::string &Value)> StringHook;
  /// Picks an integer for a field; returns false for the generic choice.
  std::function<bool(const FieldRef &, int64_t &Value)> IntHook;
  /// A mutation of a whole message (inserting a node, ...); returns false
  /// when it does not apply.
  std::function<bool(const FieldRef &)> MessageHook;
  /// Fields never picked (doc strings and the like).
  std::function<bool(const google::protobuf::FieldDescriptor *)> Skip;

  /// Uniform in [0, N); N > 0.
  uint64_t below(uint64_t N) { return Rng() % N; }
  bool oneIn(uint64_t N) { return below(N) == 0; }
  int64_t interestingInt();
  double interestingFloat();
  /// libFuzzer's mutation of a byte string, at most MaxSize bytes long.
  std::string mutateBytes(const std::string &In, size_t MaxSize);

  std::mt19937_64 Rng;

private:
  void collect(google::protobuf::Message &M, google::protobuf::Message *Parent, int Depth,
               std::vector<FieldRef> &Out);
  void mutateField(const FieldRef &F);
  void mutateScalar(const FieldRef &F, int Index);
};

} // namespace d1fuzz

#endif
