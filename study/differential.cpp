#include "study/differential.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "common/input_error.h"
#include "study/differential_scheduler.h"
#include "study/subprocess.h"

namespace shiftsim::sim {

namespace {
namespace fs = std::filesystem;

std::string self_path(const std::string& argv0) {
  std::error_code ec;
  const fs::path p = fs::canonical("/proc/self/exe", ec);
  return ec ? fs::absolute(argv0).string() : p.string();
}

// Absolute, normal, without a trailing separator: the printed commands are read by people.
std::string clean_path(const fs::path& p) {
  std::string s = fs::absolute(p).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool has_base_archs(const fs::path& root) {
  std::error_code ec;
  return fs::is_regular_file(root / "configs/arch/svpe_zcu102.json", ec) &&
         fs::is_regular_file(root / "configs/arch/vpe16_zcu102.json", ec);
}

// The repository root whose configs/arch/ holds the base machines: --root, else the working
// directory, else the repository holding the binary's build directory (build*/shiftsim).
// Absolute, so that the printed replay commands work from anywhere.
std::string find_root(const std::string& given, const std::string& self) {
  if (!given.empty()) {
    if (!has_base_archs(given))
      throw InputError("--root " + given + ": no configs/arch/svpe_zcu102.json and vpe16_zcu102.json there");
    return clean_path(given);
  }
  for (const fs::path& root : {fs::current_path(), fs::path(self).parent_path().parent_path()})
    if (has_base_archs(root)) return clean_path(root);
  throw InputError("difftest: configs/arch/ not found in the working directory or beside the binary's "
                   "build directory (give --root, the repository root)");
}

void check_request(const DiffTestRequest& req) {
  if (req.cases == 0) throw InputError("--cases must be at least 1");
  if (req.seed > UINT64_MAX - (req.cases - 1))
    throw InputError("--seed " + std::to_string(req.seed) + " --cases " + std::to_string(req.cases) +
                     ": the case seeds would pass 2^64 - 1");
  if (req.max_cycles == 0) throw InputError("--max-cycles must be at least 1");
  if (!(req.timeout_s > 0) || req.timeout_s > 1e6)
    throw InputError("--timeout must be above 0 and at most 1e6 seconds, found " + std::to_string(req.timeout_s));
}

uint32_t online_cores() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? uint32_t(n) : 1;
}

// --keep DIR (created when missing), else a fresh temporary directory removed at the end when
// every case agreed.
std::string case_dir(const std::string& keep) {
  if (keep.empty()) return make_temp_dir("shiftsim-difftest-");
  std::error_code ec;
  fs::create_directories(keep, ec);
  if (!fs::is_directory(keep, ec)) throw InputError("--keep " + keep + ": cannot create this directory");
  return clean_path(keep);
}

}  // namespace

int difftest_command(const DiffTestRequest& req, const std::string& argv0) {
  check_request(req);
  const auto t0 = std::chrono::steady_clock::now();
  ScheduleOptions opt;
  opt.first_seed = req.seed;
  opt.cases = req.cases;
  opt.jobs = req.jobs ? req.jobs : online_cores();
  opt.ranges.max_cycles = req.max_cycles;
  opt.cpu_limit_s = req.timeout_s;
  opt.max_failures = req.max_failures;
  opt.quiet = req.quiet;
  opt.progress = req.progress;
  opt.inject_difference = req.inject_difference;
  opt.replay.shiftsim = self_path(argv0);
  opt.replay.root = find_root(req.root, opt.replay.shiftsim);
  opt.replay.max_cycles = req.max_cycles;
  opt.replay.inject_difference = req.inject_difference;
  opt.arch_dir = opt.replay.root + "/configs/arch";
  opt.case_dir = case_dir(req.keep_dir);
  const bool temporary = req.keep_dir.empty();

  CaseScheduler scheduler(opt);
  std::error_code ec;
  try {
    scheduler.run();
  } catch (...) {
    if (temporary) fs::remove_all(opt.case_dir, ec);
    throw;
  }
  DiffTally tally = scheduler.tally();
  const bool all_agree = tally.agree == tally.cases;
  if (all_agree && temporary) fs::remove_all(opt.case_dir, ec);
  RunSummary s;
  s.first_seed = req.seed;
  s.cases = scheduler.started();
  s.stopped_after = scheduler.stopped_early() ? req.max_failures : 0;
  s.max_cycles = req.max_cycles;
  s.jobs = opt.jobs;
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s.kept_dir = all_agree ? std::string() : opt.case_dir;
  print_summary(std::cout, tally, s);
  if (all_agree) return 0;
  std::sort(tally.failing_seeds.begin(), tally.failing_seeds.end());  // they finish in any order
  std::string seeds;
  for (size_t i = 0; i < tally.failing_seeds.size() && i < 20; ++i)
    seeds += (i ? ", " : "") + std::to_string(tally.failing_seeds[i]);
  if (tally.failing_seeds.size() > 20) seeds += ", ...";
  std::cout.flush();
  std::cerr << "shiftsim: error: difftest: " << tally.cases - tally.agree << " of " << tally.cases
            << " cases differ or failed (seeds " << seeds << "); see " << opt.case_dir << "\n";
  return 1;
}

}  // namespace shiftsim::sim
