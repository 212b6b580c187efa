//===- Importer.h - The ONNX importer's state and helpers -------*- C++ -*-===//
//
// Private to lib/Import: the Importer class, whose members are defined in
// the files of this folder by what they import (Model.cpp loads and checks
// the model and runs the import, Nodes.cpp dispatches each node, the
// family files build its ops), and the helpers they share (Support.cpp).
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
#ifndef D1_LIB_IMPORT_IMPORTER_H
#define D1_LIB_IMPORT_IMPORTER_H

#include "d1/Import/ONNXImporter.h"
#include "d1/Support/Escape.h"
#include "d1/Support/Shapes.h"
#include "d1/Support/TensorProto.h"
#include "d1/Target/Numerics.h"
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

namespace d1 {
struct RegisteredOperator;
}
namespace d1::import {
using d1::RegisteredOperator;

using namespace mlir;
using shapes::Shape;

/// How deep the messages of a serialized ModelProto nest, walked over the
/// wire format with the descriptors and an explicit stack (no recursion, so
/// any depth is safe); -1 if the bytes are not well formed.
int modelNesting(const uint8_t *Data, int Size);

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
int64_t toInt64(double V);
/// A shape for a message, cut short when a model gives thousands of
/// dimensions.
std::string shapeStr(const Shape &S);
bool isFloatType(int32_t T);
bool isIntType(int32_t T);
std::string dtypeName(int32_t T);
/// Reads little-endian element K of a raw buffer of ONNX type T.
double rawAt(const std::string &Raw, int32_t T, size_t K);
size_t elementSize(int32_t T);
/// The ONNX type of a compiler element type (the inverse of elementType).
int32_t onnxType(Type T);
/// S as a decimal count: digits only (no sign, space or base prefix), at
/// most INT64_MAX.
bool parseCount(const std::string &S, int64_t &V);

/// The flat index into In (broadcast to Out) of Out's element Flat.
int64_t broadcastIndex(const Shape &Out, const Shape &In, int64_t Flat);
/// The integer V (two's complement bits) wrapped to the width of ONNX type
/// T, as the generated code stores it: sign-extended for signed types,
/// zero-extended for unsigned ones, 0 or 1 for bool.
int64_t wrapTo(int32_t T, uint64_t V);
bool isUnsignedType(int32_t T);
/// C as ONNX type To (FLOAT for every float type), converted as the
/// generated code converts: the one semantics of Cast, folded or not.
Const convertConst(Const C, int32_t To);
/// Copies a strided selection of a constant (used by Slice, Gather, Transpose).
Const gatherConst(const Const &C, const Shape &OutDims,
                  const std::function<int64_t(const std::vector<int64_t> &)> &SourceIndex);
std::vector<int64_t> stridesOf(const Shape &S);

/// What Importer::fail returns, having recorded the error: it converts to
/// the failure value of every builder and helper (failure(), a null Value,
/// an empty FailureOr or optional), so that `return fail(...)` fits any of
/// them.
struct [[nodiscard]] Failed {
  operator LogicalResult() const { return failure(); }
  operator Value() const { return {}; }
  template <class T> operator FailureOr<T>() const { return failure(); }
  template <class T> operator std::optional<T>() const { return std::nullopt; }
};

/// The importer: the model being read, the graph being built, and the node
/// API the builders of every operator family use (lib/Import is its only
/// user, so the API is public to the family files).
///
/// Errors follow MLIR's idiom, not exceptions: a failing step records a
/// one-line message with fail() and returns its failure value (failure(),
/// a null Value, an empty FailureOr); its caller returns at once. The first
/// message recorded is the one reported. The value builders below (bin,
/// un, reshape, castTo, ...) given a null operand return null without a new
/// message, so a chain of them needs one check at its end; setOutput of a
/// null value fails.
class Importer {
public:
  Importer(MLIRContext &Ctx, const std::string &Path, const ImportOptions &Opts)
      : Ctx(Ctx), B(&Ctx), Path(Path), Opts(Opts) {}
  OwningOpRef<ModuleOp> run(std::string &Err);

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
  /// The first error recorded.
  std::optional<std::string> Error;

  /// Records the one-line error (unless one is recorded already) and
  /// returns the failure value. Model strings in Msg go through escape();
  /// escapeControl() guards the line against any that did not.
  Failed fail(const std::string &Msg) {
    if (!Error)
      Error = Node
                  ? escapeControl(Path + ": node '" + nodeName() + "' (" + escape(Node->op_type()) +
                                  ", opset " + std::to_string(Opset) + "): " + Msg)
                  : escapeControl(Path + ": " + Msg);
    return Failed();
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
  LogicalResult checkSize(const Shape &S, int64_t EltBytes, const std::string &What);
  /// checkSize, and at most MaxComputedElements elements or no more than
  /// From (the largest constant the new one is computed from): what the
  /// importer may compute and hold on the host.
  LogicalResult checkComputed(const Shape &S, int32_t DType, const std::string &What,
                              int64_t From = 0);
  /// Fails if a node would unroll into more than MaxUnrolled pieces.
  LogicalResult checkUnroll(int64_t Count, const std::string &What) {
    if (Count > MaxUnrolled)
      return fail(What + " would unroll into " + std::to_string(Count) +
                  " pieces, more than d1c builds (" + std::to_string(MaxUnrolled) + ")");
    return success();
  }
  /// A + B and A * B of sizes or attributes; overflow fails naming What.
  FailureOr<int64_t> addOrFail(int64_t A, int64_t B, const char *What) {
    int64_t R;
    if (__builtin_add_overflow(A, B, &R))
      return fail(std::string(What) + " overflows 64 bits");
    return R;
  }
  FailureOr<int64_t> mulOrFail(int64_t A, int64_t B, const char *What) {
    int64_t R;
    if (__builtin_mul_overflow(A, B, &R))
      return fail(std::string(What) + " overflows 64 bits");
    return R;
  }
  /// Kernel, stride, dilation and pad values of a window op: kernel,
  /// strides and dilations >= 1 (each list of NS values, or absent), pads
  /// >= 0 (2 * NS), none above 2^31.
  LogicalResult checkWindowAttrs(size_t NS, const std::vector<int64_t> &Kernel,
                                 const std::vector<int64_t> &Strides,
                                 const std::vector<int64_t> &Dil, const std::vector<int64_t> &Pads);

  // Tensor protos and constants.
  FailureOr<Const> readTensor(const onnx::TensorProto &T, const std::string &What);
  /// An external data reference whose location, offset and length are
  /// valid: File is the real path of a regular file inside the model's
  /// directory, Shown the path to name in messages.
  struct ExternalRef {
    std::string File, Shown;
    int64_t Offset = 0, Length = -1;
  };
  FailureOr<ExternalRef> externalRef(const onnx::TensorProto &T, const std::string &What);
  /// The Bytes bytes of T's external data (a different length fails before
  /// anything is read).
  FailureOr<std::string> externalData(const onnx::TensorProto &T, const std::string &What,
                                      const Shape &Dims, size_t Bytes);
  /// Before ONNX's checker: refuses what it reads without checks (sparse
  /// tensors, tensor dimensions whose product overflows, external data
  /// outside the model's directory) or reports on stderr (experimental
  /// operators), in G and its subgraphs.
  LogicalResult precheckGraph(const onnx::GraphProto &G);
  LogicalResult precheckNodes(const google::protobuf::RepeatedPtrField<onnx::NodeProto> &Nodes);
  LogicalResult precheckTensor(const onnx::TensorProto &T, const std::string &What);
  /// The newest opset of the default domain d1c reads.
  static constexpr int64_t MaxOpset = 21;
  /// The newest opset libonnx's checker knows (17 for Debian's libonnx
  /// 1.12); a newer model is not given to the checker, and Unchecked is set.
  static int64_t checkerOpset();
  bool Unchecked = false;
  /// Protobuf's default limit on message nesting.
  static constexpr int ProtobufNesting = 100;
  /// ONNX's checker on Model, with external data looked up next to the
  /// model (check_model(ModelProto) without a directory looks in the
  /// current one; the path form re-reads the file).
  LogicalResult checkModel();
  std::string ModelDirReal; // realpath of the model's directory
  /// Reads, parses and checks the model file into Model (run's first half):
  /// a binary ModelProto, or ONNX's text format if the name ends in
  /// `.onnxtxt` (lit tests write their models so).
  LogicalResult loadModel();
  /// Parses ONNX's text format into Model.
  LogicalResult parseText(const std::string &Text);
  /// The checks and input shapes once Model is read, binary or text.
  LogicalResult loadedModel();
  /// The main function's body from the graph's nodes (run's second half).
  LogicalResult importGraph(ModuleOp Module);

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
  FailureOr<std::vector<int64_t>> intsAttr(const std::string &Name, int64_t Default, size_t Count) {
    std::vector<int64_t> V = intsAttr(Name);
    if (V.empty())
      V.assign(Count, Default);
    if (V.size() != Count)
      return fail(escape(Name) + " needs " + std::to_string(Count) + " values");
    return V;
  }
  /// V restricted to [From, To) along Axis.
  Value sliceAlong(Value V, int64_t Axis, int64_t From, int64_t To) {
    if (!V)
      return {};
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
  LogicalResult resolveAutoPad(const Shape &In, const std::vector<int64_t> &Kernel,
                               const std::vector<int64_t> &Strides, const std::vector<int64_t> &Dil,
                               std::vector<int64_t> &Pads) {
    size_t NS = Kernel.size();
    if (In.size() != 2 + NS || Strides.size() != NS || Dil.size() != NS || Pads.size() != 2 * NS)
      return fail("kernel_shape, strides, dilations and pads must have " + std::to_string(NS) +
                  ", " + std::to_string(NS) + ", " + std::to_string(NS) + " and " +
                  std::to_string(2 * NS) + " values for input " + shapeStr(In));
    std::string AutoPad = stringAttr("auto_pad", "NOTSET");
    if (AutoPad == "SAME_UPPER" || AutoPad == "SAME_LOWER") {
      for (size_t D = 0; D < NS; ++D)
        shapes::autoPad(In[2 + D], Kernel[D], Strides[D], Dil[D], AutoPad == "SAME_UPPER", Pads[D],
                        Pads[D + NS]);
    } else if (AutoPad == "VALID") {
      Pads.assign(2 * NS, 0);
    } else if (AutoPad != "NOTSET") {
      return fail("auto_pad " + q(AutoPad) + " is not supported");
    }
    return success();
  }
  /// Attributes that this importer does not read must not be set.
  LogicalResult onlyAttrs(std::initializer_list<const char *> Known);

  // Inputs and outputs of the current node.
  size_t numInputs() const {
    size_t N = size_t(Node->input_size());
    while (N && Node->input(int(N - 1)).empty())
      --N;
    return N;
  }
  bool hasInput(int K) const { return K < Node->input_size() && !Node->input(K).empty(); }
  bool isConst(int K) const { return hasInput(K) && Consts.count(Node->input(K)); }
  /// Constant input K, or null (after the error) if it is missing or not
  /// a constant.
  const Const *constInput(int K, const char *What) {
    if (!hasInput(K)) {
      (void)fail(std::string("missing ") + What);
      return nullptr;
    }
    auto It = Consts.find(Node->input(K));
    if (It == Consts.end()) {
      (void)fail(std::string(What) + " " + q(Node->input(K)) + " must be a constant");
      return nullptr;
    }
    return &It->second;
  }
  /// The first element of constant input K (a scalar parameter).
  FailureOr<double> constScalar(int K, const char *What) {
    const Const *C = constInput(K, What);
    if (!C)
      return failure();
    if (C->size() < 1)
      return fail(std::string(What) + " is empty");
    return C->at(0);
  }
  FailureOr<std::vector<int64_t>> constInts(int K, const char *What) {
    const Const *C = constInput(K, What);
    if (!C)
      return failure();
    if (C->isFloat())
      return fail(std::string(What) + " must be integers");
    return C->I;
  }
  /// Input K as a value (a constant is materialized); null after the
  /// error if it is missing or undefined.
  Value input(int K);
  /// Input K as an fp32 tensor; integer constants are converted, anything
  /// else that is not fp32 is an error.
  Value floatInput(int K);
  /// The shape of a value (which must not be null).
  Shape shapeOf(Value V) {
    assert(V && "the shape of a failed value");
    auto T = cast<RankedTensorType>(V.getType());
    return Shape(T.getShape().begin(), T.getShape().end());
  }
  FailureOr<Shape> inputShape(int K) {
    if (isConst(K))
      return Consts[Node->input(K)].Dims;
    Value V = input(K);
    if (!V)
      return failure();
    return shapeOf(V);
  }
  /// Output K is V: fails if V is null (its error is recorded) or too large.
  LogicalResult setOutput(int K, Value V);
  LogicalResult setConst(int K, Const C);

  Value materialize(const Const &C);
  // Building blocks for ops and their decompositions. Each returns null,
  // without a message of its own, when an operand is null.
  static Type eltOf(Value V) { return cast<RankedTensorType>(V.getType()).getElementType(); }
  /// Bytes of one element of E (bool as one byte).
  static int64_t bytesOf(Type E) { return std::max<int64_t>(1, E.getIntOrFloatBitWidth() / 8); }
  /// A constant of shape S filled with V, held as a splat attribute (no
  /// buffer of S's size on the host).
  Value splat(const Shape &S, Type E, double V);
  FailureOr<Shape> broadcastShape(Value A, Value X) {
    Shape Out;
    std::string E = shapes::broadcast(shapeOf(A), shapeOf(X), Out);
    if (!E.empty())
      return fail(E);
    return Out;
  }
  /// A binary elementwise op of A's element type.
  template <class OpT> Value bin(Value A, Value X) {
    if (!A || !X)
      return {};
    if (eltOf(A) != eltOf(X))
      return fail("operands have different element types");
    FailureOr<Shape> S = broadcastShape(A, X);
    if (failed(S))
      return {};
    return B.create<OpT>(Loc, RankedTensorType::get(*S, eltOf(A)), A, X);
  }
  template <class OpT> Value un(Value A) {
    if (!A)
      return {};
    return B.create<OpT>(Loc, A.getType(), A);
  }
  Value compare(graph::ComparePredicate P, Value A, Value X) {
    if (!A || !X)
      return {};
    if (eltOf(A) != eltOf(X))
      return fail("operands have different element types");
    FailureOr<Shape> S = broadcastShape(A, X);
    if (failed(S))
      return {};
    return B.create<graph::CompareOp>(Loc, RankedTensorType::get(*S, B.getI1Type()),
                                      graph::ComparePredicateAttr::get(&Ctx, P), A, X);
  }
  Value where(Value C, Value X, Value Y) {
    if (!C || !X || !Y)
      return {};
    if (eltOf(X) != eltOf(Y))
      return fail("x and y have different element types");
    Shape XY, Out;
    std::string E = shapes::broadcast(shapeOf(X), shapeOf(Y), XY);
    if (E.empty())
      E = shapes::broadcast(shapeOf(C), XY, Out);
    if (!E.empty())
      return fail(E);
    return B.create<graph::WhereOp>(Loc, RankedTensorType::get(Out, eltOf(X)), C, X, Y);
  }
  static bool isStorageFloat(Type T) { return T.isF64() || T.isF16() || T.isBF16(); }
  Value castTo(Value V, Type E) {
    if (!V)
      return {};
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
  /// Null (after the error) if one of them is missing.
  Type operandType(llvm::ArrayRef<int> Ks, bool Compute = true) {
    Value First = input(Ks.front());
    if (!First)
      return {};
    Type T = eltOf(First);
    for (int K : Ks)
      if (!isConst(K)) {
        Value V = input(K);
        if (!V)
          return {};
        T = eltOf(V);
        break;
      }
    return Compute && isStorageFloat(T) ? Type(B.getF32Type()) : T;
  }
  /// Before opset 7, binary ops broadcast the second operand only when the
  /// `broadcast` attribute is set, aligned at `axis` (default: trailing).
  Value legacyBroadcast(Value A, Value X) {
    if (!A || !X)
      return {};
    if (Opset >= 7 || !intAttr("broadcast", 0))
      return X;
    Shape AS = shapeOf(A), XS = shapeOf(X);
    int64_t Axis = intAttr("axis", int64_t(AS.size()) - int64_t(XS.size()));
    if (Axis < 0)
      Axis += int64_t(AS.size());
    if (Axis < 0 || Axis + XS.size() > AS.size())
      return fail("cannot broadcast " + shapeStr(XS) + " to " + shapeStr(AS) + " at axis " +
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
    if (!X)
      return {};
    Shape Out;
    std::string E = shapes::broadcast(shapeOf(X), S, Out);
    if (!E.empty())
      return fail(E);
    if (Out == shapeOf(X))
      return X;
    if (failed(checkSize(Out, bytesOf(eltOf(X)), "the broadcast result")))
      return {};
    return where(splat(Out, B.getI1Type(), 1.0), X, X);
  }
  /// NegativeLogLikelihoodLoss of log-probabilities [N, C, ...] at targets.
  Value nllLoss(Value LogProb, Value Target, Value Weight, std::optional<int64_t> Ignore,
                const std::string &Reduction);
  RankedTensorType f32(const Shape &S) { return RankedTensorType::get(S, Float32Type::get(&Ctx)); }
  Type elementType(int32_t T);
  /// Pads (begin values for every axis, then end values; negative crops) in
  /// mode constant (with Fill), edge, reflect or wrap: concatenations of
  /// constant blocks, gathered edge elements or slices of the far end.
  Value pad(Value X, const std::vector<int64_t> &Pads, const std::string &Mode, double Fill);
  /// Stride - 1 zeros after each element along Axis (but the last).
  Value interleaveZeros(Value X, int64_t Axis, int64_t Stride);
  /// A 1D or 2D Conv of the current node's attributes on the given values.
  Value buildConv(Value X, Value W, Value Bias);
  /// round(x) + zero point, saturated to the zero point's type (uint8 when
  /// ZeroPoint is null) and converted to it.
  Value quantize(Value Real, Value ZeroPoint);
  /// fp32 of an integer tensor minus a zero point (per-axis zero points are
  /// aligned to Axis of X).
  Value dequantize(Value X, Value ZeroPoint, int64_t Axis);
  Value perAxis(Value V, const Shape &Like, int64_t Axis);
  /// V with its axes permuted (result axis i is V's axis Perm[i]).
  Value transpose(Value V, const std::vector<int64_t> &Perm) {
    if (!V)
      return {};
    Shape In = shapeOf(V), Out;
    for (int64_t D : Perm)
      Out.push_back(In[size_t(D)]);
    return B
        .create<graph::TransposeOp>(Loc, RankedTensorType::get(Out, eltOf(V)), V,
                                    B.getDenseI64ArrayAttr(Perm))
        .getResult();
  }
  Value reshape(Value V, const Shape &S) {
    if (!V)
      return {};
    if (shapeOf(V) == S)
      return V;
    auto T = RankedTensorType::get(S, cast<RankedTensorType>(V.getType()).getElementType());
    return B.create<graph::ReshapeOp>(Loc, T, V);
  }

  // The nodes.
  /// Imports the current node: folded on the host if its inputs are
  /// constants and Fold.cpp computes it, else built by its registered
  /// builder (Registry.cpp).
  LogicalResult importNode();
  /// Computes the node on the host when its inputs are all constants and
  /// it is one Fold.cpp computes: true if it did.
  FailureOr<bool> fold();

  // The builders, one per ONNX operator and opset range, and the helpers a
  // family's builders share, declared from the families' lists
  // (Operators.def).
#define D1_ONNX_OP(OpType, SinceOpset, Builder) LogicalResult Builder();
#define D1_ONNX_FOLD(OpType, Folder) FailureOr<bool> Folder();
#define D1_IMPORT_HELPER(...) __VA_ARGS__;
#include "Operators.def"
};

} // namespace d1::import

#endif
