#pragma once
// `run --model FILE --test-images N`: the first N Fashion-MNIST test images through one
// simulation (the host starts the program once per image), every layer's output of every image
// compared with the golden executor, and the top-1 accuracy as the simulated hardware computes it.
#include <cstdint>
#include <vector>

#include "sim/runner.h"

namespace shiftsim::sim {

struct TestSetOutcome {
  uint32_t images = 0;
  uint32_t sim_correct = 0;     // the simulator's argmax equals the label
  uint32_t golden_correct = 0;  // the golden executor's argmax equals the label
  uint32_t exact_images = 0;    // every layer's output bit-exact with the golden executor
  std::vector<uint32_t> mismatched;  // images whose outputs differ (first few)
  uint64_t min_cycles = 0, max_cycles = 0, total_cycles = 0;  // accelerator cycles per image
  RunOutcome first;             // image 0 as a single run, for the per-layer report
  double accuracy() const { return images ? double(sim_correct) / images : 0.0; }
  double golden_accuracy() const { return images ? double(golden_correct) / images : 0.0; }
};

// Throws InputError when the model is not a 1x28x28 classifier or `images` is 0 or > 10000.
TestSetOutcome run_test_set(const Prepared& p, const RunRequest& req, uint32_t images);

}  // namespace shiftsim::sim
