#pragma once
// `shiftsim quantize --float CKPT --out MODEL` for a network with lstm, gru or embedding layers:
// per-tensor fixed-point post-training quantization (quant/recurrent_quantize.h), at uniform
// widths (--bits for the parameters, --act-bits for the activations) or at the widths the
// per-tensor search finds within --search-tolerance (quant/recurrent_search.h), optionally with
// power-of-two matrices (--method nbq). No architecture file: the sequence flow does not run on
// the accelerator yet.
#include <cstddef>
#include <string>

#include "quant/sequence_data.h"

namespace shiftsim::sim {

struct RecurrentQuantizeRequest {
  std::string float_path, out_path;
  std::string method = "fixed";  // fixed, or nbq: power-of-two W, R and fc weights
  int bits = 0;                  // parameter widths (pow2: code bits); 0: 16 (pow2: 5)
  int act_bits = 0;              // activation widths; 0: 16
  double search_tolerance = -1;  // classifier: accuracy points; language model: % perplexity
  size_t calib = 256;            // training samples calibrated on
  size_t search_samples = 1000;  // valid samples the search measures on
  int threads = 2;
  quant::SequenceDataOptions data;
};

// Whether `path` (a float checkpoint or .onnx) holds a network with sequence layers.
bool is_sequence_float_model(const std::string& path);

// Prints every tensor's format and the memory footprint; writes the model file. Returns the exit
// code (0); bad input throws InputError.
int recurrent_quantize_command(const RecurrentQuantizeRequest& req);

}  // namespace shiftsim::sim
