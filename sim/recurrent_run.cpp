#include "sim/recurrent_run.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "common/input_error.h"
#include "models/pe_array/array_kind.h"
#include "models/recurrent/recurrent_layer.h"
#include "quant/network.h"
#include "quant/recurrent_model_file.h"
#include "quant/recurrent_quantize.h"
#include "quant/weights_gen.h"
#include "sim/output_files.h"
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
  if (req.test_images > 0) opt = "--test-images";
  else if (!req.input_npy.empty()) opt = "--input";
  else if (req.image != 0) opt = "--image";
  else if (!req.report_json.empty()) opt = "--report";
  else if (!req.csv.empty()) opt = "--csv";
  else if (!req.dump_dir.empty()) opt = "--dump-outputs";
  else if (!req.trace_layer.empty()) opt = "--vcd-layer";
  else if (!req.check) opt = "--no-check";
  if (!opt.empty())
    throw InputError(opt + " is not taken for sequence (lstm/gru) networks yet: `run` simulates one seeded "
                     "sequence and checks it against the golden executor (README, \"Not yet\")");
}

}  // namespace

bool is_sequence_run(const RunRequest& req) {
  if (!req.model_path.empty()) return quant::is_recurrent_model_file(req.model_path);
  if (req.net_path.empty()) return false;
  return has_sequence_layers(quant::load_network(req.net_path));
}

quant::RecurrentQuantizedNetwork recurrent_network_for(const RunRequest& req, const models::ArchSpec& arch) {
  if (!req.model_path.empty()) return quant::load_recurrent_network(req.model_path);
  const quant::Network net = quant::load_network(req.net_path);
  const quant::FloatNetwork f = quant::generate_weights(net, req.seed);
  std::vector<quant::Tensor<float>> calib;
  for (uint64_t k = 0; k < 4; ++k) calib.push_back(quant::generate_input(net.input, req.seed + 1000 + k));
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
    bool same = true;
    for (size_t l = 0; l < out.outputs[r].size(); ++l)
      same = same && out.outputs[r][l].data == out.golden[r].outputs[l].data;
    out.exact_sequences += same;
  }
  return out;
}

int recurrent_run_command(const RunRequest& request) {
  refuse_unsupported(request);
  OutputFiles files;
  RunRequest req = request;
  if (!req.trace.path.empty()) req.trace.path = files.file(req.trace.path, "--vcd");
  RunMachine machine = load_run_machine(req);
  if (!req.allow_over_budget) require_fit(machine.cfg, estimate_use(machine.cfg));
  const models::ArchSpec& arch = machine.cfg.arch;
  const std::string where = req.model_path.empty() ? req.net_path : req.model_path;
  const quant::RecurrentQuantizedNetwork qn = recurrent_network_for(req, arch);
  check_recurrent_fits_arch(qn, arch, where);
  const quant::Tensor<int32_t> input =
      quant::quantize_sequence_input(quant::generate_input(qn.net.input, req.seed), qn.input);
  models::SimOptions so;
  so.mode = req.mode;
  so.trace = req.trace;
  so.trace.clock = req.mode == models::SimMode::cycle;
  so.watchdog_cycles = req.watchdog_cycles;
  so.dsp_counting = machine.cfg.resources.dsp_counting;
  const auto t0 = std::chrono::steady_clock::now();
  const RecurrentOutcome out = simulate_sequences(qn, {input}, arch, so, where);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  files.commit();
  std::printf("%s on %s (%s mode): %zu recurrent passes, %llu cycles (%.3f ms at %.0f MHz), %.3f s\n",
              qn.net.name.c_str(), arch.name.c_str(), req.mode == models::SimMode::cycle ? "cycle" : "fast",
              out.sim.layers.size(), (unsigned long long)out.sim.total_cycles,
              double(out.sim.total_cycles) / arch.clock_mhz / 1000.0, arch.clock_mhz, wall);
  std::printf("%-12s %-5s %12s %12s %12s %12s %12s %8s %s\n", "layer", "kind", "cycles", "compute", "load",
              "store", "dram_bytes", "sat", "bit-exact");
  const std::vector<quant::Tensor<int32_t>>& sim_out = out.outputs.at(0);
  const quant::RecurrentGoldenRun& gold = out.golden.at(0);
  for (size_t i = 0; i < out.sim.layers.size(); ++i) {
    const models::LayerStats& st = out.sim.layers[i];
    const quant::Layer& l = qn.net.layers[st.layer_id];
    const bool exact = sim_out[st.layer_id].data == gold.outputs[st.layer_id].data;
    std::printf("%-12s %-5s %12llu %12llu %12llu %12llu %12llu %8llu %s\n", l.name.c_str(),
                quant::to_string(l.type), (unsigned long long)(st.end_cycle - st.start_cycle),
                (unsigned long long)st.compute_cycles, (unsigned long long)st.load_cycles,
                (unsigned long long)st.store_cycles,
                (unsigned long long)(st.dram_read_bytes + st.dram_write_bytes), (unsigned long long)st.saturations,
                exact ? "yes" : "NO");
  }
  if (out.exact_sequences != 1) {
    std::cerr << "shiftsim: error: the simulator's outputs differ from the golden executor's\n";
    return 4;
  }
  return 0;
}

}  // namespace shiftsim::sim
