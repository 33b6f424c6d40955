#pragma once
// The RTL compute unit against the native one (docs/RTL.md): one random case of the
// differential generator (study/differential_cases.h), its array replaced by a verilated shape,
// run in cycle mode twice, `pe_array.impl` native and rtl. They must give the same report
// cycles per layer, the same trace (every handshake toggle, issue, preload, accumulator write
// and hazard stall at the unit's ports, cycle by cycle) and the same output bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "models/arch_spec.h"

namespace shiftsim::test {

struct RtlShapeSets {
  models::ArrayKind kind;
  std::vector<std::string> sets;  // --set overrides that make a drawn machine this shape
};

// The small verilated shapes the suite runs most cases on (rtl/CMakeLists.txt).
RtlShapeSets small_rtl_shape(models::ArrayKind kind);
// The ZCU102 design points: SVPE (32, 8, 3), VPE (16, 4, 3).
RtlShapeSets zcu102_rtl_shape(models::ArrayKind kind);

// small_strides: the small shapes with conv strides up to 6, so that at k = 3 the window
// origin's quotient and residue by k both step at once (stride 4, 5), which the default
// strides (1..3) never do.
enum class RtlShapeSize { small, small_strides, zcu102 };

struct AgreementTotals {
  int cases = 0, layers = 0, refused = 0;
  int svpe_cases = 0, vpe_cases = 0;  // so that a range shows it ran both shapes
  int wide_stride_convs = 0;           // conv layers with stride mod 3 != 0 and stride > 3
};

// Case `seed`: both runs, compared with CHECKs. A case the mapper refuses on the new shape (a
// buffer below its smallest tile) counts in `refused`.
void check_rtl_agreement(uint64_t seed, const std::string& name, AgreementTotals& totals,
                         RtlShapeSize size = RtlShapeSize::small);

}  // namespace shiftsim::test
