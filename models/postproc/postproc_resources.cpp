// The PPU's resources (Yosys-calibrated lanes, tests/resources/ppu_lane.v, through
// models/resources/resources.h ppu_lane) and the pooling / element-wise unit's (a rough
// structural estimate). docs/RESOURCES.md "Other components" gives the sources.
#include "models/postproc/postproc_resources.h"

#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

Resources ppu(const ArchSpec& spec) {
  check_shape(spec);
  // §8: one value per lane per cycle: Tm PPU lanes.
  return ppu_lane(spec.numerics.acc_bits, spec.numerics.acc_guard_bits, spec.numerics.act_bits,
                  spec.ppu.latency_cycles) *
         double(spec.pe_array.lanes);
}

Resources pool_eltwise(const ArchSpec& spec) {
  check_shape(spec);
  const double a = spec.numerics.act_bits;
  // Per lane (§8), a rough structural estimate, not calibrated: max (comparator + register,
  // 2a LUT, a FF), average (sum of up to 2^8 window elements, a + 8 bits, and the division by
  // K^2 as a multiply by a per-layer reciprocal: one DSP48E2), element-wise add (two shifts
  // of a bits by up to 15, 2 x 2 LUT per bit, and an adder, a + 1). Total per lane:
  // about 8a LUT, 3a + 16 FF, 1 DSP.
  Resources lane;
  lane.lut = 2 * a + (a + 8) + 4 * a + (a + 1);
  lane.ff = a + (a + 8) + (a + 8);
  lane.dsp = 1;
  return lane * double(spec.pe_array.lanes);
}

}  // namespace shiftsim::models
