#pragma once
// The resource model (models/machine_resources.h) evaluated in this process for the reproduction's
// design points, for what a run report does not carry: the n-BQ-NN paper's DSP counting next
// to the synthesis one, one convolver for Table VII, and the fit check of hand-sized arrays.
#include <string>
#include <vector>

#include "models/resources/resources.h"

namespace shiftsim::sim {

struct ModelCost {
  models::Resources total, pe_array, budget;  // budget: the arch's device
  std::string device;                         // "ZCU102 (XCZU9EG)"
};

// The whole machine of `arch` (with --set style overrides) under `counting`.
ModelCost model_cost(const std::string& arch, const std::vector<std::string>& sets,
                     models::DspCounting counting);

// One k x k convolver of the arch's array (a lane of Tn = 1: its k^2 products, their sum and
// the accumulator; models::lane_datapath) at `weight_bits`. Throws InputError when the arch
// does not accept that width (the message says why).
models::Resources model_convolver(const std::string& arch, uint32_t weight_bits,
                                  models::DspCounting counting);

// 100 * need / budget per resource, in the order LUT, FF, DSP, BRAM36.
std::vector<double> percent_of_device(const models::Resources& need, const models::Resources& budget);

}  // namespace shiftsim::sim
