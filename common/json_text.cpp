#include "common/json_text.h"

#include "common/input_error.h"

namespace shiftsim {

std::string find_excess_depth(const std::string& text, int max_depth) {
  int depth = 0;
  size_t line = 1, column = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
    }
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return "line " + std::to_string(line) + ", column " + std::to_string(column);
    } else if (c == ']' || c == '}') {
      --depth;  // unbalanced closers are the parser's to report
    }
  }
  return "";
}

std::string excerpt(const std::string& text, size_t max_chars) {
  if (text.size() <= max_chars) return text;
  return text.substr(0, max_chars) + "... (" + std::to_string(text.size()) + " characters)";
}

std::string json_excerpt(const nlohmann::json& value, size_t max_chars) {
  // Depth is bounded at parse time, so dumping cannot recurse deeply; the size is not, and
  // only the excerpt is kept.
  return excerpt(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), max_chars);
}

nlohmann::json parse_json_text(const std::string& text, const std::string& where) {
  const std::string too_deep = find_excess_depth(text, kMaxJsonDepth);
  if (!too_deep.empty())
    throw InputError(where + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                     " levels (at " + too_deep + ")");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // Syntax errors, and numbers beyond double's range ("1e400", out_of_range 406: found by
    // fuzzing; it used to escape as an internal error). e.what() ends with the last token
    // read, which can be a whole unterminated string.
    std::string what = e.what();
    const std::string prefix = "] ";
    const size_t at = what.find(prefix);
    if (what.rfind("[json.exception.", 0) == 0 && at != std::string::npos) what.erase(0, at + prefix.size());
    throw InputError(where + ": malformed JSON: " + excerpt(what, 200));
  }
}

}  // namespace shiftsim
