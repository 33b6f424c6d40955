#include "train/sequence_trainer.h"

#include <chrono>
#include <cmath>
#include <string>

#include <torch/torch.h>

#include "common/input_error.h"
#include "train/batches.h"
#include "train/sequence_net.h"

namespace shiftsim::train {

namespace {

using quant::SequenceKind;
using quant::SequenceTask;

// A task as two tensors: inputs [N, C, H*W] and targets ([N] labels or [N, T] next tokens).
struct SeqData {
  torch::Tensor x, y;
  int64_t count = 0;
};

SeqData to_tensors(const quant::Network& net, const SequenceTask& t, const char* what) {
  if (t.inputs.empty()) throw InputError(std::string("sequence training: the ") + what + " set is empty");
  const quant::Shape s = net.input;
  SeqData d;
  d.count = int64_t(t.inputs.size());
  d.x = torch::empty({d.count, s.c, int64_t(s.h) * s.w});
  float* px = d.x.data_ptr<float>();
  for (size_t k = 0; k < t.inputs.size(); ++k) {
    if (t.inputs[k].shape != s)
      throw InputError(std::string("sequence training: ") + what + " sample " + std::to_string(k) +
                       " is " + t.inputs[k].shape.str() + ", network " + net.name + " takes " + s.str());
    std::copy(t.inputs[k].data.begin(), t.inputs[k].data.end(), px + k * size_t(s.elements()));
  }
  if (t.kind == SequenceKind::classify) {
    d.y = torch::tensor(std::vector<int64_t>(t.labels.begin(), t.labels.end()), torch::kInt64);
  } else {
    std::vector<int64_t> all;
    for (const auto& v : t.targets) all.insert(all.end(), v.begin(), v.end());
    d.y = torch::tensor(all, torch::kInt64).view({d.count, -1});
  }
  return d;
}

// Mean cross entropy of a batch's outputs [B, classes] or [B, T*V] against its targets.
torch::Tensor loss_of(const torch::Tensor& out, const torch::Tensor& y) {
  if (y.dim() == 1) return torch::nn::functional::cross_entropy(out, y);
  const int64_t T = y.size(1);
  return torch::nn::functional::cross_entropy(out.view({out.size(0) * T, -1}), y.reshape({-1}));
}

// Accuracy or perplexity of the module on a task, in eval mode.
double score(SequenceNetImpl& m, const SeqData& d, SequenceKind kind) {
  torch::NoGradGuard no_grad;
  m.eval();
  double correct = 0, nll = 0;
  int64_t tokens = 0;
  for (int64_t s = 0; s < d.count; s += 256) {
    const int64_t n = std::min<int64_t>(256, d.count - s);
    const torch::Tensor out = m.forward(d.x.narrow(0, s, n));
    const torch::Tensor y = d.y.narrow(0, s, n);
    if (kind == SequenceKind::classify) {
      correct += out.argmax(1).eq(y).sum().item<double>();
    } else {
      nll += loss_of(out, y).item<double>() * double(y.numel());
      tokens += y.numel();
    }
  }
  m.train();
  return kind == SequenceKind::classify ? correct / double(d.count) : std::exp(nll / double(tokens));
}

void check(const SequenceTrainOptions& o) {
  if (o.epochs < 0) throw InputError("--epochs: must be >= 0");
  if (o.batch < 1) throw InputError("--batch: must be >= 1");
  if (!(o.lr > 0)) throw InputError("--lr: must be > 0");
  if (!(o.weight_decay >= 0)) throw InputError("--weight-decay: must be >= 0");
  if (!(o.clip >= 0)) throw InputError("--clip: must be >= 0");
  if (!(o.dropout >= 0 && o.dropout <= 0.9)) throw InputError("--dropout: must be in 0..0.9");
  if (o.threads < 1) throw InputError("--threads: must be >= 1");
}

}  // namespace

double torch_score(const quant::FloatNetwork& f, const SequenceTask& task, int threads) {
  torch::set_num_threads(threads);
  SequenceNet m(f);
  return score(*m, to_tensors(f.net, task, "evaluation"), task.kind);
}

SequenceTrainResult train_sequence(const quant::FloatNetwork& init, const SequenceTask& train_task,
                                   const SequenceTask* eval, const SequenceTrainOptions& o) {
  check(o);
  const auto t_start = std::chrono::steady_clock::now();
  torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);
  const SeqData data = to_tensors(init.net, train_task, "training");
  SeqData eval_data;
  if (eval) eval_data = to_tensors(init.net, *eval, "evaluation");
  SequenceNet model(init);
  SequenceNetImpl& m = *model;
  m.train();
  torch::optim::Adam opt(m.parameters(), torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));
  const int64_t per_epoch = (data.count + o.batch - 1) / o.batch;
  int64_t total = per_epoch * o.epochs;
  if (o.max_steps > 0) total = std::min(total, o.max_steps);
  SequenceTrainResult r;
  for (int e = 1; e <= o.epochs && r.steps < total; ++e) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<int64_t> perm = permutation(data.count, o.seed, e);
    const torch::Tensor order = torch::tensor(perm, torch::kInt64);
    double loss_sum = 0;
    int64_t batches = 0;
    for (int64_t b = 0; b < per_epoch && r.steps < total; ++b, ++r.steps) {
      // Cosine decay of the learning rate over the whole run, to zero at the last step.
      const double lr = 0.5 * o.lr * (1 + std::cos(M_PI * double(r.steps) / double(total)));
      for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
      const torch::Tensor idx = order.narrow(0, b * o.batch, std::min<int64_t>(o.batch, data.count - b * o.batch));
      opt.zero_grad();
      const torch::Tensor loss = loss_of(m.forward(data.x.index_select(0, idx), o.dropout),
                                         data.y.index_select(0, idx));
      loss.backward();
      if (o.clip > 0) torch::nn::utils::clip_grad_norm_(m.parameters(), o.clip);
      opt.step();
      loss_sum += loss.item<double>();
      ++batches;
    }
    SequenceEpoch ep;
    ep.epoch = e;
    ep.loss = loss_sum / double(std::max<int64_t>(batches, 1));
    ep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (eval) ep.metric = score(m, eval_data, eval->kind);
    if (o.log) {
      *o.log << "epoch " << e << ": loss " << ep.loss;
      if (eval) *o.log << (eval->kind == SequenceKind::classify ? ", held-out accuracy " : ", held-out perplexity ")
                       << (eval->kind == SequenceKind::classify ? 100 * ep.metric : ep.metric)
                       << (eval->kind == SequenceKind::classify ? "%" : "");
      *o.log << ", " << ep.seconds << " s" << std::endl;
    }
    r.epochs.push_back(ep);
  }
  r.net = m.export_float();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return r;
}

}  // namespace shiftsim::train
