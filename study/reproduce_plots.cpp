#include "study/reproduce_plots.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/atomic_file.h"
#include "study/subprocess.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

namespace {

// pngcairo when this gnuplot has it (gnuplot-nox does), else the libgd png terminal.
const char* kTerminal =
    "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
    "  set terminal pngcairo size 1000,560 font ',10'\n"
    "} else {\n"
    "  set terminal png size 1000,560\n"
    "}\n"
    "set termoption noenhanced\n";  // layer and component names have underscores

const char* kHistogram =
    "set style data histograms\n"
    "set style histogram clustered gap 1\n"
    "set style fill solid 0.85 border -1\n"
    "set boxwidth 0.9\n"
    "set grid ytics\n"
    "set key outside right top vertical\n"
    "set xtics nomirror rotate by -30\n";

std::string find_gnuplot() {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/bin:/bin");
  for (std::string d; std::getline(ss, d, ':');) {
    const fs::path p = fs::path(d.empty() ? "." : d) / "gnuplot";
    std::error_code ec;
    if (fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0) return p.string();
  }
  return "";
}

// A rendered plot: a file that starts with the PNG signature.
bool is_png(const std::string& path) {
  static const char kSignature[8] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n'};
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  return in.read(head, 8) && std::equal(head, head + 8, kSignature);
}

// The lines of a gnuplot log that say what went wrong, short enough for one error message.
std::string log_excerpt(const std::string& log) {
  std::ifstream in(log);
  std::string text, line;
  while (std::getline(in, line))
    if (line.find_first_not_of(" ^") != std::string::npos) text += (text.empty() ? "" : " | ") + line;
  constexpr size_t kMax = 300;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text.empty() ? "no output from gnuplot" : text;
}

double value(const Cell& c) { return c.value ? *c.value : 0.0; }

// Per-layer GOP/s: published and simulated (both conventions) for both designs.
std::pair<std::string, std::string> layers_plot(const Table& t) {
  // exp1_layers columns: 0 layer, 1 design, 2 published, 3 sim MAC=2, 6 sim MAC=4
  std::map<std::string, std::map<std::string, std::vector<double>>> by;  // layer -> design -> cols
  std::vector<std::string> order;
  for (const auto& row : t.rows) {
    if (!by.count(row[0].text)) order.push_back(row[0].text);
    by[row[0].text][row[1].text] = {value(row[2]), value(row[3]), value(row[6])};
  }
  std::ostringstream dat;
  dat << "# layer vpe_published vpe_sim_mac2 vpe_sim_mac4 svpe_published svpe_sim_mac2 svpe_sim_mac4 (GOP/s)\n";
  for (const std::string& l : order) {
    dat << l;
    for (const char* d : {"vpe", "svpe"})
      for (double v : by[l][d]) dat << ' ' << v;
    dat << '\n';
  }
  std::ostringstream gp;
  gp << kTerminal << "set output 'exp1_layers.png'\n"
     << "set title 'AlexNet conv layers: published (n-BQ-NN Table VIII) and simulated GOP/s'\n"
     << "set ylabel 'GOP/s'\n" << kHistogram
     << "plot 'exp1_layers.dat' using 2:xtic(1) title 'VPE published' lc rgb '#1f4e79', \\\n"
     << "     '' using 3 title 'VPE simulated, MAC = 2 ops' lc rgb '#5b9bd5', \\\n"
     << "     '' using 4 title 'VPE simulated, MAC = 4 ops' lc rgb '#bdd7ee', \\\n"
     << "     '' using 5 title 'SVPE published' lc rgb '#843c0c', \\\n"
     << "     '' using 6 title 'SVPE simulated, MAC = 2 ops' lc rgb '#ed7d31', \\\n"
     << "     '' using 7 title 'SVPE simulated, MAC = 4 ops' lc rgb '#f8cbad'\n";
  return {dat.str(), gp.str()};
}

// Per-layer simulated cycles of both arrays (the GOP/s plot's denominators). Log scale when
// the largest and smallest bars are more than a factor 20 apart.
std::pair<std::string, std::string> cycles_plot(const Table& t) {
  // exp1_layers columns: 0 layer, 1 design, 9 cycles
  std::map<std::string, std::map<std::string, double>> by;  // layer -> design -> cycles
  std::vector<std::string> order;
  double lo = 0, hi = 0;
  for (const auto& row : t.rows) {
    if (!by.count(row[0].text)) order.push_back(row[0].text);
    const double c = value(row[9]);
    by[row[0].text][row[1].text] = c;
    if (c > 0) {
      lo = lo > 0 ? std::min(lo, c) : c;
      hi = std::max(hi, c);
    }
  }
  std::ostringstream dat;
  dat << "# layer vpe_cycles svpe_cycles (simulated)\n";
  for (const std::string& l : order) dat << l << ' ' << by[l]["vpe"] << ' ' << by[l]["svpe"] << '\n';
  const bool log = lo > 0 && hi / lo > 20;
  std::ostringstream gp;
  gp << kTerminal << "set output 'exp1_cycles.png'\n"
     << "set title 'AlexNet conv layers: simulated cycles per layer" << (log ? " (log scale)" : "") << "'\n"
     << "set ylabel 'cycles'\n" << kHistogram
     << (log ? "set logscale y\n" : "set yrange [0:*]\n")
     << "plot 'exp1_cycles.dat' using 2:xtic(1) title 'VPE' lc rgb '#5b9bd5', \\\n"
     << "     '' using 3 title 'SVPE' lc rgb '#ed7d31'\n";
  return {dat.str(), gp.str()};
}

// Resource use against the device: published, synthesis counting, n-BQ-NN counting.
std::pair<std::string, std::string> resources_plot(const Table& t) {
  // exp1_resources columns: 0 design, 1 resource, 2 published, 3 synthesis, 6 n-BQ-NN
  std::map<std::string, std::map<std::string, std::vector<double>>> by;  // resource -> design
  std::vector<std::string> order;
  for (const auto& row : t.rows) {
    if (!by.count(row[1].text)) order.push_back(row[1].text);
    by[row[1].text][row[0].text] = {value(row[2]), value(row[3]), value(row[6])};
  }
  std::ostringstream dat;
  dat << "# resource vpe_published vpe_synthesis vpe_nbqnn svpe_published svpe_synthesis svpe_nbqnn (% of device)\n";
  for (const std::string& r : order) {
    dat << r;
    for (const char* d : {"vpe", "svpe"})
      for (double v : by[r][d]) dat << ' ' << v;
    dat << '\n';
  }
  std::ostringstream gp;
  gp << kTerminal << "set output 'exp1_resources.png'\n"
     << "set title 'Resource use on the ZCU102 (% of the device; 100% = all of it)'\n"
     << "set ylabel '% of device'\nset yrange [0:110]\n" << kHistogram
     << "set arrow from graph 0, first 100 to graph 1, first 100 nohead dt 2 lc rgb 'black'\n"
     << "plot 'exp1_resources.dat' using 2:xtic(1) title 'VPE published' lc rgb '#1f4e79', \\\n"
     << "     '' using 3 title 'VPE model, synthesis DSPs' lc rgb '#5b9bd5', \\\n"
     << "     '' using 4 title 'VPE model, n-BQ-NN DSPs' lc rgb '#bdd7ee', \\\n"
     << "     '' using 5 title 'SVPE published' lc rgb '#843c0c', \\\n"
     << "     '' using 6 title 'SVPE model, synthesis DSPs' lc rgb '#ed7d31', \\\n"
     << "     '' using 7 title 'SVPE model, n-BQ-NN DSPs' lc rgb '#f8cbad'\n";
  return {dat.str(), gp.str()};
}

// Energy of the conv layers by component, one stacked bar per design (mJ).
std::pair<std::string, std::string> energy_plot(const PlotInput& in) {
  std::ostringstream dat;
  dat << "# component";
  for (const std::string& d : in.energy_designs) dat << ' ' << d << "_mJ";
  dat << '\n';
  for (size_t c = 0; c < in.energy_components.size(); ++c) {
    dat << in.energy_components[c];
    for (size_t d = 0; d < in.energy_designs.size(); ++d) dat << ' ' << 1e3 * in.energy_j[d][c];
    dat << '\n';
  }
  std::ostringstream gp;
  gp << kTerminal << "set output 'exp1_energy.png'\n"
     << "set title 'Energy of AlexNet conv layers per inference, by component'\n"
     << "set ylabel 'mJ'\nset style data histograms\nset style histogram columnstacked\n"
     << "set style fill solid 0.85 border -1\nset boxwidth 0.6\nset grid ytics\n"
     << "set key outside right top vertical\n"
     << "plot 'exp1_energy.dat' using 2:key(1) title columnheader";
  // columnstacked: each design's column is one bar, its header the bar's label; the
  // components (first column) name the segments once, from the first bar
  for (size_t d = 1; d < in.energy_designs.size(); ++d) gp << ", '' using " << d + 2 << " title columnheader";
  gp << "\n";
  std::string d = dat.str();
  d.erase(0, 2);  // "component vpe_mJ svpe_mJ" as the column header line
  return {d, gp.str()};
}

// Experiment 2: conv GOP/s per network and design.
std::pair<std::string, std::string> exp2_plot(const Table& t) {
  std::map<std::string, std::map<std::string, double>> by;
  std::vector<std::string> order;
  for (const auto& row : t.rows) {
    if (!by.count(row[0].text)) order.push_back(row[0].text);
    by[row[0].text][row[1].text] = value(row[9]);
  }
  std::ostringstream dat;
  dat << "# network vpe_gops svpe_gops (MAC = 2 ops)\n";
  for (const std::string& n : order) dat << n << ' ' << by[n]["vpe"] << ' ' << by[n]["svpe"] << '\n';
  std::ostringstream gp;
  gp << kTerminal << "set output 'exp2_largest.png'\n"
     << "set title 'Largest arrays on the ZCU102: conv-layer GOP/s (MAC = 2 ops)'\n"
     << "set ylabel 'GOP/s'\n" << kHistogram
     << "plot 'exp2_largest.dat' using 2:xtic(1) title 'VPE' lc rgb '#5b9bd5', \\\n"
     << "     '' using 3 title 'SVPE' lc rgb '#ed7d31'\n";
  return {dat.str(), gp.str()};
}

}  // namespace

std::vector<std::string> write_plots(const std::string& dir, const PlotInput& in) {
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> plots;
  if (in.layers) plots.push_back({"exp1_layers", layers_plot(*in.layers)});
  if (in.layers) plots.push_back({"exp1_cycles", cycles_plot(*in.layers)});
  if (in.resources) plots.push_back({"exp1_resources", resources_plot(*in.resources)});
  std::vector<std::string> warnings;
  if (!in.energy_designs.empty())
    plots.push_back({"exp1_energy", energy_plot(in)});
  else
    warnings.push_back("no energy breakdown plot: the run reports have no energy section (not modelled yet)");
  if (in.exp2) plots.push_back({"exp2_largest", exp2_plot(*in.exp2)});
  for (const auto& [name, files] : plots) {
    write_file_atomic(dir + "/" + name + ".dat", files.first);
    write_file_atomic(dir + "/" + name + ".gp", files.second);
  }
  const std::string gnuplot = find_gnuplot();
  if (gnuplot.empty()) {
    warnings.push_back("gnuplot not found (Debian package gnuplot-nox): the .gp and .dat files are "
                       "written, the PNGs are not");
    return warnings;
  }
  // gnuplot runs inside `dir`, so that the scripts' relative names ('exp1_layers.dat') resolve
  // however `dir` was given (the log is opened before the child changes directory).
  for (const auto& [name, files] : plots) {
    const std::string log = dir + "/" + name + ".gnuplot.log";
    const int rc = run_child_in(dir, {gnuplot, name + ".gp"}, log);
    const std::string png = dir + "/" + name + ".png";
    if (rc != 0 || !is_png(png))
      throw PlotFailure("gnuplot failed on " + name + ".gp (exit " + std::to_string(rc) +
                        (rc == 0 ? ", no PNG written" : "") + "): " + log_excerpt(log));
    std::error_code ec;
    fs::remove(log, ec);
  }
  return warnings;
}

}  // namespace shiftsim::sim
