#pragma once
// JSON text from outside (files, --set values, a model's embedded network) to nlohmann::json,
// with the limits every reader shares: nesting depth, checked before parsing (a document nested
// 100,000 deep would exhaust the stack in whatever walks it recursively), and short excerpts in
// messages (an error must not print a huge input back).
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace shiftsim {

// Objects and arrays nested deeper than this are refused. Shiftsim's own files nest at most 6
// levels.
constexpr int kMaxJsonDepth = 64;

// Parses `text`; `where` names it in errors ("net.json", "--set x=y"). Throws InputError
// "where: malformed JSON ..." or "where: JSON nested deeper than 64 levels ...".
nlohmann::json parse_json_text(const std::string& text, const std::string& where);

// The first line/column at which `text` nests deeper than max_depth, as "line L, column C";
// empty when it does not. Strings are skipped, so brackets inside them do not count.
std::string find_excess_depth(const std::string& text, int max_depth);

// At most `max_chars` of `text`, cut with "..." (and the full length) when longer.
std::string excerpt(const std::string& text, size_t max_chars = 60);
// A JSON value for an error message: its compact dump, cut like excerpt().
std::string json_excerpt(const nlohmann::json& value, size_t max_chars = 60);

}  // namespace shiftsim
