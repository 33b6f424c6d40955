// The Verilated RTL compute unit against the native one on random layers (docs/RTL.md): same
// cycles per layer, same trace at every cycle, same output bytes. A build with
// -DSHIFTSIM_RTL_BROKEN=ON (one pipeline stage too many in the RTL) fails these.
#include <catch2/catch.hpp>

#include "tests/rtl/rtl_agreement.h"

using namespace shiftsim::test;

namespace {
void agree(uint64_t first, int count, const std::string& name) {
  AgreementTotals t;
  for (uint64_t seed = first; seed < first + uint64_t(count); ++seed) check_rtl_agreement(seed, name, t);
  INFO(t.cases << " cases, " << t.layers << " layers, " << t.refused << " refused by the mapper");
  CHECK(t.cases + t.refused == count);
  CHECK(t.refused * 5 <= count);  // the shape change leaves most draws runnable
  CHECK(t.layers >= t.cases);
  WARN("native and RTL agree, seeds " << first << ".." << first + count - 1 << ": " << t.cases << " cases, " << t.layers
                               << " layers agree; " << t.refused << " refused by the mapper");
}
}  // namespace

TEST_CASE("native and RTL compute units agree: seeds 1..100") { agree(1, 100, "rtl-a"); }
TEST_CASE("native and RTL compute units agree: seeds 5000..5099") { agree(5000, 100, "rtl-b"); }
TEST_CASE("native and RTL compute units agree: seeds 900000..900099") { agree(900000, 100, "rtl-c"); }
