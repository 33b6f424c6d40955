#pragma once
// The DMA-side engines of the layer pipeline in cycle mode (docs/ARCHITECTURE.md §7): the load
// unit (read DMA into the input and weight buffers) and the store unit (PPU and write DMA).
// Each is a clocked thread: it runs its jobs in program order and takes a buffer half when the
// compute unit's toggle says it is free (load) or full (store).
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/buffers/input_buffer.h"
#include "models/buffers/output_buffer.h"
#include "models/buffers/weight_buffer.h"
#include "models/control/layer_job.h"
#include "models/memory/dma_engine.h"
#include "models/postproc/ppu.h"
#include "models/stats.h"
#include "models/unit_env.h"
#include "models/wait_until.h"

namespace shiftsim::models {

class LoadUnit : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<LayerRegister> layer;
  sc_core::sc_vector<sc_core::sc_out<bool>> in_filled;  // toggled when half h holds a step
  sc_core::sc_vector<sc_core::sc_in<bool>> in_freed;    // compute unit: done with half h
  sc_core::sc_port<InputFillPort> input;
  sc_core::sc_port<WeightFillPort> weights;

  LoadUnit(sc_core::sc_module_name name, UnitEnv& env, const DramTiming& timing);
  // Per pass, in order: the cycles the read DMA was busy with this unit's jobs (load_cycles)
  // and the buffers' fills.
  const std::vector<UnitPass>& passes() const { return passes_; }

 private:
  void run();
  // One half's staging: the job's window reads and their bytes, the bias's place.
  struct Staging {
    std::vector<uint8_t> bytes;
    std::vector<WindowRead> reads;
    uint64_t bias_at = 0;
  };
  void load_step(uint32_t s);
  void finish_step(uint32_t s, uint64_t handed);
  void plan_window(uint64_t base, const Window& w, uint32_t input, uint64_t& staged, Staging& st);
  UnitEnv& env_;
  LayerRegister job_;
  std::vector<UnitPass> passes_;

 public:
  DmaEngine engine_;  // the read engine; its socket goes to the interconnect

 private:
  Staging staging_[2];
  bool filled_[2] = {false, false};  // toggled when a job into half h is done
  bool handed_[2] = {false, false};  // toggled when a job into half h is handed to the engine
  uint64_t busy_until_ = 0;  // end of the load jobs counted so far (their busy cycles overlap)
};

class StoreUnit : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<LayerRegister> layer;
  sc_core::sc_vector<sc_core::sc_in<bool>> out_filled;  // compute unit: half h holds a tile
  sc_core::sc_vector<sc_core::sc_out<bool>> out_freed;  // toggled when half h has been stored
  sc_core::sc_out<bool> layer_done;                     // toggled after a layer's last store
  sc_core::sc_port<OutputDrainPort> output;             // the PPU reads a finished tile out

  StoreUnit(sc_core::sc_module_name name, UnitEnv& env, const DramTiming& timing);
  // Per pass, in order: the write DMA's busy cycles (store_cycles), the PPU's saturations and
  // what the PPU and the output buffer's drain port did.
  const std::vector<UnitPass>& passes() const { return passes_; }

 private:
  void run();
  void store_tile(uint32_t t);
  UnitEnv& env_;
  LayerRegister job_;
  std::vector<UnitPass> passes_;

 public:
  DmaEngine engine_;  // the write engine; its socket goes to the interconnect

 private:
  std::vector<uint8_t> bytes_;
  bool freed_[2] = {false, false};
  bool done_ = false;
};

}  // namespace shiftsim::models
