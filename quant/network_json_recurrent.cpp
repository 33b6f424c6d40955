// Network JSON of the sequence layers: lstm, gru and embedding.
#include <cstdint>
#include <string>

#include "quant/network_json_layers.h"

namespace shiftsim::quant {

namespace {
constexpr int64_t kMaxSize = int64_t(1) << 20;  // network_json.cpp's bound on any size
}  // namespace

void read_recurrent(JsonReader& r, Layer& l, const Shape& in) {
  RecurrentSpec& s = l.rnn;
  s.hidden_size = int(r.integer("hidden_size", 1, kMaxSize, "hidden state size"));
  const int64_t features = int64_t(in.h) * in.w;
  // Optional, because the input shape says it; given, it catches a network wired wrongly.
  s.input_size = int(r.integer("input_size", features, 1, kMaxSize,
                               "features per step; must equal H*W of the input (default: that)"));
  if (r.has("direction") && r.node()["direction"] == "bidirectional")
    r.fail("direction", "\"bidirectional\" is not supported: use two layers, one \"forward\" and "
                        "one \"reverse\", and concat their outputs");
  s.direction = r.choice("direction", "forward", {"forward", "reverse"},
                         "the order the steps are read in") == "reverse"
                    ? Direction::reverse
                    : Direction::forward;
  s.sequence_output = r.choice("output", "last", {"last", "sequence"},
                               "last: the final hidden state (H x 1 x 1); sequence: every step's "
                               "(T x H x 1)") == "sequence";
  if (l.type == LayerType::gru)
    s.linear_before_reset = r.flag("linear_before_reset", false,
                                   "ONNX linear_before_reset: r multiplies (R_h h + Rb_h)");
  if (l.type == LayerType::lstm)
    s.peepholes = r.flag("peepholes", false, "ONNX P: cell state terms in the i, o, f gates");
  s.initial_state = r.flag("initial_state", false,
                           "h0 (and lstm c0) are parameters after the biases; else zeros");
}

void read_embedding(JsonReader& r, Layer& l) {
  l.vocab_size = int(r.integer("vocab_size", 1, kMaxSize, "token ids are in [0, vocab_size)"));
  l.out_channels = int(r.integer("dim", 1, kMaxSize, "vector size per token"));
}

}  // namespace shiftsim::quant
