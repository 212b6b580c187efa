//===- Support.cpp - Helpers the importer's files share ---------------------===//
#include "Importer.h"

namespace d1::import {

/// How deep the messages of a serialized ModelProto nest, walked over the
/// wire format with the descriptors and an explicit stack (no recursion, so
/// any depth is safe); -1 if the bytes are not well formed.
int modelNesting(const uint8_t *Data, int Size) {
  using google::protobuf::Descriptor;
  using google::protobuf::FieldDescriptor;
  using google::protobuf::io::CodedInputStream;
  using WFL = google::protobuf::internal::WireFormatLite;
  CodedInputStream In(Data, Size);
  std::vector<std::pair<const Descriptor *, CodedInputStream::Limit>> Outer;
  const Descriptor *Cur = onnx::ModelProto::descriptor();
  int Deepest = 0;
  while (true) {
    if (!Outer.empty() && In.BytesUntilLimit() == 0) {
      In.PopLimit(Outer.back().second);
      Cur = Outer.back().first;
      Outer.pop_back();
      continue;
    }
    uint32_t Tag = In.ReadTag();
    if (!Tag)
      return Outer.empty() && In.ConsumedEntireMessage() ? Deepest : -1;
    uint64_t Scalar;
    uint32_t Fixed32, Length;
    switch (WFL::GetTagWireType(Tag)) {
    case WFL::WIRETYPE_VARINT:
      if (!In.ReadVarint64(&Scalar))
        return -1;
      break;
    case WFL::WIRETYPE_FIXED64:
      if (!In.ReadLittleEndian64(&Scalar))
        return -1;
      break;
    case WFL::WIRETYPE_FIXED32:
      if (!In.ReadLittleEndian32(&Fixed32))
        return -1;
      break;
    case WFL::WIRETYPE_LENGTH_DELIMITED: {
      if (!In.ReadVarint32(&Length) || Length > uint32_t(INT_MAX))
        return -1;
      const FieldDescriptor *F = Cur->FindFieldByNumber(WFL::GetTagFieldNumber(Tag));
      if (F && F->type() == FieldDescriptor::TYPE_MESSAGE) {
        if (In.BytesUntilLimit() >= 0 && int64_t(Length) > In.BytesUntilLimit())
          return -1;
        Outer.push_back({Cur, In.PushLimit(int(Length))});
        Cur = F->message_type();
        Deepest = std::max(Deepest, int(Outer.size()));
      } else if (!In.Skip(int(Length))) {
        return -1;
      }
      break;
    }
    default: // groups: ONNX has none
      return -1;
    }
  }
}

/// A double as int64: truncated toward zero, saturated at the ends, NaN as 0.
/// (A plain conversion of an out-of-range double is undefined.)
int64_t toInt64(double V) {
  if (std::isnan(V))
    return 0;
  if (V >= 9223372036854775808.0)
    return INT64_MAX;
  if (V < -9223372036854775808.0)
    return INT64_MIN;
  return int64_t(V);
}

/// A shape for a message, cut short when a model gives thousands of
/// dimensions.
std::string shapeStr(const Shape &S) {
  std::string Str = shapes::str(S);
  return Str.size() > 200 ? Str.substr(0, 200) + "...]" : Str;
}

bool isFloatType(int32_t T) {
  return T == onnx::TensorProto::FLOAT || T == onnx::TensorProto::DOUBLE ||
         T == onnx::TensorProto::FLOAT16 || T == onnx::TensorProto::BFLOAT16;
}
bool isIntType(int32_t T) {
  switch (T) {
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::BOOL:
    return true;
  default:
    return false;
  }
}

std::string dtypeName(int32_t T) {
  return onnx::TensorProto_DataType_IsValid(T) ? onnx::TensorProto_DataType_Name(T)
                                               : "type " + std::to_string(T);
}

/// Reads little-endian element K of a raw buffer of ONNX type T.
double rawAt(const std::string &Raw, int32_t T, size_t K) {
  auto Get = [&](auto Zero) {
    decltype(Zero) V;
    std::memcpy(&V, Raw.data() + K * sizeof(V), sizeof(V));
    return V;
  };
  switch (T) {
  case onnx::TensorProto::FLOAT:
    return Get(float());
  case onnx::TensorProto::DOUBLE:
    return Get(double());
  case onnx::TensorProto::INT8:
    return Get(int8_t());
  case onnx::TensorProto::INT16:
    return Get(int16_t());
  case onnx::TensorProto::INT32:
    return Get(int32_t());
  case onnx::TensorProto::INT64:
    return double(Get(int64_t()));
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    return Get(uint8_t());
  case onnx::TensorProto::UINT16:
    return Get(uint16_t());
  case onnx::TensorProto::UINT32:
    return Get(uint32_t());
  case onnx::TensorProto::UINT64:
    return double(Get(uint64_t()));
  default:
    return 0;
  }
}

size_t elementSize(int32_t T) { return std::max<size_t>(1, tensorProtoElementSize(T)); }

/// The ONNX type of a compiler element type (the inverse of elementType).
int32_t onnxType(Type T) {
  if (T.isF32())
    return onnx::TensorProto::FLOAT;
  if (T.isF64())
    return onnx::TensorProto::DOUBLE;
  if (T.isF16())
    return onnx::TensorProto::FLOAT16;
  if (T.isBF16())
    return onnx::TensorProto::BFLOAT16;
  if (T.isInteger(1))
    return onnx::TensorProto::BOOL;
  bool U = T.isUnsignedInteger();
  switch (T.getIntOrFloatBitWidth()) {
  case 8:
    return U ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
  case 16:
    return U ? onnx::TensorProto::UINT16 : onnx::TensorProto::INT16;
  case 32:
    return U ? onnx::TensorProto::UINT32 : onnx::TensorProto::INT32;
  default:
    return U ? onnx::TensorProto::UINT64 : onnx::TensorProto::INT64;
  }
}

/// S as a decimal count: digits only (no sign, space or base prefix), at
/// most INT64_MAX.
bool parseCount(const std::string &S, int64_t &V) {
  V = 0;
  if (S.empty())
    return false;
  for (char C : S)
    if (C < '0' || C > '9' || __builtin_mul_overflow(V, 10, &V) ||
        __builtin_add_overflow(V, C - '0', &V))
      return false;
  return true;
}

/// The flat index into In (broadcast to Out) of Out's element Flat.
int64_t broadcastIndex(const Shape &Out, const Shape &In, int64_t Flat) {
  int64_t Idx = 0, Stride = 1;
  size_t Rank = Out.size(), Off = Rank - In.size();
  for (size_t D = Rank; D-- > 0;) {
    int64_t Coord = Flat % Out[D];
    Flat /= Out[D];
    if (D >= Off) {
      if (In[D - Off] != 1)
        Idx += Coord * Stride;
      Stride *= In[D - Off];
    }
  }
  return Idx;
}

int64_t wrapTo(int32_t T, uint64_t V) {
  switch (T) {
  case onnx::TensorProto::INT8:
    return int8_t(uint8_t(V));
  case onnx::TensorProto::UINT8:
    return uint8_t(V);
  case onnx::TensorProto::INT16:
    return int16_t(uint16_t(V));
  case onnx::TensorProto::UINT16:
    return uint16_t(V);
  case onnx::TensorProto::INT32:
    return int32_t(uint32_t(V));
  case onnx::TensorProto::UINT32:
    return uint32_t(V);
  case onnx::TensorProto::BOOL:
    return V != 0;
  default:
    return int64_t(V);
  }
}

Const convertConst(Const C, int32_t To) {
  if (isFloatType(To)) {
    // Narrow integers and int32 exactly; wider ones as the generated code
    // converts them (d1::intToF32).
    if (!C.isFloat()) {
      bool Wide = C.DType == onnx::TensorProto::INT64 || C.DType == onnx::TensorProto::UINT64 ||
                  C.DType == onnx::TensorProto::UINT32;
      for (int64_t V : C.I)
        C.F.push_back(Wide ? intToF32(uint64_t(V), isUnsignedType(C.DType)) : float(V));
      C.I.clear();
    }
    C.DType = onnx::TensorProto::FLOAT;
    return C;
  }
  if (C.isFloat()) {
    // Floats to bool: not zero (NaN is true); to integers: toward zero,
    // saturated at the int32 range, NaN as 0, as vcvt.i32.f32 does.
    for (float V : C.F)
      C.I.push_back(To == onnx::TensorProto::BOOL ? int64_t(V != 0.0f) : f32ToI32Sat(V));
    C.F.clear();
  }
  for (int64_t &V : C.I)
    V = wrapTo(To, uint64_t(V));
  C.DType = To;
  return C;
}

bool isUnsignedType(int32_t T) {
  return T == onnx::TensorProto::UINT8 || T == onnx::TensorProto::UINT16 ||
         T == onnx::TensorProto::UINT32 || T == onnx::TensorProto::UINT64;
}

/// Copies a strided selection of a constant (used by Slice, Gather, Transpose).
Const gatherConst(const Const &C, const Shape &OutDims,
                  const std::function<int64_t(const std::vector<int64_t> &)> &SourceIndex) {
  Const R;
  R.DType = C.DType;
  R.Dims = OutDims;
  int64_t N = R.size();
  std::vector<int64_t> Coord(OutDims.size(), 0);
  for (int64_t K = 0; K < N; ++K) {
    int64_t Src = SourceIndex(Coord);
    if (C.isFloat())
      R.F.push_back(C.F[Src]);
    else
      R.I.push_back(C.I[Src]);
    for (size_t D = OutDims.size(); D-- > 0;) {
      if (++Coord[D] < OutDims[D])
        break;
      Coord[D] = 0;
    }
  }
  return R;
}

std::vector<int64_t> stridesOf(const Shape &S) {
  std::vector<int64_t> St(S.size(), 1);
  for (size_t D = S.size(); D-- > 1;)
    St[D - 1] = St[D] * S[D];
  return St;
}

} // namespace d1::import
