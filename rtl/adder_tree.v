// Pipelined binary adder tree of a lane (docs/ARCHITECTURE.md §6): N signed W-bit products ->
// one signed sum of W + ceil(log2 N) bits, ceil(log2 N) register levels deep. Each level adds
// pairs and widens by one bit; an odd element passes through a register. The resource model is
// calibrated on this file too (tests/models/test_resources.cpp, tests/resources/*_lane.v).
module cu_adder_tree #(
  parameter N = 8,
  parameter W = 16
) (
  input  wire                   clk,
  input  wire [N*W-1:0]         in,
  output wire [W+$clog2(N)-1:0] sum
);
  localparam L  = $clog2(N);
  localparam OW = W + L;
  // Slot j of level l holds a value of W + l bits in its low bits.
  wire [(L+1)*N*OW-1:0] s;

  genvar l, i;
  generate
    for (i = 0; i < N; i = i + 1) begin : lvl0
      assign s[i*OW +: OW] = {{L{1'b0}}, in[i*W +: W]};
    end
    for (l = 1; l <= L; l = l + 1) begin : lvl
      localparam NP = (N + (1 << (l - 1)) - 1) >> (l - 1);  // elements at level l-1
      localparam NC = (N + (1 << l) - 1) >> l;              // elements at level l
      localparam WP = W + l - 1;
      localparam WC = W + l;
      for (i = 0; i < N; i = i + 1) begin : el
        if (i < NC) begin : live
          wire signed [WP-1:0] x = s[((l-1)*N + 2*i)*OW +: WP];
          wire signed [WC-1:0] v;
          if (2*i + 1 < NP) begin : add
            wire signed [WP-1:0] y = s[((l-1)*N + 2*i + 1)*OW +: WP];
            assign v = x + y;
          end else begin : pass
            assign v = {x[WP-1], x};
          end
          reg signed [WC-1:0] q;
          always @(posedge clk) q <= v;
          if (OW > WC) begin : ext
            assign s[(l*N + i)*OW +: OW] = {{(OW-WC){q[WC-1]}}, q};
          end else begin : full
            assign s[(l*N + i)*OW +: OW] = q;
          end
        end else begin : dead
          assign s[(l*N + i)*OW +: OW] = {OW{1'b0}};
        end
      end
    end
  endgenerate
  assign sum = s[L*N*OW +: OW];
endmodule
