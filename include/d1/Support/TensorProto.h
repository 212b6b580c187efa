//===- TensorProto.h - One decoder of ONNX TensorProto data ----*- C++ -*-===//
//
// The importer's initializers and d1-run's .pb tensor files are read by this
// one decoder: whichever field holds the data (raw_data, or the typed
// fields), it yields the little-endian bytes of the element type, checked
// against the shape.
//
//===----------------------------------------------------------------------===//
#ifndef D1_SUPPORT_TENSORPROTO_H
#define D1_SUPPORT_TENSORPROTO_H

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace d1 {

/// Bytes of one element of ONNX data type T (bool as one byte); 0 for a
/// type that is not a fixed-size number (strings, complex, undefined).
size_t tensorProtoElementSize(int32_t T);

/// The data of T (not external data: the caller reads that) as
/// little-endian bytes of its element type: raw_data as it is, or the typed
/// field the format puts the type in (float_data; double_data; int64_data;
/// uint64_data for UINT32 and UINT64; int32_data for the narrower integers,
/// bool and the bits of FLOAT16 and BFLOAT16), each value cut to the
/// element's size. Dims must be T's dimensions, already checked
/// non-negative and not overflowing. False with Err ("holds 10 bytes; its
/// shape [2, 3] needs 24", or "values" for a typed field) when the count
/// does not match the shape.
bool decodeTensorProto(const onnx::TensorProto &T, const std::vector<int64_t> &Dims,
                       std::string &Bytes, std::string &Err);

} // namespace d1

#endif
