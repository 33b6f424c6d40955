#include "sim/recurrent_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <cstdio>
#include <iostream>

#include "common/input_error.h"
#include "models/pe_array/array_kind.h"
#include "models/recurrent/recurrent_layer.h"
#include "quant/network.h"
#include "quant/recurrent_model_file.h"
#include "quant/recurrent_quantize.h"
#include "quant/sequence_data.h"
#include "quant/weights_gen.h"
#include "sim/output_files.h"
#include "sim/recurrent_report.h"
#include "quant/npy.h"
#include "sim/resource_check.h"

namespace shiftsim::sim {

namespace {

bool has_sequence_layers(const quant::Network& net) {
  for (const quant::Layer& l : net.layers)
    if (quant::is_recurrent(l.type) || l.type == quant::LayerType::embedding || l.per_step) return true;
  return false;
}

// Options a sequence run does not take yet, refused by name rather than ignored.
void refuse_unsupported(const RunRequest& req) {
  std::string opt;
  if (req.test_images > 0 && req.model_path.empty())
    throw InputError("--test-images needs --model FILE (a trained sequence model)");
  if (req.test_images > 0 && !req.trace.path.empty()) opt = "--vcd with --test-images";
  else if (req.test_images > 0 && !req.dump_dir.empty()) opt = "--dump-outputs with --test-images";
  else if (!req.input_npy.empty()) opt = "--input";
  else if (req.image != 0) opt = "--image";
  else if (!req.trace_layer.empty()) opt = "--vcd-layer";
  else if (!req.check) opt = "--no-check";
  if (!opt.empty())
    throw InputError(opt + " is not taken for sequence (lstm/gru) networks yet: `run` simulates one seeded "
                     "sequence, or the test split with --test-images, and checks it against the golden "
                     "executor (README, \"Not yet\")");
}

}  // namespace

quant::Tensor<float> random_sequence_input(const quant::Network& net, uint64_t seed) {
  for (const quant::Layer& l : net.layers)
    if (l.inputs[0] == quant::kNetworkInput && l.type == quant::LayerType::embedding) {
      std::mt19937_64 rng(seed);  // token ids, uniform over the vocabulary
      quant::Tensor<float> ids(net.input);
      for (float& v : ids.data) v = float(std::uniform_int_distribution<int>(0, l.vocab_size - 1)(rng));
      return ids;
    }
  return quant::generate_input(net.input, seed);
}

bool is_sequence_run(const RunRequest& req) {
  // A file that cannot be read is the CNN path's to report, with its usual order of checks.
  try {
    if (!req.model_path.empty()) return req.net_path.empty() && quant::is_recurrent_model_file(req.model_path);
    if (req.net_path.empty()) return false;
    return has_sequence_layers(quant::load_network(req.net_path));
  } catch (const InputError&) {
    return false;
  }
}

quant::RecurrentQuantizedNetwork recurrent_network_for(const RunRequest& req, const models::ArchSpec& arch) {
  if (!req.model_path.empty()) return quant::load_recurrent_network(req.model_path);
  const quant::Network net = quant::load_network(req.net_path);
  const quant::FloatNetwork f = quant::generate_weights(net, req.seed);
  std::vector<quant::Tensor<float>> calib;
  for (uint64_t k = 0; k < 4; ++k) calib.push_back(random_sequence_input(net, req.seed + 1000 + k));
  quant::RecurrentQuantOptions o;
  const bool pow2 = models::array_kind_model(arch).weight_code() == models::WeightCode::pow2_sign_magnitude;
  o.pow2_matrices = pow2;
  o.acc_bits = int(arch.numerics.acc_bits);
  const int wb = std::min(16, int(arch.numerics.weight_bits));
  for (size_t i = 0; i < net.layers.size(); ++i) {
    quant::RecurrentTensorBits b;
    b.weights = b.recurrent = pow2 ? std::min(5, wb) : wb;
    o.layers.push_back(b);
  }
  return quant::quantize_recurrent(f, quant::calibrate_recurrent(f, calib), o);
}

RecurrentOutcome simulate_sequences(const quant::RecurrentQuantizedNetwork& qn,
                                    const std::vector<quant::Tensor<int32_t>>& inputs,
                                    const models::ArchSpec& arch, const models::SimOptions& options,
                                    const std::string& where) {
  RecurrentOutcome out;
  RecurrentProgram prog = map_recurrent_network(qn, inputs.at(0), arch, where);
  for (const quant::Tensor<int32_t>& x : inputs) out.golden.push_back(quant::run_recurrent_golden(qn, x));
  models::SimOptions so = options;
  so.runs = uint32_t(inputs.size());
  so.before_run = [&](uint32_t run, models::HostMemory& mem) {
    if (run == 0) return;  // the image holds the first sequence
    std::vector<uint8_t> bytes(inputs[run].data.size() * models::kSeqBytes);
    write_sequence_tensor(bytes.data(), inputs[run]);
    mem.write(prog.input.addr, bytes.data(), uint32_t(bytes.size()));
  };
  so.after_run = [&](uint32_t, models::HostMemory& mem) {
    std::vector<quant::Tensor<int32_t>> layers;
    for (const TensorSlot& s : prog.outputs) {
      std::vector<uint8_t> bytes(size_t(s.shape.c) * s.shape.h * s.shape.w * models::kSeqBytes);
      mem.read(s.addr, bytes.data(), uint32_t(bytes.size()));
      layers.push_back(read_sequence_tensor(bytes.data(), s.shape));
    }
    out.outputs.push_back(std::move(layers));
  };
  std::vector<uint8_t> dram;
  out.sim = models::simulate(arch, std::move(prog.image), prog.desc_addr, prog.desc_count, so, dram);
  for (size_t r = 0; r < out.outputs.size(); ++r) {
    out.compared.push_back(compare_layers(out.outputs[r], out.golden[r].outputs));
    out.exact_sequences += out.compared.back().all;
  }
  return out;
}

namespace {

size_t argmax(const std::vector<int32_t>& v) { return size_t(std::max_element(v.begin(), v.end()) - v.begin()); }

// --test-images N: the first N sequences of the classifier's test split (and their labels).
quant::SequenceTask test_split(const RunRequest& req, const quant::RecurrentQuantizedNetwork& qn) {
  return quant::sequence_task(qn.net, quant::SequenceSplit::test, req.test_images, {});
}

// A language model's word perplexity from its outputs (T x V logits a sequence, in `fmt`) and
// the next token of every step: exp of the mean of log-sum-exp minus the target's logit.
double perplexity(const std::vector<const quant::Tensor<int32_t>*>& logits, const quant::SequenceTask& task,
                  quant::FixedFormat fmt) {
  double nll = 0;
  size_t n = 0;
  for (size_t r = 0; r < logits.size(); ++r) {
    const quant::Tensor<int32_t>& y = *logits[r];
    const size_t T = task.targets[r].size(), V = y.data.size() / T;
    for (size_t t = 0; t < T; ++t) {
      const int32_t* row = y.data.data() + t * V;
      double m = -1e300;
      for (size_t v = 0; v < V; ++v) m = std::max(m, std::ldexp(double(row[v]), -fmt.frac));
      double s = 0;
      for (size_t v = 0; v < V; ++v) s += std::exp(std::ldexp(double(row[v]), -fmt.frac) - m);
      nll += m + std::log(s) - std::ldexp(double(row[size_t(task.targets[r][t])]), -fmt.frac);
      ++n;
    }
  }
  return std::exp(nll / double(n));
}

// The accuracy as the simulated hardware computes it, against the golden executor's.
TestSetReport score(const RecurrentOutcome& out, const quant::SequenceTask& task) {
  TestSetReport t;
  t.images = uint32_t(out.outputs.size());
  for (size_t r = 0; r < out.outputs.size(); ++r) {
    if (task.kind == quant::SequenceKind::classify) {
      t.sim_correct += argmax(out.outputs[r].back().data) == size_t(task.labels[r]);
      t.golden_correct += argmax(out.golden[r].outputs.back().data) == size_t(task.labels[r]);
    }
    const bool same = out.compared[r].all;
    t.exact_images += same;
    if (!same && t.mismatched.size() < 10) t.mismatched.push_back(uint32_t(r));
  }
  const auto [lo, hi] = std::minmax_element(out.sim.run_cycles.begin(), out.sim.run_cycles.end());
  t.min_cycles = *lo;
  t.max_cycles = *hi;
  t.end_cycle = out.sim.total_cycles;
  return t;
}

}  // namespace

int recurrent_run_command(const RunRequest& request) {
  refuse_unsupported(request);
  OutputFiles files;  // every output checked now, written under temporary names, moved at the end
  RunRequest req = request;
  if (!req.report_json.empty()) req.report_json = files.file(req.report_json, "--report");
  if (!req.csv.empty()) req.csv = files.file(req.csv, "--csv");
  if (!req.trace.path.empty()) req.trace.path = files.file(req.trace.path, "--vcd");
  if (!req.dump_dir.empty()) req.dump_dir = files.directory(req.dump_dir, "--dump-outputs");
  RunMachine machine = load_run_machine(req);
  // The machine that runs sequence networks carries the recurrent unit's activation and
  // element-wise units: they count against the device and in the report.
  machine.cfg.resources.recurrent_units = true;
  if (!req.allow_over_budget) require_fit(machine.cfg, estimate_use(machine.cfg));
  const models::ArchSpec& arch = machine.cfg.arch;
  const std::string where = req.model_path.empty() ? req.net_path : req.model_path;
  // The work budget, as a CNN run's, before any weight is generated or any sequence simulated
  // (a model file's network is known only once it is read; its size bounds what that costs).
  auto check_work = [&](const quant::Network& net) {
    check_run_work(net, arch, req.test_images, req.budget, req.allow_large, true, where);
  };
  if (req.model_path.empty()) check_work(quant::load_network(req.net_path));
  const quant::RecurrentQuantizedNetwork qn = recurrent_network_for(req, arch);
  if (!req.model_path.empty()) check_work(qn.net);
  check_recurrent_fits_arch(qn, arch, where);
  // 1. The sequences: the classifier's test split, or one generated from the seed.
  quant::SequenceTask task;
  std::vector<quant::Tensor<int32_t>> inputs;
  if (req.test_images > 0) {
    task = test_split(req, qn);
    for (const quant::Tensor<float>& x : task.inputs) inputs.push_back(quant::quantize_sequence_input(x, qn.input));
  } else {
    inputs.push_back(quant::quantize_sequence_input(random_sequence_input(qn.net, req.seed), qn.input));
  }
  // 2. One simulation, every sequence checked against the golden executor.
  const models::SimOptions so = sim_options(req, machine.cfg);
  const auto t0 = std::chrono::steady_clock::now();
  const RecurrentOutcome out = simulate_sequences(qn, inputs, arch, so, where);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // 3. The report of the first sequence (and the test split's score).
  Report rep = build_recurrent_report(machine, req, qn, out, qn.net.layers.size());
  rep.wall_sim_s = wall;
  const TestSetReport ts = req.test_images > 0 ? score(out, task) : TestSetReport{};
  // The report's test-set section scores a classifier; a language model's perplexity is printed below.
  if (req.test_images > 0 && task.kind == quant::SequenceKind::classify) rep.test_set = ts;
  if (!req.dump_dir.empty())
    for (size_t i = 0; i < qn.net.layers.size(); ++i)
      quant::write_npy(req.dump_dir + "/" + qn.net.layers[i].name + ".npy", out.outputs.at(0).at(i));
  if (!req.report_json.empty()) write_report_json(req.report_json, rep);
  if (!req.csv.empty()) write_report_csv(req.csv, rep);
  files.commit();
  const size_t n = inputs.size();
  std::printf("%s on %s (%s mode): %zu sequence%s in one simulation, every layer a pass of the recurrent unit; "
              "bit-exact sequences %u of %zu\n",
              qn.net.name.c_str(), arch.name.c_str(), req.mode == models::SimMode::cycle ? "cycle" : "fast", n,
              n == 1 ? "" : "s", out.exact_sequences, n);
  if (req.test_images > 0 && task.kind == quant::SequenceKind::language) {
    std::vector<const quant::Tensor<int32_t>*> sim_y, gold_y;
    for (size_t r = 0; r < n; ++r) {
      sim_y.push_back(&out.outputs[r].back());
      gold_y.push_back(&out.golden[r].outputs.back());
    }
    const quant::FixedFormat f = qn.layers.back().out;
    std::printf("perplexity through the simulator %.3f on %zu windows, golden executor %.3f; accelerator cycles per "
                "window %llu..%llu; total %llu cycles\n",
                perplexity(sim_y, task, f), n, perplexity(gold_y, task, f), (unsigned long long)ts.min_cycles,
                (unsigned long long)ts.max_cycles, (unsigned long long)out.sim.total_cycles);
  } else if (req.test_images > 0) {
    const TestSetReport& t = ts;
    std::printf("accuracy through the simulator %.2f%% (%u of %zu), golden executor %.2f%%; accelerator cycles per "
                "sequence %llu..%llu; total %llu cycles\n",
                100.0 * t.sim_correct / double(n), t.sim_correct, n, 100.0 * t.golden_correct / double(n),
                (unsigned long long)t.min_cycles, (unsigned long long)t.max_cycles,
                (unsigned long long)out.sim.total_cycles);
  }
  std::fflush(stdout);
  print_report_table(std::cout, rep);
  if (out.exact_sequences != n) {
    std::cerr << "shiftsim: error: the simulator's outputs differ from the golden executor's on "
              << n - out.exact_sequences << " of " << n << " sequences\n";
    return 4;
  }
  return 0;
}

}  // namespace shiftsim::sim
