//===- Matmul.cpp - The fp32 FMA matrix product -----------------------------===//
#include "Codegen.h"

namespace d1::tiletoisa {

// C[m x n] (+)= A[m x k] B[k x n]: blocks of RB rows x CB vectors of 16
// columns; the k loop keeps the RB * CB accumulators in registers.
void Codegen::lowerMatmul(tile::MatmulOp Op) {
  int64_t Mm = Op.getM(), Nn = Op.getN(), Kk = Op.getK();
  int64_t Lda = Op.getLda() * 4, Ldb = Op.getLdb() * 4, Ldc = Op.getLdc() * 4;
  Value ABase = addr(Op.getA(), Op.getAOffset());
  Value BBase = addr(Op.getB(), Op.getBOffset());
  Value CBase = addr(Op.getC(), Op.getCOffset());
  bool Acc = Op.getAccumulate();
  const int64_t RB = 4, CB = 3;
  auto Block = [&](Value Row0, int64_t Rows, Value Col0, int64_t Cols) {
    // Row0 in bytes of A rows (Row0 * Lda) and C rows; Col0 in bytes.
    int64_t NV = (Cols + 15) / 16;
    auto VecBytes = [&](int64_t V) { return std::min<int64_t>(64, (Cols - 16 * V) * 4); };
    Value ARow = I.add({ABase, scaled(Row0, Lda)});
    Value CRow = I.add({I.add({CBase, scaled(Row0, Ldc)}), Col0});
    Value BCol = I.add({BBase, Col0});
    SmallVector<Value> Init;
    for (int64_t R = 0; R < Rows; ++R)
      for (int64_t V = 0; V < NV; ++V) {
        if (!Acc) {
          Init.push_back(bcast(0.0f));
          continue;
        }
        Value P = I.addi({CRow, R * Ldc + V * 64});
        Init.push_back(VecBytes(V) == 64 ? I.vld({P, 0}) : I.vldp({P, I.constant(VecBytes(V))}));
      }
    // One K step's operands: B's row (NV vectors), then A's column
    // broadcast per row.
    auto Load = [&](Value K4, ValueRange) {
      Value BRow = I.add({BCol, scaled(K4, Ldb / 4)});
      Operands Ops;
      for (int64_t V = 0; V < NV; ++V)
        Ops.push_back(VecBytes(V) == 64
                          ? I.vld({BRow, V * 64})
                          : I.vldp({I.addi({BRow, V * 64}), I.constant(VecBytes(V))}));
      Value AK = I.add({ARow, K4});
      for (int64_t R = 0; R < Rows; ++R)
        Ops.push_back(I.vldb_32({AK, R * Lda}));
      return Ops;
    };
    auto Use = [&](ValueRange Ops, ValueRange Args) {
      Operands Next;
      for (int64_t R = 0; R < Rows; ++R)
        for (int64_t V = 0; V < NV; ++V)
          Next.push_back(
              I.vfma_f32({Ops[size_t(NV + R)], Ops[size_t(V)], Args[size_t(R * NV + V)]}));
      return Next;
    };
    Operands Res = kLoop(Kk, Init, Load, Use);
    for (int64_t R = 0; R < Rows; ++R)
      for (int64_t V = 0; V < NV; ++V) {
        Value Out = Res[size_t(R * NV + V)];
        if (VecBytes(V) == 64)
          I.vst({Out, CRow, R * Ldc + V * 64});
        else
          I.vstp({Out, I.addi({CRow, R * Ldc + V * 64}), I.constant(VecBytes(V))});
      }
  };
  auto Columns = [&](Value Row0, int64_t Rows) {
    int64_t Step = 16 * CB, Full = Nn / Step, Rem = Nn % Step;
    if (Full == 1) {
      Block(Row0, Rows, I.constant(0), Step);
    } else if (Full > 1) {
      auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Full * Step * 4),
                                      I.constant(Step * 4));
      OpBuilder::InsertionGuard G(B);
      B.setInsertionPointToStart(For.getBody());
      Block(Row0, Rows, For.getInductionVar(), Step);
    }
    if (Rem)
      Block(Row0, Rows, I.constant(Full * Step * 4), Rem);
  };
  int64_t Full = Mm / RB, Rem = Mm % RB;
  if (Full == 1) {
    Columns(I.constant(0), RB);
  } else if (Full > 1) {
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Full * RB), I.constant(RB));
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(For.getBody());
    Columns(For.getInductionVar(), RB);
  }
  if (Rem)
    Columns(I.constant(Full * RB), Rem);
}

void Codegen::addMatmulKernels(KernelTable &T) { T.add(&Codegen::lowerMatmul); }

} // namespace d1::tiletoisa
