// The shared case builder of the recurrent e2e tests (recurrent_case.h).
#include "tests/e2e/recurrent_case.h"

#include <fstream>

#include "quant/recurrent_golden.h"
#include "sim/arch_config.h"
#include "sim/recurrent_mapper.h"
#include "tests/support/cli.h"

namespace shiftsim::test {

Case make_case(const std::string& net_json, const std::string& arch, std::vector<std::string> sets, int sequences,
               uint64_t seed) {
  const std::string dir = scratch_dir("recurrent-sim");
  const std::string net = dir + "/net.json";
  std::ofstream(net) << net_json;
  sim::RunRequest req;
  req.arch_path = repo("configs/arch/" + arch + ".json");
  req.net_path = net;
  req.sets = sets;
  req.seed = seed;
  Case c;
  c.arch = sim::load_arch(req.arch_path, sets).arch;
  c.qn = sim::recurrent_network_for(req, c.arch);
  for (int k = 0; k < sequences; ++k)
    c.inputs.push_back(quant::quantize_sequence_input(sim::random_sequence_input(c.qn.net, seed * 100 + uint64_t(k)),
                                                      c.qn.input));
  return c;
}

sim::RecurrentOutcome run(const Case& c, models::SimMode mode) {
  models::SimOptions so;
  so.mode = mode;
  return sim::simulate_sequences(c.qn, c.inputs, c.arch, so, c.qn.net.name);
}

bool streams(const Case& c) {
  const sim::RecurrentProgram p = sim::map_recurrent_network(c.qn, c.inputs[0], c.arch, "test");
  for (size_t i = 0; i < p.passes.size(); ++i)  // an embedding's table always stays in DRAM
    if (!p.resident[i] && p.passes[i].op != models::Op::embedding) return true;
  return false;
}

}  // namespace shiftsim::test
