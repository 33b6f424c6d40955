// The compute unit of docs/ARCHITECTURE.md §6-§7 as RTL: the issue sequencer (one output pixel
// and one k x k kernel piece a cycle, the window generator's bank addresses and rotation), the weight preload into
// the convolvers' shadow registers, the accumulator hazard check, the D-stage pipeline with
// its accumulate stage, and the toggle handshakes with the load and store units. The pooling
// and element-wise passes use the same sequencer (one element a cycle, depth L_in + 1); their
// arithmetic is outside this module.
//
// The layer's loop nest is the controller's (its plan of tiles and steps): the unit reads the
// record of the step its issue pointer is at (s_*, valid for the step s_ptr shows), as it would
// read a small plan memory. Buffer reads are ports: a read asked in a cycle (a registered
// request: iss_*, pre_*, rd_*) has its data on bank_data / w_data / acc_in for the next edge
// (latency 1, the block RAMs of the default configuration).
//
// The window generator: the input buffer is k^2 banks interleaved by (y mod k, x mod k)
// (docs/ARCHITECTURE.md §5). With the window's origin (y0, x0) = (y0q k + y0m, x0q k + x0m),
// bank (a, b) holds the window's row y0q k + a (+ k when a < y0m) and column x0q k + b (+ k
// when b < x0m): its address is that (row word, column word) pair, bank_addr. The banks' raw
// words come back on bank_data ([n][a][b]); the generator rotates them into window order,
// position (ky, kx) from bank ((y0m + ky) mod k, (x0m + kx) mod k), rows in a first stage and
// columns in a second, and zeroes kernel rows >= iss_rows and columns >= iss_cols.
//
// Fixed here: input, weight and output read latencies of 1 (so G = H = 2), product stages 1
// (SVPE) or 3 (VPE, inside the DSP48E2). D = 1 + max(PS + ceil(log2(TN K^2)), 1) + 1.
module shiftsim_cu #(
  parameter KIND = 0,    // 0: SVPE, 1: VPE
  parameter TM = 4,
  parameter TN = 2,
  parameter K = 3,
  parameter ABITS = 16,
  parameter WBITS = 3,
  parameter ACC = 48,
  parameter EXTRA = 0    // 1: one pipeline stage too many (a deliberately broken variant)
) (
  input  wire                     clk,
  input  wire                     rst,
  // The layer register: a toggle per new layer, and the layer's constants.
  input  wire                     layer_go,
  input  wire                     conv,        // 0: pooling / element-wise pass
  input  wire [31:0]              n_steps,
  input  wire [7:0]               pieces,      // ceil(kern/K)^2
  input  wire [7:0]               kp,          // ceil(kern/K)
  input  wire [7:0]               kern,        // the layer's kernel
  input  wire [7:0]               stride,
  input  wire [7:0]               stride_q,    // stride div K
  input  wire [7:0]               stride_m,    // stride mod K
  // The record of step s_ptr.
  input  wire [31:0]              s_issues,    // conv: the tile's pixels (one round); else the step's issues
  input  wire [31:0]              s_ncol,      // conv: the tile's columns
  input  wire                     s_first,     // the tile's first step
  input  wire                     s_last,      // the tile's last step
  input  wire                     s_last_layer,// the layer's last step
  // Handshakes (docs/ARCHITECTURE.md §7): one toggle per half, wired to the units' ports.
  input  wire                     in_filled0,
  input  wire                     in_filled1,
  input  wire                     out_freed0,
  input  wire                     out_freed1,
  output wire                     in_freed0,
  output wire                     in_freed1,
  output wire                     out_filled0,
  output wire                     out_filled1,
  // Buffer read data.
  input  wire [TN*K*K*ABITS-1:0]  bank_data,   // the k^2 banks' words at bank_addr, [n][a][b]
  input  wire [TM*TN*K*K*WBITS-1:0] w_data,
  input  wire [TM*ACC-1:0]        acc_in,
  // Issue: window request (conv) or element index (pooling / element-wise).
  output reg                      iss_v,
  output reg                      iss_tile_start,
  output reg                      iss_step_end,
  output reg                      iss_half,
  output reg  [31:0]              iss_step,
  output reg  [31:0]              iss_pixel,
  output reg  [15:0]              iss_y,
  output reg  [15:0]              iss_x,
  output reg  [7:0]               iss_rows,
  output reg  [7:0]               iss_cols,
  output reg  [K*K*32-1:0]        bank_addr,   // bank (a, b): {row word, column word} at (a K + b) * 32
  // Preload: read piece pre_piece of step pre_step's weights.
  output reg                      pre_v,
  output reg  [31:0]              pre_step,
  output reg  [7:0]               pre_piece,
  // Accumulate stage: the entry read, and the retire (write, conv only).
  output reg                      rd_v,
  output reg                      rd_half,
  output reg  [31:0]              rd_pixel,
  output reg                      ret_v,
  output reg                      ret_conv,
  output reg                      ret_half,
  output reg  [31:0]              ret_pixel,
  output reg                      ret_last_tile,
  output wire [TM*ACC-1:0]        wr_data,
  // State the trace and the unit's counters show.
  output reg  [31:0]              s_ptr,
  output reg  [31:0]              t_ptr,
  output reg                      active,      // this cycle belongs to a layer
  output reg                      busy,        // an issue, a product in flight or a preload
  output reg                      hazard,
  output reg  [31:0]              stage_valid  // bit i: the issue of i cycles ago is in flight
);
  localparam N = TN * K * K;
  localparam T = $clog2(N);
  localparam PS = (KIND != 0) ? 3 : 1;
  localparam DC = 1 + ((PS + T) > 1 ? PS + T : 1) + 1 + EXTRA;  // conv depth D
  localparam DV = 2;                                             // pooling / element-wise

  wire [1:0] in_filled = {in_filled1, in_filled0};
  wire [1:0] out_freed = {out_freed1, out_freed0};
  reg [1:0] in_freed, out_filled;
  assign {in_freed1, in_freed0} = in_freed;
  assign {out_filled1, out_filled0} = out_filled;

  // Layer state.
  reg running, seen;
  wire start = !running && (layer_go != seen);
  wire run = running || start;

  // Issue pointer: step s, piece j (jy, jx), pixel px (ty, tx); tile t.
  reg [31:0] s, t, px, tx, ty;
  reg [7:0] j, jx, jy;
  reg [15:0] cx, cy, ox, oy;   // tx*stride, ty*stride, jx*K, jy*K
  reg [15:0] cxq, cyq;         // cx div K, cy div K
  reg [7:0] cxm, cym;          // cx mod K, cy mod K (ox, oy are multiples of K)
  reg [K*K-1:0] ysel, xsel;    // the rotation's selects: [ky*K + q] row ky takes bank row q; columns alike
  reg [K-1:0] rowon, colon;    // kernel rows < iss_rows, columns < iss_cols
  // Preload pointer and the shadow set's state.
  reg [31:0] ps;
  reg [7:0] pj;
  reg shadow_full;
  reg wcnt;                    // G - 1 = 1 cycle until a preload's weights are usable
  reg [1:0] out_started;       // toggled at a tile's first issue into half h
  reg hist_v;                  // hazard history: last cycle's issue and its pixel (H = 2)
  reg [31:0] hist_px;
  reg swap_q;

  // The pipeline's control: stage i holds the issue of i cycles ago.
  reg [DC:1] pv, ph, pf, plt, pll;
  reg [31:0] pp [1:DC];

  wire have = run && (s < n_steps);
  wire rs = (px == 0);
  wire first_round = s_first && (j == 0);
  wire shadow_ok = shadow_full && !wcnt;
  wire outfree_t = out_started[t[0]] == out_freed[t[0]];
  wire outfree_s = out_started[s[0]] == out_freed[s[0]];
  wire infull_s = in_filled[s[0]] != in_freed[s[0]];
  wire cblock = rs && (!shadow_ok || (first_round && !outfree_t));
  wire hz = conv && have && !cblock && !first_round && hist_v && (hist_px == px);
  wire vblock = rs && (!infull_s || !outfree_s);
  wire go = have && (conv ? (!cblock && !hz) : !vblock);
  wire swap = go && conv && rs;
  wire last_px = (px + 1 == s_issues);
  wire last_j = conv ? (j + 1 == pieces) : 1'b1;
  wire step_end = go && last_px && last_j;
  wire tile_last = conv ? (s_last && last_px && last_j) : last_px;
  wire layer_last = tile_last && s_last_layer;
  wire tstart = go && rs && (conv ? first_round : 1'b1);
  wire half = conv ? t[0] : s[0];
  wire [1:0] in_freed_n = in_freed ^ (step_end ? (s[0] ? 2'b10 : 2'b01) : 2'b00);

  wire shadow_free = !shadow_full || swap;
  wire pre_in = (pj != 0) || (in_filled[ps[0]] != in_freed_n[ps[0]]);
  wire pgo = run && conv && shadow_free && (ps < n_steps) && pre_in;

  wire ret = conv ? pv[DC-1] : pv[DV-1];
  wire ret_h = conv ? ph[DC-1] : ph[DV-1];
  wire ret_lt = conv ? plt[DC-1] : plt[DV-1];
  wire ret_ll = conv ? pll[DC-1] : pll[DV-1];
  wire [31:0] ret_p = conv ? pp[DC-1] : pp[DV-1];
  wire inflight = conv ? |pv[DC-1:1] : pv[1];

  // The origin's step along a row or a column: stride = sq K + sm (layer constants).
  wire [7:0] sq = stride_q;
  wire [7:0] sm = stride_m;
  wire [8:0] cxm_n = {1'b0, cxm} + {1'b0, sm};
  wire [8:0] cym_n = {1'b0, cym} + {1'b0, sm};
  wire cx_wrap = cxm_n >= K;
  wire cy_wrap = cym_n >= K;
  wire [15:0] y0q = cyq + {8'd0, jy};
  wire [15:0] x0q = cxq + {8'd0, jx};

  wire [7:0] rows_left = kern - oy[7:0];
  wire [7:0] cols_left = kern - ox[7:0];

  integer i, q0;
  always @(posedge clk) begin
    if (rst) begin
      running <= 0; seen <= 0; s <= 0; t <= 0; px <= 0; tx <= 0; ty <= 0; j <= 0; jx <= 0; jy <= 0;
      cx <= 0; cy <= 0; ox <= 0; oy <= 0; cxq <= 0; cyq <= 0; cxm <= 0; cym <= 0;
      bank_addr <= 0; ysel <= 0; xsel <= 0; rowon <= 0; colon <= 0; ps <= 0; pj <= 0; shadow_full <= 0; wcnt <= 0;
      out_started <= 0; hist_v <= 0; hist_px <= 0; swap_q <= 0; pv <= 0;
      in_freed <= 0; out_filled <= 0; iss_v <= 0; pre_v <= 0; rd_v <= 0; ret_v <= 0;
      active <= 0; busy <= 0; hazard <= 0; stage_valid <= 0; s_ptr <= 0; t_ptr <= 0;
    end else begin
      if (start) begin
        running <= 1;
        seen <= layer_go;
      end
      active <= run;
      busy <= run && (inflight || wcnt || go || pgo);
      hazard <= hz;
      swap_q <= swap;

      // Retire: the accumulate stage's write; a tile's last one hands its half to the store.
      ret_v <= ret;
      ret_conv <= conv;
      ret_half <= ret_h;
      ret_pixel <= ret_p;
      ret_last_tile <= ret && ret_lt;
      if (ret && ret_lt) out_filled[ret_h] <= !out_filled[ret_h];
      // The entry read, output_read_latency (1) before the accumulate stage; not on a first round.
      rd_v <= conv && pv[DC-2] && !pf[DC-2];
      rd_half <= ph[DC-2];
      rd_pixel <= pp[DC-2];

      // Issue.
      iss_v <= go;
      iss_tile_start <= tstart;
      iss_step_end <= step_end;
      iss_half <= half;
      iss_step <= s;
      iss_pixel <= px;
      iss_y <= cy + oy;
      iss_x <= cx + ox;
      iss_rows <= rows_left < K ? rows_left : K;
      iss_cols <= cols_left < K ? cols_left : K;
      for (i = 0; i < K; i = i + 1) begin
        rowon[i] <= i < rows_left;
        colon[i] <= i < cols_left;
        for (q0 = 0; q0 < K; q0 = q0 + 1) begin
          ysel[i*K + q0] <= (cym + i == q0) || (cym + i == q0 + K);
          xsel[i*K + q0] <= (cxm + i == q0) || (cxm + i == q0 + K);
        end
      end
      for (i = 0; i < K * K; i = i + 1) begin
        bank_addr[i*32+16 +: 16] <= y0q + ((i / K) < cym ? 16'd1 : 16'd0);
        bank_addr[i*32 +: 16] <= x0q + ((i % K) < cxm ? 16'd1 : 16'd0);
      end
      in_freed <= in_freed_n;
      if (tstart) out_started[half] <= !out_started[half];
      hist_v <= go && conv;
      hist_px <= px;
      if (go) begin
        if (!conv) t <= s;
        if (last_px) begin
          px <= 0; tx <= 0; ty <= 0; cx <= 0; cy <= 0; cxq <= 0; cyq <= 0; cxm <= 0; cym <= 0;
          if (last_j) begin
            j <= 0; jx <= 0; jy <= 0; ox <= 0; oy <= 0;
            s <= s + 1;
            if (conv && s_last) t <= t + 1;
          end else begin
            j <= j + 1;
            if (jx + 1 == kp) begin
              jx <= 0; ox <= 0; jy <= jy + 1; oy <= oy + K;
            end else begin
              jx <= jx + 1; ox <= ox + K;
            end
          end
        end else begin
          px <= px + 1;
          if (tx + 1 == s_ncol) begin
            tx <= 0; cx <= 0; cxq <= 0; cxm <= 0; ty <= ty + 1; cy <= cy + {8'd0, stride};
            cyq <= cyq + {8'd0, sq} + (cy_wrap ? 16'd1 : 16'd0);
            cym <= cy_wrap ? cym_n[7:0] - K : cym_n[7:0];
          end else begin
            tx <= tx + 1; cx <= cx + {8'd0, stride};
            cxq <= cxq + {8'd0, sq} + (cx_wrap ? 16'd1 : 16'd0);
            cxm <= cx_wrap ? cxm_n[7:0] - K : cxm_n[7:0];
          end
        end
      end

      // Preload: the shadow set is free (or freed by this cycle's swap).
      pre_v <= pgo;
      pre_step <= ps;
      pre_piece <= pj;
      if (pgo) begin
        if (pj + 1 == pieces) begin
          pj <= 0;
          ps <= ps + 1;
        end else begin
          pj <= pj + 1;
        end
      end
      shadow_full <= pgo ? 1'b1 : (swap ? 1'b0 : shadow_full);
      wcnt <= pgo ? 1'b1 : 1'b0;

      // The pipeline moves on.
      pv[1] <= go; ph[1] <= half; pf[1] <= conv && first_round; plt[1] <= go && tile_last;
      pll[1] <= go && layer_last; pp[1] <= conv ? px : 32'd0;
      for (i = 2; i <= DC; i = i + 1) begin
        pv[i] <= pv[i-1]; ph[i] <= ph[i-1]; pf[i] <= pf[i-1]; plt[i] <= plt[i-1];
        pll[i] <= pll[i-1]; pp[i] <= pp[i-1];
      end
      stage_valid <= 0;
      stage_valid[0] <= go;
      for (i = 1; i < DC && i < 32; i = i + 1)
        if (conv ? (i < DC - 1) : (i < DV - 1)) stage_valid[i] <= pv[i];

      // The layer's last accumulation: the unit is free for the next layer; pointers go home.
      if (ret && ret_ll) begin
        running <= 0;
        s <= 0; t <= 0; ps <= 0; pj <= 0;
      end
      s_ptr <= (go && last_px && last_j) ? s + 1 : s;
      t_ptr <= (go && !conv) ? s : ((go && conv && last_px && last_j && s_last) ? t + 1 : t);
    end
  end

  // The window generator's rotation: rows (window row ky from bank row (y0m + ky) mod K), then
  // columns, as AND-OR multiplexers on one-hot selects registered with the issue (ysel, xsel)
  // and the extent's mask (rowon, colon). win is what the lanes see, [n][ky][kx].
  wire [N*ABITS-1:0] rot_r, win;
  genvar n, ky, kx;
  generate
    for (n = 0; n < TN; n = n + 1) begin : rot_ch
      for (ky = 0; ky < K; ky = ky + 1) begin : rot_row
        for (kx = 0; kx < K; kx = kx + 1) begin : rot_col
          // r: stage 1, bank row into window row ky (column kx of the bank grid); c: stage 2,
          // column into window column kx, masked by the extent.
          reg [ABITS-1:0] r, c;
          integer q1, q2;
          always @* begin
            r = {ABITS{1'b0}};
            for (q1 = 0; q1 < K; q1 = q1 + 1)
              r = r | ({ABITS{ysel[ky*K + q1]}} & bank_data[((n*K + q1)*K + kx)*ABITS +: ABITS]);
          end
          assign rot_r[((n*K + ky)*K + kx)*ABITS +: ABITS] = r;
          always @* begin
            c = {ABITS{1'b0}};
            for (q2 = 0; q2 < K; q2 = q2 + 1)
              c = c | ({ABITS{xsel[kx*K + q2] & rowon[ky] & colon[kx]}} & rot_r[((n*K + ky)*K + q2)*ABITS +: ABITS]);
          end
          assign win[((n*K + ky)*K + kx)*ABITS +: ABITS] = c;
        end
      end
    end
  endgenerate

  // The lanes: one weight slice each; all see the same window.
  genvar m;
  generate
    for (m = 0; m < TM; m = m + 1) begin : lane
      cu_lane #(.KIND(KIND), .TN(TN), .K(K), .ABITS(ABITS), .WBITS(WBITS), .ACC(ACC), .EXTRA(EXTRA)) u (
        .clk(clk), .win(win), .wdata(w_data[m*N*WBITS +: N*WBITS]), .wload(pre_v), .swap(swap),
        .swap_a(swap_q), .first(pf[DC-1]), .acc_in(acc_in[m*ACC +: ACC]), .acc(wr_data[m*ACC +: ACC]));
    end
  endgenerate
endmodule
