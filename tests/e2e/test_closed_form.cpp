// Cycle counts against the closed forms of docs/ARCHITECTURE.md §10, in both modes.
// The expected figures are computed here from the contract's rules (DRAM bursts and beats,
// pipeline depth, PPU latency) and the program's addresses; the simulator runs in a child.
#include <catch2/catch.hpp>

#include "models/controller.h"
#include "models/dram_timing.h"
#include "models/layer_plan.h"
#include "models/weight_layout.h"
#include "sim/mapper.h"
#include "sim/runner.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;

namespace {
struct Fixture {
  sim::Prepared prep;
  sim::Program prog;
  std::string dir, net_path, arch_path;
};

Fixture setup(const std::string& name, const std::string& net, const std::string& arch) {
  Fixture f;
  f.dir = scratch_dir(name);
  f.net_path = f.dir + "/net.json";
  f.arch_path = repo("configs/arch/" + arch + ".json");
  write_text(f.net_path, net);
  sim::RunRequest req;
  req.arch_path = f.arch_path;
  req.net_path = f.net_path;
  f.prep = sim::prepare(req);
  f.prog = sim::map_network(f.prep.qn, f.prep.input, f.prep.cfg.arch);
  return f;
}

// Cycles of one contiguous transfer streamed after `latency` (0 when the channel is busy).
uint64_t transfer(const models::DramTiming& t, uint64_t addr, uint64_t bytes) {
  std::vector<models::Burst> bursts;
  t.split(addr, bytes, bursts);
  uint64_t c = 0;
  for (const auto& b : bursts) c += t.data_cycles(b.addr, b.bytes);
  return c;
}

nlohmann::json run(const Fixture& f, const char* mode) {
  const std::string rep = f.dir + "/" + mode + ".json";
  const CliResult r = run_shiftsim({"run", "--arch", f.arch_path, "--net", f.net_path, "--mode",
                                    mode, "--report", rep}, f.dir);
  INFO(r.err << r.out);
  REQUIRE(r.code == 0);
  return read_json(rep);
}

// Fetch, decode and the first load of a conv step that reads whole rows of every channel.
struct ConvCosts {
  uint64_t fetch, load0, store, depth;
};

ConvCosts conv_costs(const Fixture& f) {
  const models::ArchSpec& a = f.prep.cfg.arch;
  const models::DramTiming t(a.dram, a.clock_mhz);
  const models::Descriptor& d = f.prog.passes.at(0);
  const uint64_t lat = t.latency_cycles(), ab = models::act_bytes(a);
  ConvCosts c;
  c.fetch = lat + transfer(t, f.prog.desc_addr, models::kDescriptorBytes);
  const uint64_t nc = std::min<uint64_t>(a.pe_array.vector, d.in_c);
  c.load0 = lat;
  for (uint64_t ch = 0; ch < nc; ++ch)
    c.load0 += transfer(t, d.in_addr + ch * d.in_h * d.in_w * ab, d.in_h * d.in_w * ab);
  const models::WeightLayout layout(d, a);
  c.load0 += transfer(t, d.weight_addr, layout.block_bytes(0, 0, 0));
  const uint64_t mc = std::min<uint64_t>(a.pe_array.lanes, d.out_c);
  c.load0 += transfer(t, d.bias_addr, mc * models::kBiasBytes);
  c.store = a.ppu.latency_cycles + lat;
  for (uint64_t ch = 0; ch < mc; ++ch)
    c.store += transfer(t, d.out_addr + ch * d.out_h * d.out_w * ab, d.out_h * d.out_w * ab);
  c.depth = models::pe_pipeline_depth(a);
  return c;
}
}  // namespace

TEST_CASE("one-tile one-step conv matches the closed form in both modes") {
  const Fixture f = setup("cf1", R"({"name": "cf1", "input": {"shape": [8, 12, 12]}, "layers": [
      {"name": "conv", "type": "conv", "out_channels": 32, "kernel": 3, "pad": 1}]})",
                          "svpe_zcu102");
  REQUIRE(f.prog.passes.size() == 1);
  REQUIRE(f.prog.passes[0].tile_rows == 12);
  const ConvCosts c = conv_costs(f);
  const uint64_t compute = std::max<uint64_t>(12 * 12, c.depth);
  const uint64_t layer = c.fetch + models::kDecodeCycles + c.load0 + compute + c.depth + c.store;
  const uint64_t host = 7 * f.prep.cfg.arch.host.reg_access_cycles;
  for (const char* mode : {"fast", "cycle"}) {
    INFO(mode);
    const auto r = run(f, mode);
    CHECK(r["layers"][0]["cycles"].get<uint64_t>() == layer);
    CHECK(r["layers"][0]["compute_cycles"].get<uint64_t>() == compute + c.depth);
    CHECK(r["layers"][0]["memory_stall_cycles"].get<uint64_t>() == c.load0);
    CHECK(r["cycles"]["total"].get<uint64_t>() == layer + host);
  }
}

TEST_CASE("compute-bound conv: loads hide behind compute and only the first one stalls") {
  const Fixture f = setup("cf2", R"({"name": "cf2", "input": {"shape": [32, 16, 16]}, "layers": [
      {"name": "conv", "type": "conv", "out_channels": 32, "kernel": 5, "pad": 2, "relu": true}]})",
                          "svpe_zcu102");
  REQUIRE(f.prog.passes[0].tile_rows == 16);
  const ConvCosts c = conv_costs(f);
  const uint64_t steps = 32 / 8, per_step = 16 * 16 * 4;  // 5x5 on k = 3: 4 pieces
  REQUIRE(c.load0 < per_step);  // the precondition of the closed form
  const uint64_t layer = c.fetch + models::kDecodeCycles + c.load0 + steps * per_step + c.depth + c.store;
  for (const char* mode : {"fast", "cycle"}) {
    INFO(mode);
    const auto r = run(f, mode);
    CHECK(r["layers"][0]["cycles"].get<uint64_t>() == layer);
    CHECK(r["layers"][0]["memory_stall_cycles"].get<uint64_t>() == c.load0);
    CHECK(r["layers"][0]["compute_cycles"].get<uint64_t>() == steps * per_step + c.depth);
  }
}

TEST_CASE("memory-bound fully connected layer shows stall cycles") {
  const Fixture f = setup("cf3", R"({"name": "cf3", "input": {"shape": [512, 1, 1]}, "layers": [
      {"name": "fc", "type": "fc", "out_features": 64}]})", "vpe16_zcu102");
  for (const char* mode : {"fast", "cycle"}) {
    INFO(mode);
    const auto r = run(f, mode);
    const auto& l = r["layers"][0];
    const uint64_t steps = l["steps"].get<uint64_t>();
    CHECK(steps == (512 / 4) * (64 / 16));
    // every step computes for max(1 pixel, D) cycles; the rest of the time it waits for DRAM
    CHECK(l["compute_cycles"].get<uint64_t>() ==
          steps * models::pe_pipeline_depth(f.prep.cfg.arch) + 4 * models::pe_pipeline_depth(f.prep.cfg.arch));
    // Each load streams 4 one-beat input reads and a 128-byte weight block (8 beats): 12
    // cycles against 10 of compute, so the layer runs at the load rate and the array waits.
    CHECK(l["cycles"].get<uint64_t>() > steps * 12);
    CHECK(l["memory_stall_cycles"].get<uint64_t>() >= steps * (12 - 10) - 12);
    CHECK(l["pe_utilization"].get<double>() < 0.01);
  }
}
