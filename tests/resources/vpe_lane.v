// One VPE lane (docs/ARCHITECTURE.md §6): TN elements of K x K multipliers (ABITS x WBITS,
// signed; ABITS <= 27, WBITS <= 18 for DSP_PRIM = 1, any width for DSP_PRIM = 0), an adder tree over the TN*K*K products and an
// accumulator. A product is registered three times (product_stages = 3): inputs (A/B
// registers), product (M register) and output (P register).
//   DSP_PRIM = 1: each product is an instantiated DSP48E2 with AREG = BREG = MREG = PREG = 1,
//     so the three stages sit inside the DSP, as Vivado places them when it infers one.
//   DSP_PRIM = 0: the same registers written as RTL around a `*`. Yosys 0.23 maps the
//     multiply to a DSP48E2 but does not pack registers into it for xcu/xcup (its xilinx_dsp
//     pass packs DSP48E1/DSP48A1 only), so the stages stay in fabric flip-flops. The test
//     uses single products (TN = K = 1) of this form to check the model's DSP count per
//     product against Yosys's own multiplier mapping (mul2dsp), including products wider
//     than 27 x 18.
// Part of the resource-model calibration (docs/RESOURCES.md, tests/models/test_resources.cpp).
module vpe_lane #(
  parameter TN = 4,
  parameter K = 3,
  parameter ABITS = 16,
  parameter WBITS = 16,
  parameter ACC = 48,
  parameter DSP_PRIM = 1
) (
  input  wire                     clk,
  input  wire [ACC-1:0]           acc_in,  // the pixel's entry read from the output buffer
  input  wire [TN*K*K*ABITS-1:0]  a,
  input  wire [TN*K*K*WBITS-1:0]  w,
  output wire [ACC-1:0]           acc
);
  localparam N = TN * K * K;
  localparam PW = ABITS + WBITS;
  localparam SW = PW + $clog2(N);

  wire [N*PW-1:0] prod;
  genvar i;
  generate
    for (i = 0; i < N; i = i + 1) begin : p
      wire signed [ABITS-1:0] ai = a[i*ABITS +: ABITS];
      wire signed [WBITS-1:0] wi = w[i*WBITS +: WBITS];
      if (DSP_PRIM) begin : dsp
        wire [47:0] pout;
        DSP48E2 #(
          .AREG(1), .BREG(1), .ACASCREG(1), .BCASCREG(1), .MREG(1), .PREG(1),
          .CREG(0), .DREG(0), .ADREG(0), .INMODEREG(0), .OPMODEREG(0), .ALUMODEREG(0),
          .CARRYINREG(0), .CARRYINSELREG(0), .USE_MULT("MULTIPLY"), .USE_SIMD("ONE48")
        ) u (
          .CLK(clk),
          .A({{(30-ABITS){ai[ABITS-1]}}, ai}), .B({{(18-WBITS){wi[WBITS-1]}}, wi}),
          .C(48'd0), .D(27'd0), .PCIN(48'd0), .ACIN(30'd0), .BCIN(18'd0),
          .CARRYCASCIN(1'b0), .MULTSIGNIN(1'b0), .CARRYIN(1'b0), .CARRYINSEL(3'b000),
          .OPMODE(9'b00_000_01_01),  // W = 0, Z = 0, Y:X = M: P = A * B
          .ALUMODE(4'b0000), .INMODE(5'b00000),
          .CEA1(1'b0), .CEA2(1'b1), .CEB1(1'b0), .CEB2(1'b1), .CEM(1'b1), .CEP(1'b1),
          .CEAD(1'b0), .CEC(1'b0), .CED(1'b0), .CECARRYIN(1'b0), .CECTRL(1'b0),
          .CEINMODE(1'b0), .CEALUMODE(1'b0),
          .RSTA(1'b0), .RSTB(1'b0), .RSTC(1'b0), .RSTD(1'b0), .RSTM(1'b0), .RSTP(1'b0),
          .RSTALLCARRYIN(1'b0), .RSTALUMODE(1'b0), .RSTCTRL(1'b0), .RSTINMODE(1'b0),
          .P(pout)
        );
        assign prod[i*PW +: PW] = pout[PW-1:0];
      end else begin : rtl
        reg signed [ABITS-1:0] ar;
        reg signed [WBITS-1:0] wr;
        reg signed [PW-1:0] mr, pr;
        always @(posedge clk) begin
          ar <= ai;
          wr <= wi;
          mr <= ar * wr;
          pr <= mr;
        end
        assign prod[i*PW +: PW] = pr;
      end
    end
  endgenerate

  wire [SW-1:0] sum;
  cu_adder_tree #(.N(N), .W(PW)) tree (.clk(clk), .in(prod), .sum(sum));
  accumulator #(.W(ACC), .IW(SW)) accu (.clk(clk), .acc_in(acc_in), .x(sum), .acc(acc));
endmodule
