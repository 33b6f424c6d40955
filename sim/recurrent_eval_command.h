#pragma once
// `shiftsim eval` for sequence networks: accuracy of a row-by-row Fashion-MNIST classifier or
// word perplexity of a language model on the fortunes corpus, of a float checkpoint (float
// executor) or of a quantized sequence model (golden integer executor), and for a quantized
// model its parameter memory against float32.
#include <cstddef>
#include <string>

#include "quant/sequence_data.h"

namespace shiftsim::sim {

struct RecurrentEvalRequest {
  std::string model_path, float_path;  // exactly one
  size_t limit = 0;                    // first N samples (images or windows); 0: all
  std::string split = "test";          // test or valid
  int threads = 2;
  quant::SequenceDataOptions data;
};

int recurrent_eval_command(const RecurrentEvalRequest& req);

}  // namespace shiftsim::sim
