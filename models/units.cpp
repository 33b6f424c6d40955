#include "models/units.h"

#include <algorithm>

#include "models/act_bytes.h"

namespace shiftsim::models {

// ---------------------------------------------------------------- load unit

LoadUnit::LoadUnit(sc_core::sc_module_name name, Pipeline& pipe, const DramTiming& timing)
    : sc_module(name), socket("socket"), clk("clk"), layer("layer"), in_filled("in_filled", 2),
      in_freed("in_freed", 2), p_(pipe), port_(socket, pipe, timing) {
  SC_HAS_PROCESS(LoadUnit);
  SC_THREAD(run);
  sensitive << clk.pos();
  dont_initialize();
}

void LoadUnit::run() {
  uint32_t seen = 0;
  for (;;) {
    wait_until(layer.value_changed_event(), [&] { return layer.read() != seen; });
    seen = layer.read();
    const uint32_t steps = uint32_t(p_.plan.steps.size());
    for (uint32_t s = 0; s < steps; ++s) {
      const uint32_t h = s % 2;
      // its half is free once the compute unit's toggle equals ours
      wait_until(in_freed[h].value_changed_event(), [&] { return in_freed[h].read() == filled_[h]; });
      p_.dma_job(Sig::dma_rd_busy, p_.current().load_cycles, [&] { load_step(s); });
      filled_[h] = !filled_[h];
      in_filled[h].write(filled_[h]);
      p_.mark(Sig::in_filled, filled_[0] | (filled_[1] << 1));
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

// ---------------------------------------------------------------- store unit

StoreUnit::StoreUnit(sc_core::sc_module_name name, Pipeline& pipe, const DramTiming& timing)
    : sc_module(name), socket("socket"), clk("clk"), layer("layer"), out_filled("out_filled", 2),
      out_freed("out_freed", 2), layer_done("layer_done"), p_(pipe), port_(socket, pipe, timing) {
  SC_HAS_PROCESS(StoreUnit);
  SC_THREAD(run);
  sensitive << clk.pos();
  dont_initialize();
}

void StoreUnit::run() {
  uint32_t seen = 0;
  for (;;) {
    wait_until(layer.value_changed_event(), [&] { return layer.read() != seen; });
    seen = layer.read();
    const uint32_t tiles = uint32_t(p_.plan.tiles.size());
    for (uint32_t t = 0; t < tiles; ++t) {
      const uint32_t h = t % 2;
      wait_until(out_filled[h].value_changed_event(), [&] { return out_filled[h].read() != freed_[h]; });
      p_.dma_job(Sig::dma_wr_busy, p_.current().store_cycles, [&] { store_tile(t); });
      freed_[h] = !freed_[h];
      out_freed[h].write(freed_[h]);
      p_.mark(Sig::out_freed, freed_[0] | (freed_[1] << 1));
    }
    done_ = !done_;
    layer_done.write(done_);
  }
}

void StoreUnit::store_tile(uint32_t t) {
  const Descriptor& d = p_.desc;
  const TilePlan& tile = p_.plan.tiles[t];
  const OutputHalf& out = p_.buffers.output[t % 2];
  const bool biased = d.op == Op::conv;
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
        const int64_t acc = out.acc[m * pixels + size_t(r) * tile.ncol + i] + (biased ? out.bias[m] : 0);
        const int16_t v = ppu_output(acc, op, sat);
        store_act(&bytes_[i * ab], v, ab);
      }
      const uint64_t addr = d.out_addr + ((ch * d.out_h + tile.r0 + r) * d.out_w + tile.c0) * ab;
      port_.transfer(tlm::TLM_WRITE_COMMAND, addr, bytes_.data(), bytes_.size());
    }
  }
  p_.mark(Sig::ppu_busy, 0);
}

}  // namespace shiftsim::models
