//===- Signal.cpp - Fourier transforms ------------------------------------===//
#include "Importer.h"

#include <cmath>

namespace d1::import {

// DFT along one axis as two matrix products with constant cosine and sine
// tables: for x = a + ib and angle t = 2 pi k n / L,
//   forward: Y = sum (a cos t + b sin t) + i (b cos t - a sin t)
//   inverse: Y = sum ((a cos t - b sin t) + i (b cos t + a sin t)) / L.
// dft_length L pads the axis with zeros or cuts it; onesided keeps the
// first L / 2 + 1 frequencies.
LogicalResult Importer::importDFT() {
  if (failed(onlyAttrs({"axis", "inverse", "onesided"})))
    return failure();
  bool Inverse = intAttr("inverse", 0) != 0, OneSided = intAttr("onesided", 0) != 0;
  Value X = floatInput(0);
  if (!X)
    return failure();
  Shape S = shapeOf(X);
  int64_t Rank = int64_t(S.size());
  if (Rank < 3 || (S.back() != 1 && S.back() != 2))
    return fail("the input must be [batch, ..., 1 or 2] (real or complex), not " + shapeStr(S));
  // (Negative axes count from the back of the whole shape: [-rank, -2].)
  int64_t Axis = intAttr("axis", 1);
  if (Axis < -Rank || Axis > Rank - 2 || Axis == -1)
    return fail("axis " + std::to_string(Axis) + " is not in [" + std::to_string(-Rank) +
                ", -2] or [0, " + std::to_string(Rank - 2) + "]");
  if (Axis < 0)
    Axis += Rank;
  bool Complex = S.back() == 2;
  if (OneSided && (Complex || Inverse))
    return fail("onesided applies to the forward transform of a real signal");
  int64_t N = S[size_t(Axis)], L = N;
  if (hasInput(1)) {
    if (!isConst(1))
      return fail("dft_length must be a constant: the output's shape depends on it");
    FailureOr<std::vector<int64_t>> Len = constInts(1, "dft_length");
    if (failed(Len))
      return failure();
    if (Len->size() != 1 || (*Len)[0] < 1)
      return fail("dft_length must be one positive value");
    L = (*Len)[0];
  }
  if (failed(checkUnroll(L, "the DFT length")))
    return failure();
  int64_t K = OneSided ? L / 2 + 1 : L;
  // The signal axis last, its length L: [M, L] for the real and imaginary
  // parts.
  std::vector<int64_t> Perm;
  Shape Lead;
  for (int64_t D = 0; D < Rank - 1; ++D)
    if (D != Axis) {
      Perm.push_back(D);
      Lead.push_back(S[size_t(D)]);
    }
  Perm.push_back(Axis);
  Perm.push_back(Rank - 1);
  int64_t M = shapes::numElements(Lead);
  // (Zeros after the signal, or its end cut off.)
  Value T = reshape(transpose(X, Perm), {M, N, S.back()});
  if (L != N)
    T = pad(T, {0, 0, 0, 0, L - N, 0}, "constant", 0.0);
  Value Re = reshape(sliceAlong(T, 2, 0, 1), {M, L});
  Value Im = Complex ? reshape(sliceAlong(T, 2, 1, 2), {M, L}) : Value();
  // Angles reduced modulo L before the trigonometry keep them accurate.
  auto Table = [&](bool Sine) {
    return constFrom({L, K}, B.getF32Type(), [&](const std::vector<int64_t> &I) {
      double A = 2 * M_PI * double((I[0] * I[1]) % L) / double(L);
      return Sine ? std::sin(A) : std::cos(A);
    });
  };
  Value Cos = Table(false), Sin = Table(true);
  auto Product = [&](Value A, Value Tb) -> Value {
    if (!A || !Tb)
      return {};
    return B.create<graph::MatMulOp>(Loc, f32({M, K}), A, Tb);
  };
  // Forward: Yr = a cos + b sin, Yi = b cos - a sin; inverse: the sine's
  // sign flips, and everything is divided by L.
  double Sign = Inverse ? -1 : 1;
  Value Yr = Product(Re, Cos), Yi = bin<graph::MulOp>(Product(Re, Sin), scalar(-Sign));
  if (Im) {
    Yr = bin<graph::AddOp>(Yr, bin<graph::MulOp>(Product(Im, Sin), scalar(Sign)));
    Yi = bin<graph::AddOp>(Yi, Product(Im, Cos));
  }
  if (Inverse) {
    Yr = bin<graph::MulOp>(Yr, scalar(1.0 / double(L)));
    Yi = bin<graph::MulOp>(Yi, scalar(1.0 / double(L)));
  }
  Value Parts[] = {reshape(Yr, {M, K, 1}), reshape(Yi, {M, K, 1})};
  if (!Parts[0] || !Parts[1])
    return failure();
  Value Y = B.create<graph::ConcatOp>(Loc, f32({M, K, 2}), Parts, B.getI64IntegerAttr(2));
  // Back to the input's order.
  Shape TS = Lead;
  TS.push_back(K);
  TS.push_back(2);
  std::vector<int64_t> Back(size_t(Rank), 0);
  for (size_t I = 0; I < Perm.size(); ++I)
    Back[size_t(Perm[I])] = int64_t(I);
  return setOutput(0, transpose(reshape(Y, TS), Back));
}

} // namespace d1::import
