// `run --test-images` runs many images in one simulation: it needs a model, and the options
// that describe one image or one trace are refused before anything runs.
#include <catch2/catch.hpp>

#include "tests/support/cli.h"

using namespace shiftsim::test;

TEST_CASE("test images need a model and exclude single image options") {
  const std::string dir = scratch_dir("test-set-options");
  const std::string arch = repo("configs/arch/svpe_zcu102.json");
  const CliResult net = run_shiftsim({"run", "--arch", arch, "--net", repo("configs/nets/lenet5.json"),
                                      "--test-images", "10"}, dir);
  CHECK(net.code == 2);
  CHECK(net.err.find("--test-images needs --model") != std::string::npos);
  const std::string model = dir + "/absent.qmodel";  // refused before the model is read
  for (const auto& [extra, phrase] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--image", "3"}, "--image"},
           {{"--vcd", dir + "/t.vcd"}, "--vcd"},
           {{"--no-check"}, "--no-check"},
           {{"--dump-outputs", dir + "/out"}, "--dump-outputs"}}) {
    std::vector<std::string> args = {"run", "--arch", arch, "--model", model, "--test-images", "10"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_shiftsim(args, dir);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("--test-images") != std::string::npos);
    CHECK(r.err.find(phrase) != std::string::npos);
  }
  const CliResult zero = run_shiftsim({"run", "--arch", arch, "--model", model, "--test-images",
                                       "-1"}, dir);
  CHECK(zero.code == 2);
}
