#include "sim/test_set_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "common/input_error.h"
#include "models/act_bytes.h"
#include "quant/eval.h"
#include "quant/fixed_point.h"
#include "quant/image_input.h"
#include "quant/idx.h"
#include "sim/mapper.h"
#include "sim/output_compare.h"

namespace shiftsim::sim {

namespace {
constexpr size_t kMismatchesKept = 16;

std::vector<uint8_t> encode(const quant::Tensor<int16_t>& t, uint32_t ab) {
  std::vector<uint8_t> bytes(t.data.size() * ab);
  for (size_t i = 0; i < t.data.size(); ++i) models::store_act(&bytes[i * ab], t.data[i], ab);
  return bytes;
}

quant::Tensor<int16_t> fetch(models::HostMemory& mem, const TensorSlot& slot, uint32_t ab) {
  quant::Tensor<int16_t> t(slot.shape);
  std::vector<uint8_t> bytes(t.data.size() * ab);
  mem.read(slot.addr, bytes.data(), uint32_t(bytes.size()));
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = models::load_act(&bytes[i * ab], ab);
  return t;
}
}  // namespace

TestSetOutcome run_test_set(const Prepared& p, const RunRequest& req, uint32_t images) {
  if (images == 0 || images > 10000)
    throw InputError("--test-images " + std::to_string(images) + ": give 1..10000");
  const quant::ImageSet set = quant::load_fashion_mnist("test", images);
  quant::check_classifier(p.qn.net, set);
  std::vector<quant::Tensor<int16_t>> inputs;
  inputs.reserve(images);
  for (uint32_t i = 0; i < images; ++i)
    inputs.push_back(quant::quantize_input(quant::image_to_input(set, i), p.qn.input));

  const models::ArchSpec& arch = p.cfg.arch;
  const uint32_t ab = models::act_bytes(arch);
  Program prog = map_network(p.qn, inputs[0], arch);
  const TensorSlot in_slot = prog.input;
  const std::vector<TensorSlot> out_slots = prog.outputs;

  TestSetOutcome r;
  TestSetReport& t = r.summary;
  t.images = images;
  t.min_cycles = UINT64_MAX;
  models::SimOptions so;
  so.mode = req.mode;
  so.watchdog_cycles = req.watchdog_cycles;
  so.dsp_counting = p.cfg.resources.dsp_counting;
  so.runs = images;
  so.before_run = [&](uint32_t run, models::HostMemory& mem) {
    if (run == 0) return;  // image 0 is in the program's DRAM image
    const std::vector<uint8_t> bytes = encode(inputs[run], ab);
    mem.write(in_slot.addr, bytes.data(), uint32_t(bytes.size()));
  };
  so.after_run = [&](uint32_t run, models::HostMemory& mem) {
    quant::GoldenRun golden = quant::run_golden(p.qn, inputs[run]);
    std::vector<quant::Tensor<int16_t>> outs;
    for (const TensorSlot& slot : out_slots) outs.push_back(fetch(mem, slot, ab));
    LayerComparison exact = compare_layers(outs, golden.outputs);
    const int label = set.labels[run];
    t.sim_correct += quant::argmax(outs.back().data) == label;
    t.golden_correct += quant::argmax(golden.outputs.back().data) == label;
    if (exact.all) ++t.exact_images;
    else if (t.mismatched.size() < kMismatchesKept) t.mismatched.push_back(run);
    if (run == 0) {
      r.first.outputs = std::move(outs);
      r.first.golden = std::move(golden);
      r.first.layer_exact = std::move(exact.layer_exact);
      r.first.bit_exact = exact.all;
    }
    if (req.progress && (run + 1) % 100 == 0)
      std::fprintf(stderr, "\rimage %u of %u    %s", run + 1, images, run + 1 == images ? "\n" : "");
  };
  std::vector<uint8_t> dram;
  const auto t0 = std::chrono::steady_clock::now();
  models::SimResult sim =
      models::simulate(arch, std::move(prog.image), prog.desc_addr, prog.desc_count, so, dram);
  r.first.wall_sim_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (uint64_t c : sim.run_cycles) {
    t.min_cycles = std::min(t.min_cycles, c);
    t.max_cycles = std::max(t.max_cycles, c);
  }
  t.end_cycle = sim.total_cycles;
  // The per-layer report describes image 0: its passes are the first desc_count in the stats,
  // and every image moves the same bytes in the same bursts (the program does not depend on
  // the data), so DRAM totals divide evenly.
  sim.layers.resize(std::min<size_t>(sim.layers.size(), prog.desc_count));
  sim.actions.resize(sim.layers.size());
  if (!sim.run_end_cycles.empty()) sim.total_cycles = sim.run_end_cycles.front();
  for (uint64_t* v : {&sim.dram.read_bytes, &sim.dram.write_bytes, &sim.dram.read_bursts,
                      &sim.dram.write_bursts}) {
    if (*v % images != 0) throw std::logic_error("DRAM traffic differs between images");
    *v /= images;
  }
  r.first.sim = std::move(sim);
  r.first.checked = true;
  return r;
}

}  // namespace shiftsim::sim
