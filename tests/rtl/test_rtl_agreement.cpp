// The Verilated RTL compute unit against the native one on random layers (docs/RTL.md), on
// every verilated shape: same cycles per layer, same trace at every cycle, same output bytes. A build with
// -DSHIFTSIM_RTL_BROKEN=ON (one pipeline stage too many in the RTL) fails these.
#include <catch2/catch.hpp>

#include "models/pe_array/rtl_core.h"
#include "tests/rtl/rtl_agreement.h"

using namespace shiftsim::test;

namespace {
void agree(uint64_t first, int count, const std::string& name, RtlShapeSize size = RtlShapeSize::small) {
  AgreementTotals t;
  for (uint64_t seed = first; seed < first + uint64_t(count); ++seed) check_rtl_agreement(seed, name, t, size);
  INFO(t.cases << " cases, " << t.layers << " layers, " << t.refused << " refused by the mapper");
  CHECK(t.cases + t.refused == count);
  // The shape change leaves most draws runnable; the ZCU102 shapes' larger tiles overflow more
  // of the drawn buffers (a quarter of the draws).
  CHECK(t.refused * (size == RtlShapeSize::zcu102 ? 3 : 5) <= count);
  CHECK(t.layers >= t.cases);
  CHECK(t.svpe_cases * 5 >= t.cases);  // both verilated kinds, each a fair share
  CHECK(t.vpe_cases * 5 >= t.cases);
  WARN("native and RTL agree, seeds " << first << ".." << first + count - 1 << ": " << t.cases << " cases, " << t.layers
                               << " layers agree (" << t.svpe_cases << " SVPE, " << t.vpe_cases << " VPE cases); " << t.refused
                               << " refused by the mapper");
}
}  // namespace

TEST_CASE("native and RTL compute units agree: seeds 1..100") { agree(1, 100, "rtl-a"); }
TEST_CASE("native and RTL compute units agree: seeds 5000..5099") { agree(5000, 100, "rtl-b"); }
TEST_CASE("native and RTL compute units agree: seeds 900000..900099") { agree(900000, 100, "rtl-c"); }
TEST_CASE("native and RTL compute units agree on conv strides up to 6: seeds 300..399") {
  AgreementTotals t;
  for (uint64_t seed = 300; seed < 400; ++seed) check_rtl_agreement(seed, "rtl-s", t, RtlShapeSize::small_strides);
  INFO(t.cases << " cases, " << t.layers << " layers, " << t.refused << " refused");
  CHECK(t.cases * 5 >= 100 * 4);
  // The window generator's quotient and residue steps together (stride 4 or 5 at k = 3).
  CHECK(t.wide_stride_convs >= 8);
  WARN("strides up to 6: " << t.cases << " cases, " << t.wide_stride_convs << " conv layers of stride 4 or 5 agree");
}

// The verilated ZCU102 design points (configs/arch/svpe_zcu102.json, vpe16_zcu102.json), which
// the whole networks of scripts/bench_rtl_networks.sh run on, on random layers too.
TEST_CASE("native and RTL compute units agree on the ZCU102 shapes: seeds 7000..7099") {
  using shiftsim::models::ArrayKind;
  // A build configured with fewer shapes (-DSHIFTSIM_RTL_SHAPES, docs/RTL.md) has no model to run.
  auto verilated = [](ArrayKind kind, uint32_t lanes, uint32_t vector) {
    for (const auto& e : shiftsim::models::rtl_shapes())
      if (e.shape.kind == kind && e.shape.lanes == lanes && e.shape.vector == vector && e.shape.kernel == 3) return true;
    return false;
  };
  if (!verilated(ArrayKind::svpe, 32, 8) || !verilated(ArrayKind::vpe, 16, 4)) {
    WARN("this build did not verilate both ZCU102 shapes (SHIFTSIM_RTL_SHAPES): not run");
    return;
  }
  agree(7000, 100, "rtl-z", RtlShapeSize::zcu102);
}
