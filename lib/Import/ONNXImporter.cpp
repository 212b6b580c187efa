//===- ONNXImporter.cpp - ONNX model to the graph dialect -----------------===//
//
// The model is read with libonnx's protobuf classes and checked with ONNX's
// checker once the parts the checker reads unguarded (tensor dimensions,
// sparse tensors, external data locations) are validated here. ONNX shape
// inference is not run: it crashes on malformed models, and the importer
// computes every shape itself. Values known at compile time
// (initializers, Constant nodes, and anything computed only from them, such
// as PyTorch's Shape -> Gather -> Concat -> Reshape chains) are kept as host
// constants and folded; only values that depend on graph inputs become
// graph-dialect ops.
//
//===----------------------------------------------------------------------===//
#include "d1/Import/ONNXImporter.h"
#include "d1/Support/Escape.h"
#include "d1/Support/Shapes.h"
#include "dialects/D1/IR/D1.h"
#include "dialects/Graph/IR/Graph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

using namespace mlir;
using namespace d1;
using shapes::Shape;

namespace {

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

struct ImportError {
  std::string Msg;
};

/// A tensor known at compile time.
struct Const {
  int32_t DType = onnx::TensorProto::FLOAT;
  Shape Dims;
  std::vector<float> F;   // float types
  std::vector<int64_t> I; // integer and bool types
  bool isFloat() const { return DType == onnx::TensorProto::FLOAT; }
  int64_t size() const { return shapes::numElements(Dims); }
  double at(int64_t K) const { return isFloat() ? double(F[K]) : double(I[K]); }
};

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

size_t elementSize(int32_t T) {
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
  default:
    return 1;
  }
}

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

class Importer {
public:
  Importer(MLIRContext &Ctx, const std::string &Path, const ImportOptions &Opts)
      : Ctx(Ctx), B(&Ctx), Path(Path), Opts(Opts) {}
  OwningOpRef<ModuleOp> run(std::string &Err);

private:
  MLIRContext &Ctx;
  OpBuilder B;
  std::string Path, Dir;
  const ImportOptions &Opts;
  onnx::ModelProto Model;
  int64_t Opset = 0;
  std::map<std::string, Value> Values;
  std::map<std::string, Const> Consts;
  // The node being imported, for messages and locations.
  const onnx::NodeProto *Node = nullptr;
  int NodeIndex = 0;
  Location Loc = UnknownLoc::get(&Ctx);

  /// Throws the one-line error. Model strings in Msg go through escape();
  /// escapeControl() guards the line against any that did not.
  [[noreturn]] void fail(const std::string &Msg) {
    if (Node)
      throw ImportError{escapeControl(Path + ": node '" + nodeName() + "' (" +
                                      escape(Node->op_type()) + ", opset " + std::to_string(Opset) +
                                      "): " + Msg)};
    throw ImportError{escapeControl(Path + ": " + Msg)};
  }
  /// The node's name escaped (cut at MaxLen bytes), or '#' and its index.
  std::string nodeName(size_t MaxLen = 200) const {
    return Node->name().empty() ? "#" + std::to_string(NodeIndex) : escape(Node->name(), MaxLen);
  }
  std::string outputName(int K) const {
    return K < Node->output_size() ? Node->output(K) : std::string();
  }
  /// A model string (value, attribute or dimension name) quoted for a message.
  static std::string q(const std::string &S) { return "'" + escape(S) + "'"; }

  // Bounds on what a model can make the importer allocate or build.
  /// Elements of a constant computed here (folding, index and padding
  /// tables) unless it is no larger than a constant it is computed from.
  static constexpr int64_t MaxComputedElements = int64_t(1) << 26;
  /// Ops one node may unroll into (planes of 3D convolutions and pooling,
  /// recurrent steps, LRN windows).
  static constexpr int64_t MaxUnrolled = int64_t(1) << 16;
  /// Fails unless What, of shape S and EltBytes-byte elements, has
  /// nonnegative dimensions whose product fits in 64 bits and fits in DRAM
  /// (an empty tensor counted as if its zero dimensions were 1, so that no
  /// dimension is beyond DRAM either).
  void checkSize(const Shape &S, int64_t EltBytes, const std::string &What);
  /// checkSize, and at most MaxComputedElements elements or no more than
  /// From (the largest constant the new one is computed from): what the
  /// importer may compute and hold on the host.
  void checkComputed(const Shape &S, int32_t DType, const std::string &What, int64_t From = 0);
  /// Fails if a node would unroll into more than MaxUnrolled pieces.
  void checkUnroll(int64_t Count, const std::string &What) {
    if (Count > MaxUnrolled)
      fail(What + " would unroll into " + std::to_string(Count) +
           " pieces, more than d1c builds (" + std::to_string(MaxUnrolled) + ")");
  }
  /// A + B and A * B of sizes or attributes; overflow fails naming What.
  int64_t addOrFail(int64_t A, int64_t B, const char *What) {
    int64_t R;
    if (__builtin_add_overflow(A, B, &R))
      fail(std::string(What) + " overflows 64 bits");
    return R;
  }
  int64_t mulOrFail(int64_t A, int64_t B, const char *What) {
    int64_t R;
    if (__builtin_mul_overflow(A, B, &R))
      fail(std::string(What) + " overflows 64 bits");
    return R;
  }
  /// Kernel, stride, dilation and pad values of a window op: kernel,
  /// strides and dilations >= 1 (each list of NS values, or absent), pads
  /// >= 0 (2 * NS), none above 2^31.
  void checkWindowAttrs(size_t NS, const std::vector<int64_t> &Kernel,
                        const std::vector<int64_t> &Strides, const std::vector<int64_t> &Dil,
                        const std::vector<int64_t> &Pads);

  // Tensor protos and constants.
  Const readTensor(const onnx::TensorProto &T, const std::string &What);
  /// An external data reference whose location, offset and length are
  /// valid: File is the real path of a regular file inside the model's
  /// directory, Shown the path to name in messages.
  struct ExternalRef {
    std::string File, Shown;
    int64_t Offset = 0, Length = -1;
  };
  ExternalRef externalRef(const onnx::TensorProto &T, const std::string &What);
  /// The Bytes bytes of T's external data (a different length fails before
  /// anything is read).
  std::string externalData(const onnx::TensorProto &T, const std::string &What, const Shape &Dims,
                           size_t Bytes);
  /// Before ONNX's checker: refuses what it reads without checks (sparse
  /// tensors, tensor dimensions whose product overflows, external data
  /// outside the model's directory) or reports on stderr (experimental
  /// operators), in G and its subgraphs.
  void precheckGraph(const onnx::GraphProto &G);
  void precheckNodes(const google::protobuf::RepeatedPtrField<onnx::NodeProto> &Nodes);
  void precheckTensor(const onnx::TensorProto &T, const std::string &What);
  /// Protobuf's default limit on message nesting.
  static constexpr int ProtobufNesting = 100;
  /// ONNX's checker on Model, with external data looked up next to the
  /// model (check_model(ModelProto) without a directory looks in the
  /// current one; the path form re-reads the file).
  void checkModel();
  std::string ModelDirReal; // realpath of the model's directory

  // Attributes.
  const onnx::AttributeProto *attr(const std::string &Name) {
    for (const auto &A : Node->attribute())
      if (A.name() == Name)
        return &A;
    return nullptr;
  }
  int64_t intAttr(const std::string &Name, int64_t Default) {
    const auto *A = attr(Name);
    return A ? A->i() : Default;
  }
  float floatAttr(const std::string &Name, float Default) {
    const auto *A = attr(Name);
    return A ? A->f() : Default;
  }
  std::string stringAttr(const std::string &Name, const std::string &Default) {
    const auto *A = attr(Name);
    return A ? A->s() : Default;
  }
  std::vector<int64_t> intsAttr(const std::string &Name, std::vector<int64_t> Default = {}) {
    const auto *A = attr(Name);
    return A ? std::vector<int64_t>(A->ints().begin(), A->ints().end()) : Default;
  }
  /// An ints attribute of Count values, each Default when it is absent.
  std::vector<int64_t> intsAttr(const std::string &Name, int64_t Default, size_t Count) {
    std::vector<int64_t> V = intsAttr(Name);
    if (V.empty())
      V.assign(Count, Default);
    if (V.size() != Count)
      fail(escape(Name) + " needs " + std::to_string(Count) + " values");
    return V;
  }
  /// V restricted to [From, To) along Axis.
  Value sliceAlong(Value V, int64_t Axis, int64_t From, int64_t To) {
    Shape S = shapeOf(V), OS = S;
    OS[size_t(Axis)] = To - From;
    std::vector<int64_t> Lo(S.size(), 0), Hi(S.begin(), S.end()), Sp(S.size(), 1);
    Lo[size_t(Axis)] = From;
    Hi[size_t(Axis)] = To;
    return B.create<graph::SliceOp>(Loc, RankedTensorType::get(OS, eltOf(V)), V,
                                    B.getDenseI64ArrayAttr(Lo), B.getDenseI64ArrayAttr(Hi),
                                    B.getDenseI64ArrayAttr(Sp));
  }
  /// Resolves auto_pad into Pads ([begins..., ends...]) for windows Kernel
  /// over the spatial dimensions of In (those after N and C).
  void resolveAutoPad(const Shape &In, const std::vector<int64_t> &Kernel,
                      const std::vector<int64_t> &Strides, const std::vector<int64_t> &Dil,
                      std::vector<int64_t> &Pads) {
    size_t NS = Kernel.size();
    if (In.size() != 2 + NS || Strides.size() != NS || Dil.size() != NS || Pads.size() != 2 * NS)
      fail("kernel_shape, strides, dilations and pads must have " + std::to_string(NS) + ", " +
           std::to_string(NS) + ", " + std::to_string(NS) + " and " + std::to_string(2 * NS) +
           " values for input " + shapeStr(In));
    std::string AutoPad = stringAttr("auto_pad", "NOTSET");
    if (AutoPad == "SAME_UPPER" || AutoPad == "SAME_LOWER") {
      for (size_t D = 0; D < NS; ++D)
        shapes::autoPad(In[2 + D], Kernel[D], Strides[D], Dil[D], AutoPad == "SAME_UPPER", Pads[D],
                        Pads[D + NS]);
    } else if (AutoPad == "VALID") {
      Pads.assign(2 * NS, 0);
    } else if (AutoPad != "NOTSET") {
      fail("auto_pad " + q(AutoPad) + " is not supported");
    }
  }
  /// Attributes that this importer does not read must not be set.
  void onlyAttrs(std::initializer_list<const char *> Known);

  // Inputs and outputs of the current node.
  size_t numInputs() const {
    size_t N = size_t(Node->input_size());
    while (N && Node->input(int(N - 1)).empty())
      --N;
    return N;
  }
  bool hasInput(int K) const { return K < Node->input_size() && !Node->input(K).empty(); }
  bool isConst(int K) const { return hasInput(K) && Consts.count(Node->input(K)); }
  const Const &constInput(int K, const char *What) {
    if (!hasInput(K))
      fail(std::string("missing ") + What);
    auto It = Consts.find(Node->input(K));
    if (It == Consts.end())
      fail(std::string(What) + " " + q(Node->input(K)) + " must be a constant");
    return It->second;
  }
  /// The first element of constant input K (a scalar parameter).
  double constScalar(int K, const char *What) {
    const Const &C = constInput(K, What);
    if (C.size() < 1)
      fail(std::string(What) + " is empty");
    return C.at(0);
  }
  std::vector<int64_t> constInts(int K, const char *What) {
    const Const &C = constInput(K, What);
    if (C.isFloat())
      fail(std::string(What) + " must be integers");
    return C.I;
  }
  Value input(int K);
  /// Input K as an fp32 tensor; integer constants are converted, anything
  /// else that is not fp32 is an error.
  Value floatInput(int K);
  Shape shapeOf(Value V) {
    auto T = cast<RankedTensorType>(V.getType());
    return Shape(T.getShape().begin(), T.getShape().end());
  }
  Shape inputShape(int K) {
    if (isConst(K))
      return Consts[Node->input(K)].Dims;
    return shapeOf(input(K));
  }
  void setOutput(int K, Value V);
  void setConst(int K, Const C);

  Value materialize(const Const &C);
  // Building blocks for ops and their decompositions.
  static Type eltOf(Value V) { return cast<RankedTensorType>(V.getType()).getElementType(); }
  /// Bytes of one element of E (bool as one byte).
  static int64_t bytesOf(Type E) { return std::max<int64_t>(1, E.getIntOrFloatBitWidth() / 8); }
  /// A constant of shape S filled with V, held as a splat attribute (no
  /// buffer of S's size on the host).
  Value splat(const Shape &S, Type E, double V);
  Shape broadcastShape(Value A, Value X) {
    Shape Out;
    std::string E = shapes::broadcast(shapeOf(A), shapeOf(X), Out);
    if (!E.empty())
      fail(E);
    return Out;
  }
  /// A binary elementwise op of A's element type.
  template <class OpT> Value bin(Value A, Value X) {
    if (eltOf(A) != eltOf(X))
      fail("operands have different element types");
    return B.create<OpT>(Loc, RankedTensorType::get(broadcastShape(A, X), eltOf(A)), A, X);
  }
  template <class OpT> Value un(Value A) { return B.create<OpT>(Loc, A.getType(), A); }
  Value compare(graph::ComparePredicate P, Value A, Value X) {
    if (eltOf(A) != eltOf(X))
      fail("operands have different element types");
    return B.create<graph::CompareOp>(Loc,
                                      RankedTensorType::get(broadcastShape(A, X), B.getI1Type()),
                                      graph::ComparePredicateAttr::get(&Ctx, P), A, X);
  }
  Value where(Value C, Value X, Value Y) {
    if (eltOf(X) != eltOf(Y))
      fail("x and y have different element types");
    Shape XY, Out;
    std::string E = shapes::broadcast(shapeOf(X), shapeOf(Y), XY);
    if (E.empty())
      E = shapes::broadcast(shapeOf(C), XY, Out);
    if (!E.empty())
      fail(E);
    return B.create<graph::WhereOp>(Loc, RankedTensorType::get(Out, eltOf(X)), C, X, Y);
  }
  static bool isStorageFloat(Type T) { return T.isF64() || T.isF16() || T.isBF16(); }
  Value castTo(Value V, Type E) {
    if (eltOf(V) == E)
      return V;
    return B.create<graph::CastOp>(Loc, RankedTensorType::get(shapeOf(V), E), V);
  }
  /// A rank-0 constant of element type E.
  Value scalar(double V, Type E = Type()) {
    Const C;
    C.DType = E ? onnxType(E) : onnx::TensorProto::FLOAT;
    if (C.isFloat())
      C.F = {float(V)};
    else
      C.I = {toInt64(V)};
    return materialize(C);
  }
  /// Input K with element type E: constants are converted, values must match.
  Value inputAs(int K, Type E);
  /// The element type of inputs Ks together: the first computed at run time
  /// decides (constants follow it), else the first. With Compute, storage
  /// floats (fp64, fp16, bf16) give fp32, the type they are computed in.
  Type operandType(llvm::ArrayRef<int> Ks, bool Compute = true) {
    Type T = eltOf(input(Ks.front()));
    for (int K : Ks)
      if (!isConst(K)) {
        T = eltOf(input(K));
        break;
      }
    return Compute && isStorageFloat(T) ? Type(B.getF32Type()) : T;
  }
  /// Before opset 7, binary ops broadcast the second operand only when the
  /// `broadcast` attribute is set, aligned at `axis` (default: trailing).
  Value legacyBroadcast(Value A, Value X) {
    if (Opset >= 7 || !intAttr("broadcast", 0))
      return X;
    Shape AS = shapeOf(A), XS = shapeOf(X);
    int64_t Axis = intAttr("axis", int64_t(AS.size()) - int64_t(XS.size()));
    if (Axis < 0)
      Axis += int64_t(AS.size());
    if (Axis < 0 || Axis + XS.size() > AS.size())
      fail("cannot broadcast " + shapeStr(XS) + " to " + shapeStr(AS) + " at axis " +
           std::to_string(Axis));
    Shape S(size_t(Axis), 1);
    S.insert(S.end(), XS.begin(), XS.end());
    S.resize(AS.size(), 1);
    return reshape(X, S);
  }
  /// A constant of shape S (of element type E) from a function of the coordinates.
  Value constFrom(const Shape &S, Type E,
                  const std::function<double(const std::vector<int64_t> &)> &F);
  Value reduceOf(graph::ReduceKind Kind, Value V, std::vector<int64_t> Axes, bool KeepDims);
  /// log(softmax(x)) along Axis.
  Value logSoftmax(Value X, int64_t Axis);
  /// The index (int64) of the first (or last) maximum (or minimum) along Axis.
  Value argExtreme(Value X, int64_t Axis, bool Max, bool Last, bool KeepDims);
  /// out[c] = data[c with c[Axis] = indices[c]]: a gather from the flattened
  /// data at computed element indices (negative indices count from the end).
  Value gatherElements(Value Data, Value Indices, int64_t Axis);
  /// Idx (any integer type) as int64 with negative values counted from Len.
  Value normalizedIndex(Value Idx, int64_t Len);
  /// The flat element index into data of shape DS of each of Indices, which
  /// replace the coordinate along Axis (GatherElements, ScatterElements).
  Value elementIndices(const Shape &DS, Value Indices, int64_t Axis);
  /// For indices [..., k] into data DS (after BatchDims shared dimensions):
  /// the index of each addressed row of Inner trailing elements
  /// (GatherND, ScatterND).
  Value rowIndices(const Shape &DS, Value Indices, int64_t BatchDims, int64_t &Inner);
  Value scatter(Value Data, Value Flat, Value Updates, const std::string &Reduction);
  /// X repeated to shape S (numpy broadcasting): a where with a true
  /// condition of that shape, exact for every type.
  Value broadcastTo(Value X, const Shape &S) {
    Shape Out;
    std::string E = shapes::broadcast(shapeOf(X), S, Out);
    if (!E.empty())
      fail(E);
    if (Out == shapeOf(X))
      return X;
    checkSize(Out, bytesOf(eltOf(X)), "the broadcast result");
    return where(splat(Out, B.getI1Type(), 1.0), X, X);
  }
  /// The branches of If as values: each branch's nodes imported in place.
  void importIf();
  /// NegativeLogLikelihoodLoss of log-probabilities [N, C, ...] at targets.
  Value nllLoss(Value LogProb, Value Target, Value Weight, std::optional<int64_t> Ignore,
                const std::string &Reduction);
  RankedTensorType f32(const Shape &S) { return RankedTensorType::get(S, Float32Type::get(&Ctx)); }
  Type elementType(int32_t T);

  // The node handlers.
  void importNode();
  /// Elementwise operators and their decompositions; false if Op is not one.
  bool importElementwise();
  /// Operators written as other graph ops (transposed convolution, padding,
  /// normalizations, ...); false if Op is not one.
  bool importDecomposed();
  void importConvTranspose();
  void importRecurrent();
  /// Pads (begin values for every axis, then end values; negative crops) in
  /// mode constant (with Fill), edge or reflect: concatenations of constant
  /// blocks or gathered edge elements.
  Value pad(Value X, const std::vector<int64_t> &Pads, const std::string &Mode, double Fill);
  /// Stride - 1 zeros after each element along Axis (but the last).
  Value interleaveZeros(Value X, int64_t Axis, int64_t Stride);
  bool fold();
  void importConv();
  /// A 1D or 2D Conv of the current node's attributes on the given values.
  Value buildConv(Value X, Value W, Value Bias);
  /// Quantization operators in fp32: exact for 8-bit data and sums below 2^24.
  bool importQuantized();
  /// round(x) + zero point, saturated to the zero point's type (uint8 when
  /// ZeroPoint is null) and converted to it.
  Value quantize(Value Real, Value ZeroPoint);
  /// fp32 of an integer tensor minus a zero point (per-axis zero points are
  /// aligned to Axis of X).
  Value dequantize(Value X, Value ZeroPoint, int64_t Axis);
  Value perAxis(Value V, const Shape &Like, int64_t Axis);
  void importConv3D();
  void importPool(bool Max);
  Value reshape(Value V, const Shape &S) {
    if (shapeOf(V) == S)
      return V;
    auto T = RankedTensorType::get(S, cast<RankedTensorType>(V.getType()).getElementType());
    return B.create<graph::ReshapeOp>(Loc, T, V);
  }
};

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

/// S as a decimal count: digits only (no sign, space or base prefix), at
/// most INT64_MAX.
static bool parseCount(const std::string &S, int64_t &V) {
  V = 0;
  if (S.empty())
    return false;
  for (char C : S)
    if (C < '0' || C > '9' || __builtin_mul_overflow(V, 10, &V) ||
        __builtin_add_overflow(V, C - '0', &V))
      return false;
  return true;
}

void Importer::checkSize(const Shape &S, int64_t EltBytes, const std::string &What) {
  int64_t N;
  if (!shapes::checkedNumElements(S, N)) {
    for (int64_t D : S)
      if (D < 0)
        fail(What + " " + shapeStr(S) + " has a negative dimension");
    fail(What + " " + shapeStr(S) + " has more than 2^63 elements");
  }
  int64_t Span = 1, Bytes = 0;
  for (int64_t D : S)
    Span *= std::max<int64_t>(D, 1); // cannot overflow: checked above
  bool Over = __builtin_mul_overflow(Span, EltBytes, &Bytes);
  if (!Over && Bytes <= Opts.MaxTensorBytes)
    return;
  std::string Size = Over ? "more than 2^63 bytes" : std::to_string(Bytes) + " bytes";
  std::string Dram =
      "more than the machine's DRAM (" + std::to_string(Opts.MaxTensorBytes) + " bytes)";
  if (N == 0)
    fail(What + " " + shapeStr(S) + " is empty but its other dimensions span " + Size + ", " +
         Dram);
  fail(What + " " + shapeStr(S) + " has " + std::to_string(N) + " elements (" + Size + "), " +
       Dram);
}

void Importer::checkComputed(const Shape &S, int32_t DType, const std::string &What, int64_t From) {
  checkSize(S, int64_t(elementSize(DType)), What);
  int64_t N = shapes::numElements(S);
  if (N > MaxComputedElements && N > From)
    fail(What + " " + shapeStr(S) + " has " + std::to_string(N) +
         " elements, more than d1c computes at import (" + std::to_string(MaxComputedElements) +
         ")");
}

void Importer::checkWindowAttrs(size_t NS, const std::vector<int64_t> &Kernel,
                                const std::vector<int64_t> &Strides,
                                const std::vector<int64_t> &Dil, const std::vector<int64_t> &Pads) {
  auto Check = [&](const std::vector<int64_t> &V, const char *Name, size_t Count, int64_t Min) {
    if (!V.empty() && V.size() != Count)
      fail(std::string(Name) + " needs " + std::to_string(Count) + " values, got " +
           std::to_string(V.size()));
    for (int64_t X : V)
      if (X < Min || X > (int64_t(1) << 31))
        fail(std::string(Name) + " value " + std::to_string(X) + " is out of range (" +
             std::to_string(Min) + " to 2^31)");
  };
  Check(Kernel, "kernel_shape", NS, 1);
  Check(Strides, "strides", NS, 1);
  Check(Dil, "dilations", NS, 1);
  Check(Pads, "pads", 2 * NS, 0);
}

Importer::ExternalRef Importer::externalRef(const onnx::TensorProto &T, const std::string &What) {
  ExternalRef R;
  std::string Location;
  for (const auto &E : T.external_data()) {
    if (E.key() == "location") {
      Location = E.value();
    } else if (E.key() == "offset" || E.key() == "length") {
      int64_t V;
      if (!parseCount(E.value(), V))
        fail(What + ": external data " + E.key() + " " + q(E.value()) + " is not a byte count");
      (E.key() == "offset" ? R.Offset : R.Length) = V;
    }
  }
  // Relative to the model's directory and inside it, symbolic links
  // resolved; a regular file (a FIFO or device would block or never end).
  if (Location.empty() || Location.find("..") != std::string::npos || Location[0] == '/' ||
      Location.find('\0') != std::string::npos)
    fail(What + ": bad external data location " + q(Location));
  R.Shown = Dir + Location;
  std::string Joined = Dir + Location;
  char *Real = ::realpath(Joined.c_str(), nullptr);
  if (!Real)
    fail(What + ": cannot open external data file " + q(R.Shown) + ": " + std::strerror(errno));
  R.File = Real;
  std::free(Real);
  std::string Inside = ModelDirReal == "/" ? "/" : ModelDirReal + "/";
  if (R.File.compare(0, Inside.size(), Inside) != 0)
    fail(What + ": bad external data location " + q(Location) +
         ": it resolves outside the model's directory");
  struct stat St;
  if (::stat(R.File.c_str(), &St) != 0 || !S_ISREG(St.st_mode))
    fail(What + ": external data file " + q(R.Shown) + " is not a regular file");
  return R;
}

std::string Importer::externalData(const onnx::TensorProto &T, const std::string &What,
                                   const Shape &Dims, size_t Bytes) {
  ExternalRef R = externalRef(T, What);
  // O_NONBLOCK: should the file have been swapped for a FIFO since, open
  // does not wait for a writer.
  int FD = ::open(R.File.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (FD < 0)
    fail(What + ": cannot open external data file " + q(R.Shown) + ": " + std::strerror(errno));
  struct stat St;
  if (::fstat(FD, &St) != 0 || !S_ISREG(St.st_mode)) {
    ::close(FD);
    fail(What + ": external data file " + q(R.Shown) + " is not a regular file");
  }
  int64_t Size = int64_t(St.st_size);
  if (R.Offset > Size) {
    ::close(FD);
    fail(What + ": external data offset " + std::to_string(R.Offset) + " is past the end of " +
         q(R.Shown) + " (" + std::to_string(Size) + " bytes)");
  }
  if (R.Length < 0)
    R.Length = Size - R.Offset;
  if (R.Length > Size - R.Offset) {
    ::close(FD);
    fail(What + ": external data [" + std::to_string(R.Offset) + ", +" + std::to_string(R.Length) +
         ") exceeds " + q(R.Shown) + " (" + std::to_string(Size) + " bytes)");
  }
  if (uint64_t(R.Length) != Bytes) {
    ::close(FD);
    fail(What + " holds " + std::to_string(R.Length) + " bytes; its shape " + shapeStr(Dims) +
         " needs " + std::to_string(Bytes));
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
      fail(What + ": cannot read external data file " + q(R.Shown) +
           (Got < 0 ? std::string(": ") + std::strerror(errno) : ": it ended early"));
    }
    Done += size_t(Got);
  }
  ::close(FD);
  return Data;
}

Const Importer::readTensor(const onnx::TensorProto &T, const std::string &What) {
  Const C;
  int32_t DT = T.data_type();
  if (!isFloatType(DT) && !isIntType(DT))
    fail(What + " has data type " + dtypeName(DT) + ", which d1c does not support");
  if (DT == onnx::TensorProto::FLOAT16 || DT == onnx::TensorProto::BFLOAT16)
    fail(What + " has data type " + dtypeName(DT) + "; d1c reads FLOAT models");
  for (int64_t D : T.dims()) {
    if (D < 0)
      fail(What + " has a negative dimension");
    C.Dims.push_back(D);
  }
  bool Float = isFloatType(DT);
  C.DType = Float ? onnx::TensorProto::FLOAT : DT;
  // Bounded before anything is read or allocated.
  checkSize(C.Dims, int64_t(elementSize(DT)), What);
  int64_t N = C.size();
  size_t Bytes = size_t(N) * elementSize(DT); // fits: checked against DRAM
  std::string Raw;
  bool HasRaw = false;
  if (T.data_location() == onnx::TensorProto::EXTERNAL) {
    Raw = externalData(T, What, C.Dims, Bytes);
    HasRaw = true;
  } else if (T.has_raw_data()) {
    Raw = T.raw_data();
    HasRaw = true;
  }
  if (HasRaw) {
    if (Raw.size() != Bytes)
      fail(What + " holds " + std::to_string(Raw.size()) + " bytes; its shape " + shapeStr(C.Dims) +
           " needs " + std::to_string(Bytes));
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
  auto Check = [&](int64_t Got) {
    if (Got != N)
      fail(What + " holds " + std::to_string(Got) + " values; its shape " + shapeStr(C.Dims) +
           " needs " + std::to_string(N));
  };
  switch (DT) {
  case onnx::TensorProto::FLOAT:
    Check(T.float_data_size());
    C.F.assign(T.float_data().begin(), T.float_data().end());
    break;
  case onnx::TensorProto::DOUBLE:
    Check(T.double_data_size());
    for (double V : T.double_data())
      C.F.push_back(float(V));
    break;
  case onnx::TensorProto::INT64:
    Check(T.int64_data_size());
    C.I.assign(T.int64_data().begin(), T.int64_data().end());
    break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    Check(T.uint64_data_size());
    for (uint64_t V : T.uint64_data())
      C.I.push_back(int64_t(V));
    break;
  default:
    Check(T.int32_data_size());
    C.I.assign(T.int32_data().begin(), T.int32_data().end());
    break;
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
  checkSize(C.Dims, int64_t(elementSize(C.DType)), "constant");
  if (size_t(C.size()) != (C.isFloat() ? C.F.size() : C.I.size()))
    fail("internal error: a constant's values do not match its shape " + shapeStr(C.Dims));
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
    fail("missing input " + std::to_string(K));
  const std::string &Name = Node->input(K);
  auto It = Values.find(Name);
  if (It != Values.end())
    return It->second;
  auto C = Consts.find(Name);
  if (C == Consts.end())
    fail("input " + q(Name) + " is not defined before this node");
  Value V = materialize(C->second);
  Values[Name] = V;
  return V;
}

Value Importer::inputAs(int K, Type E) {
  if (isConst(K)) {
    Const C = Consts[Node->input(K)];
    int32_t To = onnxType(E);
    if (C.isFloat() && To != onnx::TensorProto::FLOAT) {
      for (float F : C.F)
        C.I.push_back(toInt64(F));
      C.F.clear();
    } else if (!C.isFloat() && To == onnx::TensorProto::FLOAT) {
      C.F.assign(C.I.begin(), C.I.end());
      C.I.clear();
    }
    C.DType = To;
    return materialize(C);
  }
  Value V = input(K);
  if (E.isF32() && isStorageFloat(eltOf(V)))
    return castTo(V, E);
  if (eltOf(V) != E)
    fail("input " + q(Node->input(K)) + " is " + dtypeName(onnxType(eltOf(V))) + ", expected " +
         dtypeName(onnxType(E)));
  return V;
}

Value Importer::floatInput(int K) {
  if (isConst(K) && !Consts[Node->input(K)].isFloat()) {
    // An integer constant (Pow's exponent, say) in an fp32 computation.
    Const C = Consts[Node->input(K)];
    C.F.assign(C.I.begin(), C.I.end());
    C.I.clear();
    C.DType = onnx::TensorProto::FLOAT;
    return materialize(C);
  }
  Value V = input(K);
  if (isStorageFloat(eltOf(V)))
    return castTo(V, B.getF32Type());
  if (!cast<RankedTensorType>(V.getType()).getElementType().isF32())
    fail("input " + q(Node->input(K)) + " is " +
         (cast<RankedTensorType>(V.getType()).getElementType().isInteger(1) ? "bool"
                                                                            : "an integer") +
         " tensor; " + escape(Node->op_type()) + " is computed in fp32 only");
  return V;
}

void Importer::setOutput(int K, Value V) {
  if (K >= Node->output_size() || Node->output(K).empty())
    return;
  const std::string &Name = Node->output(K);
  checkSize(shapeOf(V), bytesOf(eltOf(V)), "output " + q(Name));
  Values[Name] = V;
}

void Importer::setConst(int K, Const C) {
  if (K >= Node->output_size() || Node->output(K).empty())
    return;
  checkSize(C.Dims, int64_t(elementSize(C.DType)), "output " + q(Node->output(K)));
  Consts[Node->output(K)] = std::move(C);
}

void Importer::onlyAttrs(std::initializer_list<const char *> Known) {
  for (const auto &A : Node->attribute()) {
    if (A.type() == onnx::AttributeProto::GRAPH || A.type() == onnx::AttributeProto::GRAPHS)
      fail("subgraph attribute " + q(A.name()) + " is not supported");
    bool Ok = false;
    for (const char *K : Known)
      Ok |= A.name() == K;
    if (!Ok)
      fail("attribute " + q(A.name()) + " is not supported");
  }
}

//===----------------------------------------------------------------------===//
// Constant folding of shape computations (and anything else on constants)
//===----------------------------------------------------------------------===//

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

/// Elementwise over two constants with broadcasting; Check sees the result's
/// shape and type before anything is allocated.
Const foldBinary(const Const &A, const Const &X, const std::function<double(double, double)> &F,
                 bool FloatResult, std::string &Err,
                 const std::function<void(const Const &)> &Check) {
  Const R;
  Err = shapes::broadcast(A.Dims, X.Dims, R.Dims);
  if (!Err.empty())
    return R;
  R.DType = FloatResult ? onnx::TensorProto::FLOAT : A.DType;
  Check(R);
  int64_t N = R.size();
  for (int64_t K = 0; K < N; ++K) {
    double V = F(A.at(broadcastIndex(R.Dims, A.Dims, K)), X.at(broadcastIndex(R.Dims, X.Dims, K)));
    if (FloatResult)
      R.F.push_back(float(V));
    else
      R.I.push_back(toInt64(V));
  }
  return R;
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

bool Importer::fold() {
  const std::string &Op = Node->op_type();
  size_t NIn = numInputs();
  bool AllConst = true;
  for (size_t K = 0; K < NIn; ++K)
    AllConst &= !hasInput(int(K)) || isConst(int(K));
  std::string Err;

  if (Op == "Constant") {
    onlyAttrs({"value", "value_float", "value_floats", "value_int", "value_ints"});
    Const C;
    if (const auto *A = attr("value"))
      C = readTensor(A->t(), "Constant value");
    else if (const auto *A = attr("value_float"))
      C.F = {A->f()};
    else if (const auto *A = attr("value_floats")) {
      C.F.assign(A->floats().begin(), A->floats().end());
      C.Dims = {int64_t(C.F.size())};
    } else if (const auto *A = attr("value_int")) {
      C.DType = onnx::TensorProto::INT64;
      C.I = {A->i()};
    } else if (const auto *A = attr("value_ints")) {
      C.DType = onnx::TensorProto::INT64;
      C.I.assign(A->ints().begin(), A->ints().end());
      C.Dims = {int64_t(C.I.size())};
    } else {
      fail("Constant without a supported value attribute");
    }
    setConst(0, C);
    return true;
  }
  if (Op == "Shape") {
    onlyAttrs({"start", "end"});
    Shape S = inputShape(0);
    int64_t R = int64_t(S.size()), Start = intAttr("start", 0), End = intAttr("end", R);
    Start = std::clamp<int64_t>(Start < 0 ? Start + R : Start, 0, R);
    End = std::clamp<int64_t>(End < 0 ? End + R : End, 0, R);
    Const C;
    C.DType = onnx::TensorProto::INT64;
    for (int64_t D = Start; D < End; ++D)
      C.I.push_back(S[size_t(D)]);
    C.Dims = {int64_t(C.I.size())};
    setConst(0, C);
    return true;
  }
  if (Op == "Size") {
    Const C;
    C.DType = onnx::TensorProto::INT64;
    C.I = {shapes::numElements(inputShape(0))};
    setConst(0, C);
    return true;
  }
  if (!AllConst || NIn == 0)
    return false;

  auto In = [&](int K) -> const Const & {
    if (!hasInput(K)) // an omitted input inside the list
      fail("missing input " + std::to_string(K));
    return Consts[Node->input(K)];
  };
  // The largest input: a folded result no larger is not bounded further.
  int64_t Largest = 0;
  for (size_t K = 0; K < NIn; ++K)
    if (hasInput(int(K)))
      Largest = std::max(Largest, In(int(K)).size());
  auto CheckOut = [&](const Const &R) { checkComputed(R.Dims, R.DType, "output", Largest); };
  static const std::map<std::string, std::function<double(double, double)>> Binary = {
      {"Add", [](double A, double B) { return A + B; }},
      {"Sub", [](double A, double B) { return A - B; }},
      {"Mul", [](double A, double B) { return A * B; }},
      {"Pow", [](double A, double B) { return std::pow(A, B); }},
      {"Min", [](double A, double B) { return std::min(A, B); }},
      {"Max", [](double A, double B) { return std::max(A, B); }},
      {"Equal", [](double A, double B) { return double(A == B); }},
      {"Less", [](double A, double B) { return double(A < B); }},
      {"Greater", [](double A, double B) { return double(A > B); }},
  };
  auto Bin = Binary.find(Op);
  if (Bin != Binary.end() && NIn == 2) {
    bool Cmp = Op == "Equal" || Op == "Less" || Op == "Greater";
    Const R = foldBinary(In(0), In(1), Bin->second, In(0).isFloat() && !Cmp, Err, CheckOut);
    if (!Err.empty())
      fail(Err);
    if (Cmp)
      R.DType = onnx::TensorProto::BOOL;
    setConst(0, R);
    return true;
  }
  if (Op == "Div" && NIn == 2) {
    bool F = In(0).isFloat();
    Const R = foldBinary(
        In(0), In(1),
        [F](double A, double B) {
          if (F)
            return A / B;
          int64_t N = toInt64(A), D = toInt64(B);
          if (D == 0 || (N == INT64_MIN && D == -1)) // undefined in ONNX; not a trap here
            return D == 0 ? 0.0 : A;
          return double(N / D); // integer division truncates
        },
        F, Err, CheckOut);
    if (!Err.empty())
      fail(Err);
    setConst(0, R);
    return true;
  }
  if (Op == "Where" && NIn == 3) {
    const Const &Cond = In(0), &X = In(1), &Y = In(2);
    Shape XY, Out;
    Err = shapes::broadcast(X.Dims, Y.Dims, XY);
    if (Err.empty())
      Err = shapes::broadcast(Cond.Dims, XY, Out);
    if (!Err.empty())
      fail(Err);
    Const R;
    R.DType = X.DType;
    R.Dims = Out;
    CheckOut(R);
    for (int64_t K = 0; K < R.size(); ++K) {
      const Const &Pick = Cond.at(broadcastIndex(Out, Cond.Dims, K)) != 0 ? X : Y;
      int64_t At = broadcastIndex(Out, Pick.Dims, K);
      if (R.isFloat())
        R.F.push_back(Pick.isFloat() ? Pick.F[size_t(At)] : float(Pick.I[size_t(At)]));
      else
        R.I.push_back(Pick.isFloat() ? toInt64(Pick.F[size_t(At)]) : Pick.I[size_t(At)]);
    }
    setConst(0, R);
    return true;
  }
  if (Op == "Neg" || Op == "Abs" || Op == "Sqrt" || Op == "Reciprocal" || Op == "Exp" ||
      Op == "Floor" || Op == "Ceil" || Op == "Relu") {
    Const R = In(0);
    for (size_t K = 0; K < size_t(R.size()); ++K) {
      double V = R.at(int64_t(K));
      V = Op == "Neg"          ? -V
          : Op == "Abs"        ? std::fabs(V)
          : Op == "Sqrt"       ? std::sqrt(V)
          : Op == "Reciprocal" ? 1 / V
          : Op == "Exp"        ? std::exp(V)
          : Op == "Floor"      ? std::floor(V)
          : Op == "Ceil"       ? std::ceil(V)
                               : std::max(V, 0.0);
      if (R.isFloat())
        R.F[K] = float(V);
      else
        R.I[K] = toInt64(V);
    }
    setConst(0, R);
    return true;
  }
  if (Op == "Identity") {
    setConst(0, In(0));
    return true;
  }
  if (Op == "Cast") {
    int64_t To = intAttr("to", 0);
    Const R = In(0);
    if (isFloatType(int32_t(To)) && !R.isFloat()) {
      R.F.assign(R.I.begin(), R.I.end());
      R.I.clear();
    } else if (isIntType(int32_t(To)) && R.isFloat()) {
      for (float V : R.F)
        R.I.push_back(toInt64(V));
      R.F.clear();
    } else if (!isFloatType(int32_t(To)) && !isIntType(int32_t(To))) {
      fail("Cast to " + dtypeName(int32_t(To)) + " is not supported");
    }
    R.DType = isFloatType(int32_t(To)) ? onnx::TensorProto::FLOAT : int32_t(To);
    if (R.DType == onnx::TensorProto::BOOL)
      for (int64_t &V : R.I)
        V = V != 0;
    setConst(0, R);
    return true;
  }
  if (Op == "Reshape" || Op == "Unsqueeze" || Op == "Squeeze" || Op == "Flatten") {
    return false; // handled below for values and constants alike
  }
  if (Op == "Concat") {
    int64_t Axis = intAttr("axis", 0);
    std::vector<Shape> Ins;
    for (size_t K = 0; K < NIn; ++K)
      Ins.push_back(In(int(K)).Dims);
    Shape Out;
    Err = shapes::concat(Ins, Axis, Out);
    if (!Err.empty())
      fail(Err);
    shapes::normalizeAxis(Axis, int64_t(Out.size()));
    Const R;
    R.DType = In(0).DType;
    R.Dims = Out;
    checkSize(Out, int64_t(elementSize(R.DType)), "output"); // no larger than its inputs
    int64_t Outer = 1;
    for (int64_t D = 0; D < Axis; ++D)
      Outer *= Out[size_t(D)];
    for (int64_t O = 0; O < Outer; ++O)
      for (size_t K = 0; K < NIn; ++K) {
        const Const &C = In(int(K));
        int64_t Inner = C.size() / std::max<int64_t>(Outer, 1);
        for (int64_t E = 0; E < Inner; ++E) {
          if (R.isFloat())
            R.F.push_back(C.isFloat() ? C.F[O * Inner + E] : float(C.I[O * Inner + E]));
          else
            R.I.push_back(C.isFloat() ? toInt64(C.F[O * Inner + E]) : C.I[O * Inner + E]);
        }
      }
    setConst(0, R);
    return true;
  }
  if (Op == "Gather") {
    const Const &Data = In(0), &Idx = In(1);
    int64_t Axis = intAttr("axis", 0);
    Shape Out;
    Err = shapes::gather(Data.Dims, Idx.Dims, Axis, Out);
    if (!Err.empty())
      fail(Err);
    shapes::normalizeAxis(Axis, int64_t(Data.Dims.size()));
    if (Idx.isFloat())
      fail("indices must be integers");
    checkComputed(Out, Data.DType, "output", Largest);
    std::vector<int64_t> St = stridesOf(Data.Dims);
    size_t IR = Idx.Dims.size();
    auto Strides = stridesOf(Idx.Dims);
    setConst(0, gatherConst(Data, Out, [&](const std::vector<int64_t> &C) {
               int64_t Flat = 0;
               for (size_t D = 0; D < IR; ++D)
                 Flat += C[size_t(Axis) + D] * Strides[D];
               int64_t I = Idx.I[size_t(Flat)];
               if (I < 0)
                 I += Data.Dims[size_t(Axis)];
               if (I < 0 || I >= Data.Dims[size_t(Axis)])
                 fail("index " + std::to_string(Idx.I[size_t(Flat)]) +
                      " out of range for dimension " + std::to_string(Data.Dims[size_t(Axis)]));
               int64_t Src = I * St[size_t(Axis)];
               for (int64_t D = 0; D < Axis; ++D)
                 Src += C[size_t(D)] * St[size_t(D)];
               for (size_t D = size_t(Axis) + 1; D < Data.Dims.size(); ++D)
                 Src += C[D + IR - 1] * St[D];
               return Src;
             }));
    return true;
  }
  if (Op == "ConstantOfShape") {
    Const R;
    if (In(0).isFloat() || In(0).Dims.size() != 1)
      fail("the shape must be a 1D integer tensor");
    R.Dims = In(0).I;
    R.DType = onnx::TensorProto::FLOAT;
    double V = 0;
    if (const auto *A = attr("value")) {
      Const VC = readTensor(A->t(), "ConstantOfShape value");
      if (VC.size() != 1)
        fail("value must hold one element");
      R.DType = VC.DType;
      V = VC.at(0);
    }
    checkComputed(R.Dims, R.DType, "output");
    if (R.isFloat())
      R.F.assign(size_t(R.size()), float(V));
    else
      R.I.assign(size_t(R.size()), toInt64(V));
    setConst(0, R);
    return true;
  }
  if (Op == "Range") {
    Const R;
    R.DType = In(0).DType;
    for (int K = 0; K < 3; ++K)
      if (In(K).size() != 1)
        fail("start, limit and delta must be scalars");
    double Start = In(0).at(0), Limit = In(1).at(0), Delta = In(2).at(0);
    double Count = std::ceil((Limit - Start) / Delta);
    if (Delta == 0 || !std::isfinite(Count))
      fail("start, limit and delta give no finite count");
    // Bounded as a double: converting a larger one is undefined.
    if (Count > double(MaxComputedElements))
      fail("output would have more than " + std::to_string(MaxComputedElements) +
           " elements, more than d1c computes at import");
    int64_t N = Count > 0 ? int64_t(Count) : 0;
    R.Dims = {N};
    checkComputed(R.Dims, R.DType, "output");
    int64_t IStart = In(0).isFloat() ? toInt64(Start) : In(0).I[0];
    int64_t IDelta = In(2).isFloat() ? toInt64(Delta) : In(2).I[0];
    for (int64_t K = 0; K < N; ++K) {
      if (R.isFloat()) {
        R.F.push_back(float(Start + double(K) * Delta));
        continue;
      }
      int64_t V;
      if (__builtin_mul_overflow(K, IDelta, &V) || __builtin_add_overflow(IStart, V, &V))
        fail("the range overflows 64 bits");
      R.I.push_back(V);
    }
    setConst(0, R);
    return true;
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Ops on values
//===----------------------------------------------------------------------===//

void Importer::importConv() {
  onlyAttrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  if (shapeOf(input(0)).size() == 5)
    return importConv3D();
  setOutput(0, buildConv(input(0), input(1), hasInput(2) ? input(2) : Value()));
}

Value Importer::buildConv(Value X, Value W, Value Bias) {
  Shape XS = shapeOf(X);
  bool OneD = XS.size() == 3;
  if (XS.size() != 4 && !OneD)
    fail("only 1D, 2D and 3D convolutions are supported (input " + shapeStr(XS) + ")");
  Shape WS = shapeOf(W);
  if (WS.size() != XS.size())
    fail("weight rank differs from input rank");
  std::vector<int64_t> Strides = intsAttr("strides"), Dil = intsAttr("dilations"),
                       Pads = intsAttr("pads"), Kernel = intsAttr("kernel_shape");
  // A 1D convolution is a 2D one of height 1.
  checkWindowAttrs(XS.size() - 2, Kernel, Strides, Dil, Pads);
  if (OneD) {
    X = reshape(X, {XS[0], XS[1], 1, XS[2]});
    W = reshape(W, {WS[0], WS[1], 1, WS[2]});
    XS = shapeOf(X);
    WS = shapeOf(W);
    auto Lift = [](std::vector<int64_t> &V, int64_t One) {
      if (V.size() == 1)
        V.insert(V.begin(), One);
    };
    Lift(Strides, 1);
    Lift(Dil, 1);
    Lift(Kernel, 1);
    if (Pads.size() == 2)
      Pads = {0, Pads[0], 0, Pads[1]};
  }
  if (Strides.empty())
    Strides = {1, 1};
  if (Dil.empty())
    Dil = {1, 1};
  if (Pads.empty())
    Pads = {0, 0, 0, 0};
  if (!Kernel.empty() && Kernel != std::vector<int64_t>{WS[2], WS[3]})
    fail("kernel_shape " + shapeStr(Kernel) + " differs from the weight's " +
         shapeStr({WS[2], WS[3]}));
  resolveAutoPad(XS, {WS[2], WS[3]}, Strides, Dil, Pads);
  int64_t Group = intAttr("group", 1);
  Shape Out;
  std::string E = shapes::conv2d(XS, WS, Strides, Pads, Dil, Group, Out);
  if (!E.empty())
    fail(E);
  Value R = B.create<graph::ConvOp>(Loc, f32(Out), X, W, Bias, B.getDenseI64ArrayAttr(Strides),
                                    B.getDenseI64ArrayAttr(Pads), B.getDenseI64ArrayAttr(Dil),
                                    B.getI64IntegerAttr(Group));
  if (OneD)
    R = reshape(R, {Out[0], Out[1], Out[3]});
  return R;
}

// A 3D convolution as 2D ones: output plane d sums, over the kernel depth
// kd, the 2D convolution of input plane d * stride + kd * dilation with the
// kernel's plane kd.
void Importer::importConv3D() {
  Value X = floatInput(0), W = floatInput(1);
  Shape XS = shapeOf(X), WS = shapeOf(W);
  if (WS.size() != 5)
    fail("weight rank differs from input rank");
  std::vector<int64_t> St = intsAttr("strides", 1, 3), Dil = intsAttr("dilations", 1, 3),
                       Pads = intsAttr("pads", 0, 6), Kernel = intsAttr("kernel_shape");
  checkWindowAttrs(3, Kernel, St, Dil, Pads);
  if (!Kernel.empty() && Kernel != std::vector<int64_t>{WS[2], WS[3], WS[4]})
    fail("kernel_shape " + shapeStr(Kernel) + " differs from the weight's " +
         shapeStr({WS[2], WS[3], WS[4]}));
  resolveAutoPad(XS, {WS[2], WS[3], WS[4]}, St, Dil, Pads);
  int64_t G = intAttr("group", 1);
  std::vector<int64_t> DP(10, 0);
  DP[2] = Pads[0];
  DP[7] = Pads[3];
  Value P = pad(X, DP, "constant", 0);
  Shape PS = shapeOf(P);
  int64_t KD = WS[2];
  int64_t OD = shapes::windowOut(PS[2], KD, St[0], 0, 0, Dil[0]);
  if (OD < 1 || KD < 1)
    fail("the kernel is deeper than the padded input");
  checkUnroll(mulOrFail(OD, KD, "the number of 2D convolutions"),
              "the 3D convolution (" + std::to_string(OD) + " output planes of " +
                  std::to_string(KD) + ")");
  auto Plane = [&](Value V, int64_t Z) {
    Shape S = shapeOf(V);
    return reshape(sliceAlong(V, 2, Z, Z + 1), {S[0], S[1], S[3], S[4]});
  };
  std::vector<Value> KPlanes;
  for (int64_t Kd = 0; Kd < KD; ++Kd)
    KPlanes.push_back(Plane(W, Kd));
  Value Bias = hasInput(2) ? floatInput(2) : Value();
  std::vector<Value> Outs;
  for (int64_t Od = 0; Od < OD; ++Od) {
    Value Acc;
    for (int64_t Kd = 0; Kd < KD; ++Kd) {
      Value In = Plane(P, Od * St[0] + Kd * Dil[0]);
      Shape Out;
      std::vector<int64_t> S2 = {St[1], St[2]}, P2 = {Pads[1], Pads[2], Pads[4], Pads[5]},
                           D2 = {Dil[1], Dil[2]};
      std::string E = shapes::conv2d(shapeOf(In), shapeOf(KPlanes[size_t(Kd)]), S2, P2, D2, G, Out);
      if (!E.empty())
        fail(E);
      Value C =
          B.create<graph::ConvOp>(Loc, f32(Out), In, KPlanes[size_t(Kd)], Kd == 0 ? Bias : Value(),
                                  B.getDenseI64ArrayAttr(S2), B.getDenseI64ArrayAttr(P2),
                                  B.getDenseI64ArrayAttr(D2), B.getI64IntegerAttr(G));
      Acc = Acc ? bin<graph::AddOp>(Acc, C) : C;
    }
    Shape AS = shapeOf(Acc);
    Outs.push_back(reshape(Acc, {AS[0], AS[1], 1, AS[2], AS[3]}));
  }
  Shape S0 = shapeOf(Outs[0]);
  setOutput(0, B.create<graph::ConcatOp>(Loc, f32({S0[0], S0[1], OD, S0[3], S0[4]}), Outs,
                                         B.getI64IntegerAttr(2)));
}

void Importer::importPool(bool Max) {
  if (Max)
    onlyAttrs(
        {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  else
    onlyAttrs({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  Value X = input(0);
  Shape XS = shapeOf(X);
  size_t NS = XS.size() < 3 ? 0 : XS.size() - 2;
  if (NS < 1 || NS > 3)
    fail("only 1D, 2D and 3D pooling is supported (input " + shapeStr(XS) + ")");
  Type T = eltOf(X);
  if (T.isInteger(1) || (!Max && !T.isF32()))
    fail("pooling takes fp32 (max pooling also integers)");
  if (!T.isF32()) // integers: exact in fp32 up to 2^24
    X = castTo(X, B.getF32Type());
  std::vector<int64_t> Kernel = intsAttr("kernel_shape");
  if (Kernel.size() != NS)
    fail("kernel_shape must have " + std::to_string(NS) + " values");
  std::vector<int64_t> Strides = intsAttr("strides", 1, NS), Pads = intsAttr("pads", 0, 2 * NS),
                       Dil = Max ? intsAttr("dilations", 1, NS) : std::vector<int64_t>(NS, 1);
  checkWindowAttrs(NS, Kernel, Strides, Dil, Pads);
  if (intAttr("storage_order", 0) != 0)
    fail("storage_order 1 is not supported");
  resolveAutoPad(XS, Kernel, Strides, Dil, Pads);
  bool CountPad = intAttr("count_include_pad", 0) != 0;
  if (intAttr("ceil_mode", 0)) {
    // ceil_mode: pad the end so that the floor rule gives the ceil size (a
    // window must start inside the input or its left padding).
    // Attributes are at most 2^31 and dimensions within DRAM: no overflow.
    for (size_t D = 0; D < NS; ++D) {
      int64_t Span = XS[2 + D] + Pads[D] + Pads[D + NS] - Dil[D] * (Kernel[D] - 1) - 1;
      if (Span < 0)
        fail("the window is larger than the padded input");
      int64_t Out = shapes::windowOut(XS[2 + D], Kernel[D], Strides[D], Pads[D], Pads[D + NS],
                                      Dil[D], /*Ceil=*/true);
      int64_t Need = (Out - 1) * Strides[D] + Dil[D] * (Kernel[D] - 1) + 1 -
                     (XS[2 + D] + Pads[D] + Pads[D + NS]);
      if (Need > 0) {
        if (!Max && CountPad)
          fail("ceil_mode with count_include_pad is not supported");
        Pads[D + NS] += Need;
      }
    }
  }
  // One 2D pooling (the depth of 3D pooling is combined by the caller).
  auto Pool2D = [&](Value In, std::vector<int64_t> K, std::vector<int64_t> St,
                    std::vector<int64_t> P, std::vector<int64_t> Dl) -> Value {
    Shape Out;
    std::string E = shapes::pool2d(shapeOf(In), K, St, P, Dl, false, Out);
    if (!E.empty())
      fail(E);
    if (Max)
      return B.create<graph::MaxPoolOp>(Loc, f32(Out), In, B.getDenseI64ArrayAttr(K),
                                        B.getDenseI64ArrayAttr(St), B.getDenseI64ArrayAttr(P),
                                        B.getDenseI64ArrayAttr(Dl));
    return B.create<graph::AvgPoolOp>(Loc, f32(Out), In, B.getDenseI64ArrayAttr(K),
                                      B.getDenseI64ArrayAttr(St), B.getDenseI64ArrayAttr(P),
                                      B.getBoolAttr(CountPad));
  };
  Value R;
  if (NS == 1) { // as 2D of height 1
    Value V = reshape(X, {XS[0], XS[1], 1, XS[2]});
    R = Pool2D(V, {1, Kernel[0]}, {1, Strides[0]}, {0, Pads[0], 0, Pads[1]}, {1, Dil[0]});
    Shape RS = shapeOf(R);
    R = reshape(R, {RS[0], RS[1], RS[3]});
  } else if (NS == 2) {
    R = Pool2D(X, Kernel, Strides, Pads, Dil);
  } else {
    // 3D: each output depth combines 2D poolings of kd input planes.
    if (!Max && (Pads[0] || Pads[3]) && !CountPad)
      fail("3D average pooling with depth padding excluded from the count is not supported");
    std::vector<int64_t> DP(2 * XS.size(), 0);
    DP[2] = Pads[0];
    DP[2 + XS.size()] = Pads[3];
    Value P = pad(X, DP, "constant", Max ? -INFINITY : 0.0);
    Shape PS = shapeOf(P);
    int64_t OD = shapes::windowOut(PS[2], Kernel[0], Strides[0], 0, 0, Dil[0]);
    if (OD < 1)
      fail("the window is deeper than the padded input");
    checkUnroll(mulOrFail(OD, Kernel[0], "the number of 2D poolings"),
                "the 3D pooling (" + std::to_string(OD) + " output planes of " +
                    std::to_string(Kernel[0]) + ")");
    std::vector<Value> Planes;
    for (int64_t Od = 0; Od < OD; ++Od) {
      Value Acc;
      for (int64_t Kd = 0; Kd < Kernel[0]; ++Kd) {
        int64_t Z = Od * Strides[0] + Kd * Dil[0];
        Value Plane = sliceAlong(P, 2, Z, Z + 1);
        Value V = Pool2D(reshape(Plane, {PS[0], PS[1], PS[3], PS[4]}), {Kernel[1], Kernel[2]},
                         {Strides[1], Strides[2]}, {Pads[1], Pads[2], Pads[4], Pads[5]},
                         {Dil[1], Dil[2]});
        Acc = !Acc ? V : Max ? bin<graph::MaxOp>(Acc, V) : bin<graph::AddOp>(Acc, V);
      }
      if (!Max)
        Acc = bin<graph::MulOp>(Acc, scalar(1.0 / double(Kernel[0])));
      Shape AS = shapeOf(Acc);
      Planes.push_back(reshape(Acc, {AS[0], AS[1], 1, AS[2], AS[3]}));
    }
    Shape S0 = shapeOf(Planes[0]);
    R = B.create<graph::ConcatOp>(Loc, f32({S0[0], S0[1], OD, S0[3], S0[4]}), Planes,
                                  B.getI64IntegerAttr(2));
  }
  setOutput(0, castTo(R, T));
}

Value Importer::constFrom(const Shape &S, Type E,
                          const std::function<double(const std::vector<int64_t> &)> &F) {
  Const C;
  C.DType = onnxType(E);
  C.Dims = S;
  checkComputed(S, C.DType, "constant");
  std::vector<int64_t> Co(S.size(), 0);
  for (int64_t K = 0; K < C.size(); ++K) {
    double V = F(Co);
    if (C.isFloat())
      C.F.push_back(float(V));
    else
      C.I.push_back(toInt64(V));
    for (size_t D = S.size(); D-- > 0;) {
      if (++Co[D] < S[D])
        break;
      Co[D] = 0;
    }
  }
  return materialize(C);
}

Value Importer::splat(const Shape &S, Type E, double V) {
  checkSize(S, bytesOf(E), "constant");
  if (shapes::numElements(S) == 0) // printed as dense<>, like constFrom's
    return constFrom(S, E, [](const std::vector<int64_t> &) { return 0.0; });
  auto T = RankedTensorType::get(S, E);
  Attribute A;
  if (E.isInteger(1))
    A = B.getBoolAttr(V != 0);
  else if (isa<FloatType>(E))
    A = FloatAttr::get(E, float(V));
  else
    A = IntegerAttr::get(E, APInt(64, uint64_t(toInt64(V))).trunc(E.getIntOrFloatBitWidth()));
  return B.create<graph::ConstantOp>(Loc, T, DenseElementsAttr::get(T, A));
}

Value Importer::reduceOf(graph::ReduceKind Kind, Value V, std::vector<int64_t> Axes,
                         bool KeepDims) {
  Shape Out;
  std::string E = shapes::reduce(shapeOf(V), Axes, KeepDims, Out);
  if (!E.empty())
    fail(E);
  return B.create<graph::ReduceOp>(Loc, f32(Out), V, graph::ReduceKindAttr::get(&Ctx, Kind),
                                   B.getDenseI64ArrayAttr(Axes), B.getBoolAttr(KeepDims));
}

Value Importer::logSoftmax(Value X, int64_t Axis) {
  // (x - max) - log(sum(e^(x - max)))
  Value D = bin<graph::SubOp>(X, reduceOf(graph::ReduceKind::Max, X, {Axis}, true));
  Value S = reduceOf(graph::ReduceKind::Sum, un<graph::ExpOp>(D), {Axis}, true);
  return bin<graph::SubOp>(D, un<graph::LogOp>(S));
}

Value Importer::argExtreme(Value X, int64_t Axis, bool Max, bool Last, bool KeepDims) {
  // Positions holding the extreme, then the smallest (largest) such index.
  Shape S = shapeOf(X);
  int64_t Len = S[size_t(Axis)];
  auto Ext = Max ? graph::ReduceKind::Max : graph::ReduceKind::Min;
  Value At = compare(graph::ComparePredicate::EQ, X, reduceOf(Ext, X, {Axis}, true));
  Shape IS(S.size(), 1);
  IS[size_t(Axis)] = Len;
  Value Iota = constFrom(IS, B.getF32Type(),
                         [&](const std::vector<int64_t> &C) { return double(C[size_t(Axis)]); });
  Value Pick = where(At, Iota, scalar(Last ? -1.0 : double(Len)));
  Value R =
      reduceOf(Last ? graph::ReduceKind::Max : graph::ReduceKind::Min, Pick, {Axis}, KeepDims);
  return castTo(R, B.getI64Type());
}

Value Importer::gatherElements(Value Data, Value Indices, int64_t Axis) {
  Shape DS = shapeOf(Data), IS = shapeOf(Indices);
  Value Flat = elementIndices(DS, Indices, Axis);
  Value FlatData = reshape(Data, {shapes::numElements(DS)});
  return B.create<graph::GatherOp>(Loc, RankedTensorType::get(IS, eltOf(Data)), FlatData, Flat,
                                   B.getI64IntegerAttr(0));
}

Value Importer::normalizedIndex(Value Idx, int64_t Len) {
  Type I64 = B.getI64Type();
  Idx = castTo(Idx, I64);
  return where(compare(graph::ComparePredicate::LT, Idx, scalar(0, I64)),
               bin<graph::AddOp>(Idx, scalar(double(Len), I64)), Idx);
}

Value Importer::elementIndices(const Shape &DS, Value Indices, int64_t Axis) {
  Shape IS = shapeOf(Indices);
  if (DS.size() != IS.size())
    fail("indices must have the rank of the data");
  for (size_t D = 0; D < DS.size(); ++D)
    if (int64_t(D) != Axis && IS[D] > DS[D])
      fail("indices " + shapeStr(IS) + " exceed the data " + shapeStr(DS));
  Type I64 = B.getI64Type();
  auto St = stridesOf(DS);
  Value Idx = normalizedIndex(Indices, DS[size_t(Axis)]);
  // Element index = idx * stride(axis) + sum of the other coordinates' offsets.
  Value Base = constFrom(IS, I64, [&](const std::vector<int64_t> &C) {
    int64_t Off = 0;
    for (size_t D = 0; D < C.size(); ++D)
      if (int64_t(D) != Axis)
        Off += C[D] * St[D];
    return double(Off);
  });
  return bin<graph::AddOp>(bin<graph::MulOp>(Idx, scalar(double(St[size_t(Axis)]), I64)), Base);
}

Value Importer::rowIndices(const Shape &DS, Value Indices, int64_t BatchDims, int64_t &Inner) {
  Shape IS = shapeOf(Indices);
  int64_t K = IS.empty() ? 0 : IS.back(), Bd = BatchDims;
  if (IS.empty() || K < 1 || Bd < 0 || Bd >= int64_t(IS.size()) || Bd > int64_t(DS.size()) ||
      K > int64_t(DS.size()) - Bd)
    fail("indices " + shapeStr(IS) + " do not address data " + shapeStr(DS));
  for (int64_t D = 0; D < Bd; ++D)
    if (IS[size_t(D)] != DS[size_t(D)])
      fail("batch dimensions of indices and data differ");
  Type I64 = B.getI64Type();
  Inner = 1;
  for (size_t D = size_t(Bd + K); D < DS.size(); ++D)
    Inner *= DS[D];
  Shape Lead(IS.begin(), IS.end() - 1); // one row index per leading position
  Value Row;
  int64_t Stride = 1;
  for (int64_t J = K; J-- > 0;) {
    Value Part = sliceAlong(Indices, int64_t(IS.size()) - 1, J, J + 1);
    Value I = normalizedIndex(reshape(Part, Lead), DS[size_t(Bd + J)]);
    Value Term = bin<graph::MulOp>(I, scalar(double(Stride), I64));
    Row = Row ? bin<graph::AddOp>(Row, Term) : Term;
    Stride *= DS[size_t(Bd + J)];
  }
  if (Bd) { // each batch position has its own block of rows
    Shape BS(Lead.size(), 1);
    for (int64_t D = 0; D < Bd; ++D)
      BS[size_t(D)] = Lead[size_t(D)];
    auto BSt = stridesOf(Shape(Lead.begin(), Lead.begin() + Bd));
    Value Base = constFrom(BS, I64, [&](const std::vector<int64_t> &C) {
      int64_t F = 0;
      for (int64_t D = 0; D < Bd; ++D)
        F += C[size_t(D)] * BSt[size_t(D)];
      return double(F * Stride);
    });
    Row = bin<graph::AddOp>(Row, Base);
  }
  return Row;
}

Value Importer::nllLoss(Value LogProb, Value Target, Value Weight, std::optional<int64_t> Ignore,
                        const std::string &Reduction) {
  Shape PS = shapeOf(LogProb), TS = shapeOf(Target);
  if (PS.size() < 2 || TS.size() != PS.size() - 1 || TS[0] != PS[0])
    fail("input " + shapeStr(PS) + " and target " + shapeStr(TS) + " do not match");
  if (Reduction != "none" && Reduction != "sum" && Reduction != "mean")
    fail("reduction " + q(Reduction) + " is not none, sum or mean");
  Type I64 = B.getI64Type();
  Value T = castTo(Target, I64), Valid;
  if (Ignore) {
    Valid = un<graph::NotOp>(compare(graph::ComparePredicate::EQ, T, scalar(double(*Ignore), I64)));
    T = where(Valid, T, scalar(0, I64));
  }
  // The log-probability of each target class: a gather along axis 1.
  Shape US = TS;
  US.insert(US.begin() + 1, 1);
  Value Picked = reshape(gatherElements(LogProb, reshape(T, US), 1), TS);
  Value Loss = un<graph::NegOp>(Picked), W;
  if (Weight)
    W = B.create<graph::GatherOp>(Loc, f32(TS), Weight, T, B.getI64IntegerAttr(0));
  if (Valid) {
    Value Zero = scalar(0);
    W = where(Valid, W ? W : scalar(1), Zero);
  }
  if (W)
    Loss = bin<graph::MulOp>(Loss, W);
  if (Reduction == "none")
    return Loss;
  Value Sum = reduceOf(graph::ReduceKind::Sum, Loss, {}, false);
  if (Reduction == "sum")
    return Sum;
  if (!W)
    return reduceOf(graph::ReduceKind::Mean, Loss, {}, false);
  // A weighted mean: divided by the weights of the targets counted.
  return bin<graph::DivOp>(Sum, reduceOf(graph::ReduceKind::Sum, W, {}, false));
}

Value Importer::pad(Value X, const std::vector<int64_t> &Pads, const std::string &Mode,
                    double Fill) {
  Shape S = shapeOf(X);
  size_t R = S.size();
  if (Pads.size() != 2 * R)
    fail("pads needs " + std::to_string(2 * R) + " values");
  if (Mode != "constant" && Mode != "edge" && Mode != "reflect")
    fail("pad mode " + q(Mode) + " is not supported");
  Type T = eltOf(X);
  // The padded shape first: nothing is built for one beyond DRAM.
  // (Negative pads crop at most the whole dimension.)
  auto Crop = [](int64_t P, int64_t Dim) { return P < -Dim ? Dim : std::max<int64_t>(0, -P); };
  Shape Padded = S;
  for (size_t D = 0; D < R; ++D) {
    int64_t Lo = Pads[D], Hi = Pads[D + R];
    int64_t Kept = std::max<int64_t>(0, S[D] - Crop(Lo, S[D]) - Crop(Hi, S[D]));
    Padded[D] = addOrFail(addOrFail(Kept, std::max<int64_t>(Lo, 0), "the padded size"),
                          std::max<int64_t>(Hi, 0), "the padded size");
  }
  checkSize(Padded, bytesOf(T), "the padded tensor");
  for (size_t D = 0; D < R; ++D) {
    int64_t Lo = Pads[D], Hi = Pads[D + R];
    S = shapeOf(X);
    if (Lo < 0 || Hi < 0) { // negative pads crop
      int64_t From = Crop(Lo, S[D]);
      X = sliceAlong(X, int64_t(D), From, std::max(From, S[D] - Crop(Hi, S[D])));
      S = shapeOf(X);
      Lo = std::max<int64_t>(Lo, 0);
      Hi = std::max<int64_t>(Hi, 0);
    }
    if (!Lo && !Hi)
      continue;
    if (Mode == "reflect" && (Lo >= S[D] || Hi >= S[D]))
      fail("reflect padding of " + std::to_string(std::max(Lo, Hi)) +
           " needs a dimension larger than " + std::to_string(S[D]));
    if (Mode != "constant" && S[D] == 0)
      fail("cannot pad an empty dimension by " + Mode);
    if (Mode != "constant")
      checkComputed({std::max(Lo, Hi)}, onnx::TensorProto::INT64, "the padding's index table");
    // The pieces before and after: constant blocks, or copies of the edge
    // (reflected) elements taken with constant gathers.
    auto Piece = [&](int64_t N, bool Before) -> Value {
      Shape PS = S;
      PS[D] = N;
      if (Mode == "constant")
        return splat(PS, T, Fill);
      Const Idx;
      Idx.DType = onnx::TensorProto::INT64;
      Idx.Dims = {N};
      for (int64_t K = 0; K < N; ++K) {
        int64_t At = Mode == "edge" ? (Before ? 0 : S[D] - 1) : Before ? N - K : S[D] - 2 - K;
        Idx.I.push_back(At);
      }
      return B.create<graph::GatherOp>(Loc, RankedTensorType::get(PS, T), X, materialize(Idx),
                                       B.getI64IntegerAttr(int64_t(D)));
    };
    std::vector<Value> Parts;
    if (Lo)
      Parts.push_back(Piece(Lo, true));
    Parts.push_back(X);
    if (Hi)
      Parts.push_back(Piece(Hi, false));
    Shape Out = S;
    Out[D] += Lo + Hi; // no overflow: checked as Padded
    X = B.create<graph::ConcatOp>(Loc, RankedTensorType::get(Out, T), Parts,
                                  B.getI64IntegerAttr(int64_t(D)));
  }
  return X;
}

Value Importer::interleaveZeros(Value X, int64_t Axis, int64_t Stride) {
  // [.., H, ..] -> [.., H, 1, ..] ++ zeros [.., H, s - 1, ..] -> [.., H s, ..],
  // then the trailing s - 1 zeros are dropped.
  if (Stride == 1)
    return X;
  Shape S = shapeOf(X), S1 = S;
  S1.insert(S1.begin() + Axis + 1, 1);
  Shape ZS = S1;
  ZS[size_t(Axis + 1)] = Stride - 1;
  Shape CS = S1;
  CS[size_t(Axis + 1)] = Stride;
  checkSize(CS, bytesOf(eltOf(X)), "the input with zeros between its elements");
  Value Z = splat(ZS, eltOf(X), 0.0);
  Value C = B.create<graph::ConcatOp>(Loc, RankedTensorType::get(CS, eltOf(X)),
                                      ValueRange{reshape(X, S1), Z}, B.getI64IntegerAttr(Axis + 1));
  Shape Flat = S;
  Flat[size_t(Axis)] *= Stride; // no overflow: CS, the same size, is checked
  std::vector<int64_t> Pads(2 * S.size(), 0);
  Pads[S.size() + size_t(Axis)] = -(Stride - 1);
  return pad(reshape(C, Flat), Pads, "constant", 0);
}

void Importer::importConvTranspose() {
  onlyAttrs({"auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape",
             "pads", "strides"});
  Value X = floatInput(0), W = floatInput(1);
  Shape XS = shapeOf(X), WS = shapeOf(W);
  size_t NS = XS.size() < 2 ? 0 : XS.size() - 2; // spatial dims
  if ((NS != 1 && NS != 2) || WS.size() != XS.size())
    fail("only 1D and 2D transposed convolutions are supported (input " + shapeStr(XS) + ")");
  int64_t G = intAttr("group", 1), C = XS[1];
  if (G < 1 || C % G || WS[0] != C)
    fail("weight " + shapeStr(WS) + " does not match " + std::to_string(C) + " channels in " +
         std::to_string(G) + " groups");
  std::vector<int64_t> St = intsAttr("strides", 1, NS), Dil = intsAttr("dilations", 1, NS),
                       OP = intsAttr("output_padding", 0, NS), Pads = intsAttr("pads", 0, 2 * NS);
  std::vector<int64_t> K(WS.begin() + 2, WS.end());
  if (!intsAttr("kernel_shape").empty() && intsAttr("kernel_shape") != K)
    fail("kernel_shape differs from the weight's");
  checkWindowAttrs(NS, {}, St, Dil, Pads);
  for (int64_t V : OP)
    if (V < 0 || V > (int64_t(1) << 31))
      fail("output_padding value " + std::to_string(V) + " is out of range (0 to 2^31)");
  std::string AutoPad = stringAttr("auto_pad", "NOTSET");
  std::vector<int64_t> OutShape = intsAttr("output_shape");
  if (OutShape.size() > NS)
    OutShape.erase(OutShape.begin(), OutShape.end() - long(NS));
  if (!OutShape.empty() && OutShape.size() != NS)
    fail("output_shape needs " + std::to_string(NS) + " values");
  // Sizes with attributes up to 2^31 and weights and inputs within DRAM:
  // checked, as their products can overflow.
  auto Mul = [&](int64_t A, int64_t B) { return mulOrFail(A, B, "the output size"); };
  auto Add = [&](int64_t A, int64_t B) { return addOrFail(A, B, "the output size"); };
  for (size_t D = 0; D < NS; ++D) {
    int64_t Full = Add(Add(Mul(St[D], XS[2 + D] - 1), OP[D]), Add(Mul(Dil[D], K[D] - 1), 1));
    int64_t Want = !OutShape.empty()                                    ? OutShape[D]
                   : AutoPad == "SAME_UPPER" || AutoPad == "SAME_LOWER" ? Mul(XS[2 + D], St[D])
                                                                        : -1;
    if (Want >= 0) {
      int64_t Total = Add(Full, -Want);
      bool Upper = AutoPad != "SAME_LOWER";
      Pads[D] = Upper ? Total / 2 : Total - Total / 2;
      Pads[D + NS] = Total - Pads[D];
    } else if (AutoPad == "VALID") {
      Pads[D] = Pads[D + NS] = 0;
    }
  }
  // A stride-1 convolution over the input with zeros between its elements,
  // padded by dil * (k - 1) - pad, with the kernel flipped and its channel
  // axes swapped per group.
  std::vector<int64_t> Pd(2 * XS.size(), 0);
  for (size_t D = 0; D < NS; ++D) {
    X = interleaveZeros(X, int64_t(2 + D), St[D]);
    Pd[2 + D] = Add(Mul(Dil[D], K[D] - 1), -Pads[D]);
    Pd[2 + D + XS.size()] = Add(Add(Mul(Dil[D], K[D] - 1), -Pads[D + NS]), OP[D]);
  }
  X = pad(X, Pd, "constant", 0);
  int64_t FG = WS[1], CG = C / G; // filters and channels per group
  Shape W5 = {G, CG, FG};
  W5.insert(W5.end(), K.begin(), K.end());
  std::vector<int64_t> Perm = {0, 2, 1};
  for (size_t D = 0; D < NS; ++D)
    Perm.push_back(int64_t(3 + D));
  Shape WT = {G, FG, CG};
  WT.insert(WT.end(), K.begin(), K.end());
  Value Wt =
      B.create<graph::TransposeOp>(Loc, f32(WT), reshape(W, W5), B.getDenseI64ArrayAttr(Perm));
  for (size_t D = 0; D < NS; ++D) {
    Const Rev;
    Rev.DType = onnx::TensorProto::INT64;
    Rev.Dims = {K[D]};
    checkComputed(Rev.Dims, Rev.DType, "the kernel's index table");
    for (int64_t I = K[D]; I-- > 0;)
      Rev.I.push_back(I);
    Wt = B.create<graph::GatherOp>(Loc, Wt.getType(), Wt, materialize(Rev),
                                   B.getI64IntegerAttr(int64_t(3 + D)));
  }
  Shape WF = {G * FG, CG};
  WF.insert(WF.end(), K.begin(), K.end());
  Wt = reshape(Wt, WF);
  Shape PS = shapeOf(X);
  if (NS == 1) { // as 2D of height 1
    X = reshape(X, {PS[0], PS[1], 1, PS[2]});
    Wt = reshape(Wt, {WF[0], WF[1], 1, WF[2]});
  }
  std::vector<int64_t> D2 = NS == 1 ? std::vector<int64_t>{1, Dil[0]} : Dil;
  Shape Out;
  std::string E = shapes::conv2d(shapeOf(X), shapeOf(Wt), {1, 1}, {0, 0, 0, 0}, D2, G, Out);
  if (!E.empty())
    fail(E);
  Value Bias = hasInput(2) ? floatInput(2) : Value();
  Value R = B.create<graph::ConvOp>(Loc, f32(Out), X, Wt, Bias, B.getDenseI64ArrayAttr({1, 1}),
                                    B.getDenseI64ArrayAttr({0, 0, 0, 0}),
                                    B.getDenseI64ArrayAttr(D2), B.getI64IntegerAttr(G));
  if (NS == 1)
    R = reshape(R, {Out[0], Out[1], Out[3]});
  setOutput(0, R);
}

// RNN, GRU and LSTM unrolled over the (static) sequence: one matmul of the
// whole input with W, then per step a matmul of the state with R and the
// gates from slices of the sum.
void Importer::importRecurrent() {
  const std::string &Op = Node->op_type();
  onlyAttrs({"activation_alpha", "activation_beta", "activations", "clip", "direction",
             "hidden_size", "input_forget", "layout", "linear_before_reset"});
  if (attr("clip"))
    fail("clip is not supported");
  if (intAttr("input_forget", 0))
    fail("input_forget is not supported");
  int64_t Gates = Op == "RNN" ? 1 : Op == "GRU" ? 3 : 4;
  Value X = floatInput(0), W = floatInput(1), R = floatInput(2);
  bool BatchFirst = intAttr("layout", 0) != 0;
  if (shapeOf(X).size() != 3 || shapeOf(W).size() != 3)
    fail("X and W must be 3D");
  if (BatchFirst) {
    Shape S = shapeOf(X);
    X = B.create<graph::TransposeOp>(Loc, f32({S[1], S[0], S[2]}), X,
                                     B.getDenseI64ArrayAttr({1, 0, 2}));
  }
  Shape XS = shapeOf(X), WS = shapeOf(W);
  int64_t Seq = XS[0], Batch = XS[1], In = XS[2], Dirs = WS[0];
  int64_t H = intAttr("hidden_size", WS[1] / Gates);
  if (H < 1 || H > WS[1] || WS[1] != Gates * H || WS[2] != In ||
      shapeOf(R) != Shape{Dirs, Gates * H, H})
    fail("W " + shapeStr(WS) + " and R " + shapeStr(shapeOf(R)) + " do not match hidden_size " +
         std::to_string(H));
  std::string Dir = stringAttr("direction", "forward");
  if (Dirs != (Dir == "bidirectional" ? 2 : 1) ||
      (Dir != "forward" && Dir != "reverse" && Dir != "bidirectional"))
    fail("direction " + q(Dir) + " does not match " + std::to_string(Dirs) + " weight sets");
  checkUnroll(Seq * Dirs, "the " + std::to_string(Seq) + " steps");
  // Activations: f (gates), g (candidate), h (LSTM output), per direction.
  std::vector<std::string> Acts;
  if (const auto *A = attr("activations"))
    for (const auto &S : A->strings())
      Acts.push_back(S);
  std::vector<std::string> Defaults = Op == "RNN" ? std::vector<std::string>{"Tanh"}
                                      : Op == "GRU"
                                          ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                          : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
  if (Acts.empty())
    for (int64_t D = 0; D < Dirs; ++D)
      Acts.insert(Acts.end(), Defaults.begin(), Defaults.end());
  if (Acts.size() != Defaults.size() * size_t(Dirs))
    fail("activations needs " + std::to_string(Defaults.size() * size_t(Dirs)) + " names");
  auto Act = [&](const std::string &Name, Value V) -> Value {
    if (Name == "Sigmoid")
      return un<graph::SigmoidOp>(V);
    if (Name == "Tanh")
      return un<graph::TanhOp>(V);
    if (Name == "Relu")
      return un<graph::ReluOp>(V);
    fail("activation " + q(Name) + " is not supported");
  };
  auto MatMul = [&](Value A, Value Bm) {
    Shape Out;
    std::string E = shapes::matmul(shapeOf(A), shapeOf(Bm), Out);
    if (!E.empty())
      fail(E);
    return B.create<graph::MatMulOp>(Loc, f32(Out), A, Bm).getResult();
  };
  auto T2 = [&](Value V) { // [a, b] -> [b, a]
    Shape S = shapeOf(V);
    return B.create<graph::TransposeOp>(Loc, f32({S[1], S[0]}), V, B.getDenseI64ArrayAttr({1, 0}))
        .getResult();
  };
  Value Bias = hasInput(3) ? floatInput(3) : Value();
  Value H0 = hasInput(5) ? floatInput(5) : Value();
  Value C0 = Op == "LSTM" && hasInput(6) ? floatInput(6) : Value();
  Value Peep = Op == "LSTM" && hasInput(7) ? floatInput(7) : Value();
  bool LinearBeforeReset = intAttr("linear_before_reset", 0) != 0;
  // Per-batch lengths: a step past a sequence's end keeps its state and
  // outputs zeros.
  Value Lens = hasInput(4) ? castTo(input(4), B.getI64Type()) : Value();
  if (Lens && Dir != "forward")
    fail("sequence_lens is supported for the forward direction only");
  Value Zero = splat({Batch, H}, B.getF32Type(), 0.0);
  std::vector<Value> YDirs, HDirs, CDirs;
  for (int64_t D = 0; D < Dirs; ++D) {
    bool Reverse = Dir == "reverse" || (Dir == "bidirectional" && D == 1);
    const std::string *A = &Acts[size_t(D) * Defaults.size()];
    Value Wd = reshape(sliceAlong(W, 0, D, D + 1), {Gates * H, In});
    Value Rd = reshape(sliceAlong(R, 0, D, D + 1), {Gates * H, H});
    Value RT = T2(Rd);
    // All steps' input contributions at once: [Seq * Batch, Gates * H].
    Value XW = MatMul(reshape(X, {Seq * Batch, In}), T2(Wd));
    Value Wb, Rb;
    if (Bias) {
      Value Bd = reshape(sliceAlong(Bias, 0, D, D + 1), {2 * Gates * H});
      Wb = sliceAlong(Bd, 0, 0, Gates * H);
      Rb = sliceAlong(Bd, 0, Gates * H, 2 * Gates * H);
      XW = bin<graph::AddOp>(XW, Wb);
    }
    XW = reshape(XW, {Seq, Batch, Gates * H});
    Value Hs = H0 ? reshape(sliceAlong(H0, 0, D, D + 1), {Batch, H}) : Zero;
    Value Cs = C0 ? reshape(sliceAlong(C0, 0, D, D + 1), {Batch, H}) : Zero;
    Value Pd = Peep ? reshape(sliceAlong(Peep, 0, D, D + 1), {3 * H}) : Value();
    std::vector<Value> Ys(static_cast<size_t>(Seq));
    for (int64_t Step = 0; Step < Seq; ++Step) {
      int64_t T = Reverse ? Seq - 1 - Step : Step;
      Value HPrev = Hs, CPrev = Cs;
      Value Xt = reshape(sliceAlong(XW, 0, T, T + 1), {Batch, Gates * H});
      Value HR = MatMul(Hs, RT);
      if (Rb)
        HR = bin<graph::AddOp>(HR, Rb);
      auto Gate = [&](Value V, int64_t K) { return sliceAlong(V, 1, K * H, (K + 1) * H); };
      if (Op == "RNN") {
        Hs = Act(A[0], bin<graph::AddOp>(Xt, HR));
      } else if (Op == "GRU") {
        // Gates z, r, h.
        Value Z = Act(A[0], bin<graph::AddOp>(Gate(Xt, 0), Gate(HR, 0)));
        Value Rg = Act(A[0], bin<graph::AddOp>(Gate(Xt, 1), Gate(HR, 1)));
        Value Cand;
        if (LinearBeforeReset) {
          Cand = bin<graph::AddOp>(Gate(Xt, 2), bin<graph::MulOp>(Rg, Gate(HR, 2)));
        } else {
          Value RH = MatMul(bin<graph::MulOp>(Rg, Hs), sliceAlong(RT, 1, 2 * H, 3 * H));
          if (Rb)
            RH = bin<graph::AddOp>(RH, sliceAlong(Rb, 0, 2 * H, 3 * H));
          Cand = bin<graph::AddOp>(Gate(Xt, 2), RH);
        }
        Value Hh = Act(A[1], Cand);
        // (1 - z) h~ + z h = h~ + z (h - h~)
        Hs = bin<graph::AddOp>(Hh, bin<graph::MulOp>(Z, bin<graph::SubOp>(Hs, Hh)));
      } else {
        // Gates i, o, f, c; peepholes i, o, f.
        Value S = bin<graph::AddOp>(Xt, HR);
        auto Peephole = [&](Value V, int64_t K, Value C) {
          return Pd ? bin<graph::AddOp>(V,
                                        bin<graph::MulOp>(C, sliceAlong(Pd, 0, K * H, (K + 1) * H)))
                    : V;
        };
        Value I = Act(A[0], Peephole(Gate(S, 0), 0, Cs));
        Value F = Act(A[0], Peephole(Gate(S, 2), 2, Cs));
        Value Cc = Act(A[1], Gate(S, 3));
        Cs = bin<graph::AddOp>(bin<graph::MulOp>(F, Cs), bin<graph::MulOp>(I, Cc));
        Value O = Act(A[0], Peephole(Gate(S, 1), 1, Cs));
        Hs = bin<graph::MulOp>(O, Act(A[2], Cs));
      }
      if (Lens) {
        Value Live = reshape(compare(graph::ComparePredicate::LT, scalar(double(T), B.getI64Type()),
                                     reshape(Lens, {Batch})),
                             {Batch, 1});
        Hs = where(Live, Hs, HPrev);
        Cs = where(Live, Cs, CPrev);
        Ys[size_t(T)] = reshape(where(Live, Hs, Zero), {1, 1, Batch, H});
        continue;
      }
      Ys[size_t(T)] = reshape(Hs, {1, 1, Batch, H});
    }
    YDirs.push_back(Ys.size() == 1 ? Ys[0]
                                   : B.create<graph::ConcatOp>(Loc, f32({Seq, 1, Batch, H}), Ys,
                                                               B.getI64IntegerAttr(0))
                                         .getResult());
    HDirs.push_back(reshape(Hs, {1, Batch, H}));
    CDirs.push_back(reshape(Cs, {1, Batch, H}));
  }
  auto Join = [&](std::vector<Value> &V, Shape S, int64_t Axis) {
    return V.size() == 1
               ? V[0]
               : B.create<graph::ConcatOp>(Loc, f32(S), V, B.getI64IntegerAttr(Axis)).getResult();
  };
  Value Y = Join(YDirs, {Seq, Dirs, Batch, H}, 1);
  Value Yh = Join(HDirs, {Dirs, Batch, H}, 0), Yc = Join(CDirs, {Dirs, Batch, H}, 0);
  if (BatchFirst) {
    Y = B.create<graph::TransposeOp>(Loc, f32({Batch, Seq, Dirs, H}), Y,
                                     B.getDenseI64ArrayAttr({2, 0, 1, 3}));
    Yh = B.create<graph::TransposeOp>(Loc, f32({Batch, Dirs, H}), Yh,
                                      B.getDenseI64ArrayAttr({1, 0, 2}));
    Yc = B.create<graph::TransposeOp>(Loc, f32({Batch, Dirs, H}), Yc,
                                      B.getDenseI64ArrayAttr({1, 0, 2}));
  }
  setOutput(0, Y);
  setOutput(1, Yh);
  if (Op == "LSTM")
    setOutput(2, Yc);
}

Value Importer::scatter(Value Data, Value Flat, Value Updates, const std::string &Reduction) {
  using R = graph::ScatterReduction;
  R Kind = Reduction == "none"  ? R::None
           : Reduction == "add" ? R::Add
           : Reduction == "mul" ? R::Mul
           : Reduction == "max" ? R::Max
           : Reduction == "min" ? R::Min
                                : R(-1);
  if (int(Kind) < 0)
    fail("reduction " + q(Reduction) + " is not supported");
  if (eltOf(Updates) != eltOf(Data))
    fail("updates and data differ in element type");
  Shape US = shapeOf(Updates);
  if (shapes::numElements(shapeOf(Flat)) != shapes::numElements(US))
    fail("indices do not match updates " + shapeStr(US));
  return B.create<graph::ScatterOp>(Loc, Data.getType(), Data, reshape(Flat, US), Updates,
                                    graph::ScatterReductionAttr::get(&Ctx, Kind));
}

Value Importer::perAxis(Value V, const Shape &Like, int64_t Axis) {
  Shape S = shapeOf(V);
  if (S.size() != 1 || Like.empty())
    return V;
  if (!shapes::normalizeAxis(Axis, int64_t(Like.size())) || S[0] != Like[size_t(Axis)])
    fail("per-axis parameter " + shapeStr(S) + " does not match axis " + std::to_string(Axis) +
         " of " + shapeStr(Like));
  Shape R(Like.size(), 1);
  R[size_t(Axis)] = S[0];
  return reshape(V, R);
}

Value Importer::dequantize(Value X, Value ZeroPoint, int64_t Axis) {
  Value F = castTo(X, B.getF32Type());
  if (!ZeroPoint)
    return F;
  return bin<graph::SubOp>(F, perAxis(castTo(ZeroPoint, B.getF32Type()), shapeOf(X), Axis));
}

Value Importer::quantize(Value Real, Value ZeroPoint) {
  Type T = ZeroPoint ? eltOf(ZeroPoint) : IntegerType::get(&Ctx, 8, IntegerType::Unsigned);
  if (!T.isInteger(8))
    fail("quantized type must be int8 or uint8");
  bool U = T.isUnsignedInteger();
  Value Q = un<graph::RoundOp>(Real); // ties to even
  if (ZeroPoint)
    Q = bin<graph::AddOp>(Q, castTo(ZeroPoint, B.getF32Type()));
  Q = bin<graph::MaxOp>(Q, scalar(U ? 0 : -128));
  Q = bin<graph::MinOp>(Q, scalar(U ? 255 : 127));
  return castTo(Q, T);
}

bool Importer::importQuantized() {
  const std::string &Op = Node->op_type();
  auto Opt = [&](int K) { return hasInput(K) ? input(K) : Value(); };
  // A [1] parameter acts as a scalar.
  auto Scalarish = [&](Value V) {
    return shapeOf(V).size() == 1 && shapeOf(V)[0] == 1 ? reshape(V, {}) : V;
  };
  if (Op == "QuantizeLinear") {
    onlyAttrs({"axis"});
    Value X = floatInput(0);
    int64_t Axis = intAttr("axis", 1);
    Value Scale = perAxis(Scalarish(floatInput(1)), shapeOf(X), Axis);
    Value Zp = Opt(2);
    if (Zp)
      Zp = perAxis(Scalarish(Zp), shapeOf(X), Axis);
    setOutput(0, quantize(bin<graph::DivOp>(X, Scale), Zp));
    return true;
  }
  if (Op == "DequantizeLinear") {
    onlyAttrs({"axis"});
    Value X = input(0);
    int64_t Axis = intAttr("axis", 1);
    Value Zp = Opt(2);
    Value R = dequantize(X, Zp ? Scalarish(Zp) : Zp, Axis);
    setOutput(0, bin<graph::MulOp>(R, perAxis(Scalarish(floatInput(1)), shapeOf(X), Axis)));
    return true;
  }
  if (Op == "DynamicQuantizeLinear") {
    onlyAttrs({});
    Value X = floatInput(0);
    // The range always includes 0: scale = (max - min) / 255.
    Value Mx = bin<graph::MaxOp>(reduceOf(graph::ReduceKind::Max, X, {}, false), scalar(0));
    Value Mn = bin<graph::MinOp>(reduceOf(graph::ReduceKind::Min, X, {}, false), scalar(0));
    Value Scale = bin<graph::DivOp>(bin<graph::SubOp>(Mx, Mn), scalar(255));
    Value Zp = quantize(bin<graph::DivOp>(un<graph::NegOp>(Mn), Scale), Value());
    setOutput(0, quantize(bin<graph::DivOp>(X, Scale), Zp));
    setOutput(1, Scale);
    setOutput(2, Zp);
    return true;
  }
  if (Op == "MatMulInteger" || Op == "QLinearMatMul") {
    onlyAttrs({});
    bool Q = Op == "QLinearMatMul";
    Value A = input(0), Bm = input(Q ? 3 : 1);
    Value Az = Opt(2), Bz = Opt(Q ? 5 : 3); // zero points
    // A's zero point is per row (the second-last axis), B's per column.
    Value Af = dequantize(A, Az ? Scalarish(Az) : Az, int64_t(shapeOf(A).size()) - 2);
    Value Bf = dequantize(Bm, Bz ? Scalarish(Bz) : Bz, int64_t(shapeOf(Bm).size()) - 1);
    Shape Out;
    std::string E = shapes::matmul(shapeOf(Af), shapeOf(Bf), Out);
    if (!E.empty())
      fail(E);
    Value R = B.create<graph::MatMulOp>(Loc, f32(Out), Af, Bf);
    if (!Q) {
      setOutput(0, castTo(R, B.getI32Type()));
      return true;
    }
    Value S =
        bin<graph::DivOp>(bin<graph::MulOp>(Scalarish(floatInput(1)), Scalarish(floatInput(4))),
                          Scalarish(floatInput(6)));
    setOutput(0, quantize(bin<graph::MulOp>(R, S), Scalarish(input(7))));
    return true;
  }
  if (Op == "ConvInteger" || Op == "QLinearConv") {
    onlyAttrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    bool Q = Op == "QLinearConv";
    Value X = input(0), W = input(Q ? 3 : 1);
    Value Xz = Opt(2), Wz = Opt(Q ? 5 : 3);
    Value Xf = dequantize(X, Xz ? Scalarish(Xz) : Xz, 1);
    Value Wf = dequantize(W, Wz ? Scalarish(Wz) : Wz, 0);
    Value Bias = Q && hasInput(8) ? castTo(input(8), B.getF32Type()) : Value();
    Value R = buildConv(Xf, Wf, Bias);
    if (!Q) {
      setOutput(0, castTo(R, B.getI32Type()));
      return true;
    }
    Value S = bin<graph::DivOp>(bin<graph::MulOp>(Scalarish(floatInput(1)),
                                                  perAxis(Scalarish(floatInput(4)), shapeOf(R), 1)),
                                Scalarish(floatInput(6)));
    setOutput(0, quantize(bin<graph::MulOp>(R, S), Scalarish(input(7))));
    return true;
  }
  return false;
}

void Importer::importIf() {
  Value Cond = inputAs(0, B.getI1Type());
  const onnx::AttributeProto *Then = attr("then_branch"), *Else = attr("else_branch");
  if (!Then || !Else || !Then->has_g() || !Else->has_g())
    fail("If needs then_branch and else_branch graphs");
  const onnx::NodeProto *Outer = Node;
  int OuterIndex = NodeIndex;
  auto Branch = [&](const onnx::GraphProto &G) {
    // A branch sees the values of the enclosing graph; its own names are
    // unique in the model, so they can share the maps.
    for (const auto &T : G.initializer())
      Consts[T.name()] = readTensor(T, "initializer " + q(T.name()));
    for (int K = 0; K < G.node_size(); ++K) {
      Node = &G.node(K);
      NodeIndex = K;
      importNode();
    }
    Node = Outer;
    NodeIndex = OuterIndex;
    std::vector<Value> Out;
    for (const auto &O : G.output()) {
      if (Values.count(O.name()))
        Out.push_back(Values[O.name()]);
      else if (Consts.count(O.name()))
        Out.push_back(materialize(Consts[O.name()]));
      else
        fail("branch output " + q(O.name()) + " is not produced");
    }
    return Out;
  };
  std::vector<Value> A = Branch(Then->g()), Bv = Branch(Else->g());
  if (A.size() != Bv.size() || int(A.size()) != Node->output_size())
    fail("the branches and the node have different numbers of outputs");
  // A constant condition picks a branch; otherwise both run and a where
  // selects (the branches must agree in shape and type).
  for (size_t K = 0; K < A.size(); ++K) {
    if (shapeOf(A[K]) != shapeOf(Bv[K]) || eltOf(A[K]) != eltOf(Bv[K]))
      fail("branch outputs " + std::to_string(K) + " differ in shape or type (" +
           shapeStr(shapeOf(A[K])) + " and " + shapeStr(shapeOf(Bv[K])) + ")");
    setOutput(int(K), where(reshape(Cond, {}), A[K], Bv[K]));
  }
}

bool Importer::importDecomposed() {
  const std::string &Op = Node->op_type();
  if (Op == "Range" || Op == "ConstantOfShape" || Op == "OneHot") {
    // Folded when their inputs are constants; otherwise the output's shape
    // depends on run-time values.
    fail(std::string(Op == "Range"    ? "start, limit and delta"
                     : Op == "OneHot" ? "depth"
                                      : "the shape") +
         " must be constants: the output's shape depends on them");
  }
  if (Op == "Expand" || Op == "Tile") {
    onlyAttrs({});
    Value X = input(0);
    std::vector<int64_t> Arg = constInts(1, Op == "Expand" ? "shape" : "repeats");
    Shape S = shapeOf(X);
    for (int64_t V : Arg)
      if (V < 0)
        fail(std::string(Op == "Expand" ? "shape" : "repeats") + " must not be negative");
    if (Op == "Expand") {
      Shape Out;
      std::string E = shapes::broadcast(S, Arg, Out);
      if (!E.empty())
        fail(E);
      checkSize(Out, bytesOf(eltOf(X)), "output " + q(outputName(0)));
      setOutput(0, broadcastTo(X, Arg));
      return true;
    }
    // Tile: [d0, d1, ..] as [1, d0, 1, d1, ..] broadcast to [r0, d0, r1, d1, ..].
    if (Arg.size() != S.size())
      fail("repeats needs one value per dimension");
    Shape Split, Rep, Out;
    for (size_t D = 0; D < S.size(); ++D) {
      Split.insert(Split.end(), {1, S[D]});
      Rep.insert(Rep.end(), {Arg[D], S[D]});
      Out.push_back(mulOrFail(Arg[D], S[D], "the tiled size"));
    }
    checkSize(Out, bytesOf(eltOf(X)), "output " + q(outputName(0)));
    setOutput(0, reshape(broadcastTo(reshape(X, Split), Rep), Out));
    return true;
  }
  if (Op == "ReverseSequence") {
    // Index along time: len - 1 - t inside each sequence, t past its end.
    onlyAttrs({"batch_axis", "time_axis"});
    Value X = input(0);
    Shape S = shapeOf(X);
    int64_t BA = intAttr("batch_axis", 1), TA = intAttr("time_axis", 0);
    if (S.size() < 2 || !shapes::normalizeAxis(BA, int64_t(S.size())) ||
        !shapes::normalizeAxis(TA, int64_t(S.size())) || BA == TA)
      fail("batch_axis and time_axis must be two different axes");
    Type I64 = B.getI64Type();
    Shape LS(S.size(), 1), TS(S.size(), 1);
    LS[size_t(BA)] = S[size_t(BA)];
    TS[size_t(TA)] = S[size_t(TA)];
    Value Len = reshape(castTo(input(1), I64), LS);
    Value T =
        constFrom(TS, I64, [&](const std::vector<int64_t> &C) { return double(C[size_t(TA)]); });
    Value Rev = bin<graph::SubOp>(bin<graph::SubOp>(Len, scalar(1, I64)), T);
    Value Idx =
        where(compare(graph::ComparePredicate::LT, T, Len), Rev, broadcastTo(T, shapeOf(Rev)));
    setOutput(0, gatherElements(X, broadcastTo(Idx, S), TA));
    return true;
  }
  if (Op == "Det") {
    // Leibniz's formula over the permutations of the last two (n x n, n <= 4) axes.
    onlyAttrs({});
    Value X = floatInput(0);
    Shape S = shapeOf(X);
    if (S.size() < 2 || S.back() != S[S.size() - 2] || S.back() > 4 || S.back() < 1)
      fail("Det supports square matrices up to 4 x 4 (input " + shapeStr(S) + ")");
    int64_t N = S.back();
    Shape Lead(S.begin(), S.end() - 2);
    auto At = [&](int64_t I, int64_t J) {
      std::vector<int64_t> Lo(S.size(), 0), Hi(S.begin(), S.end()), Sp(S.size(), 1);
      Lo[S.size() - 2] = I;
      Hi[S.size() - 2] = I + 1;
      Lo[S.size() - 1] = J;
      Hi[S.size() - 1] = J + 1;
      Shape PS = S;
      PS[S.size() - 2] = PS[S.size() - 1] = 1;
      Value V = B.create<graph::SliceOp>(Loc, f32(PS), X, B.getDenseI64ArrayAttr(Lo),
                                         B.getDenseI64ArrayAttr(Hi), B.getDenseI64ArrayAttr(Sp));
      return reshape(V, Lead);
    };
    std::vector<int64_t> P(static_cast<size_t>(N));
    for (int64_t K = 0; K < N; ++K)
      P[size_t(K)] = K;
    Value Sum;
    do {
      int64_t Inv = 0;
      for (int64_t I = 0; I < N; ++I)
        for (int64_t J = I + 1; J < N; ++J)
          Inv += P[size_t(I)] > P[size_t(J)];
      Value Term = At(0, P[0]);
      for (int64_t I = 1; I < N; ++I)
        Term = bin<graph::MulOp>(Term, At(I, P[size_t(I)]));
      Sum = !Sum      ? (Inv % 2 ? un<graph::NegOp>(Term) : Term)
            : Inv % 2 ? bin<graph::SubOp>(Sum, Term)
                      : bin<graph::AddOp>(Sum, Term);
    } while (std::next_permutation(P.begin(), P.end()));
    setOutput(0, Sum);
    return true;
  }
  if (Op == "ScatterElements" || Op == "Scatter") {
    onlyAttrs({"axis", "reduction"});
    Value X = input(0);
    int64_t Axis = intAttr("axis", 0);
    if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
      fail("axis out of range");
    Value Idx = input(1);
    if (shapeOf(Idx) != shapeOf(input(2)))
      fail("indices and updates differ in shape");
    Shape DS = shapeOf(X), IS = shapeOf(Idx);
    for (size_t D = 0; D < DS.size() && D < IS.size(); ++D)
      if (int64_t(D) != Axis && IS[D] > DS[D])
        fail("indices " + shapeStr(IS) + " exceed the data " + shapeStr(DS));
    setOutput(0, scatter(X, elementIndices(DS, Idx, Axis), inputAs(2, eltOf(X)),
                         stringAttr("reduction", "none")));
    return true;
  }
  if (Op == "GatherND" || Op == "ScatterND") {
    onlyAttrs({"batch_dims", "reduction"});
    Value X = input(0), Idx = input(1);
    Shape DS = shapeOf(X), IS = shapeOf(Idx);
    int64_t Bd = Op == "GatherND" ? intAttr("batch_dims", 0) : 0, Inner = 1;
    Value Row = rowIndices(DS, Idx, Bd, Inner); // checks Bd and the index depth
    Shape Lead(IS.begin(), IS.end() - 1), Tail(DS.begin() + Bd + IS.back(), DS.end());
    Shape Out = Lead;
    Out.insert(Out.end(), Tail.begin(), Tail.end());
    int64_t Rows = shapes::numElements(DS) / std::max<int64_t>(Inner, 1);
    if (Op == "GatherND") {
      Shape GS = Lead;
      GS.push_back(Inner);
      Value G = B.create<graph::GatherOp>(Loc, RankedTensorType::get(GS, eltOf(X)),
                                          reshape(X, {Rows, Inner}), Row, B.getI64IntegerAttr(0));
      setOutput(0, reshape(G, Out));
      return true;
    }
    // ScatterND: every element of each addressed row.
    Shape RS = Lead;
    RS.push_back(1);
    Value Iota = constFrom({Inner}, B.getI64Type(),
                           [](const std::vector<int64_t> &C) { return double(C[0]); });
    Value Flat = bin<graph::AddOp>(
        bin<graph::MulOp>(reshape(Row, RS), scalar(double(Inner), B.getI64Type())), Iota);
    Value U = inputAs(2, eltOf(X));
    if (shapeOf(U) != Out)
      fail("updates should be " + shapeStr(Out));
    setOutput(0, scatter(X, Flat, U, stringAttr("reduction", "none")));
    return true;
  }
  if (Op == "MaxUnpool") {
    onlyAttrs({"kernel_shape", "pads", "strides"});
    if (hasInput(2))
      fail("output_shape is not supported");
    Value X = floatInput(0);
    Shape XS = shapeOf(X), Out = XS;
    std::vector<int64_t> K = intsAttr("kernel_shape");
    if (XS.size() < 3)
      fail("input needs spatial dimensions, got " + shapeStr(XS));
    size_t NS = XS.size() - 2;
    std::vector<int64_t> St = intsAttr("strides", 1, NS), P = intsAttr("pads", 0, 2 * NS);
    if (K.size() != NS)
      fail("kernel_shape must have " + std::to_string(NS) + " values");
    checkWindowAttrs(NS, K, St, {}, P);
    for (size_t D = 0; D < NS; ++D) {
      Out[2 + D] = addOrFail(mulOrFail(XS[2 + D] - 1, St[D], "the output size"),
                             K[D] - P[D] - P[D + NS], "the output size");
      if (Out[2 + D] < 0)
        fail("the pads are larger than the output");
    }
    checkSize(Out, 4, "output " + q(outputName(0)));
    Value Zeros = splat(Out, B.getF32Type(), 0.0);
    Value Idx = input(1);
    if (shapeOf(Idx) != XS)
      fail("indices must have the input's shape");
    setOutput(0, scatter(Zeros, normalizedIndex(Idx, shapes::numElements(Out)), X, "none"));
    return true;
  }
  if (Op == "RNN" || Op == "GRU" || Op == "LSTM") {
    importRecurrent();
    return true;
  }
  if (Op == "ConvTranspose") {
    importConvTranspose();
    return true;
  }
  if (Op == "Pad") {
    onlyAttrs({"mode", "pads", "value"});
    Value X = input(0);
    std::vector<int64_t> Pads =
        Opset < 11 ? intsAttr(Opset < 2 ? "paddings" : "pads") : constInts(1, "pads");
    double V = Opset < 11    ? floatAttr("value", 0.0f)
               : hasInput(2) ? constScalar(2, "constant_value")
                             : 0.0;
    setOutput(0, pad(X, Pads, stringAttr("mode", "constant"), V));
    return true;
  }
  if (Op == "EyeLike") {
    onlyAttrs({"dtype", "k"});
    Shape S = inputShape(0);
    if (S.size() != 2)
      fail("input must be 2D");
    int64_t K = intAttr("k", 0);
    int32_t DT = attr("dtype") ? int32_t(intAttr("dtype", 1))
                 : isConst(0)  ? Consts[Node->input(0)].DType
                               : onnxType(eltOf(input(0)));
    if (DT != onnx::TensorProto::FLOAT && !isIntType(DT))
      fail("dtype " + dtypeName(DT) + " is not supported");
    Const C;
    C.DType = DT;
    C.Dims = S;
    checkComputed(S, DT, "output");
    for (int64_t I = 0; I < (C.size() ? S[0] : 0); ++I)
      for (int64_t J = 0; J < S[1]; ++J) {
        if (C.isFloat())
          C.F.push_back(J - I == K ? 1.0f : 0.0f);
        else
          C.I.push_back(J - I == K);
      }
    setConst(0, C);
    return true;
  }
  if (Op == "DepthToSpace" || Op == "SpaceToDepth") {
    onlyAttrs({"blocksize", "mode"});
    Value X = input(0);
    Shape S = shapeOf(X);
    int64_t Bs = intAttr("blocksize", 0);
    if (S.size() != 4 || Bs < 1)
      fail("needs a 4D input and a positive blocksize");
    if (Op == "DepthToSpace") // spatial sizes grow by Bs
      checkSize({S[0], S[1], mulOrFail(S[2], Bs, "the output size"),
                 mulOrFail(S[3], Bs, "the output size")},
                1, "output " + q(outputName(0)));
    int64_t N = S[0], C = S[1], H = S[2], W = S[3];
    Type T = eltOf(X);
    auto Perm = [&](Value V, std::vector<int64_t> P) {
      Shape In = shapeOf(V), Out;
      for (int64_t D : P)
        Out.push_back(In[size_t(D)]);
      return B
          .create<graph::TransposeOp>(Loc, RankedTensorType::get(Out, T), V,
                                      B.getDenseI64ArrayAttr(P))
          .getResult();
    };
    int64_t Bs2 = mulOrFail(Bs, Bs, "blocksize^2");
    if (Op == "DepthToSpace") {
      if (C % Bs2)
        fail("channels do not divide by blocksize^2");
      bool CRD = stringAttr("mode", "DCR") == "CRD";
      Value V = CRD ? reshape(X, {N, C / (Bs * Bs), Bs, Bs, H, W})
                    : reshape(X, {N, Bs, Bs, C / (Bs * Bs), H, W});
      V = CRD ? Perm(V, {0, 1, 4, 2, 5, 3}) : Perm(V, {0, 3, 4, 1, 5, 2});
      setOutput(0, reshape(V, {N, C / (Bs * Bs), H * Bs, W * Bs}));
    } else {
      if (H % Bs || W % Bs)
        fail("spatial size does not divide by blocksize");
      Value V = reshape(X, {N, C, H / Bs, Bs, W / Bs, Bs});
      V = Perm(V, {0, 3, 5, 1, 2, 4});
      setOutput(0, reshape(V, {N, C * Bs * Bs, H / Bs, W / Bs}));
    }
    return true;
  }
  if (Op == "InstanceNormalization" || Op == "MeanVarianceNormalization") {
    onlyAttrs({"epsilon", "axes"});
    Value X = floatInput(0);
    Shape S = shapeOf(X);
    std::vector<int64_t> Axes;
    if (Op == "InstanceNormalization") {
      if (S.size() < 3)
        fail("input needs channels and spatial dimensions (rank >= 3), got " + shapeStr(S));
      for (size_t D = 2; D < S.size(); ++D)
        Axes.push_back(int64_t(D));
    } else {
      Axes = intsAttr("axes", {0, 2, 3});
    }
    auto Mean = [&](Value V) { return reduceOf(graph::ReduceKind::Mean, V, Axes, true); };
    Value D = bin<graph::SubOp>(X, Mean(X));
    Value Var = Mean(bin<graph::MulOp>(D, D));
    float Eps = Op == "InstanceNormalization" ? floatAttr("epsilon", 1e-5f) : 1e-9f;
    Value Y = bin<graph::MulOp>(
        D, un<graph::ReciprocalOp>(un<graph::SqrtOp>(bin<graph::AddOp>(Var, scalar(Eps)))));
    if (Op == "InstanceNormalization") {
      Shape PS(S.size() - 1, 1);
      PS[0] = S[1];
      Y = bin<graph::AddOp>(bin<graph::MulOp>(Y, reshape(floatInput(1), PS)),
                            reshape(floatInput(2), PS));
    }
    setOutput(0, Y);
    return true;
  }
  if (Op == "LRN") {
    // x / (bias + alpha / size * sum of x^2 over a window of channels)^beta
    onlyAttrs({"alpha", "beta", "bias", "size"});
    Value X = floatInput(0);
    Shape S = shapeOf(X);
    int64_t Size = intAttr("size", 0);
    if (S.size() < 3 || Size < 1)
      fail("needs channels and a positive size");
    checkUnroll(Size, "size " + std::to_string(Size));
    Value Sq = bin<graph::MulOp>(X, X);
    std::vector<int64_t> Pads(2 * S.size(), 0);
    Pads[1] = (Size - 1) / 2;
    Pads[1 + S.size()] = Size / 2;
    Value P = pad(Sq, Pads, "constant", 0);
    Value Sum;
    for (int64_t K = 0; K < Size; ++K) {
      Value Part = sliceAlong(P, 1, K, K + S[1]);
      Sum = Sum ? bin<graph::AddOp>(Sum, Part) : Part;
    }
    Value Den =
        bin<graph::AddOp>(scalar(floatAttr("bias", 1.0f)),
                          bin<graph::MulOp>(Sum, scalar(floatAttr("alpha", 1e-4f) / float(Size))));
    setOutput(0, bin<graph::DivOp>(X, bin<graph::PowOp>(Den, scalar(floatAttr("beta", 0.75f)))));
    return true;
  }
  return false;
}

bool Importer::importElementwise() {
  const std::string &Op = Node->op_type();
  using P = graph::ComparePredicate;
  Type F32 = B.getF32Type();
  auto X0 = [&] { return floatInput(0); };
  auto Out = [&](Value V) {
    setOutput(0, V);
    return true;
  };
  // Same-type operands (a constant takes the other operand's type).
  auto Pair = [&](bool AllowBool) {
    Type T = operandType({0, 1});
    if (T.isInteger(1) && !AllowBool)
      fail("operands are bool");
    Value A = inputAs(0, T);
    return std::make_pair(A, legacyBroadcast(A, inputAs(1, T)));
  };
  auto Relu = [&](Value V) { return un<graph::ReluOp>(V); };
  auto Exp = [&](Value V) { return un<graph::ExpOp>(V); };
  auto Log = [&](Value V) { return un<graph::LogOp>(V); };
  auto Sqrt = [&](Value V) { return un<graph::SqrtOp>(V); };
  auto Add = [&](Value A, Value X) { return bin<graph::AddOp>(A, X); };
  auto Sub = [&](Value A, Value X) { return bin<graph::SubOp>(A, X); };
  auto Mul = [&](Value A, Value X) { return bin<graph::MulOp>(A, X); };
  auto Div = [&](Value A, Value X) { return bin<graph::DivOp>(A, X); };
  auto C = [&](double V) { return scalar(V, F32); };
  // e^x - 1 without losing small x (Kahan): (u - 1) x / log u, u = e^x (x
  // itself where u rounds to 1).
  auto expm1 = [&](Value X) {
    Value U = Exp(X);
    Value R = Div(Mul(Sub(U, C(1)), X), Log(U));
    Value Tiny = compare(graph::ComparePredicate::EQ, U, C(1));
    Value Big = compare(graph::ComparePredicate::GT, un<graph::AbsOp>(X), C(1));
    return where(Tiny, X, where(Big, Sub(U, C(1)), R));
  };
  // log(1 + u) without losing small u: log(w) u / (w - 1) with w = 1 + u
  // (u itself where w rounds to 1).
  auto log1p = [&](Value U) {
    Value W = Add(C(1), U);
    Value R = Div(Mul(Log(W), U), Sub(W, C(1)));
    return where(compare(graph::ComparePredicate::EQ, W, C(1)), U, R);
  };

  // Integer-capable unary ops.
  if (Op == "Neg" || Op == "Abs" || Op == "Sign") {
    onlyAttrs({});
    Value X = input(0);
    if (eltOf(X).isInteger(1))
      fail("input is bool");
    if (Op == "Neg")
      return Out(un<graph::NegOp>(X));
    if (Op == "Abs")
      return Out(un<graph::AbsOp>(X));
    return Out(un<graph::SignOp>(X));
  }
  if (Op == "Floor") {
    onlyAttrs({});
    return Out(un<graph::FloorOp>(X0()));
  }
  if (Op == "Ceil") {
    onlyAttrs({});
    return Out(un<graph::CeilOp>(X0()));
  }
  if (Op == "Round") {
    onlyAttrs({});
    return Out(un<graph::RoundOp>(X0()));
  }
  if (Op == "Sin") {
    onlyAttrs({});
    return Out(un<graph::SinOp>(X0()));
  }
  if (Op == "Cos") {
    onlyAttrs({});
    return Out(un<graph::CosOp>(X0()));
  }
  if (Op == "Atan") {
    onlyAttrs({});
    return Out(un<graph::AtanOp>(X0()));
  }
  if (Op == "Tan") {
    onlyAttrs({});
    Value X = X0();
    return Out(Div(un<graph::SinOp>(X), un<graph::CosOp>(X)));
  }
  if (Op == "Asin" || Op == "Acos") {
    onlyAttrs({});
    Value X = X0();
    if (Op == "Asin") // atan(x / sqrt(1 - x^2))
      return Out(un<graph::AtanOp>(Div(X, Sqrt(Sub(C(1), Mul(X, X))))));
    // 2 atan(sqrt((1 - x) / (1 + x))), without the cancellation of pi/2 - asin
    return Out(Mul(C(2), un<graph::AtanOp>(Sqrt(Div(Sub(C(1), X), Add(C(1), X))))));
  }
  if (Op == "Sinh" || Op == "Cosh") {
    onlyAttrs({});
    Value X = X0();
    Value E = Exp(X), Inv = Exp(un<graph::NegOp>(X));
    if (Op == "Cosh")
      return Out(Mul(Add(E, Inv), C(0.5)));
    // Below 1, where e^x - e^-x cancels, the series to x^9.
    Value Z = Mul(X, X), P = C(1.0 / 362880);
    for (double K : {1.0 / 5040, 1.0 / 120, 1.0 / 6, 1.0})
      P = Add(Mul(P, Z), C(K));
    Value Small = compare(graph::ComparePredicate::LT, un<graph::AbsOp>(X), C(1));
    return Out(where(Small, Mul(P, X), Mul(Sub(E, Inv), C(0.5))));
  }
  if (Op == "Asinh") { // sign(x) log1p(|x| + x^2 / (1 + sqrt(x^2 + 1)))
    onlyAttrs({});
    Value X = X0(), A = un<graph::AbsOp>(X), Z = Mul(X, X);
    Value R = log1p(Add(A, Div(Z, Add(C(1), Sqrt(Add(Z, C(1)))))));
    return Out(Mul(un<graph::SignOp>(X), R));
  }
  if (Op == "Acosh") { // log1p(t + sqrt(2t + t^2)), t = x - 1
    onlyAttrs({});
    Value X = X0(), T = Sub(X, C(1));
    return Out(log1p(Add(T, Sqrt(Add(Mul(T, C(2)), Mul(T, T))))));
  }
  if (Op == "Atanh") { // log1p(2x / (1 - x)) / 2
    onlyAttrs({});
    Value X = X0();
    return Out(Mul(log1p(Div(Mul(X, C(2)), Sub(C(1), X))), C(0.5)));
  }
  if (Op == "Softplus") { // relu(x) + log1p(e^-|x|): no overflow for large x
    onlyAttrs({});
    Value X = X0();
    return Out(Add(Relu(X), log1p(Exp(un<graph::NegOp>(un<graph::AbsOp>(X))))));
  }
  if (Op == "Softsign") {
    onlyAttrs({});
    Value X = X0();
    return Out(Div(X, Add(C(1), un<graph::AbsOp>(X))));
  }
  if (Op == "Elu" || Op == "Selu") { // relu(x) + alpha (e^min(x, 0) - 1), times gamma
    onlyAttrs({"alpha", "gamma"});
    Value X = X0();
    float Alpha = floatAttr("alpha", Op == "Elu" ? 1.0f : 1.67326319217681884765625f);
    Value R = Add(Relu(X), Mul(C(Alpha), expm1(bin<graph::MinOp>(X, C(0)))));
    if (Op == "Selu")
      R = Mul(R, C(floatAttr("gamma", 1.05070102214813232421875f)));
    return Out(R);
  }
  if (Op == "Celu") { // relu(x) + min(0, alpha (e^(x / alpha) - 1))
    onlyAttrs({"alpha"});
    Value X = X0();
    float Alpha = floatAttr("alpha", 1.0f);
    Value E = Mul(C(Alpha), Sub(Exp(Mul(X, C(1.0 / Alpha))), C(1)));
    return Out(Add(Relu(X), bin<graph::MinOp>(E, C(0))));
  }
  if (Op == "HardSigmoid" || Op == "HardSwish") { // clip(alpha x + beta, 0, 1) (times x)
    onlyAttrs({"alpha", "beta"});
    Value X = X0();
    float Alpha = Op == "HardSwish" ? 1.0f / 6 : floatAttr("alpha", 0.2f);
    float Beta = Op == "HardSwish" ? 0.5f : floatAttr("beta", 0.5f);
    Value H = B.create<graph::ClipOp>(Loc, X.getType(), Add(Mul(X, C(Alpha)), C(Beta)),
                                      B.getF32FloatAttr(0.0f), B.getF32FloatAttr(1.0f));
    return Out(Op == "HardSwish" ? Mul(X, H) : H);
  }
  if (Op == "ThresholdedRelu") {
    onlyAttrs({"alpha"});
    Value X = X0();
    return Out(where(compare(P::GT, X, C(floatAttr("alpha", 1.0f))), X, C(0)));
  }
  if (Op == "Shrink") {
    onlyAttrs({"lambd", "bias"});
    Value X = input(0);
    Type T = eltOf(X);
    if (T.isInteger(1))
      fail("input is bool");
    double L = floatAttr("lambd", 0.5f), Bi = floatAttr("bias", 0.0f);
    Value Lo = where(compare(P::LT, X, scalar(-L, T)), Add(X, scalar(Bi, T)), scalar(0, T));
    return Out(where(compare(P::GT, X, scalar(L, T)), Sub(X, scalar(Bi, T)), Lo));
  }
  if (Op == "PRelu") {
    onlyAttrs({});
    Value X = X0(), Slope = floatInput(1);
    // Before opset 7 a [C] slope applies along the channel axis.
    Shape XS = shapeOf(X);
    if (Opset < 7 && shapeOf(Slope).size() == 1 && XS.size() > 2 && shapeOf(Slope)[0] == XS[1]) {
      Shape PS(XS.size() - 1, 1);
      PS[0] = XS[1];
      Slope = reshape(Slope, PS);
    }
    Shape S;
    if (!shapes::broadcast(shapeOf(Slope), shapeOf(X), S).empty() || S != shapeOf(X))
      fail("slope " + shapeStr(shapeOf(Slope)) + " does not broadcast to " + shapeStr(shapeOf(X)));
    return Out(where(compare(P::LT, X, C(0)), Mul(X, Slope), X));
  }
  if (Op == "IsNaN") {
    onlyAttrs({});
    Value X = X0();
    return Out(B.create<graph::IsNaNOp>(Loc, RankedTensorType::get(shapeOf(X), B.getI1Type()), X));
  }
  if (Op == "IsInf") {
    onlyAttrs({"detect_negative", "detect_positive"});
    Value X = X0();
    return Out(B.create<graph::IsInfOp>(Loc, RankedTensorType::get(shapeOf(X), B.getI1Type()), X,
                                        B.getBoolAttr(intAttr("detect_negative", 1) != 0),
                                        B.getBoolAttr(intAttr("detect_positive", 1) != 0)));
  }

  // Binary and variadic ops.
  if (Op == "Add" || Op == "Sub" || Op == "Mul" || Op == "Div") {
    onlyAttrs({"broadcast", "axis"});
    auto [A, X] = Pair(false);
    return Out(Op == "Add"   ? Add(A, X)
               : Op == "Sub" ? Sub(A, X)
               : Op == "Mul" ? Mul(A, X)
                             : Div(A, X));
  }
  if (Op == "Pow") {
    onlyAttrs({"broadcast", "axis"});
    Value X = input(0);
    Type T = eltOf(X);
    if (T.isInteger(1))
      fail("base is bool");
    // Integer powers are computed in fp32 and truncated back.
    Value Y = legacyBroadcast(X, isConst(1) ? inputAs(1, F32) : castTo(input(1), F32));
    Value R = bin<graph::PowOp>(castTo(X, F32), Y);
    return Out(castTo(R, T));
  }
  if (Op == "Mod") {
    onlyAttrs({"fmod"});
    auto [A, X] = Pair(false);
    bool FMod = intAttr("fmod", 0) != 0;
    if (eltOf(A).isF32() && !FMod)
      fail("fmod = 0 needs integer inputs");
    return Out(B.create<graph::ModOp>(Loc, RankedTensorType::get(broadcastShape(A, X), eltOf(A)), A,
                                      X, B.getBoolAttr(FMod)));
  }
  if (Op == "BitShift") {
    onlyAttrs({"direction"});
    auto [A, X] = Pair(false);
    std::string Dir = stringAttr("direction", "");
    if (Dir != "LEFT" && Dir != "RIGHT")
      fail("direction must be LEFT or RIGHT");
    if (!eltOf(A).isInteger() || eltOf(A).isInteger(1))
      fail("BitShift takes integers");
    return Out(B.create<graph::BitShiftOp>(Loc,
                                           RankedTensorType::get(broadcastShape(A, X), eltOf(A)), A,
                                           X, B.getBoolAttr(Dir == "LEFT")));
  }
  if (Op == "And" || Op == "Or" || Op == "Xor") {
    onlyAttrs({"broadcast", "axis"});
    Value A = inputAs(0, B.getI1Type());
    Value X = legacyBroadcast(A, inputAs(1, B.getI1Type()));
    if (Op == "And")
      return Out(bin<graph::AndOp>(A, X));
    if (Op == "Or")
      return Out(bin<graph::OrOp>(A, X));
    return Out(bin<graph::XorOp>(A, X));
  }
  if (Op == "Not") {
    onlyAttrs({});
    return Out(un<graph::NotOp>(inputAs(0, B.getI1Type())));
  }
  if (Op == "Equal" || Op == "Less" || Op == "Greater" || Op == "LessOrEqual" ||
      Op == "GreaterOrEqual") {
    onlyAttrs({"broadcast", "axis"});
    auto [A, X] = Pair(Op == "Equal");
    if (eltOf(A).isInteger(1)) // bool equality: not xor
      return Out(un<graph::NotOp>(bin<graph::XorOp>(A, X)));
    P Pr = Op == "Equal"         ? P::EQ
           : Op == "Less"        ? P::LT
           : Op == "Greater"     ? P::GT
           : Op == "LessOrEqual" ? P::LE
                                 : P::GE;
    return Out(compare(Pr, A, X));
  }
  if (Op == "Where") {
    onlyAttrs({});
    Type T = operandType({1, 2}, /*Compute=*/false); // where only moves bits
    return Out(where(inputAs(0, B.getI1Type()), inputAs(1, T), inputAs(2, T)));
  }
  if (Op == "Max" || Op == "Min" || Op == "Sum" || Op == "Mean") {
    onlyAttrs({});
    size_t N = numInputs();
    if (N == 0)
      fail("needs at least one input");
    std::vector<int> All;
    for (size_t K = 0; K < N; ++K)
      All.push_back(int(K));
    Type T = operandType(All);
    if (T.isInteger(1))
      fail("inputs are bool");
    Value R = inputAs(0, T);
    for (size_t K = 1; K < N; ++K) {
      Value X = inputAs(int(K), T);
      R = Op == "Max" ? bin<graph::MaxOp>(R, X) : Op == "Min" ? bin<graph::MinOp>(R, X) : Add(R, X);
    }
    if (Op == "Mean")
      R = Mul(R, scalar(1.0 / double(N), T));
    if (N == 1 && R == input(0))
      R = Op == "Max"   ? bin<graph::MaxOp>(R, R)
          : Op == "Min" ? bin<graph::MinOp>(R, R)
                        : Add(R, scalar(0, T));
    return Out(R);
  }
  return false;
}

void Importer::importNode() {
  const std::string &Op = Node->op_type();
  if (!Node->domain().empty() && Node->domain() != "ai.onnx")
    fail("operator domain " + q(Node->domain()) + " is not supported");
  if (Op == "If") {
    importIf();
    return;
  }
  for (const auto &A : Node->attribute())
    if (A.type() == onnx::AttributeProto::GRAPH || A.type() == onnx::AttributeProto::GRAPHS)
      fail("subgraph attribute " + q(A.name()) + " is not supported");
  if (fold())
    return;

  std::string Err;
  auto Unary = [&](auto Tag) {
    using OpT = decltype(Tag);
    onlyAttrs({});
    setOutput(0, un<OpT>(floatInput(0)));
  };
  auto RequireF32 = [&](int K) {
    Value V = input(K);
    if (!cast<RankedTensorType>(V.getType()).getElementType().isF32())
      fail("input " + q(Node->input(K)) + " is " +
           std::string("not float32; this operator is computed in fp32 only"));
  };
  for (size_t K = 0; K < numInputs(); ++K)
    if (hasInput(int(K)) && !isConst(int(K)) && !Values.count(Node->input(int(K))))
      fail("input " + q(Node->input(int(K))) + " is not defined before this node");

  if (importElementwise() || importDecomposed() || importQuantized())
    return;
  if (Op == "Relu")
    return Unary(graph::ReluOp());
  if (Op == "Sigmoid")
    return Unary(graph::SigmoidOp());
  if (Op == "Tanh")
    return Unary(graph::TanhOp());
  if (Op == "Erf")
    return Unary(graph::ErfOp());
  if (Op == "Exp")
    return Unary(graph::ExpOp());
  if (Op == "Log")
    return Unary(graph::LogOp());
  if (Op == "Sqrt")
    return Unary(graph::SqrtOp());
  if (Op == "Reciprocal")
    return Unary(graph::ReciprocalOp());
  if (Op == "Identity" || Op == "Dropout") {
    if (Op == "Dropout") {
      onlyAttrs({"seed", "ratio", "is_test"});
      if (hasInput(2) && (!isConst(2) || constScalar(2, "training_mode") != 0))
        fail("training_mode must be a constant false (inference only)");
      // In inference every element is kept: the mask is all true.
      if (!outputName(1).empty()) {
        Const Mask;
        Mask.DType = onnx::TensorProto::BOOL;
        Mask.Dims = inputShape(0);
        checkComputed(Mask.Dims, Mask.DType, "output " + q(outputName(1)));
        Mask.I.assign(size_t(Mask.size()), 1);
        setConst(1, Mask);
      }
    }
    setOutput(0, input(0));
    return;
  }
  if (Op == "LeakyRelu") {
    onlyAttrs({"alpha"});
    Value X = input(0);
    setOutput(0, B.create<graph::LeakyReluOp>(Loc, X.getType(), X,
                                              B.getF32FloatAttr(floatAttr("alpha", 0.01f))));
    return;
  }
  if (Op == "Clip") {
    float Lo = std::numeric_limits<float>::lowest(), Hi = std::numeric_limits<float>::max();
    if (Opset < 11) {
      onlyAttrs({"min", "max"});
      Lo = floatAttr("min", Lo);
      Hi = floatAttr("max", Hi);
    } else {
      onlyAttrs({});
      Value X = input(0);
      Type T = eltOf(X);
      if (T.isInteger(1))
        fail("input is bool");
      if (!T.isF32() || (hasInput(1) && !isConst(1)) || (hasInput(2) && !isConst(2))) {
        // Bounds known at run time, or integers: max, then min.
        Value R = X;
        if (hasInput(1))
          R = bin<graph::MaxOp>(R, reshape(inputAs(1, T), {}));
        if (hasInput(2))
          R = bin<graph::MinOp>(R, reshape(inputAs(2, T), {}));
        setOutput(0, R == X ? bin<graph::MaxOp>(X, X) : R);
        return;
      }
      if (hasInput(1))
        Lo = float(constScalar(1, "min"));
      if (hasInput(2))
        Hi = float(constScalar(2, "max"));
    }
    Value X = floatInput(0);
    setOutput(0, B.create<graph::ClipOp>(Loc, X.getType(), X, B.getF32FloatAttr(Lo),
                                         B.getF32FloatAttr(Hi)));
    return;
  }
  if (Op == "MatMul") {
    onlyAttrs({});
    RequireF32(0);
    RequireF32(1);
    Value L = input(0), R = input(1);
    Shape Out;
    std::string E = shapes::matmul(shapeOf(L), shapeOf(R), Out);
    if (!E.empty())
      fail(E);
    setOutput(0, B.create<graph::MatMulOp>(Loc, f32(Out), L, R));
    return;
  }
  if (Op == "Gemm") {
    onlyAttrs({"alpha", "beta", "transA", "transB", "broadcast"});
    Value A = input(0), Bm = input(1);
    bool TA = intAttr("transA", 0), TB = intAttr("transB", 0);
    Shape Out;
    std::string E = shapes::gemm(shapeOf(A), shapeOf(Bm), TA, TB, Out);
    if (!E.empty())
      fail(E);
    Value C = hasInput(2) ? input(2) : Value();
    if (C) {
      Shape Tmp;
      if (!shapes::broadcast(shapeOf(C), Out, Tmp).empty() || Tmp != Out)
        fail("C " + shapeStr(shapeOf(C)) + " does not broadcast to " + shapeStr(Out));
    }
    setOutput(0, B.create<graph::GemmOp>(Loc, f32(Out), A, Bm, C,
                                         B.getF32FloatAttr(floatAttr("alpha", 1.0f)),
                                         B.getF32FloatAttr(floatAttr("beta", 1.0f)),
                                         B.getBoolAttr(TA), B.getBoolAttr(TB)));
    return;
  }
  if (Op == "Conv")
    return importConv();
  if (Op == "MaxPool")
    return importPool(true);
  if (Op == "AveragePool")
    return importPool(false);
  if (Op == "GlobalAveragePool" || Op == "GlobalMaxPool") {
    onlyAttrs({});
    Value X = input(0);
    Shape S = shapeOf(X);
    if (S.size() < 3)
      fail("input needs spatial dimensions");
    std::vector<int64_t> Axes;
    Shape Out = S;
    for (size_t D = 2; D < S.size(); ++D) {
      Axes.push_back(int64_t(D));
      Out[D] = 1;
    }
    auto Kind = Op == "GlobalAveragePool" ? graph::ReduceKind::Mean : graph::ReduceKind::Max;
    setOutput(0, B.create<graph::ReduceOp>(Loc, f32(Out), X, graph::ReduceKindAttr::get(&Ctx, Kind),
                                           B.getDenseI64ArrayAttr(Axes), B.getBoolAttr(true)));
    return;
  }
  if (Op == "BatchNormalization") {
    onlyAttrs({"epsilon", "momentum", "training_mode", "spatial", "is_test", "consumed_inputs"});
    if (intAttr("training_mode", 0))
      fail("training_mode is not supported");
    if (intAttr("spatial", 1) != 1)
      fail("spatial = 0 is not supported");
    Value X = floatInput(0);
    if (shapeOf(X).size() < 2)
      fail("input needs a channel dimension (rank >= 2), got " + shapeStr(shapeOf(X)));
    float Eps = floatAttr("epsilon", 1e-5f);
    if (isConst(1) && isConst(2) && isConst(3) && isConst(4)) {
      setOutput(0, B.create<graph::BatchNormOp>(Loc, X.getType(), X, input(1), input(2), input(3),
                                                input(4), B.getF32FloatAttr(Eps)));
      return;
    }
    // Parameters known at run time: (x - mean) * scale / sqrt(var + eps) + bias
    // with [C] reshaped to [C, 1, ...].
    Shape S = shapeOf(X), PS(S.size() - 1, 1);
    PS[0] = S[1];
    auto Param = [&](int K) { return reshape(floatInput(K), PS); };
    Value Inv =
        un<graph::ReciprocalOp>(un<graph::SqrtOp>(bin<graph::AddOp>(Param(4), scalar(Eps))));
    Value Y = bin<graph::MulOp>(bin<graph::SubOp>(X, Param(3)), bin<graph::MulOp>(Param(1), Inv));
    setOutput(0, bin<graph::AddOp>(Y, Param(2)));
    return;
  }
  if (Op == "LayerNormalization") {
    onlyAttrs({"axis", "epsilon", "stash_type"});
    Value X = input(0);
    int64_t Axis = intAttr("axis", -1);
    if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
      fail("axis out of range");
    Value Bias = hasInput(2) ? input(2) : Value();
    bool Stats = (Node->output_size() > 1 && !Node->output(1).empty()) ||
                 (Node->output_size() > 2 && !Node->output(2).empty());
    if (!Stats) {
      setOutput(0, B.create<graph::LayerNormOp>(Loc, X.getType(), X, input(1), Bias,
                                                B.getI64IntegerAttr(Axis),
                                                B.getF32FloatAttr(floatAttr("epsilon", 1e-5f))));
      return;
    }
    // Mean and 1 / sqrt(var + eps) are outputs too: the computation in ops.
    Shape S = shapeOf(X), KS = S;
    std::vector<int64_t> Axes;
    for (int64_t D = Axis; D < int64_t(S.size()); ++D) {
      Axes.push_back(D);
      KS[size_t(D)] = 1;
    }
    auto Mean = [&](Value V) {
      return B
          .create<graph::ReduceOp>(Loc, f32(KS), V,
                                   graph::ReduceKindAttr::get(&Ctx, graph::ReduceKind::Mean),
                                   B.getDenseI64ArrayAttr(Axes), B.getBoolAttr(true))
          .getResult();
    };
    Value M = Mean(X), D = bin<graph::SubOp>(X, M);
    Value Var = Mean(bin<graph::MulOp>(D, D));
    Value Inv = un<graph::ReciprocalOp>(
        un<graph::SqrtOp>(bin<graph::AddOp>(Var, scalar(floatAttr("epsilon", 1e-5f)))));
    Value Y = bin<graph::MulOp>(bin<graph::MulOp>(D, Inv), floatInput(1));
    if (Bias)
      Y = bin<graph::AddOp>(Y, floatInput(2));
    setOutput(0, Y);
    setOutput(1, M);
    setOutput(2, Inv);
    return;
  }
  if (Op == "Softmax") {
    onlyAttrs({"axis"});
    Value X = input(0);
    Shape S = shapeOf(X);
    int64_t Axis = intAttr("axis", Opset >= 13 ? -1 : 1);
    if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
      fail("axis out of range");
    if (Opset < 13 && Axis != int64_t(S.size()) - 1) {
      // Before opset 13 the input is flattened to 2D at `axis`.
      int64_t Outer = 1, Inner = 1;
      for (size_t D = 0; D < S.size(); ++D)
        (int64_t(D) < Axis ? Outer : Inner) *= S[D];
      Value Flat = reshape(X, {Outer, Inner});
      Value R = B.create<graph::SoftmaxOp>(Loc, Flat.getType(), Flat, B.getI64IntegerAttr(1));
      setOutput(0, reshape(R, S));
      return;
    }
    setOutput(0, B.create<graph::SoftmaxOp>(Loc, X.getType(), X, B.getI64IntegerAttr(Axis)));
    return;
  }
  if (Op.rfind("Reduce", 0) == 0) {
    static const std::set<std::string> Family = {
        "ReduceMean", "ReduceSum", "ReduceMax",       "ReduceMin",    "ReduceProd",
        "ReduceL1",   "ReduceL2",  "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"};
    if (!Family.count(Op))
      fail("unsupported operator");
    onlyAttrs({"axes", "keepdims", "noop_with_empty_axes"});
    Value X = floatInput(0);
    std::vector<int64_t> Axes = intsAttr("axes");
    if (hasInput(1))
      Axes = constInts(1, "axes");
    if (Axes.empty() && intAttr("noop_with_empty_axes", 0)) {
      setOutput(0, X);
      return;
    }
    bool Keep = intAttr("keepdims", 1) != 0;
    using RK = graph::ReduceKind;
    auto Reduce = [&](RK Kind, Value V, bool KeepDims) {
      std::vector<int64_t> A = Axes;
      Shape Out;
      std::string E = shapes::reduce(shapeOf(V), A, KeepDims, Out);
      if (!E.empty())
        fail(E);
      return B
          .create<graph::ReduceOp>(Loc, f32(Out), V, graph::ReduceKindAttr::get(&Ctx, Kind),
                                   B.getDenseI64ArrayAttr(A), B.getBoolAttr(KeepDims))
          .getResult();
    };
    // The family from sum, mean, max, min and product.
    Value R;
    if (Op == "ReduceMean")
      R = Reduce(RK::Mean, X, Keep);
    else if (Op == "ReduceSum")
      R = Reduce(RK::Sum, X, Keep);
    else if (Op == "ReduceMax")
      R = Reduce(RK::Max, X, Keep);
    else if (Op == "ReduceMin")
      R = Reduce(RK::Min, X, Keep);
    else if (Op == "ReduceProd")
      R = Reduce(RK::Prod, X, Keep);
    else if (Op == "ReduceL1")
      R = Reduce(RK::Sum, un<graph::AbsOp>(X), Keep);
    else if (Op == "ReduceSumSquare")
      R = Reduce(RK::Sum, bin<graph::MulOp>(X, X), Keep);
    else if (Op == "ReduceL2")
      R = un<graph::SqrtOp>(Reduce(RK::Sum, bin<graph::MulOp>(X, X), Keep));
    else if (Op == "ReduceLogSum")
      R = un<graph::LogOp>(Reduce(RK::Sum, X, Keep));
    else {
      // log(sum(e^(x - max))) + max, which does not overflow.
      Value M = Reduce(RK::Max, X, true);
      Value S = Reduce(RK::Sum, un<graph::ExpOp>(bin<graph::SubOp>(X, M)), Keep);
      R = bin<graph::AddOp>(un<graph::LogOp>(S), reshape(M, shapeOf(S)));
    }
    setOutput(0, R);
    return;
  }
  if (Op == "LogSoftmax" || Op == "Hardmax") {
    onlyAttrs({"axis"});
    Value X = floatInput(0);
    Shape S = shapeOf(X);
    int64_t Axis = intAttr("axis", Opset >= 13 ? -1 : 1);
    if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
      fail("axis out of range");
    Value V = X;
    if (Opset < 13) {
      // Before opset 13 the input is flattened to 2D at `axis`.
      int64_t Outer = 1, Inner = 1;
      for (size_t D = 0; D < S.size(); ++D)
        (int64_t(D) < Axis ? Outer : Inner) *= S[D];
      V = reshape(X, {Outer, Inner});
      Axis = 1;
    }
    Shape VS = shapeOf(V);
    Value R;
    if (Op == "LogSoftmax") {
      R = logSoftmax(V, Axis);
    } else {
      // 1 at the first maximum along the axis.
      Value First = argExtreme(V, Axis, true, false, true);
      Shape IS(VS.size(), 1);
      IS[size_t(Axis)] = VS[size_t(Axis)];
      Value Iota = constFrom(IS, B.getI64Type(), [&](const std::vector<int64_t> &C) {
        return double(C[size_t(Axis)]);
      });
      R = castTo(compare(graph::ComparePredicate::EQ, Iota, First), B.getF32Type());
    }
    setOutput(0, reshape(R, S));
    return;
  }
  if (Op == "ArgMax" || Op == "ArgMin") {
    onlyAttrs({"axis", "keepdims", "select_last_index"});
    Value X = floatInput(0);
    int64_t Axis = intAttr("axis", 0);
    if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
      fail("axis out of range");
    Shape S = shapeOf(X);
    int64_t Others = 1;
    for (size_t D = 0; D < S.size(); ++D)
      Others *= int64_t(D) == Axis ? 1 : S[D];
    if (S[size_t(Axis)] == 0 && Others != 0)
      fail("an empty axis has no index of its extreme");
    setOutput(0, argExtreme(X, Axis, Op == "ArgMax", intAttr("select_last_index", 0) != 0,
                            intAttr("keepdims", 1) != 0));
    return;
  }
  if (Op == "GatherElements") {
    onlyAttrs({"axis"});
    Value X = input(0);
    int64_t Axis = intAttr("axis", 0);
    if (!shapes::normalizeAxis(Axis, int64_t(shapeOf(X).size())))
      fail("axis out of range");
    setOutput(0, gatherElements(X, input(1), Axis));
    return;
  }
  if (Op == "NegativeLogLikelihoodLoss" || Op == "SoftmaxCrossEntropyLoss") {
    onlyAttrs({"ignore_index", "reduction"});
    std::optional<int64_t> Ignore;
    if (attr("ignore_index"))
      Ignore = intAttr("ignore_index", 0);
    Value X = floatInput(0), LogProb = X;
    if (Op == "SoftmaxCrossEntropyLoss")
      LogProb = logSoftmax(X, 1);
    Value W = hasInput(2) ? floatInput(2) : Value();
    setOutput(0, nllLoss(LogProb, input(1), W, Ignore, stringAttr("reduction", "mean")));
    if (Op == "SoftmaxCrossEntropyLoss")
      setOutput(1, LogProb);
    return;
  }
  if (Op == "Trilu") {
    onlyAttrs({"upper"});
    Value X = input(0);
    Shape S = shapeOf(X);
    if (S.size() < 2)
      fail("input needs two dimensions");
    bool Upper = intAttr("upper", 1) != 0;
    // Keep x where (column - row) >= k (upper) or <= k (lower).
    Shape DS = {S[S.size() - 2], S.back()};
    Value Diff = constFrom(DS, B.getI64Type(),
                           [](const std::vector<int64_t> &C) { return double(C[1] - C[0]); });
    Value K = hasInput(1) ? reshape(inputAs(1, B.getI64Type()), {}) : scalar(0, B.getI64Type());
    Value Keep =
        compare(Upper ? graph::ComparePredicate::GE : graph::ComparePredicate::LE, Diff, K);
    setOutput(0, where(Keep, X, scalar(0, eltOf(X))));
    return;
  }

  // Shape-only ops work on constants and values alike.
  auto Reshaped = [&](const Shape &Out) {
    if (isConst(0)) {
      Const C = Consts[Node->input(0)];
      C.Dims = Out;
      setConst(0, C);
    } else {
      setOutput(0, reshape(input(0), Out));
    }
  };
  if (Op == "Reshape") {
    onlyAttrs({"allowzero", "shape"});
    std::vector<int64_t> Target = Opset < 5 ? intsAttr("shape") : constInts(1, "shape");
    Shape Out;
    std::string E = shapes::reshape(inputShape(0), Target, intAttr("allowzero", 0) != 0, Out);
    if (!E.empty())
      fail(E);
    return Reshaped(Out);
  }
  if (Op == "Flatten") {
    onlyAttrs({"axis"});
    Shape S = inputShape(0);
    int64_t Axis = intAttr("axis", 1);
    if (Axis < 0)
      Axis += int64_t(S.size());
    if (Axis < 0 || Axis > int64_t(S.size()))
      fail("axis out of range");
    int64_t Outer = 1, Inner = 1;
    for (size_t D = 0; D < S.size(); ++D)
      (int64_t(D) < Axis ? Outer : Inner) *= S[D];
    return Reshaped({Outer, Inner});
  }
  if (Op == "Squeeze" || Op == "Unsqueeze") {
    onlyAttrs({"axes"});
    Shape S = inputShape(0);
    std::vector<int64_t> Axes =
        Opset >= 13 && hasInput(1) ? constInts(1, "axes") : intsAttr("axes");
    Shape Out;
    if (Op == "Squeeze") {
      std::vector<bool> Drop(S.size(), false);
      if (Axes.empty())
        for (size_t D = 0; D < S.size(); ++D)
          Drop[D] = S[D] == 1;
      for (int64_t A : Axes) {
        if (!shapes::normalizeAxis(A, int64_t(S.size())) || S[size_t(A)] != 1)
          fail("cannot squeeze axis " + std::to_string(A) + " of " + shapeStr(S));
        Drop[size_t(A)] = true;
      }
      for (size_t D = 0; D < S.size(); ++D)
        if (!Drop[D])
          Out.push_back(S[D]);
    } else {
      int64_t R = int64_t(S.size() + Axes.size());
      std::vector<bool> New(size_t(R), false);
      for (int64_t A : Axes) {
        if (!shapes::normalizeAxis(A, R) || New[size_t(A)])
          fail("bad unsqueeze axis");
        New[size_t(A)] = true;
      }
      size_t K = 0;
      for (int64_t D = 0; D < R; ++D)
        Out.push_back(New[size_t(D)] ? 1 : S[K++]);
    }
    return Reshaped(Out);
  }
  if (Op == "Transpose") {
    onlyAttrs({"perm"});
    Shape S = inputShape(0);
    std::vector<int64_t> Perm = intsAttr("perm");
    if (Perm.empty())
      for (size_t D = S.size(); D-- > 0;)
        Perm.push_back(int64_t(D));
    Shape Out;
    std::string E = shapes::transpose(S, Perm, Out);
    if (!E.empty())
      fail(E);
    if (isConst(0)) {
      const Const &C = Consts[Node->input(0)];
      auto St = stridesOf(S);
      setConst(0, gatherConst(C, Out, [&](const std::vector<int64_t> &Co) {
                 int64_t Src = 0;
                 for (size_t D = 0; D < Perm.size(); ++D)
                   Src += Co[D] * St[size_t(Perm[D])];
                 return Src;
               }));
      return;
    }
    Value X = input(0);
    setOutput(0,
              B.create<graph::TransposeOp>(
                  Loc,
                  RankedTensorType::get(Out, cast<RankedTensorType>(X.getType()).getElementType()),
                  X, B.getDenseI64ArrayAttr(Perm)));
    return;
  }
  if (Op == "Concat") {
    onlyAttrs({"axis"});
    std::vector<Value> Ins;
    std::vector<Shape> Shapes;
    for (size_t K = 0; K < numInputs(); ++K) {
      Ins.push_back(input(int(K)));
      Shapes.push_back(shapeOf(Ins.back()));
    }
    int64_t Axis = intAttr("axis", 0);
    Shape Out;
    std::string E = shapes::concat(Shapes, Axis, Out);
    if (!E.empty())
      fail(E);
    shapes::normalizeAxis(Axis, int64_t(Out.size()));
    setOutput(0, B.create<graph::ConcatOp>(
                     Loc,
                     RankedTensorType::get(
                         Out, cast<RankedTensorType>(Ins[0].getType()).getElementType()),
                     Ins, B.getI64IntegerAttr(Axis)));
    return;
  }
  auto EmitSlice = [&](Value X, const std::vector<int64_t> &S0, const std::vector<int64_t> &E0,
                       const std::vector<int64_t> &St0, const Shape &Out) {
    return B.create<graph::SliceOp>(
        Loc, RankedTensorType::get(Out, cast<RankedTensorType>(X.getType()).getElementType()), X,
        B.getDenseI64ArrayAttr(S0), B.getDenseI64ArrayAttr(E0), B.getDenseI64ArrayAttr(St0));
  };
  if (Op == "Slice") {
    onlyAttrs({"starts", "ends", "axes"});
    std::vector<int64_t> Starts, Ends, Axes, Steps;
    if (Opset < 10) {
      Starts = intsAttr("starts");
      Ends = intsAttr("ends");
      Axes = intsAttr("axes");
    } else {
      Starts = constInts(1, "starts");
      Ends = constInts(2, "ends");
      if (hasInput(3))
        Axes = constInts(3, "axes");
      if (hasInput(4))
        Steps = constInts(4, "steps");
    }
    Shape S = inputShape(0), Out;
    std::vector<int64_t> AS, AE, ASt;
    std::string E = shapes::slice(S, Starts, Ends, Axes, Steps, AS, AE, ASt, Out);
    if (!E.empty())
      fail(E);
    // A step beyond the dimension takes at most one element, as a step of
    // the dimension does; the lowering never sees one near INT64_MIN.
    for (size_t D = 0; D < S.size(); ++D)
      ASt[D] = std::clamp<int64_t>(ASt[D], -std::max<int64_t>(S[D], 1), std::max<int64_t>(S[D], 1));
    if (isConst(0)) {
      auto St = stridesOf(S);
      setConst(0, gatherConst(Consts[Node->input(0)], Out, [&](const std::vector<int64_t> &C) {
                 int64_t Src = 0;
                 for (size_t D = 0; D < S.size(); ++D)
                   Src += (AS[D] + C[D] * ASt[D]) * St[D];
                 return Src;
               }));
      return;
    }
    setOutput(0, EmitSlice(input(0), AS, AE, ASt, Out));
    return;
  }
  if (Op == "Split") {
    onlyAttrs({"axis", "split"});
    Value X = input(0);
    Shape S = shapeOf(X);
    int64_t Axis = intAttr("axis", 0);
    if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
      fail("axis out of range");
    std::vector<int64_t> Sizes =
        Opset >= 13 && hasInput(1) ? constInts(1, "split") : intsAttr("split");
    int64_t N = Node->output_size();
    if (N < 1)
      fail("Split needs outputs");
    if (Sizes.empty()) {
      if (S[size_t(Axis)] % N)
        fail("dimension " + std::to_string(S[size_t(Axis)]) + " does not split into " +
             std::to_string(N) + " equal parts");
      Sizes.assign(size_t(N), S[size_t(Axis)] / N);
    }
    int64_t Sum = 0;
    bool Bad = false;
    for (int64_t Z : Sizes)
      Bad |= Z < 0 || __builtin_add_overflow(Sum, Z, &Sum);
    if (Bad || int64_t(Sizes.size()) != N || Sum != S[size_t(Axis)])
      fail("split sizes do not add up to dimension " + std::to_string(S[size_t(Axis)]));
    int64_t At = 0;
    for (int64_t K = 0; K < N; ++K) {
      setOutput(int(K), sliceAlong(X, Axis, At, At + Sizes[size_t(K)]));
      At += Sizes[size_t(K)];
    }
    return;
  }
  if (Op == "Gather") {
    onlyAttrs({"axis"});
    Value X = input(0);
    Shape S = shapeOf(X);
    int64_t Axis = intAttr("axis", 0);
    if (!shapes::normalizeAxis(Axis, int64_t(S.size())))
      fail("axis out of range");
    Value Idx;
    Shape IdxShape;
    if (isConst(1)) {
      // Constant indices: normalize negative ones and check the range here.
      Const C = Consts[Node->input(1)];
      if (C.isFloat())
        fail("indices must be integers");
      for (int64_t &I : C.I) {
        if (I < -S[size_t(Axis)] || I >= S[size_t(Axis)])
          fail("index " + std::to_string(I) + " out of range for dimension " +
               std::to_string(S[size_t(Axis)]));
        if (I < 0)
          I += S[size_t(Axis)];
      }
      C.DType = onnx::TensorProto::INT64;
      Idx = materialize(C);
    } else {
      Idx = input(1);
    }
    Shape Out;
    std::string E = shapes::gather(S, shapeOf(Idx), Axis, Out);
    if (!E.empty())
      fail(E);
    setOutput(0,
              B.create<graph::GatherOp>(
                  Loc,
                  RankedTensorType::get(Out, cast<RankedTensorType>(X.getType()).getElementType()),
                  X, Idx, B.getI64IntegerAttr(Axis)));
    return;
  }
  if (Op == "Cast" || Op == "CastLike") {
    onlyAttrs({"to", "saturate"});
    int32_t To = Op == "Cast" ? int32_t(intAttr("to", 0)) : onnxType(eltOf(input(1)));
    if (!isFloatType(To) && !isIntType(To))
      fail("Cast to " + dtypeName(To) +
           " is not supported (d1c computes FLOAT, BOOL and integers)");
    // Between storage floats, through fp32 (one rounding each way).
    Value X = input(0);
    Type T = elementType(To);
    if (isStorageFloat(eltOf(X)) && !T.isF32())
      X = castTo(X, B.getF32Type());
    if (isStorageFloat(T) && !eltOf(X).isF32())
      X = castTo(X, B.getF32Type());
    setOutput(0, castTo(X, T));
    return;
  }
  fail("unsupported operator");
}

//===----------------------------------------------------------------------===//
// The model
//===----------------------------------------------------------------------===//

void Importer::precheckTensor(const onnx::TensorProto &T, const std::string &What) {
  Shape S(T.dims().begin(), T.dims().end());
  int64_t N;
  if (!shapes::checkedNumElements(S, N))
    fail(What + " " + shapeStr(S) + " has a negative dimension or more than 2^63 elements");
  if (T.data_location() == onnx::TensorProto::EXTERNAL)
    externalRef(T, What);
}

void Importer::precheckNodes(const google::protobuf::RepeatedPtrField<onnx::NodeProto> &Nodes) {
  const onnx::NodeProto *Outer = Node;
  int OuterIndex = NodeIndex;
  for (int K = 0; K < Nodes.size(); ++K) {
    Node = &Nodes.Get(K);
    NodeIndex = K;
    // The checker prints a warning line for these (and d1c has none).
    if (onnx::checker::check_is_experimental_op(Node->op_type()))
      fail("unsupported operator");
    for (const auto &A : Node->attribute()) {
      // The checker indexes sparse tensors' indices without bounds checks.
      if (A.has_sparse_tensor() || A.sparse_tensors_size())
        fail("sparse tensor attribute " + q(A.name()) + " is not supported");
      if (A.has_t())
        precheckTensor(A.t(), "attribute " + q(A.name()));
      for (const auto &T : A.tensors())
        precheckTensor(T, "attribute " + q(A.name()));
      if (A.has_g())
        precheckGraph(A.g());
      for (const auto &G : A.graphs())
        precheckGraph(G);
    }
  }
  Node = Outer;
  NodeIndex = OuterIndex;
}

void Importer::precheckGraph(const onnx::GraphProto &G) {
  for (const auto &T : G.initializer())
    precheckTensor(T, "initializer " + q(T.name()));
  for (const auto &T : G.sparse_initializer())
    fail("sparse initializer " + q(T.values().name()) + " is not supported");
  precheckNodes(G.node());
}

void Importer::checkModel() {
  // onnx::checker::check_model(const ModelProto &, CheckerContext &) of
  // libonnx 1.12, which its header does not declare: the same steps.
  auto Reject = [&](const std::string &Msg) {
    fail("the ONNX checker rejects the model: " + escape(Msg.substr(0, Msg.find('\n')), 1000));
  };
  int64_t IR = Model.ir_version();
  if (!IR)
    Reject("The model does not have an ir_version set properly.");
  if (IR > onnx::IR_VERSION)
    Reject("Your model ir_version is higher than the checker's.");
  std::set<std::string> Keys;
  for (const auto &E : Model.metadata_props())
    if (!Keys.insert(E.key()).second)
      Reject("Your model has duplicate keys in metadata_props.");
  std::unordered_map<std::string, int> Imports;
  for (const auto &O : Model.opset_import())
    Imports[O.domain()] = int(O.version());
  if (IR >= 3 && Imports.empty())
    Reject("model with IR version >= 3 must specify opset_import for ONNX");
  if (IR < 3 && !Imports.empty())
    Reject("model with IR version < 3 cannot have opset_import specified");
  if (IR < 3)
    Imports[onnx::ONNX_DOMAIN] = 1;
  onnx::checker::CheckerContext C;
  C.set_ir_version(int(IR));
  C.set_opset_imports(Imports);
  C.set_model_dir(Dir); // external data next to the model
  try {
    onnx::checker::LexicalScopeContext Lex;
    onnx::checker::check_graph(Model.graph(), C, Lex);
    if (IR >= 8)
      onnx::checker::check_model_local_functions(Model, C, Lex);
  } catch (const std::exception &E) {
    Reject(E.what());
  }
}

OwningOpRef<ModuleOp> Importer::run(std::string &Err) {
  try {
    Ctx.loadDialect<D1Dialect, graph::GraphDialect, func::FuncDialect>();
    auto Slash = Path.find_last_of('/');
    Dir = Slash == std::string::npos ? "" : Path.substr(0, Slash + 1);
    // The model is parsed straight from a read-only mapping of the file.
    // O_NONBLOCK: opening a FIFO does not wait for a writer (it is then
    // refused as not a regular file).
    int FD = ::open(Path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (FD < 0)
      fail("cannot open '" + Path + "': " + std::strerror(errno));
    struct stat St;
    if (fstat(FD, &St) != 0 || !S_ISREG(St.st_mode)) {
      ::close(FD);
      fail("'" + Path + "' is not a regular file");
    }
    size_t Size = size_t(St.st_size);
    if (Size == 0) {
      ::close(FD);
      fail("empty file: not an ONNX model");
    }
    if (Size > size_t(INT_MAX)) {
      ::close(FD);
      fail("not a valid ONNX model (larger than protobuf's limit of 2 GiB; put the weights in "
           "external data)");
    }
    void *Map = mmap(nullptr, Size, PROT_READ, MAP_PRIVATE, FD, 0);
    ::close(FD);
    if (Map == MAP_FAILED)
      fail("cannot map '" + Path + "': " + std::strerror(errno));
    // With protobuf's default nesting limit; a model that does not parse
    // but is well formed, only nested deeper, is named as such.
    bool Parsed;
    {
      google::protobuf::io::ArrayInputStream In(Map, int(Size));
      google::protobuf::io::CodedInputStream Coded(&In);
      Coded.SetRecursionLimit(ProtobufNesting);
      Parsed = Model.ParseFromCodedStream(&Coded) && Coded.ConsumedEntireMessage();
    }
    bool TooDeep = false;
    if (!Parsed) {
      Model.Clear();
      TooDeep = modelNesting(static_cast<const uint8_t *>(Map), int(Size)) > ProtobufNesting;
    }
    munmap(Map, Size);
    if (TooDeep)
      fail("the model nests deeper than protobuf's limit of " + std::to_string(ProtobufNesting) +
           " (If/Loop subgraphs)");
    if (!Parsed)
      fail("not a valid ONNX model (the protobuf does not parse; truncated or not ONNX)");
    if (!Model.has_graph())
      fail("the model has no graph");

    for (const auto &O : Model.opset_import())
      if (O.domain().empty() || O.domain() == "ai.onnx")
        Opset = O.version();
    if (Opset < 1 || Opset > 17)
      fail("opset " + std::to_string(Opset) + " is not supported (d1c reads opsets 1 to 17)");

    // Fix symbolic input dimensions from --shape, then check the model.
    onnx::GraphProto &G = *Model.mutable_graph();
    std::set<std::string> Initialized;
    for (const auto &T : G.initializer())
      Initialized.insert(T.name());
    std::set<std::string> Known;
    for (auto &I : *G.mutable_input()) {
      if (Initialized.count(I.name()))
        continue;
      Known.insert(I.name());
      if (!I.type().has_tensor_type())
        fail("input " + q(I.name()) + " is a " +
             (I.type().has_sequence_type()   ? "sequence"
              : I.type().has_optional_type() ? "optional"
                                             : "non-tensor") +
             "; d1c takes tensors");
      auto *TT = I.mutable_type()->mutable_tensor_type();
      auto Override = Opts.InputShapes.find(I.name());
      if (Override != Opts.InputShapes.end()) {
        const auto &Dims = Override->second;
        if (TT->has_shape() && TT->shape().dim_size() != int(Dims.size()))
          fail("--shape " + escape(I.name()) + " has " + std::to_string(Dims.size()) +
               " dimensions; the input has " + std::to_string(TT->shape().dim_size()));
        TT->mutable_shape()->clear_dim();
        for (int64_t D : Dims)
          TT->mutable_shape()->add_dim()->set_dim_value(D);
      }
      if (!TT->has_shape())
        fail("input " + q(I.name()) + " has no shape: give one with --shape " + escape(I.name()) +
             "=...");
      for (int D = 0; D < TT->shape().dim_size(); ++D) {
        const auto &Dim = TT->shape().dim(D);
        if (!Dim.has_dim_value() || Dim.dim_value() < 0)
          fail("input " + q(I.name()) + " dimension " + std::to_string(D) + " is symbolic" +
               (Dim.has_dim_param() ? " (" + q(Dim.dim_param()) + ")" : std::string()) +
               ": fix it with --shape " + escape(I.name()) + "=" + [&] {
                 std::string S;
                 for (int K = 0; K < TT->shape().dim_size() && S.size() < 200; ++K)
                   S += (K ? "x" : "") + (TT->shape().dim(K).has_dim_value()
                                              ? std::to_string(TT->shape().dim(K).dim_value())
                                              : std::string("N"));
                 return S.size() < 200 ? S : S + "...";
               }());
      }
    }
    for (const auto &[Name, Dims] : Opts.InputShapes)
      if (!Known.count(Name))
        fail("--shape names " + q(Name) + ", which is not a graph input");

    // What ONNX's checker reads unguarded is validated first; the
    // initializers are read (and bounded) before it too.
    char *DirReal = ::realpath(Dir.empty() ? "." : Dir.c_str(), nullptr);
    if (!DirReal)
      fail("cannot resolve the model's directory: " + std::string(std::strerror(errno)));
    ModelDirReal = DirReal;
    std::free(DirReal);
    precheckGraph(G);
    for (const auto &F : Model.functions())
      precheckNodes(F.node());
    for (const auto &T : G.initializer())
      Consts[T.name()] = readTensor(T, "initializer " + q(T.name()));
    checkModel();

    // The function: inputs without initializers, in order.
    // Owned from the start, so that an error anywhere below frees it.
    OwningOpRef<ModuleOp> Owned =
        ModuleOp::create(FileLineColLoc::get(&Ctx, escapeControl(Path), 0, 0));
    ModuleOp Module = *Owned;
    // The machine every pass compiles for.
    Module->setAttr(TargetAttrName, TargetAttr::get(&Ctx, Opts.Target));
    std::vector<Type> ArgTypes;
    std::vector<std::string> ArgNames;
    for (const auto &I : G.input()) {
      if (Initialized.count(I.name()))
        continue;
      const auto &TT = I.type().tensor_type();
      int32_t ET = TT.elem_type();
      if (!isFloatType(ET) && !isIntType(ET))
        fail("input " + q(I.name()) + " is " + dtypeName(ET) +
             "; d1c computes FLOAT, BOOL and integer tensors (DOUBLE, FLOAT16 and BFLOAT16 as "
             "FLOAT)");
      Shape S;
      for (const auto &D : TT.shape().dim())
        S.push_back(D.dim_value());
      checkSize(S, bytesOf(elementType(ET)), "input " + q(I.name()));
      ArgTypes.push_back(RankedTensorType::get(S, elementType(ET)));
      ArgNames.push_back(I.name());
    }
    B.setInsertionPointToEnd(Module.getBody());
    auto Func = B.create<func::FuncOp>(Module.getLoc(), "main", B.getFunctionType(ArgTypes, {}));
    Block *Entry = Func.addEntryBlock();
    for (size_t K = 0; K < ArgNames.size(); ++K) {
      Values[ArgNames[K]] = Entry->getArgument(unsigned(K));
      Func.setArgAttr(unsigned(K), "d1.name", B.getStringAttr(ArgNames[K]));
    }
    B.setInsertionPointToStart(Entry);

    for (int K = 0; K < G.node_size(); ++K) {
      Node = &G.node(K);
      NodeIndex = K;
      // Escaped, as d1c prints it in one-line diagnostics, but whole: it
      // names the layer in profiles.
      Loc = NameLoc::get(B.getStringAttr(nodeName(std::string::npos) + " (" +
                                         escape(Node->op_type(), std::string::npos) + ")"),
                         FileLineColLoc::get(&Ctx, escapeControl(Path), unsigned(K + 1), 0));
      Operation *Before = Entry->empty() ? nullptr : &Entry->back();
      importNode();
      // The node's new ops must verify; their message names the node.
      std::string Why;
      {
        ScopedDiagnosticHandler Capture(&Ctx, [&](Diagnostic &D) {
          if (Why.empty())
            Why = D.str();
          return success();
        });
        Operation *First =
            Before ? Before->getNextNode() : (Entry->empty() ? nullptr : &Entry->front());
        // Every tensor the node made, intermediates too, is bounded (before
        // the verifiers compute with its shape).
        for (Operation *Op = First; Op; Op = Op->getNextNode())
          for (Type T : Op->getResultTypes())
            if (auto RT = dyn_cast<RankedTensorType>(T))
              checkSize(Shape(RT.getShape().begin(), RT.getShape().end()),
                        bytesOf(RT.getElementType()), "a value");
        for (Operation *Op = First; Op; Op = Op->getNextNode())
          if (failed(verify(Op))) {
            fail(Why);
          }
      }
    }
    Node = nullptr;

    std::vector<Value> Results;
    std::vector<Type> ResultTypes;
    Loc = Func.getLoc();
    for (const auto &O : G.output()) {
      Value V;
      if (Values.count(O.name()))
        V = Values[O.name()];
      else if (Consts.count(O.name()))
        V = Values[O.name()] = materialize(Consts[O.name()]);
      else
        fail("graph output " + q(O.name()) + " is not produced by any node");
      // Values of storage float types are computed in fp32; the output
      // takes the type the model declares.
      int32_t Declared = O.type().tensor_type().elem_type();
      if (isFloatType(Declared) && eltOf(V) != elementType(Declared) &&
          (eltOf(V).isF32() || isStorageFloat(eltOf(V))))
        V = castTo(eltOf(V).isF32() ? V : castTo(V, B.getF32Type()), elementType(Declared));
      Results.push_back(V);
      ResultTypes.push_back(V.getType());
    }
    B.create<func::ReturnOp>(Func.getLoc(), Results);
    Func.setFunctionType(B.getFunctionType(ArgTypes, ResultTypes));
    for (int K = 0; K < G.output_size(); ++K)
      Func.setResultAttr(unsigned(K), "d1.name", B.getStringAttr(G.output(K).name()));
    if (failed(verify(Module)))
      fail("internal error: the imported module does not verify");
    return Owned;
  } catch (const ImportError &E) {
    Err = E.Msg;
    return nullptr;
  }
}

} // namespace

bool d1::parseDims(const std::string &Text, std::vector<int64_t> &Dims) {
  Dims.clear();
  if (Text.empty() || Text.back() == 'x')
    return false;
  std::stringstream SS(Text);
  std::string Part;
  while (std::getline(SS, Part, 'x')) {
    int64_t V;
    if (!parseCount(Part, V))
      return false;
    Dims.push_back(V);
  }
  int64_t N;
  return !Dims.empty() && shapes::checkedNumElements(Dims, N);
}

OwningOpRef<ModuleOp> d1::importONNX(MLIRContext &Ctx, const std::string &Path,
                                     const ImportOptions &Opts, std::string &Err) {
  Importer I(Ctx, Path, Opts);
  return I.run(Err);
}
