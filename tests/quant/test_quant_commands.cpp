// `quantize` and `eval` as the CLI will call them: a float checkpoint in, a model file out,
// and the InputErrors for requests that cannot work.
#include <catch2/catch.hpp>

#include "quant/float_model.h"
#include "quant/model_file.h"
#include "quant_test_util.h"
#include "sim/eval_command.h"
#include "sim/quantize_command.h"

using namespace shiftsim;
using quant::test::input_error_of;
using quant::test::TempDir;
using Catch::Matchers::Contains;

namespace {
std::string arch(const std::string& name) {
  return std::string(SHIFTSIM_SOURCE_DIR) + "/configs/arch/" + name + ".json";
}
}  // namespace

TEST_CASE("quantize and eval commands: checkpoint to model file to accuracy") {
  TempDir dir("commands");
  const std::string ckpt = dir.path() + "/lenet.ssf";
  quant::save_float_network(ckpt, quant::generate_weights(quant::load_network(quant::test::zoo("lenet5")), 3));
  for (const char* method : {"nbq", "gsnq"}) {
    sim::QuantizeRequest q;
    q.float_path = ckpt;
    q.arch_path = arch("svpe_zcu102");
    q.method = method;
    q.thresholds = "moments";
    q.calib_images = 16;
    q.out_path = dir.path() + "/" + method + ".ssq";
    REQUIRE(sim::quantize_command(q) == 0);
    const quant::QuantizedNetwork qn = quant::load_quantized_network(q.out_path);
    CHECK(qn.layers[0].weight_kind == quant::WeightKind::pow2);
    CHECK(qn.layers[0].weight_bits == 3);  // the arch's
    CHECK(qn.act_bits == 16);
    sim::EvalRequest e;
    e.model_path = q.out_path;
    e.limit = 50;
    CHECK(sim::eval_command(e) == 0);
  }
  sim::EvalRequest e;
  e.float_path = ckpt;
  e.limit = 20;
  CHECK(sim::eval_command(e) == 0);

  sim::QuantizeRequest bad;
  bad.float_path = ckpt;
  bad.arch_path = arch("vpe16_zcu102");
  bad.method = "gsnq";
  bad.out_path = dir.path() + "/x.ssq";
  CHECK_THAT(input_error_of([&] { sim::quantize_command(bad); }), Contains("a vpe array, which runs fixed-point weights"));
  bad.method = "fixed";
  bad.bits = 17;
  CHECK_THAT(input_error_of([&] { sim::quantize_command(bad); }), Contains("--bits 17"));
  bad.bits = 0;
  bad.float_path = dir.path() + "/net.onnx";
  CHECK_THAT(input_error_of([&] { sim::quantize_command(bad); }), Contains("ONNX"));
  e.model_path = dir.path() + "/nbq.ssq";
  CHECK_THAT(input_error_of([&] { sim::eval_command(e); }), Contains("exactly one"));
}
