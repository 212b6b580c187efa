//===- FunctionTable.cpp - Piecewise-cubic tables for activations ---------===//
#include "d1/Support/FunctionTable.h"

#include <cmath>
#include <cstring>

using namespace d1;

FunctionTable d1::oddFunctionTable(double (*F)(double), double Hi) {
  FunctionTable T;
  const int N = FunctionTable::Pieces;
  double H = Hi / N;
  T.Scale = float(N / Hi);
  T.Last = std::nextafter(float(N), 0.0f);
  for (int P = 0; P < N; ++P) {
    // Chebyshev nodes of [0, 1] and F there; Newton's divided differences
    // give the cubic in t, expanded to monomial coefficients.
    double Tn[4], Y[4];
    for (int K = 0; K < 4; ++K) {
      Tn[K] = 0.5 - 0.5 * std::cos(M_PI * (2 * K + 1) / 8.0);
      Y[K] = F((P + Tn[K]) * H);
    }
    double D[4] = {Y[0], Y[1], Y[2], Y[3]};
    for (int L = 1; L < 4; ++L)
      for (int K = 3; K >= L; --K)
        D[K] = (D[K] - D[K - 1]) / (Tn[K] - Tn[K - L]);
    // p(t) = D0 + D1 (t-t0) + D2 (t-t0)(t-t1) + D3 (t-t0)(t-t1)(t-t2)
    double Poly[4] = {D[3], 0, 0, 0}; // highest first, Horner expansion
    int Deg = 0;
    for (int K = 2; K >= 0; --K) {
      // Poly = Poly * (t - Tn[K]) + D[K]
      double Next[4] = {0, 0, 0, 0};
      for (int J = 0; J <= Deg; ++J) {
        Next[J] += Poly[J];
        Next[J + 1] -= Poly[J] * Tn[K];
      }
      ++Deg;
      Next[Deg] += D[K];
      std::memcpy(Poly, Next, sizeof(Poly));
    }
    for (int K = 0; K < 4; ++K)
      T.C[size_t(K)][size_t(P)] = float(Poly[3 - K]);
  }
  // Piece 0 is t * q(t), q the quadratic through f(t H) / t at three
  // Chebyshev nodes: f(0) = 0 exactly (small |x| never gets the wrong
  // sign) and the relative error stays small as x goes to 0.
  double Tn[3], D[3];
  for (int K = 0; K < 3; ++K) {
    Tn[K] = 0.5 - 0.5 * std::cos(M_PI * (2 * K + 1) / 6.0);
    D[K] = F(Tn[K] * H) / Tn[K];
  }
  for (int L = 1; L < 3; ++L)
    for (int K = 2; K >= L; --K)
      D[K] = (D[K] - D[K - 1]) / (Tn[K] - Tn[K - L]);
  // q = D0 + D1 (t - t0) + D2 (t - t0)(t - t1)
  double Q0 = D[0] - D[1] * Tn[0] + D[2] * Tn[0] * Tn[1];
  double Q1 = D[1] - D[2] * (Tn[0] + Tn[1]);
  double Q2 = D[2];
  T.C[0][0] = 0.0f;
  T.C[1][0] = float(Q0);
  T.C[2][0] = float(Q1);
  T.C[3][0] = float(Q2);
  return T;
}

float d1::evaluate(const FunctionTable &T, float X) {
  if (std::isnan(X))
    return X; // vmin.f32 passes NaN on, and so does every later step
  float A = std::fabs(X);
  float U = std::fmin(A * T.Scale, T.Last);
  int32_t P = int32_t(U); // toward zero: U >= 0
  float Tt = U - float(P);
  size_t I = size_t(P & 31);
  float Y = std::fmaf(T.C[3][I], Tt, T.C[2][I]);
  Y = std::fmaf(Y, Tt, T.C[1][I]);
  Y = std::fmaf(Y, Tt, T.C[0][I]);
  return std::signbit(X) ? -Y : Y; // or-ing the sign bit into Y >= 0
}
