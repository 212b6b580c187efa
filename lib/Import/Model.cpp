//===- Model.cpp - Loading, checking and importing a model ------------------===//
//
// Reading the file, the checks before libonnx's checker, and the import
// of the main graph; d1::importONNX and d1::parseDims.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

namespace d1::import {

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
