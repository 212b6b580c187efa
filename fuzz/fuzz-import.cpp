//===- fuzz-import.cpp - ONNX model bytes through the whole compiler -------===//
//
// Input: a serialized ONNX ModelProto (at most 64 KiB). The model is written
// to a scratch file, imported with d1::importONNX and compiled to a .d1x in
// process with the passes and options of tools/d1c/d1c.cpp; the binary must
// then load (D1XFile::fromBuffer, debug info checked) and disassemble. The
// model's model_version field selects d1c's switches (-O0, bf16, the
// --disable-* flags), so mutations reach every lowering.
//
// Built twice: fuzz-import has a structure-aware mutator (ProtoMutator on
// the parsed ModelProto, with ONNX's operator schemas for op types and
// attributes; inputs that do not parse are mutated as bytes) and a crossover
// that grafts one model's nodes onto another; fuzz-import-bytes
// (D1_FUZZ_BYTES) leaves mutation to libFuzzer.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"
#include "ProtoMutator.h"

#include "d1/Asm/Assembler.h"
#include "d1/Codegen/Emitter.h"
#include "d1/Import/ONNXImporter.h"
#include "d1/Pipelines/Pipelines.h"
#include "dialects/Graph/IR/Graph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

#include <cstring>
#include <map>
#include <set>
#include <type_traits>

using namespace d1fuzz;

namespace {

constexpr size_t MaxInputBytes = 64 << 10;
/// Elements of one tensor (an input's declared shape, an initializer, a
/// constant attribute): larger models are skipped, not compiled.
constexpr uint64_t MaxTensorElements = uint64_t(1) << 22;
constexpr uint64_t MaxTensorBytes = MaxTensorElements * 8;

// ImportOptions::MaxTensorBytes, where the importer has it: the bound on the
// tensors it folds at compile time.
template <typename T> auto setMaxTensorBytes(T &O, int) -> decltype(O.MaxTensorBytes = 0, void()) {
  O.MaxTensorBytes = MaxTensorBytes;
}
template <typename T> void setMaxTensorBytes(T &, long) {}

/// Elements of a shape; UINT64_MAX when it overflows or a dim is negative.
uint64_t elements(const google::protobuf::RepeatedField<int64_t> &Dims) {
  uint64_t N = 1;
  for (int64_t D : Dims) {
    if (D < 0 || (D > 0 && N > UINT64_MAX / uint64_t(D)))
      return UINT64_MAX;
    N *= uint64_t(D);
  }
  return N;
}

bool tensorsSmall(const onnx::GraphProto &G, int Depth);

bool attributesSmall(const onnx::NodeProto &N, int Depth) {
  for (const auto &A : N.attribute()) {
    if (A.has_t() && elements(A.t().dims()) > MaxTensorElements)
      return false;
    for (const auto &T : A.tensors())
      if (elements(T.dims()) > MaxTensorElements)
        return false;
    if (A.has_g() && !tensorsSmall(A.g(), Depth + 1))
      return false;
    for (const auto &G : A.graphs())
      if (!tensorsSmall(G, Depth + 1))
        return false;
  }
  return true;
}

bool tensorsSmall(const onnx::GraphProto &G, int Depth) {
  if (Depth > 8)
    return false;
  for (const auto &T : G.initializer())
    if (elements(T.dims()) > MaxTensorElements)
      return false;
  for (const auto &N : G.node())
    if (!attributesSmall(N, Depth))
      return false;
  return true;
}

/// Whether every string field of M (names, op types, ...) is UTF-8. ONNX's
/// proto2 strings may hold any bytes; the .d1x header's proto3 strings may
/// not, so a name that is not UTF-8 breaks the binary (fuzz/findings).
bool stringsUtf8(const google::protobuf::Message &M, int Depth) {
  const auto *R = M.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor *> Fields;
  R->ListFields(M, &Fields);
  for (const auto *F : Fields) {
    if (F->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      int N = F->is_repeated() ? R->FieldSize(M, F) : 1;
      for (int K = 0; K < N; ++K) {
        std::string S = F->is_repeated() ? R->GetRepeatedString(M, F, K) : R->GetString(M, F);
        if (!llvm::json::isUTF8(S))
          return false;
      }
    } else if (F->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE && Depth < 16) {
      int N = F->is_repeated() ? R->FieldSize(M, F) : 1;
      for (int K = 0; K < N; ++K)
        if (!stringsUtf8(F->is_repeated() ? R->GetRepeatedMessage(M, F, K) : R->GetMessage(M, F),
                         Depth + 1))
          return false;
    }
  }
  return true;
}

/// d1c's switches, from the low bits of model_version.
struct Switches {
  bool O0, Bf16, NoFusion, NoDepthFirst, NoResidency, NoTables, NoScheduling, NoSramReuse,
      NoDramReuse;
  explicit Switches(int64_t V)
      : O0(V & 1), Bf16(V & 2), NoFusion(V & 4), NoDepthFirst(V & 8), NoResidency(V & 16),
        NoTables(V & 32), NoScheduling(V & 64), NoSramReuse(V & 128), NoDramReuse(V & 256) {}
};

/// What d1c does after importing: the same pipeline (d1/Pipelines), with
/// the switches as d1c's flags set them.
void compile(mlir::MLIRContext &Ctx, mlir::OwningOpRef<mlir::ModuleOp> &Module, const Switches &S,
             bool Utf8) {
  d1::D1PipelineOptions O;
  O.OptLevel = S.O0 ? 0 : 2;
  O.Precision = S.Bf16 ? "bf16" : "fp32";
  O.DisableFusion = S.NoFusion;
  O.DisableDepthFirst = S.NoDepthFirst;
  O.DisableSramResidency = S.NoResidency;
  O.DisableActivationTables = S.NoTables;
  O.DisableScheduling = S.NoScheduling;
  O.DisableSramReuse = S.NoSramReuse;
  O.DisableDramReuse = S.NoDramReuse;
  mlir::PassManager PM(&Ctx);
  d1::buildD1Pipeline(PM, O);
  if (mlir::failed(PM.run(*Module)))
    return;

  d1::D1XWriter W;
  std::string Err;
  if (!d1::emitBinary(*Module, W, Err)) {
    if (verbose())
      llvm::errs() << "emit: " << Err << "\n";
    return;
  }
  // d1c --emit=asm loads what it emitted: a binary the loader rejects is a
  // compiler bug.
  auto F = d1::D1XFile::fromBuffer(W.serialize(), "fuzz.d1x", Err);
  if (!F) {
    invariant(Utf8 ? "compiled-loads" : "compiled-loads-nonutf8",
              "the compiled binary does not load", Err);
    return;
  }
  if (!F->validateDebug(Err))
    invariant(Utf8 ? "compiled-debug" : "compiled-debug-nonutf8",
              "the compiled binary's debug info is malformed", Err);
  if (d1::disassemble(*F, true).empty())
    invariant("compiled-disasm", "the compiled binary disassembles to nothing", "");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  quietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size > MaxInputBytes)
    return -1;
  d1::ImportOptions Opts;
  setMaxTensorBytes(Opts, 0);
  int64_t Version = 0;
  bool Utf8 = true;
  {
    // Size limits and the switches need the model: parse it once here (the
    // importer parses it again from the file).
    onnx::ModelProto M;
    if (M.ParseFromArray(Data, int(Size))) {
      if (!tensorsSmall(M.graph(), 0))
        return -1;
      for (const auto &I : M.graph().input()) {
        if (!I.type().tensor_type().has_shape())
          continue;
        // Symbolic dimensions become 1, as --shape would fix them.
        std::vector<int64_t> Dims;
        bool Symbolic = false;
        for (const auto &D : I.type().tensor_type().shape().dim()) {
          Symbolic |= !D.has_dim_value();
          Dims.push_back(D.has_dim_value() ? D.dim_value() : 1);
        }
        google::protobuf::RepeatedField<int64_t> R(Dims.begin(), Dims.end());
        if (elements(R) > MaxTensorElements)
          return -1;
        if (Symbolic)
          Opts.InputShapes[I.name()] = Dims;
      }
      Version = M.model_version();
      Utf8 = stringsUtf8(M, 0);
    }
  }
  std::string Path = writeScratch("model.onnx", Data, Size);

  mlir::MLIRContext Ctx(mlir::MLIRContext::Threading::DISABLED);
  Ctx.loadDialect<d1::graph::GraphDialect, mlir::func::FuncDialect>();
  mlir::ScopedDiagnosticHandler Diags(&Ctx, [](mlir::Diagnostic &D) {
    if (verbose() && D.getSeverity() == mlir::DiagnosticSeverity::Error)
      llvm::errs() << "error: " << D.str() << "\n";
    return mlir::success();
  });
  std::string Err;
  auto Module = d1::importONNX(Ctx, Path, Opts, Err);
  if (!Module) {
    if (verbose())
      llvm::errs() << "import: " << Err << "\n";
    return 0;
  }
  compile(Ctx, Module, Switches(Version), Utf8);
  return 0;
}

#ifndef D1_FUZZ_BYTES

namespace {

const std::vector<std::string> &opTypes() {
  static const std::vector<std::string> Ops = [] {
    std::set<std::string> S;
    for (const auto &Schema : onnx::OpSchemaRegistry::get_all_schemas())
      if (Schema.domain().empty())
        S.insert(Schema.Name());
    return std::vector<std::string>(S.begin(), S.end());
  }();
  return Ops;
}

const onnx::OpSchema *schemaOf(const onnx::NodeProto &N) {
  if (!N.domain().empty() && N.domain() != "ai.onnx")
    return nullptr;
  return onnx::OpSchemaRegistry::Schema(N.op_type(), "");
}

/// Values of string attributes across the operators (modes, padding, ...).
const std::vector<std::string> &stringAttrValues() {
  static const std::vector<std::string> V = [] {
    std::vector<std::string> Out = {""};
    std::string Words = "NOTSET SAME_UPPER SAME_LOWER VALID constant reflect edge wrap nearest "
                        "linear cubic none sum mean max min add mul Tanh Relu Sigmoid tanh "
                        "half_pixel asymmetric align_corners pytorch_half_pixel "
                        "tf_crop_and_resize round_prefer_floor round_prefer_ceil floor ceil DCR "
                        "CRD left right forward reverse bidirectional x";
    for (size_t Pos = 0, End; Pos < Words.size(); Pos = End + 1) {
      End = std::min(Words.find(' ', Pos), Words.size());
      Out.push_back(Words.substr(Pos, End - Pos));
    }
    return Out;
  }();
  return V;
}
const char *const Domains[] = {"", "ai.onnx", "ai.onnx.ml", "com.microsoft", "x"};

const std::string &pick(ProtoMutator &PM, const std::vector<std::string> &V) {
  return V[PM.below(V.size())];
}

/// Every value name the model mentions: node inputs and outputs, graph
/// inputs, outputs and initializers (subgraphs included).
void valueNames(const onnx::GraphProto &G, std::vector<std::string> &Out, int Depth) {
  if (Depth > 4)
    return;
  for (const auto &V : G.input())
    Out.push_back(V.name());
  for (const auto &V : G.output())
    Out.push_back(V.name());
  for (const auto &T : G.initializer())
    Out.push_back(T.name());
  for (const auto &N : G.node()) {
    Out.insert(Out.end(), N.input().begin(), N.input().end());
    Out.insert(Out.end(), N.output().begin(), N.output().end());
    for (const auto &A : N.attribute())
      if (A.has_g())
        valueNames(A.g(), Out, Depth + 1);
  }
}

/// An attribute of the schema's type, with a value of the usual range.
void fillAttribute(ProtoMutator &PM, const onnx::OpSchema::Attribute &S, onnx::AttributeProto &A) {
  A.Clear();
  A.set_name(S.name);
  A.set_type(S.type);
  auto SmallInt = [&] { return PM.oneIn(4) ? PM.interestingInt() : int64_t(PM.below(8)) - 2; };
  int Count = int(PM.below(5));
  switch (S.type) {
  case onnx::AttributeProto::FLOAT:
    A.set_f(float(PM.interestingFloat()));
    break;
  case onnx::AttributeProto::INT:
    A.set_i(SmallInt());
    break;
  case onnx::AttributeProto::STRING:
    A.set_s(pick(PM, stringAttrValues()));
    break;
  case onnx::AttributeProto::FLOATS:
    for (int K = 0; K < Count; ++K)
      A.add_floats(float(PM.interestingFloat()));
    break;
  case onnx::AttributeProto::INTS:
    for (int K = 0; K < Count; ++K)
      A.add_ints(SmallInt());
    break;
  case onnx::AttributeProto::STRINGS:
    for (int K = 0; K < Count; ++K)
      A.add_strings(pick(PM, stringAttrValues()));
    break;
  case onnx::AttributeProto::TENSOR: {
    onnx::TensorProto &T = *A.mutable_t();
    T.set_data_type(PM.oneIn(2) ? onnx::TensorProto::FLOAT : onnx::TensorProto::INT64);
    if (!PM.oneIn(3))
      T.add_dims(Count);
    for (int K = 0; K < (T.dims_size() ? Count : 1); ++K)
      T.data_type() == onnx::TensorProto::FLOAT ? T.add_float_data(float(PM.interestingFloat()))
                                                : T.add_int64_data(SmallInt());
    break;
  }
  default:
    break;
  }
}

/// Appends a node of a random operator reading existing values; its first
/// output may become a graph output.
void addNode(ProtoMutator &PM, onnx::GraphProto &G, const std::vector<std::string> &Names) {
  const auto &Ops = opTypes();
  onnx::NodeProto N;
  N.set_op_type(Ops[PM.below(Ops.size())]);
  const onnx::OpSchema *S = schemaOf(N);
  int Ins = S ? std::min(S->min_input() + int(PM.below(2)), std::min(S->max_input(), 4))
              : int(PM.below(3));
  int Outs = S ? std::max(1, std::min(S->min_output(), 3)) : 1;
  for (int K = 0; K < Ins; ++K)
    N.add_input(Names.empty() ? "x" : Names[PM.below(Names.size())]);
  for (int K = 0; K < Outs; ++K)
    N.add_output("fz" + std::to_string(PM.below(1 << 20)));
  if (S)
    for (const auto &[Name, A] : S->attributes())
      if (A.required || PM.oneIn(4))
        fillAttribute(PM, A, *N.add_attribute());
  onnx::NodeProto *New = G.add_node();
  *New = N;
  for (int K = G.node_size() - 1; K > 0 && PM.oneIn(2); --K)
    G.mutable_node()->SwapElements(K, K - 1);
  if (PM.oneIn(2)) {
    onnx::ValueInfoProto *O = G.add_output();
    if (G.output_size() > 1)
      *O->mutable_type() = G.output(0).type();
    else
      O->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    O->set_name(N.output(0));
  }
}

void setupMutator(ProtoMutator &PM, onnx::ModelProto &M, std::vector<std::string> &Names) {
  valueNames(M.graph(), Names, 0);
  auto Is = [](const google::protobuf::Message *Msg, const google::protobuf::Descriptor *D) {
    return Msg && Msg->GetDescriptor() == D;
  };
  PM.Skip = [](const google::protobuf::FieldDescriptor *F) {
    return F->name() == "doc_string" || F->name() == "metadata_props";
  };
  PM.StringHook = [&PM, &Names, Is](const FieldRef &F, int, std::string &V) {
    const std::string &Field = F.Field->name();
    if (Is(F.Msg, onnx::NodeProto::descriptor())) {
      if (Field == "op_type") {
        const auto &Ops = opTypes();
        V = Ops[PM.below(Ops.size())];
        return true;
      }
      if (Field == "input" || Field == "output") {
        if (Field == "input" && PM.oneIn(8))
          V.clear(); // an omitted optional input
        else if (!Names.empty() && !PM.oneIn(8))
          V = Names[PM.below(Names.size())];
        else
          V = "fz" + std::to_string(PM.below(1 << 20));
        return true;
      }
    }
    if (Field == "domain") {
      V = Domains[PM.below(std::size(Domains))];
      return true;
    }
    if (Is(F.Msg, onnx::AttributeProto::descriptor())) {
      if (Field == "name" && Is(F.Parent, onnx::NodeProto::descriptor())) {
        const auto *S = schemaOf(*static_cast<const onnx::NodeProto *>(F.Parent));
        if (!S || S->attributes().empty())
          return false;
        auto It = S->attributes().begin();
        std::advance(It, PM.below(S->attributes().size()));
        V = It->first;
        return true;
      }
      if (Field == "s" || Field == "strings") {
        V = pick(PM, stringAttrValues());
        return true;
      }
    }
    if ((Is(F.Msg, onnx::ValueInfoProto::descriptor()) ||
         Is(F.Msg, onnx::TensorProto::descriptor())) &&
        Field == "name" && !Names.empty()) {
      V = Names[PM.below(Names.size())];
      return true;
    }
    return false;
  };
  PM.IntHook = [&PM, Is](const FieldRef &F, int64_t &V) {
    const std::string &Field = F.Field->name();
    if (Is(F.Msg, onnx::OperatorSetIdProto::descriptor()) && Field == "version") {
      V = 1 + int64_t(PM.below(18));
      return true;
    }
    if (Is(F.Msg, onnx::ModelProto::descriptor()) && Field == "model_version") {
      V = int64_t(PM.below(512)); // the switches
      return true;
    }
    if ((Is(F.Msg, onnx::TensorShapeProto_Dimension::descriptor()) && Field == "dim_value") ||
        (Is(F.Msg, onnx::TensorProto::descriptor()) && Field == "dims")) {
      V = PM.oneIn(8) ? int64_t(16) << PM.below(4) : int64_t(PM.below(9));
      return true;
    }
    if ((Is(F.Msg, onnx::TensorProto::descriptor()) && Field == "data_type") ||
        (Is(F.Msg, onnx::TypeProto_Tensor::descriptor()) && Field == "elem_type")) {
      V = int64_t(PM.below(17));
      return true;
    }
    if (Is(F.Msg, onnx::AttributeProto::descriptor()) && (Field == "i" || Field == "ints")) {
      V = int64_t(PM.below(10)) - 3;
      return true;
    }
    return false;
  };
  PM.MessageHook = [&PM, &Names, Is](const FieldRef &F) {
    if (Is(F.Msg, onnx::GraphProto::descriptor()) && F.Field->name() == "node") {
      addNode(PM, *static_cast<onnx::GraphProto *>(F.Msg), Names);
      return true;
    }
    if (Is(F.Msg, onnx::NodeProto::descriptor()) && F.Field->name() == "attribute") {
      auto &N = *static_cast<onnx::NodeProto *>(F.Msg);
      const auto *S = schemaOf(N);
      if (!S || S->attributes().empty())
        return false;
      auto It = S->attributes().begin();
      std::advance(It, PM.below(S->attributes().size()));
      onnx::AttributeProto *A = nullptr;
      for (auto &Old : *N.mutable_attribute())
        if (Old.name() == It->first)
          A = &Old;
      fillAttribute(PM, It->second, A ? *A : *N.add_attribute());
      return true;
    }
    return false;
  };
}

size_t emit(const onnx::ModelProto &M, uint8_t *Data, size_t MaxSize) {
  std::string Out;
  if (!M.SerializeToString(&Out) || Out.size() > MaxSize)
    return 0;
  std::memcpy(Data, Out.data(), Out.size());
  return Out.size();
}

} // namespace

extern "C" size_t LLVMFuzzerMutate(uint8_t *Data, size_t Size, size_t MaxSize);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *Data, size_t Size, size_t MaxSize,
                                          unsigned int Seed) {
  onnx::ModelProto M;
  ProtoMutator PM(Seed);
  // Models that do not parse, and now and then those that do, get
  // libFuzzer's byte mutations (which also find the parser's edges).
  if (Size == 0 || PM.oneIn(16) || !M.ParseFromArray(Data, int(Size)))
    return LLVMFuzzerMutate(Data, Size, MaxSize);
  std::vector<std::string> Names;
  setupMutator(PM, M, Names);
  for (int K = 0, N = 1 + int(PM.below(3)); K < N; ++K)
    PM.mutate(M);
  if (size_t N = emit(M, Data, MaxSize))
    return N;
  return LLVMFuzzerMutate(Data, Size, MaxSize);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t *Data1, size_t Size1,
                                            const uint8_t *Data2, size_t Size2, uint8_t *Out,
                                            size_t MaxOutSize, unsigned int Seed) {
  onnx::ModelProto A, B;
  if (!A.ParseFromArray(Data1, int(Size1)) || !B.ParseFromArray(Data2, int(Size2)))
    return 0;
  ProtoMutator PM(Seed);
  // A run of B's nodes, with B's initializers and inputs, appended to A;
  // with luck they read A's values or A reads theirs.
  const onnx::GraphProto &GB = B.graph();
  onnx::GraphProto &GA = *A.mutable_graph();
  if (GB.node_size() > 0) {
    int First = int(PM.below(uint64_t(GB.node_size())));
    int Count = 1 + int(PM.below(uint64_t(GB.node_size() - First)));
    for (int K = First; K < First + Count; ++K)
      *GA.add_node() = GB.node(K);
  }
  for (const auto &T : GB.initializer())
    if (PM.oneIn(2))
      *GA.add_initializer() = T;
  for (const auto &I : GB.input())
    if (PM.oneIn(2))
      *GA.add_input() = I;
  if (GB.output_size() && PM.oneIn(2))
    *GA.add_output() = GB.output(int(PM.below(uint64_t(GB.output_size()))));
  return emit(A, Out, MaxOutSize);
}

#endif
