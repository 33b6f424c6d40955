// LSTM and GRU layers on the accelerator's recurrent unit (docs/ARCHITECTURE.md §11): every
// layer output of many random sequences equals the golden integer executor's bit for bit, in
// fast mode and in cycle mode, on both arrays, with the weights resident on chip and streamed
// from DRAM; the two modes report the same cycles for every pass; a pass's cycles are the sum
// §11 states. Each cycle-mode simulation is a TEST_CASE of its own (one process each).
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "models/fast/fast_machine.h"
#include "models/memory/dram_timing.h"
#include "models/recurrent/recurrent_layer.h"
#include "models/recurrent/register_file.h"
#include "models/recurrent/vector_unit_resources.h"
#include "quant/recurrent_golden.h"
#include "quant/recurrent_model_file.h"
#include "quant/weights_gen.h"
#include "sim/arch_config.h"
#include "sim/recurrent_run.h"
#include "tests/support/cli.h"
#include "tests/support/vcd.h"

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
// A plain lstm for the closed forms, with the last h as its output and with every step's.
const char* kPlain = R"({"name": "plain", "input": {"shape": [3, 28, 1]}, "layers": [
  {"name": "l", "type": "lstm", "hidden_size": 50}]})";
const char* kPlainSeq = R"({"name": "plain_seq", "input": {"shape": [4, 28, 1]}, "layers": [
  {"name": "l", "type": "lstm", "hidden_size": 50, "output": "sequence"}]})";

struct Case {
  quant::RecurrentQuantizedNetwork qn;
  models::ArchSpec arch;
  std::vector<quant::Tensor<int32_t>> inputs;
};

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

bool streams(const Case& c) {
  const sim::RecurrentProgram p = sim::map_recurrent_network(c.qn, c.inputs[0], c.arch, "test");
  for (size_t i = 0; i < p.passes.size(); ++i)  // an embedding's table always stays in DRAM
    if (!p.resident[i] && p.passes[i].op != models::Op::embedding) return true;
  return false;
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

// A DMA job of one burst on the fixed-latency DRAM, nothing else in flight on its engine (§4,
// §10): issued the cycle after its hand-over, its first data Lat later, then its data cycles.
uint64_t one_burst_job(const models::ArchSpec& a, uint64_t addr, uint64_t bytes) {
  const models::DramTiming dt(a.dram, a.clock_mhz);
  std::vector<models::Burst> bursts;
  dt.split(addr, bytes, bursts);
  REQUIRE(bursts.size() == 1);
  return 1 + dt.latency_cycles() + dt.data_cycles(addr, bytes);
}

// A plain lstm's step on the fixed DRAM: its products and its vector operations (§11's n + L).
struct PlainStep {
  uint64_t mvm_x, mvm_h, vec;  // MVM(W, x), MVM(R, h), the five vector operations
};
// Gate-aligned rows: each gate block of H rows takes ceil(H / Tm) words of the lanes, so a
// product has 4 ceil(H / Tm) row tiles and an operation over g gates g ceil(H / Tm) issues.
PlainStep plain_step(const models::ArchSpec& a, uint64_t H, uint64_t I, uint64_t tm) {
  const uint64_t words = (H + tm - 1) / tm;
  const uint64_t e = a.pe_array.vector * 9, D = models::mvm_depth(a), rows = 4 * words;
  const auto vec = [&](uint64_t gates, uint64_t L) { return gates * words + L; };
  const uint64_t ew = models::kElementwiseLatency, act = models::kActivationLatency;
  // combine (4 gates), sigmoid/tanh (4), cell (1), tanh(c') (1), h (1)
  return {rows * ((I + e - 1) / e) + D, rows * ((H + e - 1) / e) + D,
          vec(4, ew) + vec(4, act) + vec(1, ew) + vec(1, act) + vec(1, ew)};
}

// §11: the operations run in sequence, each n + L from command to command; x_{t+1} is read into
// the x buffer's other half from step t's first command and h_t stored from its copy while
// step t + 1 runs. On a layer whose every x and h job is shorter than a step's operations the
// sequencer waits for the parameter job and x_0's only, and the pass ends the last h's job
// after the last operation: the sequential sum (every job waited for) less every x job but the
// first and every h job but the last.
TEST_CASE("recurrent pass cycles: the sums of §11 with x read ahead and h stored behind the steps") {
  const Case c = make_case(kPlainSeq, "vpe16_zcu102", {"dram.model=fixed"}, 1, 21);
  const sim::RecurrentOutcome out = run(c, models::SimMode::fast);
  REQUIRE(out.exact_sequences == 1);
  const models::LayerStats& st = out.sim.layers.at(0);
  const models::ArchSpec& a = c.arch;
  const uint64_t T = 4, H = 50, I = 28;
  const uint64_t D = models::mvm_depth(a);
  CHECK(D == a.buffers.weight_read_latency + a.pe_array.product_stages + 6 + 1);  // log2(Tn k^2 = 36) -> 6
  const PlainStep p = plain_step(a, H, I, a.pe_array.lanes);
  const uint64_t step = p.mvm_x + p.mvm_h + p.vec;
  CHECK(st.compute_cycles == T * step);
  // Each step's x and h job, from the addresses the mapper gave them.
  const sim::RecurrentProgram prog = sim::map_recurrent_network(c.qn, c.inputs[0], a, "test");
  const models::Descriptor& d = prog.passes.at(0);
  std::vector<uint64_t> x, h;
  for (uint64_t t = 0; t < T; ++t) {
    x.push_back(one_burst_job(a, d.in_addr + 2 * t * I, 2 * I));
    h.push_back(one_burst_job(a, d.out_addr + 2 * t * H, 2 * H));
    REQUIRE(x.back() < step);  // hidden behind a step's operations
    REQUIRE(h.back() < step);
  }
  const uint64_t xs = x[0] + x[1] + x[2] + x[3], hs = h[0] + h[1] + h[2] + h[3];
  // Loads: the parameter job and every x; the sequencer waits for the parameters and x_0.
  CHECK(st.load_cycles - st.stall_cycles == xs - x[0]);
  CHECK(st.store_cycles == hs);
  // The descriptor fetch (one 160-byte job on the fixed DRAM), decode, the units a cycle later.
  const uint64_t fetch = one_burst_job(a, 0, models::kDescriptorBytes);
  CHECK(st.end_cycle - st.start_cycle == fetch + 2 + st.stall_cycles + st.compute_cycles + h[3] + 1);
  // Against the schedule that waits for every job: x_1.. and h_0.. h_{T-2} hidden.
  const uint64_t sequential = fetch + 2 + st.load_cycles + st.compute_cycles + st.store_cycles + 1;
  CHECK(st.end_cycle - st.start_cycle == sequential - (xs - x[0]) - (hs - h[3]));
}

// §11, streamed weights: each row tile's job is handed with the previous tile's command, into
// the other half of the weight buffer, the next step's first tile (with its x) with the step's
// last tile's, and each command waits for its job. On a memory-bound layer (every job longer
// than the operations between its hand-over and its command) the read engine never rests from
// the parameter job's start to the last tile's end: the pass is the fetch, the read jobs back
// to back, the last step's operations after its last tile arrives, and the last h's job.
TEST_CASE("recurrent streamed weights: the next row tile loads while the array runs the current one") {
  const Case c = make_case(kPlain, "vpe16_zcu102", {"dram.model=fixed", "buffers.weight_kib=2"}, 1, 23);
  REQUIRE(streams(c));
  const sim::RecurrentOutcome fast = run(c, models::SimMode::fast);
  REQUIRE(fast.exact_sequences == 1);
  const models::LayerStats& st = fast.sim.layers.at(0);
  const models::ArchSpec& a = c.arch;
  const uint64_t T = 3, H = 50, I = 28, tm = a.pe_array.lanes, e = a.pe_array.vector * 9;
  const uint64_t D = models::mvm_depth(a), R = 4 * ((H + tm - 1) / tm);  // 16 row tiles a product: 4 gates x 4 words
  const uint64_t nx = (I + e - 1) / e, nh = (H + e - 1) / e;           // issues a row tile
  const PlainStep p = plain_step(a, H, I, tm);
  // a command per row tile: n + D each
  CHECK(st.compute_cycles == T * (R * (nx + D) + R * (nh + D) + p.vec));
  const uint64_t tail = nh + D + p.vec;  // the last tile's product and the step's vector operations
  // Every operation hidden behind the reads but the last step's tail.
  CHECK(st.load_cycles - st.stall_cycles == st.compute_cycles - tail);
  const sim::RecurrentProgram prog = sim::map_recurrent_network(c.qn, c.inputs[0], a, "test");
  const uint64_t h_job = one_burst_job(a, prog.passes.at(0).out_addr, 2 * H);
  CHECK(st.store_cycles == h_job);
  const uint64_t fetch = one_burst_job(a, 0, models::kDescriptorBytes);
  CHECK(st.end_cycle - st.start_cycle == fetch + 2 + st.load_cycles + tail + h_job + 1);
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

// The activation and element-wise units' activity (docs/ENERGY.md): a plain lstm's step puts
// 4H + H elements through the activation unit, and through the element-wise unit 4H combines
// (four terms), H cells (two products) and H outputs (one product).
TEST_CASE("recurrent vector units' activity: the elements of §11's program, priced per lane") {
  const Case c = make_case(kPlain, "vpe16_zcu102", {}, 1, 22);
  const sim::RecurrentOutcome out = run(c, models::SimMode::fast);
  REQUIRE(out.exact_sequences == 1);
  const double T = 3, H = 50;
  const models::ComponentActions& acts = out.sim.actions.at(0);
  const models::Actions& act = acts[size_t(models::Component::activation)];
  const models::Actions& ew = acts[size_t(models::Component::elementwise)];
  const models::LanePart lane = models::activation_lane(c.arch);
  CHECK(act.lut_logic == Approx(T * 5 * H * lane.logic_luts));
  CHECK(act.ff_bits == Approx(T * 5 * H * lane.ffs));
  CHECK(act.bram_read_bits == Approx(T * 5 * H * 72));
  CHECK(act.dsp_operand_bits == Approx(T * 5 * H * lane.dsp_operand_bits));
  const models::ElementwiseParts p = models::elementwise_parts(c.arch);
  CHECK(ew.dsp_operand_bits == Approx(T * (2 * H + H) * p.product.dsp_operand_bits));
  // terms: 4 per combine, 2 per cell, 1 per output; every element requantized; the products'
  // selects in front of their terms
  CHECK(ew.lut_logic == Approx(T * ((4 * 4 * H + 2 * H + H) * p.term.logic_luts + 6 * H * p.requantize.logic_luts +
                                    (2 * H + H) * p.product.logic_luts)));
  CHECK(ew.lut_add_bits == Approx(T * ((4 * H * 3 + H * 1) * p.adder.add_luts + 6 * H * p.requantize.add_luts)));
  // The register file, every memory block RAM at 16 lanes and the default 5000 rows: per step
  // the sums (8H written, 8H read), the biases (8H read), the gate values (4H written and read),
  // the activations (4H written into each of three copies; 4H read: 3H by the cell, H by h), c
  // (2H read, H written), tanh(c') (H each), h (H read into the array's operand banks, H
  // written); the parameter job's biases, h0 and c0 (zeros); the last step's h for its store.
  using models::RfMem;
  const models::RegisterFile rf = models::register_file(c.arch);
  for (const models::RfMemory& m : rf.mems) REQUIRE(m.block_ram);
  auto b = [&](RfMem m) { return double(rf.mems[size_t(m)].bits); };
  const models::Actions& reg = acts[size_t(models::Component::regfile)];
  CHECK(reg.bram_read_bits ==
        Approx(T * H * (4 * (b(RfMem::wx) + b(RfMem::rh) + b(RfMem::bias_w) + b(RfMem::bias_r) + b(RfMem::pre) +
                             b(RfMem::act)) +
                        2 * b(RfMem::c) + b(RfMem::tanh_c) + b(RfMem::h)) +
               H * b(RfMem::h)));
  CHECK(reg.bram_write_bits ==
        Approx(T * H * (4 * (b(RfMem::wx) + b(RfMem::rh) + b(RfMem::pre) + 3 * b(RfMem::act)) + b(RfMem::c) +
                        b(RfMem::tanh_c) + b(RfMem::h)) +
               H * (4 * b(RfMem::bias_w) + 4 * b(RfMem::bias_r) + b(RfMem::h) + b(RfMem::c))));
  CHECK(reg.lut_logic == 0);
  CHECK(reg.ff_bits == 0);
  // nothing of theirs outside the recurrent unit: no other component takes their prices
  CHECK_FALSE(acts[size_t(models::Component::pool_eltwise)].any());
  CHECK_FALSE(acts[size_t(models::Component::ppu)].any());
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

// The trace of a recurrent pass (cycle mode): the time step counts the steps, the step's
// operation runs through the program, and the MVM, activation and element-wise units each show
// busy intervals, one per operation of theirs each step.
TEST_CASE("recurrent cycle-mode VCD shows the time step and each unit's activity") {
  const std::string dir = scratch_dir("recurrent-vcd");
  const std::string net = dir + "/gru.json";
  std::ofstream(net) << R"({"name": "gru_trace", "input": {"shape": [6, 9, 1]}, "layers": [
    {"name": "g", "type": "gru", "hidden_size": 17}]})";
  const CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/vpe16_zcu102.json"), "--net", net, "--mode",
                                    "cycle", "--vcd", dir + "/t.vcd"}, dir);
  INFO(r.err);
  REQUIRE(r.code == 0);
  const Vcd v = parse_vcd(slurp(dir + "/t.vcd"));
  std::vector<uint64_t> steps;
  for (const auto& [t, value] : v.of("time_step")) steps.push_back(value);
  CHECK(steps == std::vector<uint64_t>{0, 1, 2, 3, 4, 5});
  auto rises = [&](const std::string& name) {
    size_t n = 0;
    for (const auto& [t, value] : v.of(name)) n += value == 1;
    return n;
  };
  // gru: 3 products, 2 activation and 4 element-wise operations a step (§11's table)
  CHECK(rises("mvm_busy") == 6 * 3);
  CHECK(rises("activation_busy") == 6 * 2);
  CHECK(rises("elementwise_busy") == 6 * 4);
  uint64_t last_op = 0;
  for (const auto& [t, value] : v.of("step_op")) last_op = std::max(last_op, value);
  CHECK(last_op == 9);  // the gru's program has 9 operations
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
