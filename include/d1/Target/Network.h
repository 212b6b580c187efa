//===- Network.h - The mesh's links, DRAM ports and flows -------*- C++ -*-===//
//
// A flow-level model of the network on chip, free of the emulator so that
// the emulator and the partitioner's cost model share it:
//
// * Geometry: an R x C mesh of cores; each core's router has a directed
//   link to each neighbour. Routes are dimension ordered (XY: along the row
//   to the destination's column, then along the column). DRAM sits behind
//   ports on the mesh's west and east edges, spread evenly over the rows
//   (port 0 beside core 0); a transfer uses the port nearest its core.
// * Flows: a transfer is a flow of bytes along its route's resources (the
//   links it crosses and, to or from DRAM, its port). Rates are max-min
//   fair: no flow can go faster without slowing one that is no faster,
//   each capped by its own limit (the DMA engine's rate, one row a cycle).
//   Rates are constant between a flow starting and one finishing.
//
// What it ignores: packets and router buffers (a flow's bytes move as a
// fluid), head-of-line blocking, and the direction of a port's traffic (a
// port's bandwidth is one budget for reads and writes).
//
//===----------------------------------------------------------------------===//
#ifndef D1_TARGET_NETWORK_H
#define D1_TARGET_NETWORK_H

#include "d1/Target/Machine.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace d1::net {

/// The mesh's shape and rates.
struct Geometry {
  unsigned Rows = 1, Cols = 1;
  unsigned Ports = 1;             // DRAM ports, alternately west and east
  double LinkBytesPerCycle = 64;  // per directed link
  double PortBytesPerCycle = 100; // per DRAM port

  /// The mesh of machine M (mesh_rows x mesh_cols, dram_ports sharing
  /// dram_bytes_per_cycle, noc_bytes_per_cycle links).
  static Geometry of(const MachineDesc &M);

  unsigned numCores() const { return Rows * Cols; }
  /// Resources: the links (core * 4 + direction), then the ports.
  enum Direction : unsigned { East, West, South, North };
  unsigned numResources() const { return numCores() * 4 + Ports; }
  unsigned link(unsigned Core, Direction D) const { return Core * 4 + D; }
  unsigned port(unsigned P) const { return numCores() * 4 + P; }
  bool isPort(unsigned Resource) const { return Resource >= numCores() * 4; }
  double capacity(unsigned Resource) const {
    return isPort(Resource) ? PortBytesPerCycle : LinkBytesPerCycle;
  }
  /// A resource's name for reports: "link 3->4", "port 1 (west, row 9)".
  std::string name(unsigned Resource) const;

  /// Port P's edge (west for even P) and the core beside it.
  bool portEast(unsigned P) const { return P % 2 == 1; }
  unsigned portCore(unsigned P) const;
  /// The port nearest Core (fewest hops; the lower index on a tie).
  unsigned nearestPort(unsigned Core) const;
  unsigned hops(unsigned A, unsigned B) const { return meshHops(A, B, Cols); }
  /// Appends the links of the XY route from core From to core To.
  void route(unsigned From, unsigned To, std::vector<unsigned> &Resources) const;
  /// The resources a DRAM transfer of Core uses: its route to or from its
  /// nearest port's core, then the port.
  std::vector<unsigned> dramRoute(unsigned Core, bool ToDram) const;
};

/// Flows over shared resources, advanced in time by a caller that adds
/// flows as they start (in order of start time).
class FlowNetwork {
public:
  explicit FlowNetwork(const Geometry &G);

  /// Adds flow Key (unique; ties between events are broken by key) of
  /// Bytes over Resources, at most Cap bytes a cycle, starting at Start (not
  /// before the current time).
  void add(uint64_t Key, double Start, double Bytes, double Cap, std::vector<unsigned> Resources);

  struct Finished {
    uint64_t Key;
    double Time;
  };
  /// Advances to the next flow finishing at or before Limit and returns it
  /// (the clock then stands at its finish), or advances to Limit and
  /// returns nothing. Flows starting on the way join at their start.
  std::optional<Finished> step(double Limit);

  double now() const { return Now; }
  size_t active() const { return Flows.size(); }
  /// No flow running or waiting for its start.
  bool idle() const { return Flows.empty() && Pending.empty(); }
  /// The current rate of flow Key (0 if not started or unknown).
  double rate(uint64_t Key) const;
  /// Bytes each resource has carried so far.
  const std::vector<double> &carried() const { return Carried; }

private:
  struct Flow {
    uint64_t Key;
    double Start, Remaining, Cap, Rate = 0;
    std::vector<unsigned> Resources;
  };
  void assignRates();
  Geometry G;
  double Now = 0;
  std::vector<Flow> Flows;   // started, by key
  std::vector<Flow> Pending; // not yet started, by (start, key)
  std::vector<double> Carried;
  // assignRates()'s scratch, per resource: capacity left, unfrozen users.
  std::vector<double> Left;
  std::vector<unsigned> Users;
  bool RatesValid = true;
};

} // namespace d1::net

#endif
