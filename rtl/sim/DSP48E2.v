// Simulation model of the part of the DSP48E2 (AMD UG579) this repository's Verilog uses, for the
// Verilated builds, which have no vendor library: the A input register (AREG 0 or 1, CEA2), the
// B input registers (BREG 0, 1 or 2: B1 then B2, CEB1/CEB2), the multiplier register M (MREG 0 or
// 1, CEM), P = Z + A x B with Z = C (OPMODE Z = 3'b011) or 0, and the output register P (PREG 0
// or 1, CEP). Its users: vpe_product.v (AREG 1, BREG 2, MREG 1, PREG 1: the convolver's two
// weight register sets are B1 and B2) and the recurrent unit's lanes through
// tests/resources/dsp_mul.v (no A, B or M register, PREG 0 or 1, Z = C or 0). Synthesis (Yosys)
// uses its own DSP48E2 cell instead.
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
  output wire [47:0] P
);
  initial if (AREG > 1 || BREG > 2 || MREG > 1 || PREG > 1)
    $fatal(1, "DSP48E2 model: AREG <= 1, BREG <= 2, MREG <= 1 and PREG <= 1 are modelled");
  reg [26:0] a2 = 27'd0;  // the multiplier takes A[26:0]
  reg [17:0] b1 = 18'd0, b2 = 18'd0;
  reg [44:0] m_reg = 45'd0;
  reg [47:0] p_reg = 48'd0;
  wire signed [26:0] a = AREG == 0 ? A[26:0] : a2;
  wire signed [17:0] b = BREG == 0 ? B : b2;
  wire signed [44:0] product = a * b;  // the 27 x 18 multiplier's 45-bit product
  wire [44:0] m = MREG == 0 ? product : m_reg;
  wire [47:0] z = OPMODE[6:4] == 3'b011 ? C : 48'd0;
  wire [47:0] sum = z + {{3{m[44]}}, m};
  always @(posedge CLK) begin
    if (CEA2) a2 <= A[26:0];
    if (CEB1) b1 <= B;
    if (CEB2) b2 <= BREG == 2 ? b1 : B;
    if (CEM) m_reg <= product;
    if (CEP) p_reg <= sum;
  end
  assign P = PREG == 0 ? sum : p_reg;
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
