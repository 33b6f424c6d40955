// Float checkpoints and the network JSON writer: round trips and refusal of damaged files.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "quant/float_model.h"
#include "quant/network_json_write.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using shiftsim::quant::test::input_error_of;
using shiftsim::quant::test::read_bytes;
using shiftsim::quant::test::write_bytes;
using shiftsim::quant::test::TempDir;
using shiftsim::quant::test::zoo;
using Catch::Matchers::Contains;

namespace {
void require_same_network(const Network& a, const Network& b) {
  REQUIRE(a.name == b.name);
  REQUIRE(a.input == b.input);
  REQUIRE(a.layers.size() == b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const Layer &x = a.layers[i], &y = b.layers[i];
    INFO(x.name);
    CHECK(x.name == y.name);
    CHECK(x.type == y.type);
    CHECK(x.inputs == y.inputs);
    CHECK(x.out_channels == y.out_channels);
    CHECK(x.kernel == y.kernel);
    CHECK(x.stride == y.stride);
    CHECK(x.pad == y.pad);
    CHECK(x.groups == y.groups);
    CHECK(x.relu == y.relu);
    CHECK(x.in_shape == y.in_shape);
    CHECK(x.out_shape == y.out_shape);
  }
}
}  // namespace

TEST_CASE("network JSON writer: every zoo network reads back identically") {
  for (const char* name : {"lenet5", "tiny", "resnet18", "alexnet", "vgg16", "bench_conv"}) {
    const Network n = load_network(zoo(name));
    require_same_network(n, parse_network(network_to_json(n), "round trip"));
  }
}

TEST_CASE("float checkpoint: round trip is exact") {
  TempDir dir("float_model");
  const FloatNetwork f = generate_weights(load_network(zoo("lenet5")), 7);
  const std::string p = dir.path() + "/lenet.ssf";
  save_float_network(p, f);
  const FloatNetwork g = load_float_network(p);
  require_same_network(f.net, g.net);
  REQUIRE(g.params.size() == f.params.size());
  for (size_t i = 0; i < f.params.size(); ++i) {
    CHECK(g.params[i].weights == f.params[i].weights);
    CHECK(g.params[i].bias == f.params[i].bias);
  }
}

TEST_CASE("float checkpoint: damaged, newer, foreign and inconsistent files are refused") {
  TempDir dir("float_model_bad");
  const FloatNetwork f = generate_weights(load_network(zoo("tiny")), 3);
  const std::string p = dir.path() + "/t.ssf", bad = dir.path() + "/bad.ssf";
  save_float_network(p, f);
  const std::vector<uint8_t> good = read_bytes(p);

  std::vector<uint8_t> b(good.begin(), good.begin() + long(good.size() / 2));
  write_bytes(bad, b);
  CHECK_THAT(input_error_of([&] { load_float_network(bad); }), Contains(bad) && Contains("checksum"));

  write_bytes(bad, std::vector<uint8_t>(good.begin(), good.begin() + 5));
  CHECK_THAT(input_error_of([&] { load_float_network(bad); }), Contains("truncated"));

  b = good;
  b[b.size() / 2] ^= 0x10;
  write_bytes(bad, b);
  CHECK_THAT(input_error_of([&] { load_float_network(bad); }), Contains("checksum"));

  b = good;
  b[8] = 2;  // version field, right after the 8-byte magic; newer wins over the checksum
  write_bytes(bad, b);
  CHECK_THAT(input_error_of([&] { load_float_network(bad); }),
             Contains("version 2") && Contains("newer"));

  b = good;
  b[0] = 'X';
  write_bytes(bad, b);
  CHECK_THAT(input_error_of([&] { load_float_network(bad); }), Contains("bad magic"));

  CHECK_THAT(input_error_of([&] { load_float_network(dir.path() + "/missing.ssf"); }),
             Contains("missing.ssf"));

  FloatNetwork g = f;
  g.params[0].weights.pop_back();
  CHECK_THAT(input_error_of([&] { save_float_network(bad, g); }),
             Contains("layer " + f.net.layers[0].name) && Contains("expected"));
  g = f;
  g.params[0].bias[0] = std::nanf("");
  CHECK_THAT(input_error_of([&] { save_float_network(bad, g); }), Contains("not finite"));
}
