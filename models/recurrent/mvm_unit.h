#pragma once
// The recurrent unit's matrix-vector products on the PE array (docs/ARCHITECTURE.md §11),
// clocked. One issue a cycle: a block of up to Tm rows (a word of one gate block, §11's
// gate-aligned rows) x Tn k^2 columns of the matrix (each k x k convolver takes k^2
// consecutive columns, as a 1 x 1 output pixel of a k x k kernel) streams
// from the weight store into the array's registers with the matching Tn k^2 values of the
// vector; per lane the adder tree's sum goes down the array's pipeline of mvm_depth() stages to
// the lane's accumulator, which holds the row's sum over its column chunks and writes it to the
// register file after the row tile's last chunk. The sequencer writes a command and bumps
// `cmd`; the unit toggles `done` in the cycle the command's last sum is accumulated.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <systemc>

#include "models/pe_array/pe_array.h"
#include "models/pe_array/weight_layout.h"
#include "models/recurrent/recurrent_layer.h"
#include "models/recurrent/recurrent_state.h"
#include "models/unit_env.h"

namespace shiftsim::models {

struct MvmCommand {
  MvmOp op;
  std::optional<WeightLayout> layout;  // the op's blocks
  const uint8_t* blocks = nullptr;     // where the layout's byte `base` sits in the store
  uint64_t base = 0;
  uint32_t mt0 = 0, mt1 = 0;           // row tiles to run
  RecurrentState* state = nullptr;
  ComponentActions* actions = nullptr;  // the pass's: the array's products and weight reads
};

class MvmUnit : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<uint32_t> cmd;
  sc_core::sc_out<bool> done;

  MvmUnit(sc_core::sc_module_name name, UnitEnv& env, const MvmCommand& reg);
  uint32_t depth() const { return depth_; }

 private:
  struct Slot {
    bool valid = false;
    uint64_t cycle = 0;
    uint32_t mt = 0, mc = 0;
    bool last_chunk = false, last_of_op = false;
    std::vector<int64_t> sums;
  };
  void tick();
  void issue(uint64_t now);
  void retire(uint64_t now);

  UnitEnv& env_;
  const MvmCommand& reg_;
  const MvmCommand* cur_ = nullptr;
  std::unique_ptr<PeArray> array_;
  const uint32_t depth_;
  std::vector<Slot> ring_;
  uint32_t inflight_ = 0;
  uint32_t seen_ = 0, mt_ = 0, nt_ = 0, cols_ = 0;
  bool issuing_ = false, done_state_ = false, sleeping_ = false;
  std::vector<int64_t> acc_;
  std::vector<int32_t> fields_;
  std::vector<int16_t> window_;
};

}  // namespace shiftsim::models
