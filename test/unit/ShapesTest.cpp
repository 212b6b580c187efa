//===- ShapesTest.cpp - Shape rules shared by importer and dialects -------===//
#include "d1/Support/Shapes.h"

#include <gtest/gtest.h>

using namespace d1::shapes;

namespace {

TEST(Shapes, Broadcast) {
  Shape Out;
  EXPECT_EQ(broadcast({2, 1, 4}, {3, 1}, Out), "");
  EXPECT_EQ(Out, (Shape{2, 3, 4}));
  EXPECT_EQ(broadcast({}, {5}, Out), "");
  EXPECT_EQ(Out, (Shape{5}));
  EXPECT_EQ(broadcast({2, 3}, {4}, Out), "shapes [2, 3] and [4] do not broadcast");
}

TEST(Shapes, Flatten2D) {
  EXPECT_EQ(flatten2D({2, 3, 4}, 0), (Shape{1, 24}));
  EXPECT_EQ(flatten2D({2, 3, 4}, 2), (Shape{6, 4}));
  EXPECT_EQ(flatten2D({2, 3, 4}, 3), (Shape{24, 1}));
  EXPECT_EQ(flatten2D({}, 0), (Shape{1, 1}));
}

TEST(Shapes, MatMul) {
  Shape Out;
  EXPECT_EQ(matmul({2, 3}, {3, 4}, Out), "");
  EXPECT_EQ(Out, (Shape{2, 4}));
  EXPECT_EQ(matmul({5, 1, 2, 3}, {7, 3, 4}, Out), "");
  EXPECT_EQ(Out, (Shape{5, 7, 2, 4}));
  EXPECT_EQ(matmul({3}, {3, 4}, Out), "");
  EXPECT_EQ(Out, (Shape{4}));
  EXPECT_EQ(matmul({2, 3}, {3}, Out), "");
  EXPECT_EQ(Out, (Shape{2}));
  EXPECT_NE(matmul({2, 3}, {4, 5}, Out), "");
}

TEST(Shapes, ConvAndPool) {
  Shape Out;
  // ResNet's stem: 224 -> 112 with a 7x7 stride-2 pad-3 convolution.
  EXPECT_EQ(conv2d({1, 3, 224, 224}, {64, 3, 7, 7}, {2, 2}, {3, 3, 3, 3}, {1, 1}, 1, Out), "");
  EXPECT_EQ(Out, (Shape{1, 64, 112, 112}));
  // Depthwise.
  EXPECT_EQ(conv2d({1, 32, 8, 8}, {32, 1, 3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, 32, Out), "");
  EXPECT_EQ(Out, (Shape{1, 32, 8, 8}));
  // Dilation 2 on a 3x3 kernel spans 5.
  EXPECT_EQ(conv2d({1, 1, 9, 9}, {1, 1, 3, 3}, {1, 1}, {0, 0, 0, 0}, {2, 2}, 1, Out), "");
  EXPECT_EQ(Out, (Shape{1, 1, 5, 5}));
  EXPECT_NE(conv2d({1, 6, 8, 8}, {4, 3, 3, 3}, {1, 1}, {0, 0, 0, 0}, {1, 1}, 4, Out), "");
  EXPECT_EQ(pool2d({1, 64, 112, 112}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, false, Out), "");
  EXPECT_EQ(Out, (Shape{1, 64, 56, 56}));
  // ceil_mode: 6 with kernel 3 stride 2 gives 3 windows, not 2.
  EXPECT_EQ(windowOut(6, 3, 2, 0, 0, 1, false), 2);
  EXPECT_EQ(windowOut(6, 3, 2, 0, 0, 1, true), 3);
  // ...but never a window that starts in the right padding.
  EXPECT_EQ(windowOut(5, 2, 2, 0, 0, 1, true), 3);
  int64_t B, E;
  autoPad(7, 3, 2, 1, true, B, E); // out 4, total pad 2
  EXPECT_EQ(B, 1);
  EXPECT_EQ(E, 1);
  autoPad(8, 4, 1, 1, true, B, E); // total 3: upper puts the extra at the end
  EXPECT_EQ(B, 1);
  EXPECT_EQ(E, 2);
  autoPad(8, 4, 1, 1, false, B, E);
  EXPECT_EQ(B, 2);
  EXPECT_EQ(E, 1);
}

TEST(Shapes, Reshape) {
  Shape Out;
  EXPECT_EQ(reshape({2, 3, 4}, {0, -1}, false, Out), "");
  EXPECT_EQ(Out, (Shape{2, 12}));
  EXPECT_EQ(reshape({2, 3, 4}, {4, 0}, true, Out),
            "cannot reshape [2, 3, 4] (24 elements) to [4, 0]");
  EXPECT_NE(reshape({2, 3}, {-1, -1}, false, Out), "");
  EXPECT_NE(reshape({2, 3}, {4, -1}, false, Out), "");
}

TEST(Shapes, SliceClampsLikeTheSpec) {
  Shape Out;
  std::vector<int64_t> S, E, St;
  // x[1:-1] on 10, and x[::-2] on 5 (INT64 bounds, as exporters write them).
  EXPECT_EQ(slice({10, 5}, {1, INT64_MAX}, {-1, INT64_MIN}, {0, 1}, {1, -2}, S, E, St, Out), "");
  EXPECT_EQ(Out, (Shape{8, 3}));
  EXPECT_EQ(S, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(E, (std::vector<int64_t>{9, -1}));
  // Ends past the dimension clamp.
  EXPECT_EQ(slice({4}, {2}, {100}, {}, {}, S, E, St, Out), "");
  EXPECT_EQ(Out, (Shape{2}));
  EXPECT_NE(slice({4}, {0}, {4}, {0}, {0}, S, E, St, Out), "");
}

TEST(Shapes, ReduceTransposeConcatGather) {
  Shape Out;
  std::vector<int64_t> Axes{-1, 1};
  EXPECT_EQ(reduce({2, 3, 4}, Axes, true, Out), "");
  EXPECT_EQ(Axes, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Out, (Shape{2, 1, 1}));
  EXPECT_EQ(transpose({2, 3, 4}, {2, 0, 1}, Out), "");
  EXPECT_EQ(Out, (Shape{4, 2, 3}));
  EXPECT_EQ(concat({{2, 3}, {2, 5}}, -1, Out), "");
  EXPECT_EQ(Out, (Shape{2, 8}));
  EXPECT_EQ(gather({5, 6, 7}, {2, 3}, 1, Out), "");
  EXPECT_EQ(Out, (Shape{5, 2, 3, 7}));
}

// Shapes and attributes from a model can be anything: no overflow, no
// division by zero, no empty clamping range.
TEST(Shapes, HostileSizes) {
  int64_t N = -1;
  EXPECT_TRUE(checkedNumElements({2, 3, 4}, N));
  EXPECT_EQ(N, 24);
  EXPECT_TRUE(checkedNumElements({}, N));
  EXPECT_EQ(N, 1);
  EXPECT_TRUE(checkedNumElements({0, int64_t(1) << 40}, N));
  EXPECT_EQ(N, 0);
  EXPECT_FALSE(checkedNumElements({int64_t(1) << 32, int64_t(1) << 32}, N));
  // Every partial product must fit, even of an empty tensor.
  EXPECT_FALSE(checkedNumElements({int64_t(1) << 32, 0, int64_t(1) << 32}, N));
  EXPECT_FALSE(checkedNumElements({2, -1}, N));
  EXPECT_EQ(numElements({int64_t(1) << 32, int64_t(1) << 32}), INT64_MAX);
  EXPECT_EQ(numElements({int64_t(1) << 62, 4, 0}), 0);

  EXPECT_EQ(windowOut(8, 3, 0, 0, 0, 1), 0); // stride 0
  EXPECT_EQ(windowOut(8, 3, 1, 0, 0, INT64_MAX), 0);
  EXPECT_EQ(windowOut(8, 3, 1, INT64_MAX, 1, 1), 0);
  EXPECT_EQ(windowOut(INT64_MAX - 1, 1, INT64_MAX, 0, 0, 1, true), 1);
  int64_t B = -1, E = -1;
  autoPad(7, 3, 0, 1, true, B, E);
  EXPECT_EQ(B + E, 0);
  autoPad(7, INT64_MAX, 1, 2, true, B, E);
  EXPECT_EQ(B + E, 0);

  Shape Out;
  EXPECT_NE(reshape({4}, {int64_t(1) << 32, int64_t(1) << 32, -1}, false, Out), "");
  EXPECT_NE(concat({{INT64_MAX}, {1}}, 0, Out), "");

  EXPECT_EQ(sliceCount(0, 5, INT64_MAX), 1);
  EXPECT_EQ(sliceCount(4, -1, INT64_MIN), 1);
  EXPECT_EQ(sliceCount(4, -1, -2), 3);
  EXPECT_EQ(sliceCount(0, 5, 2), 3);
  std::vector<int64_t> S, En, St;
  // A negative step over an empty dimension (the Shape of a scalar, say).
  EXPECT_EQ(slice({0}, {-1}, {INT64_MIN}, {}, {-1}, S, En, St, Out), "");
  EXPECT_EQ(Out, (Shape{0}));
}

} // namespace
