//===- Profile.cpp - Per-layer cost report of a run -----------------------===//
#include "d1/Runtime/Profile.h"
#include "d1/Target/ISA.h"
#include "d1/Target/Network.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdio>
#include <map>

using namespace llvm;
using namespace d1;

namespace {

/// Peak MACs per cycle of the units that do MACs, from the ISA and the
/// machine: the largest per-instruction count times the unit's issue slots.
void peaks(const MachineDesc &MD, double &Vector, double &Matrix) {
  Vector = Matrix = 0;
  for (const InstInfo *I = instBegin(); I != instEnd(); ++I) {
    if (!I->Macs || !I->NumUses)
      continue;
    if (I->Uses[0].U == Unit::Matrix)
      Matrix = std::max(Matrix, double(I->Macs) * double(MD[MachineParamId::issue_mat]));
    else
      Vector = std::max(Vector, double(I->Macs) * double(MD[MachineParamId::issue_vec]));
  }
}

} // namespace

std::vector<LayerCost> d1::layerCosts(const D1XFile &File, const RunStats &S) {
  const MachineDesc &MD = File.machine();
  double VecPeak, MatPeak;
  peaks(MD, VecPeak, MatPeak);
  // A core's DRAM rate: its engine's, or its port's share of DRAM.
  double DramRate = std::min(double(MD[MachineParamId::dma_bytes_per_cycle]),
                             net::Geometry::of(MD).PortBytesPerCycle);
  std::vector<LayerCost> Rows;
  std::map<std::string, size_t> Index;
  for (const CoreStats &CS : S.Cores) {
    const d1x::Core *Code = nullptr;
    for (const d1x::Core &C : File.header().cores())
      if (C.id() == CS.Id)
        Code = &C;
    if (!Code)
      continue;
    const d1x::DebugInfo &Dbg = File.debug(*Code);
    for (size_t Pc = 0; Pc < CS.Profile.size(); ++Pc) {
      const PcProfile &P = CS.Profile[Pc];
      if (!P.Issues && !P.Cycles)
        continue;
      std::string Name;
      if (Pc < size_t(Dbg.locs_size()) && Dbg.locs(int(Pc)).name() &&
          Dbg.locs(int(Pc)).name() < uint32_t(Dbg.names_size()))
        Name = Dbg.names(int(Dbg.locs(int(Pc)).name()));
      if (Name.empty())
        Name = "(no layer)";
      auto [It, New] = Index.emplace(Name, Rows.size());
      if (New) {
        Rows.emplace_back();
        Rows.back().Name = Name;
      }
      LayerCost &R = Rows[It->second];
      R.Cycles += P.Cycles;
      R.Instructions += P.Issues;
      R.DramReadBytes += P.DramReadBytes;
      R.DramWriteBytes += P.DramWriteBytes;
      if (P.Macs) {
        Inst I;
        std::string Err;
        bool Matrix = decode(File.codeWord(*Code, Pc), I, Err) && instInfo(I.Op).NumUses &&
                      instInfo(I.Op).Uses[0].U == Unit::Matrix;
        (Matrix ? R.MatrixMacs : R.VectorMacs) += P.Macs;
      }
    }
  }
  for (LayerCost &R : Rows) {
    double Compute = (VecPeak ? double(R.VectorMacs) / VecPeak : 0) +
                     (MatPeak ? double(R.MatrixMacs) / MatPeak : 0);
    R.Utilization = R.Cycles ? Compute / double(R.Cycles) : 0;
    R.MemoryBound = double(R.DramReadBytes + R.DramWriteBytes) / DramRate > Compute;
  }
  return Rows;
}

std::string d1::formatLayerCosts(const std::vector<LayerCost> &Rows, bool Json) {
  uint64_t Total = 0;
  for (const LayerCost &R : Rows)
    Total += R.Cycles;
  std::string Out;
  char Buf[512];
  if (Json) {
    raw_string_ostream OS(Out);
    json::OStream J(OS, 2);
    J.array([&] {
      for (const LayerCost &R : Rows)
        J.object([&] {
          // (A name is UTF-8 in a .d1x; fixUTF8 only guards the JSON.)
          J.attribute("layer", json::isUTF8(R.Name) ? R.Name : json::fixUTF8(R.Name));
          J.attribute("cycles", R.Cycles);
          J.attribute("instructions", R.Instructions);
          J.attribute("vector_macs", R.VectorMacs);
          J.attribute("matrix_macs", R.MatrixMacs);
          J.attribute("dram_read_bytes", R.DramReadBytes);
          J.attribute("dram_write_bytes", R.DramWriteBytes);
          // Four decimals, as always (not every digit of the double).
          J.attributeBegin("utilization");
          J.rawValue([&](raw_ostream &V) { V << format("%.4f", R.Utilization); });
          J.attributeEnd();
          J.attribute("bound", R.MemoryBound ? "memory" : "compute");
        });
    });
    OS << "\n";
    return Out;
  }
  size_t W = 5;
  for (const LayerCost &R : Rows)
    W = std::max(W, std::min<size_t>(R.Name.size(), 60));
  std::snprintf(Buf, sizeof Buf, "%-*s %14s %6s %14s %12s %12s %6s %s\n", int(W), "layer", "cycles",
                "share", "MACs", "DRAM read", "DRAM write", "util", "bound");
  Out += Buf;
  for (const LayerCost &R : Rows) {
    std::snprintf(Buf, sizeof Buf, "%-*.*s %14llu %5.1f%% %14llu %12llu %12llu %5.1f%% %s\n",
                  int(W), int(W), R.Name.c_str(), (unsigned long long)R.Cycles,
                  Total ? 100.0 * double(R.Cycles) / double(Total) : 0.0,
                  (unsigned long long)(R.VectorMacs + R.MatrixMacs),
                  (unsigned long long)R.DramReadBytes, (unsigned long long)R.DramWriteBytes,
                  100.0 * R.Utilization, R.MemoryBound ? "memory" : "compute");
    Out += Buf;
  }
  return Out;
}
