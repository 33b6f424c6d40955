#pragma once
// The one file where train/ meets quant/'s weight quantizers and float checkpoints. If their
// signatures move, only weight_quantizer.cpp changes. No Torch here.
#include <cstdint>
#include <string>
#include <vector>

#include "quant/weights_gen.h"

namespace shiftsim::train {

// How a layer's weights are quantized during and after training.
enum class Method {
  full,     // float: no quantization
  nbq,      // n-BQ power of two, reconstructed gradient W~ = (1-a) Q(W) + a W
  nbq_ste,  // n-BQ power of two, straight-through estimator
  gsnq,     // GSNQ sign-based power of two, incremental (INQ-style) partition and retraining
  fixed,    // uniform fixed point (quant/fixed_point.h), straight-through estimator
};

// n-BQ thresholds: the authors' code (fixed fractions of max|W|) or mean/variance matching.
enum class Thresholds { authors, moments };

struct QuantSpec {
  Method method = Method::full;
  int bits = 3;
  Thresholds thresholds = Thresholds::moments;
};

const char* to_string(Method m);
const char* to_string(Thresholds t);
// Parse "float|nbq|nbq-ste|gsnq|fixed" / "authors|moments"; InputError on anything else.
Method parse_method(const std::string& s);
Thresholds parse_thresholds(const std::string& s);

// InputError unless `bits` suits the method (power of two: 2..5; fixed: 2..16).
void check_bits(const QuantSpec& spec);

// Q(W) of one layer's weights as real values (0 or +-2^e for the power-of-two methods,
// i * 2^-frac for fixed point). `spec.method` must not be `full`.
std::vector<float> quantize_layer(const std::vector<float>& w, const QuantSpec& spec);

// GSNQ: 1 for the weights in the group quantized at this step (the `fraction` of largest
// magnitude), 0 for those still retrained.
std::vector<uint8_t> partition_layer(const std::vector<float>& w, double fraction);

// True while quant/nbq.h or quant/gsnq.h is missing and stand-ins (quant/pow2.h's nearest-level
// quantizer, a plain magnitude partition) take their place.
bool using_stand_in_quantizers();

// Float checkpoints (quant/float_model.h): the FloatNetwork with its network.
void save_checkpoint(const std::string& path, const quant::FloatNetwork& f);
quant::FloatNetwork load_checkpoint(const std::string& path);

}  // namespace shiftsim::train
