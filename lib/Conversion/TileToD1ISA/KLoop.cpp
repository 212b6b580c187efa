//===- KLoop.cpp - The K loop of the window kernels -------------------------===//
#include "Codegen.h"

namespace d1::tiletoisa {

void Codegen::steps(int64_t Total, int64_t Step, int64_t Scale,
                    const std::function<void(Value, int64_t)> &Body) {
  if (Total <= 0)
    return;
  Step = std::min(Step, Total);
  int64_t Full = Total / Step, Rem = Total % Step;
  if (Full == 1) {
    Body(I.constant(0), Step);
  } else if (Full > 1) {
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Full * Step * Scale),
                                    I.constant(Step * Scale));
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(For.getBody());
    Body(For.getInductionVar(), Step);
  }
  if (Rem)
    Body(I.constant(Full * Step * Scale), Rem);
}

Codegen::Operands Codegen::kLoop(int64_t Steps, ValueRange Init,
                                 const std::function<Operands(Value, ValueRange)> &Load,
                                 const std::function<Operands(ValueRange, ValueRange)> &Use,
                                 const std::function<Operands(Value)> &Pre) {
  size_t NCarried = Init.size();
  auto PreAt = [&](Value K4) { return Pre ? Pre(K4) : Operands(); };
  auto Loop = [&](int64_t Iterations, int64_t Stride, ValueRange Carried,
                  const std::function<Operands(Value, ValueRange)> &Body) {
    auto For = B.create<scf::ForOp>(I.Loc, I.constant(0), I.constant(Iterations * Stride * 4),
                                    I.constant(Stride * 4), Carried);
    OpBuilder::InsertionGuard G(B);
    B.setInsertionPointToStart(For.getBody());
    B.create<scf::YieldOp>(I.Loc, Body(For.getInductionVar(), For.getRegionIterArgs()));
    return Operands(For.getResults().begin(), For.getResults().end());
  };
  if (!Pipeline || Steps < 3)
    return Loop(Steps, 1, Init,
                [&](Value K4, ValueRange Acc) { return Use(Load(K4, PreAt(K4)), Acc); });
  // Carried: the accumulators, step k's operands, step k + 1's Pre values.
  Operands Carried(Init.begin(), Init.end());
  Operands First = Load(I.constant(0), PreAt(I.constant(0)));
  size_t NOps = First.size();
  Carried.append(First.begin(), First.end());
  Operands FirstPre = PreAt(I.constant(4));
  size_t NPre = FirstPre.size();
  Carried.append(FirstPre.begin(), FirstPre.end());
  int64_t Pairs = (Steps - 1) / 2;
  Operands Out = Loop(Pairs, 2, Carried, [&](Value K4, ValueRange Args) {
    // (The next step's operands load into fresh registers while this one
    // computes; those of the step after go to the registers of this
    // step's, once their readers are issued.)
    Operands Next = Load(I.addi({K4, 4}), Args.take_back(NPre));
    Operands NextPre = PreAt(I.addi({K4, 8}));
    Operands R = Use(Args.slice(NCarried, NOps), Args.take_front(NCarried));
    R = Use(Next, R);
    Operands After = Load(I.addi({K4, 8}), NextPre);
    Operands AfterPre = PreAt(I.addi({K4, 12}));
    R.append(After.begin(), After.end());
    R.append(AfterPre.begin(), AfterPre.end());
    return R;
  });
  ValueRange O(Out);
  Operands Acc = Use(O.slice(NCarried, NOps), O.take_front(NCarried));
  if (2 * Pairs + 1 < Steps)
    Acc = Use(Load(I.constant((2 * Pairs + 1) * 4), O.take_back(NPre)), Acc);
  return Acc;
}

} // namespace d1::tiletoisa
