// The SVPE's per-sign exponent offset (GSNQ's two windows) in the resource model: the shifted
// activation a << D beside a in the window unit, a product that picks one of them by its sign,
// two small registers per lane; nothing when the arch has none.
#include <catch2/catch.hpp>

#include "models/pe_array/pe_array_resources.h"
#include "models/pe_array/svpe_kind.h"

using namespace shiftsim::models;

TEST_CASE("the sign offset's resources: worked by hand, and zero without it", "[resources]") {
  // 8-bit activations, 2-bit codes (one magnitude: no shift). Without offsets: 9 product bits,
  // each one LUT (1 data, 1 magnitude, 1 sign input), less the calibration's one: 8.
  CHECK(svpe_product(8, 2, 1).lut == 8);
  CHECK(svpe_product(8, 2, 1).ff == 9);
  // Offsets up to 1: 10 product bits; bit 0 has a[0] only (a' = a << 1 is 0 there), bits 1..9
  // a[j] (a[7] above the top) and a'[j], plus magnitude, sign and the which-sign bit: at most 5
  // inputs, one LUT each: 10 - 1 = 9.
  const Resources with = svpe_product(8, 2, 1, 1);
  CHECK(with.lut == 9);
  CHECK(with.ff == 10);
  CHECK(svpe_product_bits(8, 2, 1) == 10);
  CHECK(svpe_product_bits(16, 3, 7) == 16 + 2 + 7 + 1);
  // The shifted activation, per window element: 9 bits, each a[i] or a[i-1] under the 1-bit
  // offset register: one LUT and one FF each.
  CHECK(svpe_shifted_activation(8, 1).lut == 9);
  CHECK(svpe_shifted_activation(8, 1).ff == 9);
  CHECK(svpe_shifted_activation(8, 0).lut == 0);
  // The registers: the offset (clog2(max + 1) bits) and which sign has it, per lane.
  CHECK(svpe_sign_offset_registers(0).ff == 0);
  CHECK(svpe_sign_offset_registers(1).ff == 2);
  CHECK(svpe_sign_offset_registers(7).ff == 4);
  CHECK(svpe_sign_offset_registers(12).ff == 5);

  // The array: sign_offset_max 0 is the array as before; offsets add LUTs and FFs, no DSPs.
  ArchSpec a;  // SVPE (32, 8, 3), 3-bit codes
  ArchSpec b = a;
  b.numerics.sign_offset_max = 7;
  const Resources ra = pe_array(a), rb = pe_array(b);
  CHECK(rb.dsp == ra.dsp);
  const double elements = double(a.pe_array.vector) * a.pe_array.kernel * a.pe_array.kernel;
  const double products = a.pe_array.lanes * elements;
  const double per_product = svpe_product(16, 3, 1, 7).lut - svpe_product(16, 3, 1).lut;
  CHECK(per_product > 0);
  // At least the products' growth (the adder trees widen with the product, too)...
  CHECK(rb.lut - ra.lut >= products * per_product);
  // ... and the FFs: 7 more bits per product register and the registers of every lane.
  CHECK(rb.ff - ra.ff >= products * 7 + a.pe_array.lanes * 4.0);
  // The window unit: one shifted activation per element, shared by the lanes.
  CHECK(window_unit(b).lut - window_unit(a).lut == Approx(elements * svpe_shifted_activation(16, 7).lut));
  CHECK(window_unit(b).ff - window_unit(a).ff == Approx(elements * (16 + 7)));
}
