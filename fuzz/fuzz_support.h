#pragma once
// Shared by the libFuzzer targets: an input either parses or is refused with an InputError;
// anything else (a crash, a sanitizer report, another exception) is a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "common/input_error.h"

namespace shiftsim::fuzz {

// A scratch file for readers that take a path; one per fuzzer process, removed when the process
// exits normally (fork mode starts a process per job, which would otherwise leave one each).
class ScratchFile {
 public:
  explicit ScratchFile(const char* name) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/shiftsim-fuzz-" + std::to_string(getpid()) + "-" + name;
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

template <class F>
void expect_input_error_or_success(F&& f) {
  try {
    f();
  } catch (const InputError&) {
    // a clean refusal
  }
}

}  // namespace shiftsim::fuzz
