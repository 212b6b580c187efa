//===- Numerics.h - Bit-exact number formats of the D1 ----------*- C++ -*-===//
//
// bf16 conversions, NaN-propagating min/max, saturating conversions, the
// stochastic-rounding generator and the vexp.f32 sequence. The emulator, the
// assembler (.bf16 data) and the tests all use these, so each rule is written
// once. Build with -ffp-contract=off: every operation below rounds where the
// source says it does.
//
//===----------------------------------------------------------------------===//
#ifndef D1_TARGET_NUMERICS_H
#define D1_TARGET_NUMERICS_H

#include <cmath>
#include <cstdint>
#include <cstring>

namespace d1 {

inline uint32_t f32Bits(float F) {
  uint32_t U;
  std::memcpy(&U, &F, 4);
  return U;
}
inline float bitsF32(uint32_t U) {
  float F;
  std::memcpy(&F, &U, 4);
  return F;
}

constexpr uint32_t CanonicalNaN = 0x7fc00000u;

/// fp32 -> bf16, round to nearest even; NaN stays NaN (quieted).
inline uint16_t f32ToBf16RNE(float F) {
  uint32_t U = f32Bits(F);
  if ((U & 0x7fffffffu) > 0x7f800000u)
    return uint16_t((U >> 16) | 0x0040u);
  U += 0x7fffu + ((U >> 16) & 1u);
  return uint16_t(U >> 16);
}

/// fp32 -> bf16, stochastic: Random (16 bits) is added below bit 16, then the
/// low half is dropped. NaN stays NaN; values that would round past the
/// largest finite bf16 become infinity, as with round-to-nearest.
inline uint16_t f32ToBf16SR(float F, uint32_t Random16) {
  uint32_t U = f32Bits(F);
  if ((U & 0x7fffffffu) > 0x7f800000u)
    return uint16_t((U >> 16) | 0x0040u);
  if ((U & 0x7fffffffu) == 0x7f800000u)
    return uint16_t(U >> 16);
  U += Random16 & 0xffffu;
  return uint16_t(U >> 16);
}

inline float bf16ToF32(uint16_t B) { return bitsF32(uint32_t(B) << 16); }

inline float fminNaN(float A, float B) {
  if (std::isnan(A) || std::isnan(B))
    return bitsF32(CanonicalNaN);
  if (A == B)
    return std::signbit(A) ? A : B; // min(-0, +0) = -0
  return A < B ? A : B;
}
inline float fmaxNaN(float A, float B) {
  if (std::isnan(A) || std::isnan(B))
    return bitsF32(CanonicalNaN);
  if (A == B)
    return std::signbit(A) ? B : A; // max(-0, +0) = +0
  return A > B ? A : B;
}

/// An integer of up to 64 bits (its bits in V; Unsigned for the unsigned
/// types of 32 and 64 bits) to fp32 as the generated code converts it:
/// x = a 2^40 + m 2^16 + l, then (a 2^24 + m) 2^16 + l with two fmas.
inline float intToF32(uint64_t V, bool Unsigned) {
  float A = float(int32_t(Unsigned ? int64_t(V >> 40) : int64_t(V) >> 40));
  float M = float(int32_t((V >> 16) & 0xffffff));
  float L = float(int32_t(V & 0xffff));
  return std::fma(std::fma(A, 16777216.0f, M), 65536.0f, L);
}

/// fp32 -> int32 toward zero, saturating; NaN -> 0.
inline int32_t f32ToI32Sat(float F) {
  if (std::isnan(F))
    return 0;
  if (F >= 2147483648.0f)
    return INT32_MAX;
  if (F <= -2147483648.0f)
    return INT32_MIN;
  return int32_t(F);
}

/// splitmix64, used to turn a seed into generator state.
inline uint64_t splitMix64(uint64_t X) {
  X += 0x9e3779b97f4a7c15ull;
  X = (X ^ (X >> 30)) * 0xbf58476d1ce4e5b9ull;
  X = (X ^ (X >> 27)) * 0x94d049bb133111ebull;
  return X ^ (X >> 31);
}

/// xorshift64*: the stochastic-rounding generator of every core.
inline uint64_t xorshift64Star(uint64_t &State) {
  State ^= State >> 12;
  State ^= State << 25;
  State ^= State >> 27;
  return State * 0x2545f4914f6cdd1dull;
}

/// vexp.f32: e^x in fp32 operations only.
///   n = nearbyint(x * log2(e)); r = fma(-n, ln2_hi, x); r = fma(-n, ln2_lo, r)
///   p = Horner of 1 + r + r^2/2! + ... + r^7/7! with fma; result = p * 2^n.
/// x >= 88.72284 gives +inf; x <= -87.33654 gives +0; NaN stays NaN.
inline float expF32(float X) {
  if (std::isnan(X))
    return X;
  if (X >= 88.72284f)
    return INFINITY;
  if (X <= -87.33654f)
    return 0.0f;
  const float Log2E = 1.44269504f, Ln2Hi = 0.693145752f, Ln2Lo = 1.42860677e-6f;
  float N = std::nearbyint(X * Log2E);
  float R = std::fma(-N, Ln2Hi, X);
  R = std::fma(-N, Ln2Lo, R);
  float P = 1.98412698e-4f;           // 1/7!
  P = std::fma(P, R, 1.38888889e-3f); // 1/6!
  P = std::fma(P, R, 8.33333333e-3f); // 1/5!
  P = std::fma(P, R, 4.16666667e-2f); // 1/4!
  P = std::fma(P, R, 1.66666667e-1f); // 1/3!
  P = std::fma(P, R, 0.5f);
  P = std::fma(P, R, 1.0f);
  P = std::fma(P, R, 1.0f);
  int E = int(N);
  // 2^E may be out of range for one scale factor near the ends: split it.
  int E1 = E / 2, E2 = E - E1;
  P *= bitsF32(uint32_t(E1 + 127) << 23);
  P *= bitsF32(uint32_t(E2 + 127) << 23);
  return P;
}

} // namespace d1

#endif
