//===- MmaConv.cpp - Data layouts of convolutions on the matrix unit ------===//
#include "d1/Planning/MmaConv.h"
#include "d1/Target/Numerics.h"

#include <algorithm>

using namespace d1;
using namespace d1::plan;

MmaConvLayout d1::plan::mmaConvLayout(int64_t C, int64_t Rows, int64_t InCols, int64_t OutCols,
                                      int64_t KW, int64_t StrideW, int64_t DilW, int64_t Filters) {
  MmaConvLayout L;
  L.C4 = roundUp(C, 4);
  int64_t MaxIndex = 0;
  for (int64_t Kx = 0; Kx < KW; ++Kx) {
    int64_t O = Kx * DilW, Phase = O % StrideW, Q = O / StrideW, Shift = Q & 1;
    auto It = std::find_if(L.Views.begin(), L.Views.end(), [&](const MmaConvLayout::View &V) {
      return V.Phase == Phase && V.Shift == Shift;
    });
    L.ColView.push_back(It - L.Views.begin());
    if (It == L.Views.end())
      L.Views.push_back({Phase, Shift});
    L.ColIndex.push_back(Q - Shift);
    MaxIndex = std::max(MaxIndex, Q - Shift);
  }
  // Rows of the views are the input rows' phases: the tile's element k * s
  // + phase + s * shift is the view's element k, so a view is one strided
  // pass over the whole tile.
  L.Pitch = InCols / StrideW;
  for (const MmaConvLayout::View &V : L.Views) {
    int64_t Count = InCols - 1 - V.Phase < 0 ? 0 : (InCols - 1 - V.Phase) / StrideW - V.Shift + 1;
    L.ViewValid.push_back(std::clamp<int64_t>(Count, 0, L.Pitch));
  }
  L.ChannelBytes = Rows * L.Pitch * 2;
  // A last pixel block's chunks may run past its row (into the next row, or
  // past the last row into this slack): those columns are never stored.
  int64_t Slack = roundUp(2 * (8 + MaxIndex), 64);
  L.ViewBytes = L.C4 * L.ChannelBytes + Slack;
  L.StageOffset = roundUp(int64_t(L.Views.size()) * L.ViewBytes, 64);
  L.BiasOffset = L.StageOffset + 256;
  L.ScratchBytes = L.BiasOffset + roundUp(Filters, 8) * 32;
  return L;
}

std::vector<uint16_t> d1::plan::packMmaWeights(const std::vector<float> &W, int64_t F, int64_t Cg,
                                               int64_t KH, int64_t KW, int64_t Groups) {
  int64_t Fg = F / Groups, F8 = roundUp(Fg, 8), C4 = roundUp(Cg, 4);
  std::vector<uint16_t> Packed(size_t(Groups * F8 * KH * KW * C4), 0);
  size_t At = 0;
  for (int64_t G = 0; G < Groups; ++G)
    for (int64_t Fb = 0; Fb < F8; Fb += 8)
      for (int64_t Ky = 0; Ky < KH; ++Ky)
        for (int64_t Kx = 0; Kx < KW; ++Kx)
          for (int64_t Cb = 0; Cb < C4; Cb += 4)
            for (int64_t I = 0; I < 8; ++I)
              for (int64_t K = 0; K < 4; ++K, ++At) {
                int64_t Fi = Fb + I, Ci = Cb + K;
                if (Fi < Fg && Ci < Cg)
                  Packed[At] =
                      f32ToBf16RNE(W[size_t((((G * Fg + Fi) * Cg + Ci) * KH + Ky) * KW + Kx)]);
              }
  return Packed;
}
