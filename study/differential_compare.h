#pragma once
// Everything two runs of one program must agree on, and what the golden executor says the
// outputs are.
#include <cstdint>
#include <string>
#include <vector>

#include "models/simulation.h"
#include "quant/golden.h"
#include "quant/qnetwork.h"
#include "sim/mapper.h"

namespace shiftsim::sim {

struct ModeRun {
  models::SimResult sim;
  std::vector<uint8_t> dram;  // the final DRAM
};

// Every difference, one line each, most telling first: each pass's LayerStats field by field
// (all but wall_seconds), the run's cycles and DRAM counts, the final DRAM byte by byte; then
// each mode's every output tensor against the golden executor's, element by element, and its
// accumulator saturations per conv/fc layer. Empty when the two modes agree and are bit exact.
std::vector<std::string> find_differences(const ModeRun& fast, const ModeRun& cycle, const Program& prog,
                                          const quant::QuantizedNetwork& qn, const quant::GoldenRun& golden,
                                          const models::ArchSpec& arch);

}  // namespace shiftsim::sim
