// One SVPE lane (docs/ARCHITECTURE.md §6): TN elements of K x K shift "products", an adder
// tree over the TN*K*K products and an accumulator.
// Product: activation a (ABITS, signed) and a WBITS-bit power-of-two code (§2: sign bit on
// top, magnitude field m below; m = 0 is zero, m > 0 is 2^(m-1)): p = +-(a << (m-1)), 0 for
// m = 0. One register stage after the product (product_stages = 1).
module svpe_lane #(
  parameter TN = 8,
  parameter K = 3,
  parameter ABITS = 16,
  parameter WBITS = 3,
  parameter ACC = 48
) (
  input  wire                     clk,
  input  wire [ACC-1:0]           acc_in,  // the pixel's entry read from the output buffer
  input  wire [TN*K*K*ABITS-1:0]  a,
  input  wire [TN*K*K*WBITS-1:0]  w,
  output wire [ACC-1:0]           acc
);
  localparam N = TN * K * K;
  localparam MAXSHIFT = (1 << (WBITS - 1)) - 2;  // largest m - 1
  localparam PW = ABITS + MAXSHIFT + 1;           // +-(a << MAXSHIFT), -(-2^(ABITS-1) << MAXSHIFT) included
  localparam SW = PW + $clog2(N);

  wire [N*PW-1:0] prod;
  genvar i;
  generate
    for (i = 0; i < N; i = i + 1) begin : p
      wire [ABITS-1:0] ai = a[i*ABITS +: ABITS];
      wire [WBITS-2:0] m = w[i*WBITS +: WBITS-1];
      wire s = w[i*WBITS + WBITS - 1];
      // (a << m) >> 1 is a << (m - 1) for m >= 1, without a decrement.
      wire [PW:0] ax = {{(PW+1-ABITS){ai[ABITS-1]}}, ai};
      wire [PW:0] sh2 = ax << m;
      wire [PW-1:0] sh = (m == 0) ? {PW{1'b0}} : sh2[PW:1];
      // Conditional negation as (x ^ s) + s: one carry chain.
      reg [PW-1:0] q;
      always @(posedge clk) q <= (sh ^ {PW{s}}) + s;
      assign prod[i*PW +: PW] = q;
    end
  endgenerate

  wire [SW-1:0] sum;
  cu_adder_tree #(.N(N), .W(PW)) tree (.clk(clk), .in(prod), .sum(sum));
  accumulator #(.W(ACC), .IW(SW)) accu (.clk(clk), .acc_in(acc_in), .x(sum), .acc(acc));
endmodule
