#pragma once
// The DMA-side engines of the layer pipeline in cycle mode (docs/ARCHITECTURE.md §7): the load
// unit (read DMA into the input and weight buffers) and the store unit (PPU and write DMA).
// Each is a clocked thread: it runs its jobs in program order and takes a buffer half when the
// compute unit's toggle says it is free (load) or full (store).
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/dma_port.h"
#include "models/pipeline.h"
#include "models/ppu.h"

namespace shiftsim::models {

class LoadUnit : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<LoadUnit> socket;
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<uint32_t> layer;
  sc_core::sc_vector<sc_core::sc_out<bool>> in_filled;  // toggled when half h holds a step
  sc_core::sc_vector<sc_core::sc_in<bool>> in_freed;    // compute unit: done with half h

  LoadUnit(sc_core::sc_module_name name, Pipeline& pipe, const DramTiming& timing);

 private:
  void run();
  void load_step(uint32_t s);
  void load_window(uint64_t base, const Window& w, int16_t* dst);
  Pipeline& p_;
  DmaPort port_;
  std::vector<uint8_t> bytes_;
  bool filled_[2] = {false, false};
};

class StoreUnit : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<StoreUnit> socket;
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
  DmaPort port_;
  std::vector<uint8_t> bytes_;
  bool freed_[2] = {false, false};
  bool done_ = false;
};

// Blocks a clocked thread until pred() holds at a rising edge, as a register read at that
// edge would see it; sleeps on `changed` instead of waking every cycle.
template <class Pred>
void wait_until(const sc_core::sc_event& changed, Pred pred) {
  while (!pred()) {
    sc_core::wait(changed);
    sc_core::wait();  // the change is seen at the next edge
  }
}

}  // namespace shiftsim::models
