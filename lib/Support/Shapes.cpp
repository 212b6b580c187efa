//===- Shapes.cpp - Shape rules of tensor operations -----------------------===//
#include "d1/Support/Shapes.h"

#include <algorithm>
#include <set>

using namespace d1;
using namespace d1::shapes;

std::string shapes::str(const Shape &S) {
  std::string Out = "[";
  for (size_t I = 0; I < S.size(); ++I)
    Out += (I ? ", " : "") + std::to_string(S[I]);
  return Out + "]";
}

Shape shapes::flatten2D(const Shape &S, int64_t Axis) {
  Shape R{1, 1};
  for (size_t D = 0; D < S.size(); ++D)
    R[int64_t(D) < Axis ? 0 : 1] *= S[D];
  return R;
}

int64_t shapes::numElements(const Shape &S) {
  if (std::find(S.begin(), S.end(), 0) != S.end())
    return 0;
  int64_t N = 1;
  for (int64_t D : S)
    if (__builtin_mul_overflow(N, D, &N))
      return INT64_MAX; // no UB; the importer refuses such shapes first
  return N;
}

bool shapes::checkedNumElements(const Shape &S, int64_t &N) {
  // The product of the nonzero dimensions must fit too, so that every
  // partial product (a stride, say) does, even of an empty tensor.
  int64_t NonZero = 1;
  bool Empty = false;
  for (int64_t D : S) {
    if (D < 0 || (D && __builtin_mul_overflow(NonZero, D, &NonZero)))
      return false;
    Empty |= D == 0;
  }
  N = Empty ? 0 : NonZero;
  return true;
}

std::string shapes::broadcast(const Shape &A, const Shape &B, Shape &Out) {
  size_t R = std::max(A.size(), B.size());
  Out.assign(R, 1);
  for (size_t I = 0; I < R; ++I) {
    int64_t X = I < R - A.size() ? 1 : A[I - (R - A.size())];
    int64_t Y = I < R - B.size() ? 1 : B[I - (R - B.size())];
    if (X != Y && X != 1 && Y != 1)
      return "shapes " + str(A) + " and " + str(B) + " do not broadcast";
    Out[I] = X == 1 ? Y : X;
  }
  return "";
}

std::string shapes::matmul(const Shape &A0, const Shape &B0, Shape &Out) {
  if (A0.empty() || B0.empty())
    return "matmul operands must have rank >= 1";
  Shape A = A0, B = B0;
  if (A.size() == 1)
    A.insert(A.begin(), 1);
  if (B.size() == 1)
    B.push_back(1);
  if (A.back() != B[B.size() - 2])
    return "inner dimensions differ: " + str(A0) + " x " + str(B0);
  Shape BatchA(A.begin(), A.end() - 2), BatchB(B.begin(), B.end() - 2), Batch;
  std::string E = broadcast(BatchA, BatchB, Batch);
  if (!E.empty())
    return "batch dimensions: " + E;
  Out = Batch;
  if (A0.size() > 1)
    Out.push_back(A[A.size() - 2]);
  if (B0.size() > 1)
    Out.push_back(B.back());
  return "";
}

std::string shapes::gemm(const Shape &A, const Shape &B, bool TransA, bool TransB, Shape &Out) {
  if (A.size() != 2 || B.size() != 2)
    return "gemm operands must be matrices, got " + str(A) + " and " + str(B);
  int64_t M = TransA ? A[1] : A[0], K = TransA ? A[0] : A[1];
  int64_t K2 = TransB ? B[1] : B[0], N = TransB ? B[0] : B[1];
  if (K != K2)
    return "inner dimensions differ: " + str(A) + " x " + str(B);
  Out = {M, N};
  return "";
}

int64_t shapes::windowOut(int64_t In, int64_t Kernel, int64_t Stride, int64_t PadBegin,
                          int64_t PadEnd, int64_t Dilation, bool Ceil) {
  // Overflowing attributes (from a model) give no windows, not UB.
  int64_t Span, Room;
  if (Stride < 1 || __builtin_mul_overflow(Dilation, Kernel - 1, &Span) ||
      __builtin_add_overflow(Span, 1, &Span) || __builtin_add_overflow(In, PadBegin, &Room) ||
      __builtin_add_overflow(Room, PadEnd, &Room) || __builtin_sub_overflow(Room, Span, &Room))
    return 0;
  if (Room < 0)
    return 0;
  int64_t N = (Ceil ? Room / Stride + (Room % Stride != 0) : Room / Stride) + 1;
  // ceil_mode: the last window must start inside the input or left padding.
  int64_t Start;
  if (Ceil && (__builtin_mul_overflow(N - 1, Stride, &Start) || Start >= In + PadBegin))
    --N;
  return N;
}

static std::string checkWindowAttrs(const std::vector<int64_t> &Strides,
                                    const std::vector<int64_t> &Pads,
                                    const std::vector<int64_t> &Dilations) {
  if (Strides.size() != 2 || Pads.size() != 4 || Dilations.size() != 2)
    return "expected 2 strides, 4 pads and 2 dilations";
  for (int64_t S : Strides)
    if (S < 1)
      return "strides must be >= 1";
  for (int64_t D : Dilations)
    if (D < 1)
      return "dilations must be >= 1";
  for (int64_t P : Pads)
    if (P < 0)
      return "pads must be >= 0";
  return "";
}

std::string shapes::conv2d(const Shape &In, const Shape &W, const std::vector<int64_t> &Strides,
                           const std::vector<int64_t> &Pads, const std::vector<int64_t> &Dilations,
                           int64_t Group, Shape &Out) {
  if (In.size() != 4 || W.size() != 4)
    return "2D convolution needs a rank-4 input and weight, got " + str(In) + " and " + str(W);
  std::string E = checkWindowAttrs(Strides, Pads, Dilations);
  if (!E.empty())
    return E;
  if (Group < 1 || In[1] % Group || W[0] % Group)
    return "group " + std::to_string(Group) + " does not divide channels " + std::to_string(In[1]) +
           " and filters " + std::to_string(W[0]);
  if (W[1] != In[1] / Group)
    return "weight " + str(W) + " expects " + std::to_string(W[1] * Group) +
           " input channels, input has " + std::to_string(In[1]);
  int64_t H = windowOut(In[2], W[2], Strides[0], Pads[0], Pads[2], Dilations[0]);
  int64_t Wd = windowOut(In[3], W[3], Strides[1], Pads[1], Pads[3], Dilations[1]);
  if (H < 1 || Wd < 1)
    return "kernel larger than the padded input";
  Out = {In[0], W[0], H, Wd};
  return "";
}

std::string shapes::pool2d(const Shape &In, const std::vector<int64_t> &Kernel,
                           const std::vector<int64_t> &Strides, const std::vector<int64_t> &Pads,
                           const std::vector<int64_t> &Dilations, bool Ceil, Shape &Out) {
  if (In.size() != 4)
    return "2D pooling needs a rank-4 input, got " + str(In);
  if (Kernel.size() != 2 || Kernel[0] < 1 || Kernel[1] < 1)
    return "expected a 2D kernel";
  std::string E = checkWindowAttrs(Strides, Pads, Dilations);
  if (!E.empty())
    return E;
  int64_t H = windowOut(In[2], Kernel[0], Strides[0], Pads[0], Pads[2], Dilations[0], Ceil);
  int64_t W = windowOut(In[3], Kernel[1], Strides[1], Pads[1], Pads[3], Dilations[1], Ceil);
  if (H < 1 || W < 1)
    return "kernel larger than the padded input";
  Out = {In[0], In[1], H, W};
  return "";
}

void shapes::autoPad(int64_t In, int64_t Kernel, int64_t Stride, int64_t Dilation, bool Upper,
                     int64_t &Begin, int64_t &End) {
  Begin = End = 0;
  if (Stride < 1 || In < 0)
    return;
  int64_t OutSize = In / Stride + (In % Stride != 0), Total;
  // Overflowing attributes (from a model) give no padding, not UB; the
  // window rule then refuses them.
  if (__builtin_mul_overflow(OutSize - 1, Stride, &Total) ||
      __builtin_add_overflow(Total, 1 - In, &Total))
    return;
  int64_t Span;
  if (__builtin_mul_overflow(Dilation, Kernel - 1, &Span) ||
      __builtin_add_overflow(Total, Span, &Total))
    return;
  Total = std::max<int64_t>(0, Total);
  Begin = Upper ? Total / 2 : Total - Total / 2;
  End = Total - Begin;
}

bool shapes::normalizeAxis(int64_t &Axis, int64_t Rank) {
  if (Axis < -Rank || Axis >= Rank)
    return false;
  if (Axis < 0)
    Axis += Rank;
  return true;
}

std::string shapes::reduce(const Shape &In, std::vector<int64_t> &Axes, bool KeepDims, Shape &Out) {
  int64_t Rank = int64_t(In.size());
  if (Axes.empty())
    for (int64_t I = 0; I < Rank; ++I)
      Axes.push_back(I);
  std::set<int64_t> Seen;
  for (int64_t &A : Axes) {
    if (!normalizeAxis(A, Rank))
      return "axis " + std::to_string(A) + " out of range for rank " + std::to_string(Rank);
    if (!Seen.insert(A).second)
      return "axis " + std::to_string(A) + " repeated";
  }
  std::sort(Axes.begin(), Axes.end());
  Out.clear();
  for (int64_t I = 0; I < Rank; ++I) {
    if (!Seen.count(I))
      Out.push_back(In[I]);
    else if (KeepDims)
      Out.push_back(1);
  }
  return "";
}

std::string shapes::transpose(const Shape &In, const std::vector<int64_t> &Perm, Shape &Out) {
  if (Perm.size() != In.size())
    return "permutation of " + std::to_string(Perm.size()) + " for rank " +
           std::to_string(In.size());
  std::vector<bool> Used(In.size(), false);
  Out.clear();
  for (int64_t P : Perm) {
    if (P < 0 || P >= int64_t(In.size()) || Used[P])
      return "not a permutation: " + str(Perm);
    Used[P] = true;
    Out.push_back(In[P]);
  }
  return "";
}

std::string shapes::concat(const std::vector<Shape> &Ins, int64_t Axis, Shape &Out) {
  if (Ins.empty())
    return "concat of nothing";
  Out = Ins[0];
  if (!normalizeAxis(Axis, int64_t(Out.size())))
    return "axis out of range";
  for (size_t I = 1; I < Ins.size(); ++I) {
    if (Ins[I].size() != Out.size())
      return "ranks differ: " + str(Ins[0]) + " and " + str(Ins[I]);
    for (size_t D = 0; D < Out.size(); ++D)
      if (int64_t(D) != Axis && Ins[I][D] != Out[D])
        return "shapes " + str(Ins[0]) + " and " + str(Ins[I]) + " differ off the axis";
    if (__builtin_add_overflow(Out[Axis], Ins[I][Axis], &Out[Axis]))
      return "the concatenated dimension overflows";
  }
  return "";
}

std::string shapes::reshape(const Shape &In, const std::vector<int64_t> &Target, bool AllowZero,
                            Shape &Out) {
  Out = Target;
  int64_t Infer = -1, Known = 1;
  for (size_t I = 0; I < Out.size(); ++I) {
    if (Out[I] == 0 && !AllowZero) {
      if (I >= In.size())
        return "0 in the target shape refers to a missing input dimension";
      Out[I] = In[I];
    }
    if (Out[I] == -1) {
      if (Infer >= 0)
        return "more than one -1 in the target shape";
      Infer = int64_t(I);
      continue;
    }
    if (Out[I] < 0)
      return "negative dimension in the target shape";
    if (__builtin_mul_overflow(Known, Out[I], &Known))
      return "the target shape " + str(Out) + " has more than 2^63 elements";
  }
  int64_t N = numElements(In);
  if (Infer >= 0) {
    if (Known == 0 || N % Known)
      return "cannot infer -1: " + std::to_string(N) + " elements into " + str(Target);
    Out[Infer] = N / Known;
  } else if (Known != N) {
    return "cannot reshape " + str(In) + " (" + std::to_string(N) + " elements) to " + str(Out);
  }
  return "";
}

int64_t shapes::sliceCount(int64_t Start, int64_t End, int64_t Step) {
  // Written so that no step (INT64_MIN included) overflows.
  if (Step > 0)
    return End > Start ? (End - Start - 1) / Step + 1 : 0;
  return Start > End ? int64_t(uint64_t(Start - End - 1) / (0 - uint64_t(Step)) + 1) : 0;
}

std::string shapes::slice(const Shape &In, const std::vector<int64_t> &Starts,
                          const std::vector<int64_t> &Ends, const std::vector<int64_t> &Axes0,
                          const std::vector<int64_t> &Steps0, std::vector<int64_t> &S,
                          std::vector<int64_t> &E, std::vector<int64_t> &St, Shape &Out) {
  int64_t Rank = int64_t(In.size());
  if (Starts.size() != Ends.size())
    return "starts and ends differ in length";
  std::vector<int64_t> Axes = Axes0, Steps = Steps0;
  if (Axes.empty())
    for (size_t I = 0; I < Starts.size(); ++I)
      Axes.push_back(int64_t(I));
  if (Steps.empty())
    Steps.assign(Starts.size(), 1);
  if (Axes.size() != Starts.size() || Steps.size() != Starts.size())
    return "axes or steps differ in length from starts";
  S.assign(Rank, 0);
  E = In;
  St.assign(Rank, 1);
  std::set<int64_t> Seen;
  for (size_t I = 0; I < Axes.size(); ++I) {
    int64_t A = Axes[I];
    if (!normalizeAxis(A, Rank) || !Seen.insert(A).second)
      return "bad or repeated axis " + std::to_string(Axes[I]);
    int64_t Step = Steps[I], Dim = In[A];
    if (Step == 0)
      return "step 0";
    // The spec's clamping: [0, dim] for positive steps; starts in
    // [0, dim - 1] and ends in [-1, dim - 1] for negative ones.
    int64_t Start = Starts[I] < 0 ? Starts[I] + Dim : Starts[I];
    int64_t End = Ends[I] < 0 ? Ends[I] + Dim : Ends[I];
    if (Step > 0) {
      Start = std::clamp<int64_t>(Start, 0, Dim);
      End = std::clamp<int64_t>(End, 0, Dim);
    } else if (Dim > 0) {
      Start = std::clamp<int64_t>(Start, 0, Dim - 1);
      End = std::clamp<int64_t>(End, -1, Dim - 1);
    } else { // nothing to take (and [0, -1] is no clamping range)
      Start = End = 0;
    }
    S[A] = Start;
    E[A] = End;
    St[A] = Step;
  }
  Out.clear();
  for (int64_t D = 0; D < Rank; ++D)
    Out.push_back(sliceCount(S[D], E[D], St[D]));
  return "";
}

std::string shapes::gather(const Shape &In, const Shape &Indices, int64_t Axis, Shape &Out) {
  if (!normalizeAxis(Axis, int64_t(In.size())))
    return "axis out of range";
  Out.assign(In.begin(), In.begin() + Axis);
  Out.insert(Out.end(), Indices.begin(), Indices.end());
  Out.insert(Out.end(), In.begin() + Axis + 1, In.end());
  return "";
}
