// Two activation lanes and their one copy of the ROM (docs/ARCHITECTURE.md §11): 512 segments
// of sigmoid and of tanh, each a value and a slope, read through the two ports of its block
// RAMs (1K x 36 per port, UG573). The contents, activation_rom.hex, are a stand-in (random
// 61-bit words, so that synthesis keeps the whole table): the block count depends on the
// table's shape, not on its values.
// Part of the resource-model calibration (docs/RESOURCES.md, tests/models/test_vector_unit_yosys.cpp).
module activation_pair #(
  parameter V = 16
) (
  input  wire                clk,
  input  wire [2*V-1:0]      x,
  input  wire [1:0]          tanh_fn,
  input  wire [$clog2(V)-1:0] in_frac, out_frac,
  input  wire [$clog2(V):0]  out_bits,
  output wire [2*V-1:0]      y
);
  localparam W = 31 + 30;
  reg [W-1:0] rom [0:1023];
  initial $readmemh("activation_rom.hex", rom);  // read from the Yosys process's directory
  wire [9:0] a0, a1;
  reg [W-1:0] d0, d1;
  always @(posedge clk) begin
    d0 <= rom[a0];
    d1 <= rom[a1];
  end
  activation_lane #(.V(V)) l0 (.clk(clk), .x(x[0 +: V]), .tanh_fn(tanh_fn[0]), .in_frac(in_frac),
    .out_frac(out_frac), .out_bits(out_bits), .rom_addr(a0), .rom_data(d0), .y(y[0 +: V]));
  activation_lane #(.V(V)) l1 (.clk(clk), .x(x[V +: V]), .tanh_fn(tanh_fn[1]), .in_frac(in_frac),
    .out_frac(out_frac), .out_bits(out_bits), .rom_addr(a1), .rom_data(d1), .y(y[V +: V]));
endmodule
