// The per-tensor width search of sequence networks on a small lstm classifier shape: it meets
// the tolerance it is given, narrows the tensors and says when it cannot.
#include <catch2/catch.hpp>

#include "quant/recurrent_search.h"
#include "quant_test_util.h"

using namespace shiftsim::quant;
using namespace shiftsim::quant::test;

namespace {

FloatNetwork small_lstm() {
  return generate_weights(parse_text(R"({"name": "s", "input": {"shape": [6, 4, 1]}, "layers": [
      {"name": "l", "type": "lstm", "hidden_size": 8},
      {"name": "fc", "type": "fc", "out_features": 3}]})"), 4);
}

std::vector<Tensor<float>> samples(const FloatNetwork& f, int n) {
  std::vector<Tensor<float>> v;
  for (int k = 0; k < n; ++k) v.push_back(generate_input(f.net.input, uint64_t(100 + k)));
  return v;
}

}  // namespace

TEST_CASE("recurrent width search meets its tolerance with narrower tensors") {
  const FloatNetwork f = small_lstm();
  const std::vector<Tensor<float>> xs = samples(f, 4);
  const RecurrentCalibration cal = calibrate_recurrent(f, xs);
  const RecurrentLoss loss = output_error_loss(f, xs);
  RecurrentSearchOptions s;
  s.tolerance = 0.05;
  const RecurrentSearchResult r = search_recurrent_widths(f, cal, loss, s);
  REQUIRE(r.met);
  CHECK(r.loss <= 0.05);
  CHECK(loss(r.qn) == r.loss);  // the returned network is the one measured last to pass
  // The parameters, largest first: R (4*8*8), then W (4*8*4), then the fc weights.
  REQUIRE(r.order.size() > 3);
  CHECK(r.order[0].rfind("l.R=", 0) == 0);
  CHECK(r.order[1].rfind("l.W=", 0) == 0);
  CHECK(r.widths.layers[0].recurrent < 16);
  CHECK(r.widths.layers[0].weights < 16);
  CHECK(r.footprint.reduction() > 0.6);
  CHECK(r.evaluations < 1 + 5 * int(r.order.size()));
  // A looser tolerance never needs more memory.
  s.tolerance = 0.2;
  const RecurrentSearchResult loose = search_recurrent_widths(f, cal, loss, s);
  CHECK(loose.footprint.quantized_bits <= r.footprint.quantized_bits);
}

TEST_CASE("recurrent width search says when even the widest formats miss") {
  const FloatNetwork f = small_lstm();
  const std::vector<Tensor<float>> xs = samples(f, 2);
  RecurrentSearchOptions s;
  s.tolerance = 0;  // 16-bit formats still differ from float
  const RecurrentSearchResult r = search_recurrent_widths(f, calibrate_recurrent(f, xs), output_error_loss(f, xs), s);
  CHECK_FALSE(r.met);
  CHECK(r.evaluations == 1);
  CHECK(r.widths.layers[0].recurrent == 16);
  CHECK(r.footprint.reduction() == Approx(0.5));
}
