//===- ConvMma.cpp - The convolution on the matrix unit ---------------------===//
//
// A convolution on the matrix unit (layouts in d1/Planning/MmaConv.h) from
// the views tile.mma_views wrote: each output row is computed in blocks of
// up to four accumulators (8 filters x 8 pixels each), the K loop walking
// (ky, kx, channel block) with a table of B-tile offsets, A tiles read in
// order from the packed weights.
//
//===----------------------------------------------------------------------===//
#include "Codegen.h"

namespace d1::tiletoisa {

class Codegen::ConvMmaKernel {
public:
  ConvMmaKernel(Codegen &CG, tile::Conv2DMmaOp Op);
  void lower();

private:
  struct Block;
  /// With a bias, each filter's accumulator row starts as 8 copies of it.
  void loadBiasRows();
  /// Nf filter blocks x Np pixel blocks from filter block Fb and output
  /// column Px (registers) of output row Oy; the last filter block has Rows
  /// filters, the last pixel block Cols pixels. With RowBlocks (outputs of
  /// at most 8 columns) pixel block p is row Oy + p instead. (PCols:
  /// columns from one pixel block of a call to the next, 8 unless the last
  /// two overlap.)
  void block(Value Oy, Value Fb, int64_t Nf, int64_t Rows, Value Px, int64_t Np, int64_t Cols,
             int64_t PCols = 8);
  /// The pixel blocks of one output row for Nf filter blocks from Fb.
  void pixels(Value Oy, Value Fb, int64_t Nf, int64_t Rows);

  Codegen &CG;
  OpBuilder &B;
  ISABuilder &I;
  tile::Conv2DMmaOp Op;
  int64_t C, F, IH, IW, OH, OW, KH, KW, SH, SW, DH, DW;
  plan::MmaConvLayout L;
  Value W, S, O;
  int64_t CB, G, Plane;
  int64_t Table = 0;
  Value Stage, BiasRows, ChannelStride;
  int64_t U;
  bool RowBlocks, OutSlack = false;
  int64_t PB = 1;
  bool Overlap = false, Paired = false;
};

Codegen::ConvMmaKernel::ConvMmaKernel(Codegen &CG, tile::Conv2DMmaOp Op)
    : CG(CG), B(CG.B), I(CG.I), Op(Op), C(Op.getChannels()), F(Op.getFilters()), IH(Op.getInRows()),
      IW(Op.getInCols()), OH(Op.getOutRows()), OW(Op.getOutCols()), KH(Op.getKh()), KW(Op.getKw()),
      SH(Op.getStrideH()), SW(Op.getStrideW()), DH(Op.getDilH()), DW(Op.getDilW()),
      L(plan::mmaConvLayout(C, IH, IW, OW, KW, SW, DW, F)),
      // K steps per loop iteration: software pipelined, two sets of tiles
      // are live (2 x 2 x 5 registers at most).
      U(CG.Pipeline ? 2 : 4), RowBlocks(OW <= 8) {}

void Codegen::ConvMmaKernel::loadBiasRows() {
  Value Bias = CG.addr(Op.getBias(), Op.getBiasOffset());
  BiasRows = I.addi({S, L.BiasOffset});
  auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(F), I.constant(1));
  OpBuilder::InsertionGuard Guard(B);
  B.setInsertionPointToStart(For.getBody());
  Value Fi = For.getInductionVar();
  Value V = I.vldb_32({I.add({Bias, CG.scaled(Fi, 4)}), 0});
  I.vstp({V, I.add({BiasRows, CG.scaled(Fi, 32)}), I.constant(32)});
}

/// One block of accumulators: their start, the K loop's tiles and
/// products, and the stores.
struct Codegen::ConvMmaKernel::Block {
  ConvMmaKernel &K;
  OpBuilder &B;
  ISABuilder &I;
  Value Fb;
  int64_t Nf, Rows, Np, Cols, PBStep, POStep;
  Value ABase, BBase, OBase;

  int64_t rowsOf(int64_t Fi) const { return Fi == Nf - 1 ? Rows : 8; }
  int64_t colsOf(int64_t P) const { return P == Np - 1 || K.RowBlocks ? Cols : 8; }
  int64_t outAt(int64_t Fi, int64_t P) const { return Fi * 8 * K.Plane + P * POStep; }

  SmallVector<Value> init();
  /// The B-tile offsets of K steps [K0, K0 + Steps) with K4 = 4 * K0
  /// (register), from the table. (Extra steps past K4: a constant folded
  /// into the addresses.)
  SmallVector<Value> offsets(Value K4, int64_t Steps, int64_t Extra = 0) {
    SmallVector<Value> Offs;
    Value TP = I.addi({K4, K.Table + Extra * 4});
    for (int64_t Us = 0; Us < Steps; ++Us)
      Offs.push_back(I.lw({TP, Us * 4}));
    return Offs;
  }
  /// A tiles from AP (the packed weights at step K4).
  Value apOf(Value K4) { return I.add({ABase, K.CG.scaled(K4, 16)}); }
  /// The tiles of the steps whose B offsets are Offs, Extra steps past AP:
  /// per step Nf A tiles, then Np B tiles.
  SmallVector<Value> loadAt(Value AP, int64_t Extra, ValueRange Offs);
  SmallVector<Value> load(Value K4, int64_t Steps) {
    return loadAt(apOf(K4), 0, offsets(K4, Steps));
  }
  SmallVector<Value> multiply(ValueRange Tiles, int64_t Steps, ValueRange Accs);
  /// Iterations of Steps K steps each, K4 (= 4 * the first step) counting.
  SmallVector<Value> loop(int64_t Iterations, ValueRange Carried, int64_t Steps,
                          const std::function<SmallVector<Value>(Value, ValueRange)> &Body);
  /// Every K step.
  SmallVector<Value> kSteps(SmallVector<Value> Acc);
  void store(ArrayRef<Value> Acc);
};

SmallVector<Value> Codegen::ConvMmaKernel::Block::init() {
  SmallVector<Value> Init;
  for (int64_t Fi = 0; Fi < Nf; ++Fi)
    for (int64_t P = 0; P < Np; ++P) {
      if (K.BiasRows) {
        Init.push_back(
            I.mma_ld({I.add({K.BiasRows, K.CG.scaled(Fb, 256)}), Fi * 256, I.constant(32)}));
      } else if (!K.Op.getAccumulate()) {
        Init.push_back(I.mma_zero());
      } else if (rowsOf(Fi) == 8 && (colsOf(P) == 8 || K.OutSlack)) {
        // (Columns past the block's come from the next row or the slack
        // after the tile; they are never stored.)
        Init.push_back(I.mma_ld({OBase, outAt(Fi, P), I.constant(K.Plane)}));
      } else {
        Init.push_back(
            K.CG.stagedLoad(K.Stage, OBase, outAt(Fi, P), K.Plane, rowsOf(Fi), colsOf(P)));
      }
    }
  return Init;
}

SmallVector<Value> Codegen::ConvMmaKernel::Block::loadAt(Value AP, int64_t Extra, ValueRange Offs) {
  SmallVector<Value> Tiles;
  for (size_t Us = 0; Us < Offs.size(); ++Us) {
    for (int64_t Fi = 0; Fi < Nf; ++Fi)
      Tiles.push_back(I.vld({AP, Fi * K.G * 64 + (Extra + int64_t(Us)) * 64}));
    Value BP = I.add({BBase, Offs[Us]});
    for (int64_t P = 0; P < Np; ++P)
      Tiles.push_back(I.vldg({P ? I.addi({BP, P * PBStep}) : BP, K.ChannelStride, 16}));
  }
  return Tiles;
}

SmallVector<Value> Codegen::ConvMmaKernel::Block::multiply(ValueRange Tiles, int64_t Steps,
                                                           ValueRange Accs) {
  SmallVector<Value> Acc(Accs.begin(), Accs.end());
  for (int64_t Us = 0; Us < Steps; ++Us) {
    ValueRange T = Tiles.slice(size_t(Us * (Nf + Np)), size_t(Nf + Np));
    for (int64_t Fi = 0; Fi < Nf; ++Fi)
      for (int64_t P = 0; P < Np; ++P)
        Acc[size_t(Fi * Np + P)] =
            I.mma({Acc[size_t(Fi * Np + P)], T[size_t(Fi)], T[size_t(Nf + P)]});
  }
  return Acc;
}

SmallVector<Value> Codegen::ConvMmaKernel::Block::loop(
    int64_t Iterations, ValueRange Carried, int64_t Steps,
    const std::function<SmallVector<Value>(Value, ValueRange)> &Body) {
  auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Iterations * Steps * 4),
                                  I.constant(Steps * 4), Carried);
  OpBuilder::InsertionGuard Guard(B);
  B.setInsertionPointToStart(For.getBody());
  B.create<scf::YieldOp>(I.Loc, Body(For.getInductionVar(), For.getRegionIterArgs()));
  return SmallVector<Value>(For.getResults().begin(), For.getResults().end());
}

SmallVector<Value> Codegen::ConvMmaKernel::Block::kSteps(SmallVector<Value> Acc) {
  int64_t U = K.U, Full = K.G / U, Rem = K.G % U;
  size_t NAcc = Acc.size();
  if (K.CG.Pipeline && Full > 1) {
    // Software pipelined: the tiles of step group g + 1 load while group
    // g multiplies, and the table offsets of group g + 2 are read then.
    // Each iteration runs two groups with two sets of tile registers, so
    // that no load waits for the last product of the tile it replaces.
    // The groups left after the loop (one or two) are peeled off; the
    // table has entries for the offsets read past its end.
    SmallVector<Value> Carried(Acc);
    for (Value T : load(I.constant(0), U))
      Carried.push_back(T);
    size_t NTiles = Carried.size() - NAcc;
    for (Value O : offsets(I.constant(U * 4), U))
      Carried.push_back(O);
    int64_t Pairs = (Full - 1) / 2;
    SmallVector<Value> Out = Carried;
    if (Pairs)
      Out = loop(Pairs, Carried, 2 * U, [&](Value K4, ValueRange Args) {
        ValueRange Tiles = Args.slice(NAcc, NTiles), Offs = Args.drop_front(NAcc + NTiles);
        SmallVector<Value> R = multiply(Tiles, U, Args.take_front(NAcc));
        Value AP = apOf(K4);
        SmallVector<Value> Next = loadAt(AP, U, Offs);
        SmallVector<Value> NextOffs = offsets(K4, U, 2 * U);
        R = multiply(Next, U, R);
        SmallVector<Value> After = loadAt(AP, 2 * U, NextOffs);
        SmallVector<Value> AfterOffs = offsets(K4, U, 3 * U);
        R.append(After.begin(), After.end());
        R.append(AfterOffs.begin(), AfterOffs.end());
        return R;
      });
    ValueRange O(Out);
    Acc = multiply(O.slice(NAcc, NTiles), U, O.take_front(NAcc));
    if (2 * Pairs + 1 < Full)
      Acc = multiply(
          loadAt(apOf(I.constant((2 * Pairs + 1) * U * 4)), 0, O.drop_front(NAcc + NTiles)), U,
          Acc);
  } else if (Full == 1) {
    Acc = multiply(load(I.constant(0), U), U, Acc);
  } else if (Full > 1) {
    Acc = loop(Full, Acc, U,
               [&](Value K4, ValueRange Args) { return multiply(load(K4, U), U, Args); });
  }
  if (Rem)
    Acc = multiply(load(I.constant(Full * U * 4), Rem), Rem, Acc);
  return Acc;
}

void Codegen::ConvMmaKernel::Block::store(ArrayRef<Value> Acc) {
  for (int64_t Fi = 0; Fi < Nf; ++Fi)
    for (int64_t P = 0; P < Np; ++P) {
      Value A = Acc[size_t(Fi * Np + P)];
      if (rowsOf(Fi) == 8 && colsOf(P) == 8) {
        I.mma_st({A, OBase, outAt(Fi, P), I.constant(K.Plane)});
        continue;
      }
      K.CG.stagedStore(A, K.Stage, OBase, outAt(Fi, P), K.Plane, rowsOf(Fi), colsOf(P));
    }
}

void Codegen::ConvMmaKernel::block(Value Oy, Value Fb, int64_t Nf, int64_t Rows, Value Px,
                                   int64_t Np, int64_t Cols, int64_t PCols) {
  int64_t PBStep = RowBlocks ? SH * L.Pitch * 2 : 2 * PCols;
  int64_t POStep = RowBlocks ? OW * 4 : 4 * PCols;
  Value ABase = I.add({W, CG.scaled(Fb, G * 64)});
  Value BBase = I.add({I.add({S, CG.scaled(Oy, SH * L.Pitch * 2)}), CG.scaled(Px, 2)});
  Value OBase = I.add(
      {I.add({O, CG.scaled(Oy, OW * 4)}), I.add({CG.scaled(Fb, 8 * Plane), CG.scaled(Px, 4)})});
  Block Blk{*this, B, I, Fb, Nf, Rows, Np, Cols, PBStep, POStep, ABase, BBase, OBase};
  Blk.store(Blk.kSteps(Blk.init()));
}

// Whole blocks in loops; a last block of fewer than 8 filters or pixels on
// its own (stored through the staging block). Where the width is even (the
// views' alignment holds) and nothing accumulates, the last pixel block is
// instead the whole block ending at the last column: its first columns are
// computed twice, to the same bits, and it stores directly. When old
// outputs accumulate, two overlapping blocks must load them before either
// stores: the last whole block and that one go together, two filter blocks
// at a time.
void Codegen::ConvMmaKernel::pixels(Value Oy, Value Fb, int64_t Nf, int64_t Rows) {
  if (int64_t Whole = OW / 8 - (Paired ? 1 : 0))
    CG.steps(Whole, PB, 8, [&](Value Px, int64_t Np) { block(Oy, Fb, Nf, Rows, Px, Np, 8); });
  if (Paired) {
    int64_t Px = (OW / 8 - 1) * 8;
    for (int64_t J = 0; J < Nf; J += 2)
      block(Oy, J ? I.addi({Fb, J}) : Fb, std::min<int64_t>(2, Nf - J), J + 2 >= Nf ? Rows : 8,
            I.constant(Px), 2, 8, OW - 8 - Px);
  } else if (Overlap) {
    block(Oy, Fb, Nf, Rows, I.constant(OW - 8), 1, 8);
  } else if (OW % 8) {
    block(Oy, Fb, Nf, Rows, I.constant(OW / 8 * 8), 1, OW % 8);
  }
}

void Codegen::ConvMmaKernel::lower() {
  W = CG.addr(Op.getW(), Op.getWOffset());
  S = CG.addr(Op.getScratch(), Op.getScratchOffset());
  O = CG.addr(Op.getOut(), Op.getOutOffset());
  CB = L.C4 / 4;
  G = KH * KW * CB;
  Plane = OH * OW * 4;
  // B-tile offsets from an output row's first view row, per K step.
  std::vector<int32_t> Offsets;
  for (int64_t Ky = 0; Ky < KH; ++Ky)
    for (int64_t Kx = 0; Kx < KW; ++Kx)
      for (int64_t Cb = 0; Cb < CB; ++Cb)
        Offsets.push_back(int32_t(L.ColView[size_t(Kx)] * L.ViewBytes + 4 * Cb * L.ChannelBytes +
                                  (Ky * DH * L.Pitch + L.ColIndex[size_t(Kx)]) * 2));
  // (The pipelined loop reads the offsets of up to two groups of steps past
  // the last; those entries only have to exist.)
  Offsets.resize(Offsets.size() + 8, 0);
  Table = CG.table(Offsets);
  Stage = I.addi({S, L.StageOffset});
  if (Op.getBias())
    loadBiasRows();
  // The gathers' channel stride stays in one register across the loops.
  ChannelStride = I.constant(L.ChannelBytes);
  ChannelStride.getDefiningOp()->setAttr("d1.hoisted", B.getUnitAttr());
  // Whether the output buffer has 8 elements to spare after the tile (as
  // GraphToTile allocates it), so that old outputs load as whole blocks.
  auto OutType = cast<MemRefType>(Op.getOut().getType());
  APInt OutAt0;
  OutSlack = OutType.hasStaticShape() && matchPattern(Op.getOutOffset(), m_ConstantInt(&OutAt0)) &&
             OutAt0.getSExtValue() + F * OH * OW + 8 <= OutType.getNumElements();
  // Blocks of up to four accumulators: four filter blocks, or fewer filter
  // blocks and more pixel blocks when the tile has fewer filters.
  int64_t FBlocks = (F + 7) / 8, PBlocks = (OW + 7) / 8;
  int64_t FB = std::min<int64_t>(4, FBlocks);
  PB = std::min<int64_t>(4 / FB, RowBlocks ? OH : PBlocks);
  if (RowBlocks) {
    // Blocks of PB output rows.
    CG.steps(OH, PB, 1, [&](Value Oy, int64_t Np) {
      if (F / 8)
        CG.steps(F / 8, FB, 1,
                 [&](Value Fb, int64_t Nf) { block(Oy, Fb, Nf, 8, I.constant(0), Np, OW); });
      if (F % 8)
        block(Oy, I.constant(F / 8), 1, F % 8, I.constant(0), Np, OW);
    });
    return;
  }
  auto Oy = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(OH), I.constant(1));
  OpBuilder::InsertionGuard Guard(B);
  B.setInsertionPointToStart(Oy.getBody());
  Value OyV = Oy.getInductionVar();
  Overlap = OW > 8 && OW % 8 && OW % 2 == 0;
  Paired = Overlap && Op.getAccumulate();
  if (F / 8)
    CG.steps(F / 8, FB, 1, [&](Value Fb, int64_t Nf) { pixels(OyV, Fb, Nf, 8); });
  if (F % 8)
    pixels(OyV, I.constant(F / 8), 1, F % 8);
}

void Codegen::lowerConvMma(tile::Conv2DMmaOp Op) { ConvMmaKernel(*this, Op).lower(); }

void Codegen::addConvMmaKernels(KernelTable &T) { T.add(&Codegen::lowerConvMma); }

} // namespace d1::tiletoisa
