// `shiftsim reproduce --quick` end to end: the Markdown and CSVs are written, the CSV's
// simulated figures are those of the child run reports, and its published figures are those of
// configs/reproduce/ (one source for every published number).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "../support/cli.h"

using namespace shiftsim::test;

namespace {

const std::string kFigures = "configs/reproduce/nbqnn_tnnls2021.json";

// A CSV as rows of cells (the reproduction quotes cells with commas; none of the columns read
// here has one).
std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else cell += c;
    }
    cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  FAIL("no column " << name);
  return 0;
}

bool close(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

}  // namespace

TEST_CASE("reproduce quick writes Markdown and CSV whose figures come from the runs and configs", "[reproduce]") {
  const std::string dir = scratch_dir("reproduce-quick");
  const std::string out = dir + "/out";
  const CliResult r = run_shiftsim({"reproduce", "--quick", "--out", out, "--figures", repo(kFigures),
                                    "--experiment2", repo("configs/reproduce/largest_zcu102.json")},
                                   dir);
  INFO(r.err);
  REQUIRE(r.code == 0);
  for (const char* f : {"reproduction.md", "exp1_layers.csv", "exp1_summary.csv", "exp1_resources.csv",
                        "exp1_table_vii.csv", "gsnq_pe_array.csv", "exp2_largest.csv",
                        "exp1_layers.gp", "exp1_layers.dat", "exp1_resources.gp", "runs/exp1_vpe.json",
                        "runs/exp1_svpe.json"})
    CHECK(std::filesystem::exists(out + "/" + f));
  CHECK_FALSE(std::filesystem::exists(out + ".tmp"));
  const std::string md = slurp(out + "/reproduction.md");
  CHECK(md.find("| conv2 | svpe |") != std::string::npos);
  CHECK(r.out.find("Experiment 1") != std::string::npos);

  const nlohmann::json pub = read_json(repo(kFigures));
  std::vector<std::string> layers = pub["experiment"]["layers"].get<std::vector<std::string>>();
  std::map<std::string, nlohmann::json> reports = {{"vpe", read_json(out + "/runs/exp1_vpe.json")},
                                                   {"svpe", read_json(out + "/runs/exp1_svpe.json")}};
  const auto csv = read_csv(out + "/exp1_layers.csv");
  REQUIRE(csv.size() == 1 + 2 * pub["experiment"]["quick_layers"].size());
  const auto& h = csv[0];
  const size_t c_layer = column(h, "layer"), c_design = column(h, "design"),
               c_pub = column(h, "published GOP/s"),
               c_ours = column(h, "simulated GOP/s (MAC = 2 ops, ours)"),
               c_paper = column(h, "simulated GOP/s (MAC = 4 ops, paper-inferred)"),
               c_cycles = column(h, "cycles");
  for (size_t i = 1; i < csv.size(); ++i) {
    const std::string layer = csv[i][c_layer], design = csv[i][c_design];
    INFO(layer << " " << design);
    // Published: the config's figure for that layer.
    const size_t li = size_t(std::find(layers.begin(), layers.end(), layer) - layers.begin());
    REQUIRE(li < layers.size());
    CHECK(close(std::stod(csv[i][c_pub]),
                pub["designs"][design]["table_viii"]["layer_gops"][li].get<double>()));
    // Simulated: recomputed from the child run's report.
    const nlohmann::json& rep = reports.at(design);
    const double mhz = rep["arch"]["clock_mhz"].get<double>();
    bool found = false;
    for (const auto& l : rep["layers"])
      if (l["name"] == layer) {
        found = true;
        const double cycles = l["cycles"].get<double>(), macs = l["macs"].get<double>();
        CHECK(close(std::stod(csv[i][c_cycles]), cycles));
        CHECK(close(std::stod(csv[i][c_ours]), 2 * macs * mhz / cycles / 1e3));
        CHECK(close(std::stod(csv[i][c_paper]), 4 * macs * mhz / cycles / 1e3));
      }
    CHECK(found);
  }
  // Whole-design published figures: from the config as well.
  const auto sum = read_csv(out + "/exp1_summary.csv");
  const size_t s_fig = column(sum[0], "figure"), s_design = column(sum[0], "design"),
               s_pub = column(sum[0], "published");
  int checked = 0;
  for (size_t i = 1; i < sum.size(); ++i) {
    if (sum[i][s_design] != "vpe" && sum[i][s_design] != "svpe") continue;
    const nlohmann::json& t8 = pub["designs"][sum[i][s_design]]["table_viii"];
    if (sum[i][s_fig].rfind("average GOP/s", 0) == 0) {
      CHECK(close(std::stod(sum[i][s_pub]), t8["average_gops"].get<double>()));
      ++checked;
    }
    if (sum[i][s_fig].rfind("power W", 0) == 0) {
      CHECK(close(std::stod(sum[i][s_pub]), t8["power_w"].get<double>()));
      ++checked;
    }
  }
  CHECK(checked == 6);
}

TEST_CASE("reproduce refuses a damaged published figures file with the JSON path", "[reproduce]") {
  const std::string dir = scratch_dir("reproduce-bad-figures");
  nlohmann::json pub = read_json(repo(kFigures));
  // Paths in the figures file are relative to it: make them absolute for the copy.
  pub["experiment"]["net"] = repo("configs/nets/alexnet.json");
  pub["experiment"]["quick_net"] = repo("configs/reproduce/alexnet_quick.json");
  for (const char* d : {"vpe", "svpe"})
    pub["designs"][d]["arch"] = repo("configs/reproduce/" + pub["designs"][d]["arch"].get<std::string>());

  struct Damage {
    std::string what, expect;
    std::function<void(nlohmann::json&)> apply;
  };
  const std::vector<Damage> damages = {
      {"a missing layer figure", "designs.svpe.table_viii.layer_gops: must have 5 entries",
       [](nlohmann::json& j) { j["designs"]["svpe"]["table_viii"]["layer_gops"].erase(4); }},
      {"a figure that is text", "designs.vpe.table_viii.power_w",
       [](nlohmann::json& j) { j["designs"]["vpe"]["table_viii"]["power_w"] = "28.7 W"; }},
      {"an unknown key", "designs.vpe.table_vii",
       [](nlohmann::json& j) { j["designs"]["vpe"]["table_vii"]["powr_w"] = 1; }},
      {"a negative Table VII power", "designs.svpe.table_vii.power_w[2]",
       [](nlohmann::json& j) { j["designs"]["svpe"]["table_vii"]["power_w"][2] = -4.25; }},
  };
  for (const Damage& d : damages) {
    INFO(d.what);
    nlohmann::json bad = pub;
    d.apply(bad);
    const std::string file = dir + "/bad.json", out = dir + "/out";
    write_text(file, bad.dump(1));
    const CliResult r = run_shiftsim({"reproduce", "--quick", "--figures", file, "--out", out}, dir);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find(file) != std::string::npos);
    CHECK(r.err.find(d.expect) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));  // nothing written
    CHECK_FALSE(std::filesystem::exists(out + ".tmp"));
  }
}

TEST_CASE("reproduce without gnuplot writes the plot scripts and data and warns", "[reproduce]") {
  const std::string dir = scratch_dir("reproduce-no-gnuplot");
  const std::string out = dir + "/out";
  // An empty PATH: the child runs use the binary's own path, gnuplot is not found.
  const std::string cmd = "PATH=" + quote(dir) + " " + quote(SHIFTSIM_BIN) + " reproduce --quick --out " +
                          quote(out) + " --figures " + quote(repo(kFigures)) + " --experiment2 " +
                          quote(repo("configs/reproduce/largest_zcu102.json")) + " > " +
                          quote(dir + "/stdout.txt") + " 2> " + quote(dir + "/stderr.txt");
  const int status = std::system(cmd.c_str());
  const std::string err = slurp(dir + "/stderr.txt");
  INFO(err);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(err.find("gnuplot not found") != std::string::npos);
  for (const char* f : {"exp1_layers", "exp1_resources", "exp2_largest"}) {
    CHECK(std::filesystem::exists(out + "/" + f + ".gp"));
    CHECK(std::filesystem::exists(out + "/" + f + ".dat"));
    CHECK_FALSE(std::filesystem::exists(out + "/" + f + ".png"));
  }
  CHECK(slurp(out + "/reproduction.md").find("gnuplot not found") != std::string::npos);
}
