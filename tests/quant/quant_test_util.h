#pragma once
// Helpers shared by the quant/ tests: temp files and InputError messages.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/input_error.h"
#include "quant/network.h"

namespace shiftsim::quant::test {

// A fresh directory under $SHIFTSIM_TEST_TMP (set by CTest) or /tmp, removed again when the
// test ends.
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    const char* env = std::getenv("SHIFTSIM_TEST_TMP");
    path_ = (std::filesystem::path(env && *env ? env : "/tmp") /
             ("quant_" + name + "_" + std::to_string(::getpid())))
                .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
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
