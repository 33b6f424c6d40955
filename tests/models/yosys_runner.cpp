#include "tests/models/yosys_runner.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include <unistd.h>

namespace shiftsim::test {

namespace fs = std::filesystem;

const std::string kVerilogDir = std::string(SHIFTSIM_SOURCE_DIR) + "/tests/resources";

// A calibration file: the adder tree is the RTL compute unit's own (rtl/adder_tree.v, module
// cu_adder_tree), so the model is calibrated against the tree that runs in the loop.
std::string verilog_file(const std::string& name) {
  if (name == "adder_tree.v") return std::string(SHIFTSIM_SOURCE_DIR) + "/rtl/adder_tree.v";
  return kVerilogDir + "/" + name;
}

fs::path temp_dir() {
  const char* base = std::getenv("SHIFTSIM_TEST_TMP");
  fs::path dir = fs::path(base ? base : fs::temp_directory_path().string()) /
                 ("resources-yosys-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

bool yosys_available() { return std::system("yosys -V > /dev/null 2>&1") == 0; }

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
    for (const char* f : {"adder_tree.v", "accumulator.v", "svpe_lane.v", "vpe_lane.v", "ppu_lane.v", "dsp_mul.v",
                          "activation_lane.v", "activation_pair.v", "elementwise_lane.v"})
      s << " " << verilog_file(f);
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
  // In the Verilog's directory: activation_pair.v reads its ROM contents from a file beside it.
  const std::string cmd =
      "cd '" + kVerilogDir + "' && yosys -q -s " + script.string() + " > " + log.string() + " 2>&1";
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
    else if (name == "RAMB36E2")
      c.bram36 += n;
    else if (name == "RAMB18E2")
      c.bram36 += 0.5 * n;  // half a block (docs/RESOURCES.md, counting)
    else if (std::regex_match(name, carry))
      c.carry += n;
    else if (std::regex_match(name, muxf))
      c.muxf += n;
    else
      c.unknown.push_back(name);
  }
  return c;
}

namespace {

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

}  // namespace

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
      s << " " << verilog_file(f);
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


}  // namespace shiftsim::test
