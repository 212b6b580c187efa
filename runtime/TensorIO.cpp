//===- TensorIO.cpp - .npy and ONNX TensorProto files ---------------------===//
//
// TensorProto goes through libonnx's generated protobuf classes. The .npy
// header is a short Python dict literal with three keys; it is parsed here
// strictly and anything unexpected is an error.
//
//===----------------------------------------------------------------------===//
#include "d1/Runtime/TensorIO.h"
#include "d1/Support/FileIO.h"
#include "d1/Support/TensorProto.h"
#include "d1/Target/Numerics.h"

#include "onnx/onnx_pb.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

using namespace d1;

namespace {

struct DTypeMap {
  d1x::DType D;
  int Onnx;
  const char *Npy; // descr without the byte-order character
};
const DTypeMap Map[] = {
    {d1x::F32, onnx::TensorProto::FLOAT, "f4"},   {d1x::F64, onnx::TensorProto::DOUBLE, "f8"},
    {d1x::F16, onnx::TensorProto::FLOAT16, "f2"}, {d1x::BF16, onnx::TensorProto::BFLOAT16, ""},
    {d1x::I8, onnx::TensorProto::INT8, "i1"},     {d1x::I16, onnx::TensorProto::INT16, "i2"},
    {d1x::I32, onnx::TensorProto::INT32, "i4"},   {d1x::I64, onnx::TensorProto::INT64, "i8"},
    {d1x::U8, onnx::TensorProto::UINT8, "u1"},    {d1x::U16, onnx::TensorProto::UINT16, "u2"},
    {d1x::U32, onnx::TensorProto::UINT32, "u4"},  {d1x::U64, onnx::TensorProto::UINT64, "u8"},
    {d1x::BOOL, onnx::TensorProto::BOOL, "b1"},
};

/// The bytes a tensor of Shape holds, or false when that overflows 64 bits.
bool byteCount(const std::vector<int64_t> &Shape, unsigned ElementSize, uint64_t &N) {
  N = ElementSize;
  for (int64_t D : Shape)
    if (D < 0 || __builtin_mul_overflow(N, uint64_t(D), &N))
      return false;
  return true;
}

/// Takes B's bytes: the data stays where it was read.
bool parseNpy(const std::string &Path, std::string &B, HostTensor &T, std::string &Err) {
  auto Bad = [&](const std::string &Why) {
    Err = Path + ": malformed .npy (" + Why + ")";
    return false;
  };
  if (B.size() < 10)
    return Bad("too short");
  unsigned Major = uint8_t(B[6]);
  size_t HLen, HStart;
  if (Major == 1) {
    HLen = uint8_t(B[8]) | size_t(uint8_t(B[9])) << 8;
    HStart = 10;
  } else if (Major == 2 || Major == 3) {
    if (B.size() < 12)
      return Bad("too short");
    HLen = uint8_t(B[8]) | size_t(uint8_t(B[9])) << 8 | size_t(uint8_t(B[10])) << 16 |
           size_t(uint8_t(B[11])) << 24;
    HStart = 12;
  } else {
    return Bad("unknown version " + std::to_string(Major));
  }
  if (HStart + HLen > B.size())
    return Bad("header runs past the end of the file");
  std::string H = B.substr(HStart, HLen);
  auto Value = [&](const std::string &Key) -> std::string {
    size_t P = H.find("'" + Key + "'");
    if (P == std::string::npos)
      return "";
    P = H.find(':', P);
    if (P == std::string::npos)
      return "";
    ++P;
    while (P < H.size() && H[P] == ' ')
      ++P;
    if (P < H.size() && H[P] == '(') {
      size_t E = H.find(')', P);
      return E == std::string::npos ? "" : H.substr(P, E - P + 1);
    }
    if (P < H.size() && H[P] == '\'') {
      size_t E = H.find('\'', P + 1);
      return E == std::string::npos ? "" : H.substr(P + 1, E - P - 1);
    }
    size_t E = H.find_first_of(",}", P);
    return H.substr(P, E - P);
  };
  std::string Descr = Value("descr"), Fortran = Value("fortran_order"), Shape = Value("shape");
  if (Descr.size() < 3 || Shape.empty() || Fortran.empty())
    return Bad("header lacks descr, fortran_order or shape");
  if (Fortran.find("True") != std::string::npos)
    return Bad("fortran_order arrays are not supported; save with np.ascontiguousarray");
  if (Descr[0] == '>' && Descr.substr(1) != "i1" && Descr.substr(1) != "u1")
    return Bad("big-endian data is not supported");
  T.DType = d1x::DTYPE_UNDEFINED;
  for (const auto &M : Map)
    if (*M.Npy && Descr.substr(1) == M.Npy)
      T.DType = M.D;
  if (T.DType == d1x::DTYPE_UNDEFINED)
    return Bad("unsupported dtype '" + Descr + "'");
  T.Shape.clear();
  std::string Dims = Shape.substr(1, Shape.size() - 2);
  std::stringstream SS(Dims);
  std::string Dim;
  while (std::getline(SS, Dim, ',')) {
    size_t B0 = Dim.find_first_not_of(" "), E0 = Dim.find_last_not_of(" L");
    if (B0 == std::string::npos)
      continue;
    Dim = Dim.substr(B0, E0 - B0 + 1);
    char *End = nullptr;
    errno = 0;
    long long D = std::strtoll(Dim.c_str(), &End, 10);
    if (*End || D < 0 || errno)
      return Bad("bad shape " + Shape);
    T.Shape.push_back(D);
  }
  uint64_t Need;
  if (!byteCount(T.Shape, dtypeSize(T.DType), Need))
    return Bad("shape " + Shape + " overflows 64 bits");
  if (B.size() - HStart - HLen != Need)
    return Bad("data is " + std::to_string(B.size() - HStart - HLen) + " bytes; shape " + Shape +
               " needs " + std::to_string(Need));
  B.erase(0, HStart + HLen);
  T.Bytes = std::move(B);
  return true;
}

template <class Src> void appendLE(std::string &Out, Src V, unsigned Size) {
  for (unsigned I = 0; I < Size; ++I)
    Out += char((uint64_t(V) >> (8 * I)) & 0xff);
}

bool parsePb(const std::string &Path, const std::string &B, HostTensor &T, std::string &Err) {
  onnx::TensorProto P;
  if (!P.ParseFromString(B)) {
    Err = Path + ": neither a .npy nor a valid ONNX TensorProto";
    return false;
  }
  T.Name = P.name();
  T.DType = d1x::DTYPE_UNDEFINED;
  for (const auto &M : Map)
    if (M.Onnx == P.data_type())
      T.DType = M.D;
  if (T.DType == d1x::DTYPE_UNDEFINED) {
    Err = Path + ": TensorProto data type " + std::to_string(P.data_type()) + " is not supported";
    return false;
  }
  if (P.has_data_location() && P.data_location() == onnx::TensorProto::EXTERNAL) {
    Err = Path + ": TensorProto with external data is not supported";
    return false;
  }
  T.Shape.assign(P.dims().begin(), P.dims().end());
  for (int64_t D : T.Shape)
    if (D < 0) {
      Err = Path + ": negative dimension";
      return false;
    }
  unsigned Size = dtypeSize(T.DType);
  uint64_t Need;
  if (!byteCount(T.Shape, Size, Need)) {
    Err = Path + ": TensorProto shape overflows 64 bits";
    return false;
  }
  std::string DecodeErr;
  if (!decodeTensorProto(P, T.Shape, T.Bytes, DecodeErr)) {
    Err = Path + ": TensorProto " + DecodeErr;
    return false;
  }
  return true;
}

} // namespace

std::string d1::describe(d1x::DType T, const std::vector<int64_t> &Shape) {
  std::string S = std::string(dtypeName(T)) + "[";
  for (size_t I = 0; I < Shape.size(); ++I)
    S += (I ? "x" : "") + std::to_string(Shape[I]);
  return S + "]";
}

bool d1::readTensorFile(const std::string &Path, HostTensor &T, std::string &Err,
                        uint64_t MaxBytes) {
  std::string B;
  if (!readInputFile(Path, B, Err, MaxBytes, "tensor"))
    return false;
  if (B.empty()) {
    Err = "'" + Path + "' is empty, not a tensor file";
    return false;
  }
  if (B.size() >= 6 && B.compare(0, 6, "\x93NUMPY") == 0)
    return parseNpy(Path, B, T, Err);
  return parsePb(Path, B, T, Err);
}

bool d1::conformTensor(HostTensor &T, const d1x::Tensor &Want, std::string &Err) {
  std::vector<int64_t> WantShape(Want.shape().begin(), Want.shape().end());
  if (T.Shape != WantShape) {
    Err = "shape " + describe(T.DType, T.Shape) + " does not match the program's " +
          describe(Want.dtype(), WantShape);
    return false;
  }
  if (T.DType == Want.dtype())
    return true;
  if (T.DType == d1x::F32 && Want.dtype() == d1x::BF16) {
    // In place: element I's two bytes go where its four began, or before.
    size_t N = T.Bytes.size() / 4;
    for (size_t I = 0; I < N; ++I) {
      uint32_t U;
      std::memcpy(&U, &T.Bytes[4 * I], 4);
      uint16_t H = f32ToBf16RNE(bitsF32(U));
      T.Bytes[2 * I] = char(H & 0xff);
      T.Bytes[2 * I + 1] = char(H >> 8);
    }
    T.Bytes.resize(2 * N);
    T.DType = d1x::BF16;
    return true;
  }
  Err = "dtype " + describe(T.DType, T.Shape) + " does not match the program's " +
        describe(Want.dtype(), WantShape);
  return false;
}

std::string d1::encodeTensorFile(const HostTensor &T, bool Npy) {
  std::string Out;
  if (Npy) {
    const char *Descr = nullptr;
    for (const auto &M : Map)
      if (M.D == T.DType)
        Descr = M.Npy;
    std::string D = (Descr && *Descr) ? std::string(Descr) : std::string("u2");
    std::string Shape = "(";
    for (size_t I = 0; I < T.Shape.size(); ++I)
      Shape += std::to_string(T.Shape[I]) + (T.Shape.size() == 1      ? ","
                                             : I + 1 < T.Shape.size() ? ", "
                                                                      : "");
    Shape += ")";
    std::string Dict = "{'descr': '" + std::string(D == "b1" || D[1] == '1' ? "|" : "<") + D +
                       "', 'fortran_order': False, 'shape': " + Shape + ", }";
    size_t Total = 10 + Dict.size() + 1;
    Dict.append((64 - Total % 64) % 64, ' ');
    Dict += '\n';
    Out = std::string("\x93NUMPY\x01\x00", 8);
    appendLE(Out, uint16_t(Dict.size()), 2);
    Out += Dict + T.Bytes;
  } else {
    onnx::TensorProto P;
    P.set_name(T.Name);
    for (const auto &M : Map)
      if (M.D == T.DType)
        P.set_data_type(M.Onnx);
    for (int64_t D : T.Shape)
      P.add_dims(D);
    P.set_raw_data(T.Bytes);
    Out = P.SerializeAsString();
  }
  return Out;
}
