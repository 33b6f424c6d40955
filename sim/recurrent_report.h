#pragma once
// The run report of a sequence network on the recurrent unit: the same Report as a CNN run's
// (sim/report.h: JSON, CSV, table), its layers the network's lstm, gru and fc layers, its
// cycles, DRAM traffic, resources and energy from the simulation of the first sequence.
#include <string>

#include "quant/recurrent_qnetwork.h"
#include "sim/recurrent_run.h"
#include "sim/report.h"

namespace shiftsim::sim {

// `passes`: the program's passes per sequence (the first sequence's are the report's layers).
Report build_recurrent_report(const RunMachine& m, const RunRequest& req, const quant::RecurrentQuantizedNetwork& qn,
                              const RecurrentOutcome& out, size_t passes);

}  // namespace shiftsim::sim
