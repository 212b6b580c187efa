//===- FunctionTable.h - Piecewise-cubic tables for activations -*- C++ -*-===//
//
// An odd function f (f(-x) = -f(x), f >= 0 on [0, Hi]) as 32 cubic pieces
// over [0, Hi]: the table the code generator keeps in SRAM and reads into
// eight vector registers, picking each lane's piece with a two-source lane
// shuffle (vperm.32 indexes 32 lanes, hence 32 pieces). Plain C++: the
// coefficients are fitted here and evaluate() repeats the exact fp32 steps
// the generated code takes, so unit tests bound its error.
//
//===----------------------------------------------------------------------===//
#ifndef D1_SUPPORT_FUNCTIONTABLE_H
#define D1_SUPPORT_FUNCTIONTABLE_H

#include <array>
#include <cstdint>

namespace d1 {

struct FunctionTable {
  static constexpr int Pieces = 32;
  float Scale = 1; // u = min(|x| * Scale, Last): piece floor(u), t = u - piece
  float Last = 0;  // the largest u below Pieces: |x| beyond Hi reads f(Hi)
  /// C[k][p]: piece p is ((C[3] t + C[2]) t + C[1]) t + C[0] for t in [0, 1).
  std::array<std::array<float, Pieces>, 4> C{};
};

/// The table of odd F on [0, Hi]: each piece interpolates F at the four
/// Chebyshev nodes of its interval (near the best cubic), fitted in double.
FunctionTable oddFunctionTable(double (*F)(double), double Hi);

/// What the generated code computes for x, step for step in fp32.
float evaluate(const FunctionTable &T, float X);

} // namespace d1

#endif
