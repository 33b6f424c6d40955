#include "sim/output_files.h"

#include <unistd.h>

#include <filesystem>

#include "common/input_error.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

namespace {
// The directory that will hold `path` must exist and be writable.
void check_parent(const std::string& path, const std::string& option, bool dir_ok) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  if (!fs::is_directory(parent, ec))
    throw InputError(option + " " + path + ": directory " + parent.string() + " does not exist");
  if (access(parent.c_str(), W_OK) != 0)
    throw InputError(option + " " + path + ": directory " + parent.string() + " is not writable");
  if (!dir_ok && fs::is_directory(path, ec))
    throw InputError(option + " " + path + ": is a directory");
}
}  // namespace

OutputFiles::~OutputFiles() {
  if (committed_) return;
  std::error_code ec;
  for (const Entry& e : entries_) fs::remove_all(e.temp_path, ec);
}

std::string OutputFiles::file(const std::string& final_path, const std::string& option) {
  check_parent(final_path, option, false);
  entries_.push_back({final_path, final_path + ".tmp", false});
  return entries_.back().temp_path;
}

std::string OutputFiles::directory(const std::string& final_dir, const std::string& option) {
  std::error_code ec;
  if (fs::exists(final_dir, ec) && !fs::is_directory(final_dir, ec))
    throw InputError(option + " " + final_dir + ": exists and is not a directory");
  const std::string dir = fs::path(final_dir).lexically_normal().string();
  check_parent(dir.back() == '/' ? dir.substr(0, dir.size() - 1) : dir, option, true);
  const std::string temp = (dir.back() == '/' ? dir.substr(0, dir.size() - 1) : dir) + ".tmp";
  // A process killed by a signal leaves its staging folder behind: it is this command's to
  // replace (nothing in it was ever moved into place), so it is removed, and if it cannot be,
  // the message says why instead of only that the new one cannot be created.
  fs::remove_all(temp, ec);
  if (ec)
    throw InputError(option + " " + final_dir + ": cannot remove " + temp + ", left behind by an earlier run: " +
                     ec.message());
  if (!fs::create_directories(temp, ec) || ec)
    throw InputError(option + " " + final_dir + ": cannot create " + temp);
  entries_.push_back({final_dir, temp, true});
  return temp;
}

void OutputFiles::commit() {
  std::error_code ec;
  for (const Entry& e : entries_) {
    if (!e.is_dir) {
      fs::rename(e.temp_path, e.final_path, ec);
      if (ec) throw InputError(e.final_path + ": cannot move into place: " + ec.message());
      continue;
    }
    fs::create_directories(e.final_path, ec);
    for (const auto& f : fs::directory_iterator(e.temp_path)) {
      fs::rename(f.path(), fs::path(e.final_path) / f.path().filename(), ec);
      if (ec) throw InputError(e.final_path + ": cannot move " + f.path().string() + " into place");
    }
    fs::remove_all(e.temp_path, ec);
  }
  committed_ = true;
}

}  // namespace shiftsim::sim
