// Cycle counts against the closed forms of docs/ARCHITECTURE.md §10, in both modes.
// The expected figures are computed here from the contract's rules (DRAM bursts and beats,
// pipeline depth, PPU latency) and the program's addresses; the simulator runs in a child.
#include <catch2/catch.hpp>

#include <map>

#include "models/control/controller.h"
#include "models/memory/dram_timing.h"
#include "models/control/layer_plan.h"
#include "models/pe_array/weight_layout.h"
#include "sim/mapper.h"
#include "sim/runner.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;

namespace {
// The closed forms are the fixed-latency DRAM's (the DDR4's timing has its own tests).
const std::string kFixedDram = "dram.model=fixed";

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
  req.sets = {kFixedDram};
  f.prep = sim::prepare(req);
  f.prog = sim::map_network(f.prep.qn, f.prep.input, f.prep.cfg.arch);
  return f;
}

// The beats of each burst of one contiguous transfer on a 16-byte bus, written out
// independently of models::DramTiming: bursts end at 4 KiB boundaries, each burst's beats are
// the 16-byte words it touches.
std::vector<uint64_t> bursts(uint64_t addr, uint64_t bytes) {
  std::vector<uint64_t> beats;
  while (bytes > 0) {
    const uint64_t n = std::min<uint64_t>(bytes, 4096 - addr % 4096);
    beats.push_back((addr + n - 1) / 16 - addr / 16 + 1);
    addr += n;
    bytes -= n;
  }
  return beats;
}

// A DMA engine of §4 over the fixed-latency DRAM, written out as a recurrence: a job handed
// over in cycle H starts at H + 1; one burst request a cycle, at most N in flight (a slot frees
// after its burst's last beat); a burst's first beat Lat cycles after its request and after
// the previous burst's last beat (and, writing, after its data is ready, one beat a cycle
// from data_ready); the job ends the cycle after its last beat.
struct DmaRef {
  uint64_t N = 8, lat = 30;
  uint64_t last_issue = 0, data_end = 0;
  std::vector<uint64_t> ends;
  uint64_t job(uint64_t handed, const std::vector<uint64_t>& beats, bool write = false, uint64_t data_ready = 0) {
    if (beats.empty()) return handed;
    uint64_t offset = 0;
    for (uint64_t b : beats) {
      const size_t n = ends.size();
      uint64_t issue = std::max(handed + 1, last_issue + 1);
      if (n >= N) issue = std::max(issue, ends[n - N] + 1);
      uint64_t first = std::max(issue + lat, data_end + 1);
      if (write) first = std::max(first, data_ready + offset);
      data_end = first + b - 1;
      last_issue = issue;
      ends.push_back(data_end);
      offset += b;
    }
    return data_end + 1;
  }
};

std::vector<uint64_t> operator+(std::vector<uint64_t> a, const std::vector<uint64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

nlohmann::json run(const Fixture& f, const char* mode) {
  const std::string rep = f.dir + "/" + mode + ".json";
  const CliResult r = run_shiftsim({"run", "--arch", f.arch_path, "--net", f.net_path, "--mode",
                                    mode, "--report", rep, "--set", kFixedDram}, f.dir);
  INFO(r.err << r.out);
  REQUIRE(r.code == 0);
  return read_json(rep);
}

// Fetch, decode and the first load of a conv step that reads whole rows of every channel.
struct ConvCosts {
  uint64_t fetch, load0, store, depth, preload, hazard;
};

// The contract's costs for the first step and the last store of a conv layer whose tile holds
// whole channel planes (200 MHz, 150 ns latency = 30 cycles): the fetch, the first load and
// the last store as DMA jobs, each from its hand-over to the cycle after its last beat.
ConvCosts conv_costs(const Fixture& f) {
  const models::ArchSpec& a = f.prep.cfg.arch;
  const models::Descriptor& d = f.prog.passes.at(0);
  const uint64_t ab = 2;
  REQUIRE(a.dram.width_bytes == 16);
  REQUIRE(a.dma.outstanding == 8);
  ConvCosts c;
  c.fetch = DmaRef{}.job(0, bursts(f.prog.desc_addr, models::kDescriptorBytes));
  const uint64_t nc = std::min<uint64_t>(a.pe_array.vector, d.in_c);
  const uint64_t mc = std::min<uint64_t>(a.pe_array.lanes, d.out_c);
  // input planes of the first Tn channels in one transfer, the weight block (3-bit codes or
  // 16-bit values, packed), the tile's bias (8 bytes per channel)
  const uint64_t weight_bits = a.pe_array.kind == models::ArrayKind::svpe ? a.numerics.weight_bits : 16;
  c.load0 = DmaRef{}.job(0, bursts(d.in_addr, nc * d.in_h * d.in_w * ab) +
                                bursts(d.weight_addr, (mc * nc * d.kernel * d.kernel * weight_bits + 7) / 8) +
                                bursts(d.bias_addr, mc * 8));
  std::vector<uint64_t> out;
  for (uint64_t ch = 0; ch < mc; ++ch) out = out + bursts(d.out_addr + ch * d.out_h * d.out_w * ab, d.out_h * d.out_w * ab);
  c.store = DmaRef{}.job(0, out, true, a.ppu.latency_cycles);
  // the window's read, product stages + adder-tree levels for Tn k^2 products (the
  // accumulator's read overlaps them), the accumulate stage
  uint64_t tree = 0;
  while ((uint64_t(1) << tree) < a.pe_array.vector * a.pe_array.kernel * a.pe_array.kernel) ++tree;
  c.depth = a.buffers.input_read_latency +
            std::max<uint64_t>(a.pe_array.product_stages + tree, a.buffers.output_read_latency) + 1;
  c.preload = a.buffers.weight_read_latency + 1;
  c.hazard = a.buffers.output_read_latency + 1;
  return c;
}

// A layer of `issues` back-to-back issue cycles after its first load: fetch, decode, the layer
// registers seen a cycle later, the load (its filled half seen as it ends), the first piece's
// preload, the issues and the pipeline's drain (the store starts the cycle after the last
// accumulation), the store, and the controller seeing the store's end a cycle later.
uint64_t single_run_layer(const ConvCosts& c, uint64_t issues) {
  return c.fetch + models::kDecodeCycles + 1 + c.load0 + c.preload + issues + (c.depth - 1) + c.store + 1;
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
  // window read, 1 shift stage, ceil(log2(8 x 9 products)) = 7 tree levels, accumulate
  CHECK(c.depth == 1 + 1 + 7 + 1);
  const uint64_t issues = 5 * 5;
  const uint64_t layer = single_run_layer(c, issues);
  // busy: the preload, then every issue until its sum reaches the accumulator
  const uint64_t compute = c.preload + issues + c.depth - 1;
  const uint64_t host = 7 * f.prep.cfg.arch.host.reg_access_cycles;
  for (const char* mode : {"fast", "cycle"}) {
    INFO(mode);
    const auto r = run(f, mode);
    CHECK(r["layers"][0]["cycles"].get<uint64_t>() == layer);
    CHECK(r["layers"][0]["compute_cycles"].get<uint64_t>() == compute);
    // the load
    CHECK(r["layers"][0]["memory_stall_cycles"].get<uint64_t>() == c.load0);
    CHECK(r["cycles"]["total"].get<uint64_t>() == layer + host);
    CHECK(r["layers"][0]["idle_cycles"].get<uint64_t>() == layer - compute - c.load0);
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
  const uint64_t layer = single_run_layer(c, steps * per_step);
  for (const char* mode : {"fast", "cycle"}) {
    INFO(mode);
    const auto r = run(f, mode);
    CHECK(r["layers"][0]["cycles"].get<uint64_t>() == layer);
    CHECK(r["layers"][0]["memory_stall_cycles"].get<uint64_t>() == c.load0);
    CHECK(r["layers"][0]["compute_cycles"].get<uint64_t>() == c.preload + steps * per_step + c.depth - 1);
  }
}

TEST_CASE("a multi-piece kernel on a one-pixel tile waits for its accumulator: the hazard rule") {
  // A 6 x 6 kernel on a 6 x 6 input: one output pixel, 4 pieces of 3 x 3 on k = 3, one step.
  // Each piece revisits the same accumulator entry. Rounds are spaced max(pixels, preload,
  // hazard) = max(1, 2, L_out + 1) cycles: with the output buffer's read latency at 2 the
  // hazard (3) is what spaces them, and the VCD shows the array waiting on it.
  const char* net = R"({"name": "hz", "input": {"shape": [4, 6, 6]}, "layers": [
      {"name": "conv", "type": "conv", "out_channels": 5, "kernel": 6}]})";
  const Fixture f = setup("hazard", net, "svpe_zcu102");
  std::map<uint64_t, uint64_t> cycles;
  for (uint64_t lat : {1, 2}) {
    for (const char* mode : {"fast", "cycle"}) {
      INFO(mode << " output_read_latency " << lat);
      const std::string tag = std::string(mode) + std::to_string(lat);
      const std::string rep = f.dir + "/" + tag + ".json", vcd = f.dir + "/" + tag + ".vcd";
      std::vector<std::string> args = {"run", "--arch", f.arch_path, "--net", f.net_path, "--mode", mode,
                                       "--report", rep, "--set", kFixedDram,
                                       "--set", "buffers.output_read_latency=" + std::to_string(lat)};
      if (std::string(mode) == "cycle") args.insert(args.end(), {"--vcd", vcd});
      const CliResult r = run_shiftsim(args, f.dir);
      INFO(r.err);
      REQUIRE(r.code == 0);
      const uint64_t c = read_json(rep)["layers"][0]["cycles"];
      if (cycles.count(lat)) CHECK(cycles[lat] == c);
      cycles[lat] = c;
      if (std::string(mode) == "cycle") {
        const std::string text = slurp(vcd);
        const size_t id_at = text.find(" hazard $end");
        REQUIRE(id_at != std::string::npos);
        const std::string id = text.substr(text.rfind(' ', id_at - 1) + 1, id_at - text.rfind(' ', id_at - 1) - 1);
        // the hazard signal rises only when the hazard, not the preload, spaces the rounds
        CHECK((text.find("\n1" + id + "\n") != std::string::npos) == (lat == 2));
      }
    }
  }
  // 3 later rounds, each one cycle further apart
  CHECK(cycles[2] == cycles[1] + 3);
}

// §7's start rules and the handshakes, written out as a plain recurrence for layers whose steps
// are one pixel and one piece: load(s) handed to the read engine a cycle after load(s-1), once
// compute has issued step s-2; a half is seen filled as its load ends; the step's weights
// preload then (or once the previous round has started) and its pixel issues G cycles later,
// after the previous issue (and H cycles after it within a tile), and on a tile's first step
// once the store of tile t-2 is seen done; store(t) after store(t-1), the cycle after the
// tile's last accumulation, its data from the PPU `ppu` cycles later.
struct Reference {
  uint64_t layer = 0, compute = 0, stall = 0;
};

Reference reference_layer(const std::vector<uint64_t>& desc, const std::vector<std::vector<uint64_t>>& loads,
                          uint64_t steps_per_tile, const std::vector<std::vector<uint64_t>>& stores,
                          const ConvCosts& c, uint64_t ppu) {
  const uint64_t G = c.preload, H = c.hazard, D = c.depth;
  DmaRef fetch, read, write;
  const uint64_t t0 = fetch.job(0, desc) + 2;
  const size_t n = loads.size();
  std::vector<uint64_t> handed(n), load_end(n), issue(n), store_end(stores.size());
  std::vector<bool> busy;  // per cycle from t0
  auto mark = [&](uint64_t from, uint64_t to) {
    if (busy.size() < to + 1 - t0) busy.resize(to + 1 - t0, false);
    for (uint64_t x = from; x <= to; ++x) busy[x - t0] = true;
  };
  for (size_t s = 0; s < n; ++s) {
    handed[s] = std::max({t0, s ? handed[s - 1] + 1 : t0, s >= 2 ? issue[s - 2] + 1 : t0});
    load_end[s] = read.job(handed[s], loads[s]);
    const size_t t = s / steps_per_tile;
    const bool first = s % steps_per_tile == 0;
    const uint64_t preload = std::max(load_end[s], s ? issue[s - 1] : t0);
    uint64_t r = preload + G;
    if (s) r = std::max(r, issue[s - 1] + (first ? 1 : H));
    if (first && t >= 2) r = std::max(r, store_end[t - 2] + 1);
    issue[s] = r;
    mark(preload, preload + G - 1);
    mark(r, r + D - 1);
    if (s % steps_per_tile == steps_per_tile - 1) {
      const uint64_t ss = std::max(t ? store_end[t - 1] : t0, r + D);
      store_end[t] = write.job(ss, stores[t], true, ss + ppu);
    }
  }
  Reference ref;
  ref.layer = store_end.back() + 1;
  for (bool b : busy) ref.compute += b ? 1 : 0;
  ref.stall = busy.size() - ref.compute;
  return ref;
}

TEST_CASE("memory-bound fully connected layer follows the pipeline rules and stalls") {
  const Fixture f = setup("cf3", R"({"name": "cf3", "input": {"shape": [576, 1, 1]}, "layers": [
      {"name": "fc", "type": "fc", "out_features": 64}]})", "vpe16_zcu102");
  const ConvCosts c = conv_costs(f);
  // VPE 16 lanes x 4 elements, k = 3: window read, 3 DSP stages + ceil(log2(36)) = 6, accumulate
  CHECK(c.depth == 1 + 3 + 6 + 1);
  // Folded onto the 3 x 3 convolvers (§2): 576 inputs are 64 channels of one 3 x 3 plane.
  const models::Descriptor& d = f.prog.passes.at(0);
  CHECK(d.in_c == 64);
  CHECK(d.in_h == 3);
  CHECK(d.in_w == 3);
  CHECK(d.kernel == 3);
  const uint64_t tiles = 64 / 16, per_tile = 64 / 4;
  std::vector<std::vector<uint64_t>> loads;
  for (uint64_t t = 0; t < tiles; ++t)
    for (uint64_t s = 0; s < per_tile; ++s) {
      // 4 input planes of 9 2-byte elements (72 bytes), a 16 x 4 x 3 x 3 block of 16-bit
      // weights (1152 bytes), and on a tile's first step 16 biases (128 bytes)
      auto job = bursts(d.in_addr + s * 72, 72) + bursts(d.weight_addr + (t * per_tile + s) * 1152, 1152);
      if (s == 0) job = job + bursts(d.bias_addr + t * 16 * 8, 128);
      loads.push_back(job);
    }
  // a tile's 16 outputs: 16 channels of one element, one 2-byte transfer each
  std::vector<std::vector<uint64_t>> stores(tiles);
  for (uint64_t t = 0; t < tiles; ++t)
    for (uint64_t m = 0; m < 16; ++m) stores[t] = stores[t] + bursts(d.out_addr + (t * 16 + m) * 2, 2);
  const Reference expected =
      reference_layer(bursts(f.prog.desc_addr, models::kDescriptorBytes), loads, per_tile, stores, c, 4);
  for (const char* mode : {"fast", "cycle"}) {
    INFO(mode);
    const auto r = run(f, mode);
    const auto& l = r["layers"][0];
    CHECK(l["steps"].get<uint64_t>() == tiles * per_tile);
    CHECK(l["cycles"].get<uint64_t>() == expected.layer);
    CHECK(l["compute_cycles"].get<uint64_t>() == expected.compute);
    CHECK(l["memory_stall_cycles"].get<uint64_t>() == expected.stall);
    // loads (a latency and about 80 beats, two in flight) outlast the one-issue steps
    CHECK(l["pe_utilization"].get<double>() < 0.1);
  }
}
