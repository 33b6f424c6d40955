// The limits shared by every JSON reader: nesting depth (brackets inside strings do not count)
// and short excerpts in messages.
#include <catch2/catch.hpp>

#include "common/input_error.h"
#include "common/json_text.h"

using namespace shiftsim;
using Catch::Matchers::Contains;

namespace {
std::string nested(int depth) { return std::string(size_t(depth), '[') + std::string(size_t(depth), ']'); }

std::string error_of(const std::string& text) {
  try {
    parse_json_text(text, "f.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("json text: nesting up to the limit parses, one level more is refused with its position") {
  CHECK(parse_json_text(nested(kMaxJsonDepth), "f.json").is_array());
  CHECK(error_of(nested(kMaxJsonDepth + 1)) ==
        "f.json: JSON nested deeper than 64 levels (at line 1, column 65)");
  CHECK_THAT(error_of("{\n \"a\":\n" + nested(kMaxJsonDepth)), Contains("(at line 3, column 64)"));
}

TEST_CASE("json text: brackets inside strings and escaped quotes do not count as nesting") {
  const std::string text = "{\"k\": \"" + std::string(100, '[') + "\\\"" + std::string(100, '{') + "\"}";
  CHECK(find_excess_depth(text, 2).empty());
  CHECK(parse_json_text(text, "f.json")["k"].get<std::string>().size() == 201);
}

TEST_CASE("json text: messages quote short excerpts") {
  CHECK(excerpt("short") == "short");
  CHECK(excerpt(std::string(100, 'x'), 10) == "xxxxxxxxxx... (100 characters)");
  CHECK(json_excerpt(nlohmann::json(std::vector<int>(1000, 7)), 12) == "[7,7,7,7,7,7... (2001 characters)");
  const std::string err = error_of("{\"a\": \"" + std::string(100000, 'x'));
  CHECK_THAT(err, Contains("f.json: malformed JSON: parse error at line 1, column 100008"));
  CHECK(err.size() < 300);
}

TEST_CASE("json text: a number beyond double's range is malformed JSON, not an internal error") {
  // Found by fuzz_network_json: nlohmann reports it as out_of_range, not as a parse error.
  CHECK(error_of("[3, 1e400]") == "f.json: malformed JSON: number overflow parsing '1e400'");
  CHECK_THAT(error_of("3E333out_666{\"name\": 6666666666666666666res\": 10}\n"),
             Contains("f.json: malformed JSON: number overflow parsing '3E333'"));
}
