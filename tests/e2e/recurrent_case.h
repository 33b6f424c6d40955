#pragma once
// The hand-picked recurrent cases of test_recurrent_schedule.cpp and test_recurrent_sim.cpp: a
// network JSON on a machine with its overrides, quantized as `shiftsim run` quantizes it, and
// seeded random sequences for it. In one place so that the schedule's closed forms and the
// agreement tests simulate cases built the same way.
#include <cstdint>
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "models/simulation.h"
#include "quant/recurrent_qnetwork.h"
#include "sim/recurrent_run.h"

namespace shiftsim::test {

struct Case {
  quant::RecurrentQuantizedNetwork qn;
  models::ArchSpec arch;
  std::vector<quant::Tensor<int32_t>> inputs;
};

// The network `net_json` on configs/arch/<arch>.json with `sets` applied, its weights drawn from
// `seed`, and `sequences` random sequences quantized to its input format.
Case make_case(const std::string& net_json, const std::string& arch, std::vector<std::string> sets, int sequences,
               uint64_t seed);

// All of the case's sequences through one simulation in `mode`, compared with the golden executor.
sim::RecurrentOutcome run(const Case& c, models::SimMode mode);

// Whether the mapper streams some pass's weights from DRAM (an embedding's table does not count).
bool streams(const Case& c);

}  // namespace shiftsim::test
