#include "sim/runner.h"

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "common/input_error.h"
#include "models/pe_array/array_kind.h"
#include "quant/fixed_point.h"
#include "quant/model_file.h"
#include "quant/npy.h"
#include "quant/quantize.h"
#include "quant/recurrent_model_file.h"
#include "quant/weights_gen.h"
#include "sim/model_input.h"
#include "sim/output_compare.h"
#include "sim/output_files.h"
#include "sim/recurrent_run.h"
#include "sim/report.h"
#include "sim/test_set_run.h"
#include "sim/energy_spec.h"
#include "sim/layer_passes.h"
#include "sim/resource_check.h"

namespace shiftsim::sim {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

quant::QuantOptions quant_options(const models::ArchSpec& a) {
  quant::QuantOptions o;
  o.act_bits = int(a.numerics.act_bits);
  o.weight_kind = models::array_kind_model(a).weight_code() == models::WeightCode::pow2_sign_magnitude
                      ? quant::WeightKind::pow2
                      : quant::WeightKind::fixed;
  o.weight_bits = int(a.numerics.weight_bits);
  o.acc_bits = int(a.numerics.acc_bits);
  o.overflow = a.numerics.overflow == models::OverflowPolicy::saturate ? quant::Overflow::saturate
                                                                       : quant::Overflow::wrap;
  return o;
}

void dump_outputs(const std::string& dir, const quant::QuantizedNetwork& qn,
                  const std::vector<quant::Tensor<int16_t>>& outputs) {
  for (size_t i = 0; i < outputs.size(); ++i)
    quant::write_npy(dir + "/" + qn.net.layers[i].name + ".npy", outputs[i]);
}
// A layer named on the command line, by name or by index.
int64_t layer_index(const quant::Network& net, const std::string& name) {
  const int by_name = net.index_of(name);
  if (by_name >= 0) return by_name;
  char* end = nullptr;
  const long idx = std::strtol(name.c_str(), &end, 10);
  if (!name.empty() && *end == '\0' && idx >= 0 && size_t(idx) < net.layers.size()) return idx;
  throw InputError("--vcd-layer " + name + ": no such layer in " + net.name + " (give a name or 0.." +
                   std::to_string(net.layers.size() - 1) + ")");
}
// Trace options that only make sense together.
void check_trace_options(const RunRequest& req) {
  const bool windowed = req.trace.from_cycle != 0 || req.trace.to_cycle != UINT64_MAX;
  if (req.trace.path.empty() && (windowed || !req.trace_layer.empty()))
    throw InputError("--vcd-layer, --vcd-from and --vcd-to need --vcd FILE");
  if (req.trace.from_cycle >= req.trace.to_cycle)
    throw InputError("--vcd-from " + std::to_string(req.trace.from_cycle) + " must be below --vcd-to " +
                     std::to_string(req.trace.to_cycle));
}
// The work budget, checked once the network is known and before anything large is allocated.
void check_work(const quant::Network& net, const ArchConfig& cfg, const RunRequest& req, const std::string& file) {
  check_run_work(net, cfg.arch, req.test_images, req.budget, req.allow_large, req.announce_work, file);
}
// --test-images runs many images in one simulation and always checks them all.
void check_test_set_options(const RunRequest& req) {
  if (req.test_images == 0) return;
  std::string clash;
  if (req.model_path.empty()) clash = "needs --model FILE";
  else if (!req.input_npy.empty()) clash = "cannot be combined with --input";
  else if (req.image != 0) clash = "cannot be combined with --image";
  else if (!req.trace.path.empty()) clash = "cannot be combined with --vcd";
  else if (!req.dump_dir.empty()) clash = "cannot be combined with --dump-outputs";
  else if (!req.check) clash = "always checks against the golden executor (drop --no-check)";
  if (!clash.empty()) throw InputError("--test-images " + clash);
}
}  // namespace

RunMachine load_run_machine(const RunRequest& req) {
  RunMachine m;
  m.cfg = load_arch(req.arch_path, req.sets);
  m.energy = load_energy_spec(m.cfg.energy_file);
  if (m.energy.device != m.cfg.device.name)
    throw InputError(m.cfg.energy_file + ": device: the table describes " + m.energy.device + ", but " +
                     req.arch_path + " runs on " + m.cfg.device.name +
                     " (give its table with the arch key \"energy\")");
  return m;
}

models::SimOptions sim_options(const RunRequest& req, const ArchConfig& cfg) {
  models::SimOptions so;
  so.mode = req.mode;
  so.trace = req.trace;
  so.trace.clock = req.mode == models::SimMode::cycle;
  so.watchdog_cycles = req.watchdog_cycles;
  so.dsp_counting = cfg.resources.dsp_counting;
  return so;
}

Prepared prepare(const RunRequest& req) { return prepare(req, load_run_machine(req)); }

Prepared prepare(const RunRequest& req, RunMachine machine) {
  if (req.net_path.empty() == req.model_path.empty())
    throw InputError("give exactly one of --net N.json and --model FILE");
  Prepared p;
  p.cfg = std::move(machine.cfg);                                                  // 1
  p.energy = std::move(machine.energy);
  if (!req.model_path.empty()) {  // 2-4 come from the model file
    if (quant::is_recurrent_model_file(req.model_path))
      throw InputError(req.model_path + ": a sequence (LSTM/GRU) model: `shiftsim run` runs it on the "
                       "recurrent unit, `shiftsim eval --model` gives its accuracy through the golden executor");
    p.qn = quant::load_quantized_network(req.model_path);
    size_output_entries(p.cfg, p.qn.net);
    check_model_fits_arch(p.qn, p.cfg.arch, req.model_path);
    check_work(p.qn.net, p.cfg, req, req.model_path);
    p.net_name = p.qn.net.name;
    quant::InputConversion conv;
    p.input = req.input_npy.empty() ? fashion_mnist_input(p.qn, req.image)
                                    : quant::read_input_npy(req.input_npy, p.qn.net.input, p.qn.input, &conv);
    p.input_warning = conv.warning(req.input_npy);
    return p;
  }
  const quant::Network net = quant::load_network(req.net_path);                  // 2
  size_output_entries(p.cfg, net);
  check_work(net, p.cfg, req, req.net_path);
  p.net_name = net.name;
  const quant::FixedFormat in_fmt = quant::default_input_format(int(p.cfg.arch.numerics.act_bits));
  quant::InputConversion conv;
  p.input = req.input_npy.empty()
                ? quant::quantize_input(quant::generate_input(net.input, req.seed), in_fmt)
                : quant::read_input_npy(req.input_npy, net.input, in_fmt, &conv);
  p.input_warning = conv.warning(req.input_npy);
  // 3-4: each layer's float weights generated as the quantizer reaches it, in one buffer.
  quant::FloatLayerParams layer;
  const quant::LayerParams generated = [&](size_t i) -> const quant::FloatLayerParams& {
    quant::generate_layer(net, req.seed, i, layer);
    return layer;
  };
  p.golden.emplace();
  p.qn = quant::quantize_network(net, generated, quant_options(p.cfg.arch), p.input, in_fmt, &*p.golden);
  return p;
}

RunOutcome execute(Prepared& p, const RunRequest& req) {
  RunOutcome out;
  auto t0 = std::chrono::steady_clock::now();
  if (req.check) {                                                               // 5
    out.golden = p.golden ? std::move(*p.golden) : quant::run_golden(p.qn, p.input);
    p.golden.reset();
    out.checked = true;
  }
  out.wall_golden_s = seconds_since(t0);
  Program prog = map_network(p.qn, p.input, p.cfg.arch);                   // 6
  models::SimOptions so = sim_options(req, p.cfg);
  if (!req.trace_layer.empty()) so.trace.layer = layer_index(p.qn.net, req.trace_layer);
  const uint32_t passes = prog.desc_count;
  if (req.progress)
    so.on_layer = [&](uint32_t i, uint32_t n) {
      std::fprintf(stderr, "\rpass %u of %u (layer %s)    ", i + 1, n,
                   p.qn.net.layers[size_t(prog.pass_layer[i])].name.c_str());
      if (i + 1 == passes) std::fprintf(stderr, "\n");
    };
  std::vector<uint8_t> dram;
  t0 = std::chrono::steady_clock::now();
  out.sim = models::simulate(p.cfg.arch, std::move(prog.image), prog.desc_addr, prog.desc_count, so, dram);  // 7
  out.wall_sim_s = seconds_since(t0);
  for (const TensorSlot& s : prog.outputs) out.outputs.push_back(read_tensor(dram, s, p.cfg.arch));  // 8
  if (out.checked) {
    LayerComparison c = compare_layers(out.outputs, out.golden.outputs);
    out.layer_exact = std::move(c.layer_exact);
    out.bit_exact = c.all;
  }
  return out;
}

int run_command(const RunRequest& request) {
  check_trace_options(request);
  if (is_sequence_run(request)) return recurrent_run_command(request);  // lstm/gru: the recurrent unit
  check_test_set_options(request);
  OutputFiles files;  // every output checked now, written under temporary names, moved at the end
  RunRequest req = request;
  req.announce_work = true;
  if (!req.report_json.empty()) req.report_json = files.file(req.report_json, "--report");
  if (!req.csv.empty()) req.csv = files.file(req.csv, "--csv");
  if (!req.trace.path.empty()) req.trace.path = files.file(req.trace.path, "--vcd");
  if (!req.dump_dir.empty()) req.dump_dir = files.directory(req.dump_dir, "--dump-outputs");
  const auto t0 = std::chrono::steady_clock::now();
  // A machine its device cannot hold, or a bad energy table, is refused before any work
  // (DESIGN.md "Configuration").
  RunMachine machine = load_run_machine(req);
  if (machine.cfg.arch.pe_array.impl == models::ComputeImpl::rtl && req.mode != models::SimMode::cycle)
    throw InputError("pe_array.impl rtl is cycle mode's compute unit: run with --mode cycle");
  if (!req.allow_over_budget) require_fit(machine.cfg, estimate_use(machine.cfg));
  Prepared p = prepare(req, std::move(machine));
  // The output entries' guard bits for this network (size_output_entries) cost a little more.
  if (!req.allow_over_budget && p.cfg.arch.numerics.acc_guard_bits > 0) require_fit(p.cfg, estimate_use(p.cfg));
  if (!p.input_warning.empty()) std::cerr << "shiftsim: warning: " << p.input_warning << "\n";
  const double prep = seconds_since(t0);
  const bool test_set = req.test_images > 0;
  TestSetOutcome ts;
  if (test_set) ts = run_test_set(p, req, req.test_images);
  RunOutcome out = test_set ? std::move(ts.first) : execute(p, req);
  out.wall_prepare_s = prep;
  Report rep = build_report(p, request, out);
  if (test_set) rep.test_set = ts.summary;
  if (!req.dump_dir.empty()) dump_outputs(req.dump_dir, p.qn, out.outputs);
  if (!req.report_json.empty()) write_report_json(req.report_json, rep);
  if (!req.csv.empty()) write_report_csv(req.csv, rep);
  files.commit();
  print_report_table(std::cout, rep);
  if (test_set && ts.summary.exact_images != ts.summary.images) {
    std::cerr << "shiftsim: error: the simulator's outputs differ from the golden executor's on "
              << ts.summary.images - ts.summary.exact_images << " images\n";
    return 4;
  }
  if (out.checked && !out.bit_exact) {
    std::cerr << "shiftsim: error: the simulator's outputs differ from the golden executor's\n";
    return 4;
  }
  return 0;
}

int golden_command(const RunRequest& request) {
  OutputFiles files;
  RunRequest req = request;
  req.announce_work = true;
  if (!req.dump_dir.empty()) req.dump_dir = files.directory(req.dump_dir, "--dump-outputs");
  const Prepared p = prepare(req);
  if (!p.input_warning.empty()) std::cerr << "shiftsim: warning: " << p.input_warning << "\n";
  const auto t0 = std::chrono::steady_clock::now();
  const quant::GoldenRun g = quant::run_golden(p.qn, p.input);
  const double wall = seconds_since(t0);
  if (!req.dump_dir.empty()) dump_outputs(req.dump_dir, p.qn, g.outputs);
  files.commit();
  uint64_t sat = 0;
  for (uint64_t s : g.saturations) sat += s;
  std::cout << "golden: " << p.net_name << " on " << p.cfg.arch.name << " number formats, "
            << g.outputs.size() << " layers, " << sat << " accumulator saturations, " << wall
            << " s\n";
  return 0;
}

}  // namespace shiftsim::sim
