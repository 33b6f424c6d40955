#include "models/buffers/output_buffer.h"

#include "models/control/layer_plan.h"

namespace shiftsim::models {

OutputBuffer::OutputBuffer(sc_core::sc_module_name name, UnitEnv& env)
    : DoubleBuffer(name, env, Sig::out_buf_owner), accumulate_port("accumulate_port"), drain_port("drain_port"),
      read_latency_(env.arch.buffers.output_read_latency) {
  accumulate_port.bind(*this);
  drain_port.bind(*this);
}

OutputHalf& OutputBuffer::start_tile(uint32_t half, uint32_t mc, uint32_t pixels, const std::vector<int64_t>& bias) {
  require(half, false, "a tile start");
  OutputHalf& out = halves_[half];
  out.acc.assign(size_t(mc) * pixels, 0);
  out.bias = bias;
  pixels_[half] = pixels;
  env_.mark(Sig::out_buf_fill, out.acc.size() * acc_bytes(env_.arch));
  return out;
}

void OutputBuffer::accumulate(uint32_t half, uint32_t pixel, const int64_t* sums, bool first) {
  require(half, false, "an accumulation");
  write_cycle_.use(env_.clock.now(), "output buffer accumulate port");
  OutputHalf& out = halves_[half];
  const size_t pixels = pixels_[half], lanes = out.acc.size() / pixels;
  int64_t* entry = out.acc.data() + pixel;
  for (size_t m = 0; m < lanes; ++m, entry += pixels) *entry = first ? sums[m] : *entry + sums[m];
}

}  // namespace shiftsim::models
