#include "study/reproduce_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace shiftsim::sim {

namespace {

std::string fmt(double v, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

// Full precision for the CSV: 12 significant digits (cycle counts up to 10^12 stay exact).
std::string csv_number(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.12g", v);
  return b;
}

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string md_text(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

}  // namespace

Cell text_cell(const std::string& s) { return {s, std::nullopt}; }
Cell num_cell(double v, int decimals) { return {fmt(v, decimals), v}; }
Cell missing_cell(const std::string& why) { return {why, std::nullopt}; }

std::vector<Cell> diff_cells(const std::optional<double>& published,
                             const std::optional<double>& simulated, int decimals) {
  if (!published || !simulated) return {missing_cell("-"), missing_cell("-")};
  const double d = *simulated - *published;
  Cell abs = num_cell(d, decimals);
  if (d > 0) abs.text = "+" + abs.text;
  if (*published == 0) return {abs, missing_cell("-")};
  const double pct = 100.0 * d / *published;
  Cell rel = num_cell(pct, 1);
  rel.text = (pct > 0 ? "+" : "") + rel.text + "%";
  return {abs, rel};
}

std::string to_markdown(const Table& t) {
  std::ostringstream os;
  os << "### " << t.title << "\n\n|";
  for (const std::string& h : t.header) os << " " << md_text(h) << " |";
  os << "\n|";
  for (size_t i = 0; i < t.header.size(); ++i) os << (i == 0 ? "---|" : "---:|");
  os << "\n";
  for (const auto& row : t.rows) {
    os << "|";
    for (const Cell& c : row) os << " " << md_text(c.text) << " |";
    os << "\n";
  }
  for (const std::string& n : t.notes) os << "\n" << n << "\n";
  os << "\n";
  return os.str();
}

std::string to_csv(const Table& t) {
  std::ostringstream os;
  for (size_t i = 0; i < t.header.size(); ++i) os << (i ? "," : "") << csv_text(t.header[i]);
  os << "\n";
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size(); ++i)
      os << (i ? "," : "") << (row[i].value ? csv_number(*row[i].value) : csv_text(row[i].text));
    os << "\n";
  }
  return os.str();
}

std::string to_text(const Table& t) {
  std::vector<size_t> w(t.header.size(), 0);
  for (size_t i = 0; i < t.header.size(); ++i) w[i] = t.header[i].size();
  for (const auto& row : t.rows)
    for (size_t i = 0; i < row.size() && i < w.size(); ++i) w[i] = std::max(w[i], row[i].text.size());
  std::ostringstream os;
  os << t.title << "\n";
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string& s = cells[i];
      const std::string pad(w[i] > s.size() ? w[i] - s.size() : 0, ' ');
      os << (i ? "  " : "") << (i == 0 ? s + pad : pad + s);
    }
    os << "\n";
  };
  line(t.header);
  for (const auto& row : t.rows) {
    std::vector<std::string> cells;
    for (const Cell& c : row) cells.push_back(c.text);
    line(cells);
  }
  return os.str();
}

}  // namespace shiftsim::sim
