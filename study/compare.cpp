#include "study/compare.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "common/input_error.h"
#include "common/json_reader.h"
#include "study/subprocess.h"

namespace shiftsim::sim {

namespace {
std::string self_path(const std::string& argv0) {
  std::error_code ec;
  auto p = std::filesystem::canonical("/proc/self/exe", ec);
  return ec ? argv0 : p.string();
}
}  // namespace

int compare_command(const CompareRequest& req, const std::string& self) {
  const bool keep = !req.out_dir.empty();
  const std::string dir = keep ? req.out_dir : make_temp_dir("shiftsim-compare-");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(dir + ": cannot create directory: " + ec.message());
  std::vector<nlohmann::json> reports;
  for (size_t i = 0; i < req.archs.size(); ++i) {
    const std::string rep = dir + "/report" + std::to_string(i) + ".json";
    const std::string log = dir + "/run" + std::to_string(i) + ".log";
    std::filesystem::remove(log, ec);
    std::cerr << "running " << req.net << " on " << req.archs[i] << " (" << req.mode
              << " mode) ...\n";
    const int rc = run_child({self_path(self), "run", "--arch", req.archs[i], "--net", req.net,
                              "--seed", std::to_string(req.seed), "--mode", req.mode, "--report",
                              rep},
                             log);
    if (rc != 0) {
      std::ifstream in(log);
      std::cerr << in.rdbuf();
      if (!keep) std::filesystem::remove_all(dir, ec);
      if (rc == 4) {  // the run itself said why: its outputs differ from the golden executor
        std::cerr << "shiftsim: error: the run on " << req.archs[i] << " is not bit-exact\n";
        return 4;
      }
      throw InputError("the run on " + req.archs[i] + " failed (exit code " + std::to_string(rc) + ")");
    }
    reports.push_back(read_json_file(rep));
  }
  // Per-layer cycles side by side, then the totals.
  char line[256];
  std::printf("\n%s: cycles and GOP/s (one MAC = 2 ops) per layer\n%-10s", req.net.c_str(), "layer");
  for (const auto& r : reports) std::printf(" %24s", r["arch"]["name"].get<std::string>().c_str());
  std::printf("\n");
  const auto& layers0 = reports[0]["layers"];
  for (size_t l = 0; l < layers0.size(); ++l) {
    std::printf("%-10s", layers0[l]["name"].get<std::string>().c_str());
    for (const auto& r : reports) {
      const auto& layer = r["layers"][l];
      const double cycles = layer["cycles"].get<double>();
      const double gops = cycles > 0 ? 2.0 * layer["macs"].get<double>() * r["arch"]["clock_mhz"].get<double>() / cycles / 1e3 : 0;
      std::printf(" %14.0f %9.1f", cycles, gops);
    }
    std::printf("\n");
  }
  std::printf("\n%-28s", "");
  for (const auto& r : reports) std::printf(" %16s", r["arch"]["name"].get<std::string>().c_str());
  std::printf("\n");
  auto row = [&](const char* name, auto get) {
    std::printf("%-28s", name);
    for (const auto& r : reports) {
      std::snprintf(line, sizeof line, "%s", get(r).c_str());
      std::printf(" %16s", line);
    }
    std::printf("\n");
  };
  auto num = [](double v, int prec) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", prec, v);
    return std::string(b);
  };
  row("array (Tm x Tn, k)", [](const nlohmann::json& r) {
    return r["arch"]["kind"].get<std::string>() + " " + std::to_string(r["arch"]["lanes"].get<int>()) +
           "x" + std::to_string(r["arch"]["vector"].get<int>()) + ", " +
           std::to_string(r["arch"]["kernel"].get<int>());
  });
  row("total cycles", [&](const nlohmann::json& r) { return std::to_string(r["cycles"]["total"].get<uint64_t>()); });
  row("conv-layer cycles", [&](const nlohmann::json& r) { return std::to_string(r["cycles"]["conv_layers"].get<uint64_t>()); });
  row("conv GOP/s (MAC = 2 ops)", [&](const nlohmann::json& r) { return num(r["conv_gops"].get<double>(), 1); });
  row("overall GOP/s", [&](const nlohmann::json& r) { return num(r["gops"].get<double>(), 1); });
  row("PE utilisation %", [&](const nlohmann::json& r) { return num(100 * r["pe_utilization"].get<double>(), 1); });
  row("DRAM MB read", [&](const nlohmann::json& r) { return num(r["dram"]["read_bytes"].get<double>() / 1e6, 1); });
  row("bit-exact vs golden", [&](const nlohmann::json& r) { return std::string(r["bit_exact"].is_null() ? "-" : r["bit_exact"].get<bool>() ? "yes" : "NO"); });
  row("simulation wall s", [&](const nlohmann::json& r) { return num(r["wall_seconds"]["simulation"].get<double>(), 2); });
  if (reports.size() == 2) {
    const double a = reports[0]["cycles"]["conv_layers"].get<double>();
    const double b = reports[1]["cycles"]["conv_layers"].get<double>();
    std::printf("\nconv layers: %s is %.2fx faster than %s (published, n-BQ-NN Table VIII: 2.9x)\n",
                reports[0]["arch"]["name"].get<std::string>().c_str(), b / a,
                reports[1]["arch"]["name"].get<std::string>().c_str());
  }
  if (keep)
    std::printf("reports in %s\n", dir.c_str());
  else
    std::filesystem::remove_all(dir, ec);
  return 0;
}

}  // namespace shiftsim::sim
