// The recurrent unit's schedule held to the figures docs/ARCHITECTURE.md §11 writes down: a
// pass's cycle sums with x read ahead and h stored behind, the streamed weights' overlap, the
// vector units' activity the energy model prices, the trace's steps and operations. Agreement
// between the modes cannot catch a change that moves both of them away from the contract
// together; these tests can (test_recurrent_sim.cpp holds the agreement tests). Each cycle-mode
// simulation is a TEST_CASE of its own (one process each).
#include <catch2/catch.hpp>

#include <fstream>

#include "models/memory/dram_timing.h"
#include "models/recurrent/recurrent_layer.h"
#include "models/recurrent/register_file.h"
#include "models/recurrent/vector_unit_resources.h"
#include "sim/recurrent_run.h"
#include "tests/e2e/recurrent_case.h"
#include "tests/support/cli.h"
#include "tests/support/vcd.h"

using namespace shiftsim;
using namespace shiftsim::test;

namespace {

// A plain lstm for the closed forms, with the last h as its output and with every step's.
const char* kPlain = R"({"name": "plain", "input": {"shape": [3, 28, 1]}, "layers": [
  {"name": "l", "type": "lstm", "hidden_size": 50}]})";
const char* kPlainSeq = R"({"name": "plain_seq", "input": {"shape": [4, 28, 1]}, "layers": [
  {"name": "l", "type": "lstm", "hidden_size": 50, "output": "sequence"}]})";

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

}  // namespace

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
