// The controller's resources: a rough bottom-up estimate, not calibrated (docs/RESOURCES.md
// "Other components").
#include "models/control/controller_resources.h"

#include "models/resources/resources_detail.h"

namespace shiftsim::models {

using namespace resource_detail;

Resources controller(const ArchSpec& spec) {
  check_shape(spec);
  // A rough bottom-up estimate, not calibrated: seven 32-bit host registers (224 FF, ~50 LUT
  // of decode); the 160-byte descriptor in LUTRAM (40 x 32 bits); ten 32-bit loop counters
  // with increment and compare (group, tile row/col, Tm/Tn tiles, step, ...:
  // 10 x (32 FF + 48 LUT); the piece and pixel counters are the compute unit's issue
  // sequencer's, models/pe_array/sequencer_resources.cpp); six 48-bit address generators by
  // strength-reduced adders (6 x 48 LUT and FF). No DSPs.
  Resources r;
  r.lut = 50 + lutram_luts(32, 40) + 10 * 48 + 6 * 48;
  r.ff = 224 + 10 * 32 + 6 * 48;
  return r;
}

}  // namespace shiftsim::models
