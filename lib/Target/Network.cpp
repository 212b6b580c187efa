//===- Network.cpp - The mesh's links, DRAM ports and flows ---------------===//
#include "d1/Target/Network.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace d1::net;

// Bytes or bytes a cycle below this are nothing (the rates are sums and
// differences of a few capacities; the clock runs to about 2^40).
static constexpr double Eps = 1e-9;

Geometry Geometry::of(const MachineDesc &M) {
  Geometry G;
  G.Rows = unsigned(M[MachineParamId::mesh_rows]);
  G.Cols = unsigned(M[MachineParamId::mesh_cols]);
  // (At most one port per row on each edge.)
  G.Ports = unsigned(std::min(M[MachineParamId::dram_ports], 2 * M[MachineParamId::mesh_rows]));
  G.LinkBytesPerCycle = double(M[MachineParamId::noc_bytes_per_cycle]);
  G.PortBytesPerCycle = double(M[MachineParamId::dram_bytes_per_cycle]) / G.Ports;
  return G;
}

std::string Geometry::name(unsigned Resource) const {
  if (isPort(Resource)) {
    unsigned P = Resource - numCores() * 4;
    return "port " + std::to_string(P) + " (" + (portEast(P) ? "east" : "west") + ", row " +
           std::to_string(portCore(P) / Cols) + ")";
  }
  unsigned Core = Resource / 4, To = 0;
  switch (Direction(Resource % 4)) {
  case East:
    To = Core + 1;
    break;
  case West:
    To = Core - 1;
    break;
  case South:
    To = Core + Cols;
    break;
  case North:
    To = Core - Cols;
    break;
  }
  return "link " + std::to_string(Core) + "->" + std::to_string(To);
}

unsigned Geometry::portCore(unsigned P) const {
  // The ports of one edge spread evenly over its rows, the first at row 0.
  unsigned OnEdge = (Ports + (portEast(P) ? 0 : 1)) / 2;
  unsigned Index = P / 2;
  unsigned Row = OnEdge ? Index * Rows / OnEdge : 0;
  return Row * Cols + (portEast(P) ? Cols - 1 : 0);
}

unsigned Geometry::nearestPort(unsigned Core) const {
  unsigned Best = 0;
  for (unsigned P = 1; P < Ports; ++P)
    if (hops(Core, portCore(P)) < hops(Core, portCore(Best)))
      Best = P;
  return Best;
}

void Geometry::route(unsigned From, unsigned To, std::vector<unsigned> &Resources) const {
  unsigned R = From / Cols, C = From % Cols, TR = To / Cols, TC = To % Cols;
  while (C != TC) {
    unsigned Here = R * Cols + C;
    Resources.push_back(link(Here, C < TC ? East : West));
    C = C < TC ? C + 1 : C - 1;
  }
  while (R != TR) {
    unsigned Here = R * Cols + C;
    Resources.push_back(link(Here, R < TR ? South : North));
    R = R < TR ? R + 1 : R - 1;
  }
}

std::vector<unsigned> Geometry::dramRoute(unsigned Core, bool ToDram) const {
  std::vector<unsigned> Resources;
  unsigned P = nearestPort(Core);
  if (ToDram)
    route(Core, portCore(P), Resources);
  else
    route(portCore(P), Core, Resources);
  Resources.push_back(port(P));
  return Resources;
}

FlowNetwork::FlowNetwork(const Geometry &G)
    : G(G), Carried(G.numResources(), 0.0), Left(G.numResources(), 0.0),
      Users(G.numResources(), 0) {}

void FlowNetwork::add(uint64_t Key, double Start, double Bytes, double Cap,
                      std::vector<unsigned> Resources) {
  Flow F{Key, std::max(Start, Now), Bytes, Cap, 0, std::move(Resources)};
  auto At = std::upper_bound(Pending.begin(), Pending.end(), F, [](const Flow &A, const Flow &X) {
    return A.Start != X.Start ? A.Start < X.Start : A.Key < X.Key;
  });
  Pending.insert(At, std::move(F));
}

double FlowNetwork::rate(uint64_t Key) const {
  for (const Flow &F : Flows)
    if (F.Key == Key)
      return F.Rate;
  return 0;
}

// Max-min fair rates by progressive filling: every unfrozen flow's rate
// grows alike until a resource it uses is full or it reaches its cap; those
// flows freeze, the rest go on.
void FlowNetwork::assignRates() {
  RatesValid = true;
  // (Left and Users are kept between calls, sized once: every user of a
  // resource freezes before the filling ends, so Users is all zero again.)
  std::vector<unsigned> Used;
  for (Flow &F : Flows) {
    F.Rate = 0;
    for (unsigned R : F.Resources) {
      if (!Users[R]++) {
        Used.push_back(R);
        Left[R] = G.capacity(R);
      }
    }
  }
  std::vector<bool> Frozen(Flows.size(), false);
  size_t Unfrozen = Flows.size();
  while (Unfrozen) {
    double Step = std::numeric_limits<double>::infinity();
    for (unsigned R : Used)
      if (Users[R])
        Step = std::min(Step, Left[R] / Users[R]);
    for (size_t I = 0; I < Flows.size(); ++I)
      if (!Frozen[I])
        Step = std::min(Step, Flows[I].Cap - Flows[I].Rate);
    Step = std::max(Step, 0.0);
    for (size_t I = 0; I < Flows.size(); ++I) {
      if (Frozen[I])
        continue;
      Flows[I].Rate += Step;
      for (unsigned R : Flows[I].Resources)
        Left[R] -= Step;
    }
    for (size_t I = 0; I < Flows.size(); ++I) {
      if (Frozen[I])
        continue;
      bool Full = Flows[I].Cap - Flows[I].Rate <= Eps;
      for (unsigned R : Flows[I].Resources)
        Full |= Left[R] <= Eps * G.capacity(R);
      if (!Full)
        continue;
      Frozen[I] = true;
      --Unfrozen;
      for (unsigned R : Flows[I].Resources)
        --Users[R];
    }
  }
}

std::optional<FlowNetwork::Finished> FlowNetwork::step(double Limit) {
  for (;;) {
    if (!RatesValid)
      assignRates();
    double NextStart =
        Pending.empty() ? std::numeric_limits<double>::infinity() : Pending.front().Start;
    // The first flow to finish (the lower key on a tie).
    double NextFinish = std::numeric_limits<double>::infinity();
    size_t Finisher = Flows.size();
    for (size_t I = 0; I < Flows.size(); ++I) {
      const Flow &F = Flows[I];
      double T = F.Remaining <= Eps ? Now
                 : F.Rate > Eps     ? Now + F.Remaining / F.Rate
                                    : std::numeric_limits<double>::infinity();
      if (T < NextFinish ||
          (T == NextFinish && Finisher < Flows.size() && F.Key < Flows[Finisher].Key)) {
        NextFinish = T;
        Finisher = I;
      }
    }
    double T = std::min({NextStart, NextFinish, Limit});
    if (T > Now) {
      double Dt = T - Now;
      for (Flow &F : Flows) {
        double Moved = std::min(F.Remaining, F.Rate * Dt);
        F.Remaining -= Moved;
        for (unsigned R : F.Resources)
          Carried[R] += Moved;
      }
      Now = T;
    }
    if (Finisher < Flows.size() && NextFinish <= NextStart && NextFinish <= Limit) {
      Finished Done{Flows[Finisher].Key, Now};
      for (unsigned R : Flows[Finisher].Resources)
        Carried[R] += std::max(Flows[Finisher].Remaining, 0.0);
      Flows.erase(Flows.begin() + long(Finisher));
      RatesValid = false;
      return Done;
    }
    if (NextStart <= Limit && NextStart <= Now) {
      while (!Pending.empty() && Pending.front().Start <= Now) {
        Flow F = std::move(Pending.front());
        Pending.erase(Pending.begin());
        auto At = std::lower_bound(Flows.begin(), Flows.end(), F.Key,
                                   [](const Flow &A, uint64_t K) { return A.Key < K; });
        Flows.insert(At, std::move(F));
      }
      RatesValid = false;
      continue;
    }
    return std::nullopt;
  }
}
