#pragma once
// The three engines of the layer pipeline (docs/ARCHITECTURE.md §7): the load unit (read DMA
// into the input and weight buffers), the compute unit (PE array, pooling/element-wise unit)
// and the store unit (PPU and write DMA). Each runs its jobs in program order and starts a job
// at the latest finish among the jobs it depends on.
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/conv_datapath.h"
#include "models/dma_port.h"
#include "models/pipeline.h"
#include "models/ppu.h"
#include "models/vector_datapath.h"

namespace shiftsim::models {

class LoadUnit : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<LoadUnit> socket;
  LoadUnit(sc_core::sc_module_name name, Pipeline& pipe, const DramTiming& timing);

 private:
  void run();
  void load_step(uint32_t s);
  void load_window(uint64_t base, const Window& w, int16_t* dst);
  Pipeline& p_;
  DmaPort port_;
  std::vector<uint8_t> bytes_;
};

class ComputeUnit : public sc_core::sc_module {
 public:
  ComputeUnit(sc_core::sc_module_name name, Pipeline& pipe);

 private:
  void run();
  void compute_step(uint32_t s, uint32_t t, const TilePlan& tile, bool first, bool last);
  Pipeline& p_;
  ConvDatapath conv_;
  VectorDatapath vector_;
  std::vector<int32_t> fields_;  // weight codes (SVPE) or values (VPE)
};

class StoreUnit : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<StoreUnit> socket;
  StoreUnit(sc_core::sc_module_name name, Pipeline& pipe, const DramTiming& timing);

 private:
  void run();
  void store_tile(uint32_t t);
  Pipeline& p_;
  DmaPort port_;
  std::vector<uint8_t> bytes_;
};

}  // namespace shiftsim::models
