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

void Codegen::addMatrixUnitKernels(KernelTable &T) {
  T.add(&Codegen::lowerMmaViews);
  T.add(&Codegen::lowerMatmulMma);
}

} // namespace d1::tiletoisa
