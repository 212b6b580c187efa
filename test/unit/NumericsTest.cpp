//===- NumericsTest.cpp - bf16 rounding, min/max, vexp accuracy -----------===//
#include "d1/Target/Numerics.h"

#include <gtest/gtest.h>
#include <random>

using namespace d1;

namespace {

TEST(Bf16, RoundToNearestEven) {
  EXPECT_EQ(f32ToBf16RNE(1.0f), 0x3f80);
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even 1.0.
  EXPECT_EQ(f32ToBf16RNE(bitsF32(0x3f808000)), 0x3f80);
  // 1 + 3 * 2^-8 is halfway between 0x3f81 and 0x3f82: to even 0x3f82.
  EXPECT_EQ(f32ToBf16RNE(bitsF32(0x3f818000)), 0x3f82);
  // Just above halfway rounds up.
  EXPECT_EQ(f32ToBf16RNE(bitsF32(0x3f808001)), 0x3f81);
  // The largest float rounds to infinity.
  EXPECT_EQ(f32ToBf16RNE(bitsF32(0x7f7fffff)), 0x7f80);
  EXPECT_EQ(f32ToBf16RNE(-INFINITY), 0xff80);
  // NaN stays NaN, quiet, even when only low mantissa bits are set.
  uint16_t N = f32ToBf16RNE(bitsF32(0x7f800001));
  EXPECT_EQ(N & 0x7f80, 0x7f80);
  EXPECT_NE(N & 0x7f, 0);
  EXPECT_EQ(bf16ToF32(0x4049), 3.140625f);
}

TEST(Bf16, StochasticRounding) {
  float X = bitsF32(0x3f80c000); // 3/4 of the way from 0x3f80 to 0x3f81
  EXPECT_EQ(f32ToBf16SR(X, 0), 0x3f80);
  EXPECT_EQ(f32ToBf16SR(X, 0x3fff), 0x3f80);
  EXPECT_EQ(f32ToBf16SR(X, 0x4000), 0x3f81);
  EXPECT_EQ(f32ToBf16SR(X, 0xffff), 0x3f81);
  // Exactly representable values never move.
  for (uint32_t R : {0u, 0x8000u, 0xffffu})
    EXPECT_EQ(f32ToBf16SR(1.0f, R), 0x3f80);
  EXPECT_EQ(f32ToBf16SR(INFINITY, 0xffff), 0x7f80);
  // Unbiased on average: 3/4 of draws round up.
  uint64_t State = splitMix64(1);
  int Up = 0;
  for (int I = 0; I < 40000; ++I)
    Up += f32ToBf16SR(X, uint32_t(xorshift64Star(State)) & 0xffff) == 0x3f81;
  EXPECT_NEAR(Up / 40000.0, 0.75, 0.01);
}

TEST(MinMax, NaNAndSignedZero) {
  EXPECT_TRUE(std::isnan(fminNaN(NAN, 1.0f)));
  EXPECT_TRUE(std::isnan(fmaxNaN(1.0f, NAN)));
  EXPECT_TRUE(std::signbit(fminNaN(0.0f, -0.0f)));
  EXPECT_FALSE(std::signbit(fmaxNaN(-0.0f, 0.0f)));
  EXPECT_EQ(fminNaN(-1.0f, 2.0f), -1.0f);
}

TEST(Convert, F32ToI32Saturates) {
  EXPECT_EQ(f32ToI32Sat(2.9f), 2);
  EXPECT_EQ(f32ToI32Sat(-2.9f), -2);
  EXPECT_EQ(f32ToI32Sat(1e20f), INT32_MAX);
  EXPECT_EQ(f32ToI32Sat(-1e20f), INT32_MIN);
  EXPECT_EQ(f32ToI32Sat(NAN), 0);
}

// The documented bound of vexp.f32: at most 2 ulp from e^x over its range.
TEST(Exp, WithinTwoUlp) {
  auto Ulps = [](float Got, double Want) {
    float W = float(Want);
    double Ulp = std::nextafter(std::fabs(W), INFINITY) - std::fabs(W);
    return std::fabs(double(Got) - Want) / Ulp;
  };
  double Worst = 0;
  std::mt19937 Rng(3);
  std::uniform_real_distribution<float> D(-87.0f, 88.5f);
  for (int I = 0; I < 200000; ++I) {
    float X = D(Rng);
    Worst = std::max(Worst, Ulps(expF32(X), std::exp(double(X))));
  }
  for (float X = -10; X < 10; X += 0.001f)
    Worst = std::max(Worst, Ulps(expF32(X), std::exp(double(X))));
  EXPECT_LE(Worst, 2.0);
  RecordProperty("worst_ulp", std::to_string(Worst));
  EXPECT_EQ(expF32(0.0f), 1.0f);
  EXPECT_EQ(expF32(100.0f), INFINITY);
  EXPECT_EQ(expF32(-100.0f), 0.0f);
  EXPECT_TRUE(std::isnan(expF32(NAN)));
}

} // namespace
