#pragma once
// The design-space search of `shiftsim fit` (docs/FIT.md): PE-array shapes (Tm, Tn, k) and
// input / output buffer sizes that fit a device's resources under a utilization cap, ranked by
// the conv layers' cycles from the replayed schedule (sim/fit_network.h). Plain C++, no
// SystemC, no files: the command (sim/fit_command.cpp) reads the inputs and writes the JSON.
#include <cstdint>
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "models/resources/resources.h"
#include "sim/device.h"
#include "study/fit_network.h"
#include "study/fit_passes.h"

namespace shiftsim::sim {

struct FitSpace {
  // Tm and Tn: powers of two and three times powers of two (channel counts of common
  // networks: 3, 48, 96, 192, 384 ...), up to the arch reader's limit of 1024.
  std::vector<uint32_t> lanes, vector;
  std::vector<uint32_t> kernels;     // k
  // Input and output buffer halves: powers of two KiB, from the smallest that tiles every
  // layer up to this. The weight buffer is not searched (see fit_search.cpp).
  uint32_t max_buffer_kib = 16384;
};
FitSpace default_fit_space();

struct FitOptions {
  models::ArchSpec base;        // kind, numerics, clock, DRAM, PPU, host: everything not searched
  DeviceSpec device;
  double max_util = 1.0;        // fraction of each device resource the design may use
  size_t top = 5;               // distinct shapes to keep
  FitSpace space = default_fit_space();
  // Rank by the whole network's cycles (every layer, as `run`'s total counts them) or by the
  // conv layers' alone. Both are exact replays (sim/fit_network.h).
  bool network_objective = true;
  // Try the buffers in URAM288 as well as in BRAM36 when the device has URAM.
  bool try_uram = true;
};

struct FitCandidate {
  models::ArchSpec arch;
  models::ResourceOptions resources;  // the buffers' placement (buffers_in_uram); else defaults
  models::Resources use;
  double max_util = 0;      // the largest resource fraction of the device
  // Network objective: every layer, total set (run's total). Conv objective: conv layers only
  // (layer_cycles of the others 0, total unset).
  NetworkCycles cycles;
  uint64_t objective = 0;   // the ranked figure: cycles.total or cycles.conv_cycles
  double conv_gops = 0;     // 2 x conv MACs / conv seconds
  double gops = 0;          // 2 x all MACs / total seconds (network objective; else 0)
};

struct FitResult {
  std::vector<FitCandidate> best;  // fastest first, one per (Tm, Tn, k)
  size_t shapes = 0;               // shapes in the space
  size_t shapes_fitting = 0;       // with their smallest buffers under the cap
  size_t shapes_timed = 0;         // not pruned by the lower bound
  size_t timings = 0;              // conv passes replayed (distinct (pass, tiles) per shape)
  size_t resource_checks = 0;
};

// The resource model with `ro` (the fit varies only buffers_in_uram).
models::Resources fit_estimate(const models::ArchSpec& a, const models::ResourceOptions& ro = {});

// Device budget as the resource model's type.
models::Resources device_budget(const DeviceSpec& d);
// need / device per resource, the largest; a resource the device lacks but the design needs
// counts as infinite.
double max_fraction(const models::Resources& need, const DeviceSpec& d);
// Resources over `max_util` of the device, one line each ("lut: need 4000, budget 80 = 80% of 100").
std::vector<std::string> over_cap(const models::Resources& need, const DeviceSpec& d, double max_util);

// Throws InputError when nothing fits: the smallest array with the smallest buffers the
// network needs is over the cap (the message names each resource), or no buffer size up to
// the space's limit holds some layer.
FitResult fit_search(const quant::Network& net, const FitOptions& opt);

}  // namespace shiftsim::sim
