#include "models/memory/load_store_units.h"

#include <algorithm>

#include "models/act_bytes.h"

namespace shiftsim::models {

// ---------------------------------------------------------------- load unit

LoadUnit::LoadUnit(sc_core::sc_module_name name, UnitEnv& env, const DramTiming& timing)
    : sc_module(name), clk("clk"), layer("layer"), in_filled("in_filled", 2), in_freed("in_freed", 2),
      input("input"), weights("weights"), env_(env), engine_("read_engine", env, timing, DramInitiator::load) {
  engine_.clk(clk);
  SC_HAS_PROCESS(LoadUnit);
  SC_THREAD(run);
  sensitive << clk.pos();
  dont_initialize();
}

void LoadUnit::run() {
  for (;;) {
    wait_until(layer.value_changed_event(), [&] { return layer.read().seq != job_.seq; });
    job_ = layer.read();
    passes_.emplace_back();
    const uint32_t steps = uint32_t(job_->plan.steps.size());
    for (uint32_t s = 0; s < steps; ++s) {
      const uint32_t h = s % 2;
      // Its half is free once the compute unit has released what the last job into it filled.
      wait_until(in_freed[h].value_changed_event(), [&] { return in_freed[h].read() == handed_[h]; });
      handed_[h] = !handed_[h];
      load_step(s);
      sc_core::wait();  // one job handed to the engine a cycle
    }
  }
}

// Hands step s's job to the read engine: in order the input window(s), the weight block and
// the tile's bias. Window data lands in the half's staging area and is placed into the banks'
// layout when the job is done.
void LoadUnit::load_step(uint32_t s) {
  const Descriptor& d = job_->desc;
  const StepPlan& step = job_->plan.steps[s];
  Staging& st = staging_[s % 2];
  st.reads.clear();
  uint64_t staged = 0;
  const uint32_t inputs = d.op == Op::eltwise ? d.inputs : 1;
  plan_window(d.in_addr, step.window, 0, staged, st);
  if (inputs == 2) plan_window(d.in2_addr, step.window, 1, staged, st);
  const uint32_t lanes = env_.arch.pe_array.lanes;
  uint32_t mc = 0;
  if (d.op == Op::conv) {
    mc = std::min(lanes, job_->layout->out_per_group() - step.mt * lanes);
    st.bias_at = staged;
    if (step.loads_bias) staged += uint64_t(mc) * kBiasBytes;
  }
  st.bytes.assign(staged, 0);
  for (const WindowRead& r : st.reads) engine_.add(r.addr, st.bytes.data() + r.at, r.bytes);
  if (d.op == Op::conv) {
    const WeightLayout& layout = *job_->layout;
    const uint32_t bytes = layout.block_bytes(step.group, step.mt, step.nt);
    engine_.add(d.weight_addr + layout.block_offset(step.group, step.mt, step.nt),
                weights->block(s % 2, bytes, mc, step.nc), bytes);
    if (step.loads_bias) {
      const uint64_t oc0 = uint64_t(step.group) * layout.out_per_group() + step.mt * lanes;
      engine_.add(d.bias_addr + oc0 * kBiasBytes, st.bytes.data() + st.bias_at, uint64_t(mc) * kBiasBytes);
    }
  }
  env_.mark(Sig::dma_rd_busy, 1);
  const uint64_t handed = env_.clock.now();
  engine_.submit([this, s, handed] { finish_step(s, handed); });
}

// In the cycle of the job's last beat: the data into the half's layout, the half filled.
void LoadUnit::finish_step(uint32_t s, uint64_t handed) {
  const uint32_t h = s % 2;
  const Staging& st = staging_[h];
  const Descriptor& d = job_->desc;
  const StepPlan& step = job_->plan.steps[s];
  const uint32_t inputs = d.op == Op::eltwise ? d.inputs : 1;
  const uint32_t ab = act_bytes(env_.arch);
  input->fill(h, step.window, inputs, ab, st.bytes.data(), st.reads);
  ComponentActions& acts = passes_.back().actions;
  env_.activity.input_fill(double(step.window.elements()) * inputs, acts);
  if (d.op == Op::conv) {
    const uint32_t lanes = env_.arch.pe_array.lanes;
    const uint32_t mc = std::min(lanes, job_->layout->out_per_group() - step.mt * lanes);
    if (step.loads_bias) weights->bias(h, st.bytes.data() + st.bias_at, mc);
    env_.activity.weight_fill(mc, step.nc, d.kernel, acts);
  }
  // The job ends after this cycle; busy cycles of overlapping jobs count once.
  const uint64_t end = env_.clock.now() + 1;
  passes_.back().stats.load_cycles += end - std::max(handed, std::min(busy_until_, end));
  busy_until_ = end;
  filled_[h] = !filled_[h];
  in_filled[h].write(filled_[h]);
  env_.mark(Sig::in_filled, filled_[0] | (filled_[1] << 1));
  if (engine_.idle()) env_.mark(Sig::dma_rd_busy, 0);
}

// The DRAM reads of the part of the window inside the tensor (for_each_window_read,
// models/control/layer_plan.h), staged one after another from `staged` on.
void LoadUnit::plan_window(uint64_t base, const Window& w, uint32_t input, uint64_t& staged, Staging& st) {
  const Descriptor& d = job_->desc;
  const uint32_t ab = act_bytes(env_.arch);
  for_each_window_read(d, w, [&](int32_t c, int32_t chans, int32_t y, int32_t rows, int32_t xlo, int32_t cols) {
    WindowRead r;
    const uint64_t ch = uint64_t(w.ch0 + c);
    r.addr = base + ((ch * d.in_h + y) * d.in_w + xlo) * ab;
    r.bytes = uint64_t(chans) * rows * cols * ab;
    r.at = staged;
    r.input = input;
    r.c = c;
    r.chans = chans;
    r.y = y;
    r.rows = rows;
    r.xlo = xlo;
    r.cols = cols;
    staged += r.bytes;
    st.reads.push_back(r);
  });
}

// ---------------------------------------------------------------- store unit

StoreUnit::StoreUnit(sc_core::sc_module_name name, UnitEnv& env, const DramTiming& timing)
    : sc_module(name), clk("clk"), layer("layer"), out_filled("out_filled", 2), out_freed("out_freed", 2),
      layer_done("layer_done"), output("output"), env_(env),
      engine_("write_engine", env, timing, DramInitiator::store) {
  engine_.clk(clk);
  SC_HAS_PROCESS(StoreUnit);
  SC_THREAD(run);
  sensitive << clk.pos();
  dont_initialize();
}

void StoreUnit::run() {
  for (;;) {
    wait_until(layer.value_changed_event(), [&] { return layer.read().seq != job_.seq; });
    job_ = layer.read();
    passes_.emplace_back();
    const uint32_t tiles = uint32_t(job_->plan.tiles.size());
    for (uint32_t t = 0; t < tiles; ++t) {
      const uint32_t h = t % 2;
      wait_until(out_filled[h].value_changed_event(), [&] { return out_filled[h].read() != freed_[h]; });
      const uint64_t start = env_.clock.now();
      env_.mark(Sig::dma_wr_busy, 1);
      store_tile(t);
      env_.mark(Sig::dma_wr_busy, 0);
      passes_.back().stats.store_cycles += env_.clock.now() - start;
      freed_[h] = !freed_[h];
      out_freed[h].write(freed_[h]);
      env_.mark(Sig::out_freed, freed_[0] | (freed_[1] << 1));
    }
    done_ = !done_;
    layer_done.write(done_);
  }
}

void StoreUnit::store_tile(uint32_t t) {
  const Descriptor& d = job_->desc;
  const TilePlan& tile = job_->plan.tiles[t];
  const OutputHalf& out = output->contents(t % 2);
  const bool biased = d.op == Op::conv;
  const ArchSpec& a = env_.arch;
  const PpuOp op = ppu_op(d, a);
  // The PPU reads the tile out at the write channel's rate after its pipeline fills; the
  // write engine's beats wait for its values.
  env_.mark(Sig::ppu_busy, 1);
  const uint32_t ab = act_bytes(a);
  const size_t pixels = size_t(tile.nr) * tile.ncol;
  const bool whole_rows = tile.ncol == d.out_w;
  uint64_t& sat = passes_.back().stats.saturations;
  env_.activity.tile_out(tile, passes_.back().actions);
  bytes_.resize(size_t(tile.mc) * pixels * ab);
  uint8_t* dst = bytes_.data();
  for (uint32_t m = 0; m < tile.mc; ++m) {
    const uint64_t ch = uint64_t(d.out_c_offset) + tile.oc0 + m;
    for (uint32_t r = 0; r < tile.nr; r = whole_rows ? tile.nr : r + 1) {
      const uint32_t rows = whole_rows ? tile.nr : 1;
      for (uint32_t i = 0; i < rows * tile.ncol; ++i) {
        const int64_t acc = out.acc[m * pixels + size_t(r) * tile.ncol + i] + (biased ? out.bias[m] : 0);
        store_act(dst + i * ab, ppu_output(acc, op, sat), ab);
      }
      const uint64_t addr = d.out_addr + ((ch * d.out_h + tile.r0 + r) * d.out_w + tile.c0) * ab;
      engine_.add(addr, dst, uint64_t(rows) * tile.ncol * ab);
      dst += size_t(rows) * tile.ncol * ab;
    }
  }
  engine_.run(env_.clock.now() + a.ppu.latency_cycles);
  env_.mark(Sig::ppu_busy, 0);
}

}  // namespace shiftsim::models
