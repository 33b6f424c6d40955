#include "models/units.h"

#include <algorithm>

#include "models/act_bytes.h"

namespace shiftsim::models {

namespace {
// Blocks until the controller publishes a layer newer than `seen`.
void next_layer(Pipeline& p, uint64_t& seen) {
  p.layers.wait_until([&](uint64_t n) { return n > seen; });
  seen = p.layers.value;
}

}  // namespace

// ---------------------------------------------------------------- load unit

LoadUnit::LoadUnit(sc_core::sc_module_name name, Pipeline& pipe, const DramTiming& timing)
    : sc_module(name), socket("socket"), p_(pipe), port_(socket, pipe, timing) {
  SC_HAS_PROCESS(LoadUnit);
  SC_THREAD(run);
}

void LoadUnit::run() {
  uint64_t seen = 0;
  for (;;) {
    next_layer(p_, seen);
    const uint32_t steps = uint32_t(p_.plan.steps.size());
    for (uint32_t s = 0; s < steps; ++s) {
      p_.steps.wait_until([&](uint64_t done) { return done + 2 > s; });  // its half is free
      p_.dma_job(Sig::dma_rd_busy, p_.current().load_cycles,
                 [&] { load_step(s); });
      p_.loads.advance(s + 1);
    }
  }
}

void LoadUnit::load_step(uint32_t s) {
  const Descriptor& d = p_.desc;
  const StepPlan& step = p_.plan.steps[s];
  InputHalf& in = p_.buffers.input[s % 2];
  in.window = step.window;
  const uint32_t inputs = d.op == Op::eltwise ? d.inputs : 1;
  in.data.assign(size_t(step.window.elements()) * inputs, 0);
  load_window(d.in_addr, step.window, in.data.data());
  if (inputs == 2) load_window(d.in2_addr, step.window, in.second());
  p_.mark(Sig::in_fill, in.data.size() * act_bytes(p_.arch));
  if (d.op != Op::conv) return;
  WeightHalf& wh = p_.buffers.weight[s % 2];
  const WeightLayout& layout = *p_.layout;
  const uint32_t bytes = layout.block_bytes(step.group, step.mt, step.nt);
  wh.block.assign(bytes, 0);
  wh.nc = step.nc;
  wh.mc = std::min(p_.arch.pe_array.lanes, layout.out_per_group() - step.mt * p_.arch.pe_array.lanes);
  port_.transfer(tlm::TLM_READ_COMMAND, d.weight_addr + layout.block_offset(step.group, step.mt, step.nt),
                 wh.block.data(), bytes);
  if (step.loads_bias) {
    const uint64_t oc0 = uint64_t(step.group) * layout.out_per_group() + step.mt * p_.arch.pe_array.lanes;
    bytes_.assign(size_t(wh.mc) * kBiasBytes, 0);
    port_.transfer(tlm::TLM_READ_COMMAND, d.bias_addr + oc0 * kBiasBytes, bytes_.data(),
                   bytes_.size());
    wh.bias.resize(wh.mc);
    for (uint32_t m = 0; m < wh.mc; ++m) {
      uint64_t v = 0;
      for (uint32_t b = 0; b < kBiasBytes; ++b) v |= uint64_t(bytes_[m * kBiasBytes + b]) << (8 * b);
      wh.bias[m] = int64_t(v);
    }
  }
  p_.mark(Sig::w_fill, bytes);
}

// Reads the part of the window inside the tensor (for_each_window_read, models/layer_plan.h).
void LoadUnit::load_window(uint64_t base, const Window& w, int16_t* dst) {
  const Descriptor& d = p_.desc;
  const uint32_t ab = act_bytes(p_.arch);
  for_each_window_read(d, w, [&](int32_t c, int32_t chans, int32_t y, int32_t rows, int32_t xlo, int32_t cols) {
    bytes_.resize(size_t(chans) * rows * cols * ab);
    const uint64_t ch = uint64_t(w.ch0 + c);
    port_.transfer(tlm::TLM_READ_COMMAND, base + ((ch * d.in_h + y) * d.in_w + xlo) * ab,
                   bytes_.data(), bytes_.size());
    const uint8_t* src = bytes_.data();
    for (int32_t k = 0; k < chans; ++k)
      for (int32_t r = 0; r < rows; ++r) {
        int16_t* row = dst + (size_t(c + k) * w.ny + (y + r - w.y0)) * w.nx + (xlo - w.x0);
        for (int32_t x = 0; x < cols; ++x, src += ab) row[x] = load_act(src, ab);
      }
  });
}

// ---------------------------------------------------------------- compute unit

ComputeUnit::ComputeUnit(sc_core::sc_module_name name, Pipeline& pipe)
    : sc_module(name), p_(pipe), conv_(pipe.arch) {
  SC_HAS_PROCESS(ComputeUnit);
  SC_THREAD(run);
}

void ComputeUnit::run() {
  uint64_t seen = 0;
  for (;;) {
    next_layer(p_, seen);
    uint64_t ready_at = p_.clock.now();
    const auto& tiles = p_.plan.tiles;
    for (uint32_t t = 0; t < tiles.size(); ++t) {
      const TilePlan& tile = tiles[t];
      p_.mark(Sig::tile, t);
      for (uint32_t s = tile.first_step; s < tile.first_step + tile.steps; ++s) {
        const bool first = s == tile.first_step, last = s + 1 == tile.first_step + tile.steps;
        p_.mark(Sig::pe_stall, 1);
        if (first) p_.stores.wait_until([&](uint64_t done) { return done + 2 > t; });  // output half free
        p_.loads.wait_until([&](uint64_t done) { return done > s; });
        p_.mark(Sig::pe_stall, 0);
        const uint64_t start = p_.clock.now();
        p_.current().stall_cycles += start - ready_at;
        p_.mark(Sig::step, s);
        p_.mark(Sig::pe_busy, 1);
        compute_step(s, t, tile, first, last);
        p_.mark(Sig::pe_busy, 0);
        ready_at = p_.clock.now();
        p_.current().compute_cycles += ready_at - start;
        p_.steps.advance(s + 1);
      }
    }
  }
}

void ComputeUnit::compute_step(uint32_t s, uint32_t t, const TilePlan& tile, bool first,
                               bool last) {
  const Descriptor& d = p_.desc;
  const StepPlan& step = p_.plan.steps[s];
  OutputHalf& out = p_.buffers.output[t % 2];
  const size_t pixels = size_t(tile.nr) * tile.ncol;
  const bool conv = d.op == Op::conv;
  if (first) {  // accumulators start at the bias (conv) or are overwritten (other ops)
    out.acc.resize(size_t(tile.mc) * pixels);
    const WeightHalf& wh = p_.buffers.weight[s % 2];
    for (uint32_t m = 0; m < tile.mc; ++m)
      std::fill_n(out.acc.begin() + m * pixels, pixels, conv ? wh.bias[m] : 0);
  }
  const InputHalf& in = p_.buffers.input[s % 2];
  uint64_t issue = 0;
  if (conv) {
    const WeightHalf& wh = p_.buffers.weight[s % 2];
    conv_.begin(d, tile, step, in, out);
    issue = conv_.issue_cycles();
    p_.layout->unpack(wh.block.data(), wh.mc, wh.nc, fields_);
    p_.spend(issue, [&](uint64_t i) { conv_.cycle(i, fields_); });
  } else {
    vector_.begin(d, tile, in, out);
    issue = vector_.issue_cycles();
    p_.spend(issue, [&](uint64_t i) { vector_.cycle(i); });
  }
  // Steps shorter than the pipeline wait for their accumulators; tiles end with a drain.
  p_.spend(step.compute_cycles - issue);
  if (last && conv) p_.spend(p_.plan.pipe_depth);
  p_.mark(Sig::out_fill, out.acc.size() * acc_bytes(p_.arch));
}

// ---------------------------------------------------------------- store unit

StoreUnit::StoreUnit(sc_core::sc_module_name name, Pipeline& pipe, const DramTiming& timing)
    : sc_module(name), socket("socket"), p_(pipe), port_(socket, pipe, timing) {
  SC_HAS_PROCESS(StoreUnit);
  SC_THREAD(run);
}

void StoreUnit::run() {
  uint64_t seen = 0;
  for (;;) {
    next_layer(p_, seen);
    const auto& tiles = p_.plan.tiles;
    for (uint32_t t = 0; t < tiles.size(); ++t) {
      p_.steps.wait_until([&](uint64_t done) { return done >= tiles[t].first_step + tiles[t].steps; });
      p_.dma_job(Sig::dma_wr_busy, p_.current().store_cycles,
                 [&] { store_tile(t); });
      p_.stores.advance(t + 1);
    }
  }
}

void StoreUnit::store_tile(uint32_t t) {
  const Descriptor& d = p_.desc;
  const TilePlan& tile = p_.plan.tiles[t];
  const OutputHalf& out = p_.buffers.output[t % 2];
  const ArchSpec& a = p_.arch;
  PpuOp op;
  op.apply_overflow = d.op == Op::conv;
  op.saturate = d.saturate != 0;
  op.acc_bits = a.numerics.acc_bits;
  op.shift = d.shift_right;
  op.relu = d.relu != 0;
  op.act_bits = a.numerics.act_bits;
  // The PPU's pipeline fills before the first value reaches the write channel.
  p_.mark(Sig::ppu_busy, 1);
  p_.spend(a.ppu.latency_cycles);
  const uint32_t ab = act_bytes(a);
  const size_t pixels = size_t(tile.nr) * tile.ncol;
  const bool whole_rows = tile.ncol == d.out_w;
  uint64_t& sat = p_.current().saturations;
  for (uint32_t m = 0; m < tile.mc; ++m) {
    const uint64_t ch = uint64_t(d.out_c_offset) + tile.oc0 + m;
    for (uint32_t r = 0; r < tile.nr; r = whole_rows ? tile.nr : r + 1) {
      const uint32_t rows = whole_rows ? tile.nr : 1;
      bytes_.resize(size_t(rows) * tile.ncol * ab);
      for (uint32_t i = 0; i < rows * tile.ncol; ++i) {
        const int16_t v = ppu_output(out.acc[m * pixels + size_t(r) * tile.ncol + i], op, sat);
        store_act(&bytes_[i * ab], v, ab);
      }
      const uint64_t addr = d.out_addr + ((ch * d.out_h + tile.r0 + r) * d.out_w + tile.c0) * ab;
      port_.transfer(tlm::TLM_WRITE_COMMAND, addr, bytes_.data(), bytes_.size());
    }
  }
  p_.mark(Sig::ppu_busy, 0);
}

}  // namespace shiftsim::models
