#pragma once
// Helpers shared by the quant/ tests: temp files and InputError messages.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/input_error.h"
#include "quant/network.h"

namespace shiftsim::quant::test {

// A fresh directory for this test process: $SHIFTSIM_TEST_TMP (set by CTest) or /tmp.
inline std::string temp_dir(const std::string& name) {
  const char* env = std::getenv("SHIFTSIM_TEST_TMP");
  std::filesystem::path dir = std::filesystem::path(env && *env ? env : "/tmp") /
                              ("quant_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The message of the InputError `f` throws, or a marker that makes Contains() checks fail.
// Other exception types propagate, which fails the test.
inline std::string input_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError thrown)";
}

inline Network parse_text(const std::string& text, const std::string& file = "nets/x.json") {
  return parse_network(nlohmann::json::parse(text), file);
}

inline std::string zoo(const std::string& name) {
  return std::string(SHIFTSIM_SOURCE_DIR) + "/configs/nets/" + name + ".json";
}

}  // namespace shiftsim::quant::test
