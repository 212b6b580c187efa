//===- Model.cpp - Loading, checking and importing a model ------------------===//
//
// Reading the file, the checks before libonnx's checker, and the import
// of the main graph; d1::importONNX and d1::parseDims.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "onnx/defs/parser.h"

namespace d1::import {

LogicalResult Importer::precheckTensor(const onnx::TensorProto &T, const std::string &What) {
  Shape S(T.dims().begin(), T.dims().end());
  int64_t N;
  if (!shapes::checkedNumElements(S, N))
    return fail(What + " " + shapeStr(S) + " has a negative dimension or more than 2^63 elements");
  if (T.data_location() == onnx::TensorProto::EXTERNAL && failed(externalRef(T, What)))
    return failure();
  return success();
}

LogicalResult
Importer::precheckNodes(const google::protobuf::RepeatedPtrField<onnx::NodeProto> &Nodes) {
  const onnx::NodeProto *Outer = Node;
  int OuterIndex = NodeIndex;
  for (int K = 0; K < Nodes.size(); ++K) {
    Node = &Nodes.Get(K);
    NodeIndex = K;
    // The checker prints a warning line for these (and d1c has none).
    // The message names the node being checked (Node), as it did when
    // the error was found.
    if (onnx::checker::check_is_experimental_op(Node->op_type()))
      return fail("unsupported operator");
    for (const auto &A : Node->attribute()) {
      // The checker indexes sparse tensors' indices without bounds checks.
      if (A.has_sparse_tensor() || A.sparse_tensors_size())
        return fail("sparse tensor attribute " + q(A.name()) + " is not supported");
      if (A.has_t() && failed(precheckTensor(A.t(), "attribute " + q(A.name()))))
        return failure();
      for (const auto &T : A.tensors())
        if (failed(precheckTensor(T, "attribute " + q(A.name()))))
          return failure();
      if (A.has_g() && failed(precheckGraph(A.g())))
        return failure();
      for (const auto &G : A.graphs())
        if (failed(precheckGraph(G)))
          return failure();
    }
  }
  Node = Outer;
  NodeIndex = OuterIndex;
  return success();
}

LogicalResult Importer::precheckGraph(const onnx::GraphProto &G) {
  for (const auto &T : G.initializer())
    if (failed(precheckTensor(T, "initializer " + q(T.name()))))
      return failure();
  if (G.sparse_initializer_size())
    return fail("sparse initializer " + q(G.sparse_initializer(0).values().name()) +
                " is not supported");
  return precheckNodes(G.node());
}

LogicalResult Importer::checkModel() {
  // onnx::checker::check_model(const ModelProto &, CheckerContext &) of
  // libonnx 1.12, which its header does not declare: the same steps.
  auto Reject = [&](const std::string &Msg) {
    return fail("the ONNX checker rejects the model: " +
                escape(Msg.substr(0, Msg.find('\n')), 1000));
  };
  int64_t IR = Model.ir_version();
  if (!IR)
    return Reject("The model does not have an ir_version set properly.");
  if (IR > onnx::IR_VERSION)
    return Reject("Your model ir_version is higher than the checker's.");
  std::set<std::string> Keys;
  for (const auto &E : Model.metadata_props())
    if (!Keys.insert(E.key()).second)
      return Reject("Your model has duplicate keys in metadata_props.");
  std::unordered_map<std::string, int> Imports;
  for (const auto &O : Model.opset_import())
    Imports[O.domain()] = int(O.version());
  if (IR >= 3 && Imports.empty())
    return Reject("model with IR version >= 3 must specify opset_import for ONNX");
  if (IR < 3 && !Imports.empty())
    return Reject("model with IR version < 3 cannot have opset_import specified");
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
    // libonnx's checker reports by exception: its message becomes ours.
    return Reject(E.what());
  }
  return success();
}

LogicalResult Importer::loadModel() {
  auto Slash = Path.find_last_of('/');
  Dir = Slash == std::string::npos ? "" : Path.substr(0, Slash + 1);
  // The model is parsed straight from a read-only mapping of the file.
  // O_NONBLOCK: opening a FIFO does not wait for a writer (it is then
  // refused as not a regular file).
  int FD = ::open(Path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (FD < 0)
    return fail("cannot open '" + Path + "': " + std::strerror(errno));
  struct stat St;
  if (fstat(FD, &St) != 0 || !S_ISREG(St.st_mode)) {
    ::close(FD);
    return fail("'" + Path + "' is not a regular file");
  }
  size_t Size = size_t(St.st_size);
  if (Size == 0) {
    ::close(FD);
    return fail("empty file: not an ONNX model");
  }
  if (Size > size_t(INT_MAX)) {
    ::close(FD);
    return fail("not a valid ONNX model (larger than protobuf's limit of 2 GiB; put the weights in "
                "external data)");
  }
  void *Map = mmap(nullptr, Size, PROT_READ, MAP_PRIVATE, FD, 0);
  ::close(FD);
  if (Map == MAP_FAILED)
    return fail("cannot map '" + Path + "': " + std::strerror(errno));
  if (llvm::StringRef(Path).ends_with(".onnxtxt")) {
    std::string Text(static_cast<const char *>(Map), Size);
    munmap(Map, Size);
    if (failed(parseText(Text)))
      return failure();
    return loadedModel();
  }
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
    return fail("the model nests deeper than protobuf's limit of " +
                std::to_string(ProtobufNesting) + " (If/Loop subgraphs)");
  if (!Parsed)
    return fail("not a valid ONNX model (the protobuf does not parse; truncated or not ONNX)");
  return loadedModel();
}

LogicalResult Importer::parseText(const std::string &Text) {
  if (Text.find('\0') != std::string::npos)
    return fail("the ONNX text holds a NUL byte");
  // libonnx's parser recurses per bracket: bounded like protobuf's nesting.
  int Depth = 0, Deepest = 0;
  for (char C : Text) {
    if (C == '{' || C == '[' || C == '(' || C == '<')
      Deepest = std::max(Deepest, ++Depth);
    else if (C == '}' || C == ']' || C == ')' || C == '>')
      --Depth;
  }
  if (Deepest > ProtobufNesting)
    return fail("the ONNX text nests brackets deeper than " + std::to_string(ProtobufNesting));
  onnx::Common::Status S;
  try {
    onnx::OnnxParser Parser(Text.c_str());
    S = Parser.Parse(Model);
    if (S.IsOK() && !Parser.EndOfInput())
      S = onnx::Common::Status(onnx::Common::NONE, onnx::Common::FAIL,
                               "[ParseError at position " + Parser.GetCurrentPos() +
                                   "]\n\nunexpected text after the model");
  } catch (const std::exception &E) {
    // The parser converts numbers with std::stoll and the like, which
    // throw on values out of range.
    return fail(std::string("the ONNX text does not parse: a number is out of range (") + E.what() +
                ")");
  }
  if (S.IsOK())
    return success();
  // "[ParseError at position (line: L column: C)]\nError context: ...\nWhy"
  // as one line: the position and the reason.
  std::string Msg = S.ErrorMessage(), Where, Why = Msg;
  unsigned Line, Column;
  size_t Open = Msg.find("(line: ");
  if (Open != std::string::npos &&
      std::sscanf(Msg.c_str() + Open, "(line: %u column: %u)", &Line, &Column) == 2)
    Where = " at line " + std::to_string(Line) + ", column " + std::to_string(Column);
  size_t LastLine = Msg.find_last_of('\n');
  if (LastLine != std::string::npos)
    Why = Msg.substr(LastLine + 1);
  return fail("the ONNX text does not parse" + Where + ": " + escape(Why, 300));
}

LogicalResult Importer::loadedModel() {
  if (!Model.has_graph())
    return fail("the model has no graph");

  for (const auto &O : Model.opset_import())
    if (O.domain().empty() || O.domain() == "ai.onnx")
      Opset = O.version();
  if (Opset < 1 || Opset > MaxOpset)
    return fail("opset " + std::to_string(Opset) + " is not supported (d1c reads opsets 1 to " +
                std::to_string(MaxOpset) + ")");

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
      return fail("input " + q(I.name()) + " is a " +
                  (I.type().has_sequence_type()   ? "sequence"
                   : I.type().has_optional_type() ? "optional"
                                                  : "non-tensor") +
                  "; d1c takes tensors");
    auto *TT = I.mutable_type()->mutable_tensor_type();
    auto Override = Opts.InputShapes.find(I.name());
    if (Override != Opts.InputShapes.end()) {
      const auto &Dims = Override->second;
      if (TT->has_shape() && TT->shape().dim_size() != int(Dims.size()))
        return fail("--shape " + escape(I.name()) + " has " + std::to_string(Dims.size()) +
                    " dimensions; the input has " + std::to_string(TT->shape().dim_size()));
      TT->mutable_shape()->clear_dim();
      for (int64_t D : Dims)
        TT->mutable_shape()->add_dim()->set_dim_value(D);
    }
    if (!TT->has_shape())
      return fail("input " + q(I.name()) + " has no shape: give one with --shape " +
                  escape(I.name()) + "=...");
    for (int D = 0; D < TT->shape().dim_size(); ++D) {
      const auto &Dim = TT->shape().dim(D);
      if (!Dim.has_dim_value() || Dim.dim_value() < 0)
        return fail("input " + q(I.name()) + " dimension " + std::to_string(D) + " is symbolic" +
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
      return fail("--shape names " + q(Name) + ", which is not a graph input");

  // What ONNX's checker reads unguarded is validated first; the
  // initializers are read (and bounded) before it too.
  char *DirReal = ::realpath(Dir.empty() ? "." : Dir.c_str(), nullptr);
  if (!DirReal)
    return fail("cannot resolve the model's directory: " + std::string(std::strerror(errno)));
  ModelDirReal = DirReal;
  std::free(DirReal);
  if (failed(precheckGraph(G)))
    return failure();
  for (const auto &F : Model.functions())
    if (failed(precheckNodes(F.node())))
      return failure();
  for (const auto &T : G.initializer()) {
    FailureOr<Const> C = readTensor(T, "initializer " + q(T.name()));
    if (failed(C))
      return failure();
    Consts[T.name()] = std::move(*C);
  }
  // libonnx's checker knows the opsets of its release only: a newer model
  // is checked by the importer alone (and its errors say so).
  if (Opset > checkerOpset()) {
    Unchecked = true;
    return success();
  }
  return checkModel();
}

int64_t Importer::checkerOpset() {
  const auto &Ranges = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto It = Ranges.find(onnx::ONNX_DOMAIN);
  return It == Ranges.end() ? 0 : It->second.second;
}

LogicalResult Importer::importGraph(ModuleOp Module) {
  const onnx::GraphProto &G = Model.graph();
  std::set<std::string> Initialized;
  for (const auto &T : G.initializer())
    Initialized.insert(T.name());
  // The function: inputs without initializers, in order.
  std::vector<Type> ArgTypes;
  std::vector<std::string> ArgNames;
  for (const auto &I : G.input()) {
    if (Initialized.count(I.name()))
      continue;
    const auto &TT = I.type().tensor_type();
    int32_t ET = TT.elem_type();
    if (!isFloatType(ET) && !isIntType(ET))
      return fail("input " + q(I.name()) + " is " + dtypeName(ET) +
                  "; d1c computes FLOAT, BOOL and integer tensors (DOUBLE, FLOAT16 and BFLOAT16 as "
                  "FLOAT)");
    Shape S;
    for (const auto &D : TT.shape().dim())
      S.push_back(D.dim_value());
    if (failed(checkSize(S, bytesOf(elementType(ET)), "input " + q(I.name()))))
      return failure();
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
    if (failed(importNode()))
      return failure();
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
            if (failed(checkSize(Shape(RT.getShape().begin(), RT.getShape().end()),
                                 bytesOf(RT.getElementType()), "a value")))
              return failure();
      for (Operation *Op = First; Op; Op = Op->getNextNode())
        if (failed(verify(Op)))
          return fail(Why);
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
      return fail("graph output " + q(O.name()) + " is not produced by any node");
    if (!V)
      return failure();
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
    return fail("internal error: the imported module does not verify");
  return success();
}

OwningOpRef<ModuleOp> Importer::run(std::string &Err) {
  Ctx.loadDialect<D1Dialect, graph::GraphDialect, func::FuncDialect>();
  // Owned from the start, so that an error anywhere below frees it.
  OwningOpRef<ModuleOp> Owned;
  if (succeeded(loadModel())) {
    Owned = ModuleOp::create(FileLineColLoc::get(&Ctx, escapeControl(Path), 0, 0));
    // The machine every pass compiles for.
    (*Owned)->setAttr(TargetAttrName, TargetAttr::get(&Ctx, Opts.Target));
    if (succeeded(importGraph(*Owned)))
      return Owned;
  }
  Err = Error ? *Error
              : escapeControl(Path) + ": internal error: the import failed without a message";
  if (Unchecked)
    Err += " (opset " + std::to_string(Opset) + " is newer than ONNX's checker here, which knows " +
           std::to_string(checkerOpset()) + ": the model was not checked by it)";
  return nullptr;
}

} // namespace d1::import

using namespace d1::import;

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
