#pragma once
// The files one command writes, handled as a set: every destination is checked before any work
// (its directory exists and is writable), everything is written under temporary names, and
// commit() moves them all into place at the end. If the command fails (or commit() is never
// reached), the destructor removes the temporaries: a failed run leaves nothing behind.
#include <string>
#include <vector>

namespace shiftsim::sim {

class OutputFiles {
 public:
  OutputFiles() = default;
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;
  ~OutputFiles();

  // A file: returns the temporary path to write. `option` names it in errors ("--report").
  std::string file(const std::string& final_path, const std::string& option);
  // A directory of files: returns a fresh temporary directory; commit() moves its files into
  // final_dir (created if needed).
  std::string directory(const std::string& final_dir, const std::string& option);
  void commit();

 private:
  struct Entry {
    std::string final_path, temp_path;
    bool is_dir;
  };
  std::vector<Entry> entries_;
  bool committed_ = false;
};

}  // namespace shiftsim::sim
