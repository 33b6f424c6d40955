// One lane of the recurrent unit's element-wise unit (docs/ARCHITECTURE.md §11), two stages,
// one element per cycle, as models/recurrent/recurrent_state.cpp computes an element:
//   1. five terms aligned to the accumulator's frac by saturating left shifts
//      (RecurrentState::align: the accumulator's bound when x is beyond it shifted right by s,
//      else x << s),
//      registered; terms 3 and 4 may be the two products (f c and i g; (1 - z) n and z h;
//      P c), each one DSP48E2 without registers (its operands come from registers);
//      1 - z formed in front of the first product's A input;
//   2. the terms summed (A + 3 bits), clamped to A bits, rounded half up, shifted right by
//      q (or shifted left by l) and clamped to the result's width (the PPU lane's function,
//      §8), ReLU when fused; the result register.
// A (acc_bits) and V (the values' width, 16) are parameters; the shifts, q, the result's
// width and the selects come from the operation's command register. When the result's format
// is finer than the sum's (RecurrentState's requantize allows it), the clamped sum is shifted
// left by l instead (the command gives min(l, V): beyond, any nonzero sum saturates alike),
// its saturation found from the sum's upper bits against its sign; an fc's fused ReLU sets a
// negative result to 0. tests/lanes/ checks this lane against RecurrentState bit for bit.
// Part of the resource-model calibration (docs/RESOURCES.md, tests/models/test_vector_unit_yosys.cpp).
module elementwise_lane #(
  parameter A = 48,
  parameter V = 16
) (
  input  wire                    clk,
  input  wire [5*A-1:0]          x,        // five terms, A bits each (array sums, biases)
  input  wire [5*$clog2(A)-1:0]  s,        // each term's left shift, 0..A-1
  input  wire signed [V:0]       pa0, pb0, pa1, pb1,  // the products' operands
  input  wire signed [V:0]       one,      // 1.0 at the gate's frac, for 1 - z
  input  wire                    one_minus, use_p0, use_p1,
  input  wire [5:0]              q,        // the requantizer's right shift, 0..A
  input  wire [$clog2(V+1)-1:0]  l,        // or its left shift, 0..V (then q = 0)
  input  wire [4:0]              obits,    // the result's width, 2..V
  input  wire                    relu,     // an fc's fused ReLU
  output reg  signed [V-1:0]     y
);
  localparam SB = $clog2(A);
  localparam PW = 2 * V + 2;
  localparam signed [A-1:0] AMAX = {1'b0, {(A-1){1'b1}}};
  localparam signed [A-1:0] AMIN = {1'b1, {(A-1){1'b0}}};

  // The two products: DSP48E2s without registers, so the product reaches its aligner in stage 1.
  wire signed [V:0] a0 = one_minus ? one - pa0 : pa0;
  wire [47:0] p0w, p1w;
  dsp_mul #(.AW(V+1), .BW(V+1)) m0 (.clk(clk), .a(a0), .b(pb0), .p(p0w));
  dsp_mul #(.AW(V+1), .BW(V+1)) m1 (.clk(clk), .a(pa1), .b(pb1), .p(p1w));
  // Each product as an A-bit term: sign-extended, or saturated when A is narrower (as
  // RecurrentState::align clamps a term to the accumulator).
  wire signed [A-1:0] p0, p1;
  generate
    if (A >= PW) begin : wide
      assign p0 = {{(A-PW){p0w[PW-1]}}, p0w[PW-1:0]};
      assign p1 = {{(A-PW){p1w[PW-1]}}, p1w[PW-1:0]};
    end else begin : narrow
      wire signed [PW-1:0] q0 = p0w[PW-1:0], q1 = p1w[PW-1:0];
      assign p0 = q0 > $signed({{(PW-A){1'b0}}, AMAX}) ? AMAX : q0 < $signed({{(PW-A){1'b1}}, AMIN}) ? AMIN : q0[A-1:0];
      assign p1 = q1 > $signed({{(PW-A){1'b0}}, AMAX}) ? AMAX : q1 < $signed({{(PW-A){1'b1}}, AMIN}) ? AMIN : q1[A-1:0];
    end
  endgenerate

  // 1. align each term as RecurrentState::align does: saturate when x is beyond the
  // accumulator's bound shifted right by s, else shift left by s
  reg signed [A-1:0] t [0:4];
  genvar i;
  generate
    for (i = 0; i < 5; i = i + 1) begin : term
      wire signed [A-1:0] xi = (i == 3 && use_p0) ? p0 : (i == 4 && use_p1) ? p1 : x[i*A +: A];
      wire [SB-1:0] si = s[i*SB +: SB];
      wire signed [A-1:0] limit = AMAX >>> si;
      always @(posedge clk) t[i] <= (xi > limit) ? AMAX : (xi < ~limit) ? AMIN : xi <<< si;
    end
  endgenerate

  // 2. sum, clamp to A bits, round half up, shift right by q (or left by l), clamp to obits,
  // ReLU
  wire signed [A+2:0] sum = t[0] + t[1] + t[2] + t[3] + t[4];
  wire signed [A-1:0] c = (sum > $signed({{3{1'b0}}, AMAX})) ? AMAX :
                          (sum < $signed({{3{1'b1}}, AMIN})) ? AMIN : sum[A-1:0];
  wire [A:0] half = (q == 0) ? {(A+1){1'b0}} : ({{A{1'b0}}, 1'b1} << (q - 1'b1));
  wire signed [A:0] cr = $signed({c[A-1], c}) + $signed(half);  // one bit more: cannot wrap
  wire signed [A:0] r = cr >>> q;
  wire signed [A:0] hi = ({{A{1'b0}}, 1'b1} << (obits - 1'b1)) - 1;
  wire signed [A:0] lo = -hi - 1;
  // A left shift instead (l > 0, q = 0): c << l fits obits when c fits obits - l bits, its
  // bits from e = obits - 1 - l up all equal to its sign (only c = 0 when l >= obits); else
  // it saturates by its sign.
  wire left = l != 0;
  wire [5:0] e = {1'b0, obits} - 6'd1 - l;
  wire [A-1:0] upper = e[5] ? {A{1'b1}} : ({A{1'b1}} << e[4:0]);
  wire fits = ~|((c ^ {A{c[A-1]}}) & upper) & ~(e[5] & c[A-1]);
  wire [V-1:0] vl = c[V-1:0] << l;
  wire signed [V-1:0] yl = fits ? vl : c[A-1] ? lo[V-1:0] : hi[V-1:0];
  wire signed [V-1:0] yr = (r > hi) ? hi[V-1:0] : (r < lo) ? lo[V-1:0] : r[V-1:0];
  wire signed [V-1:0] yc = left ? yl : yr;
  always @(posedge clk) y <= (relu && yc[V-1]) ? {V{1'b0}} : yc;
endmodule
