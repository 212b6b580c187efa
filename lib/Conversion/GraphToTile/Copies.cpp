//===- Copies.cpp - Strided copies and fills --------------------------------===//
#include "Lowering.h"

namespace d1::graphtotile {

void Lowering::stridedCopy(Value Src, int64_t SrcOff, const std::vector<int64_t> &SrcSt, Value Dst,
                           int64_t DstOff, const std::vector<int64_t> &DstSt, const Shape &Dims) {
  // The innermost two dims go in one DMA each way (rows contiguous when the
  // source's innermost stride is 1, else one element per row); the rest
  // are loops.
  size_t R = Dims.size();
  if (R == 0) {
    Value T = sram(1, eltOf(Src));
    dma(Src, idx(SrcOff), T, idx(0), {1, 1, 1}, {0, 0}, {0, 0});
    dma(T, idx(0), Dst, idx(DstOff), {1, 1, 1}, {0, 0}, {0, 0});
    free(T);
    return;
  }
  int64_t Rows = R >= 2 ? Dims[R - 2] : 1, Cols = Dims[R - 1];
  int64_t SRow = R >= 2 ? SrcSt[R - 2] : 0, DRow = R >= 2 ? DstSt[R - 2] : 0;
  bool Contig = SrcSt[R - 1] == 1 && DstSt[R - 1] == 1;
  int64_t Budget = tileElements() * 2;
  int64_t TR = std::max<int64_t>(1, std::min<int64_t>(Rows, Budget / Cols));
  if (Cols > Budget)
    return fail(Loc, "a copy with rows of " + std::to_string(Cols) +
                         " elements does not fit the SRAM tile budget yet");
  Value T = sram(TR * Cols, eltOf(Src));
  std::function<void(size_t, Value, Value)> Loop = [&](size_t D, Value SO, Value DO) {
    if (D + 2 < R) {
      auto For = B.create<scf::ForOp>(Loc, idx(0), idx(Dims[D]), idx(1));
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(For.getBody());
      Value Iv = For.getInductionVar();
      Loop(D + 1, add(SO, mul(Iv, SrcSt[D])), add(DO, mul(Iv, DstSt[D])));
      return;
    }
    forTiles(Rows, TR, [&](Value R0, int64_t Tr) {
      Value S = add(SO, mul(R0, SRow)), Dd = add(DO, mul(R0, DRow));
      if (Contig) {
        dma(Src, S, T, idx(0), {1, Tr, Cols}, {0, SRow}, {0, Cols});
        dma(T, idx(0), Dst, Dd, {1, Tr, Cols}, {0, Cols}, {0, DRow});
      } else {
        // One element per row of the DMA: planes are rows, rows are columns.
        dma(Src, S, T, idx(0), {Tr, Cols, 1}, {SRow, SrcSt[R - 1]}, {Cols, 1});
        dma(T, idx(0), Dst, Dd, {Tr, Cols, 1}, {Cols, 1}, {DRow, DstSt[R - 1]});
      }
    });
  };
  Loop(0, idx(SrcOff), idx(DstOff));
  free(T);
}

void Lowering::copy(Value Src, Value Dst, int64_t Elements) {
  int64_t T = tileElements();
  Type ET = cast<MemRefType>(Src.getType()).getElementType();
  Value Buf = B.create<memref::AllocOp>(
      Loc, tile::bufferType({std::min(T, Elements)}, ET, tile::Space::SRAM));
  forTiles(Elements, T, [&](Value Off, int64_t N) {
    dma(Src, Off, Buf, idx(0), {1, 1, N}, {0, 0}, {0, 0});
    dma(Buf, idx(0), Dst, Off, {1, 1, N}, {0, 0}, {0, 0});
  });
  free(Buf);
}

void Lowering::fill(Value Dst, int64_t Elements, float V) {
  int64_t T = std::min(tileElements(), Elements);
  Value Buf = sram(T);
  elementwise(tile::EltKind::Fill, Buf, idx(0), 0, Value(), Value(), 0, Buf, idx(0), T, {V});
  forTiles(Elements, T,
           [&](Value Off, int64_t N) { dma(Buf, idx(0), Dst, Off, {1, 1, N}, {0, 0}, {0, 0}); });
  free(Buf);
}

} // namespace d1::graphtotile
