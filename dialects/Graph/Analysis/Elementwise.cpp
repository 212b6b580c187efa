//===- Elementwise.cpp - Graph elementwise ops as tile functions ----------===//
#include "dialects/Graph/Analysis/Elementwise.h"
#include "dialects/Graph/IR/Graph.h"

using namespace mlir;

bool d1::elementwiseKind(Operation *Op, tile::EltKind &Kind, SmallVectorImpl<float> &Params) {
  using K = tile::EltKind;
  if (isa<graph::AddOp>(Op))
    Kind = K::Add;
  else if (isa<graph::SubOp>(Op))
    Kind = K::Sub;
  else if (isa<graph::MulOp>(Op))
    Kind = K::Mul;
  else if (isa<graph::DivOp>(Op))
    Kind = K::Div;
  else if (isa<graph::PowOp>(Op))
    Kind = K::Pow;
  else if (isa<graph::ReluOp>(Op))
    Kind = K::Relu;
  else if (isa<graph::SigmoidOp>(Op))
    Kind = K::Sigmoid;
  else if (isa<graph::TanhOp>(Op))
    Kind = K::Tanh;
  else if (isa<graph::ErfOp>(Op))
    Kind = K::Erf;
  else if (isa<graph::ExpOp>(Op))
    Kind = K::Exp;
  else if (isa<graph::LogOp>(Op))
    Kind = K::Log;
  else if (isa<graph::SqrtOp>(Op))
    Kind = K::Sqrt;
  else if (isa<graph::ReciprocalOp>(Op))
    Kind = K::Reciprocal;
  else if (isa<graph::NegOp>(Op))
    Kind = K::Neg;
  else if (isa<graph::AbsOp>(Op))
    Kind = K::Abs;
  else if (isa<graph::SignOp>(Op))
    Kind = K::Sign;
  else if (isa<graph::FloorOp>(Op))
    Kind = K::Floor;
  else if (isa<graph::CeilOp>(Op))
    Kind = K::Ceil;
  else if (isa<graph::RoundOp>(Op))
    Kind = K::Round;
  else if (isa<graph::SinOp>(Op))
    Kind = K::Sin;
  else if (isa<graph::CosOp>(Op))
    Kind = K::Cos;
  else if (isa<graph::AtanOp>(Op))
    Kind = K::Atan;
  else if (isa<graph::NotOp>(Op))
    Kind = K::Not;
  else if (isa<graph::IsNaNOp>(Op))
    Kind = K::IsNaN;
  else if (isa<graph::MaxOp>(Op))
    Kind = K::Max;
  else if (isa<graph::MinOp>(Op))
    Kind = K::Min;
  else if (isa<graph::AndOp>(Op))
    Kind = K::And;
  else if (isa<graph::OrOp>(Op))
    Kind = K::Or;
  else if (isa<graph::XorOp>(Op))
    Kind = K::Xor;
  else if (isa<graph::WhereOp>(Op))
    Kind = K::Where;
  else if (auto Md = dyn_cast<graph::ModOp>(Op))
    Kind = Md.getFmod() ? K::FMod : K::Mod;
  else if (auto Sh = dyn_cast<graph::BitShiftOp>(Op))
    Kind = Sh.getLeft() ? K::Shl : K::Shr;
  else if (auto Cm = dyn_cast<graph::CompareOp>(Op)) {
    using P = graph::ComparePredicate;
    P Pr = Cm.getPredicate();
    Kind = Pr == P::EQ   ? K::Eq
           : Pr == P::LT ? K::Lt
           : Pr == P::LE ? K::Le
           : Pr == P::GT ? K::Gt
                         : K::Ge;
  } else if (auto Inf = dyn_cast<graph::IsInfOp>(Op)) {
    Kind = K::IsInf;
    Params.push_back(Inf.getDetectNegative() ? 1.0f : 0.0f);
    Params.push_back(Inf.getDetectPositive() ? 1.0f : 0.0f);
  } else if (auto L = dyn_cast<graph::LeakyReluOp>(Op)) {
    Kind = K::LeakyRelu;
    Params.push_back(L.getAlpha().convertToFloat());
  } else if (auto C = dyn_cast<graph::ClipOp>(Op)) {
    Kind = K::Clip;
    Params.push_back(C.getMin().convertToFloat());
    Params.push_back(C.getMax().convertToFloat());
  } else {
    return false;
  }
  return true;
}

bool d1::fusableElementwise(Operation *Op) {
  tile::EltKind K;
  SmallVector<float> P;
  if (Op->getNumResults() != 1 || Op->getNumOperands() > 2 || !elementwiseKind(Op, K, P))
    return false;
  auto F32 = [](Type T) { return cast<RankedTensorType>(T).getElementType().isF32(); };
  if (!llvm::all_of(Op->getOperandTypes(), F32) || !F32(Op->getResult(0).getType()))
    return false;
  if (auto Pw = dyn_cast<graph::PowOp>(Op))
    if (std::vector<float> E = graph::constantF32(Pw.getRhs()); E.size() == 1 && E[0] == 3.0f)
      return false;
  return true;
}
