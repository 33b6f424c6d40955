#pragma once
// The weight buffer in cycle mode (docs/ARCHITECTURE.md §5-§6): two halves, each holding one
// weight block as stored in DRAM and the bias registers of its tile's output channels. The
// read DMA writes the block through the fill port; the compute unit's preload reads one piece
// of the whole array a cycle through the read port, whose latency is
// `buffers.weight_read_latency`.
#include <cstdint>
#include <vector>

#include <systemc>

#include "models/buffers/buffers.h"
#include "models/buffers/double_buffer.h"

namespace shiftsim::models {

class WeightFillPort : public virtual sc_core::sc_interface {
 public:
  // Half h's storage for a block of `bytes` for mc output x nc input channels; the read DMA
  // writes into it (it stays valid until the next block into that half).
  virtual uint8_t* block(uint32_t half, uint32_t bytes, uint32_t mc, uint32_t nc) = 0;
  // In the cycle of the load job's last beat: the tile's bias, as the read DMA staged it.
  virtual void bias(uint32_t half, const uint8_t* staged, uint32_t mc) = 0;
};

class WeightReadPort : public virtual sc_core::sc_interface {
 public:
  virtual uint32_t read_latency() const = 0;
  virtual const WeightHalf& contents(uint32_t half) const = 0;
};

class WeightBuffer : public DoubleBuffer, public WeightFillPort, public WeightReadPort {
 public:
  sc_core::sc_export<WeightFillPort> fill_port;
  sc_core::sc_export<WeightReadPort> read_port;

  // Its halves go with the input buffer's: the same handshakes hand them over.
  WeightBuffer(sc_core::sc_module_name name, UnitEnv& env);

  uint8_t* block(uint32_t half, uint32_t bytes, uint32_t mc, uint32_t nc) override;
  void bias(uint32_t half, const uint8_t* staged, uint32_t mc) override;
  uint32_t read_latency() const override { return read_latency_; }
  const WeightHalf& contents(uint32_t half) const override { return halves_[half]; }

 private:
  const uint32_t read_latency_;
  WeightHalf halves_[2];
};

}  // namespace shiftsim::models
