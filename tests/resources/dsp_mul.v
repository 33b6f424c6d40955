// A signed product on one DSP48E2, with the result's P register when PREG = 1 (the
// multiply-add of the activation lane also takes C, the post-adder's third input:
// P = C + A * B). No operand or M register: the lanes' operands are registered already (the
// activation lane's offset and ROM word; the element-wise lane's inputs come from registers),
// and the element-wise lane's product reaches its term's aligner within stage 1.
// Instantiated, as in vpe_lane.v, because Yosys 0.23 does not pack registers into a DSP48E2
// while Vivado does.
// Part of the resource-model calibration (docs/RESOURCES.md).
module dsp_mul #(
  parameter AW = 17,
  parameter BW = 17,
  parameter PREG = 0,
  parameter USE_C = 0
) (
  input  wire                 clk,
  input  wire signed [AW-1:0] a,
  input  wire signed [BW-1:0] b,
  input  wire [47:0]          c,
  output wire [47:0]          p
);
  DSP48E2 #(
    .AREG(0), .BREG(0), .ACASCREG(0), .BCASCREG(0), .MREG(0), .PREG(PREG),
    .CREG(0), .DREG(0), .ADREG(0), .INMODEREG(0), .OPMODEREG(0), .ALUMODEREG(0),
    .CARRYINREG(0), .CARRYINSELREG(0), .USE_MULT("MULTIPLY"), .USE_SIMD("ONE48")
  ) u (
    .CLK(clk),
    .A({{(30-AW){a[AW-1]}}, a}), .B({{(18-BW){b[BW-1]}}, b}),
    .C(USE_C ? c : 48'd0), .D(27'd0), .PCIN(48'd0), .ACIN(30'd0), .BCIN(18'd0),
    .CARRYCASCIN(1'b0), .MULTSIGNIN(1'b0), .CARRYIN(1'b0), .CARRYINSEL(3'b000),
    .OPMODE(USE_C ? 9'b00_011_01_01 : 9'b00_000_01_01),  // Z = C (or 0), Y:X = M
    .ALUMODE(4'b0000), .INMODE(5'b00000),
    .CEA1(1'b0), .CEA2(1'b0), .CEB1(1'b0), .CEB2(1'b0), .CEM(1'b0), .CEP(PREG != 0),
    .CEAD(1'b0), .CEC(1'b0), .CED(1'b0), .CECARRYIN(1'b0), .CECTRL(1'b0),
    .CEINMODE(1'b0), .CEALUMODE(1'b0),
    .RSTA(1'b0), .RSTB(1'b0), .RSTC(1'b0), .RSTD(1'b0), .RSTM(1'b0), .RSTP(1'b0),
    .RSTALLCARRYIN(1'b0), .RSTALUMODE(1'b0), .RSTCTRL(1'b0), .RSTINMODE(1'b0),
    .P(p)
  );
endmodule
