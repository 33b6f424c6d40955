#pragma once
// Reads one JSON object into typed fields. Every field is declared where it is read, with a
// default or "required" and a one-line description; keys nobody asked for are errors.
// Errors name the file and the JSON path: "configs/arch/x.json: arch.pe_array.lanes: must be >= 1".
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/input_error.h"

namespace shiftsim {

// What a reader learned about one parameter, so that `shiftsim describe` can list them.
struct ParamDoc {
  std::string path;  // list elements appear once, as "layers[].kernel"
  std::string description;
  std::string default_value;  // "" for an optional string whose default is empty
  bool required = false;
};

class JsonReader {
 public:
  JsonReader(const nlohmann::json& node, std::string file, std::string path);

  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  const nlohmann::json& node() const { return node_; }
  bool has(const std::string& key) const;

  // Throws InputError "file: path.key: message".
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  [[noreturn]] void fail_here(const std::string& message) const;

  std::string str(const std::string& key, const std::string& description);
  std::string str(const std::string& key, const std::string& def, const std::string& description);
  // One of `choices`.
  std::string choice(const std::string& key, const std::string& def,
                     const std::vector<std::string>& choices, const std::string& description);
  bool flag(const std::string& key, bool def, const std::string& description);
  int64_t integer(const std::string& key, int64_t lo, int64_t hi, const std::string& description);
  int64_t integer(const std::string& key, int64_t def, int64_t lo, int64_t hi,
                  const std::string& description);
  double number(const std::string& key, double def, double lo, double hi,
                const std::string& description);
  double number(const std::string& key, double lo, double hi, const std::string& description);
  std::vector<int64_t> int_list(const std::string& key, int64_t lo, int64_t hi,
                                const std::string& description);
  std::vector<std::string> str_list(const std::string& key, const std::string& description);

  // A nested object (required) or an optional one (an empty object when absent).
  JsonReader child(const std::string& key, const std::string& description);
  JsonReader optional_child(const std::string& key, const std::string& description);
  // The raw value of a key the caller interprets itself (marks it as read).
  const nlohmann::json& raw(const std::string& key, const std::string& description);

  // The file kind and format version every shiftsim input file starts with: "schema" must be
  // `kind` and "version" must be `version`.
  void expect_schema(const std::string& kind, int64_t version);

  // Throws on the first key that no call above asked for.
  void finish() const;

  // Every parameter any reader has asked for so far, in first-asked order (a copy: readers may
  // run on several threads).
  static std::vector<ParamDoc> docs();

 private:
  const nlohmann::json* lookup(const std::string& key, const std::string& description,
                               const std::string& def, bool required);
  int64_t to_int(const std::string& key, const nlohmann::json& v, int64_t lo, int64_t hi) const;
  double to_number(const std::string& key, const nlohmann::json& v, double lo, double hi) const;

  const nlohmann::json& node_;
  std::string file_;
  std::string path_;
  std::set<std::string> read_;
};

// Parses a JSON file; a missing file or a syntax error becomes an InputError naming the file
// (and the line and column for syntax errors).
nlohmann::json read_json_file(const std::string& path);

}  // namespace shiftsim
