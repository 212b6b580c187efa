//===- Machine.td - The D1 machine model, defined once ------*- tablegen -*-===//
//
// Every machine parameter (sizes, issue limits, latencies, bandwidths, mesh
// shape) is one record here. d1-tblgen derives from it the C++ parameter
// table, the documentation table in docs/isa.md, and the key names used by
// `--target FILE` and by the machine description stored in every .d1x.
//
//===----------------------------------------------------------------------===//

// A reference to a machine parameter; NoParam stands for "none".
class ParamRef;
def NoParam : ParamRef;

class MachineParam<string name, int default, string unit, string doc> : ParamRef {
  string Name = name;
  int Default = default;
  string Unit = unit;
  string Doc = doc;
  // Lowest legal value; the loader rejects anything below.
  int Min = 1;
}

// Clock and mesh.
def P_clock_mhz   : MachineParam<"clock_mhz", 2000, "MHz",
  "Core clock; converts cycles to time in traces and reports.">;
def P_mesh_rows   : MachineParam<"mesh_rows", 18, "cores",
  "Rows of the core mesh. Core id = row * mesh_cols + col.">;
def P_mesh_cols   : MachineParam<"mesh_cols", 20, "cores",
  "Columns of the core mesh (18 x 20 = 360 positions cover D1's 354 cores).">;

// Memories.
def P_sram_bytes  : MachineParam<"sram_bytes", 1310720, "bytes",
  "Private SRAM per core (1.25 MiB), byte addressed from 0, no cache.">;
def P_dram_bytes  : MachineParam<"dram_bytes", 34359738368, "bytes",
  "DRAM capacity reachable by DMA (32 GiB, one DIP's HBM).">;

// Issue.
def P_issue_width : MachineParam<"issue_width", 4, "insts/cycle",
  "Instructions issued per cycle per core, in program order.">;
def P_issue_alu   : MachineParam<"issue_alu", 2, "slots/cycle",
  "Scalar integer ALU slots per cycle (ALU, multiply, divide).">;
def P_issue_agu   : MachineParam<"issue_agu", 2, "slots/cycle",
  "Address-generation slots per cycle: all loads and stores, scalar or vector.">;
def P_port_load   : MachineParam<"port_load", 2, "64 B/cycle",
  "SRAM load ports (64 B each) per cycle.">;
def P_port_store  : MachineParam<"port_store", 1, "64 B/cycle",
  "SRAM store ports (64 B each) per cycle.">;
def P_issue_vec   : MachineParam<"issue_vec", 1, "slots/cycle",
  "Vector (64-byte SIMD) instructions per cycle.">;
def P_issue_mat   : MachineParam<"issue_mat", 1, "slots/cycle",
  "Matrix-unit instructions per cycle.">;
def P_issue_ctl   : MachineParam<"issue_ctl", 1, "slots/cycle",
  "Control slots per cycle: branches, DMA, semaphores, barrier, fence.">;

// Latencies (cycles from issue until a dependent instruction may issue).
def P_lat_alu     : MachineParam<"lat_alu", 1, "cycles", "Scalar ALU result latency.">;
def P_lat_mul     : MachineParam<"lat_mul", 3, "cycles", "Scalar multiply latency.">;
def P_lat_div     : MachineParam<"lat_div", 16, "cycles", "Scalar divide/remainder latency.">;
def P_occ_div     : MachineParam<"occ_div", 16, "cycles",
  "Cycles a divide keeps the ALU busy (not pipelined: no other ALU op issues meanwhile).">;
def P_lat_load    : MachineParam<"lat_load", 4, "cycles", "SRAM load-to-use latency (scalar and vector).">;
def P_lat_vec     : MachineParam<"lat_vec", 4, "cycles",
  "Vector arithmetic, compare, select, convert, shuffle and FMA latency.">;
def P_lat_vred    : MachineParam<"lat_vred", 6, "cycles", "Vector horizontal reduction latency.">;
def P_lat_vtrans  : MachineParam<"lat_vtrans", 8, "cycles", "Vector exp / reciprocal / rsqrt latency.">;
def P_lat_vlong   : MachineParam<"lat_vlong", 12, "cycles", "Vector divide and square-root latency.">;
def P_occ_vlong   : MachineParam<"occ_vlong", 8, "cycles",
  "Cycles a vector divide or square root keeps the vector unit busy.">;
def P_lat_mma     : MachineParam<"lat_mma", 1, "cycles",
  "MMA to a dependent MMA on the same accumulator (accumulator forwarding).">;
def P_lat_accrd   : MachineParam<"lat_accrd", 4, "cycles",
  "Accumulator read-out to a vector register (mma.rd).">;
def P_lat_taken_branch : MachineParam<"lat_taken_branch", 1, "cycles",
  "Cycles from a taken branch or jump to the first instruction at its target.">;

// DMA, DRAM and the network on chip.
def P_dma_bytes_per_cycle : MachineParam<"dma_bytes_per_cycle", 64, "B/cycle",
  "Peak rate of one core's DMA engine.">;
def P_dma_queue_depth : MachineParam<"dma_queue_depth", 8, "transfers",
  "Outstanding DMAs per core; a dma that would exceed it waits.">;
def P_dram_bytes_per_cycle : MachineParam<"dram_bytes_per_cycle", 400, "B/cycle",
  "DRAM bandwidth of the whole mesh (800 GB/s at 2 GHz), shared equally by the DRAM ports.">;
def P_dram_ports : MachineParam<"dram_ports", 4, "ports",
  "DRAM ports on the mesh's edges: even-numbered on the west edge, odd on the east, each edge's spread evenly over the rows from row 0 (at most one per row and edge). A DRAM transfer goes through the port nearest its core, over the mesh's links.">;
def P_dram_latency : MachineParam<"dram_latency", 200, "cycles",
  "Latency of a DRAM transfer before its first byte arrives (plus noc_hop_latency per hop to its port).">;
def P_noc_bytes_per_cycle : MachineParam<"noc_bytes_per_cycle", 64, "B/cycle",
  "Mesh link rate per direction, shared max-min fairly by the transfers crossing the link.">;
def P_noc_hop_latency : MachineParam<"noc_hop_latency", 1, "cycles",
  "Added latency per mesh hop (Manhattan distance between cores).">;
def P_dma_mesh_latency : MachineParam<"dma_mesh_latency", 32, "cycles",
  "Fixed latency of a core-to-core DMA before its first byte arrives.">;
def P_sem_remote_latency : MachineParam<"sem_remote_latency", 32, "cycles",
  "Fixed latency of a remote semaphore increment (plus hops).">;
def P_barrier_latency : MachineParam<"barrier_latency", 32, "cycles",
  "Cycles from the last core's arrival at a barrier to everyone's release.">;
let Min = 0 in
def P_rng_seed : MachineParam<"rng_seed", 1, "-",
  "Seed of every core's stochastic-rounding generator (mixed with the core id).">;
