// One VPE product (docs/ARCHITECTURE.md §6) on a DSP48E2 (AMD UG579): P = A * B with the
// contract's three product stages inside the slice (A register, M register, P register).
// The convolver's two weight register sets are the slice's B1 and B2 registers (BREG = 2):
// the preload writes B1 (ceb1), a round's first product moves B1 to B2 (ceb2) in the cycle its
// activation enters the A register, so the products still in flight keep the old weights.
module vpe_product #(
  parameter ABITS = 16,
  parameter WBITS = 16
) (
  input  wire                     clk,
  input  wire [ABITS-1:0]         a,
  input  wire [WBITS-1:0]         w,
  input  wire                     ceb1,
  input  wire                     ceb2,
  output wire [ABITS+WBITS-1:0]   p
);
  wire [47:0] pout;
  DSP48E2 #(
    .AREG(1), .BREG(2), .ACASCREG(1), .BCASCREG(2), .MREG(1), .PREG(1),
    .CREG(0), .DREG(0), .ADREG(0), .INMODEREG(0), .OPMODEREG(0), .ALUMODEREG(0),
    .CARRYINREG(0), .CARRYINSELREG(0), .USE_MULT("MULTIPLY"), .USE_SIMD("ONE48")
  ) u (
    .CLK(clk),
    .A({{(30-ABITS){a[ABITS-1]}}, a}), .B({{(18-WBITS){w[WBITS-1]}}, w}),
    .C(48'd0), .D(27'd0), .PCIN(48'd0), .ACIN(30'd0), .BCIN(18'd0),
    .CARRYCASCIN(1'b0), .MULTSIGNIN(1'b0), .CARRYIN(1'b0), .CARRYINSEL(3'b000),
    .OPMODE(9'b00_000_01_01),  // W = 0, Z = 0, Y:X = M: P = A * B
    .ALUMODE(4'b0000), .INMODE(5'b00000),
    .CEA1(1'b0), .CEA2(1'b1), .CEB1(ceb1), .CEB2(ceb2), .CEM(1'b1), .CEP(1'b1),
    .CEAD(1'b0), .CEC(1'b0), .CED(1'b0), .CECARRYIN(1'b0), .CECTRL(1'b0),
    .CEINMODE(1'b0), .CEALUMODE(1'b0),
    .RSTA(1'b0), .RSTB(1'b0), .RSTC(1'b0), .RSTD(1'b0), .RSTM(1'b0), .RSTP(1'b0),
    .RSTALLCARRYIN(1'b0), .RSTALUMODE(1'b0), .RSTCTRL(1'b0), .RSTINMODE(1'b0),
    .P(pout)
  );
  assign p = pout[ABITS+WBITS-1:0];
endmodule
