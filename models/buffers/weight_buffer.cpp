#include "models/buffers/weight_buffer.h"

#include "models/pe_array/weight_layout.h"

namespace shiftsim::models {

WeightBuffer::WeightBuffer(sc_core::sc_module_name name, UnitEnv& env)
    : DoubleBuffer(name, env, Sig::w_buf_owner), fill_port("fill_port"), read_port("read_port"),
      read_latency_(env.arch.buffers.weight_read_latency) {
  fill_port.bind(*this);
  read_port.bind(*this);
}

uint8_t* WeightBuffer::block(uint32_t half, uint32_t bytes, uint32_t mc, uint32_t nc) {
  require(half, false, "a block write");
  WeightHalf& w = halves_[half];
  w.block.assign(bytes, 0);
  w.mc = mc;
  w.nc = nc;
  return w.block.data();
}

void WeightBuffer::bias(uint32_t half, const uint8_t* staged, uint32_t mc) {
  WeightHalf& w = halves_[half];
  w.bias.resize(mc);
  for (uint32_t m = 0; m < mc; ++m) w.bias[m] = read_bias(staged + m * kBiasBytes);
  env_.mark(Sig::w_buf_fill, w.block.size() + uint64_t(mc) * kBiasBytes);
}

}  // namespace shiftsim::models
