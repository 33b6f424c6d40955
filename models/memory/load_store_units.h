#pragma once
// The DMA-side engines of the layer pipeline in cycle mode (docs/ARCHITECTURE.md §7): the load
// unit (read DMA into the input and weight buffers) and the store unit (PPU and write DMA).
// Each is a clocked thread: it runs its jobs in program order and takes a buffer half when the
// compute unit's toggle says it is free (load) or full (store).
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/memory/dma_engine.h"
#include "models/pipeline.h"
#include "models/postproc/ppu.h"
#include "models/wait_until.h"

namespace shiftsim::models {

class LoadUnit : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<uint32_t> layer;
  sc_core::sc_vector<sc_core::sc_out<bool>> in_filled;  // toggled when half h holds a step
  sc_core::sc_vector<sc_core::sc_in<bool>> in_freed;    // compute unit: done with half h

  LoadUnit(sc_core::sc_module_name name, Pipeline& pipe, const DramTiming& timing);

 private:
  void run();
  // One DRAM read of a window: where it lands in the staging area and in the window.
  struct WindowRead {
    uint64_t addr = 0, bytes = 0, at = 0;
    uint32_t input = 0;  // 0: the first input, 1: the element-wise add's second
    int32_t c = 0, chans = 0, y = 0, rows = 0, xlo = 0, cols = 0;
  };
  // One half's staging: the job's window reads and their bytes, the bias's place.
  struct Staging {
    std::vector<uint8_t> bytes;
    std::vector<WindowRead> reads;
    uint64_t bias_at = 0;
  };
  void load_step(uint32_t s);
  void finish_step(uint32_t s, uint64_t handed);
  void plan_window(uint64_t base, const Window& w, uint32_t input, uint64_t& staged, Staging& st);
  void scatter_windows(InputHalf& in, const Staging& st);
  Pipeline& p_;

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
  sc_core::sc_in<uint32_t> layer;
  sc_core::sc_vector<sc_core::sc_in<bool>> out_filled;  // compute unit: half h holds a tile
  sc_core::sc_vector<sc_core::sc_out<bool>> out_freed;  // toggled when half h has been stored
  sc_core::sc_out<bool> layer_done;                     // toggled after a layer's last store

  StoreUnit(sc_core::sc_module_name name, Pipeline& pipe, const DramTiming& timing);

 private:
  void run();
  void store_tile(uint32_t t);
  Pipeline& p_;

 public:
  DmaEngine engine_;  // the write engine; its socket goes to the interconnect

 private:
  std::vector<uint8_t> bytes_;
  bool freed_[2] = {false, false};
  bool done_ = false;
};

}  // namespace shiftsim::models
