//===- Resize.cpp - Resize and Upsample -----------------------------------===//
//
// Resize is separable: each resized axis is a sum of gathers along it, with
// indices and weights computed here from ONNX's definition of the sampling
// position (coordinate_transformation_mode), the neighbours a mode reads
// (1 for nearest, 2 for linear, 4 for cubic, picked as ONNX's reference
// picks them: the n nearest of the edge-padded axis, ties to the lower) and
// their weights (nearest_mode, cubic_coeff_a, exclude_outside). Axes are
// resized from the last to the first, as the reference nests them; an
// axis whose size and positions do not change is left alone.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include <algorithm>

namespace d1::import {

namespace {

/// How one axis is resampled: for each tap k and output position i, the
/// input index Idx[k][i] (clamped into the axis) and its weight W[k][i];
/// Outside[i] when tf_crop_and_resize samples outside the input.
struct AxisPlan {
  std::vector<std::vector<int64_t>> Idx;
  std::vector<std::vector<double>> W;
  std::vector<bool> Outside;
  bool identity(int64_t In) const {
    if (Idx.empty() || int64_t(Idx[0].size()) != In ||
        std::find(Outside.begin(), Outside.end(), true) != Outside.end())
      return false;
    for (size_t I = 0; I < Idx[0].size(); ++I)
      for (size_t K = 0; K < Idx.size(); ++K)
        if (W[K][I] != 0 && (W[K][I] != 1 || Idx[K][I] != int64_t(I)))
          return false;
    return true;
  }
};

struct ResizeMode {
  std::string Mode = "nearest", Transform = "half_pixel", Nearest = "round_prefer_floor";
  double CubicA = -0.75;
  bool ExcludeOutside = false;
  // Opset 10 and Upsample: nearest is floor(x) when upsampling, ceil(x)
  // when downsampling.
  bool Simple = false;
};

std::vector<double> cubicCoeffs(double R, double A) {
  double S = 1 - R;
  return {((A * (R + 1) - 5 * A) * (R + 1) + 8 * A) * (R + 1) - 4 * A,
          ((A + 2) * R - (A + 3)) * R * R + 1, ((A + 2) * S - (A + 3)) * S * S + 1,
          ((A * (S + 1) - 5 * A) * (S + 1) + 8 * A) * (S + 1) - 4 * A};
}

/// The taps of one axis of In elements resized to Out with scale Scale
/// (Out / In when the sizes were given); Roi = {start, end} for
/// tf_crop_and_resize.
AxisPlan planAxis(const ResizeMode &M, int64_t In, int64_t Out, double Scale,
                  std::pair<double, double> Roi) {
  double OutWidth = Scale * double(In);
  int N = M.Mode == "nearest" ? 2 : M.Mode == "linear" ? 2 : 4;
  AxisPlan P;
  P.Idx.assign(size_t(N), std::vector<int64_t>(size_t(Out)));
  P.W.assign(size_t(N), std::vector<double>(size_t(Out)));
  P.Outside.assign(size_t(Out), false);
  for (int64_t I = 0; I < Out; ++I) {
    double X = double(I);
    const std::string &T = M.Transform;
    if (T == "align_corners")
      X = OutWidth == 1 ? 0.0 : X * double(In - 1) / (OutWidth - 1);
    else if (T == "asymmetric")
      X = X / Scale;
    else if (T == "pytorch_half_pixel")
      X = OutWidth == 1 ? -0.5 : (X + 0.5) / Scale - 0.5;
    else if (T == "tf_half_pixel_for_nn")
      X = (X + 0.5) / Scale;
    else if (T == "tf_crop_and_resize") {
      X = OutWidth == 1 ? (Roi.second - Roi.first) * double(In - 1) / 2
                        : X * (Roi.second - Roi.first) * double(In - 1) / (OutWidth - 1);
      X += Roi.first * double(In - 1);
      if (X < 0 || X > double(In - 1)) {
        P.Outside[size_t(I)] = true;
        continue; // weights stay 0
      }
    } else // half_pixel
      X = (X + 0.5) / Scale - 0.5;
    auto Clamp = [&](int64_t V) { return std::clamp<int64_t>(V, 0, In - 1); };
    if (M.Simple) { // nearest only
      double V = Scale < 1 ? std::ceil(X) : std::trunc(X);
      P.Idx[0][size_t(I)] = Clamp(int64_t(V));
      P.W[0][size_t(I)] = 1;
      continue;
    }
    double Floor = std::floor(X);
    double Ratio = X == Floor ? 1.0 : X - Floor;
    // The N nearest positions of the axis padded by ceil(N/2) at each end
    // (ties to the lower), as indices of the unpadded axis.
    int64_t Pad = (N + 1) / 2, Padded = In + 2 * Pad;
    double XP = X + double(Pad);
    std::vector<int64_t> Cand;
    for (int64_t C = int64_t(std::floor(XP)) - N; C <= int64_t(std::floor(XP)) + N; ++C)
      if (C >= 0 && C < Padded)
        Cand.push_back(C);
    std::stable_sort(Cand.begin(), Cand.end(), [&](int64_t A, int64_t B) {
      double DA = std::fabs(XP - double(A)), DB = std::fabs(XP - double(B));
      return DA != DB ? DA < DB : A < B;
    });
    Cand.resize(std::min<size_t>(Cand.size(), size_t(N)));
    std::sort(Cand.begin(), Cand.end());
    std::vector<double> W;
    if (M.Mode == "nearest") {
      bool Lower = Ratio == 1.0                       ? false
                   : M.Nearest == "round_prefer_ceil" ? Ratio < 0.5
                   : M.Nearest == "floor"             ? true
                   : M.Nearest == "ceil"              ? false
                                                      : Ratio <= 0.5;
      W = {Lower ? 1.0 : 0.0, Lower ? 0.0 : 1.0};
    } else if (M.Mode == "linear") {
      W = {1 - Ratio, Ratio};
    } else {
      W = cubicCoeffs(Ratio, M.CubicA);
    }
    if (M.ExcludeOutside) {
      double Sum = 0;
      for (size_t K = 0; K < Cand.size(); ++K) {
        int64_t At = Cand[K] - Pad;
        if (At < 0 || At >= In)
          W[K] = 0;
        Sum += W[K];
      }
      for (double &V : W)
        V /= Sum;
    }
    for (size_t K = 0; K < Cand.size(); ++K) {
      P.Idx[K][size_t(I)] = Clamp(Cand[K] - Pad);
      P.W[K][size_t(I)] = W[K];
    }
  }
  if (M.Mode == "nearest" || M.Simple) {
    // One tap: the neighbour of weight 1.
    for (int64_t I = 0; I < Out; ++I)
      if (P.W[0][size_t(I)] == 0 && !P.Outside[size_t(I)])
        P.Idx[0][size_t(I)] = P.Idx[1][size_t(I)];
    P.Idx.resize(1);
    P.W.resize(1);
    for (int64_t I = 0; I < Out; ++I)
      P.W[0][size_t(I)] = P.Outside[size_t(I)] ? 0 : 1;
  }
  return P;
}

} // namespace

LogicalResult Importer::importResize() { return buildResize(/*Upsample=*/false); }

LogicalResult Importer::importUpsample() { return buildResize(/*Upsample=*/true); }

LogicalResult Importer::buildResize(bool Upsample) {
  ResizeMode M;
  int ScalesAt = 1, SizesAt = -1, RoiAt = -1;
  double Extrapolation = 0;
  if (Upsample) {
    if (failed(onlyAttrs({"mode", "scales"})))
      return failure();
    M.Transform = "asymmetric";
    M.Simple = true;
    ScalesAt = Opset >= 9 ? 1 : -1;
  } else if (Opset < 11) {
    if (failed(onlyAttrs({"mode"})))
      return failure();
    M.Transform = "asymmetric";
    M.Simple = true;
  } else {
    if (failed(onlyAttrs({"mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
                          "exclude_outside", "extrapolation_value"})))
      return failure();
    M.Transform = stringAttr("coordinate_transformation_mode", "half_pixel");
    M.Nearest = stringAttr("nearest_mode", "round_prefer_floor");
    M.CubicA = floatAttr("cubic_coeff_a", -0.75f);
    M.ExcludeOutside = intAttr("exclude_outside", 0) != 0;
    Extrapolation = floatAttr("extrapolation_value", 0.0f);
    RoiAt = 1;
    ScalesAt = 2;
    SizesAt = 3;
  }
  M.Mode = stringAttr("mode", "nearest");
  if (M.Mode != "nearest" && M.Mode != "linear" && M.Mode != "cubic")
    return fail("mode " + q(M.Mode) + " is not supported");
  if (M.Simple && M.Mode == "cubic")
    return fail("mode cubic needs opset 11 or later");
  if (M.Simple && M.Mode == "linear")
    M.Simple = false; // asymmetric linear; Simple only chooses nearest positions
  static const std::set<std::string> Transforms = {"half_pixel",         "asymmetric",
                                                   "pytorch_half_pixel", "tf_half_pixel_for_nn",
                                                   "align_corners",      "tf_crop_and_resize"};
  if (!Transforms.count(M.Transform))
    return fail("coordinate_transformation_mode " + q(M.Transform) + " is not supported");
  static const std::set<std::string> Roundings = {"round_prefer_floor", "round_prefer_ceil",
                                                  "floor", "ceil"};
  if (!Roundings.count(M.Nearest))
    return fail("nearest_mode " + q(M.Nearest) + " is not supported");

  Value X = M.Mode == "nearest" ? input(0) : floatInput(0);
  if (!X)
    return failure();
  Shape In = shapeOf(X), Out = In;
  size_t Rank = In.size();
  std::vector<double> Scales(Rank, 1.0);
  bool HaveSizes = false;
  if (SizesAt >= 0 && hasInput(SizesAt)) {
    FailureOr<Shape> SizesShape = inputShape(SizesAt);
    if (failed(SizesShape))
      return failure();
    HaveSizes = *SizesShape != Shape{0};
  }
  if (HaveSizes) {
    FailureOr<std::vector<int64_t>> SizesOr = constInts(SizesAt, "sizes");
    if (failed(SizesOr))
      return failure();
    const std::vector<int64_t> &Sizes = *SizesOr;
    if (Sizes.size() != Rank)
      return fail("sizes has " + std::to_string(Sizes.size()) + " values for an input of rank " +
                  std::to_string(Rank));
    for (size_t D = 0; D < Rank; ++D) {
      if (Sizes[D] < 0)
        return fail("sizes must not be negative");
      Out[D] = Sizes[D];
      Scales[D] = In[D] ? double(Sizes[D]) / double(In[D]) : 1.0;
    }
  } else {
    const Const *C = nullptr;
    Const FromAttr;
    if (ScalesAt < 0) {
      std::vector<float> S;
      if (const auto *A = attr("scales"))
        S.assign(A->floats().begin(), A->floats().end());
      FromAttr.F = S;
      FromAttr.Dims = {int64_t(S.size())};
      C = &FromAttr;
    } else {
      C = constInput(ScalesAt, "scales");
      if (!C)
        return failure();
    }
    if (!C->isFloat() || C->size() != int64_t(Rank))
      return fail("scales needs " + std::to_string(Rank) + " float values");
    for (size_t D = 0; D < Rank; ++D) {
      double S = double(C->F[D]);
      if (!(S > 0) || !std::isfinite(S))
        return fail("scales must be positive and finite");
      Scales[D] = S;
      double O = std::floor(S * double(In[D]));
      if (O > double(INT64_MAX / 2))
        return fail("scale " + std::to_string(S) + " gives an output too large");
      Out[D] = int64_t(O);
    }
  }
  if (failed(checkComputed(Out, onnxType(eltOf(X)), "output", shapes::numElements(In))))
    return failure();
  std::vector<double> Roi(2 * Rank, 0.0);
  if (M.Transform == "tf_crop_and_resize") {
    const Const *R = constInput(RoiAt, "roi");
    if (!R)
      return failure();
    if (!R->isFloat() || R->size() != int64_t(2 * Rank))
      return fail("roi needs " + std::to_string(2 * Rank) + " float values");
    for (size_t K = 0; K < 2 * Rank; ++K)
      Roi[K] = R->F[K];
  }
  Type T = eltOf(X);
  for (size_t D = Rank; D-- > 0;) {
    if (In[D] == 0 || Out[D] == 0) {
      if (In[D] != Out[D])
        return fail("cannot resize an empty dimension to a non-empty one");
      continue;
    }
    AxisPlan P = planAxis(M, In[D], Out[D], Scales[D], {Roi[D], Roi[D + Rank]});
    if (P.identity(In[D]))
      continue;
    Shape S = shapeOf(X), GS = S;
    GS[D] = Out[D];
    Shape WS(Rank, 1);
    WS[D] = Out[D];
    Value Sum;
    for (size_t K = 0; K < P.Idx.size(); ++K) {
      Const Idx;
      Idx.DType = onnx::TensorProto::INT64;
      Idx.Dims = {Out[D]};
      Idx.I = P.Idx[K];
      Value IdxV = materialize(Idx);
      if (!IdxV)
        return failure();
      Value G = B.create<graph::GatherOp>(Loc, RankedTensorType::get(GS, T), X, IdxV,
                                          B.getI64IntegerAttr(int64_t(D)));
      if (M.Mode == "nearest") {
        Sum = G;
        break;
      }
      Value W =
          constFrom(WS, T, [&](const std::vector<int64_t> &At) { return P.W[K][size_t(At[D])]; });
      Value Term = bin<graph::MulOp>(G, W);
      Sum = Sum ? bin<graph::AddOp>(Sum, Term) : Term;
      if (!Sum) // a failed step must not restart the sum
        return failure();
    }
    if (std::find(P.Outside.begin(), P.Outside.end(), true) != P.Outside.end()) {
      Const Mask;
      Mask.DType = onnx::TensorProto::BOOL;
      Mask.Dims = WS;
      for (bool O : P.Outside)
        Mask.I.push_back(O);
      Sum = where(materialize(Mask), scalar(Extrapolation, T), Sum);
    }
    X = Sum;
    if (!X)
      return failure();
  }
  return setOutput(0, X);
}

} // namespace d1::import
