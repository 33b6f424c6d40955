#include "study/sweep_child.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include "common/input_error.h"
#include "common/json_reader.h"
#include "study/subprocess.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

namespace {

// The child's own explanation: its last line that says "error", else its last line.
std::string error_line(const std::string& log) {
  std::ifstream in(log);
  std::string line, last, err;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    last = line;
    if (line.find("error") != std::string::npos) err = line;
  }
  return err.empty() ? last : err;
}

}  // namespace

PointResult run_point_child(const SweepSpec& spec, const SweepPoint& p, const std::string& hash,
                            const ChildOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string report = opt.work_dir + "/" + hash + ".report.json";
  const std::string log = opt.work_dir + "/" + hash + ".log";
  std::error_code ec;
  fs::remove(report, ec);
  fs::remove(log, ec);
  std::vector<std::string> argv = {opt.self, "run", "--arch", spec.base, "--net", spec.networks[p.network],
                                   "--seed", std::to_string(spec.seed), "--mode", spec.mode, "--report", report};
  if (!spec.check) argv.push_back("--no-check");
  // The sweep's own constraints decided already whether an over-budget machine is wanted.
  if (!spec.constraints.fits_device) argv.push_back("--allow-over-budget");
  for (const std::string& s : p.sets(spec)) {
    argv.push_back("--set");
    argv.push_back(s);
  }
  const auto child_start = std::chrono::steady_clock::now();
  const int rc = opt.timeout_s > 0 ? run_child(argv, log, opt.timeout_s) : run_child(argv, log);
  PointResult res;
  res.child_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - child_start).count();
  if (rc == 0) {
    try {
      const nlohmann::json doc = read_json_file(report);
      res.values = objectives_from_report(doc, report);
      res.sim_seconds = doc.value("/wall_seconds/simulation"_json_pointer, 0.0);
      res.ok = true;
    } catch (const InputError& e) {
      res.reason = e.what();
    }
  } else if (rc < 0) {
    res.reason = "timed out after " + std::to_string(int(opt.timeout_s)) + " s";
  } else {
    res.reason = "shiftsim run exited with " + std::to_string(rc) + ": " + error_line(log);
  }
  if (res.ok) {
    fs::remove(log, ec);
  } else if (!opt.log_dir.empty()) {
    fs::rename(log, opt.log_dir + "/point" + std::to_string(p.index) + ".log", ec);
  }
  fs::remove(report, ec);
  res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace shiftsim::sim
