#pragma once
// Random machines for the differential test: a shipped arch file plus "--set path=value"
// overrides, so that a case replays with `shiftsim run --arch BASE --set ...`. The buffers are
// drawn later, against the network (differential_cases.cpp).
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "study/differential_ranges.h"
#include "study/differential_rng.h"

namespace shiftsim::sim {

struct DrawnMachine {
  models::ArrayKind array = models::ArrayKind::svpe;
  std::string base_file;          // file name under configs/arch/
  std::vector<std::string> sets;  // "path=value", in order
  std::string description;        // "svpe 5x3 k2 st1 250MHz | a16 w3 acc40 wrap | dram ..."
};

DrawnMachine draw_machine(CaseRng& rng, const CaseRanges& ranges);

}  // namespace shiftsim::sim
