#pragma once
// Writing a file so that a failure never leaves a half-written one: the bytes go to
// path + ".tmp", which is renamed into place only when complete. Throws InputError naming the
// path.
#include <string>

namespace shiftsim {

void write_file_atomic(const std::string& path, const std::string& bytes);

}  // namespace shiftsim
