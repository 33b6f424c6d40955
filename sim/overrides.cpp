#include "sim/overrides.h"

#include "common/input_error.h"
#include "common/json_text.h"

namespace shiftsim::sim {

namespace {
std::string join(const std::vector<std::string>& parts, size_t n) {
  std::string s;
  for (size_t i = 0; i < n && i < parts.size(); ++i) s += (i ? "." : "") + parts[i];
  return s;
}

// True when `inner` is `outer` or lies below it ("a.b" is under "a", "a[2]" is under "a").
bool under(const std::string& inner, const std::string& outer) {
  if (inner.compare(0, outer.size(), outer) != 0) return false;
  return inner.size() == outer.size() || inner[outer.size()] == '.' || inner[outer.size()] == '[';
}
}  // namespace

Override parse_override(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos)
    throw InputError("--set " + excerpt(text, 120) + ": expected path=value, e.g. pe_array.lanes=16");
  Override o;
  o.text = text;
  const std::string path = text.substr(0, eq);
  if (path.empty()) throw InputError("--set " + excerpt(text, 120) + ": empty parameter path before '='");
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty())
      throw InputError("--set " + excerpt(text, 120) + ": empty component in parameter path \"" + path + "\"");
    o.path.push_back(part);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  // Numbers, booleans and quoted strings keep their JSON type so that type checks still apply
  // ("--set pe_array.lanes=abc" is reported as a string where an integer belongs); bare words
  // are strings so that "--set pe_array.kind=vpe" needs no shell quoting.
  const std::string value = text.substr(eq + 1);
  if (!find_excess_depth(value, kMaxJsonDepth).empty())
    throw InputError("--set " + excerpt(text, 120) + ": the value nests deeper than " +
                     std::to_string(kMaxJsonDepth) + " levels");
  nlohmann::json parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  o.value = parsed.is_discarded() ? nlohmann::json(value) : parsed;
  return o;
}

std::vector<Override> parse_overrides(const std::vector<std::string>& texts) {
  std::vector<Override> out;
  out.reserve(texts.size());
  for (const auto& t : texts) out.push_back(parse_override(t));
  return out;
}

void apply_overrides(nlohmann::json& doc, const std::vector<Override>& overrides,
                     const std::string& file) {
  for (const auto& o : overrides) {
    nlohmann::json* node = &doc;
    for (size_t i = 0; i < o.path.size(); ++i) {
      if (!node->is_object()) {
        const std::string where = i == 0 ? "(top level)" : join(o.path, i);
        const std::string type = node->type_name();
        const std::string article = (type == "array" || type == "object") ? "an " : "a ";
        throw InputError("--set " + excerpt(o.text, 120) + ": " + file + ": " + where + ": is " + article + type +
                         ", not an object");
      }
      // A missing intermediate is created so that a section the file leaves to its defaults
      // ("ppu") can still be set; an existing non-object is reported above, one level down.
      const bool missing = !node->contains(o.path[i]);
      nlohmann::json& next = (*node)[o.path[i]];
      if (missing && i + 1 < o.path.size()) next = nlohmann::json::object();
      node = &next;
    }
    *node = o.value;
  }
}

std::string blame_override(const std::string& message, const std::vector<Override>& overrides,
                           const std::string& file) {
  const std::string prefix = file + ": ";
  if (message.compare(0, prefix.size(), prefix) != 0) return message;
  const size_t end = message.find(": ", prefix.size());
  if (end == std::string::npos) return message;
  const std::string error_path = message.substr(prefix.size(), end - prefix.size());
  // The last override wins when several wrote the same place, so blame it first.
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
    const std::string p = join(it->path, it->path.size());
    if (under(error_path, p) || under(p, error_path)) return "--set " + excerpt(it->text, 120) + ": " + message;
  }
  return message;
}

}  // namespace shiftsim::sim
