#include "study/reproduce.h"

#include <filesystem>
#include <iostream>
#include <sstream>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "sim/output_files.h"
#include "study/config_roots.h"
#include "study/reproduce_exp1.h"
#include "study/reproduce_exp2.h"
#include "study/reproduce_plots.h"
#include "study/reproduce_published.h"
#include "study/reproduce_run.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

namespace {

const char* kFigures = "configs/reproduce/nbqnn_tnnls2021.json";
const char* kExperiment2 = "configs/reproduce/largest_zcu102.json";

std::string self_path(const std::string& argv0) {
  std::error_code ec;
  const fs::path p = fs::canonical("/proc/self/exe", ec);
  return ec ? fs::absolute(argv0).string() : p.string();
}

// A repository file: as given when it exists, else under the working directory, else under the
// other roots of config_roots.h.
std::string find_config(const std::string& given, const char* default_rel, const std::string& argv0,
                        const char* option) {
  std::error_code ec;
  if (!given.empty()) {
    // A device, FIFO or directory is refused by the reader, which says what it is.
    if (!fs::exists(given, ec)) throw InputError(option + std::string(" ") + given + ": no such file");
    return given;
  }
  // Relative to the working directory, kept relative so that the outputs name repository paths.
  if (fs::is_regular_file(default_rel, ec)) return default_rel;
  for (const fs::path& root : config_roots(argv0)) {
    const fs::path p = root / default_rel;
    if (fs::is_regular_file(p, ec)) return p.lexically_normal().string();
  }
  throw InputError(std::string(default_rel) + ": not found in the working directory or beside the "
                   "binary's build directory or the source tree (give " + option + ")");
}

// The published layers the run has, in the published order.
std::vector<std::string> rows_for(const PublishedFigures& pub, bool quick) {
  return quick ? pub.quick_layers : pub.layers;
}

std::string setup_markdown(const PublishedFigures& pub, const ReproduceRequest& req,
                           const std::string& net) {
  std::ostringstream os;
  os << "# Reproduction of the n-BQ-NN hardware experiment\n\n"
     << "Written by `shiftsim reproduce" << (req.quick ? " --quick" : "") << (req.use_fit ? "" : " --no-fit")
     << "` (mode " << req.mode
     << ", seed " << req.seed << ")" << (req.quick ? ": the reduced network, **not the paper's conditions**" : "")
     << ". Published figures: `" << pub.file << "`.\n\n"
     << "**Paper:** " << pub.citation << ". " << pub.pages << ".\n\n**Its setup:**\n\n";
  for (const auto& [k, v] : pub.setup) os << "- " << k << ": " << v << "\n";
  os << "- clock: " << pub.clock_mhz << " MHz\n\n"
     << "**Simulated:** `" << net << "` on `" << pub.vpe.arch << "` (VPE " << pub.vpe.pm << ", "
     << pub.vpe.pn << ", " << pub.vpe.k << ") and `" << pub.svpe.arch << "` (SVPE " << pub.svpe.pm
     << ", " << pub.svpe.pn << ", " << pub.svpe.k << "), each in a child `shiftsim run --report` "
     << "process; their reports are in `runs/`. \"diff\" is simulated minus published; \"diff %\" "
     << "is that in percent of the published figure. Operation counts: ours counts one "
     << "multiply-accumulate as 2 operations; the paper-inferred convention counts 4 "
     << "(docs/REPRODUCTION.md explains why and what it does not explain).\n\n";
  return os.str();
}

// The arch file's shape must be the paper's (the tables would compare different machines).
void check_shape(const PublishedDesign& d, const SimRun& r) {
  if (r.kind != d.kind || r.lanes != d.pm || r.vector != d.pn || r.kernel != d.k ||
      r.weight_bits != d.weight_bits || r.act_bits != d.act_bits)
    throw InputError(d.arch + ": the array is " + r.kind + " (" + std::to_string(r.lanes) + ", " +
                     std::to_string(r.vector) + ", " + std::to_string(r.kernel) + ") with " +
                     std::to_string(r.weight_bits) + "-bit weights, not the paper's " + d.kind + " (" +
                     std::to_string(d.pm) + ", " + std::to_string(d.pn) + ", " + std::to_string(d.k) +
                     ") with " + std::to_string(d.weight_bits) + "-bit weights");
}

}  // namespace

int reproduce_command(const ReproduceRequest& req, const std::string& argv0) {
  const std::string self = self_path(argv0);
  // 1. Everything read and checked before any simulation.
  const PublishedFigures pub = load_published_figures(find_config(req.figures, kFigures, argv0, "--figures"));
  const Exp2Config exp2 = load_exp2_config(find_config(req.experiment2, kExperiment2, argv0, "--experiment2"));
  OutputFiles files;  // written under a temporary name, moved into place only when complete
  const std::string dir = files.directory(req.out_dir, "--out");
  const std::string runs = dir + "/runs";
  fs::create_directories(runs);
  const std::string net = req.quick ? pub.quick_net : pub.net;
  const std::vector<std::string> layers = rows_for(pub, req.quick);

  // 2. Experiment 1: the two design points of Table VIII.
  auto point = [&](const std::string& label, const std::string& arch, const std::string& tag,
                   const std::vector<std::string>& sets, bool allow_over_budget = false) {
    RunPoint p;
    p.label = label;
    p.arch = arch;
    p.net = net;
    p.sets = sets;
    p.report = runs + "/exp1_" + tag + ".json";
    p.log = runs + "/exp1_" + tag + ".log";
    p.mode = req.mode;
    p.seed = req.seed;
    p.check = req.check;
    p.allow_over_budget = allow_over_budget;
    std::cerr << "running " << label << " ...\n";
    return run_point(self, p);
  };
  const SimRun vpe = point("experiment 1: " + pub.vpe.label, pub.vpe.arch, "vpe", {});
  check_shape(pub.vpe, vpe);
  const SimRun svpe = point("experiment 1: " + pub.svpe.label, pub.svpe.arch, "svpe", {});
  check_shape(pub.svpe, svpe);
  for (const std::string& l : layers)
    if (!vpe.layer(l) || !svpe.layer(l))
      throw InputError(net + ": has no layer " + l + " (" + pub.file + ": experiment.layers)");

  Exp1Input in;
  in.pub = &pub;
  in.vpe = &vpe;
  in.svpe = &svpe;
  in.layers = layers;
  in.quick = req.quick;
  // Table VII: the SVPE at each published width. Timing does not depend on the width, so the
  // extra runs are only for power: made when the energy model prices the runs.
  for (uint32_t n : pub.svpe.t7_weight_bits) {
    if (n == pub.svpe.weight_bits) {
      in.svpe_by_bits[n] = svpe;
      continue;
    }
    if (n < 2 || n > 5) {
      in.svpe_bits_refused[n] = "the SVPE weight code is a sign bit and a magnitude field with "
                                "magnitude 0 for zero (docs/ARCHITECTURE.md §2): weight_bits 2..5; "
                                "a " + std::to_string(n) + "-bit code is not representable";
      continue;
    }
    if (!svpe.energy) continue;  // the cells say "not modelled yet"
    const std::string label = "Table VII: SVPE with " + std::to_string(n) + "-bit weights";
    const std::string tag = "svpe_w" + std::to_string(n);
    const std::vector<std::string> sets = {"numerics.weight_bits=" + std::to_string(n)};
    try {
      in.svpe_by_bits[n] = point(label, pub.svpe.arch, tag, sets);
    } catch (const RunFailure& e) {
      // Wider codes need wider shifters: the whole array may outgrow the device. Table VII is
      // about one array's power, so the point is still priced, and the row says it does not fit.
      const size_t at = e.log_tail.find("does not fit");
      if (e.exit_code != 2 || at == std::string::npos) throw;
      in.svpe_by_bits[n] = point(label, pub.svpe.arch, tag, sets, true);
      std::string why = e.log_tail.substr(at);
      why = why.substr(0, why.find(" (docs/"));
      in.svpe_bits_refused[n] = "the whole (32, 8, 3) array " + why + "; simulated with --allow-over-budget";
    }
  }
  std::vector<Table> tables = exp1_tables(in);

  // 3. Experiment 2: the largest arrays.
  Exp2Options o;
  o.self = self;
  o.work_dir = runs;
  o.mode = req.mode;
  o.seed = req.seed;
  o.quick = req.quick;
  o.check = req.check;
  o.use_fit = req.use_fit;
  const Exp2Result r2 = run_exp2(exp2, o);
  tables.push_back(exp2_table(exp2, r2));

  // 4. Plots beside the tables.
  PlotInput pi;
  for (const Table& t : tables) {
    if (t.name == "exp1_layers") pi.layers = &t;
    if (t.name == "exp1_resources") pi.resources = &t;
    if (t.name == "exp2_largest") pi.exp2 = &t;
  }
  if (vpe.energy && svpe.energy) {
    pi.energy_designs = {"vpe", "svpe"};
    for (const auto& [name, j] : vpe.energy->conv.dynamic_by_component_j) pi.energy_components.push_back(name);
    pi.energy_components.push_back("static");
    for (const SimRun* r : {&vpe, &svpe}) {
      std::vector<double> row;
      for (size_t c = 0; c + 1 < pi.energy_components.size(); ++c)
        row.push_back(r->energy->conv.component(pi.energy_components[c]));
      row.push_back(r->energy->conv.static_j);
      pi.energy_j.push_back(row);
    }
  }
  // A plot gnuplot could not render fails the command: a reproduction without its figures is
  // not one, and a warning among the run logs goes unread. Nothing is moved into place.
  std::vector<std::string> warnings;
  try {
    warnings = write_plots(dir, pi);
  } catch (const PlotFailure& e) {
    std::cerr << "shiftsim: error: " << e.what() << "\n";
    return 3;
  }

  // 5. Markdown, CSV, console; then everything moves into place at once.
  std::string md = setup_markdown(pub, req, net);
  for (const Table& t : tables) {
    md += to_markdown(t);
    write_file_atomic(dir + "/" + t.name + ".csv", to_csv(t));
    std::cout << to_text(t) << "\n";
  }
  md += "### Plots\n\n";
  for (const char* p : {"exp1_layers", "exp1_cycles", "exp1_resources", "exp1_energy", "exp2_largest"})
    if (fs::exists(dir + "/" + p + ".png")) md += std::string("![") + p + "](" + p + ".png)\n\n";
  for (const std::string& w : warnings) {
    md += "- " + w + "\n";
    std::cerr << "shiftsim: warning: " << w << "\n";
  }
  write_file_atomic(dir + "/reproduction.md", md);
  // A previous reproduction's runs/ would block moving the new one into place.
  std::error_code ec;
  fs::remove_all(fs::path(req.out_dir) / "runs", ec);
  files.commit();
  std::cout << "written to " << req.out_dir << "/ (reproduction.md, one CSV per table, plots)\n";
  return 0;
}

}  // namespace shiftsim::sim
