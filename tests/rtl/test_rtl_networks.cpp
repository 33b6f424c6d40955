// Whole networks on the ZCU102 design points with the RTL compute unit against the native one
// (docs/RTL.md): LeNet-5 and AlexNet, SVPE (32, 8, 3) and VPE (16, 4, 3), cycle mode. Minutes
// of simulation: a benchmark (scripts/bench_rtl_networks.sh, hidden tag [.networks]), not part
// of the suite, whose agreement tests cover the same code on random layers; and a small
// sequence network under impl=rtl, in the suite.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {
struct Run {
  nlohmann::json report;
  double wall = 0;  // the whole process, seconds
};

Run run(const std::string& arch, const std::string& net, const std::string& impl, const std::string& dir) {
  const auto t0 = std::chrono::steady_clock::now();
  const CliResult r = run_shiftsim({"run", "--arch", repo("configs/arch/" + arch + ".json"), "--net",
                                    repo("configs/nets/" + net + ".json"), "--mode", "cycle", "--set",
                                    "pe_array.impl=" + impl, "--report", dir + "/" + impl + ".json"},
                                   dir);
  INFO(arch << " " << net << " " << impl << ": " << r.err);
  REQUIRE(r.code == 0);
  Run out;
  out.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.report = read_json(dir + "/" + impl + ".json");
  return out;
}
}  // namespace

TEST_CASE("networks on the ZCU102 points: RTL cycles equal native", "[.networks]") {
  std::ostringstream table;
  table << "| machine | network | cycles native | cycles rtl | layers equal | bit exact | wall native s | wall rtl s "
           "| sim native s | sim rtl s |\n|---|---|---:|---:|---|---|---:|---:|---:|---:|\n";
  for (const char* arch : {"svpe_zcu102", "vpe16_zcu102"})
    for (const char* net : {"lenet5", "alexnet"}) {
      const std::string dir = scratch_dir(std::string("rtl-net-") + arch + "-" + net);
      const Run a = run(arch, net, "native", dir), b = run(arch, net, "rtl", dir);
      CHECK(a.report["cycles"] == b.report["cycles"]);
      bool layers = a.report["layers"].size() == b.report["layers"].size();
      for (size_t i = 0; layers && i < a.report["layers"].size(); ++i)
        for (const char* k : {"cycles", "compute_cycles", "memory_stall_cycles", "energy"})
          layers = layers && a.report["layers"][i][k] == b.report["layers"][i][k];
      CHECK(layers);
      CHECK(b.report["bit_exact"] == true);
      table << "| " << arch << " | " << net << " | " << a.report["cycles"]["total"] << " | "
            << b.report["cycles"]["total"] << " | " << (layers ? "yes" : "NO") << " | "
            << (b.report["bit_exact"] == true ? "yes" : "NO") << " | " << std::fixed << std::setprecision(2)
            << a.wall << " | " << b.wall << " | " << double(a.report["wall_seconds"]["simulation"]) << " | "
            << double(b.report["wall_seconds"]["simulation"]) << " |\n";
    }
  const char* out = std::getenv("SHIFTSIM_RTL_NETWORKS_OUT");
  if (out && *out) std::ofstream(out) << table.str();
  WARN(table.str());
}

// A sequence network under impl=rtl: its recurrent and fc passes run on the recurrent unit
// (docs/ARCHITECTURE.md §11), not on the compute unit, so the RTL sits idle through them and the
// run gives the native run's cycles; it used to stop with an internal error (the RTL never
// ended a layer of no steps).
TEST_CASE("a sequence network under pe_array.impl=rtl runs, with the native run's cycles") {
  for (const char* arch : {"svpe_zcu102", "vpe16_zcu102"}) {
    const std::string dir = scratch_dir(std::string("rtl-seq-") + arch);
    const Run a = run(arch, "rows_gru", "native", dir), b = run(arch, "rows_gru", "rtl", dir);
    CHECK(a.report["cycles"] == b.report["cycles"]);
    REQUIRE(a.report["layers"].size() == b.report["layers"].size());
    CHECK(b.report["layers"].size() >= 2);
    for (size_t i = 0; i < a.report["layers"].size(); ++i)
      for (const char* k : {"cycles", "compute_cycles", "memory_stall_cycles", "energy"})
        CHECK(a.report["layers"][i][k] == b.report["layers"][i][k]);
    CHECK(b.report["bit_exact"] == true);
  }
}
