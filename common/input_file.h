#pragma once
// Reading a file a user named. Only regular files are read (a device such as /dev/zero or a
// FIFO would be read forever, or block), and only up to a size limit that is checked before
// any byte is read: a mistyped path must fail at once with a message, not fill memory.
#include <cstdint>
#include <string>

namespace shiftsim {

// Size limits per kind of input (docs/LIMITS.md). Far above any shipped or sensible file.
constexpr uint64_t kMaxJsonFileBytes = uint64_t(64) << 20;     // configs, networks, figures
constexpr uint64_t kMaxNpyFileBytes = uint64_t(1) << 30;       // input tensors
constexpr uint64_t kMaxModelFileBytes = (uint64_t(2) << 30) - 1;  // checkpoints, .qmodel, ONNX

// "1 GiB", "64 MiB", "512 bytes": limits in messages.
std::string byte_size_text(uint64_t bytes);

// The size of `path`, after checking it names a regular file of at most `max_bytes`. Throws
// InputError "path: cannot read the <kind>: <why>" otherwise. For readers that open the file
// themselves (zlib, protobuf).
uint64_t check_input_file(const std::string& path, const std::string& kind, uint64_t max_bytes);

// An opened input file, checked as check_input_file does (on the opened file, so that the path
// cannot be swapped in between), read in pieces: a reader can refuse a bad header before it
// reads a large body.
class InputFile {
 public:
  InputFile(const std::string& path, const std::string& kind, uint64_t max_bytes);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  uint64_t size() const { return size_; }
  // The next `n` bytes, fewer at the end of the file.
  std::string read(uint64_t n);
  // Everything not read yet; refuses a file that grew past its checked size.
  std::string read_rest();

 private:
  [[noreturn]] void refuse(const std::string& why) const;
  std::string path_, kind_;
  int fd_ = -1;
  uint64_t size_ = 0, pos_ = 0;
};

// The whole file, with the checks of InputFile.
std::string read_input_file(const std::string& path, const std::string& kind, uint64_t max_bytes);

}  // namespace shiftsim
