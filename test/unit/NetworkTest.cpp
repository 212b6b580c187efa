//===- NetworkTest.cpp - Routes, ports and max-min fair flows --------------===//
//
// Each figure here is computed by hand from the model in d1/Target/Network.h.
//
//===----------------------------------------------------------------------===//
#include "d1/Target/Network.h"

#include <gtest/gtest.h>

using namespace d1::net;

namespace {

Geometry mesh(unsigned Rows, unsigned Cols, unsigned Ports = 4, double Port = 100) {
  Geometry G;
  G.Rows = Rows;
  G.Cols = Cols;
  G.Ports = Ports;
  G.LinkBytesPerCycle = 64;
  G.PortBytesPerCycle = Port;
  return G;
}

TEST(Network, RoutesAlongTheRowThenTheColumn) {
  Geometry G = mesh(4, 5);
  std::vector<unsigned> R;
  // (0,0) -> (2,3): east from columns 0, 1, 2, then south from rows 0, 1.
  G.route(0, 13, R);
  EXPECT_EQ(R, (std::vector<unsigned>{G.link(0, Geometry::East), G.link(1, Geometry::East),
                                      G.link(2, Geometry::East), G.link(3, Geometry::South),
                                      G.link(8, Geometry::South)}));
  // Back: west along row 2, then north along column 0.
  R.clear();
  G.route(13, 0, R);
  EXPECT_EQ(R, (std::vector<unsigned>{G.link(13, Geometry::West), G.link(12, Geometry::West),
                                      G.link(11, Geometry::West), G.link(10, Geometry::North),
                                      G.link(5, Geometry::North)}));
  R.clear();
  G.route(7, 7, R);
  EXPECT_TRUE(R.empty());
  EXPECT_EQ(G.name(G.link(3, Geometry::South)), "link 3->8");
}

TEST(Network, DramPortsSitOnTheWestAndEastEdges) {
  Geometry G = mesh(18, 20, 4);
  // West ports 0 and 2 at rows 0 and 9; east ports 1 and 3 likewise.
  EXPECT_EQ(G.portCore(0), 0u);
  EXPECT_EQ(G.portCore(1), 19u);
  EXPECT_EQ(G.portCore(2), 180u);
  EXPECT_EQ(G.portCore(3), 199u);
  EXPECT_EQ(G.nearestPort(0), 0u);
  EXPECT_EQ(G.nearestPort(19), 1u);
  EXPECT_EQ(G.nearestPort(160), 2u); // row 8, column 0: 1 hop from port 2, 8 from port 0
  EXPECT_EQ(G.name(G.port(3)), "port 3 (east, row 9)");
  // A read from DRAM by core 21 (row 1, column 1): port 0's core to it, then
  // the port.
  EXPECT_EQ(G.dramRoute(21, false), (std::vector<unsigned>{G.link(0, Geometry::East),
                                                           G.link(1, Geometry::South), G.port(0)}));
}

TEST(Network, ALoneFlowRunsAtTheSlowerOfItsCapAndItsLinks) {
  Geometry G = mesh(1, 2);
  FlowNetwork N(G);
  N.add(1, 0, 6400, 64, {G.link(0, Geometry::East)});
  auto F = N.step(1e9);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->Key, 1u);
  EXPECT_DOUBLE_EQ(F->Time, 100.0);
  // A cap below the link's rate governs.
  N.add(2, 100, 160, 16, {G.link(0, Geometry::East)});
  F = N.step(1e9);
  ASSERT_TRUE(F);
  EXPECT_DOUBLE_EQ(F->Time, 110.0);
  EXPECT_DOUBLE_EQ(N.carried()[G.link(0, Geometry::East)], 6560.0);
}

TEST(Network, TwoFlowsShareALinkUntilOneFinishes) {
  Geometry G = mesh(1, 3);
  FlowNetwork N(G);
  // 32 B/cycle each until A's 640 bytes are through at 20; B's other 640
  // bytes then go at 64 B/cycle: 10 more cycles.
  N.add(1, 0, 640, 64, {G.link(0, Geometry::East)});
  N.add(2, 0, 1280, 64, {G.link(0, Geometry::East), G.link(1, Geometry::East)});
  EXPECT_FALSE(N.step(5));
  EXPECT_DOUBLE_EQ(N.rate(1), 32.0);
  EXPECT_DOUBLE_EQ(N.rate(2), 32.0);
  auto A = N.step(1e9);
  ASSERT_TRUE(A);
  EXPECT_EQ(A->Key, 1u);
  EXPECT_DOUBLE_EQ(A->Time, 20.0);
  auto B = N.step(1e9);
  ASSERT_TRUE(B);
  EXPECT_EQ(B->Key, 2u);
  EXPECT_DOUBLE_EQ(B->Time, 30.0);
  EXPECT_DOUBLE_EQ(N.carried()[G.link(0, Geometry::East)], 1920.0);
  EXPECT_DOUBLE_EQ(N.carried()[G.link(1, Geometry::East)], 1280.0);
}

TEST(Network, RatesAreMaxMinFair) {
  // A crosses the link, B the link and the port, C the port (40 B/cycle).
  // The port fills first: B and C get 20 each; A then takes the link's
  // other 44.
  Geometry G = mesh(1, 2, 1, 40);
  FlowNetwork N(G);
  unsigned L = G.link(0, Geometry::East), P = G.port(0);
  N.add(1, 0, 1e6, 64, {L});
  N.add(2, 0, 1e6, 64, {L, P});
  N.add(3, 0, 1e6, 64, {P});
  EXPECT_FALSE(N.step(1));
  EXPECT_DOUBLE_EQ(N.rate(1), 44.0);
  EXPECT_DOUBLE_EQ(N.rate(2), 20.0);
  EXPECT_DOUBLE_EQ(N.rate(3), 20.0);
  // A flow capped at 16 beside one capped at 64: 16 and 48.
  FlowNetwork M(G);
  M.add(1, 0, 1e6, 16, {L});
  M.add(2, 0, 1e6, 64, {L});
  EXPECT_FALSE(M.step(1));
  EXPECT_DOUBLE_EQ(M.rate(1), 16.0);
  EXPECT_DOUBLE_EQ(M.rate(2), 48.0);
}

TEST(Network, AFlowJoinsAtItsStart) {
  // A runs alone for 10 cycles (640 of its 1000 bytes); then A and B share
  // the link at 32 each: B's 320 bytes take 10 cycles, and A has 40 left,
  // which take 0.625 cycles alone.
  Geometry G = mesh(1, 2);
  FlowNetwork N(G);
  unsigned L = G.link(0, Geometry::East);
  N.add(1, 0, 1000, 64, {L});
  N.add(2, 10, 320, 64, {L});
  auto B = N.step(1e9);
  ASSERT_TRUE(B);
  EXPECT_EQ(B->Key, 2u);
  EXPECT_DOUBLE_EQ(B->Time, 20.0);
  auto A = N.step(1e9);
  ASSERT_TRUE(A);
  EXPECT_EQ(A->Key, 1u);
  EXPECT_DOUBLE_EQ(A->Time, 20.625);
  EXPECT_FALSE(N.step(1e9));
  EXPECT_EQ(N.active(), 0u);
}

TEST(Network, FlowsWithoutLinksAreCappedOnly) {
  // A copy within one core's SRAM crosses no link.
  Geometry G = mesh(1, 1);
  FlowNetwork N(G);
  N.add(1, 0, 128, 64, {});
  N.add(2, 0, 128, 64, {});
  auto A = N.step(1e9), B = N.step(1e9);
  ASSERT_TRUE(A && B);
  EXPECT_EQ(A->Key, 1u);
  EXPECT_EQ(B->Key, 2u);
  EXPECT_DOUBLE_EQ(A->Time, 2.0);
  EXPECT_DOUBLE_EQ(B->Time, 2.0);
}

} // namespace
