#include "tests/rtl/rtl_synthesis.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "models/pe_array/array_kind.h"
#include "models/pe_array/pe_array_resources.h"
#include "models/pe_array/sequencer_resources.h"
#include "tests/models/yosys_runner.h"

namespace shiftsim::test {

namespace fs = std::filesystem;

std::string RtlSynthShape::label() const {
  std::ostringstream s;
  s << (kind == models::ArrayKind::svpe ? "svpe" : "vpe") << " (" << lanes << ", " << vector << ", " << kernel
    << ")";
  return s.str();
}

models::ArchSpec synth_arch(const RtlSynthShape& s) {
  models::ArchSpec a;
  a.pe_array.kind = s.kind;
  a.pe_array.lanes = s.lanes;
  a.pe_array.vector = s.vector;
  a.pe_array.kernel = s.kernel;
  a.pe_array.product_stages = s.kind == models::ArrayKind::svpe ? 1 : 3;
  a.numerics.act_bits = s.act_bits;
  a.numerics.weight_bits = s.weight_bits;
  a.numerics.acc_bits = 48;
  return a;
}

namespace {
const std::string kRtlDir = std::string(SHIFTSIM_SOURCE_DIR) + "/rtl";

// FNV-1a over `text`: a key that stays the same across builds and runs, unlike std::hash.
std::uint64_t fnv1a(const std::string& text, std::uint64_t h = 1469598103934665603ull) {
  for (const unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string file_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The key of one synthesis: its script, the Verilog it reads and the Yosys version, so that a
// cached count is reused only for the same input to the same tool.
std::string synthesis_key(const std::string& script) {
  std::string text = script;
  for (const char* f : {"cu_top.v", "cu_lane.v", "svpe_product.v", "vpe_product.v", "adder_tree.v"})
    text += file_text(kRtlDir + "/" + f);
  FILE* v = popen("yosys -V", "r");
  if (v) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, v)) text += buf;
    pclose(v);
  }
  std::ostringstream k;
  k << std::hex << fnv1a(text);
  return k.str();
}

// Cell counts of the module `top` with `params`, flattened; the Yosys time in `seconds`. With
// SHIFTSIM_YOSYS_CACHE naming a directory, a synthesis of the same key is read from there
// instead of run again (the ZCU102 benchmark takes over an hour in Yosys, while the model's
// side of its table changes with every resource-model edit); `seconds` is then the first run's.
CellCounts run(const std::string& top, const std::string& params, const fs::path& dir, const std::string& id,
               double& seconds) {
  const fs::path script = dir / (id + ".ys"), log = dir / (id + ".log");
  fs::path stat = dir / (id + ".stat");
  std::ostringstream text;
  text << "read_verilog";
  for (const char* f : {"cu_top.v", "cu_lane.v", "svpe_product.v", "vpe_product.v", "adder_tree.v"})
    text << " " << kRtlDir << "/" << f;
  text << "\nchparam " << params << " " << top << "\n"
       << "synth_xilinx -family xcup -top " << top << " -flatten -noiopad -noclkbuf\n";
  const char* cache_env = std::getenv("SHIFTSIM_YOSYS_CACHE");
  fs::path cached_stat, cached_sec;
  if (cache_env && *cache_env) {
    const fs::path cache(cache_env);
    fs::create_directories(cache);
    const std::string key = id + "-" + synthesis_key(text.str());
    cached_stat = cache / (key + ".stat");
    cached_sec = cache / (key + ".seconds");
  }
  if (!cached_stat.empty() && fs::exists(cached_stat) && fs::exists(cached_sec)) {
    stat = cached_stat;
    std::ifstream(cached_sec) >> seconds;
  } else {
    std::ofstream(script) << text.str() << "tee -q -o " << stat.string() << " stat\n";
    const auto t0 = std::chrono::steady_clock::now();
    const std::string cmd = "yosys -q -s " + script.string() + " > " + log.string() + " 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("yosys failed: see " + log.string());
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!cached_stat.empty()) {
      // Written under a temporary name and renamed, so an interrupted run leaves no entry.
      fs::copy_file(stat, cached_stat.string() + ".tmp", fs::copy_options::overwrite_existing);
      std::ofstream(cached_sec.string() + ".tmp") << seconds << "\n";
      fs::rename(cached_sec.string() + ".tmp", cached_sec);
      fs::rename(cached_stat.string() + ".tmp", cached_stat);
    }
  }
  std::ifstream in(stat);
  const std::regex cell(R"(^\s+(\w+)\s+(\d+)$)");
  CellCounts cells;
  std::string line;
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_match(line, m, cell)) cells[m[1]] = std::stol(m[2]);
  return cells;
}

RtlSynthRow row(const std::string& what, const models::Resources& model, const CellCounts& cells, double seconds) {
  const Counted c = count(cells);
  if (!c.unknown.empty()) throw std::runtime_error("yosys emitted a cell type the counting table lacks: " + c.unknown[0]);
  RtlSynthRow r;
  r.what = what;
  r.model = model;
  r.yosys.lut = double(c.lut);
  r.yosys.ff = double(c.ff);
  r.yosys.dsp = double(c.dsp);
  r.carry = c.carry;
  r.muxf = c.muxf;
  r.seconds = seconds;
  return r;
}
}  // namespace

std::vector<RtlSynthRow> synthesize(const RtlSynthShape& s, const fs::path& dir) {
  fs::create_directories(dir);
  const bool vpe = s.kind == models::ArrayKind::vpe;
  const models::ArchSpec arch = synth_arch(s);
  std::ostringstream p;
  p << "-set KIND " << (vpe ? 1 : 0) << " -set TN " << s.vector << " -set K " << s.kernel << " -set ABITS "
    << s.act_bits << " -set WBITS " << s.weight_bits << " -set ACC 48";
  const std::string tag = std::string(vpe ? "vpe" : "svpe") + "_" + std::to_string(s.lanes) + "x" +
                          std::to_string(s.vector) + "x" + std::to_string(s.kernel);
  std::vector<RtlSynthRow> rows;
  double sec = 0;
  // The whole unit: the model's PE array (lanes, weight and bias registers), window generator
  // and issue sequencer.
  const CellCounts unit = run("shiftsim_cu", p.str() + " -set TM " + std::to_string(s.lanes), dir, tag + "_unit", sec);
  rows.push_back(row("whole unit", models::pe_array(arch) + models::window_unit(arch) + models::issue_sequencer(arch), unit,
                      sec));
  // One lane: the model's lane datapath and its weight registers (no bias register: the RTL
  // keeps the bias beside the output buffer's entries, as the contract says, §6).
  models::ArchSpec one = arch;
  one.pe_array.lanes = 1;
  models::Resources lane = models::lane_datapath(one);
  lane.ff += double(s.vector) * s.kernel * s.kernel * models::array_kind_model(one).weight_register_ffs(s.weight_bits);
  const CellCounts l = run("cu_lane", p.str(), dir, tag + "_lane", sec);
  rows.push_back(row("one lane", lane, l, sec));
  return rows;
}

std::string synth_table(const RtlSynthShape& s, const std::vector<RtlSynthRow>& rows) {
  const auto err = [](double model, double yosys) {
    std::ostringstream o;
    if (yosys == 0) return std::string(model == 0 ? "0" : "-");
    o << std::showpos << std::fixed << std::setprecision(1) << 100.0 * (model - yosys) / yosys << "%";
    return o.str();
  };
  std::ostringstream o;
  for (const RtlSynthRow& r : rows)
    o << "| " << s.label() << " | " << r.what << " | " << r.model.lut << " | " << r.yosys.lut << " | "
      << err(r.model.lut, r.yosys.lut) << " | " << r.model.ff << " | " << r.yosys.ff << " | "
      << err(r.model.ff, r.yosys.ff) << " | " << r.model.dsp << " | " << r.yosys.dsp << " | " << r.carry << " | "
      << r.muxf << " | " << std::fixed << std::setprecision(0) << r.seconds << " |\n";
  return o.str();
}

}  // namespace shiftsim::test
