// The network file's size limits at their edges (docs/LIMITS.md "Tensors"): every size at most
// 2^20, a tensor at most 2^31 - 1 elements. Just under is read, just over is refused naming the
// field and the limit. Shape inference only: nothing of these sizes is allocated.
#include <catch2/catch.hpp>

#include "quant/network.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;
using Catch::Matchers::Contains;

namespace {

std::string net(const std::string& shape, const std::string& layer) {
  return R"({"name": "x", "input": {"shape": )" + shape + R"(}, "layers": [)" + layer + "]}";
}
const char* kRelu = R"({"name": "r", "type": "relu"})";

}  // namespace

TEST_CASE("network limits: a size of 2^20 is read and 2^20 + 1 is refused") {
  CHECK(parse_text(net("[1048576, 1, 1]", kRelu)).layers.size() == 1);
  CHECK_THAT(input_error_of([] { parse_text(net("[1048577, 1, 1]", kRelu)); }),
             Contains("nets/x.json: input.shape[0]: must be <= 1048576, found 1048577"));
  CHECK(parse_text(net("[1, 1, 4]", R"({"name": "f", "type": "fc", "out_features": 1048576})")).layers.size() == 1);
  CHECK_THAT(input_error_of([] { parse_text(net("[1, 1, 4]", R"({"name": "f", "type": "fc", "out_features": 1048577})")); }),
             Contains("nets/x.json: layers[0].out_features: must be <= 1048576, found 1048577"));
}

TEST_CASE("network limits: an input of 2^31 - 2^21 elements is read and one of 2^31 is refused") {
  // 2^31 - 1 is prime, so no shape has exactly that many elements; 2048 x 1024 x 1023 is the
  // largest of these sizes under it.
  CHECK(parse_text(net("[2048, 1024, 1023]", kRelu)).layers.size() == 1);
  CHECK_THAT(input_error_of([] { parse_text(net("[2048, 1024, 1024]", kRelu)); }),
             Contains("nets/x.json: input.shape: more than 2^31 - 1 elements"));
}

TEST_CASE("network limits: a layer output of 2^31 - 2^21 elements is read and one of 2^31 is refused") {
  const char* conv1023 = R"({"name": "c", "type": "conv", "out_channels": 1023, "kernel": 1})";
  const char* conv1024 = R"({"name": "c", "type": "conv", "out_channels": 1024, "kernel": 1})";
  CHECK(parse_text(net("[1, 2048, 1024]", conv1023)).layers.size() == 1);
  CHECK_THAT(input_error_of([&] { parse_text(net("[1, 2048, 1024]", conv1024)); }),
             Contains("more than 2^31 - 1 elements"));
}
