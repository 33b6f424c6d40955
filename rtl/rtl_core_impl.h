#pragma once
// RtlCore (models/pe_array/rtl_core.h) over one Verilated shape V of shiftsim_cu: signals for
// every port of the model, the wide buses packed and unpacked word by word.
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include <systemc>
#include <verilated.h>

#include "models/pe_array/rtl_core.h"
#include "rtl/gated_vcd_sc.h"

namespace shiftsim::models::rtl {

// The value type of a Verilated port member (sc_in<T>& or sc_out<T>&).
template <class Port>
using value_of = typename std::remove_reference_t<Port>::data_type;

// Packs `count` signed fields of `bits` bits, LSB first, into a port value.
template <class T>
T pack(const int64_t* v, uint32_t count, uint32_t bits) {
  T out;
  if constexpr (std::is_integral_v<T>) {
    out = 0;
    for (uint32_t i = 0; i < count; ++i) out |= T((uint64_t(v[i]) & ((uint64_t(1) << bits) - 1)) << (i * bits));
  } else {
    const uint32_t words = (out.length() + 31) / 32;
    for (uint32_t w = 0; w < words; ++w) out.set_word(w, 0);
    for (uint32_t i = 0; i < count; ++i)
      for (uint32_t b = 0; b < bits; ++b)
        if ((uint64_t(v[i]) >> b) & 1) {
          const uint32_t at = i * bits + b;
          out.set_word(at / 32, out.get_word(at / 32) | (1u << (at % 32)));
        }
  }
  return out;
}

template <class T>
int64_t field(const T& v, uint32_t i, uint32_t bits) {
  uint64_t u = 0;
  for (uint32_t b = 0; b < bits; ++b) {
    const uint32_t at = i * bits + b;
    uint64_t bit;
    if constexpr (std::is_integral_v<T>)
      bit = (uint64_t(v) >> at) & 1;
    else
      bit = (v.get_word(at / 32) >> (at % 32)) & 1;
    u |= bit << b;
  }
  if (bits < 64 && (u >> (bits - 1)) & 1) u |= ~uint64_t(0) << bits;
  return int64_t(u);
}

template <class V>
class Core final : public RtlCore {
 public:
  Core(const char* name, const RtlShape& shape)
      : shape_(shape), top_((std::string(name) + "_rtl").c_str()), rst_("rst", true) {
    Verilated::traceEverOn(true);
    top_.rst(rst_); top_.layer_go(layer_go_); top_.conv(conv_); top_.n_steps(n_steps_);
    top_.pieces(pieces_); top_.kp(kp_); top_.kern(kern_); top_.stride(stride_); top_.stride_q(stride_q_); top_.stride_m(stride_m_);
    top_.s_issues(s_issues_); top_.s_ncol(s_ncol_); top_.s_first(s_first_); top_.s_last(s_last_);
    top_.s_last_layer(s_last_layer_); top_.bank_data(win_); top_.w_data(w_); top_.acc_in(acc_in_);
    top_.iss_v(iss_v_); top_.iss_tile_start(iss_tile_start_); top_.iss_step_end(iss_step_end_);
    top_.iss_half(iss_half_); top_.iss_step(iss_step_); top_.iss_pixel(iss_pixel_); top_.iss_y(iss_y_);
    top_.iss_x(iss_x_); top_.iss_rows(iss_rows_); top_.iss_cols(iss_cols_); top_.bank_addr(bank_addr_); top_.pre_v(pre_v_);
    top_.pre_step(pre_step_); top_.pre_piece(pre_piece_); top_.rd_v(rd_v_); top_.rd_half(rd_half_);
    top_.rd_pixel(rd_pixel_); top_.ret_v(ret_v_); top_.ret_conv(ret_conv_); top_.ret_half(ret_half_);
    top_.ret_pixel(ret_pixel_); top_.ret_last_tile(ret_last_tile_); top_.wr_data(wr_);
    top_.s_ptr(s_ptr_); top_.t_ptr(t_ptr_); top_.active(active_); top_.busy(busy_); top_.hazard(hazard_);
    top_.stage_valid(stage_valid_);
    top_.in_freed0(in_freed_[0]); top_.in_freed1(in_freed_[1]);
    top_.out_filled0(out_filled_[0]); top_.out_filled1(out_filled_[1]);
  }
  ~Core() override {
    if (vcd_) vcd_->close();
  }

  void bind(sc_core::sc_in<bool>& clk, sc_core::sc_vector<sc_core::sc_in<bool>>& in_filled,
            sc_core::sc_vector<sc_core::sc_in<bool>>& out_freed) override {
    top_.clk(clk);
    top_.in_filled0(in_filled[0]); top_.in_filled1(in_filled[1]);
    top_.out_freed0(out_freed[0]); top_.out_freed1(out_freed[1]);
  }
  void reset(bool on) override { rst_.write(on); }
  void set_layer(const RtlLayerIn& in) override {
    layer_go_.write(in.go); conv_.write(in.conv); n_steps_.write(in.n_steps); pieces_.write(in.pieces);
    kp_.write(in.kp); kern_.write(in.kern); stride_.write(in.stride);
    stride_q_.write(in.stride_q); stride_m_.write(in.stride_m);
  }
  void set_step(const RtlStepIn& in) override {
    s_issues_.write(in.issues); s_ncol_.write(in.ncol); s_first_.write(in.first); s_last_.write(in.last);
    s_last_layer_.write(in.last_layer);
  }
  void set_bank_words(const int16_t* acts) override {
    const uint32_t n = shape_.vector * shape_.kernel * shape_.kernel;
    buf_.assign(acts, acts + n);
    win_.write(pack<value_of<decltype(top_.bank_data)>>(buf_.data(), n, shape_.act_bits));
  }
  void set_weights(const int16_t* weights) override {
    const uint32_t n = shape_.lanes * shape_.vector * shape_.kernel * shape_.kernel;
    buf_.assign(weights, weights + n);
    w_.write(pack<value_of<decltype(top_.w_data)>>(buf_.data(), n, shape_.weight_bits));
  }
  void set_entries(const int64_t* entries) override {
    acc_in_.write(pack<value_of<decltype(top_.acc_in)>>(entries, shape_.lanes, shape_.acc_bits));
  }
  RtlOut outputs() const override {
    RtlOut o;
    o.iss_v = iss_v_.read(); o.iss_tile_start = iss_tile_start_.read(); o.iss_step_end = iss_step_end_.read();
    o.iss_half = iss_half_.read(); o.iss_step = iss_step_.read(); o.iss_pixel = iss_pixel_.read();
    o.iss_y = iss_y_.read(); o.iss_x = iss_x_.read(); o.iss_rows = iss_rows_.read(); o.iss_cols = iss_cols_.read();
    o.pre_v = pre_v_.read(); o.pre_step = pre_step_.read(); o.pre_piece = pre_piece_.read();
    o.rd_v = rd_v_.read(); o.rd_half = rd_half_.read(); o.rd_pixel = rd_pixel_.read();
    o.ret_v = ret_v_.read(); o.ret_conv = ret_conv_.read(); o.ret_half = ret_half_.read();
    o.ret_last_tile = ret_last_tile_.read(); o.ret_pixel = ret_pixel_.read(); o.s_ptr = s_ptr_.read(); o.t_ptr = t_ptr_.read();
    for (int h = 0; h < 2; ++h) {
      o.in_freed[h] = in_freed_[h].read();
      o.out_filled[h] = out_filled_[h].read();
    }
    o.active = active_.read(); o.busy = busy_.read(); o.hazard = hazard_.read(); o.stage_valid = stage_valid_.read();
    return o;
  }
  void bank_addresses(uint32_t* rows, uint32_t* cols) const override {
    const auto& v = bank_addr_.read();
    for (uint32_t q = 0; q < shape_.kernel * shape_.kernel; ++q) {
      cols[q] = uint32_t(field(v, 2 * q, 16)) & 0xffffu;
      rows[q] = uint32_t(field(v, 2 * q + 1, 16)) & 0xffffu;
    }
  }
  void sums(int64_t* out) const override {
    const auto& v = wr_.read();
    for (uint32_t m = 0; m < shape_.lanes; ++m) out[m] = field(v, m, shape_.acc_bits);
  }
  void trace(const std::string& path, std::function<bool(uint64_t)> gate) override {
    vcd_ = std::make_unique<GatedVcdSc>(std::move(gate));
    top_.trace(vcd_.get(), 99);  // what the model was verilated to trace (rtl/CMakeLists.txt)
    vcd_->open(path.c_str());
  }

 private:
  template <class Port>
  using sig = sc_core::sc_signal<value_of<Port>>;

  RtlShape shape_;
  V top_;
  std::vector<int64_t> buf_;
  std::unique_ptr<GatedVcdSc> vcd_;
  sig<decltype(V::rst)> rst_;
  sig<decltype(V::layer_go)> layer_go_;
  sig<decltype(V::conv)> conv_;
  sig<decltype(V::n_steps)> n_steps_;
  sig<decltype(V::pieces)> pieces_;
  sig<decltype(V::kp)> kp_;
  sig<decltype(V::kern)> kern_;
  sig<decltype(V::stride)> stride_;
  sig<decltype(V::stride_q)> stride_q_;
  sig<decltype(V::stride_m)> stride_m_;
  sig<decltype(V::s_issues)> s_issues_;
  sig<decltype(V::s_ncol)> s_ncol_;
  sig<decltype(V::s_first)> s_first_;
  sig<decltype(V::s_last)> s_last_;
  sig<decltype(V::s_last_layer)> s_last_layer_;
  sig<decltype(V::bank_data)> win_;
  sig<decltype(V::w_data)> w_;
  sig<decltype(V::acc_in)> acc_in_;
  sig<decltype(V::iss_v)> iss_v_;
  sig<decltype(V::iss_tile_start)> iss_tile_start_;
  sig<decltype(V::iss_step_end)> iss_step_end_;
  sig<decltype(V::iss_half)> iss_half_;
  sig<decltype(V::iss_step)> iss_step_;
  sig<decltype(V::iss_pixel)> iss_pixel_;
  sig<decltype(V::iss_y)> iss_y_;
  sig<decltype(V::iss_x)> iss_x_;
  sig<decltype(V::iss_rows)> iss_rows_;
  sig<decltype(V::iss_cols)> iss_cols_;
  sig<decltype(V::bank_addr)> bank_addr_;
  sig<decltype(V::pre_v)> pre_v_;
  sig<decltype(V::pre_step)> pre_step_;
  sig<decltype(V::pre_piece)> pre_piece_;
  sig<decltype(V::rd_v)> rd_v_;
  sig<decltype(V::rd_half)> rd_half_;
  sig<decltype(V::rd_pixel)> rd_pixel_;
  sig<decltype(V::ret_v)> ret_v_;
  sig<decltype(V::ret_conv)> ret_conv_;
  sig<decltype(V::ret_half)> ret_half_;
  sig<decltype(V::ret_pixel)> ret_pixel_;
  sig<decltype(V::ret_last_tile)> ret_last_tile_;
  sig<decltype(V::wr_data)> wr_;
  sig<decltype(V::s_ptr)> s_ptr_;
  sig<decltype(V::t_ptr)> t_ptr_;
  sig<decltype(V::active)> active_;
  sig<decltype(V::busy)> busy_;
  sig<decltype(V::hazard)> hazard_;
  sig<decltype(V::stage_valid)> stage_valid_;
  sc_core::sc_signal<bool> in_freed_[2], out_filled_[2];
};

}  // namespace shiftsim::models::rtl
