#include "study/sweep_fronts.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "study/subprocess.h"
#include "study/sweep_pareto.h"
#include "study/sweep_report.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

namespace {

std::string find_gnuplot() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string d;
  std::error_code ec;
  while (std::getline(dirs, d, ':')) {
    const fs::path p = fs::path(d.empty() ? "." : d) / "gnuplot";
    if (fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0) return fs::absolute(p).string();
  }
  return {};
}

std::string label(Objective o) {
  return std::string(objective_name(o)) + (objective_maximized(o) ? " (higher is better)" : " (lower is better)");
}

// Single quotes end a gnuplot string; the paths we write never contain them, but say so.
std::string gp_quote(const std::string& s) {
  if (s.find('\'') != std::string::npos) throw InputError(s + ": a path with a single quote cannot be given to gnuplot");
  return "'" + s + "'";
}

}  // namespace

std::vector<std::string> write_pareto_fronts(const SweepSpec& spec, const std::string& network,
                                             const std::vector<const SweepRow*>& rows, const std::string& out_dir) {
  std::vector<std::string> warnings;
  if (rows.empty() || spec.pareto.empty()) return warnings;
  const std::string dir = fs::absolute(out_dir + "/pareto").lexically_normal().string();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir + ": cannot create directory: " + ec.message());
  const std::string net = fs::path(network).stem().string();
  const std::string gnuplot = find_gnuplot();

  for (const std::vector<Objective>& objs : spec.pareto) {
    std::vector<std::vector<double>> costs;
    for (const SweepRow* r : rows) {
      std::vector<double> c;
      for (Objective o : objs) c.push_back(objective_maximized(o) ? -(*r->objectives)[size_t(o)] : (*r->objectives)[size_t(o)]);
      costs.push_back(c);
    }
    std::vector<size_t> front = pareto_front(costs);
    // Along the first objective, so the front's line is drawn in order.
    std::sort(front.begin(), front.end(), [&](size_t a, size_t b) { return costs[a] < costs[b]; });

    std::string name = net;
    for (Objective o : objs) name += std::string("_") + objective_name(o);
    std::printf("\n%s: Pareto front over", net.c_str());
    for (Objective o : objs) std::printf(" %s", objective_name(o));
    std::printf(" (%zu of %zu points)\n  %6s", front.size(), rows.size(), "point");
    for (Objective o : objs) std::printf(" %14s", objective_name(o));
    std::printf("  parameters\n");
    std::string all = "# point", on_front = "# point";
    for (Objective o : objs) {
      all += std::string(" ") + objective_name(o);
      on_front += std::string(" ") + objective_name(o);
    }
    all += " on_front\n";
    on_front += "\n";
    std::vector<bool> is_front(rows.size(), false);
    for (size_t i : front) is_front[i] = true;
    char cell[64];
    for (size_t i : front) {
      std::printf("  %6zu", rows[i]->index);
      on_front += std::to_string(rows[i]->index);
      for (Objective o : objs) {
        std::printf(" %14.6g", (*rows[i]->objectives)[size_t(o)]);
        std::snprintf(cell, sizeof cell, " %.10g", (*rows[i]->objectives)[size_t(o)]);
        on_front += cell;
      }
      std::printf("  %s\n", params_text(rows[i]->params).c_str());
      on_front += "\n";
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      all += std::to_string(rows[i]->index);
      for (Objective o : objs) {
        std::snprintf(cell, sizeof cell, " %.10g", (*rows[i]->objectives)[size_t(o)]);
        all += cell;
      }
      all += is_front[i] ? " 1\n" : " 0\n";
    }
    const std::string base = dir + "/" + name;
    write_file_atomic(base + ".dat", all);
    write_file_atomic(base + ".front.dat", on_front);

    const bool three = objs.size() == 3;
    std::ostringstream gp;
    gp << "# " << spec.name << ": " << net << ", every point and the Pareto front\n"
       << "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) { set terminal pngcairo size 900,650 } "
          "else { set terminal png size 900,650 }\n"
       << "set output " << gp_quote(base + ".png") << "\n"
       << "set title \"" << spec.name << " on " << net << ": " << rows.size() << " points, " << front.size()
       << " on the Pareto front\" noenhanced\n"
       << "set xlabel \"" << label(objs[0]) << "\" noenhanced\n"
       << "set ylabel \"" << label(objs[1]) << "\" noenhanced\n"
       << "set grid\nset key outside bottom center horizontal\n";
    if (three) {
      gp << "set zlabel \"" << label(objs[2]) << "\" noenhanced rotate parallel\n"
         << "splot " << gp_quote(base + ".dat") << " using 2:3:4 with points pt 7 ps 0.6 lc rgb '#aaaaaa' title 'all points', \\\n"
         << "      " << gp_quote(base + ".front.dat") << " using 2:3:4 with points pt 7 ps 1.2 lc rgb '#d62728' title 'Pareto front'\n";
    } else {
      gp << "plot " << gp_quote(base + ".dat") << " using 2:3 with points pt 7 ps 0.6 lc rgb '#aaaaaa' title 'all points', \\\n"
         << "     " << gp_quote(base + ".front.dat") << " using 2:3 with linespoints pt 7 ps 1.2 lc rgb '#d62728' title 'Pareto front'\n";
    }
    write_file_atomic(base + ".gp", gp.str());
    if (gnuplot.empty()) {
      warnings.push_back("gnuplot not found (Debian package gnuplot-nox): " + base + ".gp not plotted");
      continue;
    }
    const int rc = run_child({gnuplot, "-e", "cd " + gp_quote(dir), base + ".gp"}, base + ".gnuplot.log");
    if (rc != 0) warnings.push_back("gnuplot failed on " + base + ".gp (exit " + std::to_string(rc) + "; see " + base + ".gnuplot.log)");
    else fs::remove(base + ".gnuplot.log", ec);
  }
  return warnings;
}

}  // namespace shiftsim::sim
