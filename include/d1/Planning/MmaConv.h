//===- MmaConv.h - Matrix-unit layouts: convolutions, matmuls -*- C++ -*-===//
//
// A convolution on the MMA unit (d1c --precision=bf16) computes 8 filters x
// 8 output pixels per accumulator: A tiles (8 filters x 4 channels) come
// from weights packed at compile time, B tiles (4 channels x 8 pixels) are
// gathered from a bf16 copy of the fp32 input tile. This header fixes both
// layouts once, for GraphToTile (which packs the weights and sizes the
// scratch), TileToISA (which converts and gathers) and their tests.
//
// The bf16 copy of the input holds one "view" per distinct way a kernel
// column reaches the input: with stride s and an output group starting at
// column ox0 (a multiple of 8), kernel column kx reads input columns
// (ox0 + j) * s + o for o = kx * dil, j < 8, which are 8 consecutive
// elements of phase p = o % s at index ox0 + o / s. A gather needs 4-byte
// aligned chunks, so an odd index is read from a copy shifted by one
// element. View (p, t) row i holds input column p + s * (i + t); its rows
// are InCols / s elements (the input rows' width must be a multiple of 2s,
// which GraphToTile pads to), so that a whole view is one strided pass
// over the tile.
//
//===----------------------------------------------------------------------===//
#ifndef D1_PLANNING_MMACONV_H
#define D1_PLANNING_MMACONV_H

#include <cstdint>
#include <vector>

namespace d1::plan {

struct MmaConvLayout {
  int64_t C4 = 0;    // channels rounded up to 4 (the extra planes are zeros)
  int64_t Pitch = 0; // bf16 elements per view row: InCols / StrideW (even)
  struct View {
    int64_t Phase, Shift;
  };
  std::vector<View> Views;
  /// Per kernel column: its view and the offset of its chunk from ox0 in
  /// the view's row (even).
  std::vector<int64_t> ColView, ColIndex;
  /// Elements of each view row that hold its own row's input (the rest
  /// belong to the next row and only reach pixels that are not stored).
  std::vector<int64_t> ViewValid;
  int64_t ChannelBytes = 0; // between consecutive channels of a view
  int64_t ViewBytes = 0;    // between views
  int64_t StageOffset = 0;  // 8 x 8 fp32 staging block for partial stores
  int64_t BiasOffset = 0;   // per filter, its bias 8 times (an accumulator row)
  int64_t ScratchBytes = 0; // views, the staging block and the bias rows
};

/// The bf16 input copy of a conv2d_mma tile: C channels of Rows x InCols
/// fp32 elements (padded; InCols a multiple of 2 * StrideW), OutCols output columns, KW kernel
/// columns with column stride StrideW (1 or 2) and dilation DilW; room for the bias rows of Filters
/// filters.
MmaConvLayout mmaConvLayout(int64_t C, int64_t Rows, int64_t InCols, int64_t OutCols, int64_t KW,
                            int64_t StrideW, int64_t DilW, int64_t Filters = 0);

/// Weights [F][Cg][KH][KW] (per group g: filters g*F/G ...) packed as A tiles
/// in bf16 (round to nearest even): per group, [F8 / 8][KH][KW][C4 / 4] tiles
/// of 8 filters x 4 channels, tile lane 4 * i + k = filter i, channel k;
/// padding filters and channels are zero.
std::vector<uint16_t> packMmaWeights(const std::vector<float> &W, int64_t F, int64_t Cg, int64_t KH,
                                     int64_t KW, int64_t Groups);

inline int64_t roundUp(int64_t V, int64_t M) { return (V + M - 1) / M * M; }

/// The scratch of a tile.matmul_mma (C[m x n] += A[m x k] x B[k x n]): A
/// rounded to bf16 with rows of K4 elements (k rounded up to 4, zeros past
/// k), so that an A tile (8 rows x 4) is one gather of 8-byte chunks; B
/// rounded to bf16 as K4 rows of N8 elements (n rounded up to 8, zero rows
/// past k), so that a B tile (4 rows x 8) is one gather of 16-byte chunks;
/// then an 8 x 8 fp32 staging block for partial blocks. Rows of A past m
/// are not written: they only reach rows of C that are not stored.
struct MmaMatmulLayout {
  int64_t M8 = 0, N8 = 0, K4 = 0;
  int64_t BOffset = 0;     // bytes from the scratch's start
  int64_t StageOffset = 0; // bytes
  int64_t ScratchBytes = 0;
};

inline MmaMatmulLayout mmaMatmulLayout(int64_t M, int64_t N, int64_t K) {
  MmaMatmulLayout L;
  L.M8 = roundUp(M, 8);
  L.N8 = roundUp(N, 8);
  L.K4 = roundUp(K, 4);
  L.BOffset = roundUp(L.M8 * L.K4 * 2, 64);
  L.StageOffset = roundUp(L.BOffset + L.K4 * L.N8 * 2, 64);
  L.ScratchBytes = L.StageOffset + 256;
  return L;
}

/// bf16 elements of the A tiles of F filters x C channels x KH x KW.
inline int64_t mmaWeightElements(int64_t F, int64_t C, int64_t KH, int64_t KW) {
  return roundUp(F, 8) * roundUp(C, 4) * KH * KW;
}

} // namespace d1::plan

#endif
