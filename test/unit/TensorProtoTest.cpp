//===- TensorProtoTest.cpp - The one TensorProto decoder -------------------===//
#include "d1/Support/TensorProto.h"

#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace d1;

namespace {

onnx::TensorProto proto(int32_t Type, std::vector<int64_t> Dims) {
  onnx::TensorProto T;
  T.set_data_type(Type);
  for (int64_t D : Dims)
    T.add_dims(D);
  return T;
}

TEST(TensorProtoTest, RawDataIsTakenAsItIs) {
  onnx::TensorProto T = proto(onnx::TensorProto::INT16, {2});
  T.set_raw_data(std::string("\x01\x02\x03\x04", 4));
  std::string Bytes, Err;
  ASSERT_TRUE(decodeTensorProto(T, {2}, Bytes, Err)) << Err;
  EXPECT_EQ(Bytes, std::string("\x01\x02\x03\x04", 4));
}

TEST(TensorProtoTest, TypedFieldsBecomeLittleEndianElements) {
  std::string Bytes, Err;
  onnx::TensorProto F = proto(onnx::TensorProto::FLOAT, {2});
  F.add_float_data(1.5f);
  F.add_float_data(-2.0f);
  ASSERT_TRUE(decodeTensorProto(F, {2}, Bytes, Err)) << Err;
  float Got[2];
  std::memcpy(Got, Bytes.data(), 8);
  EXPECT_EQ(Got[0], 1.5f);
  EXPECT_EQ(Got[1], -2.0f);

  // Narrow integers and bool ride in int32_data, cut to their size.
  onnx::TensorProto I8 = proto(onnx::TensorProto::INT8, {3});
  for (int32_t V : {-1, 127, -128})
    I8.add_int32_data(V);
  ASSERT_TRUE(decodeTensorProto(I8, {3}, Bytes, Err)) << Err;
  EXPECT_EQ(Bytes, std::string("\xff\x7f\x80", 3));

  // UINT32 rides in uint64_data.
  onnx::TensorProto U32 = proto(onnx::TensorProto::UINT32, {1});
  U32.add_uint64_data(0xdeadbeefu);
  ASSERT_TRUE(decodeTensorProto(U32, {1}, Bytes, Err)) << Err;
  EXPECT_EQ(Bytes, std::string("\xef\xbe\xad\xde", 4));

  onnx::TensorProto I64 = proto(onnx::TensorProto::INT64, {1});
  I64.add_int64_data(INT64_MIN);
  ASSERT_TRUE(decodeTensorProto(I64, {1}, Bytes, Err)) << Err;
  EXPECT_EQ(Bytes, std::string("\0\0\0\0\0\0\0\x80", 8));
}

TEST(TensorProtoTest, CountsMustMatchTheShape) {
  std::string Bytes, Err;
  onnx::TensorProto Raw = proto(onnx::TensorProto::FLOAT, {2, 3});
  Raw.set_raw_data(std::string(10, '\0'));
  EXPECT_FALSE(decodeTensorProto(Raw, {2, 3}, Bytes, Err));
  EXPECT_EQ(Err, "holds 10 bytes; its shape [2, 3] needs 24");

  onnx::TensorProto Typed = proto(onnx::TensorProto::INT64, {4});
  Typed.add_int64_data(1);
  EXPECT_FALSE(decodeTensorProto(Typed, {4}, Bytes, Err));
  EXPECT_EQ(Err, "holds 1 values; its shape [4] needs 4");

  onnx::TensorProto Huge = proto(onnx::TensorProto::DOUBLE, {int64_t(1) << 40, int64_t(1) << 30});
  EXPECT_FALSE(decodeTensorProto(Huge, {int64_t(1) << 40, int64_t(1) << 30}, Bytes, Err));
  EXPECT_NE(Err.find("overflows 64 bits"), std::string::npos) << Err;
}

TEST(TensorProtoTest, ElementSizes) {
  EXPECT_EQ(tensorProtoElementSize(onnx::TensorProto::BOOL), 1u);
  EXPECT_EQ(tensorProtoElementSize(onnx::TensorProto::BFLOAT16), 2u);
  EXPECT_EQ(tensorProtoElementSize(onnx::TensorProto::UINT32), 4u);
  EXPECT_EQ(tensorProtoElementSize(onnx::TensorProto::DOUBLE), 8u);
  EXPECT_EQ(tensorProtoElementSize(onnx::TensorProto::STRING), 0u);
}

} // namespace
