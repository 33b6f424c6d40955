#pragma once
// The output buffer in cycle mode (docs/ARCHITECTURE.md §5-§6): two halves of accumulator
// entries, each half one tile's. The compute unit owns a half from its tile's first issue: it
// starts the tile (the bias held beside the entries for the PPU) and accumulates one pixel's
// lane sums a cycle through the accumulate port, whose entry read takes
// `buffers.output_read_latency` cycles; the store unit's PPU reads the finished tile out
// through the drain port.
#include <cstdint>
#include <vector>

#include <systemc>

#include "models/buffers/buffers.h"
#include "models/buffers/double_buffer.h"
#include "models/buffers/port_cycle.h"

namespace shiftsim::models {

class OutputAccumulatePort : public virtual sc_core::sc_interface {
 public:
  virtual uint32_t read_latency() const = 0;
  // A tile's first issue: half h gets mc x pixels entries and the tile's bias (none for the
  // pooling and element-wise unit, which writes its results into the returned half).
  virtual OutputHalf& start_tile(uint32_t half, uint32_t mc, uint32_t pixels, const std::vector<int64_t>& bias) = 0;
  // The accumulate stage: entry (m, pixel) of each of the mc lanes becomes sums[m] (the tile's
  // first round) or adds it.
  virtual void accumulate(uint32_t half, uint32_t pixel, const int64_t* sums, bool first) = 0;
};

class OutputDrainPort : public virtual sc_core::sc_interface {
 public:
  virtual const OutputHalf& contents(uint32_t half) const = 0;
};

class OutputBuffer : public DoubleBuffer, public OutputAccumulatePort, public OutputDrainPort {
 public:
  sc_core::sc_export<OutputAccumulatePort> accumulate_port;
  sc_core::sc_export<OutputDrainPort> drain_port;

  OutputBuffer(sc_core::sc_module_name name, UnitEnv& env);

  uint32_t read_latency() const override { return read_latency_; }
  OutputHalf& start_tile(uint32_t half, uint32_t mc, uint32_t pixels, const std::vector<int64_t>& bias) override;
  void accumulate(uint32_t half, uint32_t pixel, const int64_t* sums, bool first) override;
  const OutputHalf& contents(uint32_t half) const override {
    require(half, true, "a drain");
    return halves_[half];
  }

 private:
  const uint32_t read_latency_;
  OutputHalf halves_[2];
  uint32_t pixels_[2] = {0, 0};
  PortCycle write_cycle_;
};

}  // namespace shiftsim::models
