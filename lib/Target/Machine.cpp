//===- Machine.cpp - The machine description -------------------------------===//
#include "d1/Target/Machine.h"
#include "d1/Support/FileIO.h"
#include "d1/Target/ISA.h"

#include <cerrno>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>

using namespace d1;

static const MachineParamInfo ParamTable[] = {
#define D1_MACHINE_PARAM(Name, Default, Min, Unit, Doc) {#Name, Default, Min, Unit, Doc},
#include "d1/Target/MachineParams.inc"
};

const MachineParamInfo &d1::machineParamInfo(unsigned Id) { return ParamTable[Id]; }

int d1::findMachineParam(const std::string &Name) {
  for (unsigned I = 0; I < NumMachineParams; ++I)
    if (Name == ParamTable[I].Name)
      return int(I);
  return -1;
}

MachineDesc::MachineDesc() : Values(NumMachineParams) {
  for (unsigned I = 0; I < NumMachineParams; ++I)
    Values[I] = ParamTable[I].Default;
}

std::string MachineDesc::set(const std::string &Name, int64_t Value) {
  int Id = findMachineParam(Name);
  if (Id < 0)
    return "unknown machine parameter '" + Name + "'";
  if (Value < ParamTable[Id].Min)
    return "machine parameter '" + Name + "' = " + std::to_string(Value) +
           " is below its minimum " + std::to_string(ParamTable[Id].Min);
  Values[Id] = Value;
  return "";
}

std::string MachineDesc::parse(const std::string &Text, const std::string &Source) {
  std::istringstream In(Text);
  std::string Line;
  for (unsigned LineNo = 1; std::getline(In, Line); ++LineNo) {
    auto Hash = Line.find('#');
    if (Hash != std::string::npos)
      Line.erase(Hash);
    auto Trim = [](std::string S) {
      size_t B = S.find_first_not_of(" \t\r"), E = S.find_last_not_of(" \t\r");
      return B == std::string::npos ? std::string() : S.substr(B, E - B + 1);
    };
    Line = Trim(Line);
    if (Line.empty())
      continue;
    std::string Where = Source + ":" + std::to_string(LineNo) + ": ";
    auto Eq = Line.find('=');
    if (Eq == std::string::npos)
      return Where + "expected 'name = value'";
    std::string Name = Trim(Line.substr(0, Eq)), Val = Trim(Line.substr(Eq + 1));
    char *End = nullptr;
    errno = 0;
    long long V = std::strtoll(Val.c_str(), &End, 0);
    if (Val.empty() || *End || errno)
      return Where + "'" + Val + "' is not an integer";
    std::string Err = set(Name, V);
    if (!Err.empty())
      return Where + Err;
  }
  return validate();
}

std::string MachineDesc::parseFile(const std::string &Path) {
  // A machine description is a page of "name = value" lines.
  std::string Text, Err;
  if (!readInputFile(Path, Text, Err, 1 << 20, "machine description"))
    return Err;
  return parse(Text, Path);
}

std::string MachineDesc::print() const {
  std::string Out;
  for (unsigned I = 0; I < NumMachineParams; ++I)
    Out += std::string(ParamTable[I].Name) + " = " + std::to_string(Values[I]) + "\n";
  return Out;
}

std::string MachineDesc::validate() const {
  for (unsigned I = 0; I < NumMachineParams; ++I)
    if (Values[I] < ParamTable[I].Min)
      return "machine parameter '" + std::string(ParamTable[I].Name) +
             "' = " + std::to_string(Values[I]) + " is below its minimum " +
             std::to_string(ParamTable[I].Min);
  // Bounded above too, so that sums and products of parameters (mesh size,
  // latencies) cannot overflow whatever a binary's header says.
  for (unsigned I = 0; I < NumMachineParams; ++I)
    if (Values[I] > (int64_t(1) << 40))
      return "machine parameter '" + std::string(ParamTable[I].Name) +
             "' = " + std::to_string(Values[I]) + " is above 2^40";
  if (get(MachineParamId::mesh_rows) > 65536 || get(MachineParamId::mesh_cols) > 65536 ||
      numCores() > 65536)
    return "mesh of " + std::to_string(numCores()) + " cores exceeds 65536";
  if (get(MachineParamId::sram_bytes) > (int64_t(1) << 32))
    return "sram_bytes above 4 GiB";
  if (get(MachineParamId::issue_width) > 8)
    return "issue_width above 8";
  // Every instruction must be able to issue: its slots fit its unit.
  for (const InstInfo *I = instBegin(); I != instEnd(); ++I)
    for (unsigned U = 0; U < I->NumUses; ++U) {
      const UnitInfo &UI = unitInfo(I->Uses[U].U);
      if (I->Uses[U].Slots > get(unsigned(UI.CapParam)))
        return std::string(I->Mnemonic) + " needs " + std::to_string(I->Uses[U].Slots) +
               " slots of " + UI.Name + " but '" + machineParamInfo(UI.CapParam).Name + "' is " +
               std::to_string(get(unsigned(UI.CapParam)));
    }
  return "";
}

unsigned MachineDesc::hops(unsigned A, unsigned B) const {
  return meshHops(A, B, unsigned(get(MachineParamId::mesh_cols)));
}

uint64_t MachineDesc::lookahead() const {
  int64_t Hop = get(MachineParamId::noc_hop_latency);
  int64_t L = std::min({get(MachineParamId::dram_latency), get(MachineParamId::dma_mesh_latency),
                        get(MachineParamId::sem_remote_latency) + Hop,
                        get(MachineParamId::barrier_latency)});
  return uint64_t(std::max<int64_t>(L, 1));
}
