//===- Recurrent.cpp - RNN, GRU and LSTM ------------------------------------===//
#include "Importer.h"

namespace d1::import {

LogicalResult Importer::importRNN() { return buildRecurrent(/*Gates=*/1); }

LogicalResult Importer::importGRU() { return buildRecurrent(/*Gates=*/3); }

LogicalResult Importer::importLSTM() { return buildRecurrent(/*Gates=*/4); }

// RNN, GRU and LSTM unrolled over the (static) sequence: one matmul of the
// whole input with W, then per step a matmul of the state with R and the
// gates from slices of the sum.
LogicalResult Importer::buildRecurrent(int64_t Gates) {
  bool IsRNN = Gates == 1, IsGRU = Gates == 3, IsLSTM = Gates == 4;
  if (failed(onlyAttrs({"activation_alpha", "activation_beta", "activations", "clip", "direction",
                        "hidden_size", "input_forget", "layout", "linear_before_reset"})))
    return failure();
  if (attr("clip"))
    return fail("clip is not supported");
  if (intAttr("input_forget", 0))
    return fail("input_forget is not supported");
  Value X = floatInput(0);
  if (!X)
    return failure();
  Value W = floatInput(1);
  if (!W)
    return failure();
  Value R = floatInput(2);
  if (!R)
    return failure();
  bool BatchFirst = intAttr("layout", 0) != 0;
  if (shapeOf(X).size() != 3 || shapeOf(W).size() != 3)
    return fail("X and W must be 3D");
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
    return fail("W " + shapeStr(WS) + " and R " + shapeStr(shapeOf(R)) +
                " do not match hidden_size " + std::to_string(H));
  std::string Dir = stringAttr("direction", "forward");
  if (Dirs != (Dir == "bidirectional" ? 2 : 1) ||
      (Dir != "forward" && Dir != "reverse" && Dir != "bidirectional"))
    return fail("direction " + q(Dir) + " does not match " + std::to_string(Dirs) + " weight sets");
  if (failed(checkUnroll(Seq * Dirs, "the " + std::to_string(Seq) + " steps")))
    return failure();
  // Activations: f (gates), g (candidate), h (LSTM output), per direction.
  std::vector<std::string> Acts;
  if (const auto *A = attr("activations"))
    for (const auto &S : A->strings())
      Acts.push_back(S);
  std::vector<std::string> Defaults = IsRNN   ? std::vector<std::string>{"Tanh"}
                                      : IsGRU ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                              : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
  if (Acts.empty())
    for (int64_t D = 0; D < Dirs; ++D)
      Acts.insert(Acts.end(), Defaults.begin(), Defaults.end());
  if (Acts.size() != Defaults.size() * size_t(Dirs))
    return fail("activations needs " + std::to_string(Defaults.size() * size_t(Dirs)) + " names");
  auto Act = [&](const std::string &Name, Value V) -> Value {
    if (Name == "Sigmoid")
      return un<graph::SigmoidOp>(V);
    if (Name == "Tanh")
      return un<graph::TanhOp>(V);
    if (Name == "Relu")
      return un<graph::ReluOp>(V);
    return fail("activation " + q(Name) + " is not supported");
  };
  // Null-safe like the value builders, so that a step needs one check.
  auto MatMul = [&](Value A, Value Bm) -> Value {
    if (!A || !Bm)
      return {};
    Shape Out;
    std::string E = shapes::matmul(shapeOf(A), shapeOf(Bm), Out);
    if (!E.empty())
      return fail(E);
    return B.create<graph::MatMulOp>(Loc, f32(Out), A, Bm);
  };
  auto T2 = [&](Value V) -> Value { // [a, b] -> [b, a]
    if (!V)
      return {};
    Shape S = shapeOf(V);
    return B.create<graph::TransposeOp>(Loc, f32({S[1], S[0]}), V, B.getDenseI64ArrayAttr({1, 0}));
  };
  // The optional inputs: absent, or null after their error.
  Value Bias = hasInput(3) ? floatInput(3) : Value();
  if (hasInput(3) && !Bias)
    return failure();
  Value H0 = hasInput(5) ? floatInput(5) : Value();
  if (hasInput(5) && !H0)
    return failure();
  Value C0 = IsLSTM && hasInput(6) ? floatInput(6) : Value();
  if (IsLSTM && hasInput(6) && !C0)
    return failure();
  Value Peep = IsLSTM && hasInput(7) ? floatInput(7) : Value();
  if (IsLSTM && hasInput(7) && !Peep)
    return failure();
  bool LinearBeforeReset = intAttr("linear_before_reset", 0) != 0;
  // Per-batch lengths: a step past a sequence's end keeps its state and
  // outputs zeros.
  Value Lens = hasInput(4) ? castTo(input(4), B.getI64Type()) : Value();
  if (hasInput(4) && !Lens)
    return failure();
  if (Lens && Dir != "forward")
    return fail("sequence_lens is supported for the forward direction only");
  Value Zero = splat({Batch, H}, B.getF32Type(), 0.0);
  if (!Zero)
    return failure();
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
    if (!RT || !XW || !Hs || !Cs)
      return failure();
    std::vector<Value> Ys(static_cast<size_t>(Seq));
    for (int64_t Step = 0; Step < Seq; ++Step) {
      int64_t T = Reverse ? Seq - 1 - Step : Step;
      Value HPrev = Hs, CPrev = Cs;
      Value Xt = reshape(sliceAlong(XW, 0, T, T + 1), {Batch, Gates * H});
      Value HR = MatMul(Hs, RT);
      if (Rb)
        HR = bin<graph::AddOp>(HR, Rb);
      auto Gate = [&](Value V, int64_t K) { return sliceAlong(V, 1, K * H, (K + 1) * H); };
      if (IsRNN) {
        Hs = Act(A[0], bin<graph::AddOp>(Xt, HR));
      } else if (IsGRU) {
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
      } else {
        Ys[size_t(T)] = reshape(Hs, {1, 1, Batch, H});
      }
      // A failed step (its error recorded) ends the unrolling.
      if (!Hs || !Cs || !Ys[size_t(T)])
        return failure();
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
  if (failed(setOutput(0, Y)) || failed(setOutput(1, Yh)) || (IsLSTM && failed(setOutput(2, Yc))))
    return failure();
  return success();
}

} // namespace d1::import
