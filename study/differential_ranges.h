#pragma once
// The ranges the differential test draws its cases from (docs/TESTING.md lists them too).
// Changing a default changes which case a seed names, so old replay commands
// (`shiftsim difftest --cases 1 --seed S`) would then draw a different case; the printed
// `shiftsim run` commands stay valid.
#include <cstdint>

namespace shiftsim::sim {

struct CaseRanges {
  // The network: 1..max_layers layers, each reading the previous one (add and concat also read
  // an earlier tensor of a fitting shape, or the network input).
  int max_layers = 3;
  int max_channels = 40;    // input channels, conv output channels, fc output features
  int max_size = 24;        // input height and width
  int max_conv_kernel = 7;  // conv pad 0..K/2, groups a divisor of both channel counts
  int max_conv_stride = 3;
  int max_pool_kernel = 5;  // pooling pad 0..K-1 (the network loader's rule)
  int max_pool_stride = 3;

  // The machine, as --set overrides of configs/arch/svpe_zcu102.json or vpe16_zcu102.json
  // (the other choices, clock, DRAM width and peak, are lists in differential_machine_gen.cpp).
  int max_lanes = 16;
  int max_vector = 8;
  int max_array_kernel = 5;
  int max_product_stages = 4;
  int max_latency_ns = 300;
  int ddr4_percent = 40;  // cases on the DDR4 model (the rest: fixed latency)
  int min_burst_bytes = 64;  // dram.max_burst_bytes: a power of two from here to 4096
  int max_ppu_latency = 16;
  int max_reg_access_cycles = 8;

  // A draw whose estimated cycles (differential_tiling.h) exceed this is refused and redrawn:
  // cycle mode's cost grows with the cycles, and many small cases find more than a few big ones.
  uint64_t max_cycles = 200000;
};

}  // namespace shiftsim::sim
