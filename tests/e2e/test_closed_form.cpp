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

// Data cycles of one contiguous transfer on a 16-byte bus, written out independently of
// models::DramTiming: bursts end at 4 KiB boundaries, each burst's beats are the 16-byte
// words it touches.
uint64_t transfer(uint64_t addr, uint64_t bytes) {
  uint64_t cycles = 0;
  while (bytes > 0) {
    const uint64_t n = std::min<uint64_t>(bytes, 4096 - addr % 4096);
    cycles += (addr + n - 1) / 16 - addr / 16 + 1;
    addr += n;
    bytes -= n;
  }
  return cycles;
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

// The contract's costs for the first step and the last store of a conv layer whose tile holds
// whole channel planes: 200 MHz, 150 ns latency = 30 cycles.
ConvCosts conv_costs(const Fixture& f) {
  const models::ArchSpec& a = f.prep.cfg.arch;
  const models::Descriptor& d = f.prog.passes.at(0);
  const uint64_t lat = 30, ab = 2;
  REQUIRE(a.dram.width_bytes == 16);
  ConvCosts c;
  c.fetch = lat + transfer(f.prog.desc_addr, models::kDescriptorBytes);
  const uint64_t nc = std::min<uint64_t>(a.pe_array.vector, d.in_c);
  const uint64_t mc = std::min<uint64_t>(a.pe_array.lanes, d.out_c);
  // input planes of the first Tn channels in one transfer, the weight block (3-bit codes or
  // 16-bit values, packed), the tile's bias (8 bytes per channel)
  const uint64_t weight_bits = a.pe_array.kind == models::ArrayKind::svpe ? a.numerics.weight_bits : 16;
  c.load0 = lat + transfer(d.in_addr, nc * d.in_h * d.in_w * ab) +
            transfer(d.weight_addr, (mc * nc * d.kernel * d.kernel * weight_bits + 7) / 8) +
            transfer(d.bias_addr, mc * 8);
  c.store = a.ppu.latency_cycles + lat;
  for (uint64_t ch = 0; ch < mc; ++ch)
    c.store += transfer(d.out_addr + ch * d.out_h * d.out_w * ab, d.out_h * d.out_w * ab);
  // product stages + adder-tree levels for Tn k^2 products + accumulator
  uint64_t tree = 0;
  while ((uint64_t(1) << tree) < a.pe_array.vector * a.pe_array.kernel * a.pe_array.kernel) ++tree;
  c.depth = a.pe_array.product_stages + tree + 1;
  return c;
}
}  // namespace

TEST_CASE("one-tile one-step conv matches the closed form in both modes") {
  // 5 x 5 planes: 50-byte rows and channels that straddle bus words
  const Fixture f = setup("cf1", R"({"name": "cf1", "input": {"shape": [7, 5, 5]}, "layers": [
      {"name": "conv", "type": "conv", "out_channels": 29, "kernel": 3, "pad": 1}]})",
                          "svpe_zcu102");
  REQUIRE(f.prog.passes.size() == 1);
  REQUIRE(f.prog.passes[0].tile_rows == 5);
  const ConvCosts c = conv_costs(f);
  CHECK(c.depth == 1 + 7 + 1);  // 1 shift stage, ceil(log2(8 x 9 products)) = 7 tree levels, accumulator
  const uint64_t compute = std::max<uint64_t>(5 * 5, c.depth);
  const uint64_t layer = c.fetch + models::kDecodeCycles + c.load0 + compute + c.depth + c.store;
  const uint64_t host = 7 * f.prep.cfg.arch.host.reg_access_cycles;
  for (const char* mode : {"fast", "cycle"}) {
    INFO(mode);
    const auto r = run(f, mode);
    CHECK(r["layers"][0]["cycles"].get<uint64_t>() == layer);
    CHECK(r["layers"][0]["compute_cycles"].get<uint64_t>() == compute + c.depth);
    CHECK(r["layers"][0]["memory_stall_cycles"].get<uint64_t>() == c.load0);
    CHECK(r["cycles"]["total"].get<uint64_t>() == layer + host);
    CHECK(r["layers"][0]["idle_cycles"].get<uint64_t>() ==
          c.fetch + models::kDecodeCycles + c.store);
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

// §7's start rules, written out as a plain recurrence: load(s) after load(s-1) and compute(s-2);
// compute(s) after compute(s-1), load(s) and, on a tile's first step, store(t-2); store(t) after
// store(t-1) and the tile's last compute (drain included); a DMA job pays the 30-cycle latency
// unless it starts the cycle its channel's previous transfer ended.
struct Job {
  uint64_t beats;  // data cycles of the job's transfers
};

uint64_t reference_layer_cycles(uint64_t fetch_beats, const std::vector<Job>& loads,
                                const std::vector<uint64_t>& compute, uint64_t steps_per_tile,
                                const std::vector<Job>& stores, uint64_t depth, uint64_t ppu) {
  const uint64_t lat = 30;
  const uint64_t fetch_end = lat + fetch_beats, t0 = fetch_end + 1;
  uint64_t read_end = fetch_end, write_end = UINT64_MAX;
  std::vector<uint64_t> load_end(loads.size()), comp_end(loads.size()), store_end(stores.size());
  uint64_t s_next_store = 0;
  for (size_t s = 0; s < loads.size(); ++s) {
    const uint64_t ls = std::max({s ? load_end[s - 1] : t0, s >= 2 ? comp_end[s - 2] : t0});
    load_end[s] = ls + (ls == read_end ? 0 : lat) + loads[s].beats;
    read_end = load_end[s];
    const size_t t = s / steps_per_tile;
    const bool first = s % steps_per_tile == 0, last = s % steps_per_tile == steps_per_tile - 1;
    uint64_t cs = std::max(s ? comp_end[s - 1] : t0, load_end[s]);
    if (first && t >= 2) cs = std::max(cs, store_end[t - 2]);
    comp_end[s] = cs + compute[s] + (last ? depth : 0);
    // stores run as soon as their tile is done; process them in order as tiles complete
    while (s_next_store < stores.size() && (s_next_store + 1) * steps_per_tile - 1 <= s) {
      const size_t u = s_next_store++;
      const uint64_t ss = std::max(u ? store_end[u - 1] : t0, comp_end[(u + 1) * steps_per_tile - 1]);
      const uint64_t data_start = ss + ppu;
      store_end[u] = data_start + (data_start == write_end ? 0 : lat) + stores[u].beats;
      write_end = store_end[u];
    }
  }
  return store_end.back();
}

TEST_CASE("memory-bound fully connected layer follows the pipeline rules and stalls") {
  const Fixture f = setup("cf3", R"({"name": "cf3", "input": {"shape": [512, 1, 1]}, "layers": [
      {"name": "fc", "type": "fc", "out_features": 64}]})", "vpe16_zcu102");
  // VPE 16 lanes x 4 elements, k = 3: D = 3 DSP stages + ceil(log2(36)) = 6 + 1 = 10
  const uint64_t depth = 10, tiles = 64 / 16, per_tile = 512 / 4;
  std::vector<Job> loads;
  std::vector<uint64_t> compute;
  for (uint64_t t = 0; t < tiles; ++t)
    for (uint64_t s = 0; s < per_tile; ++s) {
      // 4 input channels of one 2-byte element (8 bytes, one beat), a 16 x 4 block of 16-bit
      // weights (128 bytes: 8 beats), and on a tile's first step 16 biases (128 bytes: 8 beats)
      loads.push_back({uint64_t{1 + 8} + (s == 0 ? 8u : 0u)});
      compute.push_back(depth);  // max(1 pixel x 1 piece, D)
    }
  // a tile's 16 outputs: 16 channels of one element, one 2-byte transfer (one beat) each
  const std::vector<Job> stores(tiles, Job{16});
  const uint64_t expected = reference_layer_cycles(10, loads, compute, per_tile, stores, depth, 4);
  for (const char* mode : {"fast", "cycle"}) {
    INFO(mode);
    const auto r = run(f, mode);
    const auto& l = r["layers"][0];
    CHECK(l["steps"].get<uint64_t>() == tiles * per_tile);
    CHECK(l["cycles"].get<uint64_t>() == expected);
    CHECK(l["compute_cycles"].get<uint64_t>() == tiles * per_tile * depth + tiles * depth);
    // loads (9 or 17 cycles plus the exposed latency) outlast the 10-cycle steps: the array waits
    CHECK(l["memory_stall_cycles"].get<uint64_t>() > l["compute_cycles"].get<uint64_t>());
    CHECK(l["pe_utilization"].get<double>() < 0.01);
  }
}
