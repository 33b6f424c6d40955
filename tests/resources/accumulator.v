// Accumulator (docs/ARCHITECTURE.md §6): "the lane's accumulator adds the sum to the pixel's
// entry in the output buffer". acc_in is that entry as read from the output buffer (a new
// pixel reads zero: the BRAM output register's synchronous reset, UG573 RSTREG, costs no
// logic); x is the adder tree's sum, sign-extended; acc is registered and written back.
// A W-bit adder and a W-bit register.
// Part of the resource-model calibration (docs/RESOURCES.md, tests/models/test_resources.cpp).
module accumulator #(
  parameter W = 48,   // accumulator width (acc_bits)
  parameter IW = 24   // addend width (the adder tree's output), IW <= W
) (
  input  wire                 clk,
  input  wire signed [W-1:0]  acc_in,
  input  wire signed [IW-1:0] x,
  output reg  signed [W-1:0]  acc
);
  always @(posedge clk) acc <= acc_in + {{(W-IW){x[IW-1]}}, x};
endmodule
