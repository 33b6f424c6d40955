#pragma once
// Training of a quant::FloatNetwork on an ImageSet (Fashion-MNIST): float, or quantization-aware
// with the quantizer as a per-layer weight transform on the forward pass. No Torch in this
// header; docs/TRAINING.md gives the formulas, schedules and measured figures.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "quant/idx.h"
#include "quant/tensor.h"
#include "quant/weights_gen.h"
#include "train/weight_quantizer.h"

namespace shiftsim::train {

enum class Optimizer { adam, sgd };
enum class LrSchedule { constant, cosine };
// n-BQ: how the weight of the quantized term, lambda = 1 - a, rises from lambda0 to 1.
//   epoch: the authors' code: lambda_e = lambda0 * (1/lambda0)^(e/E) for epochs e = 1..E, so the
//          last epoch runs fully quantized (and its weights get no gradient).
//   step:  the same geometric curve per mini-batch: lambda_t = lambda0 * (1/lambda0)^((t+1)/T),
//          t = 0..T-1; only the last step is fully quantized.
enum class NbqSchedule { epoch, step };
// GSNQ partition: each layer ranks its own weights (layer), or one ranking of all weights of the
// network by |w| / max|w of its layer| (network).
enum class GsnqScope { layer, network };

// INQ's steps: 50%, 75%, 87.5%, 100% of the weights quantized.
std::vector<double> inq_fractions();

struct TrainOptions {
  QuantSpec quant;                 // method, bits, thresholds
  int epochs = 5;                  // gsnq: total over its retraining steps
  int batch = 64;
  Optimizer optimizer = Optimizer::adam;
  double lr = 1e-3;
  double momentum = 0.9;           // sgd only
  double weight_decay = 5e-4;      // L2, added to the gradient (our choice: the n-BQ-NN authors' code applies none)
  LrSchedule lr_schedule = LrSchedule::cosine;  // gsnq: restarts at every step
  uint64_t seed = 1;
  NbqSchedule nbq_schedule = NbqSchedule::step;
  double nbq_lambda0 = 0.5;        // the authors' starting weight of the quantized term
  std::vector<double> gsnq_fractions = inq_fractions();
  GsnqScope gsnq_scope = GsnqScope::layer;
  int threads = 2;                 // torch::set_num_threads
  bool live_progress = false;      // redraw a progress line on stderr (main: when it is a tty)
  std::ostream* log = nullptr;     // one line per epoch / GSNQ step, when set
  int64_t max_steps = 0;           // > 0: stop after this many mini-batches (tests)
  bool eval_each_epoch = true;     // test accuracy after every epoch (needs a test set)
};

// InputError naming the option for anything out of range.
void check_options(const TrainOptions& o);

struct EpochStats {
  int epoch = 0;                   // 1-based
  double loss = 0;                 // mean training loss over the epoch
  double train_accuracy = 0;       // on the training mini-batches, as trained (0..1)
  double test_accuracy = -1;       // of the weights that would be exported now; -1: not measured
  double seconds = 0;              // training time of the epoch (without evaluation)
  double nbq_a = -1;               // n-BQ: a at the end of the epoch
  double gsnq_fraction = -1;       // GSNQ: fraction of weights frozen during the epoch
};

struct TrainResult {
  quant::FloatNetwork net;         // QAT methods: every conv/fc weight on its quantizer's grid
  std::vector<EpochStats> epochs;
  int64_t steps = 0;
  double test_accuracy = -1;       // of `net` on the test set; -1 without a test set
  double seconds = 0;              // whole run, evaluation included
};

// Trains from `init` (quant::generate_weights for a fresh start, or a checkpoint). `test` may be
// null. The network input must be 1 x rows x cols of the images and its output 10 values.
// Deterministic given the options (seed) and the thread count.
TrainResult train(const quant::FloatNetwork& init, const quant::ImageSet& train_set,
                  const quant::ImageSet* test, const TrainOptions& opts);

// Top-1 accuracy (0..1) of `f` on `set`, images preprocessed as quant/image_input.h.
double evaluate(const quant::FloatNetwork& f, const quant::ImageSet& set, int threads = 2);

// The network's outputs (last layer, flattened) for each input tensor.
std::vector<std::vector<float>> predict(const quant::FloatNetwork& f,
                                        const std::vector<quant::Tensor<float>>& inputs,
                                        int threads = 2);

// The QAT methods' final weights: every conv/fc weight replaced by Q(W) (the float method
// returns `f` unchanged). This is what post-training quantization (epochs = 0) exports.
quant::FloatNetwork quantize_weights(const quant::FloatNetwork& f, const QuantSpec& spec);

// InputError unless `f` fits the data: input 1 x rows x cols, 10 outputs.
void check_fits(const quant::Network& net, const quant::ImageSet& set);

}  // namespace shiftsim::train
