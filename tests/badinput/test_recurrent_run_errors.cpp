// `shiftsim run` on sequence networks: malformed recurrent layers (hidden size 0, an input size
// that is not the input's, an unknown direction) and what the accelerator does not run yet
// (vocabularies beyond int16 ids, options of the CNN flow, matrices its array
// cannot take) end with exit code 2 and a message naming the file, the layer and the value;
// the mapper refuses the same malformed layers when they are built in code.
#include <catch2/catch.hpp>

#include "common/input_error.h"
#include "quant/recurrent_model_file.h"
#include "sim/arch_config.h"
#include "sim/recurrent_mapper.h"
#include "sim/recurrent_run.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;

namespace {

// Each network a file of its own name: a test that writes several keeps each one it names.
std::string net_file(const std::string& dir, const std::string& layers, const std::string& shape = "[3, 5, 1]",
                     const std::string& name = "net.json") {
  const std::string path = dir + "/" + name;
  write_text(path, R"({"name": "seq", "input": {"shape": )" + shape + R"(}, "layers": [)" + layers + "]}");
  return path;
}

void expect_error(const std::string& dir, const std::vector<std::string>& args,
                  const std::vector<std::string>& fragments) {
  const CliResult r = run_shiftsim(args, dir);
  INFO("stderr: " << r.err);
  CHECK(r.code == 2);
  CHECK(r.err.rfind("shiftsim: error: ", 0) == 0);
  for (const auto& f : fragments) CHECK(r.err.find(f) != std::string::npos);
}

const std::string kVpe = repo("configs/arch/vpe16_zcu102.json"), kSvpe = repo("configs/arch/svpe_zcu102.json");

}  // namespace

TEST_CASE("run: malformed recurrent layers are refused with the JSON path and value") {
  const std::string dir = scratch_dir("rnn-run-bad");
  expect_error(dir, {"run", "--arch", kVpe, "--net", net_file(dir, R"({"name": "l", "type": "lstm", "hidden_size": 0})")},
               {"net.json", "layers[0].hidden_size", "must be >= 1", "found 0"});
  expect_error(dir, {"run", "--arch", kVpe, "--net",
                     net_file(dir, R"({"name": "l", "type": "lstm", "hidden_size": 4, "input_size": 7})")},
               {"layers[0].input_size", "7", "5 features per step"});
  expect_error(dir, {"run", "--arch", kVpe, "--net",
                     net_file(dir, R"({"name": "g", "type": "gru", "hidden_size": 4, "direction": "sideways"})")},
               {"layers[0].direction", "sideways"});
}

TEST_CASE("run: what the recurrent unit does not run yet is refused by name") {
  const std::string dir = scratch_dir("rnn-run-notyet");
  expect_error(dir, {"run", "--arch", kVpe, "--net", net_file(dir, R"({"name": "e", "type": "embedding", "vocab_size": 40000, "dim": 2})", "[3, 1, 1]")},
               {"net.json", "layer e (embedding)", "vocab_size 40000", "at most 32768"});
  const std::string lstm = net_file(dir, R"({"name": "l", "type": "lstm", "hidden_size": 4})");
  expect_error(dir, {"run", "--arch", kVpe, "--net", lstm, "--input", dir + "/x.npy"}, {"--input", "sequence"});
  // A fixed-point model on the shift array: its matrices are not power-of-two codes.
  sim::RunRequest req;
  req.net_path = lstm;
  const quant::RecurrentQuantizedNetwork fixed = sim::recurrent_network_for(req, sim::load_arch(kVpe).arch);
  const std::string model = dir + "/fixed.rqn";
  quant::save_recurrent_network(model, fixed);
  expect_error(dir, {"run", "--arch", kSvpe, "--model", model}, {"fixed.rqn", "layer l (lstm)", "W", "--method nbq"});
  expect_error(dir, {"run", "--arch", kVpe, "--net", lstm, "--test-images", "10"}, {"--test-images", "--model"});
  expect_error(dir, {"run", "--arch", kVpe, "--model", model, "--test-images", "10"}, {"Fashion-MNIST", "28x28x1"});
  // The same model runs on the multiplier array.
  const CliResult ok = run_shiftsim({"run", "--arch", kVpe, "--model", model}, dir);
  INFO(ok.err);
  CHECK(ok.code == 0);
  CHECK(ok.out.find("bit-exact sequences 1 of 1") != std::string::npos);
}

TEST_CASE("recurrent mapper: malformed layers built in code are refused, not run") {
  const std::string dir = scratch_dir("rnn-map-bad");
  sim::RunRequest req;
  req.net_path = net_file(dir, R"({"name": "l", "type": "lstm", "hidden_size": 4})");
  const models::ArchSpec arch = sim::load_arch(kVpe).arch;
  const quant::RecurrentQuantizedNetwork good = sim::recurrent_network_for(req, arch);
  const quant::Tensor<int32_t> x(good.net.input);
  auto refused = [&](const quant::RecurrentQuantizedNetwork& qn, const std::string& fragment) {
    try {
      sim::map_recurrent_network(qn, x, arch, "built");
      FAIL("not refused");
    } catch (const InputError& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    }
  };
  quant::RecurrentQuantizedNetwork q = good;
  q.net.layers[0].rnn.hidden_size = 0;
  refused(q, "hidden_size 0");
  q = good;
  q.net.layers[0].rnn.input_size = 6;
  refused(q, "input_size 6");
  q = good;
  q.net.layers[0].rnn.direction = quant::Direction(7);
  refused(q, "direction 7");
  CHECK_NOTHROW(sim::map_recurrent_network(good, x, arch, "built"));
}

// The register file holds recurrent.max_rows rows (docs/ARCHITECTURE.md §11), each gate block
// gate-aligned to the lanes: a layer with more is refused before anything runs, naming the
// layer, its rows and the key; the same network runs on a machine built for it.
TEST_CASE("run: a layer with more rows than the recurrent unit's register file is refused by name") {
  const std::string dir = scratch_dir("rnn-run-rows");
  const std::string net = net_file(dir, R"({"name": "l", "type": "lstm", "hidden_size": 4},
    {"name": "cls", "type": "fc", "out_features": 20})");
  const std::string four_lanes = "pe_array.lanes=4";  // H and the fc's outputs whole words
  expect_error(dir, {"run", "--arch", kVpe, "--net", net, "--set", four_lanes, "--set", "recurrent.max_rows=15"},
               {"net.json", "layer l (lstm)", "4 gate blocks of hidden_size 4 take 16 rows,", "built for 15 rows",
                "(recurrent.max_rows)"});
  expect_error(dir, {"run", "--arch", kVpe, "--net", net, "--set", four_lanes, "--set", "recurrent.max_rows=19"},
               {"layer cls (fc)", "20 outputs", "built for 19 rows", "(recurrent.max_rows)"});
  // On 16 lanes the lstm's first three gates of 4 rows take a word each; on 32 a gru's of 6.
  expect_error(dir, {"run", "--arch", kVpe, "--net", net, "--set", "recurrent.max_rows=51"},
               {"layer l (lstm)", "take 52 rows (each starts on a word of 16 lanes: 3 x 16 + 4)", "built for 51 rows"});
  const std::string gru = net_file(dir, R"({"name": "g", "type": "gru", "hidden_size": 6})", "[3, 5, 1]", "gru.json");
  expect_error(dir, {"run", "--arch", kSvpe, "--net", gru, "--set", "recurrent.max_rows=69"},
               {"layer g (gru)", "3 gate blocks of hidden_size 6 take 70 rows",
                "(each starts on a word of 32 lanes: 2 x 32 + 6)", "built for 69 rows", "(recurrent.max_rows)"});
  const std::string emb =
      net_file(dir, R"({"name": "e", "type": "embedding", "vocab_size": 10, "dim": 9})", "[3, 1, 1]", "emb.json");
  expect_error(dir, {"run", "--arch", kVpe, "--net", emb, "--set", "recurrent.max_rows=8"},
               {"layer e (embedding)", "dim 9", "(recurrent.max_rows)"});
  // An fc's outputs are one block, with no padding after it: a decoder of 5000 outputs fits
  // the default 5000 rows on 32 lanes (a whole word each would make 5024).
  const std::string decoder = net_file(dir, R"({"name": "l", "type": "lstm", "hidden_size": 8, "output": "sequence"},
    {"name": "dec", "type": "fc", "out_features": 5000, "per_step": true})", "[2, 5, 1]", "decoder.json");
  const CliResult wide = run_shiftsim({"run", "--arch", kSvpe, "--net", decoder}, dir);
  INFO(wide.err);
  CHECK(wide.code == 0);
  CHECK(wide.out.find("bit-exact sequences 1 of 1") != std::string::npos);
  const CliResult ok =
      run_shiftsim({"run", "--arch", kVpe, "--net", net, "--set", four_lanes, "--set", "recurrent.max_rows=20"}, dir);
  INFO(ok.err);
  CHECK(ok.code == 0);
  CHECK(ok.out.find("bit-exact sequences 1 of 1") != std::string::npos);
}
