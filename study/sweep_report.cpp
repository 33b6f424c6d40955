#include "study/sweep_report.h"

#include <cstdio>
#include <filesystem>

#include "study/sweep_best.h"
#include "study/sweep_fronts.h"

namespace shiftsim::sim {

std::vector<const SweepRow*> eligible_rows(const std::vector<SweepRow>& rows, const std::string& network) {
  std::vector<const SweepRow*> out;
  for (const SweepRow& r : rows)
    if (r.network == network && r.status == "done" && r.in_bounds && r.objectives) out.push_back(&r);
  return out;
}

std::string params_text(const nlohmann::json& params) {
  std::string s;
  for (const auto& item : params.items())
    s += (s.empty() ? "" : " ") + item.key() + "=" +
         (item.value().is_string() ? item.value().get<std::string>() : item.value().dump());
  return s;
}

void write_sweep_report(const SweepSpec& spec, const std::vector<SweepRow>& rows, const std::string& out_dir) {
  for (const std::string& net : spec.networks) {
    size_t done = 0, refused = 0, failed = 0, out_of_bounds = 0;
    for (const SweepRow& r : rows) {
      if (r.network != net) continue;
      done += r.status == "done";
      refused += r.status == "refused";
      failed += r.status == "failed";
      out_of_bounds += r.status == "done" && !r.in_bounds;
    }
    std::printf("\n%s: %zu done (%zu out of bounds), %zu refused, %zu failed\n",
                std::filesystem::path(net).stem().c_str(), done, out_of_bounds, refused, failed);
    const std::vector<const SweepRow*> ok = eligible_rows(rows, net);
    if (ok.empty()) continue;
    const std::vector<std::string> files = write_best_designs(spec, net, ok, out_dir);
    std::printf("  best per objective (arch files shiftsim run accepts):\n");
    for (size_t i = 0; i < spec.objectives.size(); ++i) {
      const Objective o = spec.objectives[i];
      const SweepRow* best = best_row(ok, o);
      std::printf("    %-11s %14.6g  point %zu: %s -> %s\n", objective_name(o), (*best->objectives)[size_t(o)],
                  best->index, params_text(best->params).c_str(), files[i].c_str());
    }
    for (const std::string& w : write_pareto_fronts(spec, net, ok, out_dir)) std::printf("warning: %s\n", w.c_str());
  }
}

}  // namespace shiftsim::sim
