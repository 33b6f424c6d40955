#include "models/fast/recurrent_fast.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "models/int_math.h"
#include "models/pe_array/weight_layout.h"
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

// §4 for one job with nothing else in flight on its engine: a burst a cycle from the cycle
// after the hand-over while a slot is free; its beats after the previous burst's, from its
// first data, the last no earlier than its last data; the job ends the cycle after its last beat.
// Written data is in registers from the hand-over (data_ready = handed).
uint64_t RecurrentFast::job(Engine& e, uint64_t handed, const std::vector<std::pair<uint64_t, uint64_t>>& transfers) {
  const uint64_t width = dram_timing_.width_bytes(), slots = e.ends.size();
  uint64_t offset = 0;
  bool any = false;
  for (const auto& [addr, bytes] : transfers) {
    bursts_.clear();
    dram_timing_.split(addr, bytes, bursts_);
    for (const Burst& b : bursts_) {
      const uint64_t beats = (b.addr + b.bytes - 1) / width - b.addr / width + 1;
      const uint64_t slot = e.bursts >= slots ? e.ends[e.ring] + 1 : 0;
      const uint64_t issue = std::max({handed + 1, e.last_issue + 1, slot});
      const MemAccess a = memory_.access(e.write, issue, b.addr, b.bytes);
      uint64_t first = std::max(a.first, e.data_end + 1);
      if (e.write) first = std::max(first, handed + offset);
      e.data_end = std::max(first + beats - 1, a.last);
      e.last_issue = issue;
      e.ends[e.ring] = e.data_end;
      e.ring = (e.ring + 1) % slots;
      ++e.bursts;
      offset += beats;
      any = true;
    }
  }
  return any ? e.data_end + 1 : handed;
}

void RecurrentFast::run(const Descriptor& d, uint64_t desc_at, uint64_t now, HostMemory& dram, LayerStats& st,
                        std::vector<TraceEvent>* events, const ActivityCounter& count, ComponentActions& acts) {
  events_ = events;
  const DramStats before = memory_.stats();
  st.start_cycle = now;
  uint64_t c = job(fetch_, now, {{desc_at, kDescriptorBytes}}) + kDecode + 1;  // t0
  auto read = [&](uint64_t addr, uint8_t* dst, uint64_t bytes) {
    mark(c, Sig::dma_rd_busy, 1);
    const uint64_t e = job(read_, c, {{addr, bytes}});
    dram.read(addr, dst, uint32_t(bytes));
    st.load_cycles += e - c;
    st.stall_cycles += e - c;
    mark(e, Sig::dma_rd_busy, 0);
    c = e;
  };
  // 1. The parameter job.
  std::vector<uint8_t> store(d.in2_addr - d.weight_addr);
  read(d.weight_addr, store.data(), store.size());
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
  auto fill = [&](const MvmOp& m, const WeightLayout& W, uint32_t mt) {
    for (uint32_t nt = 0; nt < W.n_tiles(); ++nt) {
      const BlockSize b = block_size(m, W, arch_, mt, nt);
      count.weight_fill(b.mc, b.nc, arch_.pe_array.kernel, acts);
    }
  };
  auto issues = [&](const MvmOp& m, const WeightLayout& W, uint32_t mt) {
    for (uint32_t nt = 0; nt < W.n_tiles(); ++nt) {
      const BlockSize b = block_size(m, W, arch_, mt, nt);
      count.conv_issues(1.0, b.mc, b.nc, acts);
      count.weight_preload(b.mc, b.nc, acts);
      if (nt + 1 == W.n_tiles()) count_rf_sums(count, m.recurrent, b.mc, acts);
    }
  };
  if (h.resident)
    for (const StepOp& op : L.program)
      if (op.mvm) {
        const WeightLayout W = mvm_layout(h, op.m, arch_);
        for (uint32_t mt = 0; mt < W.m_tiles(); ++mt) fill(op.m, W, mt);
      }
  const uint64_t D = mvm_depth(arch_);
  std::vector<uint8_t> io, half[2];  // streamed: the weight buffer's two halves
  const std::vector<RowTile> tiles = h.resident ? std::vector<RowTile>{} : streamed_row_tiles(h, L, arch_);
  std::vector<int16_t> x(h.input), values;
  // Rows of row tile mt of op m: exact dot products of the decoded blocks with the operand.
  auto mvm_tile = [&](const MvmOp& m, const WeightLayout& W, uint32_t mt, const uint8_t* blocks, uint64_t base) {
    const std::vector<int16_t>& v = state.operand(m.vec);
    const uint32_t rows = m.r1 - m.r0, mc = std::min(tm, rows - mt * tm), cols = mvm_cols(h, m);
    std::vector<int64_t>& out = state.sums(m.recurrent);
    for (uint32_t r = 0; r < mc; ++r) out[m.r0 + mt * tm + r] = 0;
    for (uint32_t nt = 0; nt < W.n_tiles(); ++nt) {
      const uint32_t nc = std::min(tn, W.in_per_group() - nt * tn), e = nc * k2, c0 = nt * tn * k2;
      W.unpack_values(blocks + (W.block_offset(0, mt, nt) - base), mc, nc, values);
      for (uint32_t r = 0; r < mc; ++r) {
        int64_t s = 0;
        for (uint32_t i = 0; i < e && c0 + i < cols; ++i) s += int64_t(values[size_t(r) * e + i]) * v[c0 + i];
        out[m.r0 + mt * tm + r] += s;
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
  // Streamed: tile k's bytes into its half, its weight-store fill counted.
  auto tile_bytes = [&](size_t k) {
    const RowTile& r = tiles[k];
    half[k % 2].resize(r.hi - r.lo);
    fill(L.program[r.op].m, mvm_layout(h, L.program[r.op].m, arch_), r.mt);
    return std::make_pair(d.weight_addr + L.program[r.op].m.offset + r.lo, r.hi - r.lo);
  };
  // 2. The time steps.
  for (uint32_t s = 0; s < h.steps; ++s) {
    const uint32_t t = h.reverse ? h.steps - 1 - s : s;
    mark(c, Sig::rnn_step, s);
    io.resize(size_t(h.input) * kSeqBytes);
    read(d.in_addr + uint64_t(t) * h.input * kSeqBytes, io.data(), io.size());
    for (uint32_t i = 0; i < h.input; ++i) x[i] = le16(&io[2 * i]);
    state.set_input(x.data());
    count.input_fill(h.input, acts);
    count_rf_step_start(count, h, acts);
    if (h.embedding) {  // the id's row, a job of its own after the id's
      const int32_t id = x[0];
      if (id < 0 || uint32_t(id) >= h.vocab)
        throw std::runtime_error("recurrent unit: token id " + std::to_string(id) + " is outside the table's " +
                                 std::to_string(h.vocab) + " rows (the host checks the input before it starts)");
      io.resize(size_t(H) * kSeqBytes);
      read(d.weight_addr + L.table + uint64_t(id) * H * kSeqBytes, io.data(), io.size());
      std::vector<int16_t> row(H);
      for (uint32_t j = 0; j < H; ++j) row[j] = le16(&io[2 * j]);
      state.set_row(row.data());
      count.input_fill(H, acts);
    }
    size_t k = 0;              // streamed: the step's next row tile
    uint64_t pending_end = 0;  // the end of the job that brings it
    for (size_t i = 0; i < L.program.size(); ++i) {
      const StepOp& op = L.program[i];
      mark(c, Sig::rnn_op, i + 1);
      if (!op.mvm) {
        for (uint32_t e = 0; e < op.v.elements(); ++e) {
          state.element(op.v, e);
          count_vector_element(count, h, op.v, e, acts);
        }
        op_cycles(ceil_div(op.v.elements(), tm), on_activation_unit(op.v.kind) ? kActivationLatency : kElementwiseLatency,
                  on_activation_unit(op.v.kind) ? Sig::act_busy : Sig::ew_busy);
        continue;
      }
      const WeightLayout W = mvm_layout(h, op.m, arch_);
      if (h.resident) {
        for (uint32_t mt = 0; mt < W.m_tiles(); ++mt) {
          mvm_tile(op.m, W, mt, store.data() + op.m.offset, 0);
          issues(op.m, W, mt);
        }
        op_cycles(mvm_issues(h, op.m, arch_), D, Sig::mvm_busy);
        continue;
      }
      // Streamed (§11): the step's first row tile is read before its command; every other one
      // was handed with the previous tile's command into the other half, and its command waits
      // for that job's end.
      for (uint32_t mt = 0; mt < W.m_tiles(); ++mt, ++k) {
        if (k == 0) {
          const auto [addr, bytes] = tile_bytes(0);
          read(addr, half[0].data(), bytes);
        } else if (pending_end > c) {
          st.stall_cycles += pending_end - c;
          c = pending_end;
        }
        if (k + 1 < tiles.size()) {
          const auto [addr, bytes] = tile_bytes(k + 1);
          mark(c, Sig::dma_rd_busy, 1);
          pending_end = job(read_, c, {{addr, bytes}});
          dram.read(addr, half[(k + 1) % 2].data(), uint32_t(bytes));
          st.load_cycles += pending_end - c;
          mark(pending_end, Sig::dma_rd_busy, 0);
        }
        mvm_tile(op.m, W, mt, half[k % 2].data(), tiles[k].lo);
        issues(op.m, W, mt);
        op_cycles(W.n_tiles(), D, Sig::mvm_busy);
      }
    }
    mark(c, Sig::rnn_op, 0);
    state.finish_step();
    // 3. h_t out.
    if (h.sequence_output || s + 1 == h.steps) {
      count_rf_store(count, h, acts);
      const uint64_t addr = d.out_addr + (h.sequence_output ? uint64_t(t) * H * kSeqBytes : 0);
      io.resize(size_t(H) * kSeqBytes);
      for (uint32_t j = 0; j < H; ++j) {
        io[2 * j] = uint8_t(uint16_t(state.hidden()[j]) & 0xFF);
        io[2 * j + 1] = uint8_t(uint16_t(state.hidden()[j]) >> 8);
      }
      dram.write(addr, io.data(), uint32_t(io.size()));
      mark(c, Sig::dma_wr_busy, 1);
      const uint64_t e = job(write_, c, {{addr, io.size()}});
      st.store_cycles += e - c;
      mark(e, Sig::dma_wr_busy, 0);
      c = e;
    }
  }
  // 4. The controller sees the recurrent unit's toggle a cycle later.
  st.end_cycle = c + 1;
  st.saturations += state.saturations();
  st.dram_read_bytes = memory_.stats().read_bytes - before.read_bytes;
  st.dram_write_bytes = memory_.stats().write_bytes - before.write_bytes;
}

}  // namespace shiftsim::models
