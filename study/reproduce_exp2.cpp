#include "study/reproduce_exp2.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "common/input_error.h"
#include "common/json_reader.h"
#include "study/reproduce_exp1.h"
#include "study/reproduce_model.h"
#include "study/subprocess.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

namespace {

std::string resolve(const std::string& file, const std::string& ref) {
  const fs::path p(ref);
  return p.is_absolute() ? ref : (fs::path(file).parent_path() / p).lexically_normal().string();
}

std::string stem(const std::string& path) { return fs::path(path).stem().string(); }

// The array sized by `shiftsim fit` for one network, when this binary has the command; empty
// when it has not or the fit fails (the reason goes into `note`).
std::string try_fit(const Exp2Config& cfg, const Exp2Design& d, const std::string& net,
                    const Exp2Options& opt, std::string& note) {
  const std::string log = opt.work_dir + "/fit_" + d.array + "_" + stem(net) + ".log";
  if (run_child({opt.self, "fit", "--help"}, log) != 0) {
    note = "this shiftsim has no `fit` command";
    return "";
  }
  const std::string out = opt.work_dir + "/fit_" + d.array + "_" + stem(net) + ".json";
  char util[32];
  std::snprintf(util, sizeof util, "%g", cfg.max_util_pct);
  const int rc = run_child({opt.self, "fit", "--device", cfg.device, "--array", d.array,
                            "--net", net, "--base", d.base, "--max-util", util,
                            // the experiment compares the arrays on the conv layers
                            "--objective", "conv", "--out", out},
                           log, cfg.fit_timeout_s);
  if (rc == -1) {
    note = "`shiftsim fit` did not finish within " + std::to_string(int(cfg.fit_timeout_s)) +
           " s (fit_timeout_s in " + cfg.file + ")";
    return "";
  }
  if (rc != 0 || !fs::exists(out)) {
    note = "`shiftsim fit` failed (exit " + std::to_string(rc) + ", log " + log + ")";
    return "";
  }
  return out;
}

// A hand-sized arch must fit the device under the same budget the fit uses.
void check_hand_sized(const Exp2Config& cfg, const Exp2Design& d) {
  const ModelCost c = model_cost(d.hand_sized, {}, models::DspCounting::synthesis);
  const std::vector<double> pct = percent_of_device(c.total, c.budget);
  const char* names[] = {"LUT", "FF", "DSP", "BRAM36"};
  for (size_t i = 0; i < pct.size(); ++i)
    if (pct[i] > cfg.max_util_pct)
      throw InputError(d.hand_sized + ": " + names[i] + " use " + std::to_string(pct[i]) +
                       "% of the device is over the experiment's budget of " +
                       std::to_string(cfg.max_util_pct) + "% (" + cfg.file + ")");
}

}  // namespace

Exp2Config load_exp2_config(const std::string& path) {
  const nlohmann::json doc = read_json_file(path);
  JsonReader r(doc, path, "");
  Exp2Config c;
  c.file = path;
  r.expect_schema("shiftsim.reproduce-experiment", 1);
  c.description = r.str("description", "what the experiment is");
  c.device = resolve(path, r.str("device", "device file, relative to this file"));
  c.max_util_pct = r.number("max_util_pct", 1, 100, "share of each device resource a design may use");
  c.fit_timeout_s = r.number("fit_timeout_s", 600, 1, 86400, "give the fit this long, then size by hand");
  for (const std::string& n : r.str_list("nets", "networks run on every design")) c.nets.push_back(resolve(path, n));
  for (const std::string& n : r.str_list("quick_nets", "networks of --quick")) c.quick_nets.push_back(resolve(path, n));
  if (c.nets.empty()) r.fail("nets", "must name at least one network");
  if (c.quick_nets.empty()) r.fail("quick_nets", "must name at least one network");
  const nlohmann::json& ds = r.raw("designs", "the arrays");
  if (!ds.is_array() || ds.empty()) r.fail("designs", "must be a non-empty list");
  for (size_t i = 0; i < ds.size(); ++i) {
    JsonReader d(ds[i], path, "designs[" + std::to_string(i) + "]");
    Exp2Design e;
    e.array = d.choice("array", "", {"svpe", "vpe"}, "array kind");
    if (e.array.empty()) d.fail("array", "required (svpe or vpe)");
    e.base = resolve(path, d.str("base", "arch file the fit starts from"));
    e.hand_sized = resolve(path, d.str("hand_sized", "arch file sized by hand"));
    d.finish();
    c.designs.push_back(e);
  }
  r.finish();
  return c;
}

Exp2Result run_exp2(const Exp2Config& cfg, const Exp2Options& opt) {
  Exp2Result res;
  for (const Exp2Design& d : cfg.designs) check_hand_sized(cfg, d);
  const std::vector<std::string>& nets = opt.quick ? cfg.quick_nets : cfg.nets;
  for (const std::string& net : nets)
    for (const Exp2Design& d : cfg.designs) {
      RunPoint p;
      p.label = "experiment 2: " + stem(net) + " on the largest " + d.array;
      p.net = net;
      p.report = opt.work_dir + "/exp2_" + stem(net) + "_" + d.array + ".json";
      p.log = opt.work_dir + "/exp2_" + stem(net) + "_" + d.array + ".log";
      p.mode = opt.mode;
      p.seed = opt.seed;
      p.check = opt.check;
      const std::string hand = "by hand (" + fs::path(d.hand_sized).filename().string() + ")";
      // The fit sizes the array for each network (its search times that network's conv
      // layers); --quick (the test suite's run) and --no-fit take the hand-sized arrays.
      std::string why = opt.quick ? "--quick uses the hand-sized arrays" : "--no-fit";
      const std::string fitted = opt.quick || !opt.use_fit ? "" : try_fit(cfg, d, net, opt, why);
      if (!fitted.empty()) {
        p.arch = fitted;
        std::cerr << "running " << p.label << " (" << p.arch << ") ...\n";
        try {
          res.points.push_back({stem(net), d.array, fitted, "shiftsim fit", run_point(opt.self, p)});
          continue;
        } catch (const RunFailure& e) {
          // Refused (exit 2), e.g. a buffer the fit shrank for the conv layers that a pooling
          // layer needs; anything else (a run that is not bit-exact) stops the reproduction.
          if (e.exit_code != 2) throw;
          why = "the fitted array does not run " + stem(net) + ": " + e.log_tail;
        }
      }
      p.arch = d.hand_sized;
      std::cerr << "running " << p.label << " (" << p.arch << ") ...\n";
      res.points.push_back({stem(net), d.array, d.hand_sized, hand, run_point(opt.self, p)});
      res.notes.push_back(stem(net) + ", " + d.array + ": sized by hand, checked against the "
                          "device with the resource model (at most " +
                          std::to_string(int(cfg.max_util_pct)) + "% of each resource): " + why + ".");
    }
  return res;
}

Table exp2_table(const Exp2Config& cfg, const Exp2Result& res) {
  Table t;
  t.name = "exp2_largest";
  t.title = "Experiment 2: each array as large as the ZCU102 allows";
  t.header = {"network", "design", "array (Tm, Tn, k)", "sized", "LUT %", "FF %", "DSP %", "BRAM36 %",
              "conv cycles", "conv GOP/s (MAC = 2)", "conv GOP/s (MAC = 4)", "speedup over VPE",
              "energy per inference mJ", "GOP/s/W (MAC = 2)"};
  for (const auto& p : res.points) {
    const SimRun& r = p.run;
    const ModelCost c = model_cost(p.arch, {}, models::DspCounting::synthesis);
    const std::vector<double> pct = percent_of_device(c.total, c.budget);
    char shape[64];
    std::snprintf(shape, sizeof shape, "%s (%u, %u, %u)", r.kind.c_str(), r.lanes, r.vector, r.kernel);
    std::vector<Cell> row = {text_cell(p.net), text_cell(p.array), text_cell(shape), text_cell(p.sized_by)};
    for (double v : pct) row.push_back(num_cell(v, 1));
    const double cyc = double(r.conv_cycles()), macs = double(r.conv_macs());
    row.push_back(num_cell(cyc, 0));
    row.push_back(num_cell(gops(macs, cyc, r.clock_mhz, kOpsPerMacOurs), 1));
    row.push_back(num_cell(gops(macs, cyc, r.clock_mhz, kOpsPerMacPaperInferred), 1));
    const Exp2Result::Point* vpe = nullptr;
    for (const auto& q : res.points)
      if (q.net == p.net && q.array == "vpe") vpe = &q;
    if (vpe && cyc > 0) row.push_back(num_cell(double(vpe->run.conv_cycles()) / cyc, 2));
    else row.push_back(missing_cell("-"));
    if (r.energy) {
      row.push_back(num_cell(1e3 * r.energy->conv.total_j, 2));
      row.push_back(num_cell(r.energy->conv.average_power_w > 0
                                 ? gops(macs, cyc, r.clock_mhz, kOpsPerMacOurs) / r.energy->conv.average_power_w
                                 : 0, 2));
    } else {
      row.push_back(missing_cell("not modelled yet"));
      row.push_back(missing_cell("not modelled yet"));
    }
    t.rows.push_back(row);
  }
  t.notes = res.notes;
  t.notes.push_back("Resources: the resource model, synthesis counting, against the device of " + cfg.file +
                    ". Conv figures cover every conv layer of the network (fully connected, pooling "
                    "and concatenation passes excluded); energy is that of the conv layers.");
  return t;
}

}  // namespace shiftsim::sim
