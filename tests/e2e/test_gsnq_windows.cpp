// GSNQ's two sign windows on the SVPE: a network whose positive weights are 16 times its
// negative ones gets per-sign exponent offsets, and runs bit-exact against the golden executor
// in both simulation modes on an arch with offset hardware; an arch without it refuses the model.
#include <catch2/catch.hpp>

#include <algorithm>

#include "quant/float_model.h"
#include "quant/model_file.h"
#include "quant/network.h"
#include "quant/weights_gen.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;

TEST_CASE("gsnq: a layer whose sign ranges differ gets two windows and runs bit-exact on the SVPE") {
  const std::string dir = scratch_dir("gsnq-windows");
  const quant::Network net = quant::load_network(repo("configs/nets/lenet5.json"));
  quant::FloatNetwork f = quant::generate_weights(net, 3);
  for (quant::FloatLayerParams& p : f.params)
    for (float& w : p.weights)
      w = w > 0 ? w * 4 : w / 4;  // 2^4 apart: the positive window four exponents higher
  const std::string ckpt = dir + "/lopsided.ckpt";
  quant::save_float_network(ckpt, f);
  const std::string arch = repo("configs/arch/svpe_zcu102.json");
  const std::string offsets = "numerics.sign_offset_max=6";
  const std::string model = dir + "/gsnq.qmodel";
  const CliResult q = run_shiftsim({"quantize", "--float", ckpt, "--arch", arch, "--set", offsets, "--method",
                                    "gsnq", "--bits", "3", "--calib-images", "16", "--out", model},
                                   dir);
  INFO(q.err << q.out);
  REQUIRE(q.code == 0);
  const quant::QuantizedNetwork qn = quant::load_quantized_network(model);
  int two_windows = 0;
  for (const quant::QLayer& l : qn.layers) {
    if (l.weights.empty()) continue;
    CHECK(std::min(l.offset_pos, l.offset_neg) == 0);
    CHECK(std::max(l.offset_pos, l.offset_neg) <= 6);
    two_windows += l.offset_pos > l.offset_neg;
  }
  CHECK(two_windows >= 3);  // the sign ranges differ by 2^4 in every layer
  std::vector<uint64_t> cycles;
  for (const char* mode : {"fast", "cycle"}) {
    const std::string rep = dir + "/" + mode + ".json";
    const CliResult r = run_shiftsim({"run", "--arch", arch, "--set", offsets, "--model", model, "--image", "7",
                                      "--mode", mode, "--report", rep},
                                     dir);
    INFO(mode << ": " << r.err);
    REQUIRE(r.code == 0);
    const auto j = read_json(rep);
    CHECK(j["bit_exact"] == true);  // every layer's output against the golden executor
    cycles.push_back(j["cycles"]["total"].get<uint64_t>());
  }
  CHECK(cycles[0] == cycles[1]);
  // Without the offset hardware the codes cannot hold the two windows: refused, saying how.
  const CliResult plain = run_shiftsim({"run", "--arch", arch, "--model", model}, dir);
  CHECK(plain.code == 2);
  CHECK(plain.err.find("per-sign exponent offset") != std::string::npos);
  CHECK(plain.err.find("--set numerics.sign_offset_max=") != std::string::npos);
  // ... and quantizing for it gives one shared window, which it runs.
  const std::string shared = dir + "/shared.qmodel";
  REQUIRE(run_shiftsim({"quantize", "--float", ckpt, "--arch", arch, "--method", "gsnq", "--bits", "3",
                        "--calib-images", "16", "--out", shared},
                       dir)
              .code == 0);
  for (const quant::QLayer& l : quant::load_quantized_network(shared).layers) {
    CHECK(l.offset_pos == 0);
    CHECK(l.offset_neg == 0);
  }
  const CliResult one = run_shiftsim({"run", "--arch", arch, "--model", shared, "--image", "7"}, dir);
  INFO(one.err);
  CHECK(one.code == 0);
}
