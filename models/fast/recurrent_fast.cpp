#include "models/fast/recurrent_fast.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "models/int_math.h"
#include "models/pe_array/weight_layout.h"
#include "models/recurrent/mvm_activity.h"
#include "models/recurrent/recurrent_layer.h"
#include "models/recurrent/recurrent_state.h"
#include "models/recurrent/register_file.h"
#include "models/recurrent/vector_unit_resources.h"

namespace shiftsim::models {

namespace {
int32_t le32(const uint8_t* b) { return int32_t(uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24); }
int16_t le16(const uint8_t* b) { return int16_t(uint16_t(b[0] | (b[1] << 8))); }
constexpr uint64_t kDecode = 1;  // §3: one decode cycle, then the units see the layer a cycle later
}  // namespace

RecurrentFast::RecurrentFast(const ArchSpec& arch, MemoryTiming& memory)
    : arch_(arch), memory_(memory), dram_timing_(arch.dram, arch.clock_mhz) {
  write_.write = true;
  for (Engine* e : {&fetch_, &read_, &write_}) e->ends.assign(arch.dma.outstanding, 0);
}

// §4, job by job: an engine issues a burst a cycle, from the cycle after its job's hand-over,
// while a slot is free (a slot frees the cycle after its burst's last beat), across job
// boundaries; its beats follow the previous burst's, from its first data, the last no earlier
// than its last data (a write's beats also no earlier than their data, in registers from the
// hand-over: one beat a cycle from it); a job ends the cycle after its last beat. The read and
// the write engine run at once, so their requests reach the shared DRAM model in the order of
// their issue cycles, as in cycle mode: end_of serves them lazily, earliest first. A request is
// served only when a job the sequencer waits for needs it, so every request served issues no
// later than that job's last, before any job the sequencer hands afterwards can issue.
size_t RecurrentFast::hand(Engine& e, uint64_t handed, const std::vector<std::pair<uint64_t, uint64_t>>& transfers) {
  const uint64_t width = dram_timing_.width_bytes();
  const size_t j = jobs_.size();
  jobs_.push_back({handed, handed, 0});
  uint64_t offset = 0;
  for (const auto& [addr, bytes] : transfers) {
    bursts_.clear();
    dram_timing_.split(addr, bytes, bursts_);
    for (const Burst& b : bursts_) {
      const uint64_t beats = (b.addr + b.bytes - 1) / width - b.addr / width + 1;
      e.queue.push_back({b.addr, handed, offset, beats, b.bytes, j});
      offset += beats;
      ++jobs_[j].left;
    }
  }
  return j;
}

uint64_t RecurrentFast::next_issue(const Engine& e) const {
  const Pending& p = e.queue.front();
  const uint64_t slot = e.bursts >= e.ends.size() ? e.ends[e.ring] + 1 : 0;
  return std::max({p.handed + 1, e.last_issue + 1, slot});
}

bool RecurrentFast::serve_first() {
  Engine* first = nullptr;
  uint64_t at = 0;
  for (Engine* e : {&fetch_, &read_, &write_})  // §4's order within a cycle
    if (!e->queue.empty() && (!first || next_issue(*e) < at)) {
      first = e;
      at = next_issue(*e);
    }
  if (!first) return false;
  Engine& e = *first;
  const Pending p = e.queue.front();
  e.queue.pop_front();
  const MemAccess a = memory_.access(e.write, at, p.addr, p.bytes);
  uint64_t data = std::max(a.first, e.data_end + 1);
  if (e.write) data = std::max(data, p.handed + p.offset);
  e.data_end = std::max(data + p.beats - 1, a.last);
  e.last_issue = at;
  e.ends[e.ring] = e.data_end;
  e.ring = (e.ring + 1) % e.ends.size();
  ++e.bursts;
  Job& j = jobs_[p.job];
  if (--j.left == 0) j.end = e.data_end + 1;
  return true;
}

uint64_t RecurrentFast::end_of(size_t j) {
  while (jobs_[j].left > 0)
    if (!serve_first()) throw std::logic_error("recurrent fast mode: a job's requests are lost");
  return jobs_[j].end;
}

void RecurrentFast::run(const Descriptor& d, uint64_t desc_at, uint64_t now, HostMemory& dram, LayerStats& st,
                        std::vector<TraceEvent>* events, const ActivityCounter& count, ComponentActions& acts) {
  events_ = events;
  const DramStats before = memory_.stats();
  st.start_cycle = now;
  uint64_t c = end_of(hand(fetch_, now, {{desc_at, kDescriptorBytes}})) + kDecode + 1;  // t0
  // A read job handed in cycle c (its data is read from `dram` at once: nothing writes what a
  // pass reads); wait_read: the sequencer waits for its end, the cycles it waits are stall.
  auto hand_read = [&](const std::vector<std::pair<uint64_t, uint64_t>>& transfers, const std::vector<uint8_t*>& dst) {
    for (size_t i = 0; i < transfers.size(); ++i)
      dram.read(transfers[i].first, dst[i], uint32_t(transfers[i].second));
    mark(c, Sig::dma_rd_busy, 1);
    return hand(read_, c, transfers);
  };
  // A job's end: its engine's busy signal falls, its own cycles (hand-over to end) count as
  // load or store cycles, and the cycles the sequencer waits for it are stall.
  auto wait_job = [&](size_t j, Sig busy, decltype(st.load_cycles)& own) {
    const uint64_t e = end_of(j);
    mark(e, busy, 0);
    own += e - jobs_[j].handed;
    if (e > c) {
      st.stall_cycles += e - c;
      c = e;
    }
  };
  auto wait_read = [&](size_t j) { wait_job(j, Sig::dma_rd_busy, st.load_cycles); };
  // 1. The parameter job.
  std::vector<uint8_t> store(d.in2_addr - d.weight_addr);
  wait_read(hand_read({{d.weight_addr, store.size()}}, {store.data()}));
  const RecurrentHeader h = decode_header(store.data());
  const RecurrentLayout L = recurrent_layout(h, arch_);
  const uint32_t H = h.hidden, tm = arch_.pe_array.lanes;
  const uint32_t k2 = arch_.pe_array.kernel * arch_.pe_array.kernel, tn = arch_.pe_array.vector;
  std::vector<int64_t> bias(h.bias_count()), peep, h0, c0;
  for (size_t i = 0; i < bias.size(); ++i) bias[i] = le32(&store[L.bias + 4 * i]);
  if (h.peepholes)
    for (uint32_t i = 0; i < 3 * H; ++i) peep.push_back(le32(&store[L.peepholes + 4 * i]));
  if (h.has_h0)
    for (uint32_t i = 0; i < H; ++i) h0.push_back(le16(&store[L.h0 + 2 * i]));
  if (h.has_c0)
    for (uint32_t i = 0; i < H; ++i) c0.push_back(le16(&store[L.c0 + 2 * i]));
  RecurrentState state(h, bias, peep, h0, c0);
  count_rf_parameters(count, h, acts);
  // Activity: the weight store's fills, the vector's, and per issue the array's products and
  // the block's read into its registers.
  auto fill = [&](const WeightLayout& W, uint32_t mt) { count_tile_fill(count, h, W, arch_, mt, acts); };
  auto issues = [&](const MvmOp& m, const WeightLayout& W, uint32_t mt) {
    for (uint32_t nt = 0; nt < W.n_tiles(); ++nt)
      count_mvm_issue(count, m.recurrent, block_size(h, W, arch_, mt, nt), nt + 1 == W.n_tiles(), acts);
  };
  if (h.resident)
    for (const StepOp& op : L.program)
      if (op.mvm) {
        const WeightLayout W = mvm_layout(h, op.m, arch_);
        for (uint32_t mt = 0; mt < mvm_row_tiles(h, op.m, tm); ++mt) fill(W, mt);
      }
  const uint64_t D = mvm_depth(arch_);
  std::vector<uint8_t> io, half[2];  // streamed: the weight buffer's two halves
  const std::vector<RowTile> tiles = h.resident ? std::vector<RowTile>{} : streamed_row_tiles(h, L, arch_);
  std::vector<int16_t> x(h.input), values;
  // Rows of row tile mt of op m: exact dot products of the decoded blocks with the operand.
  auto mvm_tile = [&](const MvmOp& m, const WeightLayout& W, uint32_t mt, const uint8_t* blocks, uint64_t base) {
    const std::vector<int16_t>& v = state.operand(m.vec);
    const WordRows w = word_rows(h, mt, tm);  // the row tile's rows (gate-aligned)
    const uint32_t cols = mvm_cols(h, m), row0 = m.r0 + w.row0;
    std::vector<int64_t>& out = state.sums(m.recurrent);
    for (uint32_t r = 0; r < w.n; ++r) out[row0 + r] = 0;
    for (uint32_t nt = 0; nt < W.n_tiles(); ++nt) {
      const uint32_t nc = std::min(tn, W.in_per_group() - nt * tn), e = nc * k2, c0 = nt * tn * k2;
      W.unpack_values(blocks + (mvm_block_offset(W, mt, nt) - base), w.n, nc, values);
      for (uint32_t r = 0; r < w.n; ++r) {
        int64_t s = 0;
        for (uint32_t i = 0; i < e && c0 + i < cols; ++i) s += int64_t(values[size_t(r) * e + i]) * v[c0 + i];
        out[row0 + r] += s;
      }
    }
  };
  // A unit's operation: commanded in cycle c, its n issues from c + 1, its last result out of
  // a pipeline of `depth` stages in c + n + depth - 1, seen by the sequencer a cycle later.
  auto op_cycles = [&](uint64_t n, uint64_t depth, Sig busy) {
    mark(c + 1, busy, 1);
    mark(c + n + depth, busy, 0);
    st.compute_cycles += n + depth;
    c += n + depth;
  };
  // Streamed: row tile g of the pass (tile g mod K of step g / K) into half g mod 2, its
  // weight-store fill counted.
  auto tile_bytes = [&](uint64_t g) {
    const RowTile& r = tiles[g % tiles.size()];
    half[g % 2].resize(r.hi - r.lo);
    fill(mvm_layout(h, L.program[r.op].m, arch_), r.mt);
    return std::make_pair(d.weight_addr + L.program[r.op].m.offset + r.lo, r.hi - r.lo);
  };
  // The sequencer waits for a store's end before it hands the next.
  auto wait_write = [&](size_t j) { wait_job(j, Sig::dma_wr_busy, st.store_cycles); };
  // 2. The time steps (§11 "Schedule"). A step's head job (x_t; with streamed weights also
  // the step's first row tile) is handed during the step before: with resident weights in the
  // cycle of its first command, streamed with its last row tile's command (the row tiles of
  // all steps alternate between the halves: tile k of step s into half (s K + k) mod 2); an
  // embedding's id when the row job ends. h_t's store is handed at the step's end, once the
  // write engine's previous job has ended (two copies of h: the store reads one while the
  // next step writes the other); step t + 1 reads h_t from the registers, not from DRAM.
  const uint64_t K = tiles.size();  // streamed: row tiles a step
  auto x_of = [&](uint32_t s) {
    const uint32_t t = h.reverse ? h.steps - 1 - s : s;
    return std::make_pair(d.in_addr + uint64_t(t) * h.input * kSeqBytes, uint64_t(h.input) * kSeqBytes);
  };
  std::vector<uint8_t> xbuf[2], hbuf[2];  // the x buffer's halves, h's copies
  for (auto& b : xbuf) b.resize(size_t(h.input) * kSeqBytes);
  auto hand_head = [&](uint32_t s) {  // x_s, and streamed step s's first row tile
    if (K == 0) return hand_read({x_of(s)}, {xbuf[s % 2].data()});
    const auto [addr, bytes] = tile_bytes(uint64_t(s) * K);
    return hand_read({x_of(s), {addr, bytes}}, {xbuf[s % 2].data(), half[(uint64_t(s) * K) % 2].data()});
  };
  size_t head = hand_head(0);
  size_t tile_job = 0, store_job = 0;
  bool storing = false;
  for (uint32_t s = 0; s < h.steps; ++s) {
    const uint32_t t = h.reverse ? h.steps - 1 - s : s;
    const bool next = s + 1 < h.steps;
    mark(c, Sig::rnn_step, s);
    wait_read(head);
    for (uint32_t i = 0; i < h.input; ++i) x[i] = le16(&xbuf[s % 2][2 * i]);
    state.set_input(x.data());
    count.input_fill(h.input, acts);
    count_rf_step_start(count, h, acts);
    if (h.embedding) {  // the id's row, a job of its own after the id's
      const int32_t id = x[0];
      if (id < 0 || uint32_t(id) >= h.vocab)
        throw std::runtime_error("recurrent unit: token id " + std::to_string(id) + " is outside the table's " +
                                 std::to_string(h.vocab) + " rows (the host checks the input before it starts)");
      io.resize(size_t(H) * kSeqBytes);
      wait_read(hand_read({{d.weight_addr + L.table + uint64_t(id) * H * kSeqBytes, io.size()}}, {io.data()}));
      if (next) head = hand_head(s + 1);
      std::vector<int16_t> row(H);
      for (uint32_t j = 0; j < H; ++j) row[j] = le16(&io[2 * j]);
      state.set_row(row.data());
      count.input_fill(H, acts);
    }
    uint64_t k = 0;  // streamed: the step's next row tile
    for (size_t i = 0; i < L.program.size(); ++i) {
      const StepOp& op = L.program[i];
      mark(c, Sig::rnn_op, i + 1);
      if (i == 0 && K == 0 && next) head = hand_head(s + 1);  // resident: with the first command
      if (!op.mvm) {
        for (uint32_t e = 0; e < op.v.elements(); ++e) {
          state.element(op.v, e);
          count_vector_element(count, h, op.v, e, acts);
        }
        op_cycles(vec_issues(h, op.v, tm), on_activation_unit(op.v.kind) ? kActivationLatency : kElementwiseLatency,
                  on_activation_unit(op.v.kind) ? Sig::act_busy : Sig::ew_busy);
        continue;
      }
      const WeightLayout W = mvm_layout(h, op.m, arch_);
      if (h.resident) {
        for (uint32_t mt = 0; mt < mvm_row_tiles(h, op.m, tm); ++mt) {
          mvm_tile(op.m, W, mt, store.data() + op.m.offset, 0);
          issues(op.m, W, mt);
        }
        op_cycles(mvm_issues(h, op.m, arch_), D, Sig::mvm_busy);
        continue;
      }
      // Streamed (§11): the step's first row tile came with its head job; every other one was
      // handed with the previous tile's command into the other half, and its command waits for
      // that job's end. The next tile's job goes with this one's command: the step's next, or
      // with the step's last, the next step's head job.
      for (uint32_t mt = 0; mt < mvm_row_tiles(h, op.m, tm); ++mt, ++k) {
        const uint64_t g = uint64_t(s) * K + k;
        if (k > 0) wait_read(tile_job);
        if (k + 1 < K) {
          const auto [addr, bytes] = tile_bytes(g + 1);
          tile_job = hand_read({{addr, bytes}}, {half[(g + 1) % 2].data()});
        } else if (next) {
          head = hand_head(s + 1);
        }
        mvm_tile(op.m, W, mt, half[g % 2].data(), tiles[k].lo);
        issues(op.m, W, mt);
        op_cycles(W.n_tiles(), D, Sig::mvm_busy);
      }
    }
    mark(c, Sig::rnn_op, 0);
    state.finish_step();
    // 3. h_t out, every step with a sequence output, else the last step's.
    if (h.sequence_output || !next) {
      count_rf_store(count, h, acts);
      if (storing) wait_write(store_job);
      const uint64_t addr = d.out_addr + (h.sequence_output ? uint64_t(t) * H * kSeqBytes : 0);
      std::vector<uint8_t>& io_h = hbuf[s % 2];
      io_h.resize(size_t(H) * kSeqBytes);
      for (uint32_t j = 0; j < H; ++j) {
        io_h[2 * j] = uint8_t(uint16_t(state.hidden()[j]) & 0xFF);
        io_h[2 * j + 1] = uint8_t(uint16_t(state.hidden()[j]) >> 8);
      }
      dram.write(addr, io_h.data(), uint32_t(io_h.size()));
      mark(c, Sig::dma_wr_busy, 1);
      store_job = hand(write_, c, {{addr, io_h.size()}});
      storing = true;
    }
  }
  // 4. rnn_done in the cycle the last store ends (no read job is handed after the last step's
  // start); the controller sees it a cycle later.
  if (storing) {
    const uint64_t e = end_of(store_job);
    mark(e, Sig::dma_wr_busy, 0);
    st.store_cycles += e - jobs_[store_job].handed;
    c = std::max(c, e);
  }
  while (serve_first()) {
  }
  jobs_.clear();
  st.end_cycle = c + 1;
  st.saturations += state.saturations();
  st.dram_read_bytes = memory_.stats().read_bytes - before.read_bytes;
  st.dram_write_bytes = memory_.stats().write_bytes - before.write_bytes;
}

}  // namespace shiftsim::models
