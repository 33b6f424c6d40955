// One lane of the post-processing unit (docs/ARCHITECTURE.md §8), `ppu.latency_cycles` = 4
// stages, one value per cycle:
//   1. overflow policy on the exact accumulator (ACC + G bits): saturate to ACC bits, or wrap
//   2. round half up: v + 2^(s-1) (s = shift_right, 0..63; nothing for s = 0)
//   3. arithmetic right shift by s
//   4. ReLU if set, clamp to ABITS
// G is the accumulator's guard bits (§6: exact accumulation inside the array).
// Part of the resource-model calibration (docs/RESOURCES.md, tests/models/test_resources.cpp).
module ppu_lane #(
  parameter ACC = 48,
  parameter G = 8,
  parameter ABITS = 16
) (
  input  wire                   clk,
  input  wire signed [ACC+G-1:0] acc,
  input  wire [5:0]             s,
  input  wire                   saturate,
  input  wire                   relu,
  output reg  signed [ABITS-1:0] y
);
  localparam W = ACC + G;
  localparam signed [W-1:0] HI = (64'sd1 <<< (ACC - 1)) - 1;
  localparam signed [W-1:0] LO = -(64'sd1 <<< (ACC - 1));
  localparam signed [ACC:0] AHI = (64'sd1 <<< (ABITS - 1)) - 1;
  localparam signed [ACC:0] ALO = -(64'sd1 <<< (ABITS - 1));

  // control travels with the data
  reg [5:0] s1, s2;
  reg relu1, relu2, relu3;

  // 1. overflow policy
  reg signed [ACC-1:0] v1;
  wire ovf_hi = acc > HI, ovf_lo = acc < LO;
  always @(posedge clk) begin
    v1 <= (saturate && ovf_hi) ? HI[ACC-1:0] : (saturate && ovf_lo) ? LO[ACC-1:0] : acc[ACC-1:0];
    s1 <= s;
    relu1 <= relu;
  end

  // 2. round half up (one extra bit so that the sum cannot wrap)
  reg signed [ACC:0] v2;
  wire [ACC:0] half = (s1 == 0) ? {(ACC+1){1'b0}} : ({{ACC{1'b0}}, 1'b1} << (s1 - 1'b1));
  always @(posedge clk) begin
    v2 <= {v1[ACC-1], v1} + $signed(half);
    s2 <= s1;
    relu2 <= relu1;
  end

  // 3. arithmetic shift right
  reg signed [ACC:0] v3;
  always @(posedge clk) begin
    v3 <= v2 >>> s2;
    relu3 <= relu2;
  end

  // 4. ReLU, clamp
  wire signed [ACC:0] r = (relu3 && v3 < 0) ? {(ACC+1){1'b0}} : v3;
  always @(posedge clk) y <= (r > AHI) ? AHI[ABITS-1:0] : (r < ALO) ? ALO[ABITS-1:0] : r[ABITS-1:0];
endmodule
