//===- PeakCountTest.cpp - Peaks of counts over growing program points ----===//
#include "d1/Planning/PeakCount.h"

#include <gtest/gtest.h>

#include <random>

using namespace d1::plan;

namespace {

TEST(PeakCount, AgreesWithAPlainArray) {
  std::mt19937_64 R(11);
  for (int Trial = 0; Trial < 200; ++Trial) {
    PeakCount P;
    std::vector<int64_t> Plain;
    EXPECT_EQ(P.max(0, 1), PeakCount::None);
    for (int Step = 0; Step < 300; ++Step) {
      switch (R() % 3) {
      case 0: {
        int64_t V = int64_t(R() % 7) - 2;
        P.push(V);
        Plain.push_back(V);
        break;
      }
      case 1: {
        size_t From = Plain.empty() ? 0 : R() % (Plain.size() + 1);
        int64_t D = int64_t(R() % 5) - 1;
        P.addFrom(From, D);
        for (size_t I = From; I < Plain.size(); ++I)
          Plain[I] += D;
        break;
      }
      default: {
        size_t Lo = R() % (Plain.size() + 2), Hi = R() % (Plain.size() + 2);
        int64_t Want = PeakCount::None;
        for (size_t I = Lo; I < std::min(Hi, Plain.size()); ++I)
          Want = std::max(Want, Plain[I]);
        ASSERT_EQ(P.max(Lo, Hi), Want) << "trial " << Trial << " step " << Step;
      }
      }
      ASSERT_EQ(P.size(), Plain.size());
    }
  }
}

} // namespace
