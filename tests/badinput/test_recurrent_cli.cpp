// Sequence networks through the real CLI: quantize and eval of a small lstm classifier work end
// to end, and bad requests (options that do not apply, widths out of range, malformed recurrent
// layers, missing data) fail with exit code 2 and a message naming the file, option or value.
#include <catch2/catch.hpp>

#include <filesystem>

#include "quant/float_model.h"
#include "quant/network.h"
#include "quant/weights_gen.h"
#include "tests/support/cli.h"

using namespace shiftsim::test;
namespace q = shiftsim::quant;

namespace {

// A float checkpoint of a small network on `input`, in `dir`.
std::string checkpoint(const std::string& dir, const std::string& input, const std::string& layers) {
  const std::string net = dir + "/net.json";
  write_text(net, R"({"name": "small", "input": {"shape": )" + input + R"(}, "layers": [)" + layers + "]}");
  const std::string path = dir + "/small.bin";
  q::save_float_network(path, q::generate_weights(q::load_network(net), 1));
  return path;
}

const char* kRows = R"({"name": "l", "type": "lstm", "hidden_size": 8}, {"name": "fc", "type": "fc", "out_features": 10})";

void expect_error(const std::string& dir, const std::vector<std::string>& args,
                  const std::vector<std::string>& fragments) {
  const CliResult r = run_shiftsim(args, dir);
  INFO("stderr: " << r.err);
  CHECK(r.code == 2);
  CHECK(r.err.rfind("shiftsim: error: ", 0) == 0);
  for (const auto& f : fragments) CHECK(r.err.find(f) != std::string::npos);
}

}  // namespace

TEST_CASE("recurrent CLI: quantize and eval a row-by-row lstm classifier") {
  const std::string dir = scratch_dir("rnn-cli-ok");
  const std::string ckpt = checkpoint(dir, "[28, 28, 1]", kRows);
  const std::string model = dir + "/m.rqn";
  CliResult r = run_shiftsim({"quantize", "--float", ckpt, "--bits", "8", "--act-bits", "10",
                              "--calib-images", "16", "--out", model}, dir);
  INFO(r.err << r.out);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("l          lstm      W 8b") != std::string::npos);
  CHECK(r.out.find("reduction 7") != std::string::npos);  // 8-bit parameters: 75% less
  r = run_shiftsim({"eval", "--model", model, "--limit", "20"}, dir);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("golden executor): accuracy ") != std::string::npos);
  CHECK(r.out.find("on 20 Fashion-MNIST test images read row by row") != std::string::npos);
  r = run_shiftsim({"eval", "--float", ckpt, "--limit", "20", "--split", "valid"}, dir);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("(small, float): accuracy ") != std::string::npos);
  r = run_shiftsim({"quantize", "--float", ckpt, "--method", "nbq", "--bits", "4", "--calib-images", "8",
                    "--out", dir + "/p.rqn"}, dir);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("R pow2/4") != std::string::npos);
  // run takes the model (lstm and fc) to the recurrent unit (tests/e2e/test_recurrent_sim.cpp),
  // bit-exact, with the run report; an option it does not take is refused, writing nothing.
  r = run_shiftsim({"run", "--arch", repo("configs/arch/vpe16_zcu102.json"), "--model", model, "--report",
                    dir + "/r.json"}, dir);
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("bit-exact sequences 1 of 1") != std::string::npos);
  CHECK(slurp(dir + "/r.json").find("\"bit_exact\": true") != std::string::npos);
  expect_error(dir, {"run", "--arch", repo("configs/arch/vpe16_zcu102.json"), "--model", model, "--input",
                     dir + "/x.npy", "--report", dir + "/r2.json"},
               {"--input", "sequence (lstm/gru) networks"});
  CHECK_FALSE(std::filesystem::exists(dir + "/r2.json"));
}

TEST_CASE("recurrent CLI: options that do not apply and widths out of range are refused") {
  const std::string dir = scratch_dir("rnn-cli-bad");
  const std::string ckpt = checkpoint(dir, "[28, 28, 1]", kRows);
  const std::string out = dir + "/m.rqn";
  expect_error(dir, {"quantize", "--float", ckpt, "--arch", repo("configs/arch/vpe16_zcu102.json"), "--out", out},
               {"--arch: " + ckpt + " is a sequence network"});
  expect_error(dir, {"quantize", "--float", ckpt, "--method", "gsnq", "--out", out},
               {"--method gsnq: a sequence network takes fixed"});
  expect_error(dir, {"quantize", "--float", ckpt, "--method", "nbq", "--bits", "7", "--out", out},
               {"--bits 7: power-of-two codes are 2..5 bits"});
  expect_error(dir, {"quantize", "--float", ckpt, "--bits", "17", "--out", out}, {"--bits 17: fixed-point widths are 2..16"});
  expect_error(dir, {"quantize", "--float", ckpt, "--act-bits", "1", "--out", out}, {"--act-bits 1"});
  expect_error(dir, {"quantize", "--float", ckpt, "--search-tolerance", "1", "--bits", "8", "--out", out},
               {"not with --search-tolerance"});
  expect_error(dir, {"eval", "--float", ckpt, "--split", "train"}, {"--split train: test or valid"});
  CHECK_FALSE(std::filesystem::exists(out));
  // A missing checkpoint is named.
  expect_error(dir, {"quantize", "--float", dir + "/none.bin", "--out", out}, {"none.bin"});
  // A CNN still needs its architecture, and --act-bits is for sequence networks only.
  const std::string cnn = scratch_dir("rnn-cli-cnn");
  const std::string cnn_ckpt = checkpoint(cnn, "[1, 8, 8]", R"({"name": "c", "type": "conv", "out_channels": 2, "kernel": 3})");
  expect_error(cnn, {"quantize", "--float", cnn_ckpt, "--out", out}, {"--arch is required"});
  expect_error(cnn, {"quantize", "--float", cnn_ckpt, "--arch", repo("configs/arch/vpe16_zcu102.json"), "--act-bits", "8",
                     "--method", "fixed", "--out", out}, {"--act-bits: for sequence networks"});
  expect_error(cnn, {"eval", "--float", cnn_ckpt, "--split", "valid"}, {"--split: for sequence networks only"});
}

TEST_CASE("recurrent CLI: data the network does not fit is refused naming it") {
  const std::string dir = scratch_dir("rnn-cli-data");
  const std::string odd = checkpoint(dir, "[5, 3, 1]", R"({"name": "g", "type": "gru", "hidden_size": 4})");
  expect_error(dir, {"eval", "--float", odd}, {"network small: input 5x3x1 is neither token ids"});
  const std::string lm_dir = scratch_dir("rnn-cli-lm");
  const std::string lm = checkpoint(lm_dir, "[6, 1, 1]", R"({"name": "e", "type": "embedding", "vocab_size": 50, "dim": 4},
      {"name": "l", "type": "lstm", "hidden_size": 4, "output": "sequence"}, {"name": "fc", "type": "fc", "out_features": 50, "per_step": true})");
  expect_error(lm_dir, {"quantize", "--float", lm, "--corpus", lm_dir + "/no-such-dir", "--out", lm_dir + "/m.rqn"},
               {"no-such-dir: not a directory (install the Debian package fortunes)"});
}

TEST_CASE("recurrent CLI: malformed recurrent layers are refused naming the file, path and value") {
  const std::string dir = scratch_dir("rnn-cli-layers");
  const std::string net = dir + "/bad.json";
  auto bad = [&](const std::string& layer, const std::string& fragment) {
    write_text(net, R"({"name": "b", "input": {"shape": [5, 3, 1]}, "layers": [)" + layer + "]}");
    expect_error(dir, {"golden", "--arch", repo("configs/arch/vpe16_zcu102.json"), "--net", net},
                 {"bad.json: layers[0]." + fragment});
  };
  bad(R"({"name": "l", "type": "lstm", "hidden_size": 0})", "hidden_size: must be >= 1, found 0");
  bad(R"({"name": "l", "type": "lstm", "hidden_size": 4, "input_size": 7})",
      "input_size: 7 does not match the input's 3 features per step");
  bad(R"({"name": "g", "type": "gru", "hidden_size": 4, "direction": "sideways"})",
      "direction: must be one of {forward, reverse}, found \"sideways\"");
}
