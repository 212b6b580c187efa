//===- TensorIO.h - .npy and ONNX TensorProto files -------------*- C++ -*-===//
#ifndef D1_RUNTIME_TENSORIO_H
#define D1_RUNTIME_TENSORIO_H

#include "d1/Binary/D1X.h"

#include <cstdint>
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
/// false with Err set on a malformed file, or one that is not a regular file
/// or is larger than MaxBytes.
bool readTensorFile(const std::string &Path, HostTensor &T, std::string &Err,
                    uint64_t MaxBytes = UINT64_MAX);
/// Converts T to Want's dtype where that is exact (or fp32 -> bf16 with
/// round-to-nearest-even) and checks the shape; Err names both.
bool conformTensor(HostTensor &T, const d1x::Tensor &Want, std::string &Err);
/// T as the bytes of a .npy or a TensorProto .pb file.
std::string encodeTensorFile(const HostTensor &T, bool Npy);
/// "f32[4x16]"
std::string describe(d1x::DType T, const std::vector<int64_t> &Shape);

} // namespace d1

#endif
