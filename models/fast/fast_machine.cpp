#include "models/fast/fast_machine.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "models/act_bytes.h"
#include "models/buffers/buffers.h"
#include "models/fast/conv_datapath.h"
#include "models/fast/fc_datapath.h"
#include "models/fast/fast_timing.h"
#include "models/fast/recurrent_fast.h"
#include "models/control/layer_plan.h"
#include "models/postproc/ppu.h"
#include "models/postproc/vector_datapath.h"
#include "models/pe_array/weight_layout.h"

namespace shiftsim::models {

namespace {

// The DRAM's contents, growing on first touch up to the configured size as the cycle-mode
// DRAM's storage does.
class FastDram : public HostMemory {
 public:
  FastDram(std::vector<uint8_t> image, uint64_t capacity) : bytes_(std::move(image)), capacity_(capacity) {}
  uint8_t* at(uint64_t addr, uint64_t len) {
    if (addr + len > capacity_)
      throw std::runtime_error("DRAM: access of " + std::to_string(len) + " bytes at address " +
                               std::to_string(addr) + " is beyond its " + std::to_string(capacity_) + " bytes");
    if (addr + len > bytes_.size()) bytes_.resize(addr + len, 0);
    return bytes_.data() + addr;
  }
  void write(uint64_t addr, const uint8_t* data, uint32_t len) override { std::memcpy(at(addr, len), data, len); }
  void read(uint64_t addr, uint8_t* data, uint32_t len) override { std::memcpy(data, at(addr, len), len); }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
  uint64_t capacity_;
};

// One pass's data, job by job: each step's input window and weights (a conv tile's steps
// multiplied together when the tile ends), the whole step on the pooling/element-wise unit,
// each tile through the PPU into DRAM.
class PassData {
 public:
  PassData(const ArchSpec& arch, FastDram& dram) : arch_(arch), dram_(dram) {}

  void run(const Descriptor& d, const LayerPlan& plan, const WeightLayout* layout, uint64_t& saturations) {
    if (run_fc(d, plan, layout, saturations)) return;
    for (const TilePlan& tile : plan.tiles) {
      const size_t pixels = size_t(tile.nr) * tile.ncol;
      if (d.op == Op::conv) {
        init_bias(d, plan.steps[tile.first_step], tile, *layout, pixels);
        uint64_t terms = 0;
        for (uint32_t s = tile.first_step; s < tile.first_step + tile.steps; ++s)
          terms += uint64_t(plan.steps[s].nc) * d.kernel * d.kernel;
        conv_.begin_tile(d, tile, terms, out_);
      }
      for (uint32_t s = tile.first_step; s < tile.first_step + tile.steps; ++s) {
        const StepPlan& step = plan.steps[s];
        const uint32_t inputs = d.op == Op::eltwise ? d.inputs : 1;
        in_.window = step.window;
        in_.data.assign(size_t(step.window.elements()) * inputs, 0);
        gather(d, d.in_addr, step.window, in_.data.data());
        if (inputs == 2) gather(d, d.in2_addr, step.window, in_.second());
        if (d.op != Op::conv) {
          out_.acc.assign(size_t(tile.mc) * pixels, 0);
          vector_.begin(d, tile, in_, out_);
          vector_.run_all();
          continue;
        }
        const uint32_t bytes = layout->block_bytes(step.group, step.mt, step.nt);
        const uint8_t* block = dram_.at(d.weight_addr + layout->block_offset(step.group, step.mt, step.nt), bytes);
        layout->unpack_values(block, tile.mc, step.nc, values_);
        conv_.add_step(step, in_, values_);
      }
      if (d.op == Op::conv) conv_.finish_tile();
      store(d, tile, saturations);
    }
  }

 private:
  // A fully connected pass (models/fast/fc_datapath.h): the input read once, each step only its
  // weight block. Not when the pass's output could overwrite its input (the general path reads
  // the input step by step, after earlier tiles' stores): false, and nothing done.
  bool run_fc(const Descriptor& d, const LayerPlan& plan, const WeightLayout* layout, uint64_t& saturations) {
    if (!layout || !FcDatapath::applies(d)) return false;
    const uint64_t ab = act_bytes(arch_);
    const uint64_t in_lo = d.in_addr, in_hi = d.in_addr + uint64_t(d.in_c) * d.in_h * d.in_w * ab;
    const uint64_t out_lo = d.out_addr + uint64_t(d.out_c_offset) * ab, out_hi = out_lo + uint64_t(d.out_c) * ab;
    if (in_lo < out_hi && out_lo < in_hi) return false;
    if (!fc_.begin(arch_, d, *layout, dram_.at(d.in_addr, in_hi - in_lo))) return false;
    for (const TilePlan& tile : plan.tiles) {
      for (uint32_t s = tile.first_step; s < tile.first_step + tile.steps; ++s) {
        const StepPlan& step = plan.steps[s];
        if (s == tile.first_step) init_bias(d, step, tile, *layout, 1);
        const uint32_t bytes = layout->block_bytes(step.group, step.mt, step.nt);
        const uint8_t* block = dram_.at(d.weight_addr + layout->block_offset(step.group, step.mt, step.nt), bytes);
        fc_.step(step, tile.mc, block, bytes, out_.acc.data());
      }
      store(d, tile, saturations);
    }
    return true;
  }

  void gather(const Descriptor& d, uint64_t base, const Window& w, int16_t* dst) {
    const uint32_t ab = act_bytes(arch_);
    for_each_window_read(d, w, [&](int32_t c, int32_t chans, int32_t y, int32_t rows, int32_t xlo, int32_t cols) {
      const uint64_t ch = uint64_t(w.ch0 + c);
      const uint8_t* src = dram_.at(base + ((ch * d.in_h + y) * d.in_w + xlo) * ab, uint64_t(chans) * rows * cols * ab);
      for (int32_t k = 0; k < chans; ++k)
        for (int32_t r = 0; r < rows; ++r) {
          int16_t* row = dst + (size_t(c + k) * w.ny + (y + r - w.y0)) * w.nx + (xlo - w.x0);
          for (int32_t x = 0; x < cols; ++x, src += ab) row[x] = load_act(src, ab);
        }
    });
  }

  void init_bias(const Descriptor& d, const StepPlan& step, const TilePlan& tile, const WeightLayout& layout,
                 size_t pixels) {
    const uint64_t oc0 = uint64_t(step.group) * layout.out_per_group() + uint64_t(step.mt) * arch_.pe_array.lanes;
    const uint8_t* b = dram_.at(d.bias_addr + oc0 * kBiasBytes, uint64_t(tile.mc) * kBiasBytes);
    out_.acc.resize(size_t(tile.mc) * pixels);
    for (uint32_t m = 0; m < tile.mc; ++m) {
      std::fill_n(out_.acc.begin() + m * pixels, pixels, read_bias(b + m * kBiasBytes));
    }
  }

  void store(const Descriptor& d, const TilePlan& tile, uint64_t& saturations) {
    const PpuOp op = ppu_op(d, arch_);
    const uint32_t ab = act_bytes(arch_);
    const size_t pixels = size_t(tile.nr) * tile.ncol;
    for (uint32_t m = 0; m < tile.mc; ++m) {
      const uint64_t ch = uint64_t(d.out_c_offset) + tile.oc0 + m;
      for (uint32_t r = 0; r < tile.nr; ++r) {
        uint8_t* dst = dram_.at(d.out_addr + ((ch * d.out_h + tile.r0 + r) * d.out_w + tile.c0) * ab,
                                uint64_t(tile.ncol) * ab);
        const int64_t* acc = out_.acc.data() + m * pixels + size_t(r) * tile.ncol;
        for (uint32_t x = 0; x < tile.ncol; ++x) store_act(dst + x * ab, ppu_output(acc[x], op, saturations), ab);
      }
    }
  }

  const ArchSpec& arch_;
  FastDram& dram_;
  ConvDatapath conv_;
  FcDatapath fc_;
  VectorDatapath vector_;
  InputHalf in_;
  OutputHalf out_;
  std::vector<int16_t> values_;
};

}  // namespace

SimResult simulate_fast(const ArchSpec& arch, std::vector<uint8_t> image, uint64_t desc_addr,
                        uint32_t desc_count, const SimOptions& options, std::vector<uint8_t>& dram_out) {
  FastDram dram(std::move(image), arch.dram.size_mib << 20);
  FastTiming timing(arch);
  // The trace shows jobs, not clocks: each unit's busy and stall intervals, the layer, tile
  // and step. Events come out of the timing in job order and reach the VCD in cycle order.
  VcdTrace trace(options.trace, arch.period_ps());
  std::vector<TraceEvent> events;
  if (trace.on()) timing.record(&events);
  PassData data(arch, dram);
  RecurrentFast recurrent(arch, timing.memory());
  const ActivityCounter counter(arch, options.dsp_counting);
  SimResult r;
  const uint64_t R = arch.host.reg_access_cycles;
  uint64_t now = 0;
  for (uint32_t run = 0; run < options.runs; ++run) {
    if (options.before_run) options.before_run(run, dram);
    now += 4 * R;  // the host writes DESC_LO, DESC_HI, DESC_COUNT and CTRL (§3)
    const uint64_t start = now;
    for (uint32_t i = 0; i < desc_count; ++i) {
      if (options.on_layer) options.on_layer(i, desc_count);
      const auto wall0 = std::chrono::steady_clock::now();
      const uint64_t at = desc_addr + uint64_t(i) * kDescriptorBytes;
      const Descriptor d = Descriptor::decode(dram.at(at, kDescriptorBytes));
      const LayerPlan plan = plan_layer(d, arch);
      std::optional<WeightLayout> layout;
      if (d.op == Op::conv) layout.emplace(d, arch);
      LayerStats st;
      st.layer_id = d.layer_id;
      st.steps = uint32_t(plan.steps.size());
      st.tiles = uint32_t(plan.tiles.size());
      st.tile_rows = d.tile_rows;
      st.tile_cols = d.tile_cols;
      events.clear();
      ComponentActions unit_acts{};
      if (is_recurrent(d.op))  // the recurrent unit's pass: its own rules and data (§11)
        recurrent.run(d, at, now, dram, st, trace.on() ? &events : nullptr, counter, unit_acts);
      else
        timing.time_pass(d, plan, layout ? &*layout : nullptr, at, now, st);
      if (trace.on()) {
        trace.set_layer(d.layer_id, now);
        std::stable_sort(events.begin(), events.end(),
                         [](const TraceEvent& a, const TraceEvent& b) { return a.cycle < b.cycle; });
        for (const TraceEvent& e : events) trace.set(e.sig, e.value, e.cycle);
      }
      if (!is_recurrent(d.op)) data.run(d, plan, layout ? &*layout : nullptr, st.saturations);
      now = st.end_cycle;
      st.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
      r.layers.push_back(st);
      r.actions.push_back(count_pass_actions(arch, options.dsp_counting, d, plan, st));
      add_actions(r.actions.back(), unit_acts);
    }
    r.run_cycles.push_back(now - start);
    now += 3 * R;  // the host reads STATUS, CYCLES_LO and CYCLES_HI
    r.run_end_cycles.push_back(now);
    if (options.after_run) options.after_run(run, dram);
  }
  r.total_cycles = now;
  r.accelerator_cycles = r.run_cycles.empty() ? 0 : r.run_cycles.front();
  r.dram = timing.dram_stats();
  trace.finish(r.total_cycles);
  dram_out = std::move(dram.bytes());
  return r;
}

}  // namespace shiftsim::models
