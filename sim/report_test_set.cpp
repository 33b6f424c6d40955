#include <cstdio>

#include "sim/report_sections.h"

namespace shiftsim::sim {

namespace {
double share(uint32_t n, uint32_t of) { return of ? double(n) / of : 0.0; }
}  // namespace

nlohmann::ordered_json test_set_json(const TestSetReport& t) {
  return {{"dataset", "Fashion-MNIST test"},
          {"images", t.images},
          {"accuracy", share(t.sim_correct, t.images)},
          {"correct", t.sim_correct},
          {"golden_accuracy", share(t.golden_correct, t.images)},
          {"bit_exact_images", t.exact_images},
          {"mismatched_images", t.mismatched},
          {"accelerator_cycles_per_image", {{"min", t.min_cycles}, {"max", t.max_cycles}}},
          {"end_cycle", t.end_cycle}};
}

void print_test_set(std::ostream& os, const TestSetReport& t) {
  char line[400];
  std::snprintf(line, sizeof line,
                "test set: %u Fashion-MNIST images, accuracy through the simulator %.2f%% "
                "(golden executor %.2f%%), %u of %u images bit-exact in every layer, "
                "accelerator cycles per image %llu..%llu\n",
                t.images, 100.0 * share(t.sim_correct, t.images),
                100.0 * share(t.golden_correct, t.images), t.exact_images, t.images,
                static_cast<unsigned long long>(t.min_cycles),
                static_cast<unsigned long long>(t.max_cycles));
  os << line;
  if (!t.mismatched.empty()) {
    os << "images that differ:";
    for (uint32_t i : t.mismatched) os << ' ' << i;
    os << '\n';
  }
}

}  // namespace shiftsim::sim
