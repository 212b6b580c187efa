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
// Opset 18 adds axes (scales, sizes and roi name only some axes),
// keep_aspect_ratio_policy (one scale for the named axes, from sizes) and
// antialias: when downsampling with linear or cubic, the filter widens by
// 1/scale, i.e. more taps per output with normalized weights, computed as
// ONNX's reference computes them. Opset 19 adds half_pixel_symmetric.
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
  /// Opset 18: the widened filter when downsampling (linear and cubic).
  bool Antialias = false;
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

/// Whether the antialiased filter applies: linear or cubic downsampling.
bool widened(const ResizeMode &M, double Scale) {
  return M.Antialias && M.Mode != "nearest" && Scale < 1;
}

/// The first tap of the antialiased filter relative to the lower neighbour
/// (ONNX's reference: floor(-support / scale) + 1, support 1 for linear and
/// 2 for cubic); the filter has 2 - 2 * start taps.
int64_t widenedStart(const ResizeMode &M, double Scale) {
  return int64_t(std::floor(-(M.Mode == "linear" ? 1.0 : 2.0) / Scale) + 1);
}

/// Taps per output of one axis.
int64_t tapsOf(const ResizeMode &M, double Scale) {
  if (widened(M, Scale))
    return 2 - 2 * widenedStart(M, Scale);
  return M.Mode == "cubic" ? 4 : 2;
}

/// The antialiased filter's weights at Ratio (in (0, 1]) of the lower
/// neighbour: the linear (triangle) or cubic kernel stretched by 1/Scale,
/// normalized to sum 1.
std::vector<double> widenedCoeffs(const ResizeMode &M, double Ratio, double Scale) {
  int64_t Start = widenedStart(M, Scale), N = 2 - 2 * Start;
  double A = M.CubicA;
  std::vector<double> W(static_cast<size_t>(N));
  double Sum = 0;
  for (int64_t K = 0; K < N; ++K) {
    double X = std::fabs(Scale * (double(Start + K) - Ratio));
    if (M.Mode == "linear")
      W[size_t(K)] = std::clamp(1 - X, 0.0, 1.0);
    else if (X <= 1)
      W[size_t(K)] = (A + 2) * X * X * X - (A + 3) * X * X + 1;
    else if (X < 2)
      W[size_t(K)] = A * X * X * X - 5 * A * X * X + 8 * A * X - 4 * A;
    Sum += W[size_t(K)];
  }
  for (double &V : W)
    V /= Sum;
  return W;
}

/// The taps of one axis of In elements resized to Out with scale Scale
/// (Out / In when the sizes were given); Roi = {start, end} for
/// tf_crop_and_resize.
AxisPlan planAxis(const ResizeMode &M, int64_t In, int64_t Out, double Scale,
                  std::pair<double, double> Roi) {
  double OutWidth = Scale * double(In);
  int64_t N = tapsOf(M, Scale);
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
    else if (T == "half_pixel_symmetric") {
      // The center of the input maps to the center of the output canvas.
      double Offset = double(In) / 2 * (1 - double(Out) / OutWidth);
      X = Offset + (X + 0.5) / Scale - 0.5;
    } else if (T == "tf_crop_and_resize") {
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
    } else if (widened(M, Scale)) {
      W = widenedCoeffs(M, Ratio, Scale);
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

/// Axis D of X resampled by plan P: a sum over the taps of gathers along D
/// times their weights (nearest: the one gather), with Extrapolation where
/// tf_crop_and_resize samples outside the input.
Value resampleAxis(Importer &I, const ResizeMode &M, Value X, size_t D, const AxisPlan &P,
                   double Extrapolation) {
  OpBuilder &B = I.B;
  Type T = Importer::eltOf(X);
  Shape S = I.shapeOf(X), GS = S;
  int64_t Out = int64_t(P.Outside.size());
  GS[D] = Out;
  Shape WS(S.size(), 1);
  WS[D] = Out;
  Value Sum;
  for (size_t K = 0; K < P.Idx.size(); ++K) {
    Const Idx;
    Idx.DType = onnx::TensorProto::INT64;
    Idx.Dims = {Out};
    Idx.I = P.Idx[K];
    Value IdxV = I.materialize(Idx);
    if (!IdxV)
      return {};
    Value G = B.create<graph::GatherOp>(I.Loc, RankedTensorType::get(GS, T), X, IdxV,
                                        B.getI64IntegerAttr(int64_t(D)));
    if (M.Mode == "nearest") {
      Sum = G;
      break;
    }
    Value W =
        I.constFrom(WS, T, [&](const std::vector<int64_t> &At) { return P.W[K][size_t(At[D])]; });
    Value Term = I.bin<graph::MulOp>(G, W);
    Sum = Sum ? I.bin<graph::AddOp>(Sum, Term) : Term;
    if (!Sum) // a failed step must not restart the sum
      return {};
  }
  if (std::find(P.Outside.begin(), P.Outside.end(), true) != P.Outside.end()) {
    Const Mask;
    Mask.DType = onnx::TensorProto::BOOL;
    Mask.Dims = WS;
    for (bool O : P.Outside)
      Mask.I.push_back(O);
    Value MaskV = I.materialize(Mask); // first: the graph keeps its constants in order
    Sum = I.where(MaskV, I.scalar(Extrapolation, T), Sum);
  }
  return Sum;
}

} // namespace

LogicalResult Importer::importResize() { return buildResize(/*Upsample=*/false); }

/// Opset 18: antialias, axes, keep_aspect_ratio_policy.
LogicalResult Importer::importResize18() { return buildResize(/*Upsample=*/false); }

/// Opset 19: coordinate_transformation_mode half_pixel_symmetric.
LogicalResult Importer::importResize19() { return buildResize(/*Upsample=*/false); }

LogicalResult Importer::importUpsample() { return buildResize(/*Upsample=*/true); }

LogicalResult Importer::resizeAttrs18() {
  // ONNX's checker does not know opset 18 here: the inputs and attribute
  // types are checked as it would.
  if (Node->input_size() > 4)
    return fail("Resize takes at most 4 inputs, not " + std::to_string(Node->input_size()));
  if (failed(onlyAttrs({"mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
                        "exclude_outside", "extrapolation_value", "antialias", "axes",
                        "keep_aspect_ratio_policy"})))
    return failure();
  using AP = onnx::AttributeProto;
  static const std::map<std::string, std::pair<AP::AttributeType, const char *>> Types = {
      {"mode", {AP::STRING, "a string"}},
      {"coordinate_transformation_mode", {AP::STRING, "a string"}},
      {"nearest_mode", {AP::STRING, "a string"}},
      {"keep_aspect_ratio_policy", {AP::STRING, "a string"}},
      {"cubic_coeff_a", {AP::FLOAT, "a float"}},
      {"extrapolation_value", {AP::FLOAT, "a float"}},
      {"exclude_outside", {AP::INT, "an int"}},
      {"antialias", {AP::INT, "an int"}},
      {"axes", {AP::INTS, "a list of ints"}}};
  for (const auto &A : Node->attribute()) {
    const auto &[Want, What] = Types.at(A.name());
    if (A.type() != Want)
      return fail("attribute " + q(A.name()) + " must be " + What);
  }
  int64_t Antialias = intAttr("antialias", 0);
  if (Antialias != 0 && Antialias != 1)
    return fail("antialias '" + std::to_string(Antialias) + "' is not supported");
  std::string Policy = stringAttr("keep_aspect_ratio_policy", "stretch");
  if (Policy != "stretch" && Policy != "not_larger" && Policy != "not_smaller")
    return fail("keep_aspect_ratio_policy " + q(Policy) + " is not supported");
  return success();
}

FailureOr<std::vector<int64_t>> Importer::resizeAxes(size_t Rank) {
  std::vector<int64_t> Axes;
  if (Opset < 18 || !attr("axes")) {
    for (size_t D = 0; D < Rank; ++D)
      Axes.push_back(int64_t(D));
    return Axes;
  }
  Axes = intsAttr("axes");
  if (Axes.empty())
    return fail("axes must not be empty");
  std::vector<bool> Seen(Rank, false);
  for (int64_t &A : Axes) {
    if (A < -int64_t(Rank) || A >= int64_t(Rank))
      return fail("axis " + std::to_string(A) + " is out of range for an input of rank " +
                  std::to_string(Rank));
    if (A < 0)
      A += int64_t(Rank);
    if (Seen[size_t(A)])
      return fail("axes names axis " + std::to_string(A) + " twice");
    Seen[size_t(A)] = true;
  }
  return Axes;
}

LogicalResult Importer::resizeTargets(int ScalesAt, int SizesAt, const std::vector<int64_t> &Axes,
                                      const Shape &In, Shape &Out, std::vector<double> &Scales) {
  size_t Rank = In.size(), NA = Axes.size();
  bool Listed = Opset >= 18 && attr("axes");
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
    if (Sizes.size() != NA)
      return fail(
          "sizes has " + std::to_string(Sizes.size()) + " values for " +
          (Listed ? std::to_string(NA) + " axes" : "an input of rank " + std::to_string(Rank)));
    for (size_t K = 0; K < NA; ++K) {
      size_t D = size_t(Axes[K]);
      if (Sizes[K] < 0)
        return fail("sizes must not be negative");
      Out[D] = Sizes[K];
      Scales[D] = In[D] ? double(Sizes[K]) / double(In[D]) : 1.0;
    }
    std::string Policy =
        Opset >= 18 ? stringAttr("keep_aspect_ratio_policy", "stretch") : std::string("stretch");
    if (Policy == "stretch")
      return success();
    // One scale for the named axes, the smallest (not_larger) or largest
    // (not_smaller) of theirs; sizes rounded half up as ONNX's reference
    // rounds them (int(scale * in + 0.5)).
    double Common = Scales[size_t(Axes[0])];
    for (size_t K = 0; K < NA; ++K) {
      size_t D = size_t(Axes[K]);
      if (In[D] == 0)
        return fail("keep_aspect_ratio_policy " + q(Policy) + " cannot resize an empty axis");
      Common = Policy == "not_larger" ? std::min(Common, Scales[D]) : std::max(Common, Scales[D]);
    }
    for (size_t K = 0; K < NA; ++K) {
      size_t D = size_t(Axes[K]);
      double O = std::floor(Common * double(In[D]) + 0.5);
      if (O > double(INT64_MAX / 2))
        return fail("sizes give an output too large");
      Out[D] = int64_t(O);
      Scales[D] = Common;
    }
    return success();
  }
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
  if (!C->isFloat() || C->size() != int64_t(NA))
    return fail("scales needs " + std::to_string(NA) + " float values");
  for (size_t K = 0; K < NA; ++K) {
    size_t D = size_t(Axes[K]);
    double S = double(C->F[K]);
    if (!(S > 0) || !std::isfinite(S))
      return fail("scales must be positive and finite");
    Scales[D] = S;
    double O = std::floor(S * double(In[D]));
    if (O > double(INT64_MAX / 2))
      return fail("scale " + std::to_string(S) + " gives an output too large");
    Out[D] = int64_t(O);
  }
  return success();
}

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
    if (Opset >= 18
            ? failed(resizeAttrs18())
            : failed(onlyAttrs({"mode", "coordinate_transformation_mode", "nearest_mode",
                                "cubic_coeff_a", "exclude_outside", "extrapolation_value"})))
      return failure();
    M.Transform = stringAttr("coordinate_transformation_mode", "half_pixel");
    M.Nearest = stringAttr("nearest_mode", "round_prefer_floor");
    M.CubicA = floatAttr("cubic_coeff_a", -0.75f);
    M.ExcludeOutside = intAttr("exclude_outside", 0) != 0;
    M.Antialias = Opset >= 18 && intAttr("antialias", 0) != 0;
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
  // ONNX's reference refuses antialias with nearest, which the spec leaves
  // undefined.
  if (M.Antialias && M.Mode == "nearest")
    return fail("antialias is not supported with mode 'nearest'");
  static const std::set<std::string> Transforms = {"half_pixel",         "asymmetric",
                                                   "pytorch_half_pixel", "tf_half_pixel_for_nn",
                                                   "align_corners",      "tf_crop_and_resize"};
  if (M.Transform == "half_pixel_symmetric" && Opset < 19)
    return fail("coordinate_transformation_mode 'half_pixel_symmetric' needs opset 19 or later");
  if (!Transforms.count(M.Transform) && M.Transform != "half_pixel_symmetric")
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
  FailureOr<std::vector<int64_t>> Axes = resizeAxes(Rank);
  if (failed(Axes) || failed(resizeTargets(ScalesAt, SizesAt, *Axes, In, Out, Scales)))
    return failure();
  if (failed(checkComputed(Out, onnxType(eltOf(X)), "output", shapes::numElements(In))))
    return failure();
  // roi: starts then ends of the resized axes; the others keep [0, 1].
  std::vector<double> Roi(2 * Rank, 0.0);
  size_t NA = Axes->size();
  if (M.Transform == "tf_crop_and_resize") {
    const Const *R = constInput(RoiAt, "roi");
    if (!R)
      return failure();
    if (!R->isFloat() || R->size() != int64_t(2 * NA))
      return fail("roi needs " + std::to_string(2 * NA) + " float values");
    for (size_t D = 0; D < Rank; ++D)
      Roi[D + Rank] = 1.0;
    for (size_t K = 0; K < NA; ++K) {
      Roi[size_t((*Axes)[K])] = R->F[K];
      Roi[size_t((*Axes)[K]) + Rank] = R->F[K + NA];
    }
  }
  for (size_t D = Rank; D-- > 0;) {
    if (In[D] == 0 || Out[D] == 0) {
      if (In[D] != Out[D])
        return fail("cannot resize an empty dimension to a non-empty one");
      continue;
    }
    if (widened(M, Scales[D])) {
      int64_t Taps = tapsOf(M, Scales[D]);
      if (failed(checkUnroll(Taps, "the antialiased filter")) ||
          failed(checkComputed({Taps, Out[D]}, onnx::TensorProto::INT64,
                               "the antialiased filter's taps")))
        return failure();
    }
    AxisPlan P = planAxis(M, In[D], Out[D], Scales[D], {Roi[D], Roi[D + Rank]});
    if (P.identity(In[D]))
      continue;
    X = resampleAxis(*this, M, X, D, P, Extrapolation);
    if (!X)
      return failure();
  }
  return setOutput(0, X);
}

//===----------------------------------------------------------------------===//
// Sampling at computed coordinates (GridSample, RoiAlign)
//===----------------------------------------------------------------------===//

Value Importer::pixelRows(Value X) {
  if (!X)
    return {};
  Shape S = shapeOf(X);
  return reshape(transpose(X, {0, 2, 3, 1}), {S[0] * S[2] * S[3], S[1]});
}

Value Importer::pixelsAt(Value Rows, Value Base, Value Y, Value X, int64_t W) {
  Type I64 = B.getI64Type();
  Value Flat = bin<graph::AddOp>(
      bin<graph::AddOp>(Base, bin<graph::MulOp>(castTo(Y, I64), scalar(double(W), I64))),
      castTo(X, I64));
  if (!Flat || !Rows)
    return {};
  Shape Out = shapeOf(Flat);
  Out.push_back(shapeOf(Rows)[1]);
  return B.create<graph::GatherOp>(Loc, RankedTensorType::get(Out, eltOf(Rows)), Rows, Flat,
                                   B.getI64IntegerAttr(0));
}

//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//

// The input's pixels as rows [N * H * W, C], each output point's taps
// gathered from them (clamped indices; masked to 0 outside under zeros
// padding) and summed with their weights, as PyTorch's grid_sample
// computes: coordinates unnormalized by align_corners, bilinear and
// nearest taps at the padded coordinate, bicubic taps (A = -0.75) each
// padded on its own.
LogicalResult Importer::importGridSample() {
  if (failed(onlyAttrs({"align_corners", "mode", "padding_mode"})))
    return failure();
  std::string Mode = stringAttr("mode", "bilinear"), Padding = stringAttr("padding_mode", "zeros");
  bool Align = intAttr("align_corners", 0) != 0;
  if (Mode != "bilinear" && Mode != "nearest" && Mode != "bicubic")
    return fail("mode " + q(Mode) + " is not bilinear, nearest or bicubic");
  if (Padding != "zeros" && Padding != "border" && Padding != "reflection")
    return fail("padding_mode " + q(Padding) + " is not zeros, border or reflection");
  Value X = floatInput(0), G = floatInput(1);
  if (!X || !G)
    return failure();
  Shape XS = shapeOf(X), GS = shapeOf(G);
  if (XS.size() != 4 || GS.size() != 4 || GS[0] != XS[0] || GS[3] != 2)
    return fail("GridSample takes an input [N, C, H, W] and a grid [N, H_out, W_out, 2] (input " +
                shapeStr(XS) + ", grid " + shapeStr(GS) + ")");
  int64_t N = XS[0], H = XS[2], W = XS[3], Ho = GS[1], Wo = GS[2];
  Type I64 = B.getI64Type();
  using P = graph::ComparePredicate;
  auto Add = [&](Value A, double V) { return bin<graph::AddOp>(A, scalar(V)); };
  auto Mul = [&](Value A, double V) { return bin<graph::MulOp>(A, scalar(V)); };
  Value Rows = pixelRows(X);
  Value Base = constFrom({N, 1, 1}, I64,
                         [&](const std::vector<int64_t> &I) { return double(I[0] * H * W); });
  // Pixel coordinates from [-1, 1].
  auto Unnormalize = [&](Value V, int64_t Size) {
    return Align ? Mul(Add(V, 1), 0.5 * double(Size - 1)) : Add(Mul(Add(V, 1), 0.5 * Size), -0.5);
  };
  auto Clamp = [&](Value V, int64_t Size) -> Value {
    if (!V)
      return {};
    return B.create<graph::ClipOp>(Loc, V.getType(), V, B.getF32FloatAttr(0.0f),
                                   B.getF32FloatAttr(float(Size - 1)));
  };
  // Reflected by the borders (the pixel centres with align_corners, else
  // the pixels' outer edges), then clamped.
  auto Reflect = [&](Value V, int64_t Size) -> Value {
    double Lo = Align ? 0 : -0.5, Span = Align ? double(Size - 1) : double(Size);
    if (Span <= 0)
      return Mul(V, 0);
    Value In = un<graph::AbsOp>(Add(V, -Lo));
    auto FMod = [&](Value A, double D) -> Value {
      if (!A)
        return {};
      return B.create<graph::ModOp>(Loc, A.getType(), A, scalar(D), B.getBoolAttr(true));
    };
    Value Extra = FMod(In, Span);
    Value Flips = un<graph::FloorOp>(Mul(In, 1.0 / Span));
    Value Even = compare(P::EQ, FMod(Flips, 2), scalar(0));
    return Clamp(where(Even, Add(Extra, Lo), Add(Mul(Extra, -1), Span + Lo)), Size);
  };
  auto Padded = [&](Value V, int64_t Size) {
    return Padding == "border" ? Clamp(V, Size) : Padding == "reflection" ? Reflect(V, Size) : V;
  };
  // The pixel at integral (Ix, Iy) for every output point: [N, Ho, Wo, C].
  auto Tap = [&](Value Ix, Value Iy) -> Value {
    Value Got = pixelsAt(Rows, Base, Clamp(Iy, H), Clamp(Ix, W), W);
    if (!Got || Padding != "zeros")
      return Got;
    Value Inside = bin<graph::AndOp>(
        bin<graph::AndOp>(compare(P::GE, Ix, scalar(0)), compare(P::LE, Ix, scalar(double(W - 1)))),
        bin<graph::AndOp>(compare(P::GE, Iy, scalar(0)),
                          compare(P::LE, Iy, scalar(double(H - 1)))));
    return where(reshape(Inside, {N, Ho, Wo, 1}), Got, scalar(0));
  };
  Value Sum;
  auto Accumulate = [&](Value Tapped, Value Weight) {
    Value T = Weight ? bin<graph::MulOp>(Tapped, reshape(Weight, {N, Ho, Wo, 1})) : Tapped;
    Sum = Sum ? bin<graph::AddOp>(Sum, T) : T;
  };
  Value Gx = Unnormalize(reshape(sliceAlong(G, 3, 0, 1), {N, Ho, Wo}), W);
  Value Gy = Unnormalize(reshape(sliceAlong(G, 3, 1, 2), {N, Ho, Wo}), H);
  if (Mode == "nearest") {
    Accumulate(Tap(un<graph::RoundOp>(Padded(Gx, W)), un<graph::RoundOp>(Padded(Gy, H))), {});
  } else if (Mode == "bilinear") {
    Value Px = Padded(Gx, W), Py = Padded(Gy, H);
    Value X0 = un<graph::FloorOp>(Px), Y0 = un<graph::FloorOp>(Py);
    Value X1 = Add(X0, 1), Y1 = Add(Y0, 1);
    Value Wx1 = bin<graph::SubOp>(Px, X0), Wy1 = bin<graph::SubOp>(Py, Y0);
    Value Wx0 = Add(Mul(Wx1, -1), 1), Wy0 = Add(Mul(Wy1, -1), 1);
    Accumulate(Tap(X0, Y0), bin<graph::MulOp>(Wx0, Wy0));
    Accumulate(Tap(X1, Y0), bin<graph::MulOp>(Wx1, Wy0));
    Accumulate(Tap(X0, Y1), bin<graph::MulOp>(Wx0, Wy1));
    Accumulate(Tap(X1, Y1), bin<graph::MulOp>(Wx1, Wy1));
  } else {
    // Keys' cubic convolution with A = -0.75 at distances t + 1, t, 1 - t
    // and 2 - t from the four taps.
    const double A = -0.75;
    auto Outer = [&](Value D) { // |d| in [1, 2]
      return Add(Mul(bin<graph::MulOp>(
                         Add(Mul(bin<graph::MulOp>(Add(Mul(D, A), -5 * A), D), 1), 8 * A), D),
                     1),
                 -4 * A);
    };
    auto Inner = [&](Value D) { // |d| in [0, 1]
      return Add(bin<graph::MulOp>(bin<graph::MulOp>(Add(Mul(D, A + 2), -(A + 3)), D), D), 1);
    };
    auto Weights = [&](Value T) {
      Value U = Add(Mul(T, -1), 1);
      return std::array<Value, 4>{Outer(Add(T, 1)), Inner(T), Inner(U), Outer(Add(U, 1))};
    };
    Value X0 = un<graph::FloorOp>(Gx), Y0 = un<graph::FloorOp>(Gy);
    std::array<Value, 4> Wx = Weights(bin<graph::SubOp>(Gx, X0)),
                         Wy = Weights(bin<graph::SubOp>(Gy, Y0));
    for (int J = 0; J < 4; ++J)
      for (int I = 0; I < 4; ++I)
        Accumulate(Tap(Padded(Add(X0, I - 1), W), Padded(Add(Y0, J - 1), H)),
                   bin<graph::MulOp>(Wx[size_t(I)], Wy[size_t(J)]));
  }
  return setOutput(0, transpose(Sum, {0, 3, 1, 2}));
}

//===----------------------------------------------------------------------===//
// RoiAlign
//===----------------------------------------------------------------------===//

LogicalResult Importer::importRoiAlign10() {
  if (failed(
          onlyAttrs({"mode", "output_height", "output_width", "sampling_ratio", "spatial_scale"})))
    return failure();
  return roiAlignOutput(false);
}

LogicalResult Importer::importRoiAlign() {
  if (failed(onlyAttrs({"coordinate_transformation_mode", "mode", "output_height", "output_width",
                        "sampling_ratio", "spatial_scale"})))
    return failure();
  std::string Mode = stringAttr("coordinate_transformation_mode", "half_pixel");
  if (Mode != "half_pixel" && Mode != "output_half_pixel")
    return fail("coordinate_transformation_mode " + q(Mode) +
                " is not half_pixel or output_half_pixel");
  return roiAlignOutput(Mode == "half_pixel");
}

// Each region's PH x PW bins sampled on an SH x SW grid, each sample
// bilinear in the input (zero outside [-1, size], clamped to the last
// pixel at the far edge), then averaged (or the largest weighted corner
// taken) per bin, as ONNX Runtime computes it. The samples' coordinates
// are region start + bin size x a constant per sample; the pixels come
// from the input's rows [N * H * W, C] by gathers at computed indices.
LogicalResult Importer::roiAlignOutput(bool HalfPixel) {
  std::string Mode = stringAttr("mode", "avg");
  if (Mode != "avg" && Mode != "max")
    return fail("mode " + q(Mode) + " is not avg or max");
  int64_t PH = intAttr("output_height", 1), PW = intAttr("output_width", 1);
  int64_t Ratio = intAttr("sampling_ratio", 0);
  double Scale = floatAttr("spatial_scale", 1.0f);
  if (PH < 1 || PW < 1)
    return fail("output_height and output_width must be positive");
  if (Ratio < 1)
    return fail("sampling_ratio " + std::to_string(Ratio) +
                " (adaptive) samples as many points as the regions' sizes, known only at run "
                "time; give a positive sampling_ratio");
  Value X = floatInput(0), Rois = floatInput(1);
  Value Batch = castTo(input(2), B.getI64Type());
  if (!X || !Rois || !Batch)
    return failure();
  Shape XS = shapeOf(X), RS = shapeOf(Rois);
  if (XS.size() != 4 || RS.size() != 2 || RS[1] != 4 || shapeOf(Batch) != Shape{RS[0]})
    return fail("RoiAlign takes X [N, C, H, W], rois [R, 4] and batch_indices [R] (X " +
                shapeStr(XS) + ", rois " + shapeStr(RS) + ", batch_indices " +
                shapeStr(shapeOf(Batch)) + ")");
  int64_t C = XS[1], H = XS[2], W = XS[3], R = RS[0];
  int64_t SH = Ratio, SW = Ratio;
  if (failed(checkUnroll(PH * SH * PW * SW, "the samples of a region")))
    return failure();
  Type I64 = B.getI64Type();
  using P = graph::ComparePredicate;
  auto Add = [&](Value A, double V) { return bin<graph::AddOp>(A, scalar(V)); };
  auto Mul = [&](Value A, double V) { return bin<graph::MulOp>(A, scalar(V)); };
  auto Col = [&](int64_t K) { return sliceAlong(Rois, 1, K, K + 1); }; // [R, 1]
  double Offset = HalfPixel ? 0.5 : 0.0;
  Value X1 = Add(Mul(Col(0), Scale), -Offset), Y1 = Add(Mul(Col(1), Scale), -Offset);
  Value RoiW = bin<graph::SubOp>(Add(Mul(Col(2), Scale), -Offset), X1);
  Value RoiH = bin<graph::SubOp>(Add(Mul(Col(3), Scale), -Offset), Y1);
  if (!HalfPixel) {
    RoiW = bin<graph::MaxOp>(RoiW, scalar(1));
    RoiH = bin<graph::MaxOp>(RoiH, scalar(1));
  }
  // Sample coordinates: start + (bin size) x (bin + (sample + 0.5) / grid).
  auto Samples = [&](Value Start, Value Size, int64_t Bins, int64_t Grid) {
    Value Steps = constFrom({1, Bins * Grid}, B.getF32Type(), [&](const std::vector<int64_t> &I) {
      return double(I[1] / Grid) + (double(I[1] % Grid) + 0.5) / double(Grid);
    });
    return bin<graph::AddOp>(Start, bin<graph::MulOp>(Mul(Size, 1.0 / double(Bins)), Steps));
  };
  Value Ys = reshape(Samples(Y1, RoiH, PH, SH), {R, PH * SH, 1});
  Value Xs = reshape(Samples(X1, RoiW, PW, SW), {R, 1, PW * SW});
  // Per axis: whether a sample is inside [-1, size], its low and high
  // pixel and the weight of the high one.
  struct Axis {
    Value Inside, Low, High, Frac;
  };
  auto Along = [&](Value V, int64_t Size) {
    Axis A;
    A.Inside =
        bin<graph::AndOp>(compare(P::GE, V, scalar(-1)), compare(P::LE, V, scalar(double(Size))));
    Value Pos = bin<graph::MaxOp>(V, scalar(0));
    Value Low = un<graph::FloorOp>(Pos);
    Value Edge = compare(P::GE, Low, scalar(double(Size - 1)));
    A.Low = where(Edge, scalar(double(Size - 1)), Low);
    A.High = where(Edge, scalar(double(Size - 1)), Add(Low, 1));
    A.Frac = where(Edge, scalar(0), bin<graph::SubOp>(Pos, Low));
    return A;
  };
  Axis Ay = Along(Ys, H), Ax = Along(Xs, W);
  Value Inside = bin<graph::AndOp>(Ay.Inside, Ax.Inside); // [R, PH*SH, PW*SW]
  Value Rows = pixelRows(X);
  Value Base = reshape(bin<graph::MulOp>(Batch, scalar(double(H * W), I64)), {R, 1, 1});
  auto Corner = [&](Value Yi, Value Xi, Value Weight) -> Value {
    Value Got = pixelsAt(Rows, Base, Yi, Xi, W);
    Value Wt = where(Inside, Weight, scalar(0));
    return bin<graph::MulOp>(Got, reshape(Wt, {R, PH * SH, PW * SW, 1}));
  };
  auto Not = [&](Value F) { return Add(Mul(F, -1), 1); };
  Value Terms[] = {Corner(Ay.Low, Ax.Low, bin<graph::MulOp>(Not(Ay.Frac), Not(Ax.Frac))),
                   Corner(Ay.Low, Ax.High, bin<graph::MulOp>(Not(Ay.Frac), Ax.Frac)),
                   Corner(Ay.High, Ax.Low, bin<graph::MulOp>(Ay.Frac, Not(Ax.Frac))),
                   Corner(Ay.High, Ax.High, bin<graph::MulOp>(Ay.Frac, Ax.Frac))};
  Value Sample = Terms[0];
  for (int K = 1; K < 4; ++K)
    Sample =
        Mode == "avg" ? bin<graph::AddOp>(Sample, Terms[K]) : bin<graph::MaxOp>(Sample, Terms[K]);
  Value Bins = reshape(Sample, {R, PH, SH, PW, SW, C});
  Value Pooled = Mode == "avg" ? Mul(reduceOf(graph::ReduceKind::Sum, Bins, {2, 4}, false),
                                     1.0 / double(SH * SW))
                               : reduceOf(graph::ReduceKind::Max, Bins, {2, 4}, false);
  return setOutput(0, transpose(Pooled, {0, 3, 1, 2}));
}

} // namespace d1::import
