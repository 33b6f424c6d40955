// Random sequence networks on random machines (docs/ARCHITECTURE.md §11): embedding, lstm, gru and fc
// layers of random sizes and options (peepholes, direction, initial states, linear_before_reset,
// per-step fc with ReLU) on arrays of random shape, pipeline depths, weight buffer sizes (so
// that weights are resident or streamed), DMA slots and DRAM models. Fast mode equals the golden
// executor on every sequence; cycle mode equals fast mode pass by pass (one simulation per
// TEST_CASE: SystemC cannot restart in a process).
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

#include "common/input_error.h"
#include "quant/weights_gen.h"
#include "sim/arch_config.h"
#include "models/recurrent/recurrent_layer.h"
#include "sim/recurrent_mapper.h"
#include "sim/recurrent_run.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;

namespace {

struct RandomCase {
  quant::RecurrentQuantizedNetwork qn;
  models::ArchSpec arch;
  std::vector<quant::Tensor<int32_t>> inputs;
  std::string what;  // for the failure message
};

// A network of 1..4 layers: each recurrent layer but the last writes its whole sequence; an fc
// inside the network runs per step, a last fc on the whole input.
std::string random_net(std::mt19937_64& rng) {
  auto pick = [&](int lo, int hi) { return int(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  const int T = pick(1, 7), F = pick(1, 40), layers = pick(1, 4);
  const bool tokens = pick(0, 3) == 0;  // a language model's ids, an embedding first
  std::ostringstream j;
  j << R"({"name": "random", "input": {"shape": [)" << T << ", " << (tokens ? 1 : F) << R"(, 1]}, "layers": [)";
  if (tokens) j << R"({"name": "e", "type": "embedding", "vocab_size": )" << pick(1, 200) << R"(, "dim": )" << pick(1, 24) << "}";
  for (int i = 0; i < layers; ++i) {
    const bool last = i + 1 == layers;
    if (tokens) j << ", ";
    const int kind = pick(0, 2);
    j << (i && !tokens ? ", " : "") << R"({"name": "l)" << i << '"';
    if (kind == 2) {
      j << R"(, "type": "fc", "out_features": )" << pick(1, 40);
      if (!last) j << R"(, "per_step": true)";
      if (pick(0, 1)) j << R"(, "relu": true)";
    } else {
      j << R"(, "type": ")" << (kind == 0 ? "lstm" : "gru") << R"(", "hidden_size": )" << pick(1, 48);
      if (!last || pick(0, 1)) j << R"(, "output": "sequence")";
      if (pick(0, 1)) j << R"(, "direction": "reverse")";
      if (pick(0, 2) == 0) j << R"(, "initial_state": true)";
      if (kind == 0 && pick(0, 1)) j << R"(, "peepholes": true)";
      if (kind == 1 && pick(0, 1)) j << R"(, "linear_before_reset": true)";
    }
    j << "}";
  }
  j << "]}";
  return j.str();
}

std::vector<std::string> random_sets(std::mt19937_64& rng, bool svpe) {
  auto one = [&](std::vector<std::string> v) { return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)]; };
  return {"pe_array.lanes=" + one({"1", "3", "8", "16", "32"}),
          "pe_array.vector=" + one({"1", "2", "4", "8"}),
          "pe_array.kernel=" + one({"1", "2", "3"}),
          "pe_array.product_stages=" + one({"1", "2", "3"}),
          "buffers.weight_read_latency=" + one({"1", "2", "3"}),
          "buffers.weight_kib=" + one({"1", "2", "4", "64"}),
          "dma.outstanding=" + one({"1", "2", "8"}),
          "dram.model=" + one({"fixed", "ddr4"}),
          "numerics.weight_bits=" + (svpe ? one({"3", "4", "5"}) : one({"8", "12", "16"}))};
}

// A case the mapper takes: a streamed row tile larger than a weight half is refused (a test of
// its own), so the weight buffer grows until it fits.
RandomCase random_case(uint64_t seed, int sequences) {
  std::mt19937_64 rng(seed);
  const bool svpe = rng() % 2 == 0;
  const std::string arch = repo(std::string("configs/arch/") + (svpe ? "svpe_zcu102" : "vpe16_zcu102") + ".json");
  const std::string net_text = random_net(rng);
  std::vector<std::string> sets = random_sets(rng, svpe);
  const std::string dir = scratch_dir("recurrent-random");
  sim::RunRequest req;
  req.arch_path = arch;
  req.net_path = dir + "/net.json";
  req.seed = seed;
  std::ofstream(req.net_path) << net_text;
  RandomCase c;
  for (const char* kib : {"", "4", "16", "256"}) {
    if (*kib) sets[5] = std::string("buffers.weight_kib=") + kib;
    c.arch = sim::load_arch(arch, sets).arch;
    c.qn = sim::recurrent_network_for(req, c.arch);
    try {
      sim::check_recurrent_fits_arch(c.qn, c.arch, "random");
      break;
    } catch (const InputError& e) {
      if (std::string(e.what()).find("weight buffer") == std::string::npos) throw;
    }
  }
  for (int k = 0; k < sequences; ++k)
    c.inputs.push_back(
        quant::quantize_sequence_input(sim::random_sequence_input(c.qn.net, seed * 1000 + uint64_t(k)), c.qn.input));
  c.what = std::string(svpe ? "svpe" : "vpe") + " " + net_text;
  for (const std::string& s : sets) c.what += " --set " + s;
  return c;
}

sim::RecurrentOutcome run(const RandomCase& c, models::SimMode mode) {
  models::SimOptions so;
  so.mode = mode;
  return sim::simulate_sequences(c.qn, c.inputs, c.arch, so, "random");
}

void cycle_equals_fast(uint64_t seed) {
  const RandomCase c = random_case(seed, 3);
  INFO(c.what);
  const sim::RecurrentOutcome fast = run(c, models::SimMode::fast);
  const sim::RecurrentOutcome cyc = run(c, models::SimMode::cycle);
  CHECK(cyc.exact_sequences == c.inputs.size());
  CHECK(fast.exact_sequences == c.inputs.size());
  REQUIRE(cyc.sim.layers.size() == fast.sim.layers.size());
  for (size_t i = 0; i < cyc.sim.layers.size(); ++i) {
    INFO("pass " << i);
    CHECK(cyc.sim.layers[i].start_cycle == fast.sim.layers[i].start_cycle);
    CHECK(cyc.sim.layers[i].end_cycle == fast.sim.layers[i].end_cycle);
    CHECK(cyc.sim.layers[i].compute_cycles == fast.sim.layers[i].compute_cycles);
    CHECK(cyc.sim.layers[i].load_cycles == fast.sim.layers[i].load_cycles);
    CHECK(cyc.sim.layers[i].store_cycles == fast.sim.layers[i].store_cycles);
    CHECK(cyc.sim.layers[i].stall_cycles == fast.sim.layers[i].stall_cycles);
    CHECK(cyc.sim.layers[i].saturations == fast.sim.layers[i].saturations);
  }
  CHECK(cyc.sim.total_cycles == fast.sim.total_cycles);
  CHECK(cyc.sim.dram.read_bytes == fast.sim.dram.read_bytes);
  CHECK(cyc.sim.dram.row_hits == fast.sim.dram.row_hits);
  CHECK(cyc.sim.dram.row_misses == fast.sim.dram.row_misses);
  CHECK(cyc.sim.dram.row_conflicts == fast.sim.dram.row_conflicts);
}

// What a random case exercises of §11's schedule: passes of one step, and streamed passes
// with an odd and an even number of row tiles a step (their halves alternate across steps).
struct Coverage {
  bool one_step = false, odd_tiles = false, even_tiles = false;
};
Coverage coverage(const RandomCase& c) {
  Coverage v;
  const sim::RecurrentProgram p = sim::map_recurrent_network(c.qn, c.inputs[0], c.arch, "random");
  for (size_t i = 0; i < p.passes.size(); ++i) {
    const models::RecurrentHeader h = models::decode_header(p.image.data() + p.passes[i].weight_addr);
    v.one_step |= h.steps == 1;
    if (p.resident[i] || h.embedding) continue;
    const size_t K = models::streamed_row_tiles(h, models::recurrent_layout(h, c.arch), c.arch).size();
    (K % 2 ? v.odd_tiles : v.even_tiles) = true;
  }
  return v;
}

constexpr uint64_t kFirstCycleSeed = 101, kLastCycleSeed = 124;

}  // namespace

// The cycle-mode seeds below cover one-step passes and streamed passes of both parities.
TEST_CASE("recurrent random: the cycle-mode seeds cover one-step passes and odd and even streamed tiles") {
  Coverage all;
  for (uint64_t seed = kFirstCycleSeed; seed <= kLastCycleSeed; ++seed) {
    const Coverage v = coverage(random_case(seed, 3));
    all.one_step |= v.one_step;
    all.odd_tiles |= v.odd_tiles;
    all.even_tiles |= v.even_tiles;
  }
  CHECK(all.one_step);
  CHECK(all.odd_tiles);
  CHECK(all.even_tiles);
}

TEST_CASE("recurrent random: 60 networks and machines, fast mode bit-exact on every sequence") {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    const RandomCase c = random_case(seed, 4);
    INFO("seed " << seed << ": " << c.what);
    CHECK(run(c, models::SimMode::fast).exact_sequences == c.inputs.size());
  }
}

TEST_CASE("recurrent random: cycle mode equals fast mode, seed 101") { cycle_equals_fast(101); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 102") { cycle_equals_fast(102); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 103") { cycle_equals_fast(103); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 104") { cycle_equals_fast(104); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 105") { cycle_equals_fast(105); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 106") { cycle_equals_fast(106); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 107") { cycle_equals_fast(107); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 108") { cycle_equals_fast(108); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 109") { cycle_equals_fast(109); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 110") { cycle_equals_fast(110); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 111") { cycle_equals_fast(111); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 112") { cycle_equals_fast(112); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 113") { cycle_equals_fast(113); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 114") { cycle_equals_fast(114); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 115") { cycle_equals_fast(115); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 116") { cycle_equals_fast(116); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 117") { cycle_equals_fast(117); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 118") { cycle_equals_fast(118); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 119") { cycle_equals_fast(119); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 120") { cycle_equals_fast(120); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 121") { cycle_equals_fast(121); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 122") { cycle_equals_fast(122); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 123") { cycle_equals_fast(123); }
TEST_CASE("recurrent random: cycle mode equals fast mode, seed 124") { cycle_equals_fast(124); }
