//===- Fold.cpp - Constant folding on the host ------------------------------===//
//
// Nodes whose inputs are all known at compile time are computed here
// (shape computations and anything else on constants).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

namespace d1::import {

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
  // Elementwise ops fold with the semantics of the code d1c generates for
  // them (docs/compiler.md, "Constants"): fp32 operations on floats, with
  // the ISA's NaN rules for min and max; two's complement wrapping at the
  // type's width on integers, with the ISA's division by zero.
  static const std::set<std::string> Binary = {"Add", "Sub", "Mul",   "Div",  "Min",
                                               "Max", "Pow", "Equal", "Less", "Greater"};
  if (Binary.count(Op) && NIn == 2) {
    const Const &A = In(0), &X = In(1);
    bool Cmp = Op == "Equal" || Op == "Less" || Op == "Greater";
    // Pow folds where the generated code is exact (d1c writes x^2, x^0.5,
    // x^-1 and x^1 as a product, a square root, a reciprocal and a copy);
    // other powers are computed at run time, by the run time's kernel.
    float PowBy = 0;
    if (Op == "Pow") {
      if (X.size() != 1 || !X.isFloat())
        return false;
      PowBy = X.F[0];
      if (PowBy != 2.0f && PowBy != 0.5f && PowBy != -1.0f && PowBy != 1.0f)
        return false;
    } else if (A.isFloat() != X.isFloat()) {
      return false; // mixed types: the importer's casts decide, at run time
    }
    Const R;
    Err = shapes::broadcast(A.Dims, X.Dims, R.Dims);
    if (!Err.empty())
      fail(Err);
    R.DType = Cmp ? int32_t(onnx::TensorProto::BOOL) : A.DType;
    CheckOut(R);
    bool Unsigned = isUnsignedType(A.DType);
    for (int64_t K = 0; K < R.size(); ++K) {
      int64_t IA = broadcastIndex(R.Dims, A.Dims, K), IX = broadcastIndex(R.Dims, X.Dims, K);
      if (Op == "Pow") {
        // Integer bases go through fp32 and back, as the lowering does.
        float V = A.isFloat() ? A.F[size_t(IA)] : float(A.I[size_t(IA)]);
        float P = PowBy == 2.0f    ? V * V
                  : PowBy == 0.5f  ? std::sqrt(V)
                  : PowBy == -1.0f ? 1.0f / V
                                   : V;
        if (R.isFloat())
          R.F.push_back(P);
        else
          R.I.push_back(wrapTo(R.DType, uint64_t(int64_t(f32ToI32Sat(P)))));
        continue;
      }
      if (A.isFloat()) {
        float U = A.F[size_t(IA)], W = X.F[size_t(IX)];
        if (Cmp) {
          R.I.push_back(Op == "Equal" ? U == W : Op == "Less" ? U < W : U > W);
          continue;
        }
        R.F.push_back(Op == "Add"   ? U + W
                      : Op == "Sub" ? U - W
                      : Op == "Mul" ? U * W
                      : Op == "Div" ? U / W
                      : Op == "Min" ? fminNaN(U, W)
                                    : fmaxNaN(U, W));
        continue;
      }
      int64_t U = A.I[size_t(IA)], W = X.I[size_t(IX)];
      uint64_t UU = uint64_t(U), UW = uint64_t(W);
      auto Less = [&](uint64_t P, uint64_t Q) {
        return Unsigned ? P < Q : int64_t(P) < int64_t(Q);
      };
      if (Cmp) {
        R.I.push_back(Op == "Equal" ? U == W : Op == "Less" ? Less(UU, UW) : Less(UW, UU));
        continue;
      }
      uint64_t V;
      if (Op == "Add")
        V = UU + UW;
      else if (Op == "Sub")
        V = UU - UW;
      else if (Op == "Mul")
        V = UU * UW;
      else if (Op == "Min")
        V = Less(UW, UU) ? UW : UU;
      else if (Op == "Max")
        V = Less(UU, UW) ? UW : UU;
      else if (Unsigned) // div and divu: x/0 is all ones
        V = UW == 0 ? ~uint64_t(0) : UU / UW;
      else
        V = W == 0 ? ~uint64_t(0) : (U == INT64_MIN && W == -1) ? UU : uint64_t(U / W);
      R.I.push_back(wrapTo(R.DType, V));
    }
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
    if (!R.isFloat() && Op != "Neg" && Op != "Abs" && Op != "Relu")
      return false; // float-only operators: the run time's casts decide
    for (size_t K = 0; K < size_t(R.size()); ++K) {
      if (!R.isFloat()) {
        int64_t V = R.I[K];
        uint64_t W = Op == "Neg" ? 0 - uint64_t(V)
                     : Op == "Abs"
                         ? (V < 0 && !isUnsignedType(R.DType) ? 0 - uint64_t(V) : uint64_t(V))
                         : (V < 0 && !isUnsignedType(R.DType) ? 0 : uint64_t(V));
        R.I[K] = wrapTo(R.DType, W);
        continue;
      }
      float V = R.F[K];
      // The fp32 results of vneg, vabs, vsqrt, vrcp, vexp and vmax with 0.
      R.F[K] = Op == "Neg"          ? -V
               : Op == "Abs"        ? std::fabs(V)
               : Op == "Sqrt"       ? std::sqrt(V)
               : Op == "Reciprocal" ? 1.0f / V
               : Op == "Exp"        ? expF32(V)
               : Op == "Floor"      ? std::floor(V)
               : Op == "Ceil"       ? std::ceil(V)
                                    : fmaxNaN(V, 0.0f);
    }
    setConst(0, R);
    return true;
  }
  if (Op == "Identity") {
    setConst(0, In(0));
    return true;
  }
  if (Op == "Cast") {
    int32_t To = int32_t(intAttr("to", 0));
    Const R = In(0);
    if (!isFloatType(To) && !isIntType(To))
      fail("Cast to " + dtypeName(To) + " is not supported");
    // To fp16 and bf16 the generated code rounds: cast at run time.
    if (To == onnx::TensorProto::FLOAT16 || To == onnx::TensorProto::BFLOAT16)
      return false;
    setConst(0, convertConst(R, To));
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

} // namespace d1::import
