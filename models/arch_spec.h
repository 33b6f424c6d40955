#pragma once
// Typed parameters of the accelerator, read once from JSON by sim/ (sim/arch_config.*).
// models/ sees only these structs, never JSON. Units are in the names.
#include <cstdint>
#include <string>

#include "models/memory/ddr4_spec.h"

namespace shiftsim::models {

enum class ArrayKind { svpe, vpe };
// The compute unit cycle mode builds: the SystemC model or the Verilated RTL (docs/RTL.md).
enum class ComputeImpl { native, rtl };
enum class OverflowPolicy { saturate, wrap };
// fixed: every burst waits the same latency, nothing contends (docs/ARCHITECTURE.md §4);
// ddr4: banks, rows, refresh and one data bus shared by reads and writes (docs/MEMORY.md).
enum class DramModel { fixed, ddr4 };

struct DramSpec {
  DramModel model = DramModel::fixed;
  Ddr4Spec ddr4;                   // model == ddr4: the memory file's channel
  uint32_t width_bytes = 16;       // data bus width: one beat per cycle
  double peak_gbps = 19.2;         // DRAM peak; beats slow down when width * clock exceeds it
  double latency_ns = 150.0;       // fixed model: request to first data
  // ddr4 model: from a burst's issue to the DDR4 command scheduler (interconnect, the
  // controller's front end and PHY); the DDR4 timing adds the rest
  double controller_latency_ns = 0.0;
  uint32_t max_burst_bytes = 4096; // AXI4: 256 beats; bursts also never cross a 4 KiB boundary
  uint64_t size_mib = 2048;        // address space of the DRAM model
};

struct BufferSpec {
  // Capacity of ONE half of each double buffer, in KiB.
  uint32_t input_kib = 64;
  uint32_t weight_kib = 64;
  uint32_t output_kib = 128;
  // Cycles from a read port's address to its data (block RAM: 1, 2 with the output register).
  uint32_t input_read_latency = 1;   // the window generator's reads of the k x k banks
  uint32_t weight_read_latency = 1;  // the weight preload's reads
  uint32_t output_read_latency = 1;  // the accumulate stage's reads of its entries
};

struct PeArraySpec {
  ArrayKind kind = ArrayKind::svpe;
  uint32_t lanes = 32;          // Tm: output channels in parallel
  uint32_t vector = 8;          // Tn: input channels in parallel
  uint32_t kernel = 3;          // k: each element is a k x k convolver
  uint32_t product_stages = 1;  // pipeline registers in a product (shift: 1, DSP48: 3)
  ComputeImpl impl = ComputeImpl::native;
};

struct NumericsSpec {
  uint32_t act_bits = 16;   // signed activations
  uint32_t weight_bits = 3; // pow2: code width (sign + magnitude); fixed: two's complement
  uint32_t acc_bits = 48;   // accumulator width
  OverflowPolicy overflow = OverflowPolicy::saturate;
  // SVPE only: the largest per-sign exponent offset a layer's weight code may carry (GSNQ's two
  // sign windows, docs/ARCHITECTURE.md §2 and §6); 0: the array has no offset hardware.
  uint32_t sign_offset_max = 0;
  // Output-buffer entry bits above acc_bits, so that no pass's exact sum wraps inside the
  // buffer (docs/ARCHITECTURE.md §6). Not a config key: the machine is built with what its
  // network needs (network_guard_bits, models/control/layer_plan.h).
  uint32_t acc_guard_bits = 0;
};

struct PpuSpec {
  uint32_t latency_cycles = 4;  // accumulator -> overflow policy -> shift/round -> ReLU/clamp
};

struct DmaSpec {
  uint32_t outstanding = 8;  // bursts an engine keeps in flight (the ZCU102 HP port accepts 8, UG1085)
};

// The recurrent unit (docs/ARCHITECTURE.md §11): what its register file is built to hold.
struct RecurrentSpec {
  // The most rows a recurrent pass may have: an lstm's 4 gate blocks of H rows, a gru's 3, each
  // but the last padded to whole words of the lanes (recurrent_rows), an fc's outputs, an
  // embedding's row (dim). The register file's memories are sized from it
  // (models/recurrent/register_file.h); the mapper refuses a layer with more. The default holds
  // every shipped sequence network (the language models' decoder has 5000 outputs).
  uint32_t max_rows = 5000;
};

struct HostSpec {
  uint32_t reg_access_cycles = 4;  // one AXI-Lite register read or write
};

struct ArchSpec {
  std::string name;
  double clock_mhz = 200.0;
  DramSpec dram;
  BufferSpec buffers;
  PeArraySpec pe_array;
  NumericsSpec numerics;
  PpuSpec ppu;
  DmaSpec dma;
  HostSpec host;
  RecurrentSpec recurrent;

  double period_ns() const { return 1000.0 / clock_mhz; }
  // The clock period in whole picoseconds (SystemC's time resolution here).
  uint64_t period_ps() const { return uint64_t(1e6 / clock_mhz + 0.5); }
};

}  // namespace shiftsim::models
