#include "models/recurrent/recurrent_unit.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "models/recurrent/mvm_activity.h"
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

void RecurrentUnit::hand(DmaEngine& engine, Job& job, Sig busy) {
  job.handed = env_.clock.now();
  job.finished = false;
  env_.mark(busy, 1);
  engine.submit([this, &job, busy] {  // in the cycle of the job's last beat: it ends at the next edge
    job.end = env_.clock.now() + 1;
    job.finished = true;
    env_.mark(busy, 0);
    job.done.notify(sc_core::SC_ZERO_TIME);
  }, job.handed);  // a write's data (h's copy) is in registers from the hand-over
}

void RecurrentUnit::await_job(Job& job, bool write, bool stall) {
  const uint64_t t = env_.clock.now();
  while (!job.finished) sc_core::wait(job.done);
  while (env_.clock.now() < job.end) sc_core::wait();
  LayerStats& st = passes_.back().stats;
  (write ? st.store_cycles : st.load_cycles) += job.end - job.handed;
  if (stall) st.stall_cycles += env_.clock.now() - t;
}

void RecurrentUnit::read(uint64_t addr, uint8_t* dst, uint64_t bytes) {
  read_engine.add(addr, dst, bytes);
  hand(read_engine, rd_, Sig::dma_rd_busy);
  await_job(rd_, false, true);
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
  mvm_reg_.base = mvm_block_offset(*mvm_reg_.layout, mt0, 0);  // `blocks` starts at row tile mt0
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
  auto fill = [&](const WeightLayout& W, uint32_t mt) { count_tile_fill(env_.activity, h, W, a, mt, acts); };
  if (h.resident)
    for (const StepOp& op : L.program)
      if (op.mvm) {
        const WeightLayout W = mvm_layout(h, op.m, a);
        for (uint32_t mt = 0; mt < mvm_row_tiles(h, op.m, a.pe_array.lanes); ++mt) fill(W, mt);
      }
  // Streamed: row tile g of the pass (tile g mod K of step g / K) into half g mod 2, its
  // weight-store fill counted.
  const std::vector<RowTile> tiles = h.resident ? std::vector<RowTile>{} : streamed_row_tiles(h, L, a);
  const uint64_t K = tiles.size();  // streamed: row tiles a step
  auto add_tile = [&](uint64_t g) {
    const RowTile& r = tiles[g % K];
    half_[g % 2].assign(r.hi - r.lo, 0);
    fill(mvm_layout(h, L.program[r.op].m, a), r.mt);
    read_engine.add(d.weight_addr + L.program[r.op].m.offset + r.lo, half_[g % 2].data(), r.hi - r.lo);
  };
  // 2. The time steps (§11 "Schedule"). Step s's head job (x_s into the x buffer's half s mod 2;
  // streamed, with the step's first row tile) is handed during step s - 1: resident, with its
  // first command; streamed, with its last row tile's; an embedding's id when the row job ends.
  for (auto& b : x_) b.assign(size_t(h.input) * kSeqBytes, 0);
  auto hand_head = [&](uint32_t s) {
    const uint32_t t = h.reverse ? h.steps - 1 - s : s;
    read_engine.add(d.in_addr + uint64_t(t) * h.input * kSeqBytes, x_[s % 2].data(), x_[s % 2].size());
    if (K) add_tile(uint64_t(s) * K);
    hand(read_engine, rd_, Sig::dma_rd_busy);
  };
  hand_head(0);
  bool storing = false;
  std::vector<int16_t> x(h.input);
  for (uint32_t s = 0; s < h.steps; ++s) {
    const uint32_t t = h.reverse ? h.steps - 1 - s : s;
    const bool next = s + 1 < h.steps;
    env_.mark(Sig::rnn_step, s);
    await_job(rd_, false, true);
    for (uint32_t i = 0; i < h.input; ++i) x[i] = le16(&x_[s % 2][2 * i]);
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
      if (next) hand_head(s + 1);
      row_.resize(H);
      for (uint32_t j = 0; j < H; ++j) row_[j] = le16(&io_[2 * j]);
      state_->set_row(row_.data());
      env_.activity.input_fill(H, acts);
    }
    uint64_t k = 0;  // streamed: the step's next row tile
    for (size_t i = 0; i < L.program.size(); ++i) {
      const StepOp& op = L.program[i];
      env_.mark(Sig::rnn_op, i + 1);
      if (i == 0 && K == 0 && next) hand_head(s + 1);  // resident: with the step's first command
      if (!op.mvm) {
        command_vec(op.v);
        continue;
      }
      const WeightLayout W = mvm_layout(h, op.m, a);
      if (h.resident) {
        command_mvm(op.m, 0, mvm_row_tiles(h, op.m, a.pe_array.lanes), store_.data() + op.m.offset);
        continue;
      }
      // Streamed (§11): the step's first row tile came with its head job; every other one was
      // handed with the previous tile's command into the other half, and its command waits for
      // that job's end. The step's last tile's command hands the next step's head job.
      for (uint32_t mt = 0; mt < mvm_row_tiles(h, op.m, a.pe_array.lanes); ++mt, ++k) {
        const uint64_t g = uint64_t(s) * K + k;
        if (k > 0) await_job(rd_, false, true);
        if (k + 1 < K) {
          add_tile(g + 1);
          hand(read_engine, rd_, Sig::dma_rd_busy);
        } else if (next) {
          hand_head(s + 1);
        }
        command_mvm(op.m, mt, mt + 1, half_[g % 2].data());
      }
    }
    env_.mark(Sig::rnn_op, 0);
    state_->finish_step();
    // 3. h_t out (every step with a sequence output, else the last step's) from its copy, once
    //    the write engine's previous job has ended; the next step runs meanwhile.
    if (h.sequence_output || !next) {
      count_rf_store(env_.activity, h, acts);
      if (storing) await_job(wr_, true, true);
      std::vector<uint8_t>& copy = h_[s % 2];
      const std::vector<int16_t>& v = state_->hidden();
      copy.resize(v.size() * kSeqBytes);
      for (size_t i = 0; i < v.size(); ++i) {
        copy[2 * i] = uint8_t(uint16_t(v[i]) & 0xFF);
        copy[2 * i + 1] = uint8_t(uint16_t(v[i]) >> 8);
      }
      write_engine.add(d.out_addr + (h.sequence_output ? uint64_t(t) * H * kSeqBytes : 0), copy.data(), copy.size());
      hand(write_engine, wr_, Sig::dma_wr_busy);
      storing = true;
    }
  }
  // 4. rnn_done (the caller toggles it) in the cycle the last store ends.
  if (storing) await_job(wr_, true, false);
  passes_.back().stats.saturations += state_->saturations();
}

}  // namespace shiftsim::models
