//===- Machine.h - The machine description ---------------------*- C++ -*-===//
//
// Every parameter comes from include/d1/Target/Machine.td. A MachineDesc is a
// value for each; it is stored in every .d1x, printed in the stats, and read
// from `--target FILE` (lines `name = value`, `#` comments).
//
//===----------------------------------------------------------------------===//
#ifndef D1_TARGET_MACHINE_H
#define D1_TARGET_MACHINE_H

#include <cstdint>
#include <string>
#include <vector>

namespace d1 {

enum class MachineParamId : unsigned {
#define D1_MACHINE_PARAM(Name, Default, Min, Unit, Doc) Name,
#include "d1/Target/MachineParams.inc"
};
constexpr unsigned NumMachineParams = 0
#define D1_MACHINE_PARAM(Name, Default, Min, Unit, Doc) +1
#include "d1/Target/MachineParams.inc"
    ;

struct MachineParamInfo {
  const char *Name;
  int64_t Default;
  int64_t Min;
  const char *Unit;
  const char *Doc;
};
const MachineParamInfo &machineParamInfo(unsigned Id);
/// Index of the parameter called Name, or -1.
int findMachineParam(const std::string &Name);

/// Manhattan distance between cores A and B of a mesh Cols wide (ids are
/// row * Cols + col).
inline unsigned meshHops(unsigned A, unsigned B, unsigned Cols) {
  int RA = int(A / Cols), CA = int(A % Cols), RB = int(B / Cols), CB = int(B % Cols);
  return unsigned((RA > RB ? RA - RB : RB - RA) + (CA > CB ? CA - CB : CB - CA));
}

class MachineDesc {
public:
  MachineDesc();
  int64_t get(MachineParamId Id) const { return Values[unsigned(Id)]; }
  int64_t operator[](MachineParamId Id) const { return get(Id); }
  int64_t get(unsigned Id) const { return Values[Id]; }
  /// Sets a parameter by name; returns an error message or "".
  std::string set(const std::string &Name, int64_t Value);
  /// Applies `name = value` lines; Source names the text in messages.
  std::string parse(const std::string &Text, const std::string &Source);
  /// parse() of the file at Path (`--target FILE`); the error names it.
  std::string parseFile(const std::string &Path);
  /// Every parameter as `name = value` lines, parseable by parse().
  std::string print() const;
  /// Cross-parameter checks (minimums, mesh size, latencies).
  std::string validate() const;

  unsigned numCores() const {
    return unsigned(get(MachineParamId::mesh_rows) * get(MachineParamId::mesh_cols));
  }
  /// Manhattan distance between two cores of the mesh.
  unsigned hops(unsigned A, unsigned B) const;
  /// The shortest cycle count after which one core can affect another;
  /// the emulator advances cores in windows of this length.
  uint64_t lookahead() const;

  bool operator==(const MachineDesc &O) const { return Values == O.Values; }

private:
  std::vector<int64_t> Values;
};

} // namespace d1

#endif
