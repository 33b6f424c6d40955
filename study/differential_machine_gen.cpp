#include "study/differential_machine_gen.h"

#include <algorithm>

namespace shiftsim::sim {

namespace {
// Clocks include ones whose period is not a whole number of picoseconds (300, 333 MHz), where
// cycle mode's SystemC time and fast mode's cycle arithmetic could round apart.
const std::vector<int> kClocksMhz = {100, 125, 150, 200, 250, 300, 333};
const std::vector<int> kDramWidths = {4, 8, 16, 32};
// Peaks below width x clock slow the beats down (docs/ARCHITECTURE.md §4); above, they do not.
// Strings, so that the override is the exact decimal a replay command shows.
const std::vector<std::string> kPeaksGbps = {"0.8", "1.6", "3.2", "4.8", "6.4", "9.6", "12.8", "19.2", "25.6"};
}  // namespace

DrawnMachine draw_machine(CaseRng& rng, const CaseRanges& r) {
  DrawnMachine m;
  const bool vpe = rng.chance(50);
  m.array = vpe ? models::ArrayKind::vpe : models::ArrayKind::svpe;
  m.base_file = vpe ? "vpe16_zcu102.json" : "svpe_zcu102.json";
  auto set = [&](const std::string& path, const std::string& value) { m.sets.push_back(path + "=" + value); };
  auto num = [](int v) { return std::to_string(v); };

  const int clock = rng.pick(kClocksMhz);
  const int lanes = rng.uniform(1, r.max_lanes), vector = rng.uniform(1, r.max_vector);
  const int kernel = rng.uniform(1, r.max_array_kernel), stages = rng.uniform(1, r.max_product_stages);
  set("clock_mhz", num(clock));
  set("pe_array.lanes", num(lanes));
  set("pe_array.vector", num(vector));
  set("pe_array.kernel", num(kernel));
  set("pe_array.product_stages", num(stages));

  // acc_bits >= 2 act_bits is the arch loader's rule. Narrow accumulators (near that floor) are
  // drawn often because they are where saturation and wrapping happen.
  const int act = rng.chance(50) ? 8 : 16;
  const int weight = vpe ? rng.uniform(2, 16) : rng.uniform(2, 5);
  const int acc = rng.chance(40) ? rng.uniform(2 * act, 2 * act + 8) : rng.uniform(2 * act, 62);
  const bool wrap = rng.chance(50);
  set("numerics.act_bits", num(act));
  set("numerics.weight_bits", num(weight));
  set("numerics.acc_bits", num(acc));
  set("numerics.overflow", wrap ? "wrap" : "saturate");

  const int width = rng.pick(kDramWidths);
  // Latencies of zero or a cycle or two are where same-cycle handshakes go wrong: drawn often.
  const int latency = rng.chance(15) ? 0 : rng.log_uniform(1, r.max_latency_ns);
  const std::string& peak = rng.pick(kPeaksGbps);
  std::vector<int> bursts;
  for (int b = std::max(r.min_burst_bytes, width); b <= 4096; b *= 2) bursts.push_back(b);
  const int burst = rng.pick(bursts);
  set("dram.width_bytes", num(width));
  set("dram.latency_ns", num(latency));
  set("dram.peak_gbps", peak);
  set("dram.max_burst_bytes", num(burst));

  const int ppu = rng.chance(20) ? 0 : rng.uniform(1, r.max_ppu_latency);
  const int reg = rng.uniform(1, r.max_reg_access_cycles);
  set("ppu.latency_cycles", num(ppu));
  set("host.reg_access_cycles", num(reg));

  // The DDR4 model: contention between the three engines, row hits and misses, refresh.
  const bool ddr4 = rng.chance(r.ddr4_percent);
  if (ddr4) {
    set("dram.model", "ddr4");
    set("dram.memory", "../memory/ddr4_2400_zcu102.json");
  }

  m.description = std::string(vpe ? "vpe " : "svpe ") + num(lanes) + "x" + num(vector) + " k" + num(kernel) +
                  " st" + num(stages) + " " + num(clock) + "MHz | a" + num(act) + " w" + num(weight) +
                  " acc" + num(acc) + (wrap ? " wrap" : " sat") + " | dram " + (ddr4 ? "ddr4 " : "") + num(width) + "B " +
                  num(latency) + "ns " + peak + "GB/s burst" + num(burst) + " | ppu" + num(ppu) + " reg" +
                  num(reg);
  return m;
}

}  // namespace shiftsim::sim
