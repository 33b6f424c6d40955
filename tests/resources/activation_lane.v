// One lane of the recurrent unit's activation unit (docs/ARCHITECTURE.md §11), sigmoid or tanh
// by piecewise-linear table, three stages, one element per cycle, as
// models/recurrent/activation_table.cpp computes it:
//   1. |x|; the segment index, |x| shifted right by in.frac - segment frac (5 for sigmoid,
//      6 for tanh), or left when in.frac is smaller, with a flag past the table's 512
//      segments; the offset, |x|'s bits below the segment (zero past the table). The ROM
//      address goes to the RAMB36's own input register; offset, sign, flag and function are
//      registered here.
//   2. y = value << in.frac + slope x offset: the value is the ROM's, or 1.0 past the table,
//      shifted by in.frac into the C input of a DSP48E2 that multiplies the slope's low 17
//      bits by the offset; a second DSP48E2 multiplies its high 13 bits (a 30-bit slope does
//      not fit one 27 x 18 multiplier, UG579); both results in their P registers.
//   3. the two pieces added (the high one 17 bits up), rounded and shifted right by
//      coeff_frac + in.frac - out.frac, mirrored for a negative x (1 - v for sigmoid, -v for
//      tanh), clamped to out.bits; the result register.
// The ROM (value and slope of each segment) is outside the lane: activation_pair.v gives a
// pair of lanes one copy through its two ports. in.frac, out.frac and out.bits come from the
// operation's command register.
// Part of the resource-model calibration (docs/RESOURCES.md, tests/models/test_vector_unit_yosys.cpp).
module activation_lane #(
  parameter V = 16,    // the values' width
  parameter VB = 31,   // ROM value bits (1.0 at CF fraction bits)
  parameter SB = 30,   // ROM slope bits
  parameter CF = 30,   // the ROM's fraction bits
  parameter SEGS = 9   // log2 of a function's segments
) (
  input  wire                  clk,
  input  wire signed [V-1:0]   x,
  input  wire                  tanh_fn,   // 0 sigmoid, 1 tanh
  input  wire [FB-1:0]         in_frac,   // 0..V-1
  input  wire [FB-1:0]         out_frac,  // 0..V-1
  input  wire [FB:0]           out_bits,  // 2..V
  output wire [SEGS:0]         rom_addr,  // {function, segment}
  input  wire [VB+SB-1:0]      rom_data,  // {slope, value}, a cycle after the address
  output reg  signed [V-1:0]   y
);
  localparam FB = $clog2(V);  // a fraction's bits
  localparam YB = (VB + V - 1 > SB + V ? VB + V - 1 : SB + V) + 1;  // y's width
  localparam LO = 17;  // the slope's bits on the first DSP48E2's unsigned B side

  // 1. segment select
  wire neg = x[V-1];
  wire [V-1:0] mag = neg ? -x : x;
  wire [2:0] segf = tanh_fn ? 3'd6 : 3'd5;
  wire right = in_frac >= segf;
  wire [FB-1:0] rsh = in_frac - segf;
  wire [2:0] lsh = segf - in_frac[2:0];
  wire [V+5:0] seg = right ? mag >> rsh : {6'd0, mag} << lsh;
  wire past = seg >= (1 << SEGS);
  wire [V-1:0] offset = (right && !past) ? mag & ~({V{1'b1}} << rsh) : {V{1'b0}};
  assign rom_addr = {tanh_fn, seg[SEGS-1:0]};
  reg [V-1:0] off1;
  reg neg1, past1, tanh1;
  always @(posedge clk) begin
    off1 <= offset;
    neg1 <= neg;
    past1 <= past;
    tanh1 <= tanh_fn;
  end

  // 2. multiply-add on two DSP48E2s
  wire [VB-1:0] value = past1 ? (1 << CF) : rom_data[VB-1:0];
  wire [SB-1:0] slope = rom_data[VB+SB-1:VB];
  wire [47:0] c = {{(48-VB){1'b0}}, value} << in_frac;
  wire [47:0] plo, phi;
  dsp_mul #(.AW(LO+1), .BW(V+1), .PREG(1), .USE_C(1)) mlo (
    .clk(clk), .a({1'b0, slope[LO-1:0]}), .b({1'b0, off1}), .c(c), .p(plo));
  dsp_mul #(.AW(SB-LO+1), .BW(V+1), .PREG(1)) mhi (
    .clk(clk), .a({1'b0, slope[SB-1:LO]}), .b({1'b0, off1}), .c(48'd0), .p(phi));
  reg neg2, tanh2;
  always @(posedge clk) begin
    neg2 <= neg1;
    tanh2 <= tanh1;
  end

  // 3. add the pieces, round, shift, mirror, clamp
  wire [YB-1:0] yy = plo[YB-1:0] + (phi[YB-LO-1:0] << LO);
  wire [5:0] t = CF + in_frac - out_frac;
  wire [V+1:0] v = (yy >> t) + yy[t - 1'b1];
  wire signed [V+2:0] m = !neg2 ? $signed({1'b0, v}) :
                          tanh2 ? -$signed({1'b0, v}) : $signed((1 << out_frac) - {1'b0, v});
  wire signed [V+2:0] hi = (1 << (out_bits - 1'b1)) - 1;
  wire signed [V+2:0] lo = -hi - 1;
  always @(posedge clk) y <= m > hi ? hi[V-1:0] : m < lo ? lo[V-1:0] : m[V-1:0];
endmodule
