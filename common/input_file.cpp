#include "common/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/input_error.h"

namespace shiftsim {

namespace {

std::string file_type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void refuse(const std::string& path, const std::string& kind, const std::string& why) {
  throw InputError(path + ": cannot read the " + kind + ": " + why);
}

// Refuses what is not a regular file of at most max_bytes; returns its size.
uint64_t checked_size(const struct stat& st, const std::string& path, const std::string& kind,
                      uint64_t max_bytes) {
  if (!S_ISREG(st.st_mode)) refuse(path, kind, "is " + file_type_name(st.st_mode) + ", not a regular file");
  const uint64_t size = uint64_t(st.st_size);
  if (size > max_bytes)
    refuse(path, kind, "the file has " + std::to_string(size) + " bytes, more than the limit of " +
                           byte_size_text(max_bytes));
  return size;
}

}  // namespace

std::string byte_size_text(uint64_t bytes) {
  if (bytes >= (uint64_t(1) << 30) && bytes % (uint64_t(1) << 30) == 0)
    return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (uint64_t(1) << 20) && bytes % (uint64_t(1) << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

uint64_t check_input_file(const std::string& path, const std::string& kind, uint64_t max_bytes) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) refuse(path, kind, errno == ENOENT ? "no such file" : std::strerror(errno));
  return checked_size(st, path, kind, max_bytes);
}

InputFile::InputFile(const std::string& path, const std::string& kind, uint64_t max_bytes)
    : path_(path), kind_(kind) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
  fd_ = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) {
    if (errno == ENOENT) throw InputError(path + ": cannot open file: no such file (" + kind + ")");
    refuse(std::strerror(errno));
  }
  struct stat st;
  try {
    if (fstat(fd_, &st) != 0) refuse(std::strerror(errno));
    size_ = checked_size(st, path, kind, max_bytes);
  } catch (...) {
    close(fd_);
    throw;
  }
}

InputFile::~InputFile() { close(fd_); }

void InputFile::refuse(const std::string& why) const { shiftsim::refuse(path_, kind_, why); }

std::string InputFile::read(uint64_t n) {
  // Never past the checked size: a file that grows is not read beyond it.
  std::string bytes(size_t(std::min(n, size_ - pos_)), '\0');
  size_t have = 0;
  while (have < bytes.size()) {
    const ssize_t got = ::read(fd_, &bytes[have], bytes.size() - have);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) refuse(std::strerror(errno));
    if (got == 0) break;  // shrank while being read: what is there is the file
    have += size_t(got);
  }
  bytes.resize(have);
  pos_ += have;
  return bytes;
}

std::string InputFile::read_rest() {
  std::string bytes = read(size_ - pos_);
  char extra;
  if (::read(fd_, &extra, 1) > 0) refuse("the file grew while being read");
  return bytes;
}

std::string read_input_file(const std::string& path, const std::string& kind, uint64_t max_bytes) {
  InputFile f(path, kind, max_bytes);
  return f.read_rest();
}

}  // namespace shiftsim
