// LSTM and GRU layers on the accelerator's recurrent unit (docs/ARCHITECTURE.md §11), held to
// agreement: every layer output of many random sequences equals the golden integer executor's
// bit for bit, in fast mode and in cycle mode, on both arrays, with the weights resident on chip
// and streamed from DRAM, and the two modes report the same cycles for every pass. The modes
// share the element arithmetic but not the schedule, so these tests catch either drifting from
// the golden executor or from the other; §11's closed-form figures are in
// test_recurrent_schedule.cpp. Each cycle-mode simulation is a TEST_CASE of its own (one process
// each).
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "models/fast/fast_machine.h"
#include "models/recurrent/recurrent_layer.h"
#include "quant/recurrent_golden.h"
#include "quant/recurrent_model_file.h"
#include "quant/weights_gen.h"
#include "sim/arch_config.h"
#include "sim/recurrent_run.h"
#include "tests/e2e/recurrent_case.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;

namespace {

// Peepholes, reverse direction and initial states; a gru after it; a layer of one unit.
const char* kMixed = R"({"name": "mixed", "input": {"shape": [4, 40, 1]}, "layers": [
  {"name": "lp", "type": "lstm", "hidden_size": 37, "output": "sequence", "peepholes": true,
   "initial_state": true, "direction": "reverse"},
  {"name": "g0", "type": "gru", "hidden_size": 33, "initial_state": true, "output": "sequence"},
  {"name": "l1", "type": "lstm", "hidden_size": 1}]})";
// Both gru variants, sizes that fill neither the lanes nor the convolvers.
const char* kGru = R"({"name": "grus", "input": {"shape": [7, 13, 1]}, "layers": [
  {"name": "g1", "type": "gru", "hidden_size": 45, "output": "sequence"},
  {"name": "g2", "type": "gru", "hidden_size": 20, "linear_before_reset": true, "output": "sequence"}]})";
// Sequences of length 1.
const char* kOneStep = R"({"name": "one_step", "input": {"shape": [1, 28, 1]}, "layers": [
  {"name": "l", "type": "lstm", "hidden_size": 64},
  {"name": "g", "type": "gru", "hidden_size": 16, "direction": "reverse"}]})";
// fc layers on the recurrent unit: per step with ReLU after a sequence, and a classifier's on the
// last hidden state.
const char* kWithFc = R"({"name": "with_fc", "input": {"shape": [5, 12, 1]}, "layers": [
  {"name": "l", "type": "lstm", "hidden_size": 24, "output": "sequence"},
  {"name": "proj", "type": "fc", "out_features": 19, "per_step": true, "relu": true},
  {"name": "g", "type": "gru", "hidden_size": 30},
  {"name": "cls", "type": "fc", "out_features": 10}]})";
// A language model: token ids, their rows, an lstm, a per-step decoder.
const char* kLm = R"({"name": "lm", "input": {"shape": [9, 1, 1]}, "layers": [
  {"name": "embed", "type": "embedding", "vocab_size": 150, "dim": 20},
  {"name": "lstm", "type": "lstm", "hidden_size": 26, "output": "sequence"},
  {"name": "decoder", "type": "fc", "out_features": 150, "per_step": true}]})";

// Every sequence bit-exact, and outputs that are not trivially equal (a wrong comparison of
// empty or constant tensors would pass anything).
void check_exact(const Case& c, const sim::RecurrentOutcome& out) {
  REQUIRE(out.outputs.size() == c.inputs.size());
  CHECK(out.exact_sequences == c.inputs.size());
  size_t nonzero = 0;
  for (const auto& seq : out.outputs)
    for (const auto& t : seq)
      for (int32_t v : t.data) nonzero += v != 0;
  CHECK(nonzero > out.outputs.size());
  if (c.inputs.size() > 1) CHECK(out.outputs[0].back().data != out.outputs[1].back().data);
}

// The cycle-mode run against a fast run of the same sequences: the same outputs and, pass by
// pass, the same cycles.
void cycle_equals_fast(const Case& c) {
  const sim::RecurrentOutcome fast = run(c, models::SimMode::fast);
  const sim::RecurrentOutcome cyc = run(c, models::SimMode::cycle);
  check_exact(c, cyc);
  CHECK(cyc.exact_sequences == fast.exact_sequences);
  REQUIRE(cyc.sim.layers.size() == fast.sim.layers.size());
  for (size_t i = 0; i < cyc.sim.layers.size(); ++i) {
    const models::LayerStats &a = cyc.sim.layers[i], &b = fast.sim.layers[i];
    INFO("pass " << i);
    CHECK(a.start_cycle == b.start_cycle);
    CHECK(a.end_cycle == b.end_cycle);
    CHECK(a.compute_cycles == b.compute_cycles);
    CHECK(a.load_cycles == b.load_cycles);
    CHECK(a.store_cycles == b.store_cycles);
    CHECK(a.stall_cycles == b.stall_cycles);
    CHECK(a.dram_read_bytes == b.dram_read_bytes);
    CHECK(a.dram_write_bytes == b.dram_write_bytes);
    CHECK(a.saturations == b.saturations);
    // What the units did, as the energy model prices it: the same counts, and the array busy.
    for (size_t k = 0; k < models::kComponentCount; ++k) {
      const models::Actions &x = cyc.sim.actions[i][k], &y = fast.sim.actions[i][k];
      INFO("component " << models::component_name(models::Component(k)));
      CHECK(x.dsp_operand_bits == Approx(y.dsp_operand_bits));
      CHECK(x.lut_logic == Approx(y.lut_logic));
      CHECK(x.lut_add_bits == Approx(y.lut_add_bits));
      CHECK(x.ff_bits == Approx(y.ff_bits));
      CHECK(x.bram_read_bits == Approx(y.bram_read_bits));
      CHECK(x.bram_write_bits == Approx(y.bram_write_bits));
      CHECK(x.dram_bytes == Approx(y.dram_bytes));
    }
    const quant::LayerType type = c.qn.net.layers[a.layer_id].type;
    CHECK(cyc.sim.actions[i][size_t(models::Component::regfile)].any());  // every pass reads and writes the file
    if (type != quant::LayerType::embedding) {  // a lookup uses no array
      CHECK(cyc.sim.actions[i][size_t(models::Component::pe_array)].any());
      CHECK(cyc.sim.actions[i][size_t(models::Component::weight_buffer)].bram_write_bits > 0);
      // the gate arithmetic (an fc's bias and requantization too) on the element-wise unit,
      // sigmoid and tanh on the activation unit
      CHECK(cyc.sim.actions[i][size_t(models::Component::elementwise)].lut_logic > 0);
      CHECK(cyc.sim.actions[i][size_t(models::Component::activation)].any() == quant::is_recurrent(type));
    }
  }
  CHECK(cyc.sim.run_cycles == fast.sim.run_cycles);
  CHECK(cyc.sim.total_cycles == fast.sim.total_cycles);
}

}  // namespace

TEST_CASE("recurrent fast mode: lstm and gru bit-exact with the golden executor over many sequences") {
  struct Run {
    const char* net;
    const char* arch;
    std::vector<std::string> sets;
    bool streamed;
  };
  const std::vector<Run> runs = {
      {kMixed, "vpe16_zcu102", {}, false},
      {kMixed, "svpe_zcu102", {}, false},
      {kMixed, "vpe16_zcu102", {"buffers.weight_kib=2"}, true},
      {kMixed, "svpe_zcu102", {"buffers.weight_kib=1", "dram.model=fixed"}, true},
      {kGru, "vpe16_zcu102", {}, false},
      {kGru, "svpe_zcu102", {"buffers.weight_kib=1"}, true},
      {kOneStep, "vpe16_zcu102", {}, false},
      {kWithFc, "vpe16_zcu102", {}, false},
      {kWithFc, "svpe_zcu102", {"buffers.weight_kib=1"}, true},
      {kLm, "vpe16_zcu102", {"buffers.weight_kib=4"}, true},
      {kLm, "svpe_zcu102", {}, false},
      {kOneStep, "svpe_zcu102", {"pe_array.kernel=1", "pe_array.lanes=7"}, false},
  };
  uint64_t seed = 3;
  for (const Run& r : runs) {
    const Case c = make_case(r.net, r.arch, r.sets, 40, seed++);
    INFO(c.qn.net.name << " on " << r.arch << " " << (r.sets.empty() ? "" : r.sets[0]));
    CHECK(streams(c) == r.streamed);
    check_exact(c, run(c, models::SimMode::fast));
  }
}

TEST_CASE("recurrent cycle mode equals fast mode: lstm with peepholes, reverse, initial state, VPE, resident") {
  cycle_equals_fast(make_case(kMixed, "vpe16_zcu102", {}, 6, 11));
}

TEST_CASE("recurrent cycle mode equals fast mode: mixed layers on the SVPE array, weights streamed") {
  const Case c = make_case(kMixed, "svpe_zcu102", {"buffers.weight_kib=1"}, 5, 12);
  REQUIRE(streams(c));
  cycle_equals_fast(c);
}

TEST_CASE("recurrent cycle mode equals fast mode: both gru variants, VPE, streamed, fixed-latency DRAM") {
  const Case c = make_case(kGru, "vpe16_zcu102", {"buffers.weight_kib=2", "dram.model=fixed"}, 5, 13);
  REQUIRE(streams(c));
  cycle_equals_fast(c);
}

TEST_CASE("recurrent cycle mode equals fast mode: sequences of one step, slow buffers and DSP pipeline") {
  cycle_equals_fast(make_case(kOneStep, "svpe_zcu102",
                              {"buffers.weight_read_latency=3", "pe_array.product_stages=2", "dma.outstanding=2"}, 4, 14));
}

// The row tiles of all steps alternate between the weight buffer's halves (tile k of step s in
// half (s K + k) mod 2), so with an odd number K of tiles a step, step s + 1's first tile goes
// into the half step s's first used; both parities, cycle mode equal to fast mode. With
// gate-aligned rows an lstm's or gru's tiles a step are even (each product's gate blocks take
// the same words); a per-step fc of 160 outputs takes 5 words of 32 lanes.
TEST_CASE("recurrent cycle mode equals fast mode: streamed layers with odd and even row tiles a step") {
  const char* net = R"({"name": "odd", "input": {"shape": [4, 40, 1]}, "layers": [
    {"name": "lp", "type": "lstm", "hidden_size": 37, "output": "sequence", "peepholes": true,
     "initial_state": true, "direction": "reverse"},
    {"name": "g", "type": "gru", "hidden_size": 100, "output": "sequence"},
    {"name": "d", "type": "fc", "out_features": 160, "per_step": true}]})";
  const Case c = make_case(net, "svpe_zcu102", {"buffers.weight_kib=2", "dram.model=fixed"}, 3, 17);
  const sim::RecurrentProgram prog = sim::map_recurrent_network(c.qn, c.inputs[0], c.arch, "test");
  std::set<uint64_t> parities;
  for (size_t i = 0; i < prog.passes.size(); ++i) {
    const models::RecurrentHeader h = models::decode_header(prog.image.data() + prog.passes[i].weight_addr);
    if (prog.resident[i]) continue;
    const size_t K = models::streamed_row_tiles(h, models::recurrent_layout(h, c.arch), c.arch).size();
    INFO("pass " << i << ": " << K << " row tiles a step");
    CHECK(K >= 3);
    parities.insert(K % 2);
  }
  CHECK(parities == std::set<uint64_t>{0, 1});
  cycle_equals_fast(c);
}

TEST_CASE("recurrent cycle mode equals fast mode: fc layers per step and on the last state, SVPE") {
  cycle_equals_fast(make_case(kWithFc, "svpe_zcu102", {}, 5, 15));
}

// run --model M.rqn --test-images N: the classifier's test split (Fashion-MNIST rows) through one
// simulation, every sequence checked, the accuracy as the simulator computes it equal to the
// golden executor's; both modes report the same cycles.
TEST_CASE("run --test-images: a row-by-row lstm classifier's test split through one simulation") {
  const std::string dir = scratch_dir("recurrent-test-split");
  const std::string net = dir + "/rows.json";
  std::ofstream(net) << R"({"name": "rows_small", "input": {"shape": [28, 28, 1]}, "layers": [
    {"name": "lstm", "type": "lstm", "hidden_size": 16}, {"name": "fc", "type": "fc", "out_features": 10}]})";
  sim::RunRequest req;
  req.net_path = net;
  const std::string arch = repo("configs/arch/svpe_zcu102.json");
  const std::string model = dir + "/rows.rqn";
  quant::save_recurrent_network(model, sim::recurrent_network_for(req, sim::load_arch(arch).arch));
  std::vector<std::string> totals;
  for (const char* mode : {"fast", "cycle"}) {
    const CliResult r = run_shiftsim({"run", "--arch", arch, "--model", model, "--test-images", "12", "--mode", mode}, dir);
    INFO(mode << ": " << r.err << r.out);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("12 sequences in one simulation") != std::string::npos);
    CHECK(r.out.find("bit-exact sequences 12 of 12") != std::string::npos);
    // the simulator's accuracy and the golden executor's are the same figure
    const size_t a = r.out.find("accuracy through the simulator "), g = r.out.find("golden executor ");
    REQUIRE(a != std::string::npos);
    REQUIRE(g != std::string::npos);
    const std::string sim_acc = r.out.substr(a + 31, r.out.find('%', a) - a - 31);
    const std::string gold_acc = r.out.substr(g + 16, r.out.find('%', g) - g - 16);
    CHECK(sim_acc == gold_acc);
    const size_t t = r.out.find("total ");
    totals.push_back(r.out.substr(t, r.out.find('\n', t) - t));
  }
  CHECK(totals[0] == totals[1]);
}

TEST_CASE("recurrent cycle mode equals fast mode: a language model (embedding, lstm, decoder), VPE, streamed") {
  const Case c = make_case(kLm, "vpe16_zcu102", {"buffers.weight_kib=4"}, 4, 16);
  REQUIRE(streams(c));
  cycle_equals_fast(c);
}

// run --model M.rqn --test-images N on a language model: windows of the fortunes corpus's test
// split, the perplexity through the simulator equal to the golden executor's.
TEST_CASE("run --test-images: a language model's perplexity through one simulation") {
  const std::string dir = scratch_dir("recurrent-lm-split");
  sim::RunRequest req;
  req.net_path = dir + "/lm.json";
  std::ofstream(req.net_path) << kLm;
  const std::string arch = repo("configs/arch/svpe_zcu102.json");
  const std::string model = dir + "/lm.rqn";
  quant::save_recurrent_network(model, sim::recurrent_network_for(req, sim::load_arch(arch).arch));
  std::vector<std::string> lines;
  for (const char* mode : {"fast", "cycle"}) {
    const CliResult r = run_shiftsim({"run", "--arch", arch, "--model", model, "--test-images", "6", "--mode", mode}, dir);
    INFO(mode << ": " << r.err << r.out);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("bit-exact sequences 6 of 6") != std::string::npos);
    const size_t p = r.out.find("perplexity through the simulator ");
    REQUIRE(p != std::string::npos);
    const std::string line = r.out.substr(p, r.out.find('\n', p) - p);
    // "perplexity through the simulator P on 6 windows, golden executor P; ..."
    const std::string sim_p = line.substr(33, line.find(' ', 33) - 33);
    const size_t g = line.find("golden executor ") + 16;
    CHECK(sim_p == line.substr(g, line.find(';', g) - g));
    CHECK(std::stod(sim_p) > 1.0);
    lines.push_back(line);
  }
  CHECK(lines[0] == lines[1]);
}
