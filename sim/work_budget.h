#pragma once
// How much work a run will be, estimated from the network and the machine before anything is
// allocated, and the budget it must stay within unless the user says they mean it
// (--allow-large). A mistyped size (an fc of 100,000 outputs, a 65535-wide input) then costs a
// message instead of minutes and gigabytes (docs/LIMITS.md).
#include <cstdint>
#include <string>

#include "models/arch_spec.h"
#include "quant/network.h"

namespace shiftsim::sim {

struct WorkBudget {
  uint64_t max_macs = 20'000'000'000;           // VGG-16 is 15.5 G
  uint64_t max_memory_bytes = uint64_t(8) << 30;  // estimated peak of one run
};

struct RunWork {
  uint64_t macs = 0;          // multiply-accumulates of all images
  uint64_t memory_bytes = 0;  // weights and activations in all the copies a run keeps
  uint64_t min_cycles = 0;    // simulated cycles if every PE were busy every cycle (a floor)
  uint64_t weights = 0, activations = 0;  // element counts behind memory_bytes
};

// `images`: how many inputs go through the network in one run (--test-images), at least 1.
RunWork estimate_run_work(const quant::Network& net, const models::ArchSpec& arch, uint64_t images = 1);

// "4.72 M MACs, about 12.3 MiB of memory, at least 1234 simulated cycles".
std::string estimate_text(const RunWork& e);

// Large enough to announce before it starts (a run of seconds or more).
bool is_long_run(const RunWork& e);

// Throws InputError "<what>: the run needs N multiply-accumulates, more than the budget of M
// (--max-macs); ..." for the first quantity over budget.
void check_work_budget(const RunWork& e, const WorkBudget& budget, const std::string& what);

// What every `run` does once its network is known, CNN or sequence, before anything large is
// allocated: the estimate for `images` inputs (sequences) checked against the budget unless
// allow_large, and announced on stderr when `announce` and it is a long run.
void check_run_work(const quant::Network& net, const models::ArchSpec& arch, uint64_t images, const WorkBudget& budget,
                    bool allow_large, bool announce, const std::string& what);

}  // namespace shiftsim::sim
