#pragma once
// `run --model FILE --test-images N`: the first N Fashion-MNIST test images through one
// simulation (the host starts the program once per image), every layer's output of every image
// compared with the golden executor, and the top-1 accuracy as the simulated hardware computes it.
#include <cstdint>
#include <vector>

#include "sim/report.h"
#include "sim/runner.h"

namespace shiftsim::sim {

// sim_correct / golden_correct: the simulator's / golden executor's argmax equals the label.
struct TestSetOutcome {
  TestSetReport summary;
  RunOutcome first;  // image 0 as a single run, for the per-layer report
};

// Throws InputError when the model is not a 1x28x28 classifier or `images` is 0 or > 10000.
TestSetOutcome run_test_set(const Prepared& p, const RunRequest& req, uint32_t images);

}  // namespace shiftsim::sim
