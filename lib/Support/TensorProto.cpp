//===- TensorProto.cpp - One decoder of ONNX TensorProto data -------------===//
#include "d1/Support/TensorProto.h"
#include "d1/Support/Shapes.h"

#include "onnx/onnx_pb.h"

#include <cstring>

using namespace d1;

size_t d1::tensorProtoElementSize(int32_t T) {
  switch (T) {
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
    return 8;
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    return 2;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    return 1;
  default:
    return 0;
  }
}

namespace {
/// A shape for a message, cut short when a file gives thousands of
/// dimensions.
std::string shown(const std::vector<int64_t> &Dims) {
  std::string S = shapes::str(Dims);
  return S.size() > 200 ? S.substr(0, 200) + "...]" : S;
}

template <class V> void appendLE(std::string &Out, V Value, size_t Size) {
  uint64_t U = 0;
  std::memcpy(&U, &Value, sizeof(V));
  for (size_t I = 0; I < Size; ++I)
    Out += char((U >> (8 * I)) & 0xff);
}
} // namespace

bool d1::decodeTensorProto(const onnx::TensorProto &T, const std::vector<int64_t> &Dims,
                           std::string &Bytes, std::string &Err) {
  size_t Size = tensorProtoElementSize(T.data_type());
  int64_t N;
  if (!shapes::checkedNumElements(Dims, N) ||
      uint64_t(N) > UINT64_MAX / std::max<size_t>(Size, 1)) {
    Err = "has a shape " + shown(Dims) + " whose size overflows 64 bits";
    return false;
  }
  if (T.has_raw_data()) {
    if (T.raw_data().size() != size_t(N) * Size) {
      Err = "holds " + std::to_string(T.raw_data().size()) + " bytes; its shape " + shown(Dims) +
            " needs " + std::to_string(uint64_t(N) * Size);
      return false;
    }
    Bytes = T.raw_data();
    return true;
  }
  int64_t Got;
  switch (T.data_type()) {
  case onnx::TensorProto::FLOAT:
    Got = T.float_data_size();
    break;
  case onnx::TensorProto::DOUBLE:
    Got = T.double_data_size();
    break;
  case onnx::TensorProto::INT64:
    Got = T.int64_data_size();
    break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    Got = T.uint64_data_size();
    break;
  default:
    Got = T.int32_data_size();
    break;
  }
  if (Got != N) {
    Err = "holds " + std::to_string(Got) + " values; its shape " + shown(Dims) + " needs " +
          std::to_string(N);
    return false;
  }
  Bytes.clear();
  Bytes.reserve(size_t(N) * Size);
  switch (T.data_type()) {
  case onnx::TensorProto::FLOAT:
    for (float F : T.float_data())
      appendLE(Bytes, F, 4);
    break;
  case onnx::TensorProto::DOUBLE:
    for (double F : T.double_data())
      appendLE(Bytes, F, 8);
    break;
  case onnx::TensorProto::INT64:
    for (int64_t V : T.int64_data())
      appendLE(Bytes, V, 8);
    break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    for (uint64_t V : T.uint64_data())
      appendLE(Bytes, V, Size);
    break;
  default:
    for (int32_t V : T.int32_data())
      appendLE(Bytes, V, Size);
    break;
  }
  return true;
}
