//===- fuzz-tensor.cpp - Tensor files through d1::readTensorFile ----------===//
//
// Input: a .npy or an ONNX TensorProto .pb (at most 1 MiB), written to a
// scratch file and read with d1::readTensorFile (the reader d1-run uses for
// --input). A tensor that reads must hold exactly its shape's bytes (the
// element count computed without overflow), convert with conformTensor as
// d1-run would, and survive encodeTensorFile and a second read in both
// formats unchanged.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "d1/Runtime/TensorIO.h"
#include "d1/Support/FileIO.h"

namespace d1x = d1::d1x;
using namespace d1fuzz;

namespace {

/// Bytes of a tensor of this dtype and shape; false on overflow.
bool checkedBytes(d1x::DType D, const std::vector<int64_t> &Shape, uint64_t &Bytes) {
  unsigned __int128 N = d1::dtypeSize(D);
  for (int64_t S : Shape)
    if (S <= 0) {
      Bytes = 0; // a zero dimension: no elements, however large the others
      return S == 0;
    }
  for (int64_t S : Shape) {
    N *= uint64_t(S);
    if (N > UINT64_MAX)
      return false;
  }
  Bytes = uint64_t(N);
  return true;
}

void roundTrip(const d1::HostTensor &T, bool Npy) {
  std::string Path = scratchDir() + (Npy ? "/again.npy" : "/again.pb");
  std::string Err;
  // Written as d1-run writes outputs: encoded, then through OutputFiles.
  d1::OutputFiles Out;
  if (!Out.add(Path, d1::encodeTensorFile(T, Npy), Err) || !Out.commit(Err)) {
    invariant("tensor-writes", "a tensor that was read cannot be written", Err);
    return;
  }
  d1::HostTensor U;
  if (!d1::readTensorFile(Path, U, Err)) {
    invariant("tensor-reads-back",
              Npy ? "a written .npy does not read back" : "a written .pb does not read back", Err);
    return;
  }
  // .npy has no bf16 (written as u2) and no name.
  bool DTypeKept = U.DType == T.DType || (Npy && T.DType == d1x::BF16 && U.DType == d1x::U16);
  if (!DTypeKept || U.Shape != T.Shape || U.Bytes != T.Bytes || (!Npy && U.Name != T.Name))
    invariant("tensor-round-trip",
              Npy ? "a tensor changes through .npy" : "a tensor changes through .pb",
              d1::describe(T.DType, T.Shape) + " -> " + d1::describe(U.DType, U.Shape));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  quietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size > (1 << 20))
    return -1;
  std::string Path = writeScratch("tensor.bin", Data, Size);
  d1::HostTensor T;
  std::string Err;
  if (!d1::readTensorFile(Path, T, Err)) {
    if (Err.empty())
      invariant("tensor-message", "readTensorFile failed without a message", "");
    return 0;
  }
  uint64_t Bytes;
  if (!checkedBytes(T.DType, T.Shape, Bytes) || Bytes != T.Bytes.size()) {
    invariant("tensor-size", "a tensor read holds other than its shape's bytes",
              d1::describe(T.DType, T.Shape) + " with " + std::to_string(T.Bytes.size()) +
                  " bytes");
    return 0; // what follows trusts the size
  }
  roundTrip(T, true);
  roundTrip(T, false);
  // As d1-run's --input: to the program's dtype (fp32 -> bf16 rounds).
  d1x::Tensor Want;
  Want.set_dtype(T.DType == d1x::F32 ? d1x::BF16 : T.DType);
  for (int64_t D : T.Shape)
    Want.add_shape(D);
  d1::HostTensor C = T;
  if (!d1::conformTensor(C, Want, Err)) {
    invariant("tensor-conform", "conformTensor rejects a tensor of the wanted shape", Err);
    return 0;
  }
  uint64_t Want2;
  if (!checkedBytes(C.DType, C.Shape, Want2) || Want2 != C.Bytes.size())
    invariant("tensor-conform-size", "conformTensor leaves other than the shape's bytes",
              d1::describe(C.DType, C.Shape) + " with " + std::to_string(C.Bytes.size()) +
                  " bytes");
  return 0;
}
