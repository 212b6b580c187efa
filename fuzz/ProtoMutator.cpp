//===- ProtoMutator.cpp - Structure-aware mutation of protobuf messages ---===//
#include "ProtoMutator.h"

#include <google/protobuf/descriptor.h>

#include <cmath>
#include <cstring>
#include <limits>

extern "C" size_t LLVMFuzzerMutate(uint8_t *Data, size_t Size, size_t MaxSize);

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

namespace d1fuzz {

int64_t ProtoMutator::interestingInt() {
  static const int64_t Values[] = {0,
                                   1,
                                   -1,
                                   2,
                                   3,
                                   4,
                                   7,
                                   8,
                                   16,
                                   17,
                                   31,
                                   32,
                                   64,
                                   127,
                                   128,
                                   255,
                                   256,
                                   1024,
                                   4096,
                                   65535,
                                   65536,
                                   int64_t(1) << 20,
                                   int64_t(std::numeric_limits<int32_t>::max()),
                                   int64_t(std::numeric_limits<int32_t>::min()),
                                   int64_t(1) << 31,
                                   int64_t(1) << 32,
                                   (int64_t(1) << 32) - 1,
                                   int64_t(1) << 62,
                                   std::numeric_limits<int64_t>::max(),
                                   std::numeric_limits<int64_t>::min(),
                                   std::numeric_limits<int64_t>::max() - 1,
                                   std::numeric_limits<int64_t>::min() + 1,
                                   -2,
                                   -3,
                                   -128,
                                   -129};
  switch (below(4)) {
  case 0:
    return int64_t(Rng());
  case 1:
    return int64_t(below(34)) - 1; // small, the common case of dims and axes
  default:
    return Values[below(sizeof(Values) / sizeof(Values[0]))];
  }
}

double ProtoMutator::interestingFloat() {
  static const double Values[] = {0.0,
                                  -0.0,
                                  1.0,
                                  -1.0,
                                  0.5,
                                  2.0,
                                  1e-7,
                                  1e30,
                                  -1e30,
                                  65504.0,
                                  std::numeric_limits<float>::max(),
                                  -std::numeric_limits<float>::max(),
                                  std::numeric_limits<float>::min(),
                                  std::numeric_limits<float>::denorm_min(),
                                  std::numeric_limits<double>::max(),
                                  std::numeric_limits<double>::quiet_NaN(),
                                  -std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity()};
  if (oneIn(4))
    return double(int64_t(below(2001)) - 1000) / 8.0;
  return Values[below(sizeof(Values) / sizeof(Values[0]))];
}

std::string ProtoMutator::mutateBytes(const std::string &In, size_t MaxSize) {
  MaxSize = std::max<size_t>(MaxSize, 1);
  std::string Buf(std::max(In.size(), MaxSize), '\0');
  std::memcpy(Buf.data(), In.data(), In.size());
  size_t N = LLVMFuzzerMutate(reinterpret_cast<uint8_t *>(Buf.data()), In.size(), MaxSize);
  Buf.resize(N);
  return Buf;
}

void ProtoMutator::collect(Message &M, Message *Parent, int Depth, std::vector<FieldRef> &Out) {
  const Reflection *R = M.GetReflection();
  const auto *D = M.GetDescriptor();
  for (int I = 0; I < D->field_count(); ++I) {
    const FieldDescriptor *F = D->field(I);
    if (Skip && Skip(F))
      continue;
    bool Present = true; // proto3 scalars: "absent" is the default value
    if (F->is_repeated())
      Present = R->FieldSize(M, F) > 0;
    else if (F->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
      Present = R->HasField(M, F);
    // Absent fields are picked less often: most mutations should change
    // what the seed has.
    if (Present || oneIn(4))
      Out.push_back({&M, F, Parent});
    if (!Present || F->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || Depth >= 12)
      continue;
    if (F->is_repeated()) {
      for (int K = 0, N = R->FieldSize(M, F); K < N; ++K)
        collect(*R->MutableRepeatedMessage(&M, F, K), &M, Depth + 1, Out);
    } else {
      collect(*R->MutableMessage(&M, F), &M, Depth + 1, Out);
    }
  }
}

void ProtoMutator::mutate(Message &Root) {
  std::vector<FieldRef> Fields;
  collect(Root, nullptr, 0, Fields);
  if (Fields.empty())
    return;
  const FieldRef &F = Fields[below(Fields.size())];
  if (MessageHook && oneIn(4) && MessageHook(F))
    return;
  mutateField(F);
}

void ProtoMutator::mutateField(const FieldRef &F) {
  Message &M = *F.Msg;
  const Reflection *R = M.GetReflection();
  const FieldDescriptor *FD = F.Field;
  bool IsMessage = FD->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
  if (!FD->is_repeated()) {
    if (IsMessage) {
      if (R->HasField(M, FD) && oneIn(2))
        R->ClearField(&M, FD);
      else
        R->MutableMessage(&M, FD); // present, with defaults
      return;
    }
    mutateScalar(F, -1);
    return;
  }
  int N = R->FieldSize(M, FD);
  switch (N == 0 ? 0 : below(8)) {
  case 0: // add an element
    if (IsMessage) {
      Message *New = R->AddMessage(&M, FD);
      if (N > 0)
        New->CopyFrom(R->GetRepeatedMessage(M, FD, int(below(uint64_t(N)))));
    } else {
      switch (FD->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        R->AddInt32(&M, FD, 0);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        R->AddInt64(&M, FD, 0);
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        R->AddUInt32(&M, FD, 0);
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        R->AddUInt64(&M, FD, 0);
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        R->AddFloat(&M, FD, 0);
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        R->AddDouble(&M, FD, 0);
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        R->AddBool(&M, FD, false);
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        R->AddEnum(&M, FD, FD->enum_type()->value(0));
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        R->AddString(&M, FD, N > 0 ? R->GetRepeatedString(M, FD, int(below(uint64_t(N)))) : "");
        break;
      default:
        break;
      }
      mutateScalar(F, N);
    }
    return;
  case 1: { // remove one
    int K = int(below(uint64_t(N)));
    for (int J = K; J + 1 < N; ++J)
      R->SwapElements(&M, FD, J, J + 1);
    R->RemoveLast(&M, FD);
    return;
  }
  case 2: // swap two
    R->SwapElements(&M, FD, int(below(uint64_t(N))), int(below(uint64_t(N))));
    return;
  case 3: // duplicate one at the end, or drop everything
    if (oneIn(8)) {
      R->ClearField(&M, FD);
    } else if (IsMessage) {
      R->AddMessage(&M, FD)->CopyFrom(R->GetRepeatedMessage(M, FD, int(below(uint64_t(N)))));
    } else if (FD->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      R->AddString(&M, FD, R->GetRepeatedString(M, FD, int(below(uint64_t(N)))));
    } else {
      mutateField({F.Msg, FD, F.Parent}); // add and set
    }
    return;
  default: // change one
    if (IsMessage) {
      // Fields inside are picked on their own; here: reset it.
      R->MutableRepeatedMessage(&M, FD, int(below(uint64_t(N))))->Clear();
      return;
    }
    mutateScalar(F, int(below(uint64_t(N))));
    return;
  }
}

void ProtoMutator::mutateScalar(const FieldRef &F, int Index) {
  Message &M = *F.Msg;
  const Reflection *R = M.GetReflection();
  const FieldDescriptor *FD = F.Field;
  bool Rep = Index >= 0;
  auto Int = [&](int64_t Old) {
    int64_t V;
    if (IntHook && !oneIn(4) && IntHook(F, V))
      return V;
    if (oneIn(3))
      return int64_t(uint64_t(Old) + uint64_t(int64_t(below(9)) - 4)); // nearby
    return interestingInt();
  };
  switch (FD->cpp_type()) {
  case FieldDescriptor::CPPTYPE_INT32: {
    int32_t Old = Rep ? R->GetRepeatedInt32(M, FD, Index) : R->GetInt32(M, FD);
    auto V = int32_t(Int(Old));
    Rep ? R->SetRepeatedInt32(&M, FD, Index, V) : R->SetInt32(&M, FD, V);
    break;
  }
  case FieldDescriptor::CPPTYPE_INT64: {
    int64_t Old = Rep ? R->GetRepeatedInt64(M, FD, Index) : R->GetInt64(M, FD);
    int64_t V = Int(Old);
    Rep ? R->SetRepeatedInt64(&M, FD, Index, V) : R->SetInt64(&M, FD, V);
    break;
  }
  case FieldDescriptor::CPPTYPE_UINT32: {
    uint32_t Old = Rep ? R->GetRepeatedUInt32(M, FD, Index) : R->GetUInt32(M, FD);
    auto V = uint32_t(Int(Old));
    Rep ? R->SetRepeatedUInt32(&M, FD, Index, V) : R->SetUInt32(&M, FD, V);
    break;
  }
  case FieldDescriptor::CPPTYPE_UINT64: {
    uint64_t Old = Rep ? R->GetRepeatedUInt64(M, FD, Index) : R->GetUInt64(M, FD);
    auto V = uint64_t(Int(int64_t(Old)));
    Rep ? R->SetRepeatedUInt64(&M, FD, Index, V) : R->SetUInt64(&M, FD, V);
    break;
  }
  case FieldDescriptor::CPPTYPE_FLOAT:
  case FieldDescriptor::CPPTYPE_DOUBLE: {
    bool IsFloat = FD->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT;
    double Old = IsFloat ? (Rep ? R->GetRepeatedFloat(M, FD, Index) : R->GetFloat(M, FD))
                         : (Rep ? R->GetRepeatedDouble(M, FD, Index) : R->GetDouble(M, FD));
    double V = oneIn(3) ? Old * (oneIn(2) ? -1.0 : 2.0) : interestingFloat();
    if (IsFloat)
      Rep ? R->SetRepeatedFloat(&M, FD, Index, float(V)) : R->SetFloat(&M, FD, float(V));
    else
      Rep ? R->SetRepeatedDouble(&M, FD, Index, V) : R->SetDouble(&M, FD, V);
    break;
  }
  case FieldDescriptor::CPPTYPE_BOOL: {
    bool Old = Rep ? R->GetRepeatedBool(M, FD, Index) : R->GetBool(M, FD);
    Rep ? R->SetRepeatedBool(&M, FD, Index, !Old) : R->SetBool(&M, FD, !Old);
    break;
  }
  case FieldDescriptor::CPPTYPE_ENUM: {
    const auto *E = FD->enum_type();
    const auto *V = E->value(int(below(uint64_t(E->value_count()))));
    Rep ? R->SetRepeatedEnum(&M, FD, Index, V) : R->SetEnum(&M, FD, V);
    break;
  }
  case FieldDescriptor::CPPTYPE_STRING: {
    std::string V = Rep ? R->GetRepeatedString(M, FD, Index) : R->GetString(M, FD);
    if (!(StringHook && !oneIn(4) && StringHook(F, Index, V))) {
      if (oneIn(8))
        V.clear();
      else
        V = mutateBytes(V, FD->type() == FieldDescriptor::TYPE_BYTES
                               ? std::min<size_t>(V.size() * 2 + 16, 1 << 16)
                               : std::min<size_t>(V.size() + 8, 256));
    }
    Rep ? R->SetRepeatedString(&M, FD, Index, V) : R->SetString(&M, FD, V);
    break;
  }
  default:
    break;
  }
}

} // namespace d1fuzz
