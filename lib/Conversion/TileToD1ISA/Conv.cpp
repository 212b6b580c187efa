//===- Conv.cpp - Sliding windows on the vector unit ------------------------===//
#include "Codegen.h"

namespace d1::tiletoisa {

// Sliding windows over a padded SRAM tile. The K loop walks a table of byte
// offsets (one per channel, ky, kx) so that one loop serves every window
// shape; conv keeps a 4-filter x 48-pixel block of the output in registers.
void Codegen::lowerConv(tile::Conv2DOp Op) {
  bool Conv = Op.getKind() == tile::WindowKind::Conv;
  bool Max = Op.getKind() == tile::WindowKind::Max;
  int64_t C = Op.getChannels(), F = Op.getFilters(), IH = Op.getInRows(), IW = Op.getInCols();
  int64_t OH = Op.getOutRows(), OW = Op.getOutCols(), KH = Op.getKh(), KW = Op.getKw();
  int64_t SH = Op.getStrideH(), SW = Op.getStrideW(), DH = Op.getDilH(), DW = Op.getDilW();
  int64_t KC = Conv ? C * KH * KW : KH * KW;
  std::vector<int32_t> Offsets;
  for (int64_t Ch = 0; Ch < (Conv ? C : 1); ++Ch)
    for (int64_t Ky = 0; Ky < KH; ++Ky)
      for (int64_t Kx = 0; Kx < KW; ++Kx)
        Offsets.push_back(int32_t(((Ch * IH + Ky * DH) * IW + Kx * DW) * 4));
  // (The pipelined K loop looks offsets up to three steps past the last.)
  Offsets.resize(Offsets.size() + 3, 0);
  int64_t Table = table(Offsets);
  Value X = addr(Op.getX(), Op.getXOffset());
  Value W = Conv ? addr(Op.getW(), Op.getWOffset()) : Value();
  Value O = addr(Op.getOut(), Op.getOutOffset());
  bool Acc = Op.getAccumulate();
  const int64_t RB = Conv ? 4 : 1, CB = 3;
  // One block: Rows output planes (filters or one channel) x Cols pixels of
  // output row Oy starting at column Ox0 (registers hold byte offsets).
  // With RowVecs, the vectors are RowVecs rows from Oy of Cols (<= 16)
  // pixels each instead: narrow outputs still fill a block. Paired, each
  // vector holds two of those rows (Cols <= 8: lanes 0-7 and 8-15, read by
  // one gather; the lanes past Cols hold what follows each row).
  // Narrow outputs pair rows of at most 8 pixels where one gather reads two
  // rows of a window and its reads past the tile's last row stay within the
  // 64 * stride elements of slack GraphToTile leaves after the input tile
  // (and no old output is read).
  bool PairRows = Conv && OW <= 8 && SW == 1 && !Acc && (SH - 1) * IW + (KW - 1) * DW + 8 <= 64;
  // Lanes 8-15 to 0-7, for a paired vector's second row.
  Value Upper = PairRows ? laneIndices([](int32_t L) { return 8 + L % 8; }) : Value();
  auto Block = [&](Value XPlane, Value WRow, Value OPlane, int64_t Rows, Value Oy, Value Ox0,
                   int64_t Cols, int64_t RowVecs = 0, bool Paired = false) {
    int64_t NV = Paired ? (RowVecs + 1) / 2 : RowVecs ? RowVecs : (Cols + 15) / 16;
    auto VecBytes = [&](int64_t V) {
      return RowVecs ? Cols * 4 : std::min<int64_t>(64, (Cols - 16 * V) * 4);
    };
    auto InAt = [&](int64_t V) {
      return Paired ? 2 * V * SH * IW * 4 : RowVecs ? V * SH * IW * 4 : V * 64 * SW;
    };
    auto OutAt = [&](int64_t V) { return Paired ? 2 * V * OW * 4 : RowVecs ? V * OW * 4 : V * 64; };
    // Pixel (Oy, Ox0) of the window origin in the input tile, in bytes.
    Value Pix = I.add({I.mul({Oy, I.constant(SH * IW * 4)}), scaled(Ox0, SW)});
    Value XBase = I.add({XPlane, Pix});
    Value OBase = I.add({I.add({OPlane, I.mul({Oy, I.constant(OW * 4)})}), Ox0});
    SmallVector<Value> Init;
    for (int64_t R = 0; R < Rows; ++R)
      for (int64_t V = 0; V < NV; ++V) {
        if (!Acc) {
          Init.push_back(bcast(Max ? -INFINITY : 0.0f));
          continue;
        }
        Value P = I.addi({OBase, R * OH * OW * 4 + OutAt(V)});
        Init.push_back(VecBytes(V) == 64 ? I.vld({P, 0}) : I.vldp({P, I.constant(VecBytes(V))}));
      }
    // One K step's operands: the input vectors, then (conv) the filters'
    // weights broadcast.
    // The step's table offset, looked up a step ahead where pipelined.
    auto Pre = [&](Value K4) { return Operands{I.lw({I.addi({K4, Table}), 0})}; };
    auto Load = [&](Value K4, ValueRange PreVals) {
      Value P = I.add({XBase, PreVals[0]});
      Operands Ops;
      for (int64_t V = 0; V < NV; ++V) {
        if (Paired)
          Ops.push_back(I.vldg({I.addi({P, InAt(V)}), I.constant(SH * IW * 4), 32}));
        else if (SW == 1)
          Ops.push_back(VecBytes(V) == 64
                            ? I.vld({P, InAt(V)})
                            : I.vldp({I.addi({P, InAt(V)}), I.constant(VecBytes(V))}));
        else
          Ops.push_back(I.vldg({I.addi({P, InAt(V)}), I.constant(SW * 4), 4}));
      }
      if (Conv) {
        Value WK = I.add({WRow, K4});
        for (int64_t R = 0; R < Rows; ++R)
          Ops.push_back(I.vldb_32({WK, R * KC * 4}));
      }
      return Ops;
    };
    auto Use = [&](ValueRange Ops, ValueRange Args) {
      Operands Next;
      if (Conv) {
        for (int64_t R = 0; R < Rows; ++R)
          for (int64_t V = 0; V < NV; ++V)
            Next.push_back(
                I.vfma_f32({Ops[size_t(NV + R)], Ops[size_t(V)], Args[size_t(R * NV + V)]}));
      } else {
        for (int64_t V = 0; V < NV; ++V)
          Next.push_back(
              I.build(Max ? Opcode::VMAX : Opcode::VADD, {Args[size_t(V)], Ops[size_t(V)]}));
      }
      return Next;
    };
    Operands Res = kLoop(KC, Init, Load, Use, Pre);
    for (int64_t R = 0; R < Rows; ++R)
      for (int64_t V = 0; V < NV; ++V) {
        Value Out = Res[size_t(R * NV + V)];
        int64_t At = R * OH * OW * 4 + OutAt(V);
        if (Paired) {
          I.vstp({Out, I.addi({OBase, At}), I.constant(Cols * 4)});
          if (2 * V + 1 < RowVecs)
            I.vstp({I.vperm_32({Out, Out, Upper}), I.addi({OBase, At + OW * 4}),
                    I.constant(Cols * 4)});
          continue;
        }
        if (VecBytes(V) == 64)
          I.vst({Out, OBase, At});
        else
          I.vstp({Out, I.addi({OBase, At}), I.constant(VecBytes(V))});
      }
  };
  // A pooling's plane: rows of blocks of up to 16 * CB pixels.
  auto Plane = [&](Value XPlane, Value WRow, Value OPlane, int64_t Rows) {
    auto Oy = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(OH), I.constant(1));
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(Oy.getBody());
    steps(OW, 16 * CB, 4, [&](Value Ox0, int64_t Cols) {
      Block(XPlane, WRow, OPlane, Rows, Oy.getInductionVar(), Ox0, Cols);
    });
  };
  if (Conv) {
    // Filters in blocks of Rb: weights rows f, outputs planes f.
    auto Filters = [&](int64_t Rb, const std::function<void(Value, Value, int64_t)> &Body) {
      steps(F, Rb, 1, [&](Value F0, int64_t Rows) {
        Body(I.add({W, I.mul({F0, I.constant(KC * 4)})}),
             I.add({O, I.mul({F0, I.constant(OH * OW * 4)})}), Rows);
      });
    };
    // Filters per block for blocks of NV vectors: up to 8 for one vector,
    // 6 for two (the accumulators and two steps' operands within the
    // registers). A few blocks share the filters evenly (8 filters: 4 + 4,
    // not 6 + 2); for many, fewer per block where the last block would
    // keep less than half of them.
    auto FiltersFor = [&](int64_t NV) {
      int64_t Max = NV == 1 ? 8 : NV == 2 ? 6 : RB;
      if (F <= Max || Max <= RB)
        return Max;
      if (int64_t Blocks = (F + Max - 1) / Max; Blocks <= 4)
        return std::max<int64_t>(RB, (F + Blocks - 1) / Blocks);
      int64_t Rb = Max;
      while (Rb > RB && F % Rb && 2 * (F % Rb) < Rb)
        --Rb;
      return Rb;
    };
    if (OW <= 16) {
      // Narrow outputs: blocks of CB rows (or pairs of rows) x RB filters;
      // the rows left over (fewer vectors) take more filters per block, as
      // the columns left over do below.
      int64_t Group = PairRows ? 2 * CB : CB, WholeRows = OH / Group * Group;
      int64_t Left = OH - WholeRows, NVLeft = PairRows ? (Left + 1) / 2 : Left;
      auto RowBlocks = [&](Value WRow, Value OPlane, int64_t R, Value Oy, int64_t N) {
        Block(X, WRow, OPlane, R, Oy, I.constant(0), OW, N, PairRows);
      };
      if (WholeRows)
        Filters(RB, [&](Value WRow, Value OPlane, int64_t R) {
          steps(WholeRows, Group, 1,
                [&](Value Oy, int64_t N) { RowBlocks(WRow, OPlane, R, Oy, N); });
        });
      if (Left) {
        Filters(FiltersFor(NVLeft), [&](Value WRow, Value OPlane, int64_t R) {
          RowBlocks(WRow, OPlane, R, I.constant(WholeRows), Left);
        });
      }
      return;
    }
    // Wide outputs: blocks of 48 pixels x 4 filters; the columns left over
    // (one or two vectors) take more filters per block, so that every
    // block issues 8 to 12 FMAs per K step.
    int64_t Step = 16 * CB, Whole = OW / Step * Step, Rem = OW - Whole;
    auto Rows = [&](Value WRow, Value OPlane, int64_t Rows, Value Ox0, int64_t Cols) {
      auto Oy = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(OH), I.constant(1));
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(Oy.getBody());
      if (Ox0)
        return Block(X, WRow, OPlane, Rows, Oy.getInductionVar(), Ox0, Cols);
      steps(Whole, Step, 4, [&](Value Ox, int64_t C) {
        Block(X, WRow, OPlane, Rows, Oy.getInductionVar(), Ox, C);
      });
    };
    if (Whole)
      Filters(RB, [&](Value WRow, Value OPlane, int64_t R) { Rows(WRow, OPlane, R, Value(), 0); });
    if (Rem) {
      Filters(FiltersFor((Rem + 15) / 16), [&](Value WRow, Value OPlane, int64_t R) {
        Rows(WRow, OPlane, R, I.constant(Whole * 4), Rem);
      });
    }
  } else {
    auto Ch = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(C), I.constant(1));
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(Ch.getBody());
    Value Iv = Ch.getInductionVar();
    Plane(I.add({X, I.mul({Iv, I.constant(IH * IW * 4)})}), Value(),
          I.add({O, I.mul({Iv, I.constant(OH * OW * 4)})}), 1);
  }
}

void Codegen::addConvKernels(KernelTable &T) { T.add(&Codegen::lowerConv); }

} // namespace d1::tiletoisa
