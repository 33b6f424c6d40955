// One lane of the PE array (docs/ARCHITECTURE.md §6): TN elements of K x K convolvers (N = TN
// K^2 products, SVPE shifts or VPE DSP48E2 multiplies), their two weight register sets, the
// pipelined adder tree and the accumulator. The accumulator adds the tree's sum to the pixel's
// entry read from the output buffer (acc_in), or starts from the sum on a tile's first round.
module cu_lane #(
  parameter KIND = 0,       // 0: SVPE, 1: VPE
  parameter TN = 2,
  parameter K = 3,
  parameter ABITS = 16,
  parameter WBITS = 3,      // SVPE: code bits; VPE: weight bits
  parameter ACC = 48,
  parameter EXTRA = 0       // 1: one more register before the accumulator (the broken variant)
) (
  input  wire                     clk,
  input  wire [TN*K*K*ABITS-1:0]  win,       // the window, valid one cycle after the issue
  input  wire [TN*K*K*WBITS-1:0]  wdata,     // a preload's weights for this lane
  input  wire                     wload,     // wdata is in: into the shadow set
  input  wire                     swap,      // a round's first issue: shadow set -> active
  input  wire                     swap_a,    // the same, one cycle later (VPE: its B2 load)
  input  wire                     first,     // at the accumulate stage: no entry to add to
  input  wire [ACC-1:0]           acc_in,    // the entry, read output_read_latency before
  output reg  [ACC-1:0]           acc
);
  localparam N = TN * K * K;
  localparam PW = (KIND != 0) ? ABITS + WBITS : ABITS + (1 << (WBITS - 1)) - 1;
  localparam SW = PW + $clog2(N);

  wire [N*PW-1:0] prod;
  genvar i;
  generate
    if (KIND == 0) begin : svpe
      // The convolvers' weight registers: the active set the shifts use, the shadow set the
      // next piece preloads into.
      reg [N*WBITS-1:0] shadow, active;
      always @(posedge clk) begin
        if (wload) shadow <= wdata;
        if (swap) active <= shadow;
      end
      for (i = 0; i < N; i = i + 1) begin : p
        svpe_product #(.ABITS(ABITS), .WBITS(WBITS), .PW(PW)) u (
          .clk(clk), .a(win[i*ABITS +: ABITS]), .code(active[i*WBITS +: WBITS]), .p(prod[i*PW +: PW]));
      end
    end else begin : vpe
      for (i = 0; i < N; i = i + 1) begin : p
        vpe_product #(.ABITS(ABITS), .WBITS(WBITS)) u (
          .clk(clk), .a(win[i*ABITS +: ABITS]), .w(wdata[i*WBITS +: WBITS]), .ceb1(wload), .ceb2(swap_a),
          .p(prod[i*PW +: PW]));
      end
    end
  endgenerate

  wire [SW-1:0] sum;
  cu_adder_tree #(.N(N), .W(PW)) tree (.clk(clk), .in(prod), .sum(sum));
  wire [SW-1:0] addend;
  generate
    if (EXTRA) begin : late
      reg [SW-1:0] q;
      always @(posedge clk) q <= sum;
      assign addend = q;
    end else begin : on_time
      assign addend = sum;
    end
  endgenerate
  always @(posedge clk) acc <= (first ? {ACC{1'b0}} : acc_in) + {{(ACC-SW){addend[SW-1]}}, addend};
endmodule
