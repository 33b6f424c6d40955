#pragma once
// The recurrent unit in cycle mode (docs/ARCHITECTURE.md §11): the sequencer of an lstm or gru
// pass, a clocked thread. It reads the layer's header, biases and initial states (and, when
// they fit, every weight block) with one DMA job, then runs the time steps in order, since
// each needs the last one's h (and c): the step's program (matrix-vector products on the PE
// array through the MVM unit; when the weights are streamed, each row tile's weight job loads
// one half of the weight buffer while the array runs the previous tile from the other; then
// the activation and element-wise units' operations). The next step's input x_{t+1} (and,
// streamed, its first row tile) is read into the x buffer's other half while the step runs,
// and h_t is stored from a copy while the next step runs. Each unit is
// a module of its own that the sequencer commands through a register and a toggle; it sees the
// unit's done a cycle after the unit toggles it. The load, compute and store units see the
// pass as one with an empty plan; the controller waits for `rnn_done` as well.
#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>

#include "models/control/layer_job.h"
#include "models/memory/dma_engine.h"
#include "models/recurrent/mvm_unit.h"
#include "models/recurrent/recurrent_state.h"
#include "models/recurrent/vector_unit.h"
#include "models/unit_env.h"

namespace shiftsim::models {

class RecurrentUnit : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<LayerRegister> layer;
  sc_core::sc_out<bool> rnn_done;  // toggled after a recurrent pass's last store

  RecurrentUnit(sc_core::sc_module_name name, UnitEnv& env, const DramTiming& timing);
  // Per pass (every pass the controller publishes; empty for the others): the cycles the
  // recurrent unit's engines and units worked, its saturations and its actions.
  const std::vector<UnitPass>& passes() const { return passes_; }

 private:
  void run();
  void run_layer();
  // A DMA job the sequencer handed and has not waited for yet: at most one on each engine.
  struct Job {
    bool finished = false;
    uint64_t handed = 0, end = 0;
    sc_core::sc_event done;
  };
  // Hands the transfers queued on the engine (add) as one job without waiting; its completion,
  // in the cycle of its last beat, gives its end (the next cycle).
  void hand(DmaEngine& engine, Job& job, Sig busy);
  // Waits for the job's end: a read job's own cycles are load, a write job's store; the cycles
  // waited here are stall when `stall` (a read job, or a store the next store waits for).
  void await_job(Job& job, bool write, bool stall);
  // A read job handed and waited for at once.
  void read(uint64_t addr, uint8_t* dst, uint64_t bytes);
  void command_mvm(const MvmOp& op, uint32_t mt0, uint32_t mt1, const uint8_t* blocks);
  void command_vec(const VecOp& op);
  void await(const sc_core::sc_signal<bool>& done, bool& seen);

  UnitEnv& env_;
  LayerRegister job_;
  std::vector<UnitPass> passes_;

 public:
  DmaEngine read_engine, write_engine;  // their sockets go to the interconnect

 private:
  MvmCommand mvm_reg_;
  VecCommand act_reg_, ew_reg_;
  sc_core::sc_signal<uint32_t> mvm_cmd_, act_cmd_, ew_cmd_;
  sc_core::sc_signal<bool> mvm_done_, act_done_, ew_done_;

 public:
  MvmUnit mvm;
  VectorUnit activation, elementwise;

 private:
  bool mvm_seen_ = false, act_seen_ = false, ew_seen_ = false, done_state_ = false;
  std::unique_ptr<RecurrentState> state_;
  std::vector<uint8_t> store_;  // the layer's parameters and, when resident, its weight blocks
  std::vector<uint8_t> half_[2];  // streamed: the weight buffer's halves, a row tile each
  std::vector<uint8_t> x_[2];     // the x buffer's halves: x_t read while step t - 1 runs
  std::vector<uint8_t> h_[2];     // h's copies: h_t stored while step t + 1 runs
  Job rd_, wr_;                   // the read and the write engine's jobs
  std::vector<uint8_t> io_;       // an embedding's row as the DMA moves it
  std::vector<int16_t> row_;
};

}  // namespace shiftsim::models
