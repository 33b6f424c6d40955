#pragma once
// The one exception type for bad user input (files, JSON, options). The CLI turns it into a
// non-zero exit and a one-line message; nothing else is allowed to reach the user as a crash.
#include <stdexcept>
#include <string>

namespace shiftsim {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace shiftsim
