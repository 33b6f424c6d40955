// The quantize -> run --model path: a float checkpoint quantized for each array runs bit-exact
// on the simulator in both modes on a Fashion-MNIST test image, and a model is refused by an
// architecture whose datapath computes other number formats.
#include <catch2/catch.hpp>

#include "quant/float_model.h"
#include "quant/network.h"
#include "quant/weights_gen.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;

namespace {
std::string make_checkpoint(const std::string& dir) {
  const quant::Network net = quant::load_network(repo("configs/nets/lenet5.json"));
  const std::string path = dir + "/lenet5.ckpt";
  quant::save_float_network(path, quant::generate_weights(net, 3));
  return path;
}
}  // namespace

TEST_CASE("quantized models run bit-exact on their array in both modes") {
  const std::string dir = scratch_dir("model-run");
  const std::string ckpt = make_checkpoint(dir);
  for (const auto& [arch, method] : std::vector<std::pair<std::string, std::string>>{
           {"svpe_zcu102", "gsnq"}, {"svpe_zcu102", "nbq"}, {"vpe16_zcu102", "fixed"}}) {
    const std::string model = dir + "/" + method + ".qmodel";
    const std::string arch_path = repo("configs/arch/" + arch + ".json");
    CliResult q = run_shiftsim({"quantize", "--float", ckpt, "--arch", arch_path, "--method", method,
                                "--calib-images", "16", "--out", model}, dir);
    INFO(method << ": " << q.err << q.out);
    REQUIRE(q.code == 0);
    std::vector<uint64_t> cycles;
    for (const char* mode : {"fast", "cycle"}) {
      const std::string rep = dir + "/" + method + "-" + mode + ".json";
      const CliResult r = run_shiftsim({"run", "--arch", arch_path, "--model", model, "--image", "7",
                                        "--mode", mode, "--report", rep}, dir);
      INFO(mode << ": " << r.err);
      REQUIRE(r.code == 0);
      const auto j = read_json(rep);
      CHECK(j["bit_exact"] == true);
      cycles.push_back(j["cycles"]["total"].get<uint64_t>());
    }
    CHECK(cycles[0] == cycles[1]);
  }
  // a power-of-two model on the multiplier array, and a model with other accumulator bits
  const CliResult wrong = run_shiftsim({"run", "--arch", repo("configs/arch/vpe16_zcu102.json"),
                                        "--model", dir + "/gsnq.qmodel"}, dir);
  CHECK(wrong.code == 2);
  CHECK(wrong.err.find("power-of-two") != std::string::npos);
  const CliResult acc = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--set",
                                      "numerics.acc_bits=40", "--model", dir + "/gsnq.qmodel"}, dir);
  CHECK(acc.code == 2);
  CHECK(acc.err.find("--set numerics.acc_bits=48") != std::string::npos);
  const CliResult both = run_shiftsim({"run", "--arch", repo("configs/arch/svpe_zcu102.json"), "--net",
                                       repo("configs/nets/lenet5.json"), "--model", dir + "/gsnq.qmodel"}, dir);
  CHECK(both.code == 2);
}
