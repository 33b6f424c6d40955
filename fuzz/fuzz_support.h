#pragma once
// Shared by the libFuzzer targets: an input either parses or is refused with an InputError;
// anything else (a crash, a sanitizer report, another exception) is a finding.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "common/input_error.h"

namespace shiftsim::fuzz {

// A scratch file for readers that take a path; one per fuzzer process.
inline std::string scratch_path(const char* name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/shiftsim-fuzz-" + std::to_string(getpid()) + "-" + name;
}

template <class F>
void expect_input_error_or_success(F&& f) {
  try {
    f();
  } catch (const InputError&) {
    // a clean refusal
  }
}

}  // namespace shiftsim::fuzz
