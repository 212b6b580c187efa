//===- Fold.cpp - Constant folding on the host ------------------------------===//
//
// Nodes whose inputs are all known at compile time are computed here
// (shape computations and anything else on constants).
//
// fold() looks the node's type up in a table of the D1_ONNX_FOLD entries
// of Fold.def and calls its folder; a type not listed is not folded. The
// folders after Size check allInputsConstant() first (see Fold.def).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "llvm/ADT/StringMap.h"

namespace d1::import {

namespace {
struct FoldEntry {
  const char *OpType;
  FailureOr<bool> (Importer::*Fold)();
};

/// The folders of Operators.def (its D1_ONNX_OP and D1_IMPORT_HELPER
/// entries default to nothing).
const FoldEntry Folders[] = {
#define D1_ONNX_FOLD(OpType, Folder) {#OpType, &Importer::Folder},
#include "Operators.def"
};

/// P < Q as integers of a signed or an unsigned type.
bool lessThan(uint64_t P, uint64_t Q, bool Unsigned) {
  return Unsigned ? P < Q : int64_t(P) < int64_t(Q);
}
} // namespace

FailureOr<bool> Importer::fold() {
  static const auto *Table = [] {
    auto *T = new llvm::StringMap<FailureOr<bool> (Importer::*)()>();
    for (const FoldEntry &E : Folders)
      T->try_emplace(E.OpType, E.Fold);
    return T;
  }();
  auto It = Table->find(Node->op_type());
  if (It == Table->end())
    return false;
  return (this->*It->second)();
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

bool Importer::allInputsConstant() const {
  size_t NIn = numInputs();
  bool AllConst = true;
  for (size_t K = 0; K < NIn; ++K)
    AllConst &= !hasInput(int(K)) || isConst(int(K));
  return AllConst && NIn != 0;
}

const Const *Importer::foldInput(int K) {
  if (!hasInput(K)) {
    (void)fail("missing input " + std::to_string(K));
    return nullptr;
  }
  return &Consts[Node->input(K)];
}

int64_t Importer::largestInput() {
  int64_t Largest = 0;
  for (size_t K = 0; K < numInputs(); ++K)
    if (hasInput(int(K)))
      Largest = std::max(Largest, foldInput(int(K))->size());
  return Largest;
}

FailureOr<bool> Importer::setFolded(Const R) {
  if (failed(setConst(0, std::move(R))))
    return failure();
  return true;
}

//===----------------------------------------------------------------------===//
// Always folded
//===----------------------------------------------------------------------===//

FailureOr<bool> Importer::foldConstant() {
  if (failed(onlyAttrs({"value", "value_float", "value_floats", "value_int", "value_ints"})))
    return failure();
  Const C;
  if (const auto *A = attr("value")) {
    FailureOr<Const> T = readTensor(A->t(), "Constant value");
    if (failed(T))
      return failure();
    C = std::move(*T);
  } else if (const auto *A = attr("value_float"))
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
    return fail("Constant without a supported value attribute");
  }
  return setFolded(std::move(C));
}

FailureOr<bool> Importer::foldShape() {
  if (failed(onlyAttrs({"start", "end"})))
    return failure();
  FailureOr<Shape> InS = inputShape(0);
  if (failed(InS))
    return failure();
  const Shape &S = *InS;
  int64_t R = int64_t(S.size()), Start = intAttr("start", 0), End = intAttr("end", R);
  Start = std::clamp<int64_t>(Start < 0 ? Start + R : Start, 0, R);
  End = std::clamp<int64_t>(End < 0 ? End + R : End, 0, R);
  Const C;
  C.DType = onnx::TensorProto::INT64;
  for (int64_t D = Start; D < End; ++D)
    C.I.push_back(S[size_t(D)]);
  C.Dims = {int64_t(C.I.size())};
  return setFolded(std::move(C));
}

FailureOr<bool> Importer::foldSize() {
  FailureOr<Shape> S = inputShape(0);
  if (failed(S))
    return failure();
  Const C;
  C.DType = onnx::TensorProto::INT64;
  C.I = {shapes::numElements(*S)};
  return setFolded(std::move(C));
}

//===----------------------------------------------------------------------===//
// Elementwise ops, when all inputs are constants
//===----------------------------------------------------------------------===//
//
// Elementwise ops fold with the semantics of the code d1c generates for
// them (docs/compiler.md, "Constants"): fp32 operations on floats, with
// the ISA's NaN rules for min and max; two's complement wrapping at the
// type's width on integers, with the ISA's division by zero.

FailureOr<bool>
Importer::broadcastFold(const Const &A, const Const &X, int32_t DType,
                        llvm::function_ref<void(Const &R, int64_t IA, int64_t IX)> Elt) {
  Const R;
  std::string Err = shapes::broadcast(A.Dims, X.Dims, R.Dims);
  if (!Err.empty())
    return fail(Err);
  R.DType = DType;
  if (failed(checkComputed(R.Dims, R.DType, "output", largestInput())))
    return failure();
  for (int64_t K = 0; K < R.size(); ++K)
    Elt(R, broadcastIndex(R.Dims, A.Dims, K), broadcastIndex(R.Dims, X.Dims, K));
  return setFolded(std::move(R));
}

FailureOr<bool> Importer::binaryConstants(const Const *&A, const Const *&X, bool SameKind) {
  if (!allInputsConstant() || numInputs() != 2)
    return false;
  A = foldInput(0);
  X = foldInput(1);
  if (!A || !X)
    return failure();
  return !SameKind || A->isFloat() == X->isFloat();
}

FailureOr<bool> Importer::arithmeticFold(float (*OnFloat)(float U, float W),
                                         uint64_t (*OnInt)(uint64_t U, uint64_t W, bool Unsigned)) {
  const Const *PA, *PX;
  FailureOr<bool> Both = binaryConstants(PA, PX, /*SameKind=*/true);
  if (failed(Both) || !*Both)
    return Both;
  const Const &A = *PA, &X = *PX;
  bool Unsigned = isUnsignedType(A.DType);
  return broadcastFold(A, X, A.DType, [&](Const &R, int64_t IA, int64_t IX) {
    if (A.isFloat()) {
      R.F.push_back(OnFloat(A.F[size_t(IA)], X.F[size_t(IX)]));
      return;
    }
    uint64_t U = uint64_t(A.I[size_t(IA)]), W = uint64_t(X.I[size_t(IX)]);
    R.I.push_back(wrapTo(R.DType, OnInt(U, W, Unsigned)));
  });
}

FailureOr<bool> Importer::comparisonFold(bool (*OnFloat)(float U, float W),
                                         bool (*OnInt)(uint64_t U, uint64_t W, bool Unsigned)) {
  const Const *PA, *PX;
  FailureOr<bool> Both = binaryConstants(PA, PX, /*SameKind=*/true);
  if (failed(Both) || !*Both)
    return Both;
  const Const &A = *PA, &X = *PX;
  bool Unsigned = isUnsignedType(A.DType);
  return broadcastFold(
      A, X, int32_t(onnx::TensorProto::BOOL), [&](Const &R, int64_t IA, int64_t IX) {
        if (A.isFloat())
          R.I.push_back(OnFloat(A.F[size_t(IA)], X.F[size_t(IX)]));
        else
          R.I.push_back(OnInt(uint64_t(A.I[size_t(IA)]), uint64_t(X.I[size_t(IX)]), Unsigned));
      });
}

FailureOr<bool> Importer::foldAdd() {
  return arithmeticFold([](float U, float W) { return U + W; },
                        [](uint64_t U, uint64_t W, bool) { return U + W; });
}

FailureOr<bool> Importer::foldSub() {
  return arithmeticFold([](float U, float W) { return U - W; },
                        [](uint64_t U, uint64_t W, bool) { return U - W; });
}

FailureOr<bool> Importer::foldMul() {
  return arithmeticFold([](float U, float W) { return U * W; },
                        [](uint64_t U, uint64_t W, bool) { return U * W; });
}

FailureOr<bool> Importer::foldDiv() {
  return arithmeticFold(
      [](float U, float W) { return U / W; },
      [](uint64_t U, uint64_t W, bool Unsigned) {
        if (Unsigned) // div and divu: x/0 is all ones
          return W == 0 ? ~uint64_t(0) : U / W;
        int64_t SU = int64_t(U), SW = int64_t(W);
        return SW == 0 ? ~uint64_t(0) : (SU == INT64_MIN && SW == -1) ? U : uint64_t(SU / SW);
      });
}

FailureOr<bool> Importer::foldMin() {
  return arithmeticFold(
      [](float U, float W) { return fminNaN(U, W); },
      [](uint64_t U, uint64_t W, bool Unsigned) { return lessThan(W, U, Unsigned) ? W : U; });
}

FailureOr<bool> Importer::foldMax() {
  return arithmeticFold(
      [](float U, float W) { return fmaxNaN(U, W); },
      [](uint64_t U, uint64_t W, bool Unsigned) { return lessThan(U, W, Unsigned) ? W : U; });
}

FailureOr<bool> Importer::foldPow() {
  const Const *PA, *PX;
  FailureOr<bool> Both = binaryConstants(PA, PX, /*SameKind=*/false);
  if (failed(Both) || !*Both)
    return Both;
  const Const &A = *PA, &X = *PX;
  // Pow folds where the generated code is exact (d1c writes x^2, x^0.5,
  // x^-1 and x^1 as a product, a square root, a reciprocal and a copy);
  // other powers are computed at run time, by the run time's kernel.
  if (X.size() != 1 || !X.isFloat())
    return false;
  float PowBy = X.F[0];
  if (PowBy != 2.0f && PowBy != 0.5f && PowBy != -1.0f && PowBy != 1.0f)
    return false;
  return broadcastFold(A, X, A.DType, [&](Const &R, int64_t IA, int64_t) {
    // Integer bases go through fp32 and back, as the lowering does.
    float V = A.isFloat() ? A.F[size_t(IA)] : float(A.I[size_t(IA)]);
    float P = PowBy == 2.0f ? V * V : PowBy == 0.5f ? std::sqrt(V) : PowBy == -1.0f ? 1.0f / V : V;
    if (R.isFloat())
      R.F.push_back(P);
    else
      R.I.push_back(wrapTo(R.DType, uint64_t(int64_t(f32ToI32Sat(P)))));
  });
}

FailureOr<bool> Importer::foldEqual() {
  return comparisonFold([](float U, float W) { return U == W; },
                        [](uint64_t U, uint64_t W, bool) { return U == W; });
}

FailureOr<bool> Importer::foldLess() {
  return comparisonFold([](float U, float W) { return U < W; }, lessThan);
}

FailureOr<bool> Importer::foldGreater() {
  return comparisonFold(
      [](float U, float W) { return U > W; },
      [](uint64_t U, uint64_t W, bool Unsigned) { return lessThan(W, U, Unsigned); });
}

FailureOr<bool> Importer::foldWhere() {
  if (!allInputsConstant() || numInputs() != 3)
    return false;
  const Const *PC = foldInput(0), *PX = foldInput(1), *PY = foldInput(2);
  if (!PC || !PX || !PY)
    return failure();
  const Const &Cond = *PC, &X = *PX, &Y = *PY;
  Shape XY, Out;
  std::string Err = shapes::broadcast(X.Dims, Y.Dims, XY);
  if (Err.empty())
    Err = shapes::broadcast(Cond.Dims, XY, Out);
  if (!Err.empty())
    return fail(Err);
  Const R;
  R.DType = X.DType;
  R.Dims = Out;
  if (failed(checkComputed(R.Dims, R.DType, "output", largestInput())))
    return failure();
  for (int64_t K = 0; K < R.size(); ++K) {
    const Const &Pick = Cond.at(broadcastIndex(Out, Cond.Dims, K)) != 0 ? X : Y;
    int64_t At = broadcastIndex(Out, Pick.Dims, K);
    if (R.isFloat())
      R.F.push_back(Pick.isFloat() ? Pick.F[size_t(At)] : float(Pick.I[size_t(At)]));
    else
      R.I.push_back(Pick.isFloat() ? toInt64(Pick.F[size_t(At)]) : Pick.I[size_t(At)]);
  }
  return setFolded(std::move(R));
}

FailureOr<bool> Importer::unaryFold(float (*OnFloat)(float V),
                                    uint64_t (*OnInt)(int64_t V, bool Unsigned)) {
  if (!allInputsConstant())
    return false;
  const Const *P = foldInput(0);
  if (!P)
    return failure();
  Const R = *P;
  if (!R.isFloat() && !OnInt)
    return false; // float-only operators: the run time's casts decide
  for (size_t K = 0; K < size_t(R.size()); ++K) {
    if (!R.isFloat())
      R.I[K] = wrapTo(R.DType, OnInt(R.I[K], isUnsignedType(R.DType)));
    else
      R.F[K] = OnFloat(R.F[K]);
  }
  return setFolded(std::move(R));
}

// The fp32 results of vneg, vabs, vsqrt, vrcp, vexp and vmax with 0.

FailureOr<bool> Importer::foldNeg() {
  return unaryFold([](float V) { return -V; }, [](int64_t V, bool) { return 0 - uint64_t(V); });
}

FailureOr<bool> Importer::foldAbs() {
  return unaryFold(
      [](float V) { return std::fabs(V); },
      [](int64_t V, bool Unsigned) { return V < 0 && !Unsigned ? 0 - uint64_t(V) : uint64_t(V); });
}

FailureOr<bool> Importer::foldSqrt() {
  return unaryFold([](float V) { return std::sqrt(V); }, nullptr);
}

FailureOr<bool> Importer::foldReciprocal() {
  return unaryFold([](float V) { return 1.0f / V; }, nullptr);
}

FailureOr<bool> Importer::foldExp() { return unaryFold(expF32, nullptr); }

FailureOr<bool> Importer::foldFloor() {
  return unaryFold([](float V) { return std::floor(V); }, nullptr);
}

FailureOr<bool> Importer::foldCeil() {
  return unaryFold([](float V) { return std::ceil(V); }, nullptr);
}

FailureOr<bool> Importer::foldRelu() {
  return unaryFold(
      [](float V) { return fmaxNaN(V, 0.0f); },
      [](int64_t V, bool Unsigned) { return V < 0 && !Unsigned ? uint64_t(0) : uint64_t(V); });
}

//===----------------------------------------------------------------------===//
// Copies, conversions and shape computations, when all inputs are constants
//===----------------------------------------------------------------------===//

FailureOr<bool> Importer::foldIdentity() {
  if (!allInputsConstant())
    return false;
  const Const *P = foldInput(0);
  if (!P)
    return failure();
  return setFolded(*P);
}

FailureOr<bool> Importer::foldCast() {
  if (!allInputsConstant())
    return false;
  int32_t To = int32_t(intAttr("to", 0));
  const Const *P = foldInput(0);
  if (!P)
    return failure();
  if (!isFloatType(To) && !isIntType(To))
    return fail("Cast to " + dtypeName(To) + " is not supported");
  // To fp16 and bf16 the generated code rounds: cast at run time.
  if (To == onnx::TensorProto::FLOAT16 || To == onnx::TensorProto::BFLOAT16)
    return false;
  return setFolded(convertConst(*P, To));
}

FailureOr<bool> Importer::foldConcat() {
  if (!allInputsConstant())
    return false;
  size_t NIn = numInputs();
  int64_t Axis = intAttr("axis", 0);
  std::vector<const Const *> Parts;
  std::vector<Shape> Ins;
  for (size_t K = 0; K < NIn; ++K) {
    Parts.push_back(foldInput(int(K)));
    if (!Parts.back())
      return failure();
    Ins.push_back(Parts.back()->Dims);
  }
  Shape Out;
  std::string Err = shapes::concat(Ins, Axis, Out);
  if (!Err.empty())
    return fail(Err);
  shapes::normalizeAxis(Axis, int64_t(Out.size()));
  Const R;
  R.DType = Parts[0]->DType;
  R.Dims = Out;
  // No larger than its inputs.
  if (failed(checkSize(Out, int64_t(elementSize(R.DType)), "output")))
    return failure();
  int64_t Outer = 1;
  for (int64_t D = 0; D < Axis; ++D)
    Outer *= Out[size_t(D)];
  for (int64_t O = 0; O < Outer; ++O)
    for (size_t K = 0; K < NIn; ++K) {
      const Const &C = *Parts[K];
      int64_t Inner = C.size() / std::max<int64_t>(Outer, 1);
      for (int64_t E = 0; E < Inner; ++E) {
        if (R.isFloat())
          R.F.push_back(C.isFloat() ? C.F[O * Inner + E] : float(C.I[O * Inner + E]));
        else
          R.I.push_back(C.isFloat() ? toInt64(C.F[O * Inner + E]) : C.I[O * Inner + E]);
      }
    }
  return setFolded(std::move(R));
}

FailureOr<bool> Importer::foldGather() {
  if (!allInputsConstant())
    return false;
  const Const *PD = foldInput(0), *PI = foldInput(1);
  if (!PD || !PI)
    return failure();
  const Const &Data = *PD, &Idx = *PI;
  int64_t Axis = intAttr("axis", 0);
  Shape Out;
  std::string Err = shapes::gather(Data.Dims, Idx.Dims, Axis, Out);
  if (!Err.empty())
    return fail(Err);
  shapes::normalizeAxis(Axis, int64_t(Data.Dims.size()));
  if (Idx.isFloat())
    return fail("indices must be integers");
  if (failed(checkComputed(Out, Data.DType, "output", largestInput())))
    return failure();
  std::vector<int64_t> St = stridesOf(Data.Dims);
  size_t IR = Idx.Dims.size();
  auto Strides = stridesOf(Idx.Dims);
  int64_t Len = Data.Dims[size_t(Axis)];
  // The indices are checked before the copy reads through them (a bad
  // one would read outside the data). A non-empty output meets every
  // index, first in this order, so the index reported is the one the
  // copy would have stopped at.
  if (shapes::numElements(Out) > 0)
    for (int64_t I : Idx.I)
      if (I < -Len || I >= Len)
        return fail("index " + std::to_string(I) + " out of range for dimension " +
                    std::to_string(Len));
  return setFolded(gatherConst(Data, Out, [&](const std::vector<int64_t> &C) {
    int64_t Flat = 0;
    for (size_t D = 0; D < IR; ++D)
      Flat += C[size_t(Axis) + D] * Strides[D];
    int64_t I = Idx.I[size_t(Flat)];
    if (I < 0)
      I += Len;
    int64_t Src = I * St[size_t(Axis)];
    for (int64_t D = 0; D < Axis; ++D)
      Src += C[size_t(D)] * St[size_t(D)];
    for (size_t D = size_t(Axis) + 1; D < Data.Dims.size(); ++D)
      Src += C[D + IR - 1] * St[D];
    return Src;
  }));
}

FailureOr<bool> Importer::foldConstantOfShape() {
  if (!allInputsConstant())
    return false;
  const Const *Shp = foldInput(0);
  if (!Shp)
    return failure();
  Const R;
  if (Shp->isFloat() || Shp->Dims.size() != 1)
    return fail("the shape must be a 1D integer tensor");
  R.Dims = Shp->I;
  R.DType = onnx::TensorProto::FLOAT;
  double V = 0;
  if (const auto *A = attr("value")) {
    FailureOr<Const> VC = readTensor(A->t(), "ConstantOfShape value");
    if (failed(VC))
      return failure();
    if (VC->size() != 1)
      return fail("value must hold one element");
    R.DType = VC->DType;
    V = VC->at(0);
  }
  if (failed(checkComputed(R.Dims, R.DType, "output")))
    return failure();
  if (R.isFloat())
    R.F.assign(size_t(R.size()), float(V));
  else
    R.I.assign(size_t(R.size()), toInt64(V));
  return setFolded(std::move(R));
}

FailureOr<bool> Importer::foldRange() {
  if (!allInputsConstant())
    return false;
  const Const *P[3];
  for (int K = 0; K < 3; ++K) {
    P[K] = foldInput(K);
    if (!P[K])
      return failure();
    if (P[K]->size() != 1)
      return fail("start, limit and delta must be scalars");
  }
  Const R;
  R.DType = P[0]->DType;
  double Start = P[0]->at(0), Limit = P[1]->at(0), Delta = P[2]->at(0);
  double Count = std::ceil((Limit - Start) / Delta);
  if (Delta == 0 || !std::isfinite(Count))
    return fail("start, limit and delta give no finite count");
  // Bounded as a double: converting a larger one is undefined.
  if (Count > double(MaxComputedElements))
    return fail("output would have more than " + std::to_string(MaxComputedElements) +
                " elements, more than d1c computes at import");
  int64_t N = Count > 0 ? int64_t(Count) : 0;
  R.Dims = {N};
  if (failed(checkComputed(R.Dims, R.DType, "output")))
    return failure();
  int64_t IStart = P[0]->isFloat() ? toInt64(Start) : P[0]->I[0];
  int64_t IDelta = P[2]->isFloat() ? toInt64(Delta) : P[2]->I[0];
  for (int64_t K = 0; K < N; ++K) {
    if (R.isFloat()) {
      R.F.push_back(float(Start + double(K) * Delta));
      continue;
    }
    int64_t V;
    if (__builtin_mul_overflow(K, IDelta, &V) || __builtin_add_overflow(IStart, V, &V))
      return fail("the range overflows 64 bits");
    R.I.push_back(V);
  }
  return setFolded(std::move(R));
}

} // namespace d1::import
