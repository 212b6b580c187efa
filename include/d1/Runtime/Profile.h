//===- Profile.h - Per-layer cost report of a run ---------------*- C++ -*-===//
//
// Folds the per-instruction profile of a run (RunOptions::Profile) into one
// row per layer, the layer being the name the compiler attached to each
// instruction (the ONNX node, or the nodes of a fused kernel).
//
//===----------------------------------------------------------------------===//
#ifndef D1_RUNTIME_PROFILE_H
#define D1_RUNTIME_PROFILE_H

#include "d1/Binary/D1X.h"
#include "d1/Runtime/Emulator.h"

#include <string>
#include <vector>

namespace d1 {

struct LayerCost {
  std::string Name; // "(no layer)" for instructions without one
  uint64_t Cycles = 0, Instructions = 0, VectorMacs = 0, MatrixMacs = 0;
  uint64_t DramReadBytes = 0, DramWriteBytes = 0;
  /// MACs over what the unit doing them could do in Cycles (0..1).
  double Utilization = 0;
  /// True when moving its DRAM bytes at the core's DMA rate takes longer
  /// than its MACs at the unit's peak (the roofline's memory side).
  bool MemoryBound = false;
};

/// One row per layer in order of first execution; the rows' cycles add up
/// to the run's. Needs the run's stats with a profile for every core.
std::vector<LayerCost> layerCosts(const D1XFile &File, const RunStats &S);
/// The rows as a text table (Json false) or a JSON array.
std::string formatLayerCosts(const std::vector<LayerCost> &Rows, bool Json);

} // namespace d1

#endif
