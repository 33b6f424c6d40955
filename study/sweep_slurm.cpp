#include "study/sweep_slurm.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "common/json_reader.h"
#include "study/subprocess.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

namespace {

std::string sh_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// shiftsim-<sweep name> with anything but letters, digits, '.', '_' and '-' as '_': an
// #SBATCH line is not a shell line, and a job name shows in every squeue listing.
std::string job_name(const std::string& sweep) {
  std::string n = "shiftsim-";
  for (char c : sweep) n += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') ? c : '_';
  return n;
}

// The job script. Everything absolute: the tasks start on other machines, in other directories.
std::string job_script(const SlurmBatch& b, const std::string& shiftsim, const std::vector<std::string>& sbatch_args) {
  std::ostringstream os;
  os << "#!/bin/sh\n"
     << "# Written by `shiftsim sweep --slurm`: " << b.points.size() << " points of " << b.sweep_file << " in "
     << b.tasks << " tasks.\n"
     << "# Each task evaluates its slice of " << b.dir << "/batch.json into task-<k>.results;\n"
     << "# `shiftsim sweep " << b.sweep_file << " --out " << b.out_dir << " --collect` merges them.\n"
     << "#SBATCH --job-name=" << job_name(b.sweep_name) << "\n"
     << "#SBATCH --array=0-" << (b.tasks - 1) << "\n"
     << "#SBATCH --ntasks=1\n"
     << "#SBATCH --cpus-per-task=" << b.jobs << "\n"
     << "#SBATCH --output=" << b.dir << "/task-%a.out\n"
     << "#SBATCH --chdir=" << b.out_dir << "\n";
  for (const std::string& a : sbatch_args) os << "#SBATCH " << a << "\n";
  os << "exec " << sh_quote(shiftsim) << " sweep " << sh_quote(b.sweep_file) << " --slurm-task " << sh_quote(b.dir)
     << " --task-index \"$SLURM_ARRAY_TASK_ID\"\n";
  return os.str();
}

nlohmann::json manifest(const SlurmBatch& b) {
  nlohmann::json pts = nlohmann::json::array();
  for (const SlurmBatch::Point& p : b.points) pts.push_back({{"index", p.index}, {"hash", p.hash}});
  return {{"schema", "shiftsim.sweep-batch"}, {"version", 1},     {"sweep_file", b.sweep_file},
          {"out", b.out_dir},                 {"engine", b.engine}, {"tasks", b.tasks},
          {"jobs", b.jobs},                   {"timeout_s", b.timeout_s}, {"points", pts}};
}

}  // namespace

std::string SlurmBatch::results_file(unsigned task) const { return dir + "/task-" + std::to_string(task) + ".results"; }

std::vector<SlurmBatch::Point> SlurmBatch::slice(unsigned task) const {
  std::vector<Point> out;
  for (size_t p = task; p < points.size(); p += tasks) out.push_back(points[p]);
  return out;
}

SlurmBatch write_batch(SlurmBatch b, const std::string& shiftsim, const std::vector<std::string>& sbatch_args) {
  for (const std::string& a : sbatch_args)
    if (a.find('\n') != std::string::npos || a.rfind("-", 0) != 0)
      throw InputError("--sbatch-arg must be one sbatch option such as --partition=NAME, found '" + a + "'");
  const std::string root = b.out_dir + "/slurm";
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw InputError(root + ": cannot create directory: " + ec.message());
  // Claim the next free number: create_directory fails on an existing one, so two submissions
  // at once get different batches.
  for (unsigned n = 1;; ++n) {
    char name[32];
    std::snprintf(name, sizeof name, "batch-%03u", n);
    const std::string dir = root + "/" + name;
    if (fs::exists(dir)) continue;
    if (!fs::create_directory(dir, ec)) {
      if (ec) throw InputError(dir + ": cannot create directory: " + ec.message());
      continue;
    }
    b.dir = dir;
    b.name = name;
    break;
  }
  // The script first, the manifest last: a batch counts only once its manifest is whole.
  write_file_atomic(b.dir + "/job.sh", job_script(b, shiftsim, sbatch_args));
  write_file_atomic(b.dir + "/batch.json", manifest(b).dump(1) + "\n");
  return b;
}

SlurmBatch read_batch(const std::string& dir) {
  const std::string file = dir + "/batch.json";
  const nlohmann::json j = read_json_file(file);
  SlurmBatch b;
  try {
    if (j.at("schema") != "shiftsim.sweep-batch" || j.at("version") != 1)
      throw InputError(file + ": not a shiftsim.sweep-batch version 1 manifest");
    b.dir = dir;
    b.name = fs::path(dir).filename().string();
    b.sweep_file = j.at("sweep_file").get<std::string>();
    b.out_dir = j.at("out").get<std::string>();
    b.engine = j.at("engine").get<std::string>();
    b.tasks = j.at("tasks").get<unsigned>();
    b.jobs = j.at("jobs").get<unsigned>();
    b.timeout_s = j.at("timeout_s").get<double>();
    for (const nlohmann::json& p : j.at("points"))
      b.points.push_back({p.at("index").get<size_t>(), p.at("hash").get<std::string>()});
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file + ": " + e.what());
  }
  if (b.tasks == 0) throw InputError(file + ": tasks: must be at least 1");
  std::string id = slurp(dir + "/job_id");
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  b.job_id = id;
  return b;
}

std::vector<SlurmBatch> read_batches(const std::string& out_dir) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(out_dir + "/slurm", ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && name.rfind("batch-", 0) == 0 && fs::exists(e.path() / "batch.json")) dirs.push_back(e.path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  std::vector<SlurmBatch> out;
  for (const std::string& d : dirs) out.push_back(read_batch(d));
  return out;
}

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    const std::string cand = dir + "/" + name;
    if (access(cand.c_str(), X_OK) == 0 && fs::is_regular_file(cand)) return fs::absolute(cand).string();
  }
  return "";
}

std::string submit_batch(const SlurmBatch& b, const std::string& sbatch) {
  const std::string log = b.dir + "/sbatch.log";
  const int rc = run_child({sbatch, "--parsable", b.dir + "/job.sh"}, log);
  const std::string out = slurp(log);
  // --parsable prints "<job id>" or "<job id>;<cluster>" on a line of its own; warnings may come before.
  std::string id;
  std::stringstream ss(out);
  for (std::string line; std::getline(ss, line);) {
    const std::string first = line.substr(0, line.find(';'));
    if (all_digits(first)) id = first;
  }
  if (rc != 0 || id.empty()) {
    std::string msg = out;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw InputError("sbatch refused " + b.dir + "/job.sh (exit " + std::to_string(rc) + "): " +
                     (msg.empty() ? "no output" : msg));
  }
  write_file_atomic(b.dir + "/job_id", id + "\n");
  return id;
}

bool job_active(const std::string& job_id) {
  if (!all_digits(job_id)) return false;
  const std::string squeue = find_on_path("squeue");
  if (squeue.empty()) return false;
  // Completed tasks are not listed; a job Slurm has forgotten is an error: both mean no task left.
  const std::string cmd = sh_quote(squeue) + " -h -j " + job_id + " -o %T 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return false;
  std::string out;
  char buf[256];
  while (size_t n = fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  const int rc = pclose(f);
  if (rc != 0) return false;
  std::stringstream ss(out);
  for (std::string state; ss >> state;)
    if (state == "PENDING" || state == "RUNNING" || state == "CONFIGURING" || state == "COMPLETING" ||
        state == "SUSPENDED" || state == "REQUEUED" || state == "REQUEUE_HOLD" || state == "REQUEUE_FED" ||
        state == "RESIZING" || state == "SIGNALING" || state == "STAGE_OUT")
      return true;
  return false;
}

}  // namespace shiftsim::sim
