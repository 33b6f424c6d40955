#include "common/json_reader.h"

#include <cmath>
#include <mutex>
#include <sstream>

#include "common/input_file.h"
#include "common/json_text.h"

namespace shiftsim {

namespace {
struct DocRegistry {
  std::mutex mutex;
  std::vector<ParamDoc> docs;
  std::set<std::string> paths;
};

DocRegistry& doc_registry() {
  static DocRegistry registry;
  return registry;
}

// "layers[3].kernel" -> "layers[].kernel": one entry per parameter, not per list element.
std::string generic_path(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] == '[') {
      while (i + 1 < path.size() && path[i + 1] != ']') ++i;
    }
  }
  return out;
}

void remember(const std::string& path, const std::string& description, const std::string& def,
              bool required) {
  DocRegistry& r = doc_registry();
  const std::string generic = generic_path(path);
  std::lock_guard<std::mutex> lock(r.mutex);
  if (!r.paths.insert(generic).second) return;
  r.docs.push_back({generic, description, def, required});
}

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string type_name(const nlohmann::json& v) { return std::string(v.type_name()); }
}  // namespace

JsonReader::JsonReader(const nlohmann::json& node, std::string file, std::string path)
    : node_(node), file_(std::move(file)), path_(std::move(path)) {
  if (!node_.is_object())
    fail_here("must be a JSON object, found " + type_name(node_));
}

bool JsonReader::has(const std::string& key) const { return node_.contains(key); }

// A JSON path in a message: keys are the file's own text, so a path is cut like any other
// excerpt (shiftsim's own paths are far shorter).
constexpr size_t kMaxPathChars = 200;

void JsonReader::fail(const std::string& key, const std::string& message) const {
  throw InputError(file_ + ": " + excerpt(join(path_, key), kMaxPathChars) + ": " + message);
}

void JsonReader::fail_here(const std::string& message) const {
  throw InputError(file_ + ": " + (path_.empty() ? std::string("(top level)") : excerpt(path_, kMaxPathChars)) +
                   ": " + message);
}

const nlohmann::json* JsonReader::lookup(const std::string& key, const std::string& description,
                                         const std::string& def, bool required) {
  read_.insert(key);
  remember(join(path_, key), description, def, required);
  auto it = node_.find(key);
  if (it == node_.end()) return nullptr;
  return &*it;
}

// Integer fields take whole numbers in any JSON notation: 16, 16.0, 1.6e1 and -0.0 (zero) are
// accepted, 16.5 is not an integer, and 1e30 is a whole number out of range (docs/LIMITS.md).
int64_t JsonReader::to_int(const std::string& key, const nlohmann::json& v, int64_t lo,
                           int64_t hi) const {
  if (v.is_number_integer()) {
    // Unsigned values above INT64_MAX are out of every range; report them as found.
    if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX))
      fail(key, "must be <= " + std::to_string(hi) + ", found " + v.dump());
    const int64_t x = v.get<int64_t>();
    if (x < lo) fail(key, "must be >= " + std::to_string(lo) + ", found " + std::to_string(x));
    if (x > hi) fail(key, "must be <= " + std::to_string(hi) + ", found " + std::to_string(x));
    return x;
  }
  if (!v.is_number_float())
    fail(key, "must be an integer, found " + type_name(v) + " " + json_excerpt(v));
  const double d = v.get<double>();
  if (!std::isfinite(d) || d != std::floor(d)) fail(key, "must be an integer, found " + v.dump());
  // Compared as doubles: lo and hi convert exactly enough, and d may be far beyond int64.
  if (d < double(lo)) fail(key, "must be >= " + std::to_string(lo) + ", found " + v.dump());
  if (d > double(hi) || d >= 0x1p63) fail(key, "must be <= " + std::to_string(hi) + ", found " + v.dump());
  return static_cast<int64_t>(d);
}

double JsonReader::to_number(const std::string& key, const nlohmann::json& v, double lo,
                             double hi) const {
  if (!v.is_number()) fail(key, "must be a number, found " + type_name(v) + " " + json_excerpt(v));
  double d = v.get<double>();
  std::ostringstream os;
  if (!(d >= lo)) {
    os << "must be >= " << lo << ", found " << d;
    fail(key, os.str());
  }
  if (!(d <= hi)) {
    os << "must be <= " << hi << ", found " << d;
    fail(key, os.str());
  }
  return d;
}

std::string JsonReader::str(const std::string& key, const std::string& description) {
  const auto* v = lookup(key, description, "", true);
  if (!v) fail(key, "required string is missing");
  if (!v->is_string()) fail(key, "must be a string, found " + type_name(*v));
  return v->get<std::string>();
}

std::string JsonReader::str(const std::string& key, const std::string& def,
                            const std::string& description) {
  const auto* v = lookup(key, description, def, false);
  if (!v) return def;
  if (!v->is_string()) fail(key, "must be a string, found " + type_name(*v));
  return v->get<std::string>();
}

std::string JsonReader::choice(const std::string& key, const std::string& def,
                               const std::vector<std::string>& choices,
                               const std::string& description) {
  std::string s = def.empty() ? str(key, description) : str(key, def, description);
  for (const auto& c : choices)
    if (c == s) return s;
  std::string all;
  for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
  fail(key, "must be one of {" + all + "}, found \"" + excerpt(s) + "\"");
}

bool JsonReader::flag(const std::string& key, bool def, const std::string& description) {
  const auto* v = lookup(key, description, def ? "true" : "false", false);
  if (!v) return def;
  if (!v->is_boolean()) fail(key, "must be true or false, found " + json_excerpt(*v));
  return v->get<bool>();
}

int64_t JsonReader::integer(const std::string& key, int64_t lo, int64_t hi,
                            const std::string& description) {
  const auto* v = lookup(key, description, "", true);
  if (!v) fail(key, "required integer is missing");
  return to_int(key, *v, lo, hi);
}

int64_t JsonReader::integer(const std::string& key, int64_t def, int64_t lo, int64_t hi,
                            const std::string& description) {
  const auto* v = lookup(key, description, std::to_string(def), false);
  if (!v) return def;
  return to_int(key, *v, lo, hi);
}

double JsonReader::number(const std::string& key, double def, double lo, double hi,
                          const std::string& description) {
  std::ostringstream os;
  os << def;
  const auto* v = lookup(key, description, os.str(), false);
  if (!v) return def;
  return to_number(key, *v, lo, hi);
}

double JsonReader::number(const std::string& key, double lo, double hi,
                          const std::string& description) {
  const auto* v = lookup(key, description, "", true);
  if (!v) fail(key, "required number is missing");
  return to_number(key, *v, lo, hi);
}

std::vector<int64_t> JsonReader::int_list(const std::string& key, int64_t lo, int64_t hi,
                                          const std::string& description) {
  const auto* v = lookup(key, description, "", true);
  if (!v) fail(key, "required list is missing");
  if (!v->is_array()) fail(key, "must be a list, found " + type_name(*v));
  std::vector<int64_t> out;
  for (size_t i = 0; i < v->size(); ++i)
    out.push_back(to_int(key + "[" + std::to_string(i) + "]", (*v)[i], lo, hi));
  return out;
}

std::vector<std::string> JsonReader::str_list(const std::string& key,
                                              const std::string& description) {
  const auto* v = lookup(key, description, "", true);
  if (!v) fail(key, "required list is missing");
  if (!v->is_array()) fail(key, "must be a list of strings, found " + type_name(*v));
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string())
      fail(key + "[" + std::to_string(i) + "]", "must be a string, found " + json_excerpt((*v)[i]));
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

JsonReader JsonReader::child(const std::string& key, const std::string& description) {
  const auto* v = lookup(key, description, "", true);
  if (!v) fail(key, "required object is missing");
  return JsonReader(*v, file_, join(path_, key));
}

JsonReader JsonReader::optional_child(const std::string& key, const std::string& description) {
  static const nlohmann::json empty = nlohmann::json::object();
  const auto* v = lookup(key, description, "{}", false);
  return JsonReader(v ? *v : empty, file_, join(path_, key));
}

const nlohmann::json& JsonReader::raw(const std::string& key, const std::string& description) {
  const auto* v = lookup(key, description, "", true);
  if (!v) fail(key, "is missing");
  return *v;
}

void JsonReader::expect_schema(const std::string& kind, int64_t version) {
  if (str("schema", "file kind") != kind) fail("schema", "must be \"" + kind + "\"");
  integer("version", version, version, "format version");
}

void JsonReader::finish() const {
  for (auto it = node_.begin(); it != node_.end(); ++it)
    if (!read_.count(it.key())) fail(it.key(), "unknown key");
}

std::vector<ParamDoc> JsonReader::docs() {
  DocRegistry& r = doc_registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.docs;
}

nlohmann::json read_json_file(const std::string& path) {
  return parse_json_text(read_input_file(path, "JSON file", kMaxJsonFileBytes), path);
}

}  // namespace shiftsim
