// `shiftsim reproduce --quick`: every derived cell of the CSVs recomputed here from the child
// run reports (runs/*.json) and the published figures (configs/reproduce/*.json), independently
// of sim/reproduce_*.cpp. The CSVs print 12 significant digits, so the tolerance is relative
// 1e-9 (printed rounding only). Plus sanity bounds (SVPE faster than VPE, utilisation at most
// 100%, GOP/s at most the array's peak) and the PNGs when gnuplot is on PATH.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include "../support/cli.h"

using namespace shiftsim::test;
namespace fs = std::filesystem;

namespace {

const std::string kFigures = "configs/reproduce/nbqnn_tnnls2021.json";
const std::string kExp2 = "configs/reproduce/largest_zcu102.json";

using Row = std::vector<std::string>;

struct Csv {
  std::vector<Row> rows;  // rows[0] is the header
  const Row& header() const { return rows.at(0); }
  // The first column named `name` (the diff columns repeat their names: take them by offset).
  size_t col(const std::string& name) const {
    for (size_t i = 0; i < header().size(); ++i)
      if (header()[i] == name) return i;
    FAIL("no column " << name);
    return 0;
  }
};

Csv read_csv(const std::string& path) {
  Csv csv;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);) {
    Row cells;
    std::string cell;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '"') {
        if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    csv.rows.push_back(cells);
  }
  REQUIRE(!csv.rows.empty());
  for (const Row& r : csv.rows) REQUIRE(r.size() == csv.header().size());
  return csv;
}

std::optional<double> num(const std::string& s) {
  if (s.empty()) return std::nullopt;
  try {
    size_t n = 0;
    const double v = std::stod(s, &n);
    if (n == s.size()) return v;
  } catch (...) {
  }
  return std::nullopt;
}

double numv(const std::string& s) {
  const std::optional<double> v = num(s);
  INFO("cell '" << s << "' is not a number");
  REQUIRE(v);
  return *v;
}

// a == b up to the CSV's printed rounding; `scale` is the magnitude of the operands the
// expected value was computed from (a difference of two large numbers rounds like them).
bool close(double a, double b, double scale = 0) {
  return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(b), std::fabs(scale)});
}

// The "diff" and "diff %" cells at c and c + 1: simulated - published, and that in % of it.
void check_diff(const Row& row, size_t c, std::optional<double> pub, std::optional<double> sim) {
  if (!pub || !sim) {
    CHECK(row[c] == "-");
    CHECK(row[c + 1] == "-");
    return;
  }
  const double d = *sim - *pub;
  const double scale = std::max(std::fabs(*pub), std::fabs(*sim));
  CHECK(close(numv(row[c]), d, scale));
  if (*pub == 0) {
    CHECK(row[c + 1] == "-");
  } else {
    CHECK(close(numv(row[c + 1]), 100.0 * d / *pub, 100.0 * scale / std::fabs(*pub)));
  }
}

double gops(double macs, double cycles, double mhz, double ops_per_mac) {
  return ops_per_mac * macs * mhz / cycles / 1e3;
}

// One child run report, read directly.
struct Report {
  nlohmann::json j;
  explicit Report(const std::string& path) : j(read_json(path)) {}
  double mhz() const { return j["arch"]["clock_mhz"].get<double>(); }
  std::string kind() const { return j["arch"]["kind"].get<std::string>(); }
  double macs_per_cycle() const {  // lanes x vector x k^2 products per cycle
    const double k = j["arch"]["kernel"].get<double>();
    return j["arch"]["lanes"].get<double>() * j["arch"]["vector"].get<double>() * k * k;
  }
  double peak_gops() const { return gops(macs_per_cycle(), 1, mhz(), 2); }
  std::string shape() const {
    std::ostringstream s;
    s << kind() << " (" << j["arch"]["lanes"].get<int>() << ", " << j["arch"]["vector"].get<int>() << ", "
      << j["arch"]["kernel"].get<int>() << ")";
    return s.str();
  }
  const nlohmann::json& layer(const std::string& name) const {
    for (const auto& l : j["layers"])
      if (l["name"] == name) return l;
    FAIL("no layer " << name);
    return j;
  }
  // Sum of a layer field over `names`, or over every conv layer when `names` is empty.
  double sum(const char* field, const std::vector<std::string>& names = {}) const {
    double s = 0;
    for (const auto& l : j["layers"])
      if (names.empty() ? l["type"] == "conv"
                        : std::find(names.begin(), names.end(), l["name"].get<std::string>()) != names.end())
        s += l[field].get<double>();
    return s;
  }
  double conv_seconds() const { return sum("cycles") / (mhz() * 1e6); }
  double conv_energy_j() const { return j["energy"]["conv_layers"]["total_j"].get<double>(); }
  double conv_power_w() const { return conv_energy_j() / conv_seconds(); }
  double resource(const char* which, const char* res) const {  // which: total or a component
    if (std::string(which) == "total") return j["resources"]["total"][res].get<double>();
    for (const auto& c : j["resources"]["components"])
      if (c["name"] == which) return c[res].get<double>();
    FAIL("no resource component " << which);
    return 0;
  }
  double device(const char* res) const { return j["resources"]["device"]["resources"][res].get<double>(); }
};

const Row& find_row(const Csv& csv, size_t c1, const std::string& v1, size_t c2, const std::string& v2) {
  for (size_t i = 1; i < csv.rows.size(); ++i)
    if (csv.rows[i][c1] == v1 && csv.rows[i][c2] == v2) return csv.rows[i];
  FAIL("no row " << v1 << " / " << v2);
  return csv.rows[0];
}

std::string key_of(const std::string& resource) {  // CSV resource name -> report / config key
  std::string k;
  for (char c : resource) k += char(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

bool gnuplot_on_path() {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  for (std::string d; std::getline(ss, d, ':');) {
    const fs::path p = fs::path(d.empty() ? "." : d) / "gnuplot";
    std::error_code ec;
    if (fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("reproduce quick derived cells recompute from the run reports and configs", "[reproduce]") {
  const std::string dir = scratch_dir("reproduce-checks");
  const std::string out = dir + "/out";
  const CliResult r = run_shiftsim(
      {"reproduce", "--quick", "--out", out, "--figures", repo(kFigures), "--experiment2", repo(kExp2)}, dir);
  INFO(r.err);
  REQUIRE(r.code == 0);

  const nlohmann::json pub = read_json(repo(kFigures));
  const nlohmann::json exp2cfg = read_json(repo(kExp2));
  const std::vector<std::string> quick = pub["experiment"]["quick_layers"].get<std::vector<std::string>>();
  const std::vector<std::string> all_layers = pub["experiment"]["layers"].get<std::vector<std::string>>();
  const std::map<std::string, Report> rep = {{"vpe", Report(out + "/runs/exp1_vpe.json")},
                                             {"svpe", Report(out + "/runs/exp1_svpe.json")}};
  const Report& V = rep.at("vpe");
  const Report& S = rep.at("svpe");

  {  // LAYERS
    INFO("exp1_layers.csv");
    const Csv csv = read_csv(out + "/exp1_layers.csv");
    REQUIRE(csv.rows.size() == 1 + 2 * quick.size());
    const size_t c_layer = csv.col("layer"), c_design = csv.col("design"), c_pub = csv.col("published GOP/s"),
                 c2 = csv.col("simulated GOP/s (MAC = 2 ops, ours)"),
                 c4 = csv.col("simulated GOP/s (MAC = 4 ops, paper-inferred)"), c_cyc = csv.col("cycles"),
                 c_macs = csv.col("MACs"), c_util = csv.col("PE utilisation %");
    for (size_t i = 1; i < csv.rows.size(); ++i) {
      const Row& row = csv.rows[i];
      const std::string layer = row[c_layer], design = row[c_design];
      INFO(layer << " " << design);
      const Report& R = rep.at(design);
      const nlohmann::json& l = R.layer(layer);
      const size_t li = size_t(std::find(all_layers.begin(), all_layers.end(), layer) - all_layers.begin());
      REQUIRE(li < all_layers.size());
      const double p = pub["designs"][design]["table_viii"]["layer_gops"][li].get<double>();
      const double cycles = l["cycles"].get<double>(), macs = l["macs"].get<double>();
      const double g2 = gops(macs, cycles, R.mhz(), 2), g4 = gops(macs, cycles, R.mhz(), 4);
      CHECK(close(numv(row[c_pub]), p));
      CHECK(close(numv(row[c_macs]), macs));
      CHECK(close(numv(row[c2]), g2));
      CHECK(close(numv(row[c4]), g4));
      check_diff(row, c2 + 1, p, g2);
      check_diff(row, c4 + 1, p, g4);
      // Utilisation: the report's, equal to MACs over the array's MAC slots in those cycles.
      const double util = 100.0 * macs / (cycles * R.macs_per_cycle());
      CHECK(close(numv(row[c_util]), 100.0 * l["pe_utilization"].get<double>()));
      CHECK(close(numv(row[c_util]), util));
      CHECK(numv(row[c_util]) > 0);
      CHECK(numv(row[c_util]) <= 100);
      CHECK(g2 <= R.peak_gops());
      CHECK(close(g2 / R.peak_gops(), util / 100.0));
      CHECK(close(numv(row[c_cyc]), cycles));
    }
    // SVPE needs fewer cycles than VPE on every quick layer.
    for (const std::string& l : quick) {
      INFO(l);
      CHECK(numv(find_row(csv, c_layer, l, c_design, "svpe")[c_cyc]) <
            numv(find_row(csv, c_layer, l, c_design, "vpe")[c_cyc]));
    }
    // The cycles plot: the same numbers, VPE then SVPE.
    CHECK(fs::exists(out + "/exp1_cycles.gp"));
    std::istringstream dat(slurp(out + "/exp1_cycles.dat"));
    size_t n = 0;
    for (std::string line; std::getline(dat, line);) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ls(line);
      std::string layer;
      double v = -1, s = -1;
      ls >> layer >> v >> s;
      INFO("exp1_cycles.dat: " << line);
      CHECK(close(v, numv(find_row(csv, c_layer, layer, c_design, "vpe")[c_cyc])));
      CHECK(close(s, numv(find_row(csv, c_layer, layer, c_design, "svpe")[c_cyc])));
      ++n;
    }
    CHECK(n == quick.size());
    CHECK(slurp(out + "/exp1_cycles.gp").find("exp1_cycles.png") != std::string::npos);
  }

  {  // SUMMARY
    INFO("exp1_summary.csv");
    const Csv csv = read_csv(out + "/exp1_summary.csv");
    const size_t c_fig = csv.col("figure"), c_design = csv.col("design"), c_pub = csv.col("published"),
                 c_sim = csv.col("simulated"), c_diff = csv.col("diff");
    auto check_row = [&](const std::string& fig, const std::string& design, std::optional<double> p,
                         std::optional<double> s) {
      INFO(fig << " " << design);
      const Row& row = find_row(csv, c_fig, fig, c_design, design);
      if (p) CHECK(close(numv(row[c_pub]), *p));
      else CHECK_FALSE(num(row[c_pub]));
      if (s) CHECK(close(numv(row[c_sim]), *s));
      else CHECK_FALSE(num(row[c_sim]));
      check_diff(row, c_diff, p, s);
    };
    for (const auto& [d, R] : rep) {
      const nlohmann::json& t8 = pub["designs"][d]["table_viii"];
      const double macs = R.sum("macs", quick), cyc = R.sum("cycles", quick);
      const double a2 = gops(macs, cyc, R.mhz(), 2), a4 = gops(macs, cyc, R.mhz(), 4);
      CHECK(a2 <= R.peak_gops());
      check_row("average GOP/s (MAC = 2 ops, ours)", d, t8["average_gops"].get<double>(), a2);
      check_row("average GOP/s (MAC = 4 ops, paper-inferred)", d, t8["average_gops"].get<double>(), a4);
      // Power: the conv layers' energy over their time; the report's own figure agrees.
      const double w = R.conv_power_w();
      CHECK(close(w, R.j["energy"]["conv_layers"]["average_power_w"].get<double>()));
      check_row("power W (conv layers, whole chip)", d, t8["power_w"].get<double>(), w);
      check_row("GOP/s/W (MAC = 2 ops)", d, t8["gops_per_w"].get<double>(), a2 / w);
      check_row("GOP/s/W (MAC = 4 ops, paper-inferred)", d, t8["gops_per_w"].get<double>(), a4 / w);
      // Energy per inference: the conv layers' energy, the sum of theirs in the report.
      double per_layer = 0;
      for (const std::string& l : quick) per_layer += R.layer(l)["energy"]["total_j"].get<double>();
      CHECK(close(per_layer, R.conv_energy_j()));
      check_row("energy per inference mJ (conv layers)", d, std::nullopt, 1e3 * R.conv_energy_j());
    }
    const double speedup = V.sum("cycles", quick) / S.sum("cycles", quick);
    CHECK(speedup > 1);
    check_row("speedup SVPE over VPE (conv-layer time)", "svpe/vpe",
              pub["claims"]["speedup"]["value"].get<double>(), speedup);
    check_row("analytical speedup (paper's model)", "svpe/vpe",
              pub["claims"]["analytical_speedup"]["value"].get<double>(), std::nullopt);
    check_row("SVPE power as % of VPE", "svpe/vpe", pub["claims"]["power_ratio_pct"]["value"].get<double>(),
              100.0 * S.conv_power_w() / V.conv_power_w());
  }

  {  // RESOURCES
    INFO("exp1_resources.csv");
    const Csv csv = read_csv(out + "/exp1_resources.csv");
    const size_t c_design = csv.col("design"), c_res = csv.col("resource"), c_pub = csv.col("published %"),
                 c_syn = csv.col("simulated % (synthesis counting)"),
                 c_nbq = csv.col("simulated % (n-BQ-NN DSP counting)"),
                 c_cnt = csv.col("simulated count (synthesis)");
    REQUIRE(csv.rows.size() == 1 + 2 * 4);
    for (const auto& [d, R] : rep)
      for (const char* res : {"LUT", "FF", "DSP", "BRAM36"}) {
        INFO(d << " " << res);
        const Row& row = find_row(csv, c_design, d, c_res, res);
        const std::string k = key_of(res);
        const double p = pub["designs"][d]["table_viii"]["utilization_pct"][k == "bram36" ? "bram" : k].get<double>();
        const double count = R.resource("total", k.c_str());
        const double pct = 100.0 * count / R.device(k.c_str());
        CHECK(close(numv(row[c_pub]), p));
        CHECK(close(numv(row[c_cnt]), count));
        CHECK(close(numv(row[c_syn]), pct));
        CHECK(close(pct, R.j["resources"]["total"]["percent_of_device"][k].get<double>()));
        CHECK(numv(row[c_syn]) <= 100);
        check_diff(row, c_syn + 1, p, pct);
        // n-BQ-NN counting: the same design with the paper's DSPs per convolver, (k^2 + k) VPE
        // (Eq. 35), k SVPE (Eq. 44), in place of the synthesis PE-array DSPs.
        const double kk = R.j["arch"]["kernel"].get<double>();
        const double per_conv = R.kind() == "vpe" ? kk * kk + kk : kk;
        const double convolvers = R.j["arch"]["lanes"].get<double>() * R.j["arch"]["vector"].get<double>();
        if (k == "dsp")
          CHECK(close(numv(row[c_nbq]),
                      100.0 * (count - R.resource("pe_array", "dsp") + per_conv * convolvers) / R.device("dsp")));
        check_diff(row, c_nbq + 1, p, numv(row[c_nbq]));
      }
  }

  {  // TABLE_VII
    INFO("exp1_table_vii.csv");
    const Csv csv = read_csv(out + "/exp1_table_vii.csv");
    const size_t c_design = csv.col("design"), c_bits = csv.col("weight bits"),
                 c_pw = csv.col("published power W"), c_pe = csv.col("simulated PE-array dynamic W"),
                 c_chip = csv.col("simulated whole-chip W (conv layers)"), c_diff = csv.col("diff (whole chip)"),
                 c_plut = csv.col("published LUT"), c_pff = csv.col("published FF"),
                 c_pdsp = csv.col("published DSP"), c_nbq = csv.col("model DSP (n-BQ-NN)"),
                 c_syn = csv.col("model DSP (synthesis)"), c_note = csv.col("note");
    size_t expected_rows = 0, simulated = 0;
    for (const char* d : {"vpe", "svpe"}) {
      const nlohmann::json& t7 = pub["designs"][d]["table_vii"];
      const Report& base = rep.at(d);
      const double kk = base.j["arch"]["kernel"].get<double>();
      for (size_t i = 0; i < t7["weight_bits"].size(); ++i, ++expected_rows) {
        const int n = t7["weight_bits"][i].get<int>();
        INFO(d << " " << n << "-bit weights");
        const Row& row = find_row(csv, c_design, d, c_bits, std::to_string(n));
        CHECK(close(numv(row[c_pw]), t7["power_w"][i].get<double>()));
        CHECK(close(numv(row[c_plut]), t7["lut"][i].get<double>()));
        // Published FF and DSP: from the config, also on a row the resource model refuses.
        const int lo = t7["ff_range"][0].get<int>(), hi = t7["ff_range"][1].get<int>();
        CHECK(close(numv(row[c_pdsp]), t7["dsp"][i].get<double>()));
        CHECK(row[c_pff] == (lo == hi ? std::to_string(lo) : std::to_string(lo) + ".." + std::to_string(hi)));
        // The run at that width: the design's own, or runs/exp1_<d>_w<n>.json.
        std::optional<Report> run;
        if (base.j["arch"]["weight_bits"].get<int>() == n) run = base;
        else if (fs::exists(out + "/runs/exp1_" + std::string(d) + "_w" + std::to_string(n) + ".json"))
          run.emplace(out + "/runs/exp1_" + std::string(d) + "_w" + std::to_string(n) + ".json");
        if (run) {
          ++simulated;
          CHECK(run->j["arch"]["weight_bits"].get<int>() == n);
          const double secs = run->conv_seconds();
          const double pe_w =
              run->j["energy"]["conv_layers"]["dynamic_by_component_j"]["pe_array"].get<double>() / secs;
          CHECK(close(numv(row[c_pe]), pe_w));
          CHECK(close(numv(row[c_chip]), run->conv_power_w()));
          CHECK(pe_w < run->conv_power_w());
          check_diff(row, c_diff, t7["power_w"][i].get<double>(), run->conv_power_w());
        } else {
          CHECK(row[c_pe] == "not simulated");
          CHECK(row[c_chip] == "not simulated");
          CHECK_FALSE(row[c_note].empty());
          check_diff(row, c_diff, t7["power_w"][i].get<double>(), std::nullopt);
        }
        // One convolver's DSPs: (k^2 + k) VPE, k SVPE (n-BQ-NN); k^2 VPE, 0 SVPE (synthesis).
        if (num(row[c_nbq])) {
          CHECK(close(numv(row[c_nbq]), std::string(d) == "vpe" ? kk * kk + kk : kk));
          CHECK(close(numv(row[c_syn]), std::string(d) == "vpe" ? kk * kk : 0));
        } else {
          CHECK_FALSE(row[c_note].empty());
        }
      }
    }
    CHECK(csv.rows.size() == 1 + expected_rows);
    CHECK(simulated >= 2);  // the VPE and at least the SVPE design's own width
  }

  {  // GSNQ
    INFO("gsnq_pe_array.csv");
    const Csv csv = read_csv(out + "/gsnq_pe_array.csv");
    REQUIRE(csv.rows.size() == 3);
    const size_t c_design = csv.col("design"), c_array = csv.col("array");
    for (const auto& [d, R] : rep) {
      INFO(d);
      const Row& row = find_row(csv, c_design, d, c_array, R.shape());
      CHECK(row[csv.col("source")] == "run report");
      for (const char* res : {"dsp", "lut", "ff"}) {
        std::string up = res;
        for (char& c : up) c = char(std::toupper(static_cast<unsigned char>(c)));
        CHECK(close(numv(row[csv.col("PE array " + up)]), R.resource("pe_array", res)));
        CHECK(close(numv(row[csv.col("whole design " + up)]), R.resource("total", res)));
        CHECK(R.resource("pe_array", res) <= R.resource("total", res));
      }
    }
    // The claim itself: no DSP in the SVPE array, some in the VPE's.
    CHECK(numv(find_row(csv, c_design, "svpe", c_array, S.shape())[csv.col("PE array DSP")]) == 0);
    CHECK(numv(find_row(csv, c_design, "vpe", c_array, V.shape())[csv.col("PE array DSP")]) > 0);
  }

  {  // EXP2
    INFO("exp2_largest.csv");
    const Csv csv = read_csv(out + "/exp2_largest.csv");
    const size_t c_net = csv.col("network"), c_design = csv.col("design"), c_array = csv.col("array (Tm, Tn, k)"),
                 c_cyc = csv.col("conv cycles"), c2 = csv.col("conv GOP/s (MAC = 2)"),
                 c4 = csv.col("conv GOP/s (MAC = 4)"), c_sp = csv.col("speedup over VPE"),
                 c_mj = csv.col("energy per inference mJ"), c_eff = csv.col("GOP/s/W (MAC = 2)");
    const double max_util = exp2cfg["max_util_pct"].get<double>();
    REQUIRE(csv.rows.size() == 1 + exp2cfg["quick_nets"].size() * exp2cfg["designs"].size());
    for (size_t i = 1; i < csv.rows.size(); ++i) {
      const Row& row = csv.rows[i];
      const std::string net = row[c_net], d = row[c_design];
      INFO(net << " " << d);
      const Report R(out + "/runs/exp2_" + net + "_" + d + ".json");
      const Report Vr(out + "/runs/exp2_" + net + "_vpe.json");
      CHECK(row[c_array] == R.shape());
      for (const char* res : {"LUT", "FF", "DSP", "BRAM36"}) {
        INFO(res);
        const std::string k = key_of(res);
        const double pct = numv(row[csv.col(std::string(res) + " %")]);
        CHECK(close(pct, 100.0 * R.resource("total", k.c_str()) / R.device(k.c_str())));
        CHECK(pct <= max_util);
      }
      const double cyc = R.sum("cycles"), macs = R.sum("macs");
      CHECK(close(cyc, R.j["cycles"]["conv_layers"].get<double>()));
      CHECK(close(numv(row[c_cyc]), cyc));
      const double g2 = gops(macs, cyc, R.mhz(), 2);
      CHECK(close(numv(row[c2]), g2));
      CHECK(close(numv(row[c4]), gops(macs, cyc, R.mhz(), 4)));
      CHECK(g2 <= R.peak_gops());
      const double sp = Vr.sum("cycles") / cyc;
      CHECK(close(numv(row[c_sp]), sp));
      if (d == "svpe") CHECK(sp > 1);
      CHECK(close(numv(row[c_mj]), 1e3 * R.conv_energy_j()));
      CHECK(close(numv(row[c_eff]), g2 / R.conv_power_w()));
    }
  }

  {  // PLOTS
    const char* plots[] = {"exp1_layers", "exp1_cycles", "exp1_resources", "exp1_energy", "exp2_largest"};
    for (const char* p : plots) {
      INFO(p);
      CHECK(fs::exists(out + "/" + p + ".gp"));
      CHECK(fs::exists(out + "/" + p + ".dat"));
    }
    if (gnuplot_on_path()) {
      CHECK(r.err.find("gnuplot") == std::string::npos);  // neither missing nor failing
      for (const char* p : plots) {
        INFO(p);
        const std::string png = out + "/" + p + ".png";
        REQUIRE(fs::exists(png));
        CHECK(fs::file_size(png) > 1000);
        CHECK(slurp(png).compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
      }
    } else {
      WARN("gnuplot is not on PATH: the PNG checks are skipped");
    }
  }
}
