//===- FunctionTableTest.cpp - Piecewise-cubic activation tables ----------===//
#include "d1/Support/FunctionTable.h"

#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

using namespace d1;

namespace {

double erfD(double X) { return std::erf(X); }
double tanhD(double X) { return std::tanh(X); }

/// The largest absolute error of the table against F over a dense sweep.
double worst(const FunctionTable &T, double (*F)(double), double Lo, double Hi) {
  double W = 0;
  for (int K = 0; K <= 200000; ++K) {
    double X = Lo + (Hi - Lo) * K / 200000.0;
    W = std::max(W, std::fabs(double(evaluate(T, float(X))) - F(double(float(X)))));
  }
  return W;
}

TEST(FunctionTable, ErfIsWithinAMillionthEverywhere) {
  FunctionTable T = oddFunctionTable(erfD, 4.0);
  EXPECT_LT(worst(T, erfD, -8, 8), 1e-6);
  // Odd, exact at 0, and 1 beyond the table.
  EXPECT_EQ(evaluate(T, 0.0f), 0.0f);
  EXPECT_EQ(evaluate(T, -1.5f), -evaluate(T, 1.5f));
  EXPECT_NEAR(evaluate(T, 100.0f), 1.0f, 1e-7);
  EXPECT_TRUE(std::isnan(evaluate(T, NAN))); // as vmin.f32 passes NaN on
}

TEST(FunctionTable, PiecesMeetAtTheirEnds) {
  FunctionTable T = oddFunctionTable(tanhD, 9.0);
  for (int P = 1; P < FunctionTable::Pieces; ++P) {
    float Left = T.C[0][P - 1] + T.C[1][P - 1] + T.C[2][P - 1] + T.C[3][P - 1];
    EXPECT_NEAR(Left, T.C[0][P], 2e-5) << "piece " << P;
  }
  EXPECT_LT(worst(T, tanhD, -12, 12), 2e-5);
}

TEST(FunctionTable, SmallArgumentsKeepTheirRelativeAccuracy) {
  // erf's pieces are 1/8 wide, tanh's 9/32: tanh's first piece is coarser.
  using Fn = double (*)(double);
  for (auto [F, Hi, Rel] : {std::tuple<Fn, double, double>{erfD, 4.0, 1e-5},
                            std::tuple<Fn, double, double>{tanhD, 9.0, 1e-4}}) {
    FunctionTable T = oddFunctionTable(F, Hi);
    for (double X = 1e-30; X < 0.1; X *= 1.5) {
      double Want = F(double(float(X)));
      EXPECT_LT(std::fabs(evaluate(T, float(X)) - Want) / Want, Rel) << X;
      EXPECT_GT(evaluate(T, float(X)), 0.0f);
    }
  }
}

} // namespace
