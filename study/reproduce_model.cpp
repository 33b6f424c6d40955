#include "study/reproduce_model.h"

#include "models/machine_resources.h"
#include "models/pe_array/pe_array_resources.h"
#include "sim/arch_config.h"

namespace shiftsim::sim {

namespace {
// The model's defaults (buffers in BRAM36, no guard bits), as the shipped arch files use,
// with the DSP counting asked for.
models::ResourceOptions options(const ArchConfig&, models::DspCounting counting) {
  models::ResourceOptions o;
  o.dsp_counting = counting;
  return o;
}
}  // namespace

ModelCost model_cost(const std::string& arch, const std::vector<std::string>& sets,
                     models::DspCounting counting) {
  const ArchConfig cfg = load_arch(arch, sets);
  const models::ResourceOptions o = options(cfg, counting);
  ModelCost c;
  c.total = models::total(models::estimate_resources(cfg.arch, o));
  c.pe_array = models::pe_array(cfg.arch, o);
  c.budget.lut = double(cfg.device.lut);
  c.budget.ff = double(cfg.device.ff);
  c.budget.dsp = double(cfg.device.dsp);
  c.budget.bram36 = double(cfg.device.bram36);
  c.budget.uram = double(cfg.device.uram);
  c.device = cfg.device.name + " (" + cfg.device.part + ")";
  return c;
}

models::Resources model_convolver(const std::string& arch, uint32_t weight_bits,
                                  models::DspCounting counting) {
  const ArchConfig cfg = load_arch(arch, {"pe_array.lanes=1", "pe_array.vector=1",
                                          "numerics.weight_bits=" + std::to_string(weight_bits)});
  return models::lane_datapath(cfg.arch, options(cfg, counting));
}

std::vector<double> percent_of_device(const models::Resources& need, const models::Resources& budget) {
  auto pct = [](double n, double b) { return b > 0 ? 100.0 * n / b : 0.0; };
  return {pct(need.lut, budget.lut), pct(need.ff, budget.ff), pct(need.dsp, budget.dsp),
          pct(need.bram36, budget.bram36)};
}

}  // namespace shiftsim::sim
