// `quantize --search-tolerance`: the per-tensor bit-width search through the CLI. With a
// tolerance of 100 points any width passes, so every tensor must come out at its narrowest
// format; bad search options are refused before any work.
#include <catch2/catch.hpp>

#include "quant/float_model.h"
#include "quant/model_file.h"
#include "quant/network.h"
#include "quant/weights_gen.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;

namespace {
std::string lenet_checkpoint(const std::string& dir) {
  const std::string path = dir + "/lenet5.ckpt";
  quant::save_float_network(path, quant::generate_weights(quant::load_network(repo("configs/nets/lenet5.json")), 3));
  return path;
}
}  // namespace

TEST_CASE("the bit width search takes the narrowest formats when any accuracy passes") {
  const std::string dir = scratch_dir("quantize-search");
  const std::string ckpt = lenet_checkpoint(dir);
  const std::string model = dir + "/searched.qmodel";
  const CliResult r = run_shiftsim({"quantize", "--float", ckpt, "--arch", repo("configs/arch/vpe16_zcu102.json"),
                                    "--method", "fixed", "--calib-images", "16", "--search-tolerance", "100",
                                    "--search-images", "50", "--out", model}, dir);
  INFO(r.err << r.out);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("tolerance 100.00 points: met") != std::string::npos);
  const quant::QuantizedNetwork qn = quant::load_quantized_network(model);
  CHECK(qn.act_bits == 2);
  for (size_t i = 0; i < qn.layers.size(); ++i) {
    const quant::LayerType t = qn.net.layers[i].type;
    if (t == quant::LayerType::conv || t == quant::LayerType::fc) CHECK(qn.layers[i].weight_bits == 2);
  }
}

TEST_CASE("bad bit width search options are refused") {
  const std::string dir = scratch_dir("quantize-search-bad");
  const std::string ckpt = lenet_checkpoint(dir);
  for (const auto& [extra, phrase] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--search-tolerance", "101"}, "--search-tolerance 101"},
           {{"--search-tolerance", "1", "--search-images", "0"}, "--search-images 0"},
           {{"--search-tolerance", "1", "--search-images", "70000"}, "--search-images 70000"}}) {
    std::vector<std::string> args = {"quantize", "--float", ckpt, "--arch", repo("configs/arch/vpe16_zcu102.json"),
                                     "--method", "fixed", "--calib-images", "16", "--out", dir + "/x.qmodel"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_shiftsim(args, dir);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find(phrase) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir + "/x.qmodel"));
  }
}
