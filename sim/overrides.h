#pragma once
// "--set a.b.c=value": command-line edits applied to a configuration's JSON before it is read,
// so an override goes through exactly the same checks as the file itself.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace shiftsim::sim {

struct Override {
  std::string text;               // as given, for error messages
  std::vector<std::string> path;  // "pe_array.lanes" -> {"pe_array", "lanes"}
  nlohmann::json value;           // a JSON literal when the text is one, else a string
};

// Throws InputError "--set <text>: ..." when there is no '=' or the path is empty or has an
// empty component.
Override parse_override(const std::string& text);
std::vector<Override> parse_overrides(const std::vector<std::string>& texts);

// Sets each value, creating missing intermediate objects. Walking through a value that is not
// an object is an InputError "--set <text>: <file>: <path>: is a <type>, not an object".
void apply_overrides(nlohmann::json& doc, const std::vector<Override>& overrides,
                     const std::string& file);

// A reader error ("<file>: <path>: message") about a path an override wrote (the two paths
// nest) is prefixed with "--set <text>: "; any other message is returned unchanged.
std::string blame_override(const std::string& message, const std::vector<Override>& overrides,
                           const std::string& file);

}  // namespace shiftsim::sim
