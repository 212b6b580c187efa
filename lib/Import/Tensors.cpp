//===- Tensors.cpp - Initializers, external data, values --------------------===//
//
// Size checks, external data, reading TensorProtos into host constants,
// and the values of the graph being built (inputs, outputs, constants).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

namespace d1::import {

LogicalResult Importer::checkSize(const Shape &S, int64_t EltBytes, const std::string &What) {
  int64_t N;
  if (!shapes::checkedNumElements(S, N)) {
    for (int64_t D : S)
      if (D < 0)
        return fail(What + " " + shapeStr(S) + " has a negative dimension");
    return fail(What + " " + shapeStr(S) + " has more than 2^63 elements");
  }
  int64_t Span = 1, Bytes = 0;
  for (int64_t D : S)
    Span *= std::max<int64_t>(D, 1); // cannot overflow: checked above
  bool Over = __builtin_mul_overflow(Span, EltBytes, &Bytes);
  if (!Over && Bytes <= Opts.MaxTensorBytes)
    return success();
  std::string Size = Over ? "more than 2^63 bytes" : std::to_string(Bytes) + " bytes";
  std::string Dram =
      "more than the machine's DRAM (" + std::to_string(Opts.MaxTensorBytes) + " bytes)";
  if (N == 0)
    return fail(What + " " + shapeStr(S) + " is empty but its other dimensions span " + Size +
                ", " + Dram);
  return fail(What + " " + shapeStr(S) + " has " + std::to_string(N) + " elements (" + Size +
              "), " + Dram);
}

LogicalResult Importer::checkComputed(const Shape &S, int32_t DType, const std::string &What,
                                      int64_t From) {
  if (failed(checkSize(S, int64_t(elementSize(DType)), What)))
    return failure();
  int64_t N = shapes::numElements(S);
  if (N > MaxComputedElements && N > From)
    return fail(What + " " + shapeStr(S) + " has " + std::to_string(N) +
                " elements, more than d1c computes at import (" +
                std::to_string(MaxComputedElements) + ")");
  return success();
}

LogicalResult Importer::checkWindowAttrs(size_t NS, const std::vector<int64_t> &Kernel,
                                         const std::vector<int64_t> &Strides,
                                         const std::vector<int64_t> &Dil,
                                         const std::vector<int64_t> &Pads) {
  auto Check = [&](const std::vector<int64_t> &V, const char *Name, size_t Count,
                   int64_t Min) -> LogicalResult {
    if (!V.empty() && V.size() != Count)
      return fail(std::string(Name) + " needs " + std::to_string(Count) + " values, got " +
                  std::to_string(V.size()));
    for (int64_t X : V)
      if (X < Min || X > (int64_t(1) << 31))
        return fail(std::string(Name) + " value " + std::to_string(X) + " is out of range (" +
                    std::to_string(Min) + " to 2^31)");
    return success();
  };
  return success(succeeded(Check(Kernel, "kernel_shape", NS, 1)) &&
                 succeeded(Check(Strides, "strides", NS, 1)) &&
                 succeeded(Check(Dil, "dilations", NS, 1)) &&
                 succeeded(Check(Pads, "pads", 2 * NS, 0)));
}

FailureOr<Importer::ExternalRef> Importer::externalRef(const onnx::TensorProto &T,
                                                       const std::string &What) {
  ExternalRef R;
  std::string Location;
  for (const auto &E : T.external_data()) {
    if (E.key() == "location") {
      Location = E.value();
    } else if (E.key() == "offset" || E.key() == "length") {
      int64_t V;
      if (!parseCount(E.value(), V))
        return fail(What + ": external data " + E.key() + " " + q(E.value()) +
                    " is not a byte count");
      (E.key() == "offset" ? R.Offset : R.Length) = V;
    }
  }
  // Relative to the model's directory and inside it, symbolic links
  // resolved; a regular file (a FIFO or device would block or never end).
  if (Location.empty() || Location.find("..") != std::string::npos || Location[0] == '/' ||
      Location.find('\0') != std::string::npos)
    return fail(What + ": bad external data location " + q(Location));
  R.Shown = Dir + Location;
  std::string Joined = Dir + Location;
  char *Real = ::realpath(Joined.c_str(), nullptr);
  if (!Real)
    return fail(What + ": cannot open external data file " + q(R.Shown) + ": " +
                std::strerror(errno));
  R.File = Real;
  std::free(Real);
  std::string Inside = ModelDirReal == "/" ? "/" : ModelDirReal + "/";
  if (R.File.compare(0, Inside.size(), Inside) != 0)
    return fail(What + ": bad external data location " + q(Location) +
                ": it resolves outside the model's directory");
  struct stat St;
  if (::stat(R.File.c_str(), &St) != 0 || !S_ISREG(St.st_mode))
    return fail(What + ": external data file " + q(R.Shown) + " is not a regular file");
  return R;
}

FailureOr<std::string> Importer::externalData(const onnx::TensorProto &T, const std::string &What,
                                              const Shape &Dims, size_t Bytes) {
  FailureOr<ExternalRef> Ref = externalRef(T, What);
  if (failed(Ref))
    return failure();
  ExternalRef R = *Ref;
  // O_NONBLOCK: should the file have been swapped for a FIFO since, open
  // does not wait for a writer.
  int FD = ::open(R.File.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (FD < 0)
    return fail(What + ": cannot open external data file " + q(R.Shown) + ": " +
                std::strerror(errno));
  struct stat St;
  if (::fstat(FD, &St) != 0 || !S_ISREG(St.st_mode)) {
    ::close(FD);
    return fail(What + ": external data file " + q(R.Shown) + " is not a regular file");
  }
  int64_t Size = int64_t(St.st_size);
  if (R.Offset > Size) {
    ::close(FD);
    return fail(What + ": external data offset " + std::to_string(R.Offset) +
                " is past the end of " + q(R.Shown) + " (" + std::to_string(Size) + " bytes)");
  }
  if (R.Length < 0)
    R.Length = Size - R.Offset;
  if (R.Length > Size - R.Offset) {
    ::close(FD);
    return fail(What + ": external data [" + std::to_string(R.Offset) + ", +" +
                std::to_string(R.Length) + ") exceeds " + q(R.Shown) + " (" + std::to_string(Size) +
                " bytes)");
  }
  if (uint64_t(R.Length) != Bytes) {
    ::close(FD);
    return fail(What + " holds " + std::to_string(R.Length) + " bytes; its shape " +
                shapeStr(Dims) + " needs " + std::to_string(Bytes));
  }
  std::string Data(size_t(R.Length), '\0');
  size_t Done = 0;
  while (Done < Data.size()) {
    ssize_t Got =
        ::pread(FD, Data.data() + Done, Data.size() - Done, off_t(R.Offset) + off_t(Done));
    if (Got < 0 && errno == EINTR)
      continue;
    if (Got <= 0) {
      ::close(FD);
      return fail(What + ": cannot read external data file " + q(R.Shown) +
                  (Got < 0 ? std::string(": ") + std::strerror(errno) : ": it ended early"));
    }
    Done += size_t(Got);
  }
  ::close(FD);
  return Data;
}

FailureOr<Const> Importer::readTensor(const onnx::TensorProto &T, const std::string &What) {
  Const C;
  int32_t DT = T.data_type();
  if (!isFloatType(DT) && !isIntType(DT))
    return fail(What + " has data type " + dtypeName(DT) + ", which d1c does not support");
  if (DT == onnx::TensorProto::FLOAT16 || DT == onnx::TensorProto::BFLOAT16)
    return fail(What + " has data type " + dtypeName(DT) + "; d1c reads FLOAT models");
  for (int64_t D : T.dims()) {
    if (D < 0)
      return fail(What + " has a negative dimension");
    C.Dims.push_back(D);
  }
  bool Float = isFloatType(DT);
  C.DType = Float ? onnx::TensorProto::FLOAT : DT;
  // Bounded before anything is read or allocated.
  if (failed(checkSize(C.Dims, int64_t(elementSize(DT)), What)))
    return failure();
  int64_t N = C.size();
  size_t Bytes = size_t(N) * elementSize(DT); // fits: checked against DRAM
  // The data as little-endian bytes of DT, from external data or the
  // proto's own fields (d1/Support/TensorProto.h, as d1-run reads .pb files).
  std::string Raw, Err;
  if (T.data_location() == onnx::TensorProto::EXTERNAL) {
    FailureOr<std::string> Data = externalData(T, What, C.Dims, Bytes);
    if (failed(Data))
      return failure();
    Raw = std::move(*Data);
  } else if (!decodeTensorProto(T, C.Dims, Raw, Err)) {
    return fail(What + " " + Err);
  }
  if (Raw.size() != Bytes)
    return fail(What + " holds " + std::to_string(Raw.size()) + " bytes; its shape " +
                shapeStr(C.Dims) + " needs " + std::to_string(Bytes));
  if (DT == onnx::TensorProto::FLOAT) {
    C.F.resize(size_t(N));
    if (N) // an empty vector's data() may be null
      std::memcpy(C.F.data(), Raw.data(), Raw.size());
  } else if (DT == onnx::TensorProto::INT64 || DT == onnx::TensorProto::UINT64) {
    C.I.resize(size_t(N));
    if (N)
      std::memcpy(C.I.data(), Raw.data(), Raw.size());
  } else {
    for (int64_t K = 0; K < N; ++K) {
      double V = rawAt(Raw, DT, size_t(K));
      if (Float)
        C.F.push_back(float(V));
      else
        C.I.push_back(int64_t(V));
    }
  }
  return C;
}

Type Importer::elementType(int32_t T) {
  auto Int = [&](unsigned W, bool U = false) {
    return IntegerType::get(&Ctx, W, U ? IntegerType::Unsigned : IntegerType::Signless);
  };
  switch (T) {
  case onnx::TensorProto::FLOAT:
    return Float32Type::get(&Ctx);
  case onnx::TensorProto::DOUBLE:
    return Float64Type::get(&Ctx);
  case onnx::TensorProto::FLOAT16:
    return Float16Type::get(&Ctx);
  case onnx::TensorProto::BFLOAT16:
    return BFloat16Type::get(&Ctx);
  case onnx::TensorProto::BOOL:
    return Int(1);
  case onnx::TensorProto::INT8:
    return Int(8);
  case onnx::TensorProto::INT16:
    return Int(16);
  case onnx::TensorProto::INT32:
    return Int(32);
  case onnx::TensorProto::UINT8:
    return Int(8, true);
  case onnx::TensorProto::UINT16:
    return Int(16, true);
  case onnx::TensorProto::UINT32:
    return Int(32, true);
  case onnx::TensorProto::UINT64:
    return Int(64, true);
  default:
    return Int(64);
  }
}

Value Importer::materialize(const Const &C) {
  auto T =
      RankedTensorType::get(C.Dims, elementType(C.isFloat() ? onnx::TensorProto::FLOAT : C.DType));
  if (failed(checkSize(C.Dims, int64_t(elementSize(C.DType)), "constant")))
    return {};
  if (size_t(C.size()) != (C.isFloat() ? C.F.size() : C.I.size()))
    return fail("internal error: a constant's values do not match its shape " + shapeStr(C.Dims));
  DenseElementsAttr A;
  if (C.isFloat()) {
    A = DenseElementsAttr::get(T, ArrayRef<float>(C.F));
  } else if (C.DType == onnx::TensorProto::BOOL) {
    llvm::SmallVector<bool> Bits;
    for (int64_t V : C.I)
      Bits.push_back(V != 0);
    A = DenseElementsAttr::get(T, ArrayRef<bool>(Bits));
  } else {
    unsigned W = T.getElementType().getIntOrFloatBitWidth();
    std::vector<APInt> V;
    for (int64_t X : C.I)
      V.push_back(APInt(64, uint64_t(X)).trunc(W));
    A = DenseElementsAttr::get(T, V);
  }
  return B.create<graph::ConstantOp>(Loc, T, A);
}

Value Importer::input(int K) {
  if (!hasInput(K))
    return fail("missing input " + std::to_string(K));
  const std::string &Name = Node->input(K);
  auto It = Values.find(Name);
  if (It != Values.end())
    return It->second;
  auto C = Consts.find(Name);
  if (C == Consts.end())
    return fail("input " + q(Name) + " is not defined before this node");
  Value V = materialize(C->second);
  if (!V)
    return {};
  Values[Name] = V;
  return V;
}

Value Importer::inputAs(int K, Type E) {
  if (isConst(K)) {
    // A constant of another type is converted as Cast converts.
    return materialize(convertConst(Consts[Node->input(K)], onnxType(E)));
  }
  Value V = input(K);
  if (!V)
    return {};
  if (E.isF32() && isStorageFloat(eltOf(V)))
    return castTo(V, E);
  if (eltOf(V) != E)
    return fail("input " + q(Node->input(K)) + " is " + dtypeName(onnxType(eltOf(V))) +
                ", expected " + dtypeName(onnxType(E)));
  return V;
}

Value Importer::floatInput(int K) {
  if (isConst(K) && !Consts[Node->input(K)].isFloat()) {
    // An integer constant (Pow's exponent, say) in an fp32 computation.
    return materialize(convertConst(Consts[Node->input(K)], onnx::TensorProto::FLOAT));
  }
  Value V = input(K);
  if (!V)
    return {};
  if (isStorageFloat(eltOf(V)))
    return castTo(V, B.getF32Type());
  if (!cast<RankedTensorType>(V.getType()).getElementType().isF32())
    return fail("input " + q(Node->input(K)) + " is " +
                (cast<RankedTensorType>(V.getType()).getElementType().isInteger(1) ? "bool"
                                                                                   : "an integer") +
                " tensor; " + escape(Node->op_type()) + " is computed in fp32 only");
  return V;
}

LogicalResult Importer::setOutput(int K, Value V) {
  bool Unused = K >= Node->output_size() || Node->output(K).empty();
  if (!V) {
    if (Error)
      return failure(); // the error that made it null
    if (Unused)
      return success();
    return fail("internal error: output " + q(Node->output(K)) + " has no value");
  }
  if (Unused)
    return success();
  const std::string &Name = Node->output(K);
  if (failed(checkSize(shapeOf(V), bytesOf(eltOf(V)), "output " + q(Name))))
    return failure();
  Values[Name] = V;
  return success();
}

LogicalResult Importer::setConst(int K, Const C) {
  if (K >= Node->output_size() || Node->output(K).empty())
    return success();
  if (failed(checkSize(C.Dims, int64_t(elementSize(C.DType)), "output " + q(Node->output(K)))))
    return failure();
  Consts[Node->output(K)] = std::move(C);
  return success();
}

LogicalResult Importer::onlyAttrs(std::initializer_list<const char *> Known) {
  for (const auto &A : Node->attribute()) {
    if (A.type() == onnx::AttributeProto::GRAPH || A.type() == onnx::AttributeProto::GRAPHS)
      return fail("subgraph attribute " + q(A.name()) + " is not supported");
    bool Ok = false;
    for (const char *K : Known)
      Ok |= A.name() == K;
    if (!Ok)
      return fail("attribute " + q(A.name()) + " is not supported");
  }
  return success();
}

} // namespace d1::import
