#include "sim/work_budget.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "common/input_error.h"
#include "quant/weights_gen.h"

namespace shiftsim::sim {

namespace {

// Bytes per element over the life of a run. Weights: float (generated), int32 (quantized),
// int16 (DRAM image). Activations: float (calibration pass), int16 in the golden run, in the
// DRAM image and in the simulator's outputs.
constexpr double kBytesPerWeight = 4 + 4 + 2;
constexpr double kBytesPerActivation = 4 + 2 + 2 + 2;

// Counts in double, saturated into uint64: a hostile network can describe more than 2^64.
uint64_t saturate(double x) { return x >= 1.8e19 ? UINT64_MAX : uint64_t(x); }

std::string scaled(double x, const char* const units[], double step) {
  int u = 0;
  while (x >= step && units[u + 1]) {
    x /= step;
    ++u;
  }
  char b[48];
  std::snprintf(b, sizeof b, u == 0 ? "%.0f %s" : "%.3g %s", x, units[u]);
  return b;
}

[[noreturn]] void over(const std::string& what, const std::string& quantity, uint64_t need, uint64_t budget,
                       const std::string& option, const RunWork& e) {
  throw InputError(what + ": the run needs " + std::to_string(need) + " " + quantity + ", more than the budget of " +
                   std::to_string(budget) + " (" + option + "); estimate: " + estimate_text(e) +
                   ". Give --allow-large to run it anyway, or raise " + option);
}

}  // namespace

RunWork estimate_run_work(const quant::Network& net, const models::ArchSpec& arch, uint64_t images) {
  images = std::max<uint64_t>(images, 1);
  double macs = 0, weights = 0, activations = double(net.input.elements());
  for (const quant::Layer& l : net.layers) {
    macs += double(quant::layer_macs(l));
    weights += double(quant::weight_count(l));
    activations += double(l.out_shape.elements());
  }
  RunWork e;
  e.macs = saturate(macs * double(images));
  e.weights = saturate(weights);
  e.activations = saturate(activations * double(images));
  e.memory_bytes = saturate(weights * kBytesPerWeight + activations * double(images) * kBytesPerActivation);
  const double pes = double(arch.pe_array.lanes) * arch.pe_array.vector * arch.pe_array.kernel * arch.pe_array.kernel;
  e.min_cycles = saturate(std::ceil(macs * double(images) / std::max(pes, 1.0)));
  return e;
}

std::string estimate_text(const RunWork& e) {
  static const char* const count_units[] = {"", "k", "M", "G", "T", "P", "E", nullptr};
  static const char* const byte_units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", nullptr};
  std::string macs = scaled(double(e.macs), count_units, 1000);
  std::string cycles = scaled(double(e.min_cycles), count_units, 1000);
  // "4.72 M" reads as a count; drop the space a unitless count would leave.
  if (!macs.empty() && macs.back() == ' ') macs.pop_back();
  if (!cycles.empty() && cycles.back() == ' ') cycles.pop_back();
  return macs + " MACs, about " + scaled(double(e.memory_bytes), byte_units, 1024) + " of memory, at least " +
         cycles + " simulated cycles";
}

bool is_long_run(const RunWork& e) {
  return e.macs >= 1'000'000'000 || e.memory_bytes >= (uint64_t(1) << 30);
}

void check_work_budget(const RunWork& e, const WorkBudget& budget, const std::string& what) {
  if (e.macs > budget.max_macs) over(what, "multiply-accumulates", e.macs, budget.max_macs, "--max-macs", e);
  if (e.memory_bytes > budget.max_memory_bytes)
    over(what, "bytes of memory", e.memory_bytes, budget.max_memory_bytes, "--max-memory", e);
}

void check_run_work(const quant::Network& net, const models::ArchSpec& arch, uint64_t images, const WorkBudget& budget,
                    bool allow_large, bool announce, const std::string& what) {
  const RunWork e = estimate_run_work(net, arch, images);
  if (!allow_large) check_work_budget(e, budget, what);
  if (announce && is_long_run(e)) std::cerr << "shiftsim: estimate: " << estimate_text(e) << "\n";
}

}  // namespace shiftsim::sim
