// The resource model (models/resources.h) against Yosys: the Verilog in tests/resources/ is
// synthesized here by Yosys (`synth_xilinx -family xcup`, the Debian package) at a few
// parameter points, and the model's LUT and FF estimates must lie within 20% of Yosys's
// counts, its DSP count exactly. Plus structural checks of the model. docs/RESOURCES.md
// holds the comparison table this test writes to $SHIFTSIM_TEST_TMP/resources_yosys.md.
#include <catch2/catch.hpp>

#include "models/resources.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace shiftsim::models;
namespace fs = std::filesystem;

namespace {

const std::string kVerilogDir = std::string(SHIFTSIM_SOURCE_DIR) + "/tests/resources";

struct Point {
  std::string module;                            // Verilog module in tests/resources/
  std::vector<std::pair<std::string, int>> params;  // chparam values
  Resources model;                               // the model's estimate
  std::string label() const {
    std::ostringstream s;
    s << module;
    for (size_t i = 0; i < params.size(); ++i)
      s << (i ? ", " : " ") << params[i].first << "=" << params[i].second;
    return s.str();
  }
};

ArchSpec lane_spec(ArrayKind kind, uint32_t tn, uint32_t k, uint32_t wbits, uint32_t acc,
                   uint32_t abits = 16) {
  ArchSpec s;
  s.pe_array.kind = kind;
  s.pe_array.lanes = 1;
  s.pe_array.vector = tn;
  s.pe_array.kernel = k;
  s.pe_array.product_stages = kind == ArrayKind::svpe ? 1 : 3;  // the contract's defaults
  s.numerics.act_bits = abits;
  s.numerics.weight_bits = wbits;
  s.numerics.acc_bits = acc;
  return s;
}

Point tree(int n, int w) { return {"adder_tree", {{"N", n}, {"W", w}}, adder_tree(n, w)}; }
Point accu(int w, int iw) { return {"accumulator", {{"W", w}, {"IW", iw}}, accumulator(w)}; }
Point svpe(int tn, int k, int wb, int acc, int abits = 16) {
  return {"svpe_lane",
          {{"TN", tn}, {"K", k}, {"ABITS", abits}, {"WBITS", wb}, {"ACC", acc}},
          lane_datapath(lane_spec(ArrayKind::svpe, tn, k, wb, acc, abits))};
}
Point vpe(int tn, int k, int acc) {
  return {"vpe_lane",
          {{"TN", tn}, {"K", k}, {"ACC", acc}},
          lane_datapath(lane_spec(ArrayKind::vpe, tn, k, 16, acc))};
}
Point ppu_pt(int acc, int g, int a) {
  return {"ppu_lane", {{"ACC", acc}, {"G", g}, {"ABITS", a}}, ppu_lane(acc, g, a)};
}

// The calibration points: vector lengths 1..16, k = 1 and 3, products of 3-, 4- and 5-bit
// codes on 16- and 8-bit activations and 16x16 multiplies, accumulators of 16..48 bits.
// Small enough that the whole synthesis takes well under a minute.
std::vector<Point> points() {
  return {tree(4, 16),         tree(9, 19),        tree(16, 32),
          accu(16, 12),        accu(48, 36),       svpe(4, 1, 3, 32),
          svpe(16, 1, 3, 48),  svpe(1, 3, 3, 48),  svpe(8, 1, 5, 48),
          svpe(2, 3, 4, 24, 8), vpe(4, 1, 48),     vpe(16, 1, 48),
          vpe(1, 3, 48),       ppu_pt(48, 8, 16),  ppu_pt(32, 0, 8)};
}

fs::path temp_dir() {
  const char* base = std::getenv("SHIFTSIM_TEST_TMP");
  fs::path dir = fs::path(base ? base : fs::temp_directory_path().string()) /
                 ("resources-yosys-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

using CellCounts = std::map<std::string, long>;

// One Yosys process synthesizes a group of points: each point is a copy of its module with
// the point's parameters (`copy` + `chparam`), kept as its own module (keep_hierarchy) under
// one top, so the cell libraries are read once per process. Inside a point everything is
// flattened, as a standalone `synth_xilinx -flatten -top <module>` would.
bool run_yosys(const std::vector<size_t>& group, const std::vector<Point>& pts, const fs::path& dir,
               int id, std::map<size_t, CellCounts>& out, std::string& error) {
  const fs::path top = dir / ("top" + std::to_string(id) + ".v");
  const fs::path script = dir / ("synth" + std::to_string(id) + ".ys");
  const fs::path stat = dir / ("stat" + std::to_string(id) + ".txt");
  const fs::path log = dir / ("yosys" + std::to_string(id) + ".log");
  {
    std::ofstream t(top);
    t << "module points_top(input clk);\n";
    for (size_t i : group) t << "  (* keep, keep_hierarchy *) pt" << i << " i" << i << " (.clk(clk));\n";
    t << "endmodule\n";
    std::ofstream s(script);
    s << "read_verilog";
    for (const char* f : {"adder_tree.v", "accumulator.v", "svpe_lane.v", "vpe_lane.v", "ppu_lane.v"})
      s << " " << kVerilogDir << "/" << f;
    s << "\n";
    for (size_t i : group) {
      s << "copy " << pts[i].module << " pt" << i << "\nchparam";
      for (const auto& [name, value] : pts[i].params) s << " -set " << name << " " << value;
      s << " pt" << i << "\n";
    }
    s << "read_verilog " << top.string() << "\n"
      << "synth_xilinx -family xcup -top points_top -flatten -noiopad -noclkbuf\n"
      << "tee -q -o " << stat.string() << " stat\n";
  }
  const std::string cmd = "yosys -q -s " + script.string() + " > " + log.string() + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    error = "yosys failed: see " + log.string();
    return false;
  }
  std::ifstream in(stat);
  // Sections "=== <module> ===", then "=== design hierarchy ===" with the totals.
  const std::regex header(R"(^=== (.+) ===$)"), cell(R"(^\s+(\w+)\s+(\d+)$)");
  std::string line, module;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, header)) {
      module = std::regex_match(std::string(m[1]), std::regex(R"(pt\d+)")) ? std::string(m[1]) : "";
    } else if (module.rfind("pt", 0) == 0 && std::regex_match(line, m, cell)) {
      out[std::stoul(module.substr(2))][m[1]] = std::stol(m[2]);
    }
  }
  return true;
}

struct Counted {
  double lut = 0, ff = 0, dsp = 0, carry = 0, muxf = 0;
  std::vector<std::string> unknown;
};

// The counting convention of docs/RESOURCES.md: LUT = LUT1..6, LUT6_2, INV and SRLs (Vivado's
// "CLB LUTs", logic and memory); FF = FDRE/FDSE/FDCE/FDPE; DSP = DSP48E2; carry chains and
// MUXF7/8/9 are reported, not counted as LUTs.
Counted count(const CellCounts& cells) {
  static const std::regex lut(R"(LUT[1-6](_2)?|INV|SRL16E|SRLC16E|SRLC32E)"),
      ff(R"(FD[RSCP]E)"), carry(R"(CARRY[48])"), muxf(R"(MUXF[789])");
  Counted c;
  for (const auto& [name, n] : cells) {
    if (std::regex_match(name, lut))
      c.lut += n;
    else if (std::regex_match(name, ff))
      c.ff += n;
    else if (name == "DSP48E2")
      c.dsp += n;
    else if (std::regex_match(name, carry))
      c.carry += n;
    else if (std::regex_match(name, muxf))
      c.muxf += n;
    else
      c.unknown.push_back(name);
  }
  return c;
}

bool yosys_available() { return std::system("yosys -V > /dev/null 2>&1") == 0; }

double err_pct(double model, double yosys) {
  if (yosys == 0) return model == 0 ? 0 : 100;
  return 100.0 * (model - yosys) / yosys;
}

std::string fmt_err(double e) {
  std::ostringstream s;
  s << std::showpos << std::fixed << std::setprecision(1) << e << "%";
  return s.str();
}

}  // namespace

TEST_CASE("resource model within 20% of Yosys on the calibration Verilog", "[resources][yosys]") {
  INFO("the Debian package yosys (0.23) runs this test");
  REQUIRE(yosys_available());
  const std::vector<Point> pts = points();
  const fs::path dir = temp_dir();

  // Spread the points over a few Yosys processes, largest first (the model's LUTs as size).
  const unsigned jobs = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::vector<size_t> order(pts.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return pts[a].model.lut > pts[b].model.lut; });
  std::vector<std::vector<size_t>> groups(jobs);
  std::vector<double> load(jobs, 0);
  for (size_t i : order) {
    const size_t g = size_t(std::min_element(load.begin(), load.end()) - load.begin());
    groups[g].push_back(i);
    load[g] += pts[i].model.lut + 300;  // + a fixed cost per point
  }
  std::vector<std::map<size_t, CellCounts>> results(jobs);
  std::vector<std::string> errors(jobs);
  std::vector<int> ok(jobs, 0);
  std::vector<std::thread> threads;
  for (unsigned g = 0; g < jobs; ++g)
    threads.emplace_back([&, g] {
      if (!groups[g].empty()) ok[g] = run_yosys(groups[g], pts, dir, int(g), results[g], errors[g]);
      else ok[g] = 1;
    });
  for (std::thread& t : threads) t.join();
  for (unsigned g = 0; g < jobs; ++g) {
    INFO(errors[g]);
    REQUIRE(ok[g]);
  }
  std::map<size_t, CellCounts> cells;
  for (const auto& r : results) cells.insert(r.begin(), r.end());

  std::ostringstream table;
  table << "| point | LUT model | LUT Yosys | err | FF model | FF Yosys | err | DSP model | DSP Yosys "
           "| CARRY4 | MUXF7/8/9 |\n"
        << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < pts.size(); ++i) {
    const Point& p = pts[i];
    INFO(p.label());
    REQUIRE(cells.count(i) == 1);
    const Counted y = count(cells.at(i));
    CHECK(y.unknown.empty());
    const Resources& m = p.model;
    table << "| " << p.label() << " | " << m.lut << " | " << y.lut << " | "
          << fmt_err(err_pct(m.lut, y.lut)) << " | " << m.ff << " | " << y.ff << " | "
          << fmt_err(err_pct(m.ff, y.ff)) << " | " << m.dsp << " | " << y.dsp << " | " << y.carry
          << " | " << y.muxf << " |\n";
    CHECK(std::abs(m.lut - y.lut) <= 0.2 * y.lut);
    CHECK(std::abs(m.ff - y.ff) <= 0.2 * y.ff);
    CHECK(m.dsp == y.dsp);
  }
  std::ofstream(dir.parent_path() / "resources_yosys.md") << table.str();
  std::cout << table.str();
  fs::remove_all(dir);
}

namespace {

// A functional check of a lane's Verilog: Yosys's `sat` evaluates the RTL for `steps`
// cycles with every input given at every cycle (pure evaluation, no search), and each
// output is compared with the contract's arithmetic (§2, §6) applied to the inputs D + 1
// cycles earlier (D = product stages + tree levels). So the calibration Verilog is the
// datapath it claims to be, pipeline alignment included.
struct LaneCheck {
  bool svpe;
  int tn, k, abits, wbits, acc, steps;
};

int64_t sext(uint64_t v, int bits) {
  const int drop = 64 - bits;
  return int64_t(v << drop) >> drop;
}

std::string bin(const std::vector<uint64_t>& xs, int bits) {
  std::string s;
  for (size_t i = xs.size(); i-- > 0;)
    for (int b = bits - 1; b >= 0; --b) s += char('0' + ((xs[i] >> b) & 1));
  return s;
}

bool check_lane(const LaneCheck& c, const fs::path& dir, int id, std::string& report) {
  const int n = c.tn * c.k * c.k, levels = int(std::ceil(std::log2(double(n)) - 1e-9));
  const int d = (c.svpe ? 1 : 3) + std::max(levels, 0);
  const int wb = c.svpe ? c.wbits : 16;
  std::mt19937_64 rng(12345 + id);
  std::vector<std::vector<uint64_t>> a(c.steps), w(c.steps);
  std::vector<uint64_t> acc_in(c.steps);
  std::ostringstream sets;
  for (int t = 0; t < c.steps; ++t) {
    for (int i = 0; i < n; ++i) {
      // every third cycle the most negative activation, the shifter's worst case
      a[t].push_back(t % 3 == 0 ? uint64_t(1) << (c.abits - 1) : rng() & ((1ull << c.abits) - 1));
      w[t].push_back(rng() & ((1ull << wb) - 1));
    }
    acc_in[t] = rng() & ((1ull << c.acc) - 1);
    sets << " -set-at " << t + 1 << " a " << n * c.abits << "'b" << bin(a[t], c.abits)
         << " -set-at " << t + 1 << " w " << n * wb << "'b" << bin(w[t], wb) << " -set-at "
         << t + 1 << " acc_in " << c.acc << "'b" << bin({acc_in[t]}, c.acc);
  }
  const std::string top = c.svpe ? "svpe_lane" : "vpe_lane";
  const fs::path script = dir / ("func" + std::to_string(id) + ".ys");
  const fs::path out = dir / ("func" + std::to_string(id) + ".txt");
  {
    std::ofstream s(script);
    s << "read_verilog";
    for (const char* f : {"adder_tree.v", "accumulator.v", "svpe_lane.v", "vpe_lane.v"})
      s << " " << kVerilogDir << "/" << f;
    s << "\nchparam -set TN " << c.tn << " -set K " << c.k << " -set ABITS " << c.abits
      << " -set ACC " << c.acc << (c.svpe ? " -set WBITS " + std::to_string(c.wbits) : " -set DSP_PRIM 0")
      << " " << top << "\nhierarchy -top " << top << "\nproc\nflatten\nopt -fast\n"
      << "tee -q -o " << out.string() << " sat -seq " << c.steps << " -set-init-zero"
      << sets.str() << " -show acc\n";
  }
  const std::string cmd = "yosys -q -s " + script.string() + " > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    report = "yosys failed on " + script.string();
    return false;
  }
  std::map<int, int64_t> got;
  std::ifstream in(out);
  const std::regex row(R"(^\s+(\d+)\s+\\acc\s+\S+\s+\S+\s+([01]+)\s*$)");
  std::string line;
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_match(line, m, row)) got[std::stoi(m[1])] = sext(std::stoull(m[2], nullptr, 2), c.acc);
  const auto product = [&](uint64_t av, uint64_t wv) -> int64_t {
    const int64_t x = sext(av, c.abits);
    if (!c.svpe) return x * sext(wv, 16);
    const uint64_t mag = wv & ((1ull << (c.wbits - 1)) - 1);
    if (mag == 0) return 0;
    const int64_t p = x * (int64_t(1) << (mag - 1));
    return (wv >> (c.wbits - 1)) ? -p : p;
  };
  int checked = 0;
  std::ostringstream bad;
  for (int t = 0; t + d + 2 <= c.steps; ++t) {
    const int step = t + d + 2;  // inputs at step t + 1; the sum meets acc_in of step - 1
    int64_t expect = sext(acc_in[step - 2], c.acc);
    for (int i = 0; i < n; ++i) expect += product(a[t][i], w[t][i]);
    expect = sext(uint64_t(expect), c.acc);
    if (!got.count(step) || got[step] != expect)
      bad << " step " << step << ": got " << (got.count(step) ? std::to_string(got[step]) : "-")
          << ", expected " << expect << ";";
    ++checked;
  }
  report = top + " TN=" + std::to_string(c.tn) + " K=" + std::to_string(c.k) + ": " +
           std::to_string(checked) + " cycles checked" + bad.str();
  return checked > 0 && bad.str().empty();
}

}  // namespace

TEST_CASE("the calibration lanes compute the contract's arithmetic", "[resources][yosys]") {
  REQUIRE(yosys_available());
  const std::vector<LaneCheck> checks = {
      {true, 2, 3, 16, 3, 48, 14},   // 18 products: pass-through chain in the tree
      {true, 1, 1, 16, 5, 48, 8},    // 5-bit codes: shifts up to 14
      {true, 1, 3, 8, 4, 24, 12},    // 8-bit activations, 4-bit codes
      {false, 1, 3, 16, 16, 48, 12}  // VPE, RTL registers (DSP_PRIM = 0)
  };
  const fs::path dir = temp_dir();
  std::vector<std::string> reports(checks.size());
  std::vector<int> ok(checks.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < checks.size(); ++i)
    threads.emplace_back([&, i] { ok[i] = check_lane(checks[i], dir, int(i), reports[i]); });
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < checks.size(); ++i) {
    INFO(reports[i]);
    CHECK(ok[i]);
  }
  fs::remove_all(dir);
}

TEST_CASE("BRAM36 mapping follows the UltraScale aspect ratios", "[resources]") {
  CHECK(bram36_for(72, 512) == 1.0);   // 512 x 72 simple dual port
  CHECK(bram36_for(36, 1024) == 1.0);  // 1K x 36
  CHECK(bram36_for(1, 32768) == 1.0);  // 32K x 1
  CHECK(bram36_for(36, 512) == 0.5);   // one RAMB18 (512 x 36 SDP)
  CHECK(bram36_for(16, 100) == 0.5);   // a small memory still takes a RAMB18
  CHECK(bram36_for(144, 512) == 2.0);
  CHECK(bram36_for(72, 513) == 2.0);   // one row more than 512 x 72: two blocks
  CHECK(bram36_for(0, 100) == 0.0);
  CHECK(uram_for(72, 4096) == 1.0);
  CHECK(uram_for(73, 4097) == 4.0);
}

TEST_CASE("buffers of the ZCU102 design points map to the expected BRAM36 count", "[resources]") {
  ArchSpec s;  // SVPE (32, 8, 3), 16-bit activations, 3-bit codes, 48-bit accumulators
  // input: 9 banks of 8 x 16 = 128 bits, 64 KiB / 2 B / 72 = 456 deep: 2 BRAM36 each, x2 halves
  CHECK(input_buffer(s).bram36 == 36.0);
  // weight: 32 x 8 x 9 x 3 = 6912 bits wide, 76 deep: 96 per half
  CHECK(weight_buffer(s).bram36 == 192.0);
  // output: 32 x 48 = 1536 bits, 128 KiB / (32 x 6 B) = 683 deep: 42 x (1K x 36) + 1.0 for
  // the last 24 bits, per half
  CHECK(output_buffer(s).bram36 == 86.0);
  ResourceOptions uram;
  uram.buffers_in_uram = true;
  CHECK(output_buffer(s, uram).uram == 2.0 * 22);  // 1536 / 72 = 21.3 -> 22 columns, 683 < 4K
  CHECK(output_buffer(s, uram).bram36 == 0.0);
}

TEST_CASE("SVPE products use no DSPs - VPE one per 16x16 product", "[resources]") {
  ArchSpec svpe;
  CHECK(pe_array(svpe).dsp == 0.0);
  ArchSpec vpe;
  vpe.pe_array = {ArrayKind::vpe, 16, 4, 3, 3};
  vpe.numerics.weight_bits = 16;
  CHECK(pe_array(vpe).dsp == 16.0 * 4 * 9);
  CHECK(dsp48e2_per_multiply(16, 16) == 1);
  CHECK(dsp48e2_per_multiply(27, 18) == 1);
  CHECK(dsp48e2_per_multiply(18, 27) == 1);
  CHECK(dsp48e2_per_multiply(32, 32) > 1);
}

TEST_CASE("the n-BQ-NN paper's DSP count gives 768 for both ZCU102 design points", "[resources]") {
  ResourceOptions paper;
  paper.dsp_counting = DspCounting::nbqnn_paper;
  ArchSpec svpe;  // (32, 8, 3): k Pn Pm = 3 x 8 x 32
  CHECK(pe_array(svpe, paper).dsp == 768.0);
  ArchSpec vpe;
  vpe.pe_array = {ArrayKind::vpe, 16, 4, 3, 3};
  vpe.numerics.weight_bits = 16;  // (k^2 + k) Pn Pm = 12 x 4 x 16
  CHECK(pe_array(vpe, paper).dsp == 768.0);
  // The convolvers' adders move into DSPs: fewer LUTs than the synthesis count.
  CHECK(pe_array(svpe, paper).lut < pe_array(svpe).lut);
}

TEST_CASE("resources grow with lanes, vector and code width", "[resources]") {
  ArchSpec a;
  ArchSpec b = a;
  b.pe_array.lanes *= 2;
  CHECK(pe_array(b).lut == Approx(2 * pe_array(a).lut));
  CHECK(pe_array(b).ff == Approx(2 * pe_array(a).ff));
  CHECK(ppu(b).lut == Approx(2 * ppu(a).lut));
  ArchSpec c = a;
  c.pe_array.vector *= 2;
  CHECK(pe_array(c).lut > 1.8 * pe_array(a).lut);
  CHECK(pe_array(c).ff > 1.8 * pe_array(a).ff);
  CHECK(window_unit(c).lut > window_unit(a).lut);
  ArchSpec d = a;
  d.numerics.weight_bits = 5;
  CHECK(svpe_product(16, 5, 1).lut > svpe_product(16, 3, 1).lut);
  CHECK(pe_array(d).lut > pe_array(a).lut);
  // A bigger buffer never needs fewer blocks.
  ArchSpec e = a;
  e.buffers.input_kib *= 2;
  CHECK(input_buffer(e).bram36 >= input_buffer(a).bram36);
  CHECK(total(estimate_resources(e)).bram36 > total(estimate_resources(a)).bram36);
}

TEST_CASE("adder tree and accumulator follow the RTL's structure", "[resources]") {
  // 4 inputs of 16 bits: two 16-bit adders (17-bit sums) and one 17-bit adder (18 bits).
  const Resources t = adder_tree(4, 16);
  CHECK(t.lut == 2 * 16 + 17);
  CHECK(t.ff == 2 * 17 + 18);
  CHECK(adder_tree_bits(9, 19) == 23);
  CHECK(adder_tree(1, 16).lut == 0.0);
  // 9 inputs: the ninth passes three levels: a 3-register chain becomes 16 SRLs.
  const Resources t9 = adder_tree(9, 16);
  CHECK(t9.lut == 4 * 16 + 2 * 17 + 18 + 19 + 16);
  CHECK(t9.ff == 4 * 17 + 2 * 18 + 19 + 20);
  CHECK(accumulator(48).lut == 48.0);
  CHECK(accumulator(48).ff == 48.0);
}

TEST_CASE("a design over its device budget names the resource", "[resources]") {
  Resources need;
  need.lut = 300000;
  need.dsp = 100;
  Resources zcu102;  // configs/devices/zcu102.json
  zcu102.lut = 274080;
  zcu102.ff = 548160;
  zcu102.dsp = 2520;
  zcu102.bram36 = 912;
  const auto over = over_budget(need, zcu102);
  REQUIRE(over.size() == 1);
  CHECK(over[0] == "lut: need 300000, device has 274080");
  CHECK(over_budget(Resources{}, zcu102).empty());
}

TEST_CASE("bad specs are refused", "[resources]") {
  ArchSpec s;
  s.pe_array.vector = 0;
  CHECK_THROWS_AS(pe_array(s), std::invalid_argument);
  ArchSpec t;
  t.numerics.weight_bits = 8;  // svpe codes are at most 6 bits here
  CHECK_THROWS_AS(lane_datapath(t), std::invalid_argument);
}
