#include "train/trainer.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <memory>
#include <sstream>

#include <torch/torch.h>

#include "common/input_error.h"
#include "train/batches.h"
#include "train/progress.h"
#include "train/torch_net.h"

namespace shiftsim::train {

namespace F = torch::nn::functional;
using quant::FloatNetwork;
using quant::ImageSet;

namespace {

constexpr int kClasses = 10;
constexpr int64_t kEvalBatch = 1000;
constexpr double kPi = 3.14159265358979323846;

// ---- weight transforms -----------------------------------------------------------------------

// The quantizer as a per-layer transform of the weights on the forward pass.
class Transform {
 public:
  virtual ~Transform() = default;
  // Before every mini-batch: global step t of T, epoch e of E (1-based).
  virtual void before_step(int64_t /*t*/, int64_t /*T*/, int /*e*/, int /*E*/) {}
  // Weights for the training forward pass; an empty vector means the parameters themselves.
  virtual std::vector<torch::Tensor> train_weights(TorchNetImpl& m) = 0;
  // The weights the network would export now (no gradient).
  virtual std::vector<torch::Tensor> export_weights(TorchNetImpl& m) = 0;
  virtual double nbq_a() const { return -1; }
};

torch::Tensor quantized(TorchNetImpl& m, int i, const QuantSpec& spec) {
  const torch::Tensor& w = m.weight(i);
  return from_vector(quantize_layer(to_vector(w), spec), w.sizes());
}

std::vector<torch::Tensor> all_quantized(TorchNetImpl& m, const QuantSpec& spec) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> out(m.net().layers.size());
  for (int i : m.weighted_layers()) out[size_t(i)] = quantized(m, i, spec);
  return out;
}

class FloatTransform : public Transform {
 public:
  std::vector<torch::Tensor> train_weights(TorchNetImpl&) override { return {}; }
  std::vector<torch::Tensor> export_weights(TorchNetImpl&) override { return {}; }
};

// n-BQ reconstructed gradient: W~ = (1 - a) Q(W) + a W with Q(W) a constant, so dW~/dW = a.
class NbqTransform : public Transform {
 public:
  NbqTransform(const TrainOptions& o) : o_(o) {}
  void before_step(int64_t t, int64_t T, int e, int E) override {
    const double l0 = o_.nbq_lambda0;
    double lambda = o_.nbq_schedule == NbqSchedule::epoch
                        ? l0 * std::pow(1.0 / l0, double(e) / double(E))
                        : l0 * std::pow(1.0 / l0, double(t + 1) / double(T));
    const bool last = o_.nbq_schedule == NbqSchedule::epoch ? e == E : t + 1 == T;
    if (last || lambda > 1.0) lambda = 1.0;
    a_ = 1.0 - lambda;
  }
  std::vector<torch::Tensor> train_weights(TorchNetImpl& m) override {
    std::vector<torch::Tensor> out(m.net().layers.size());
    for (int i : m.weighted_layers()) {
      torch::Tensor q;
      {
        torch::NoGradGuard no_grad;
        q = quantized(m, i, o_.quant);
      }
      out[size_t(i)] = a_ == 0.0 ? q : m.weight(i) * a_ + q * (1.0 - a_);
    }
    return out;
  }
  std::vector<torch::Tensor> export_weights(TorchNetImpl& m) override {
    return all_quantized(m, o_.quant);
  }
  double nbq_a() const override { return a_; }

 private:
  const TrainOptions& o_;
  double a_ = 0.5;
};

// Straight-through estimator: forward Q(W), backward identity (n-BQ levels or fixed point).
class SteTransform : public Transform {
 public:
  explicit SteTransform(const QuantSpec& spec) : spec_(spec) {}
  std::vector<torch::Tensor> train_weights(TorchNetImpl& m) override {
    std::vector<torch::Tensor> out(m.net().layers.size());
    for (int i : m.weighted_layers()) {
      torch::Tensor q;
      {
        torch::NoGradGuard no_grad;
        q = quantized(m, i, spec_);
      }
      const torch::Tensor& w = m.weight(i);
      out[size_t(i)] = w + (q - w).detach();
    }
    return out;
  }
  std::vector<torch::Tensor> export_weights(TorchNetImpl& m) override {
    return all_quantized(m, spec_);
  }

 private:
  QuantSpec spec_;
};

// GSNQ incremental quantization: a growing mask of frozen weights held at their quantized values.
class GsnqTransform : public Transform {
 public:
  GsnqTransform(TorchNetImpl& m, const TrainOptions& o) : o_(o) {
    masks_.resize(m.net().layers.size());
    frozen_.resize(m.net().layers.size());
    for (int i : m.weighted_layers()) {
      masks_[size_t(i)] = torch::zeros_like(m.weight(i), torch::kBool);
      frozen_[size_t(i)] = torch::zeros_like(m.weight(i));
    }
  }

  // Freeze the `fraction` of largest magnitude (on top of what is frozen already), every frozen
  // weight at Q of the layer's current effective weights; the latent weights follow.
  void freeze(TorchNetImpl& m, double fraction) {
    torch::NoGradGuard no_grad;
    const std::vector<int>& layers = m.weighted_layers();
    std::vector<std::vector<float>> eff;
    for (int i : layers) eff.push_back(to_vector(effective(m, i)));
    std::vector<std::vector<uint8_t>> parts = partitions(eff, fraction);
    for (size_t k = 0; k < layers.size(); ++k) {
      const size_t i = size_t(layers[k]);
      torch::Tensor w = m.weight(int(i));
      torch::Tensor part =
          torch::from_blob(parts[k].data(), {int64_t(parts[k].size())}, torch::kUInt8)
              .to(torch::kBool)
              .reshape(w.sizes());
      masks_[i] = masks_[i].logical_or(part);
      frozen_[i] = from_vector(quantize_layer(eff[k], o_.quant), w.sizes());
      w.copy_(torch::where(masks_[i], frozen_[i], w));
    }
  }

  std::vector<torch::Tensor> train_weights(TorchNetImpl& m) override {
    std::vector<torch::Tensor> out(m.net().layers.size());
    for (int i : m.weighted_layers()) out[size_t(i)] = effective(m, i);
    return out;
  }
  std::vector<torch::Tensor> export_weights(TorchNetImpl& m) override {
    torch::NoGradGuard no_grad;
    return train_weights(m);
  }

 private:
  torch::Tensor effective(TorchNetImpl& m, int i) {
    return torch::where(masks_[size_t(i)], frozen_[size_t(i)], m.weight(i));
  }

  std::vector<std::vector<uint8_t>> partitions(const std::vector<std::vector<float>>& eff,
                                               double fraction) const {
    std::vector<std::vector<uint8_t>> parts;
    if (o_.gsnq_scope == GsnqScope::layer) {
      for (const auto& w : eff) parts.push_back(partition_layer(w, fraction));
      return parts;
    }
    // Network scope: one ranking of |w| / max|w of its layer| over all layers.
    std::vector<float> all;
    for (const auto& w : eff) {
      float mx = 0;
      for (float x : w) mx = std::max(mx, std::fabs(x));
      for (float x : w) all.push_back(mx > 0 ? x / mx : 0.0f);
    }
    std::vector<uint8_t> p = partition_layer(all, fraction);
    size_t at = 0;
    for (const auto& w : eff) {
      parts.emplace_back(p.begin() + int64_t(at), p.begin() + int64_t(at + w.size()));
      at += w.size();
    }
    return parts;
  }

  const TrainOptions& o_;
  std::vector<torch::Tensor> masks_, frozen_;
};

// ---- evaluation ----------------------------------------------------------------------------

double accuracy(TorchNetImpl& m, const std::vector<torch::Tensor>& w, const Data& d,
                const torch::Tensor& table) {
  torch::NoGradGuard no_grad;
  int64_t correct = 0;
  for (int64_t b = 0; b < d.count; b += kEvalBatch) {
    torch::Tensor idx = torch::arange(b, std::min(d.count, b + kEvalBatch), torch::kInt64);
    torch::Tensor logits = m.forward(batch_input(d, table, idx), w.empty() ? nullptr : &w);
    correct += logits.argmax(1).eq(d.labels.index_select(0, idx)).sum().item<int64_t>();
  }
  return d.count > 0 ? double(correct) / double(d.count) : 0.0;
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(TorchNetImpl& m, const TrainOptions& o) {
  if (o.optimizer == Optimizer::sgd)
    return std::make_unique<torch::optim::SGD>(
        m.parameters(),
        torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(o.weight_decay));
  return std::make_unique<torch::optim::Adam>(
      m.parameters(), torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));
}

std::string percent(double x) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << 100.0 * x << "%";
  return s.str();
}

// The epochs of every GSNQ retraining step (fractions below 1, and the last one if below 1).
std::vector<int> gsnq_epochs(const TrainOptions& o) {
  std::vector<int> idx;
  for (size_t k = 0; k < o.gsnq_fractions.size(); ++k)
    if (o.gsnq_fractions[k] < 1.0) idx.push_back(int(k));
  std::vector<int> per(o.gsnq_fractions.size(), 0);
  if (o.epochs == 0 || idx.empty()) return per;
  const int n = int(idx.size());
  for (int j = 0; j < n; ++j) per[size_t(idx[size_t(j)])] = o.epochs / n + (j < o.epochs % n ? 1 : 0);
  return per;
}

}  // namespace

std::vector<double> inq_fractions() { return {0.5, 0.75, 0.875, 1.0}; }

void check_fits(const quant::Network& net, const ImageSet& set) {
  const quant::Shape want{1, set.rows, set.cols};
  if (net.input != want)
    throw InputError("network " + net.name + ": input " + net.input.str() + ", but the images are " +
                     want.str());
  const int64_t outs = net.layers.back().out_shape.elements();
  if (outs != kClasses)
    throw InputError("network " + net.name + ": the last layer (" + net.layers.back().name +
                     ") has " + std::to_string(outs) + " outputs; the data set has " +
                     std::to_string(kClasses) + " classes");
}

void check_options(const TrainOptions& o) {
  check_bits(o.quant);
  if (o.epochs < 0) throw InputError("--epochs: must be >= 0");
  if (o.batch < 1) throw InputError("--batch: must be >= 1");
  if (!(o.lr > 0) || !std::isfinite(o.lr)) throw InputError("--lr: must be > 0");
  if (!(o.momentum >= 0 && o.momentum < 1)) throw InputError("--momentum: must be in [0, 1)");
  if (!(o.weight_decay >= 0) || !std::isfinite(o.weight_decay))
    throw InputError("--weight-decay: must be >= 0");
  if (!(o.nbq_lambda0 > 0 && o.nbq_lambda0 <= 1))
    throw InputError("--nbq-lambda0: must be in (0, 1]");
  if (o.threads < 1) throw InputError("--threads: must be >= 1");
  if (o.gsnq_fractions.empty()) throw InputError("--gsnq-steps: needs at least one fraction");
  for (size_t k = 0; k < o.gsnq_fractions.size(); ++k) {
    const double f = o.gsnq_fractions[k];
    if (!(f > 0 && f <= 1)) throw InputError("--gsnq-steps: fractions must be in (0, 1]");
    if (k > 0 && !(f > o.gsnq_fractions[k - 1]))
      throw InputError("--gsnq-steps: fractions must increase");
  }
  if (o.gsnq_fractions.back() != 1.0)
    throw InputError("--gsnq-steps: the last fraction must be 1 (the network ends quantized)");
  if (o.quant.method == Method::gsnq && o.epochs > 0) {
    int phases = 0;
    for (double f : o.gsnq_fractions) phases += f < 1.0;
    if (o.epochs < phases)
      throw InputError("--epochs: gsnq retrains after each of its " + std::to_string(phases) +
                       " partial steps, so it needs at least " + std::to_string(phases) +
                       " epochs (or 0 for quantization without retraining)");
  }
}

FloatNetwork quantize_weights(const FloatNetwork& f, const QuantSpec& spec) {
  FloatNetwork out = f;
  if (spec.method == Method::full) return out;
  for (size_t i = 0; i < out.params.size(); ++i)
    if (!out.params[i].weights.empty())
      out.params[i].weights = quantize_layer(out.params[i].weights, spec);
  return out;
}

double evaluate(const FloatNetwork& f, const ImageSet& set, int threads) {
  torch::set_num_threads(threads);
  check_fits(f.net, set);
  TorchNet m(f);
  return accuracy(*m, {}, to_data(set), pixel_table());
}

std::vector<std::vector<float>> predict(const FloatNetwork& f,
                                        const std::vector<quant::Tensor<float>>& inputs,
                                        int threads) {
  torch::set_num_threads(threads);
  TorchNet m(f);
  torch::NoGradGuard no_grad;
  std::vector<std::vector<float>> out;
  const quant::Shape& s = f.net.input;
  for (const quant::Tensor<float>& t : inputs) {
    if (t.shape != s)
      throw std::invalid_argument("predict: input " + t.shape.str() + ", network takes " + s.str());
    torch::Tensor x = from_vector(t.data, {1, s.c, s.h, s.w});
    out.push_back(to_vector(m->forward(x)));
  }
  return out;
}

TrainResult train(const FloatNetwork& init, const ImageSet& train_set, const ImageSet* test,
                  const TrainOptions& o) {
  check_options(o);
  check_fits(init.net, train_set);
  if (test) check_fits(init.net, *test);
  torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);

  const Data train_data = to_data(train_set);
  Data test_data;
  if (test) test_data = to_data(*test);
  const torch::Tensor table = pixel_table();
  TorchNet model(init);
  TorchNetImpl& m = *model;

  // The phases: one for every method but GSNQ, whose steps each freeze a larger fraction.
  struct Phase {
    double fraction;  // GSNQ only
    int epochs;
  };
  std::vector<Phase> phases;
  if (o.quant.method == Method::gsnq) {
    std::vector<int> per = gsnq_epochs(o);
    for (size_t k = 0; k < o.gsnq_fractions.size(); ++k) phases.push_back({o.gsnq_fractions[k], per[k]});
  } else {
    phases.push_back({1.0, o.epochs});
  }

  std::unique_ptr<Transform> transform;
  GsnqTransform* gsnq = nullptr;
  switch (o.quant.method) {
    case Method::full: transform = std::make_unique<FloatTransform>(); break;
    case Method::nbq: transform = std::make_unique<NbqTransform>(o); break;
    case Method::nbq_ste:
    case Method::fixed: transform = std::make_unique<SteTransform>(o.quant); break;
    case Method::gsnq: {
      auto g = std::make_unique<GsnqTransform>(m, o);
      gsnq = g.get();
      transform = std::move(g);
      break;
    }
  }

  const int64_t batches = (train_data.count + o.batch - 1) / o.batch;
  const int total_epochs = o.epochs;
  int64_t total_steps = int64_t(total_epochs) * batches;
  if (o.max_steps > 0) total_steps = std::min(total_steps, o.max_steps);

  TrainResult result;
  ProgressLine progress(o.live_progress, total_steps);
  int epoch = 0;
  bool stop = false;
  for (size_t p = 0; p < phases.size() && !stop; ++p) {
    const Phase& ph = phases[p];
    if (gsnq) {
      gsnq->freeze(m, ph.fraction);
      if (o.log) {
        progress.clear();
        *o.log << "gsnq step " << p + 1 << "/" << phases.size() << ": " << percent(ph.fraction)
               << " of the weights quantized and frozen";
        if (ph.epochs > 0) *o.log << ", retraining the rest for " << ph.epochs << " epoch(s)";
        *o.log << "\n" << std::flush;
      }
    }
    if (ph.epochs == 0) continue;
    std::unique_ptr<torch::optim::Optimizer> opt = make_optimizer(m, o);
    const int64_t phase_steps = int64_t(ph.epochs) * batches;
    int64_t phase_step = 0;
    for (int pe = 0; pe < ph.epochs && !stop; ++pe) {
      ++epoch;
      EpochStats st;
      st.epoch = epoch;
      st.gsnq_fraction = gsnq ? ph.fraction : -1;
      const auto t0 = std::chrono::steady_clock::now();
      const std::vector<int64_t> order = permutation(train_data.count, o.seed, epoch);
      double loss_sum = 0;
      int64_t correct = 0, seen = 0;
      for (int64_t b = 0; b < batches; ++b) {
        if (o.max_steps > 0 && result.steps >= o.max_steps) {
          stop = true;
          break;
        }
        const int64_t lo = b * o.batch, hi = std::min(train_data.count, lo + o.batch);
        torch::Tensor idx =
            torch::from_blob(const_cast<int64_t*>(order.data() + lo), {hi - lo}, torch::kInt64);
        torch::Tensor x = batch_input(train_data, table, idx);
        torch::Tensor y = train_data.labels.index_select(0, idx);

        double lr = o.lr;
        if (o.lr_schedule == LrSchedule::cosine)
          lr = o.lr * 0.5 * (1.0 + std::cos(kPi * double(phase_step) / double(phase_steps)));
        for (auto& g : opt->param_groups()) g.options().set_lr(lr);
        transform->before_step(result.steps, total_steps, epoch, total_epochs);

        std::vector<torch::Tensor> w = transform->train_weights(m);
        torch::Tensor logits = m.forward(x, w.empty() ? nullptr : &w);
        torch::Tensor loss = F::cross_entropy(logits, y);
        opt->zero_grad();
        loss.backward();
        opt->step();

        loss_sum += loss.item<double>() * double(hi - lo);
        correct += logits.argmax(1).eq(y).sum().item<int64_t>();
        seen += hi - lo;
        ++result.steps;
        ++phase_step;
        progress.update(epoch, total_epochs, b + 1, batches, result.steps, loss_sum / double(seen),
                        double(correct) / double(seen));
      }
      st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      st.loss = seen ? loss_sum / double(seen) : 0;
      st.train_accuracy = seen ? double(correct) / double(seen) : 0;
      st.nbq_a = transform->nbq_a();
      if (test && o.eval_each_epoch) st.test_accuracy = accuracy(m, transform->export_weights(m), test_data, table);
      result.epochs.push_back(st);
      if (o.log) {
        progress.clear();
        std::ostringstream line;
        line << "epoch " << epoch << "/" << total_epochs << "  loss " << std::fixed
             << std::setprecision(4) << st.loss << "  train " << percent(st.train_accuracy);
        if (st.test_accuracy >= 0) line << "  test " << percent(st.test_accuracy);
        if (st.nbq_a >= 0) line << "  a " << std::setprecision(4) << st.nbq_a;
        if (st.gsnq_fraction >= 0) line << "  frozen " << percent(st.gsnq_fraction);
        line << "  " << std::setprecision(1) << st.seconds << " s  (elapsed "
             << format_duration(progress.elapsed()) << ", left "
             << format_duration(time_left(progress.elapsed(), result.steps, total_steps)) << ")";
        *o.log << line.str() << "\n" << std::flush;
      }
    }
  }
  // GSNQ stopped early (max_steps): quantize what is left so the result is on the grid.
  if (gsnq && stop) gsnq->freeze(m, 1.0);
  progress.clear();

  std::vector<torch::Tensor> final_w = transform->export_weights(m);
  result.net = m.export_float(final_w.empty() ? nullptr : &final_w);
  if (test) {
    const bool fresh = !result.epochs.empty() && result.epochs.back().test_accuracy >= 0 &&
                       !stop && o.quant.method != Method::gsnq;
    result.test_accuracy = fresh ? result.epochs.back().test_accuracy
                                 : accuracy(m, final_w, test_data, table);
  }
  result.seconds = progress.elapsed();
  return result;
}

}  // namespace shiftsim::train
