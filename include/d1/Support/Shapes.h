//===- Shapes.h - Shape rules of tensor operations --------------*- C++ -*-===//
//
// One definition of each op's shape rule, shared by the ONNX importer, the
// graph dialect's verifiers and the lowering. Plain C++: unit-tested without
// MLIR. Each returns "" on success or a reason.
//
//===----------------------------------------------------------------------===//
#ifndef D1_SUPPORT_SHAPES_H
#define D1_SUPPORT_SHAPES_H

#include <cstdint>
#include <string>
#include <vector>

namespace d1::shapes {

using Shape = std::vector<int64_t>;

std::string str(const Shape &S);
/// The product of the dimensions; INT64_MAX if it overflows.
int64_t numElements(const Shape &S);
/// The product of the dimensions in N; false if a dimension is negative or
/// the product of the nonzero ones overflows (so every partial product fits).
bool checkedNumElements(const Shape &S, int64_t &N);

/// ONNX Flatten's 2D shape: the product of the dims before Axis, and of
/// those from Axis on (0 <= Axis <= rank).
Shape flatten2D(const Shape &S, int64_t Axis);

/// numpy (ONNX multidirectional) broadcasting.
std::string broadcast(const Shape &A, const Shape &B, Shape &Out);
/// numpy matmul, including rank-1 promotion and batch broadcasting.
std::string matmul(const Shape &A, const Shape &B, Shape &Out);
/// Gemm: A [M, K] (or [K, M] transposed), B [K, N] (or [N, K]).
std::string gemm(const Shape &A, const Shape &B, bool TransA, bool TransB, Shape &Out);
/// One spatial output size of a convolution or pooling window; Ceil for
/// ceil_mode pooling.
int64_t windowOut(int64_t In, int64_t Kernel, int64_t Stride, int64_t PadBegin, int64_t PadEnd,
                  int64_t Dilation, bool Ceil = false);
/// NCHW conv: input [N, C, H, W], weight [F, C / Group, KH, KW]; Pads
/// [top, left, bottom, right].
std::string conv2d(const Shape &In, const Shape &Weight, const std::vector<int64_t> &Strides,
                   const std::vector<int64_t> &Pads, const std::vector<int64_t> &Dilations,
                   int64_t Group, Shape &Out);
/// NCHW pooling.
std::string pool2d(const Shape &In, const std::vector<int64_t> &Kernel,
                   const std::vector<int64_t> &Strides, const std::vector<int64_t> &Pads,
                   const std::vector<int64_t> &Dilations, bool Ceil, Shape &Out);
/// SAME_UPPER / SAME_LOWER padding for one spatial dimension: total padding
/// split with the extra element at the end (upper) or the start (lower).
void autoPad(int64_t In, int64_t Kernel, int64_t Stride, int64_t Dilation, bool Upper,
             int64_t &Begin, int64_t &End);
/// Normalizes a possibly negative axis against Rank; false if out of range.
bool normalizeAxis(int64_t &Axis, int64_t Rank);
std::string reduce(const Shape &In, std::vector<int64_t> &Axes, bool KeepDims, Shape &Out);
std::string transpose(const Shape &In, const std::vector<int64_t> &Perm, Shape &Out);
std::string concat(const std::vector<Shape> &Ins, int64_t Axis, Shape &Out);
/// ONNX Reshape: 0 copies the input dimension (unless AllowZero), -1 is
/// inferred.
std::string reshape(const Shape &In, const std::vector<int64_t> &Target, bool AllowZero,
                    Shape &Out);
/// Normalizes ONNX Slice parameters (negative and out-of-range starts/ends
/// clamped per the spec) to one start, end and step per dimension.
std::string slice(const Shape &In, const std::vector<int64_t> &Starts,
                  const std::vector<int64_t> &Ends, const std::vector<int64_t> &Axes,
                  const std::vector<int64_t> &Steps, std::vector<int64_t> &AllStarts,
                  std::vector<int64_t> &AllEnds, std::vector<int64_t> &AllSteps, Shape &Out);
/// Elements a normalized slice keeps in one dimension.
int64_t sliceCount(int64_t Start, int64_t End, int64_t Step);
std::string gather(const Shape &In, const Shape &Indices, int64_t Axis, Shape &Out);

} // namespace d1::shapes

#endif
