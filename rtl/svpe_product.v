// One SVPE product (docs/ARCHITECTURE.md §2, §6): activation a times a power-of-two weight code
// (sign bit on top, magnitude m below; m = 0 is zero, m > 0 is 2^(m-1)) as a shift and a sign
// select, one register deep (product_stages = 1).
// The code is decoded into (zero, sign, shift) first, on its own, so that a per-layer,
// per-sign exponent offset (GSNQ) is one more input to the decode and a wider MAXSHIFT, with
// the shifter and the negation unchanged.
module svpe_product #(
  parameter ABITS = 16,
  parameter WBITS = 3,
  parameter PW = ABITS + (1 << (WBITS - 1)) - 1  // holds -(-2^(ABITS-1) << MAXSHIFT)
) (
  input  wire             clk,
  input  wire [ABITS-1:0] a,
  input  wire [WBITS-1:0] code,
  output reg  [PW-1:0]    p
);
  wire [WBITS-2:0] m = code[WBITS-2:0];
  wire             neg = code[WBITS-1];
  wire             zero = (m == 0);
  // (a << m) >> 1 is a << (m - 1) for m >= 1, without a decrement.
  wire [PW:0] ax = {{(PW+1-ABITS){a[ABITS-1]}}, a};
  wire [PW:0] sh2 = ax << m;
  wire [PW-1:0] sh = zero ? {PW{1'b0}} : sh2[PW:1];
  // Conditional negation as (x ^ s) + s: one carry chain.
  always @(posedge clk) p <= (sh ^ {PW{neg}}) + {{(PW-1){1'b0}}, neg};
endmodule
