#include "study/differential_case_run.h"

#include <fstream>

#include "common/input_error.h"

namespace shiftsim::sim {

CaseRun::CaseRun(DiffCase c, const std::string& net_path, const std::string& log_path, double cpu_limit_s,
                 bool inject_difference)
    : case_(std::move(c)), inject_difference_(inject_difference) {
  {
    std::ofstream out(net_path, std::ios::binary);
    out << case_.net_json;
    if (!out) throw InputError(net_path + ": cannot write the case's network");
  }
  RunRequest req;
  req.arch_path = case_.base_arch;
  req.net_path = net_path;
  req.sets = case_.sets;
  req.seed = case_.seed;
  try {
    prepared_ = prepare(req);
  } catch (const std::exception& e) {
    failure_ = std::string("preparing the case as shiftsim run does failed: ") + e.what();
    return;
  }
  try {
    prog_ = map_network(prepared_.qn, prepared_.input, prepared_.cfg.arch);
  } catch (const std::exception& e) {
    // The generator checked the tiles with the mapper's own rule, so this is a bug on one side.
    failure_ = std::string("the mapper refused a case the generator's tile check accepted: ") + e.what();
    return;
  }
  const models::ArchSpec& arch = prepared_.cfg.arch;
  child_ = std::make_unique<CycleChild>(arch, prog_, log_path, cpu_limit_s);
  try {
    models::SimOptions options;
    options.mode = models::SimMode::fast;
    fast_.sim = models::simulate(arch, std::move(prog_.image), prog_.desc_addr, prog_.desc_count, options, fast_.dram);
  } catch (const std::exception& e) {
    failure_ = std::string("fast mode threw: ") + e.what();
    return;
  }
  try {
    golden_ = quant::run_golden(prepared_.qn, prepared_.input);
  } catch (const std::exception& e) {
    failure_ = std::string("the golden executor threw: ") + e.what();
  }
}

CaseVerdict CaseRun::finish() {
  CaseVerdict v;
  v.cycles = fast_.sim.total_cycles;
  CycleOutcome cycle;
  if (child_) cycle = child_->finish();
  if (!failure_.empty()) v.findings.push_back(failure_);
  if (child_ && cycle.status != CycleOutcome::Status::ok) v.findings.push_back(cycle.problem);
  if (!v.findings.empty()) return v;  // Kind::failed
  if (inject_difference_ && !cycle.sim.layers.empty()) cycle.sim.layers.back().end_cycle += 1;
  const ModeRun cycle_run{std::move(cycle.sim), std::move(cycle.dram)};
  v.findings = find_differences(fast_, cycle_run, prog_, prepared_.qn, golden_, prepared_.cfg.arch);
  v.kind = v.findings.empty() ? CaseVerdict::Kind::agree : CaseVerdict::Kind::differ;
  return v;
}

}  // namespace shiftsim::sim
