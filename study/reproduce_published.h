#pragma once
// The published figures `shiftsim reproduce` compares against, read from
// configs/reproduce/*.json: each group of figures carries its source (table of the paper), so
// that no published number is written twice (here and in code). Errors name the file and the
// JSON path, like every other config reader (common/json_reader.h).
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shiftsim::sim {

// One design point of the paper: its array and what Tables VII and VIII say about it.
struct PublishedDesign {
  std::string key;    // "vpe" or "svpe"
  std::string label;  // as the tables print it
  std::string arch;   // arch file, resolved against the figures file's directory
  std::string kind;   // svpe or vpe
  uint32_t pm = 0, pn = 0, k = 0, weight_bits = 0, act_bits = 0;
  // Table VIII (whole design, AlexNet conv layers)
  std::string table_viii_source;
  std::vector<double> layer_gops;  // one per Experiment::layers
  double average_gops = 0, power_w = 0, gops_per_w = 0;
  double dsp_pct = 0, lut_pct = 0, ff_pct = 0, bram_pct = 0;
  // Table VII (one array): per weight width
  std::string table_vii_source;
  std::vector<uint32_t> t7_weight_bits;
  std::vector<double> t7_power_w, t7_lut, t7_dsp;
  double t7_ff_lo = 0, t7_ff_hi = 0;
};

struct PublishedClaim {
  double value = 0;
  std::string source;
};

struct PublishedFigures {
  std::string file;      // as given
  std::string citation;  // the paper
  std::string pages;     // what is known about where the tables are
  std::map<std::string, std::string> setup;  // key -> text, in the file's words
  // The experiment: the network and the layers the tables have rows for.
  std::string net, quick_net;  // resolved paths
  std::vector<std::string> layers, quick_layers;
  double clock_mhz = 0;
  PublishedDesign vpe, svpe;
  PublishedClaim speedup, analytical_speedup, power_ratio_pct;
};

// Reads and checks `path`; throws InputError "path: designs.svpe.table_viii.layer_gops: ..." on
// any problem (a missing figure, a wrong count of per-layer figures, an unknown key).
PublishedFigures load_published_figures(const std::string& path);

}  // namespace shiftsim::sim
