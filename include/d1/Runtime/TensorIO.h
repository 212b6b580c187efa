//===- TensorIO.h - .npy and ONNX TensorProto files -------------*- C++ -*-===//
#ifndef D1_RUNTIME_TENSORIO_H
#define D1_RUNTIME_TENSORIO_H

#include "d1/Binary/D1X.h"

#include <string>
#include <vector>

namespace d1 {

struct HostTensor {
  std::string Name;
  d1x::DType DType = d1x::DTYPE_UNDEFINED;
  std::vector<int64_t> Shape;
  std::string Bytes; // little-endian, row-major
};

/// Reads a .npy or an ONNX TensorProto .pb (chosen by content). Returns
/// false with Err set on a malformed file.
bool readTensorFile(const std::string &Path, HostTensor &T, std::string &Err);
/// Converts T to Want's dtype where that is exact (or fp32 -> bf16 with
/// round-to-nearest-even) and checks the shape; Err names both.
bool conformTensor(HostTensor &T, const d1x::Tensor &Want, std::string &Err);
/// Writes T as .npy or TensorProto .pb, through a temporary file.
bool writeTensorFile(const std::string &Path, const HostTensor &T, bool Npy, std::string &Err);
/// "f32[4x16]"
std::string describe(d1x::DType T, const std::vector<int64_t> &Shape);

} // namespace d1

#endif
