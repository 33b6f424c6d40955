// Simulation model of the DSP48E2 (AMD UG579) as dsp_mul.v configures it for the recurrent
// unit's lanes (tests/resources/elementwise_lane.v, activation_lane.v), for the Verilated lane
// test, which has no vendor library: no A, B or M register (AREG = BREG = MREG = 0), P = C + A x B
// (OPMODE Z = C, or Z = 0 for P = A x B), the P register when PREG = 1. The compute unit's model
// of its own configuration is rtl/sim/DSP48E2.v. Synthesis (Yosys) uses its own DSP48E2 cell.
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module DSP48E2 #(
  parameter AREG = 0, parameter BREG = 0, parameter ACASCREG = 0, parameter BCASCREG = 0,
  parameter MREG = 0, parameter PREG = 0, parameter CREG = 0, parameter DREG = 0,
  parameter ADREG = 0, parameter INMODEREG = 0, parameter OPMODEREG = 0,
  parameter ALUMODEREG = 0, parameter CARRYINREG = 0, parameter CARRYINSELREG = 0,
  parameter USE_MULT = "MULTIPLY", parameter USE_SIMD = "ONE48"
) (
  input wire CLK,
  input wire [29:0] A, input wire [17:0] B, input wire [47:0] C, input wire [26:0] D,
  input wire [47:0] PCIN, input wire [29:0] ACIN, input wire [17:0] BCIN,
  input wire CARRYCASCIN, input wire MULTSIGNIN, input wire CARRYIN, input wire [2:0] CARRYINSEL,
  input wire [8:0] OPMODE, input wire [3:0] ALUMODE, input wire [4:0] INMODE,
  input wire CEA1, input wire CEA2, input wire CEB1, input wire CEB2, input wire CEM, input wire CEP,
  input wire CEAD, input wire CEC, input wire CED, input wire CECARRYIN, input wire CECTRL,
  input wire CEINMODE, input wire CEALUMODE,
  input wire RSTA, input wire RSTB, input wire RSTC, input wire RSTD, input wire RSTM, input wire RSTP,
  input wire RSTALLCARRYIN, input wire RSTALUMODE, input wire RSTCTRL, input wire RSTINMODE,
  output wire [47:0] P
);
  initial if (AREG != 0 || BREG != 0 || MREG != 0) $fatal(1, "DSP48E2 model: A, B and M registers are not modelled");
  wire signed [26:0] a = A[26:0];
  wire signed [17:0] b = B;
  wire signed [47:0] m = a * b;  // the 27 x 18 multiplier's 45-bit product, sign-extended
  wire [47:0] z = OPMODE[6:4] == 3'b011 ? C : 48'd0;
  wire [47:0] sum = z + m;
  generate
    if (PREG != 0) begin : preg
      reg [47:0] p = 48'd0;
      always @(posedge CLK) if (CEP) p <= sum;
      assign P = p;
    end else begin : comb
      assign P = sum;
    end
  endgenerate
endmodule
