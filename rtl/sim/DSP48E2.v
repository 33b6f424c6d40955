// Simulation model of the part of the DSP48E2 (AMD UG579) that vpe_product.v uses, for the
// Verilated build, which has no vendor library: A input register (AREG = 1, CEA2), B1/B2 input
// registers (BREG = 2, CEB1/CEB2), multiplier register M (MREG = 1), output register P
// (PREG = 1) with OPMODE fixed to P = M. Synthesis (Yosys) uses its own DSP48E2 cell instead.
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module DSP48E2 #(
  parameter AREG = 1, parameter BREG = 2, parameter ACASCREG = 1, parameter BCASCREG = 2,
  parameter MREG = 1, parameter PREG = 1, parameter CREG = 0, parameter DREG = 0,
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
  output reg [47:0] P
);
  reg [26:0] a2;       // the multiplier takes A[26:0]
  reg [17:0] b1, b2;
  reg [44:0] m;
  always @(posedge CLK) begin
    if (CEA2) a2 <= A[26:0];
    if (CEB1) b1 <= B;
    if (CEB2) b2 <= (BREG == 2) ? b1 : B;
    if (CEM) m <= $signed(a2) * $signed(b2);
    if (CEP) P <= {{3{m[44]}}, m};
  end
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
