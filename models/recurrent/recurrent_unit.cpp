#include "models/recurrent/recurrent_unit.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "models/recurrent/register_file.h"
#include "models/wait_until.h"

namespace shiftsim::models {

namespace {
int32_t le32(const uint8_t* b) { return int32_t(uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24); }
int16_t le16(const uint8_t* b) { return int16_t(uint16_t(b[0] | (b[1] << 8))); }
}  // namespace

RecurrentUnit::RecurrentUnit(sc_core::sc_module_name name, UnitEnv& env, const DramTiming& timing)
    : sc_module(name), clk("clk"), layer("layer"), rnn_done("rnn_done"), env_(env),
      read_engine("read_engine", env, timing, DramInitiator::load),
      write_engine("write_engine", env, timing, DramInitiator::store),
      mvm_cmd_("mvm_cmd"), act_cmd_("act_cmd"), ew_cmd_("ew_cmd"), mvm_done_("mvm_done"), act_done_("act_done"),
      ew_done_("ew_done"), mvm("mvm_unit", env, mvm_reg_),
      activation("activation_unit", env, act_reg_, kActivationLatency, Sig::act_busy),
      elementwise("elementwise_unit", env, ew_reg_, kElementwiseLatency, Sig::ew_busy) {
  read_engine.clk(clk);
  write_engine.clk(clk);
  mvm.clk(clk);
  mvm.cmd(mvm_cmd_);
  mvm.done(mvm_done_);
  activation.clk(clk);
  activation.cmd(act_cmd_);
  activation.done(act_done_);
  elementwise.clk(clk);
  elementwise.cmd(ew_cmd_);
  elementwise.done(ew_done_);
  SC_HAS_PROCESS(RecurrentUnit);
  SC_THREAD(run);
  sensitive << clk.pos();
  dont_initialize();
}

void RecurrentUnit::run() {
  for (;;) {
    wait_until(layer.value_changed_event(), [&] { return layer.read().seq != job_.seq; });
    job_ = layer.read();
    passes_.emplace_back();
    if (!is_recurrent(job_->desc.op)) continue;
    run_layer();
    done_state_ = !done_state_;
    rnn_done.write(done_state_);
  }
}

// One read job, waited for: the cycles count as load (and stall: nothing else can run).
void RecurrentUnit::read(uint64_t addr, uint8_t* dst, uint64_t bytes) {
  const uint64_t t = env_.clock.now();
  env_.mark(Sig::dma_rd_busy, 1);
  read_engine.add(addr, dst, bytes);
  read_engine.run();
  env_.mark(Sig::dma_rd_busy, 0);
  LayerStats& st = passes_.back().stats;
  st.load_cycles += env_.clock.now() - t;
  st.stall_cycles += env_.clock.now() - t;
}

void RecurrentUnit::prefetch(uint64_t addr, uint8_t* dst, uint64_t bytes) {
  prefetch_handed_ = env_.clock.now();
  prefetch_finished_ = false;
  env_.mark(Sig::dma_rd_busy, 1);
  read_engine.add(addr, dst, bytes);
  read_engine.submit([this] {  // in the cycle of the job's last beat: it ends at the next edge
    prefetch_end_ = env_.clock.now() + 1;
    prefetch_finished_ = true;
    env_.mark(Sig::dma_rd_busy, 0);
    prefetch_done_.notify(sc_core::SC_ZERO_TIME);
  });
}

// The cycles the sequencer waits here are stall; the job's own are load, however many of them
// the operations in between hid.
void RecurrentUnit::await_prefetch() {
  const uint64_t t = env_.clock.now();
  while (!prefetch_finished_) sc_core::wait(prefetch_done_);
  while (env_.clock.now() < prefetch_end_) sc_core::wait();
  LayerStats& st = passes_.back().stats;
  st.load_cycles += prefetch_end_ - prefetch_handed_;
  st.stall_cycles += env_.clock.now() - t;
}

uint64_t RecurrentUnit::write(uint64_t addr, const std::vector<int16_t>& v) {
  const uint64_t t = env_.clock.now();
  io_.resize(v.size() * kSeqBytes);
  for (size_t i = 0; i < v.size(); ++i) {
    io_[2 * i] = uint8_t(uint16_t(v[i]) & 0xFF);
    io_[2 * i + 1] = uint8_t(uint16_t(v[i]) >> 8);
  }
  env_.mark(Sig::dma_wr_busy, 1);
  write_engine.add(addr, io_.data(), io_.size());
  write_engine.run(t);  // h_t is in registers: its beats wait for nothing
  env_.mark(Sig::dma_wr_busy, 0);
  passes_.back().stats.store_cycles += env_.clock.now() - t;
  return env_.clock.now();
}

void RecurrentUnit::await(const sc_core::sc_signal<bool>& done, bool& seen) {
  wait_until(done.value_changed_event(), [&] { return done.read() != seen; });
  seen = !seen;
}

void RecurrentUnit::command_mvm(const MvmOp& op, uint32_t mt0, uint32_t mt1, const uint8_t* blocks) {
  const uint64_t t = env_.clock.now();
  mvm_reg_.op = op;
  mvm_reg_.layout.emplace(mvm_layout(state_->header(), op, env_.arch));
  mvm_reg_.blocks = blocks;
  mvm_reg_.base = mvm_reg_.layout->block_offset(0, mt0, 0);  // `blocks` starts at row tile mt0
  mvm_reg_.mt0 = mt0;
  mvm_reg_.mt1 = mt1;
  mvm_reg_.state = state_.get();
  mvm_reg_.actions = &passes_.back().actions;
  mvm_cmd_.write(mvm_cmd_.read() + 1);
  await(mvm_done_, mvm_seen_);
  passes_.back().stats.compute_cycles += env_.clock.now() - t;
}

void RecurrentUnit::command_vec(const VecOp& op) {
  const uint64_t t = env_.clock.now();
  const bool act = on_activation_unit(op.kind);
  VecCommand& reg = act ? act_reg_ : ew_reg_;
  reg.op = op;
  reg.state = state_.get();
  reg.actions = &passes_.back().actions;
  sc_core::sc_signal<uint32_t>& cmd = act ? act_cmd_ : ew_cmd_;
  cmd.write(cmd.read() + 1);
  await(act ? act_done_ : ew_done_, act ? act_seen_ : ew_seen_);
  passes_.back().stats.compute_cycles += env_.clock.now() - t;
}

void RecurrentUnit::run_layer() {
  const Descriptor& d = job_->desc;
  const ArchSpec& a = env_.arch;
  // 1. One job: the header, biases, peepholes and initial states, and every weight block when
  //    the layer's weights are resident (the descriptor's in2_addr ends what the job reads).
  store_.assign(d.in2_addr - d.weight_addr, 0);
  read(d.weight_addr, store_.data(), store_.size());
  const RecurrentHeader h = decode_header(store_.data());
  const RecurrentLayout L = recurrent_layout(h, a);
  const uint32_t H = h.hidden;
  std::vector<int64_t> bias(h.bias_count()), peep, h0, c0;
  for (size_t i = 0; i < bias.size(); ++i) bias[i] = le32(&store_[L.bias + 4 * i]);
  if (h.peepholes)
    for (uint32_t i = 0; i < 3 * H; ++i) peep.push_back(le32(&store_[L.peepholes + 4 * i]));
  if (h.has_h0)
    for (uint32_t i = 0; i < H; ++i) h0.push_back(le16(&store_[L.h0 + 2 * i]));
  if (h.has_c0)
    for (uint32_t i = 0; i < H; ++i) c0.push_back(le16(&store_[L.c0 + 2 * i]));
  state_ = std::make_unique<RecurrentState>(h, bias, peep, h0, c0);
  ComponentActions& acts = passes_.back().actions;
  count_rf_parameters(env_.activity, h, acts);
  // The weight store's writes: every block once when resident, each row tile's every step when
  // streamed.
  auto fill = [&](const MvmOp& m, const WeightLayout& W, uint32_t mt) {
    for (uint32_t nt = 0; nt < W.n_tiles(); ++nt) {
      const BlockSize b = block_size(m, W, a, mt, nt);
      env_.activity.weight_fill(b.mc, b.nc, a.pe_array.kernel, acts);
    }
  };
  if (h.resident)
    for (const StepOp& op : L.program)
      if (op.mvm) {
        const WeightLayout W = mvm_layout(h, op.m, a);
        for (uint32_t mt = 0; mt < W.m_tiles(); ++mt) fill(op.m, W, mt);
      }
  // Streamed: tile k's bytes into its half (free: its last user's command is done), its
  // weight-store fill counted.
  const std::vector<RowTile> tiles = h.resident ? std::vector<RowTile>{} : streamed_row_tiles(h, L, a);
  auto tile_bytes = [&](size_t k) {
    const RowTile& r = tiles[k];
    half_[k % 2].assign(r.hi - r.lo, 0);
    fill(L.program[r.op].m, mvm_layout(h, L.program[r.op].m, a), r.mt);
    return std::make_pair(d.weight_addr + L.program[r.op].m.offset + r.lo, r.hi - r.lo);
  };
  std::vector<int16_t> x(h.input);
  // 2. The time steps, in order.
  for (uint32_t s = 0; s < h.steps; ++s) {
    const uint32_t t = h.reverse ? h.steps - 1 - s : s;
    env_.mark(Sig::rnn_step, s);
    io_.resize(size_t(h.input) * kSeqBytes);
    read(d.in_addr + uint64_t(t) * h.input * kSeqBytes, io_.data(), io_.size());
    for (uint32_t i = 0; i < h.input; ++i) x[i] = le16(&io_[2 * i]);
    state_->set_input(x.data());
    env_.activity.input_fill(h.input, acts);
    count_rf_step_start(env_.activity, h, acts);
    if (h.embedding) {  // the id's row of the table, a second job once the id is known
      const int32_t id = x[0];
      if (id < 0 || uint32_t(id) >= h.vocab)
        throw std::runtime_error("recurrent unit: token id " + std::to_string(id) + " is outside the table's " +
                                 std::to_string(h.vocab) + " rows (the host checks the input before it starts)");
      io_.resize(size_t(H) * kSeqBytes);
      read(d.weight_addr + L.table + uint64_t(id) * H * kSeqBytes, io_.data(), io_.size());
      row_.resize(H);
      for (uint32_t j = 0; j < H; ++j) row_[j] = le16(&io_[2 * j]);
      state_->set_row(row_.data());
      env_.activity.input_fill(H, acts);
    }
    size_t k = 0;  // streamed: the step's next row tile
    for (size_t i = 0; i < L.program.size(); ++i) {
      const StepOp& op = L.program[i];
      env_.mark(Sig::rnn_op, i + 1);
      if (!op.mvm) {
        command_vec(op.v);
        continue;
      }
      const WeightLayout W = mvm_layout(h, op.m, a);
      if (h.resident) {
        command_mvm(op.m, 0, W.m_tiles(), store_.data() + op.m.offset);
        continue;
      }
      // Streamed (§11): the step's first row tile is read before its command; every other one
      // was handed with the previous tile's command into the other half, and its command waits
      // for that job's end.
      for (uint32_t mt = 0; mt < W.m_tiles(); ++mt, ++k) {
        if (k == 0) {
          const auto [addr, bytes] = tile_bytes(0);
          read(addr, half_[0].data(), bytes);
        } else {
          await_prefetch();
        }
        if (k + 1 < tiles.size()) {
          const auto [addr, bytes] = tile_bytes(k + 1);
          prefetch(addr, half_[(k + 1) % 2].data(), bytes);
        }
        command_mvm(op.m, mt, mt + 1, half_[k % 2].data());
      }
    }
    env_.mark(Sig::rnn_op, 0);
    state_->finish_step();
    // 3. h_t out: every step with a sequence output, else the last step's.
    if (h.sequence_output || s + 1 == h.steps) count_rf_store(env_.activity, h, acts);
    if (h.sequence_output) write(d.out_addr + uint64_t(t) * H * kSeqBytes, state_->hidden());
    else if (s + 1 == h.steps) write(d.out_addr, state_->hidden());
  }
  passes_.back().stats.saturations += state_->saturations();
}

}  // namespace shiftsim::models
