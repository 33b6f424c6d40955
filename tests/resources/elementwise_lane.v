// One lane of the recurrent unit's element-wise unit (docs/ARCHITECTURE.md §11), two stages,
// one element per cycle, as models/recurrent/recurrent_state.cpp computes an element:
//   1. five terms aligned to the accumulator's frac by saturating left shifts
//      (RecurrentState::align: the accumulator's bound when x is beyond it shifted right by s,
//      else x << s),
//      registered; terms 3 and 4 may be the two products (f c and i g; (1 - z) n and z h;
//      P c), each one DSP48E2 without registers (its operands come from registers);
//      1 - z formed in front of the first product's A input;
//   2. the terms summed (A + 3 bits), clamped to A bits, rounded half up, shifted right by
//      q and clamped to the result's V bits (the PPU lane's function, §8); the result register.
// A (acc_bits) and V (the values' width, 16) are parameters; the shifts, q, the result's
// width and the selects come from the operation's command register. Not built here: a
// requantizer's left shift (a result format finer than the sum's, which RecurrentState's
// requantize allows) and the fc's fused ReLU, a few LUTs each.
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
  input  wire [5:0]              q,        // the requantizer's right shift
  input  wire [4:0]              obits,    // the result's width, 2..V
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

  // 2. sum, clamp to A bits, round half up, shift right by q, clamp to obits
  wire signed [A+2:0] sum = t[0] + t[1] + t[2] + t[3] + t[4];
  wire signed [A-1:0] c = (sum > $signed({{3{1'b0}}, AMAX})) ? AMAX :
                          (sum < $signed({{3{1'b1}}, AMIN})) ? AMIN : sum[A-1:0];
  wire [A:0] half = (q == 0) ? {(A+1){1'b0}} : ({{A{1'b0}}, 1'b1} << (q - 1'b1));
  wire signed [A:0] cr = $signed({c[A-1], c}) + $signed(half);  // one bit more: cannot wrap
  wire signed [A:0] r = cr >>> q;
  wire signed [A:0] hi = ({{A{1'b0}}, 1'b1} << (obits - 1'b1)) - 1;
  wire signed [A:0] lo = -hi - 1;
  always @(posedge clk) y <= (r > hi) ? hi[V-1:0] : (r < lo) ? lo[V-1:0] : r[V-1:0];
endmodule
