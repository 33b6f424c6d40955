#pragma once
// A clocked vector pipeline of the recurrent unit (docs/ARCHITECTURE.md §11): Tm lanes, each
// taking one element a cycle into a pipeline of `latency` stages. The sequencer writes a
// command (an operation over V elements of its register file) and bumps `cmd`; the unit sees
// it at the next edge, issues a word of a gate block a cycle (up to Tm elements, element j of
// the block in lane j mod Tm: the gate-aligned rows of recurrent_layer.h), and toggles `done`
// in the cycle its last element leaves the last stage. The activation unit and the
// element-wise unit are the two instances (activation_unit.h, elementwise_unit.h).
#include <cstdint>

#include <systemc>

#include "models/recurrent/recurrent_layer.h"
#include "models/recurrent/recurrent_state.h"
#include "models/unit_env.h"

namespace shiftsim::models {

// The command register the sequencer loads before bumping `cmd`.
struct VecCommand {
  VecOp op;
  RecurrentState* state = nullptr;  // the register file the operation reads and writes
  ComponentActions* actions = nullptr;  // the pass's: each element through the unit's lanes
};

class VectorUnit : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<uint32_t> cmd;  // commands written so far
  sc_core::sc_out<bool> done;    // toggled when a command's last element is out

  VectorUnit(sc_core::sc_module_name name, UnitEnv& env, const VecCommand& reg, uint32_t latency, Sig busy);
  uint32_t latency() const { return latency_; }

 private:
  void tick();
  UnitEnv& env_;
  const VecCommand& reg_;
  const uint32_t latency_;
  const Sig busy_sig_;
  uint32_t seen_ = 0;
  VecCommand cur_;
  uint32_t next_ = 0, words_ = 0;  // the next word to issue, the operation's words
  uint64_t valid_ = 0, last_ = 0;  // bit i: stage i + 1 holds an issue (the op's last)
  bool done_state_ = false, sleeping_ = false;
};

}  // namespace shiftsim::models
