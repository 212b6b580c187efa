//===- MatrixUnit.cpp - bf16 staging and the matrix unit --------------------===//
#include "Codegen.h"

namespace d1::tiletoisa {

// One strided pass from fp32 to bf16, 32 elements per conversion (at
// stride 2 the even lanes of 64 consecutive ones), four conversions per
// loop iteration with their loads ahead of their stores.
void Codegen::bf16Pass(Value X, int64_t First, int64_t SW, int64_t Src, Value S, int64_t SOff,
                       int64_t Count, Value Evens) {
  // Chunk Ch (32 elements written) reads 2 * SW vectors of 16 fp32 from
  // element E = First + SW * 32 * Ch past XBase (plus Extra bytes), the
  // first N of each real.
  auto LoadChunk = [&](Value XBase, int64_t Ch, bool Bounded, int64_t Extra) {
    SmallVector<Value> Raw;
    for (int64_t K = 0; K < 2 * SW; ++K) {
      int64_t E = First + SW * 32 * Ch + 16 * K;
      int64_t N = Bounded ? std::clamp<int64_t>(Src - E, 0, 16) : 16;
      if (N == 16)
        Raw.push_back(I.vld({XBase, E * 4 + Extra}));
      else if (N == 0)
        Raw.push_back(bcast(0.0f));
      else
        Raw.push_back(I.vldp({I.addi({XBase, E * 4 + Extra}), I.constant(N * 4)}));
    }
    return Raw;
  };
  // The conversion of chunk K of loaded chunks Raw (2 * SW vectors each).
  auto Convert = [&](ValueRange Raw, int64_t K) {
    Value Lo = Raw[size_t(K * 2 * SW)], Hi = Raw[size_t(K * 2 * SW + 1)];
    if (SW == 2) {
      Lo = I.vperm_32({Raw[size_t(K * 4)], Raw[size_t(K * 4 + 1)], Evens});
      Hi = I.vperm_32({Raw[size_t(K * 4 + 2)], Raw[size_t(K * 4 + 3)], Evens});
    }
    return I.vcvt_bf16_f32({Lo, Hi});
  };
  // A chunk's conversion, and its store as a closure, to be emitted after
  // the other chunks' loads (the scheduler keeps loads after earlier
  // stores; the destination is another buffer).
  auto FinishChunk = [&](ValueRange Raw, Value SBase, int64_t Ch) {
    Value Packed = Convert(Raw, 0);
    int64_t At = SOff + Ch * 64;
    int64_t Bytes = std::min<int64_t>(64, (Count - 32 * Ch) * 2);
    return std::function<void()>([=, this]() {
      if (Bytes == 64)
        I.vst({Packed, SBase, At});
      else
        I.vstp({Packed, I.addi({SBase, At}), I.constant(Bytes)});
    });
  };
  auto Chunk = [&](Value XBase, Value SBase, int64_t Ch, bool Bounded) {
    return FinishChunk(LoadChunk(XBase, Ch, Bounded, 0), SBase, Ch);
  };
  // Chunks whose loads stay inside the source and whose stores are whole
  // go in a loop of U per iteration; the last few are bounded.
  int64_t Chunks = (Count + 31) / 32, Safe = 0;
  while (Safe < Chunks && 32 * (Safe + 1) <= Count && First + SW * 32 * (Safe + 1) <= Src)
    ++Safe;
  // Software pipelined in three stages: an iteration stores the chunks
  // converted in the one before, converts those loaded in the one before,
  // and loads those of the iteration after next; each chunk's store comes
  // just before that chunk's next loads, so that loads and stores alternate
  // (the scheduler keeps memory order).
  const int64_t U = Pipeline && SW == 2 ? 2 : 4;
  int64_t Iterations = Safe / U, XStep = U * SW * 32 * 4, SStep = U * 64;
  auto LoadAll = [&](Value XBase, int64_t Extra) {
    SmallVector<Value> Raw;
    for (int64_t K = 0; K < U; ++K)
      for (Value V : LoadChunk(XBase, K, false, Extra))
        Raw.push_back(V);
    return Raw;
  };
  auto StoreAt = [&](Value Packed, Value SBase, int64_t K, int64_t Extra = 0) {
    I.vst({Packed, SBase, SOff + K * 64 + Extra});
  };
  int64_t XConst = constantOf(X).value_or(0), SConst = constantOf(S).value_or(0);
  if (Iterations > 1 && Pipeline) {
    // Carried: the converted chunks of iteration j, the loaded ones of j + 1.
    SmallVector<Value> Raw0 = LoadAll(X, 0), Carried;
    for (int64_t K = 0; K < U; ++K)
      Carried.push_back(Convert(Raw0, K));
    for (Value V : LoadAll(X, XStep))
      Carried.push_back(V);
    SmallVector<Value> Last = Carried;
    if (Iterations > 2) {
      auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Iterations - 2),
                                      I.constant(1), Carried);
      OpBuilder::InsertionGuard Guard(B);
      B.setInsertionPointToStart(For.getBody());
      Value J = For.getInductionVar();
      // (Constant bases fold into the immediates.)
      Value XBase = XConst ? scaled(J, XStep) : I.add({X, scaled(J, XStep)});
      Value SBase = SConst ? scaled(J, SStep) : I.add({S, scaled(J, SStep)});
      ValueRange Args = For.getRegionIterArgs();
      ValueRange Raw = Args.drop_front(size_t(U));
      SmallVector<Value> Next, NextRaw;
      Next.resize(size_t(U));
      // (Each chunk's loads after its conversion, into the registers it
      // frees.)
      for (int64_t K = 0; K < U; ++K) {
        StoreAt(Args[size_t(K)], SBase, K, SConst);
        Next[size_t(K)] = Convert(Raw, K);
        for (Value V : LoadChunk(XBase, K, false, 2 * XStep + XConst))
          NextRaw.push_back(V);
      }
      Next.append(NextRaw.begin(), NextRaw.end());
      B.create<scf::YieldOp>(I.Loc, Next);
      Last.assign(For.getResults().begin(), For.getResults().end());
    }
    ValueRange L(Last);
    Value SBase = I.addi({S, (Iterations - 2) * SStep});
    for (int64_t K = 0; K < U; ++K)
      StoreAt(L[size_t(K)], SBase, K);
    for (int64_t K = 0; K < U; ++K)
      StoreAt(Convert(L.drop_front(size_t(U)), K), SBase, U + K);
  } else if (Iterations > 1) {
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Iterations), I.constant(1));
    OpBuilder::InsertionGuard Guard(B);
    B.setInsertionPointToStart(For.getBody());
    Value J = For.getInductionVar();
    Value XBase = I.add({X, scaled(J, XStep)});
    Value SBase = I.add({S, scaled(J, SStep)});
    SmallVector<Value> Raw = LoadAll(XBase, 0), Packed;
    for (int64_t K = 0; K < U; ++K)
      Packed.push_back(Convert(Raw, K));
    for (int64_t K = 0; K < U; ++K)
      StoreAt(Packed[size_t(K)], SBase, K);
  } else {
    Iterations = 0;
  }
  std::vector<std::function<void()>> Stores;
  for (int64_t K = Iterations * U; K < Chunks; ++K) {
    Stores.push_back(Chunk(X, S, K, K >= Safe));
    if (Stores.size() == size_t(U) || K + 1 == Chunks) {
      for (auto &Store : Stores)
        Store();
      Stores.clear();
    }
  }
}

// The bf16 views of an input tile (d1/Planning/MmaConv.h): each view is one
// pass over the whole tile, 32 elements per conversion (at stride 2 the
// even lanes of 64 consecutive ones), four conversions per loop iteration.
void Codegen::lowerMmaViews(tile::MmaViewsOp Op) {
  int64_t C = Op.getChannels(), IH = Op.getInRows(), IW = Op.getInCols();
  int64_t SW = Op.getStrideW();
  plan::MmaConvLayout L =
      plan::mmaConvLayout(C, IH, IW, Op.getOutCols(), Op.getKw(), SW, Op.getDilW());
  Value X = addr(Op.getX(), Op.getXOffset());
  Value S = addr(Op.getViews(), Op.getViewsOffset());
  Value Evens = SW == 2 ? laneIndices([](int32_t L) { return 2 * L; }) : Value();
  int64_t Src = C * IH * IW, Count = C * IH * L.Pitch; // tile and view elements
  for (size_t V = 0; V < L.Views.size(); ++V)
    bf16Pass(X, L.Views[V].Phase + SW * L.Views[V].Shift, SW, Src, S, int64_t(V) * L.ViewBytes,
             Count, Evens);
  // Channels past C read zeros (their weights are zero too, but the input
  // bytes there could be NaN).
  if (L.C4 > C)
    for (size_t V = 0; V < L.Views.size(); ++V) {
      int64_t From = int64_t(V) * L.ViewBytes + C * L.ChannelBytes,
              Bytes = (L.C4 - C) * L.ChannelBytes;
      Value Zero = bcast(0.0f);
      steps(Bytes / 64, 1, 64, [&](Value Off, int64_t) { I.vst({Zero, I.add({S, Off}), From}); });
      if (Bytes % 64)
        I.vstp({Zero, I.addi({S, From + Bytes / 64 * 64}), I.constant(Bytes % 64)});
    }
}

Value Codegen::stagedLoad(Value Stage, Value Base, int64_t At, int64_t RowBytes, int64_t Rows,
                          int64_t Cols) {
  // Only the block's real rows and columns are read.
  for (int64_t Ri = 0; Ri < Rows; ++Ri) {
    Value V = I.vldp({I.addi({Base, At + Ri * RowBytes}), I.constant(Cols * 4)});
    I.vstp({V, I.addi({Stage, Ri * 32}), I.constant(32)});
  }
  return I.mma_ld({Stage, 0, I.constant(32)});
}

void Codegen::stagedStore(Value Acc, Value Stage, Value Base, int64_t At, int64_t RowBytes,
                          int64_t Rows, int64_t Cols) {
  I.mma_st({Acc, Stage, 0, I.constant(32)});
  for (int64_t Ri = 0; Ri < Rows; ++Ri) {
    Value V = I.vldp({I.addi({Stage, Ri * 32}), I.constant(32)});
    I.vstp({V, I.addi({Base, At + Ri * RowBytes}), I.constant(Cols * 4)});
  }
}

// A matrix product on the matrix unit: A and B rounded to bf16 into the
// scratch (plan::mmaMatmulLayout), then blocks of up to four accumulators
// (2 x 2, or 1 x 4 / 4 x 1 blocks of 8 x 8 when C is one block high or
// wide), each K step one gather per A tile and per B tile.
void Codegen::lowerMatmulMma(tile::MatmulMmaOp Op) {
  int64_t Mm = Op.getM(), Nn = Op.getN(), Kk = Op.getK();
  int64_t Lda = Op.getLda(), Ldb = Op.getLdb(), Ldc = Op.getLdc() * 4;
  plan::MmaMatmulLayout L = plan::mmaMatmulLayout(Mm, Nn, Kk);
  Value A = addr(Op.getA(), Op.getAOffset());
  Value Bm = addr(Op.getB(), Op.getBOffset());
  Value C = addr(Op.getC(), Op.getCOffset());
  Value S = addr(Op.getScratch(), Op.getScratchOffset());
  Value BS = I.addi({S, L.BOffset}), Stage = I.addi({S, L.StageOffset});

  // Rows fp32 rows of Cols elements (Ld apart) to bf16 rows of Pitch
  // elements (zeros past Cols): one pass when both are contiguous.
  auto Round = [&](Value From, int64_t Rows, int64_t Cols, int64_t Ld, Value To, int64_t Pitch) {
    if (Ld == Cols && Pitch == Cols) {
      bf16Pass(From, 0, 1, Rows * Cols, To, 0, Rows * Cols, Value());
      return;
    }
    steps(Rows, 1, 1, [&](Value R, int64_t) {
      bf16Pass(I.add({From, scaled(R, Ld * 4)}), 0, 1, Cols, I.add({To, scaled(R, Pitch * 2)}), 0,
               Pitch, Value());
    });
  };
  Round(A, Mm, Kk, Lda, S, L.K4);
  Round(Bm, Kk, Nn, Ldb, BS, L.N8);
  // B's rows past k are zeros (A's columns there are zeros too, but B's
  // bytes could be NaN).
  if (int64_t Bytes = (L.K4 - Kk) * L.N8 * 2) {
    Value Zero = bcast(0.0f);
    int64_t From = Kk * L.N8 * 2;
    steps(Bytes / 64, 1, 64, [&](Value Off, int64_t) { I.vst({Zero, I.add({BS, Off}), From}); });
    if (Bytes % 64)
      I.vstp({Zero, I.addi({BS, From + Bytes / 64 * 64}), I.constant(Bytes % 64)});
  }

  int64_t MBlocks = L.M8 / 8, NBlocks = L.N8 / 8;
  int64_t RB = MBlocks == 1 ? 1 : NBlocks == 1 ? std::min<int64_t>(4, MBlocks) : 2;
  int64_t CB = std::min<int64_t>(4 / RB, NBlocks);
  // The gathers' strides stay in registers across the loops.
  Value AStride = I.constant(L.K4 * 2), BStride = I.constant(L.N8 * 2);
  for (Value V : {AStride, BStride})
    V.getDefiningOp()->setAttr("d1.hoisted", B.getUnitAttr());
  Value LdcR = I.constant(Ldc);
  // Nr x Nc blocks from row block R0 and column block C0 (registers); the
  // last row block has Rows rows, the last column block Cols columns.
  auto Block = [&](Value R0, int64_t Nr, int64_t Rows, Value C0, int64_t Nc, int64_t Cols) {
    Value ABase = I.add({S, scaled(R0, 8 * L.K4 * 2)});
    Value BBase = I.add({BS, scaled(C0, 16)});
    Value CBase = I.add({I.add({C, scaled(R0, 8 * Ldc)}), scaled(C0, 32)});
    auto RowsOf = [&](int64_t R) { return R == Nr - 1 ? Rows : 8; };
    auto ColsOf = [&](int64_t Q) { return Q == Nc - 1 ? Cols : 8; };
    auto At = [&](int64_t R, int64_t Q) { return R * 8 * Ldc + Q * 32; };
    SmallVector<Value> Init;
    for (int64_t R = 0; R < Nr; ++R)
      for (int64_t Q = 0; Q < Nc; ++Q) {
        if (!Op.getAccumulate()) {
          Init.push_back(I.mma_zero());
        } else if (RowsOf(R) == 8 && ColsOf(Q) == 8) {
          Init.push_back(I.mma_ld({CBase, At(R, Q), LdcR}));
        } else {
          Init.push_back(stagedLoad(Stage, CBase, At(R, Q), Ldc, RowsOf(R), ColsOf(Q)));
        }
      }
    // One K step (K4 = 4 * the step): Nr A tiles, then Nc B tiles.
    auto Load = [&](Value K4, ValueRange) {
      Operands Tiles;
      Value AP = I.add({ABase, scaled(K4, 2)});
      for (int64_t R = 0; R < Nr; ++R)
        Tiles.push_back(I.vldg({R ? I.addi({AP, R * 8 * L.K4 * 2}) : AP, AStride, 8}));
      Value BP = I.add({BBase, scaled(K4, L.N8 * 2)});
      for (int64_t Q = 0; Q < Nc; ++Q)
        Tiles.push_back(I.vldg({Q ? I.addi({BP, Q * 16}) : BP, BStride, 16}));
      return Tiles;
    };
    auto Use = [&](ValueRange Tiles, ValueRange Accs) {
      Operands Next;
      for (int64_t R = 0; R < Nr; ++R)
        for (int64_t Q = 0; Q < Nc; ++Q)
          Next.push_back(
              I.mma({Accs[size_t(R * Nc + Q)], Tiles[size_t(R)], Tiles[size_t(Nr + Q)]}));
      return Next;
    };
    Operands Acc = kLoop(L.K4 / 4, Init, Load, Use);
    for (int64_t R = 0; R < Nr; ++R)
      for (int64_t Q = 0; Q < Nc; ++Q) {
        Value X = Acc[size_t(R * Nc + Q)];
        if (RowsOf(R) == 8 && ColsOf(Q) == 8) {
          I.mma_st({X, CBase, At(R, Q), LdcR});
          continue;
        }
        stagedStore(X, Stage, CBase, At(R, Q), Ldc, RowsOf(R), ColsOf(Q));
      }
  };
  // Groups of Per blocks of 8 of Total rows or columns, in a loop; the last
  // group holds the partial block, if any (stored through the staging
  // block). Body(first block, blocks, size of the group's last block).
  auto Groups = [&](int64_t Total, int64_t Per,
                    const std::function<void(Value, int64_t, int64_t)> &Body) {
    int64_t Blocks = (Total + 7) / 8, Last = Total - (Blocks - 1) * 8;
    int64_t Tail = Last == 8 ? 0 : (Blocks - 1) % Per + 1;
    steps(Blocks - Tail, Per, 1, [&](Value B0, int64_t N) { Body(B0, N, 8); });
    if (Tail)
      Body(I.constant(Blocks - Tail), Tail, Last);
  };
  Groups(Mm, RB, [&](Value R0, int64_t Nr, int64_t Rows) {
    Groups(Nn, CB, [&](Value C0, int64_t Nc, int64_t Cols) { Block(R0, Nr, Rows, C0, Nc, Cols); });
  });
}

// A convolution on the matrix unit (layouts in d1/Planning/MmaConv.h) from
// the views tile.mma_views wrote: each output row is computed in blocks of
// up to four accumulators (8 filters x 8 pixels each), the K loop walking
// (ky, kx, channel block) with a table of B-tile offsets, A tiles read in
// order from the packed weights.
void Codegen::lowerConvMma(tile::Conv2DMmaOp Op) {
  int64_t C = Op.getChannels(), F = Op.getFilters(), IH = Op.getInRows(), IW = Op.getInCols();
  int64_t OH = Op.getOutRows(), OW = Op.getOutCols(), KH = Op.getKh(), KW = Op.getKw();
  int64_t SH = Op.getStrideH(), SW = Op.getStrideW(), DH = Op.getDilH(), DW = Op.getDilW();
  plan::MmaConvLayout L = plan::mmaConvLayout(C, IH, IW, OW, KW, SW, DW, F);
  Value W = addr(Op.getW(), Op.getWOffset());
  Value S = addr(Op.getScratch(), Op.getScratchOffset());
  Value O = addr(Op.getOut(), Op.getOutOffset());
  int64_t CB = L.C4 / 4, G = KH * KW * CB, Plane = OH * OW * 4;

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
  int64_t Table = table(Offsets);
  Value Stage = I.addi({S, L.StageOffset});
  // With a bias, each filter's accumulator row starts as 8 copies of it.
  Value BiasRows;
  if (Op.getBias()) {
    Value Bias = addr(Op.getBias(), Op.getBiasOffset());
    BiasRows = I.addi({S, L.BiasOffset});
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(F), I.constant(1));
    OpBuilder::InsertionGuard Guard(B);
    B.setInsertionPointToStart(For.getBody());
    Value Fi = For.getInductionVar();
    Value V = I.vldb_32({I.add({Bias, scaled(Fi, 4)}), 0});
    I.vstp({V, I.add({BiasRows, scaled(Fi, 32)}), I.constant(32)});
  }
  // K steps per loop iteration: software pipelined, two sets of tiles are
  // live (2 x 2 x 5 registers at most).
  const int64_t U = Pipeline ? 2 : 4;
  // The gathers' channel stride stays in one register across the loops.
  Value ChannelStride = I.constant(L.ChannelBytes);
  ChannelStride.getDefiningOp()->setAttr("d1.hoisted", B.getUnitAttr());

  // Nf filter blocks x Np pixel blocks from filter block Fb and output
  // column Px (registers) of output row Oy; the last filter block has Rows
  // filters, the last pixel block Cols pixels. With RowBlocks (outputs of
  // at most 8 columns) pixel block p is row Oy + p instead.
  bool RowBlocks = OW <= 8;
  // Whether the output buffer has 8 elements to spare after the tile (as
  // GraphToTile allocates it), so that old outputs load as whole blocks.
  auto OutType = cast<MemRefType>(Op.getOut().getType());
  APInt OutAt0;
  bool OutSlack = OutType.hasStaticShape() &&
                  matchPattern(Op.getOutOffset(), m_ConstantInt(&OutAt0)) &&
                  OutAt0.getSExtValue() + F * OH * OW + 8 <= OutType.getNumElements();
  // (PCols: columns from one pixel block of a call to the next, 8 unless
  // the last two overlap.)
  auto Block = [&](Value Oy, Value Fb, int64_t Nf, int64_t Rows, Value Px, int64_t Np, int64_t Cols,
                   int64_t PCols = 8) {
    int64_t PBStep = RowBlocks ? SH * L.Pitch * 2 : 2 * PCols;
    int64_t POStep = RowBlocks ? OW * 4 : 4 * PCols;
    Value ABase = I.add({W, scaled(Fb, G * 64)});
    Value BBase = I.add({I.add({S, scaled(Oy, SH * L.Pitch * 2)}), scaled(Px, 2)});
    Value OBase =
        I.add({I.add({O, scaled(Oy, OW * 4)}), I.add({scaled(Fb, 8 * Plane), scaled(Px, 4)})});
    auto RowsOf = [&](int64_t Fi) { return Fi == Nf - 1 ? Rows : 8; };
    auto ColsOf = [&](int64_t P) { return P == Np - 1 || RowBlocks ? Cols : 8; };
    auto OutAt = [&](int64_t Fi, int64_t P) { return Fi * 8 * Plane + P * POStep; };
    SmallVector<Value> Init;
    for (int64_t Fi = 0; Fi < Nf; ++Fi)
      for (int64_t P = 0; P < Np; ++P) {
        if (BiasRows) {
          Init.push_back(I.mma_ld({I.add({BiasRows, scaled(Fb, 256)}), Fi * 256, I.constant(32)}));
        } else if (!Op.getAccumulate()) {
          Init.push_back(I.mma_zero());
        } else if (RowsOf(Fi) == 8 && (ColsOf(P) == 8 || OutSlack)) {
          // (Columns past the block's come from the next row or the slack
          // after the tile; they are never stored.)
          Init.push_back(I.mma_ld({OBase, OutAt(Fi, P), I.constant(Plane)}));
        } else {
          Init.push_back(stagedLoad(Stage, OBase, OutAt(Fi, P), Plane, RowsOf(Fi), ColsOf(P)));
        }
      }
    // The tiles of K steps [K0, K0 + Steps) with K4 = 4 * K0 (register):
    // per step Nf A tiles, then Np B tiles.
    // The B-tile offsets of those steps, from the table.
    // (Extra steps past K4: a constant folded into the addresses.)
    auto Offsets = [&](Value K4, int64_t Steps, int64_t Extra = 0) {
      SmallVector<Value> Offs;
      Value TP = I.addi({K4, Table + Extra * 4});
      for (int64_t Us = 0; Us < Steps; ++Us)
        Offs.push_back(I.lw({TP, Us * 4}));
      return Offs;
    };
    // A tiles from AP (the packed weights at step K4) plus Extra steps.
    auto APOf = [&](Value K4) { return I.add({ABase, scaled(K4, 16)}); };
    auto LoadAt = [&](Value AP, int64_t Extra, ValueRange Offs) {
      SmallVector<Value> Tiles;
      for (size_t Us = 0; Us < Offs.size(); ++Us) {
        for (int64_t Fi = 0; Fi < Nf; ++Fi)
          Tiles.push_back(I.vld({AP, Fi * G * 64 + (Extra + int64_t(Us)) * 64}));
        Value BP = I.add({BBase, Offs[Us]});
        for (int64_t P = 0; P < Np; ++P)
          Tiles.push_back(I.vldg({P ? I.addi({BP, P * PBStep}) : BP, ChannelStride, 16}));
      }
      return Tiles;
    };
    auto Load = [&](Value K4, int64_t Steps) { return LoadAt(APOf(K4), 0, Offsets(K4, Steps)); };
    auto Multiply = [&](ValueRange Tiles, int64_t Steps, ValueRange Accs) {
      SmallVector<Value> Acc(Accs.begin(), Accs.end());
      for (int64_t Us = 0; Us < Steps; ++Us) {
        ValueRange T = Tiles.slice(size_t(Us * (Nf + Np)), size_t(Nf + Np));
        for (int64_t Fi = 0; Fi < Nf; ++Fi)
          for (int64_t P = 0; P < Np; ++P)
            Acc[size_t(Fi * Np + P)] =
                I.mma({Acc[size_t(Fi * Np + P)], T[size_t(Fi)], T[size_t(Nf + P)]});
      }
      return Acc;
    };
    SmallVector<Value> Acc(Init.begin(), Init.end());
    int64_t Full = G / U, Rem = G % U;
    // Iterations of Steps K steps each, K4 (= 4 * the first step) counting.
    auto Loop = [&](int64_t Iterations, ValueRange Carried, int64_t Steps,
                    const std::function<SmallVector<Value>(Value, ValueRange)> &Body) {
      auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Iterations * Steps * 4),
                                      I.constant(Steps * 4), Carried);
      OpBuilder::InsertionGuard Guard(B);
      B.setInsertionPointToStart(For.getBody());
      B.create<scf::YieldOp>(I.Loc, Body(For.getInductionVar(), For.getRegionIterArgs()));
      return SmallVector<Value>(For.getResults().begin(), For.getResults().end());
    };
    size_t NAcc = Acc.size();
    if (Pipeline && Full > 1) {
      // Software pipelined: the tiles of step group g + 1 load while group
      // g multiplies, and the table offsets of group g + 2 are read then.
      // Each iteration runs two groups with two sets of tile registers, so
      // that no load waits for the last product of the tile it replaces.
      // The groups left after the loop (one or two) are peeled off; the
      // table has entries for the offsets read past its end.
      SmallVector<Value> Carried(Acc);
      for (Value T : Load(I.constant(0), U))
        Carried.push_back(T);
      size_t NTiles = Carried.size() - NAcc;
      for (Value O : Offsets(I.constant(U * 4), U))
        Carried.push_back(O);
      int64_t Pairs = (Full - 1) / 2;
      SmallVector<Value> Out = Carried;
      if (Pairs)
        Out = Loop(Pairs, Carried, 2 * U, [&](Value K4, ValueRange Args) {
          ValueRange Tiles = Args.slice(NAcc, NTiles), Offs = Args.drop_front(NAcc + NTiles);
          SmallVector<Value> R = Multiply(Tiles, U, Args.take_front(NAcc));
          Value AP = APOf(K4);
          SmallVector<Value> Next = LoadAt(AP, U, Offs);
          SmallVector<Value> NextOffs = Offsets(K4, U, 2 * U);
          R = Multiply(Next, U, R);
          SmallVector<Value> After = LoadAt(AP, 2 * U, NextOffs);
          SmallVector<Value> AfterOffs = Offsets(K4, U, 3 * U);
          R.append(After.begin(), After.end());
          R.append(AfterOffs.begin(), AfterOffs.end());
          return R;
        });
      ValueRange O(Out);
      Acc = Multiply(O.slice(NAcc, NTiles), U, O.take_front(NAcc));
      if (2 * Pairs + 1 < Full)
        Acc = Multiply(
            LoadAt(APOf(I.constant((2 * Pairs + 1) * U * 4)), 0, O.drop_front(NAcc + NTiles)), U,
            Acc);
    } else if (Full == 1) {
      Acc = Multiply(Load(I.constant(0), U), U, Acc);
    } else if (Full > 1) {
      Acc = Loop(Full, Acc, U,
                 [&](Value K4, ValueRange Args) { return Multiply(Load(K4, U), U, Args); });
    }
    if (Rem)
      Acc = Multiply(Load(I.constant(Full * U * 4), Rem), Rem, Acc);
    for (int64_t Fi = 0; Fi < Nf; ++Fi)
      for (int64_t P = 0; P < Np; ++P) {
        Value A = Acc[size_t(Fi * Np + P)];
        if (RowsOf(Fi) == 8 && ColsOf(P) == 8) {
          I.mma_st({A, OBase, OutAt(Fi, P), I.constant(Plane)});
          continue;
        }
        stagedStore(A, Stage, OBase, OutAt(Fi, P), Plane, RowsOf(Fi), ColsOf(P));
      }
  };
  // Blocks of up to four accumulators: four filter blocks, or fewer filter
  // blocks and more pixel blocks when the tile has fewer filters.
  int64_t FBlocks = (F + 7) / 8, PBlocks = (OW + 7) / 8;
  int64_t FB = std::min<int64_t>(4, FBlocks);
  int64_t PB = std::min<int64_t>(4 / FB, RowBlocks ? OH : PBlocks);
  if (RowBlocks) {
    // Blocks of PB output rows.
    steps(OH, PB, 1, [&](Value Oy, int64_t Np) {
      if (F / 8)
        steps(F / 8, FB, 1,
              [&](Value Fb, int64_t Nf) { Block(Oy, Fb, Nf, 8, I.constant(0), Np, OW); });
      if (F % 8)
        Block(Oy, I.constant(F / 8), 1, F % 8, I.constant(0), Np, OW);
    });
    return;
  }
  auto Oy = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(OH), I.constant(1));
  OpBuilder::InsertionGuard Guard(B);
  B.setInsertionPointToStart(Oy.getBody());
  Value OyV = Oy.getInductionVar();
  // Whole blocks in loops; a last block of fewer than 8 filters or pixels
  // on its own (stored through the staging block). Where the width is
  // even (the views' alignment holds) and nothing accumulates, the last
  // pixel block is instead the whole block ending at the last column: its
  // first columns are computed twice, to the same bits, and it stores
  // directly.
  // When old outputs accumulate, two overlapping blocks must load them
  // before either stores: the last whole block and that one go together,
  // two filter blocks at a time.
  bool Overlap = OW > 8 && OW % 8 && OW % 2 == 0;
  bool Paired = Overlap && Op.getAccumulate();
  auto Pixels = [&](Value Fb, int64_t Nf, int64_t Rows) {
    if (int64_t Whole = OW / 8 - (Paired ? 1 : 0))
      steps(Whole, PB, 8, [&](Value Px, int64_t Np) { Block(OyV, Fb, Nf, Rows, Px, Np, 8); });
    if (Paired) {
      int64_t Px = (OW / 8 - 1) * 8;
      for (int64_t J = 0; J < Nf; J += 2)
        Block(OyV, J ? I.addi({Fb, J}) : Fb, std::min<int64_t>(2, Nf - J), J + 2 >= Nf ? Rows : 8,
              I.constant(Px), 2, 8, OW - 8 - Px);
    } else if (Overlap) {
      Block(OyV, Fb, Nf, Rows, I.constant(OW - 8), 1, 8);
    } else if (OW % 8) {
      Block(OyV, Fb, Nf, Rows, I.constant(OW / 8 * 8), 1, OW % 8);
    }
  };
  if (F / 8)
    steps(F / 8, FB, 1, [&](Value Fb, int64_t Nf) { Pixels(Fb, Nf, 8); });
  if (F % 8)
    Pixels(I.constant(F / 8), 1, F % 8);
}

} // namespace d1::tiletoisa
