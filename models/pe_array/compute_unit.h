#pragma once
// The compute unit in cycle mode (docs/ARCHITECTURE.md §6-§7): a clocked process that, every
// rising edge, retires the product leaving the PE array's D-stage pipeline into its
// accumulator, issues the next output pixel and kernel piece (the window generator reading the
// input buffer's banks), and preloads the next piece's weights into the convolvers' shadow
// registers. It hands buffer halves to the load and store units through toggle handshakes:
// a half is full while the filler's toggle differs from the emptier's. Its cycle counts come
// from this behaviour alone.
#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>

#include "models/buffers/input_buffer.h"
#include "models/buffers/output_buffer.h"
#include "models/buffers/weight_buffer.h"
#include "models/control/layer_job.h"
#include "models/pe_array/pe_array.h"
#include "models/postproc/vector_datapath.h"
#include "models/stats.h"
#include "models/unit_env.h"

namespace shiftsim::models {

// The compute unit's ports, the same for the native unit below and the Verilated RTL one
// (rtl_compute_unit.h), which `pe_array.impl` chooses between (rtl_select.h).
class ComputeUnitPorts : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<LayerRegister> layer;          // the controller's layer register
  sc_core::sc_vector<sc_core::sc_in<bool>> in_filled;   // load unit: input/weight half h filled
  sc_core::sc_vector<sc_core::sc_out<bool>> in_freed;   // this unit is done reading half h
  sc_core::sc_vector<sc_core::sc_out<bool>> out_filled; // output half h holds a finished tile
  sc_core::sc_vector<sc_core::sc_in<bool>> out_freed;   // store unit: output half h read out
  sc_core::sc_port<InputReadPort> input;                // window generator: the k^2 banks
  sc_core::sc_port<WeightReadPort> weights;             // preload: one piece a cycle
  sc_core::sc_port<OutputAccumulatePort> output;        // the accumulate stage

  explicit ComputeUnitPorts(sc_core::sc_module_name name);
  // Per pass, in order: the cycles this unit worked and waited (compute_cycles, stall_cycles)
  // and what the PE array, the window unit, the pooling/element-wise unit and the buffers'
  // compute-side ports did.
  virtual const std::vector<UnitPass>& passes() const = 0;
};

class ComputeUnit : public ComputeUnitPorts {
 public:
  ComputeUnit(sc_core::sc_module_name name, UnitEnv& env);
  const std::vector<UnitPass>& passes() const override { return passes_; }

 private:
  // One product (one issue) in flight through the array's pipeline.
  struct Slot {
    bool valid = false;
    uint64_t cycle = 0;        // issue cycle
    uint32_t half = 0, pixel = 0;
    bool first = false;        // the tile's first round: the accumulator starts from this sum
    bool last_of_tile = false, last_of_layer = false;
    std::vector<int64_t> sums; // one per lane
  };

  void tick();
  void start_layer();
  void retire(uint64_t now);
  uint64_t stage_valid_bits(uint64_t now) const;
  bool issue_conv(uint64_t now);
  bool issue_vector(uint64_t now);
  bool preload(uint64_t now);
  void gather_window(uint32_t step, uint32_t piece, uint32_t pixel);
  void finish_step(uint32_t step);
  void push(uint64_t now, uint32_t half, uint32_t pixel, bool first, bool last_of_tile);
  bool in_full(uint32_t step) const { return in_filled[step % 2].read() != in_freed_state_[step % 2]; }
  // An output half is the compute unit's from its tile's first issue until the store unit has
  // read it out: free once the store's toggle has caught up with the tiles started in it.
  bool out_free(uint32_t tile) const { return out_started_[tile % 2] == out_freed[tile % 2].read(); }

  UnitEnv& env_;
  LayerRegister job_;          // the layer in flight, as the layer register held it
  std::vector<UnitPass> passes_;
  uint64_t step_issues_ = 0;   // issues of the current step, priced when it ends
  std::unique_ptr<PeArray> array_;
  VectorDatapath vector_;
  bool sleeping_ = false;      // woken by an event between edges: act at the next edge
  bool running_ = false;       // a layer's work is not finished
  bool in_freed_state_[2] = {false, false}, out_filled_state_[2] = {false, false};
  bool out_started_[2] = {false, false};  // toggled at a tile's first issue into half h
  bool conv_ = false;
  uint32_t depth_ = 1;         // D: pipeline stages from issue to accumulator write
  uint32_t hazard_ = 1;        // H: an entry may be issued again H cycles after its last issue
  uint32_t preload_cycles_ = 1;  // G: from a preload's read to usable shadow registers
  std::vector<Slot> ring_;     // indexed by issue cycle mod D
  uint32_t inflight_ = 0;
  // Issue pointer: step, piece (round), pixel; tile of the step; vector ops: element index.
  uint32_t s_ = 0, j_ = 0, px_ = 0, t_ = 0;
  uint64_t i_ = 0;
  uint32_t pieces_ = 1, kp_ = 1;
  std::vector<uint64_t> last_issue_;  // per pixel of the current tile (the hazard check)
  // Preload pointer: the next (step, piece) to load into the shadow set.
  uint32_t ps_ = 0, pj_ = 0;
  bool shadow_full_ = false;
  uint64_t shadow_ready_ = 0, preload_busy_until_ = 0;
  bool preload_busy_ = false;
  bool hazard_wait_ = false;
  std::vector<int32_t> fields_;       // the preloading step's weight block, unpacked
  std::vector<int16_t> window_;
};

}  // namespace shiftsim::models
