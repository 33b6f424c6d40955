#pragma once
// A small table type for the reproduction's outputs: each cell keeps its text (Markdown and
// the console) and, for numbers, the full-precision value the CSV gets, so that a test can
// recompute a CSV figure from the run reports without rounding getting in the way.
#include <optional>
#include <string>
#include <vector>

namespace shiftsim::sim {

struct Cell {
  std::string text;
  std::optional<double> value;  // numbers only
};

Cell text_cell(const std::string& s);
Cell num_cell(double v, int decimals);
// "not modelled yet" and friends: a text cell the CSV writes as text too.
Cell missing_cell(const std::string& why);

struct Table {
  std::string name;   // CSV file stem: <name>.csv
  std::string title;  // Markdown heading
  std::vector<std::string> header;
  std::vector<std::vector<Cell>> rows;
  std::vector<std::string> notes;  // Markdown paragraphs under the table
};

// Difference of a simulated figure from a published one: absolute and in percent of the
// published figure ("+12.3", "+4.5%"); missing cells when either side is missing.
std::vector<Cell> diff_cells(const std::optional<double>& published,
                             const std::optional<double>& simulated, int decimals);

std::string to_markdown(const Table& t);
std::string to_csv(const Table& t);
// Fixed-width text for the console.
std::string to_text(const Table& t);

}  // namespace shiftsim::sim
