// A LeNet-5 trained briefly on real Fashion-MNIST, quantized for each array, runs over a slice
// of the test set in one simulation: every image bit-exact with the golden executor in every
// layer, and the accuracy the simulator measures equals `shiftsim eval`'s golden accuracy.
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {
constexpr const char* kImages = "300";

// "accuracy 71.33% (214 / 300 ..." from `shiftsim eval`; "accuracy through the simulator 71.33%"
// from `run --test-images`.
double percent_after(const std::string& text, const std::string& prefix) {
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex(prefix + " ([0-9.]+)%")));
  return std::stod(m[1]);
}
}  // namespace

TEST_CASE("a trained model runs the test set bit-exact and reports the accuracy") {
  const std::string dir = scratch_dir("trained-test-set");
  const std::string ckpt = dir + "/lenet5.ckpt";
  const CliResult t = run_shiftsim({"train", "--net", repo("configs/nets/lenet5.json"), "--epochs", "1",
                                    "--train-limit", "3000", "--seed", "1", "--quiet", "--no-eval",
                                    "--out", ckpt}, dir);
  INFO(t.err << t.out);
  REQUIRE(t.code == 0);
  for (const auto& [arch, method] : std::vector<std::pair<std::string, std::string>>{
           {"svpe_zcu102", "gsnq"}, {"vpe16_zcu102", "fixed"}}) {
    const std::string model = dir + "/" + method + ".qmodel";
    const std::string arch_path = repo("configs/arch/" + arch + ".json");
    const CliResult q = run_shiftsim({"quantize", "--float", ckpt, "--arch", arch_path, "--method",
                                      method, "--calib-images", "64", "--out", model}, dir);
    INFO(q.err << q.out);
    REQUIRE(q.code == 0);
    const CliResult e = run_shiftsim({"eval", "--model", model, "--limit", kImages}, dir);
    INFO(e.err << e.out);
    REQUIRE(e.code == 0);
    const std::string rep = dir + "/" + method + ".json";
    // The fixed-latency DRAM: on DDR4 an image's cycles depend on the rows the last one left
    // open and on where the refreshes fall, so images differ by a few cycles.
    const CliResult r = run_shiftsim({"run", "--arch", arch_path, "--model", model, "--test-images",
                                      kImages, "--report", rep, "--set", "dram.model=fixed"}, dir);
    INFO(method << ": " << r.err << r.out);
    REQUIRE(r.code == 0);
    CHECK(r.out.find(std::string(kImages) + " of " + kImages + " images bit-exact") != std::string::npos);
    const double sim = percent_after(r.out, "accuracy through the simulator");
    CHECK(sim == percent_after(e.out, "accuracy"));
    CHECK(sim > 50.0);  // one short epoch already learns far above chance (10%)
    const auto j = read_json(rep);
    const auto& ts = j["test_set"];
    CHECK(ts["images"] == 300);
    CHECK(ts["bit_exact_images"] == 300);
    CHECK(ts["mismatched_images"].empty());
    CHECK(ts["accuracy"].get<double>() * 100.0 == Approx(sim).margin(0.005));
    // every image takes the single run's cycles, back to back (docs/ARCHITECTURE.md section 3,
    // fixed-latency DRAM)
    const uint64_t one = j["cycles"]["total"].get<uint64_t>();
    CHECK(ts["accelerator_cycles_per_image"]["min"] == j["cycles"]["accelerator"]);
    CHECK(ts["accelerator_cycles_per_image"]["max"] == j["cycles"]["accelerator"]);
    CHECK(ts["end_cycle"].get<uint64_t>() == 300 * one);
  }
}
