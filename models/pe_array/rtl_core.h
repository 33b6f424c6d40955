#pragma once
// What the RTL compute unit's SystemC wrapper (rtl_compute_unit.h) sees of one Verilated shape
// of rtl/cu_top.v: plain values in, plain values out, so that the wrapper is written once for
// every shape (Verilator fixes Tm, Tn, k and the widths when it generates a model). The shapes
// the build verilated are listed by rtl_shapes(), which rtl/ generates; it is empty in a build
// without Verilator.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "models/arch_spec.h"

namespace shiftsim::models {

struct RtlShape {
  ArrayKind kind = ArrayKind::svpe;
  uint32_t lanes = 0, vector = 0, kernel = 0;  // Tm, Tn, k
  uint32_t act_bits = 16;     // the datapath's activation width (narrower activations fit)
  uint32_t weight_bits = 3;   // SVPE: code bits (exact); VPE: the multiplier's weight width
  uint32_t acc_bits = 48;     // output-buffer entry width the accumulators hold
  uint32_t product_stages = 1;
  uint32_t depth_extra = 0;   // 1: the deliberately broken variant (one stage too many)
  // "svpe (4, 2, 3)", as a refusal lists the verilated shapes.
  std::string name() const {
    return std::string(kind == ArrayKind::svpe ? "svpe" : "vpe") + " (" + std::to_string(lanes) + ", " +
           std::to_string(vector) + ", " + std::to_string(kernel) + ")";
  }
};

// The layer register's constants and the record of the step the issue pointer is at.
struct RtlLayerIn {
  bool go = false, conv = false;
  uint32_t n_steps = 0, pieces = 1, kp = 1, kern = 1, stride = 1;
  uint32_t stride_q = 1, stride_m = 0;  // stride div k, stride mod k (the window generator's step)
};
struct RtlStepIn {
  uint32_t issues = 1, ncol = 1;
  bool first = false, last = false, last_layer = false;
};

// The registered outputs after an edge.
struct RtlOut {
  bool iss_v = false, iss_tile_start = false, iss_step_end = false, iss_half = false;
  uint32_t iss_step = 0, iss_pixel = 0, iss_y = 0, iss_x = 0, iss_rows = 0, iss_cols = 0;
  bool pre_v = false;
  uint32_t pre_step = 0, pre_piece = 0;
  bool rd_v = false, rd_half = false;
  uint32_t rd_pixel = 0;
  bool ret_v = false, ret_conv = false, ret_half = false, ret_last_tile = false;
  uint32_t ret_pixel = 0;
  uint32_t s_ptr = 0, t_ptr = 0;
  bool in_freed[2] = {false, false}, out_filled[2] = {false, false};
  bool active = false, busy = false, hazard = false;
  uint32_t stage_valid = 0;
};

class RtlCore {
 public:
  virtual ~RtlCore() = default;
  // The clock and the partners' handshake toggles go straight to the model's ports. Its own
  // toggles (RtlOut::in_freed, out_filled) are passed on by the wrapper once it has used the
  // buffers in that cycle: a buffer port checks its half's owner as the signals show it, and
  // the native unit, too, uses a half in the cycle it hands it over.
  virtual void bind(sc_core::sc_in<bool>& clk, sc_core::sc_vector<sc_core::sc_in<bool>>& in_filled,
                    sc_core::sc_vector<sc_core::sc_in<bool>>& out_freed) = 0;
  virtual void reset(bool on) = 0;
  virtual void set_layer(const RtlLayerIn& in) = 0;
  virtual void set_step(const RtlStepIn& in) = 0;
  // Read data for the next edge: the k^2 input banks' raw words at the addresses bank_addresses
  // gives, Tn activations each ([n][a][b]: channel n of bank (a, b)), which the RTL rotates into
  // window order; Tm Tn k^2 weights [m][n][a][b] (SVPE codes, VPE values); Tm output-buffer
  // entries.
  virtual void set_bank_words(const int16_t* acts) = 0;
  virtual void set_weights(const int16_t* weights) = 0;
  virtual void set_entries(const int64_t* entries) = 0;
  virtual RtlOut outputs() const = 0;
  // The window generator's bank addresses registered with the issue: bank (a, b)'s row word at
  // rows[a * k + b], its column word at cols[a * k + b].
  virtual void bank_addresses(uint32_t* rows, uint32_t* cols) const = 0;
  // The accumulate stage's Tm entries, sign-extended.
  virtual void sums(int64_t* out) const = 0;
  // Writes the model's own signals to a VCD at `path` (call once elaboration is done), at the
  // time steps (in ps) for which `gate` is true; closed when the core is destroyed.
  virtual void trace(const std::string& path, std::function<bool(uint64_t time_ps)> gate) = 0;
};

struct RtlShapeEntry {
  RtlShape shape;
  std::function<std::unique_ptr<RtlCore>(const char* name)> make;
};

// Every verilated shape of this build (rtl/CMakeLists.txt), broken variants included.
const std::vector<RtlShapeEntry>& rtl_shapes();

}  // namespace shiftsim::models
