#pragma once
// The framing shared by shiftsim's binary model files (float checkpoints, quantized models):
//   magic (8 bytes) | u32 format version | payload | u32 CRC-32 (zlib) of everything before it
// All integers and floats little-endian. Writing is atomic (path + ".tmp", then rename). Reading
// refuses, with an InputError naming the file: a missing file, a wrong magic, a version newer
// than the reader's, a file too short for its header, a checksum mismatch (truncated or
// corrupted), and any read past the end or unread bytes left before the checksum.
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::quant {

class ByteWriter {
 public:
  void u8(uint8_t v) { buf_.push_back(v); }
  void u32(uint32_t v);
  void i32(int32_t v) { u32(uint32_t(v)); }
  void u64(uint64_t v);
  void i64(int64_t v) { u64(uint64_t(v)); }
  void f32(float v);
  void bytes(const void* p, size_t n);
  void str(const std::string& s);  // u64 length + bytes
  const std::vector<uint8_t>& data() const { return buf_; }

 private:
  std::vector<uint8_t> buf_;
};

class ByteReader {
 public:
  // Reads [begin, end) of `data`; `file` names the file in errors.
  ByteReader(const std::vector<uint8_t>& data, size_t begin, size_t end, std::string file);
  uint8_t u8();
  uint32_t u32();
  int32_t i32() { return int32_t(u32()); }
  uint64_t u64();
  int64_t i64() { return int64_t(u64()); }
  float f32();
  std::string str(uint64_t max_len);
  // A count that must be <= max (else "field: count N exceeds M").
  uint64_t count(const std::string& field, uint64_t max);
  bool at_end() const { return pos_ == end_; }
  size_t remaining() const { return end_ - pos_; }
  void expect_end() const;  // unread bytes are an error
  [[noreturn]] void fail(const std::string& message) const;
  const std::string& file() const { return file_; }

 private:
  const uint8_t* take(size_t n);
  const std::vector<uint8_t>& data_;
  size_t pos_, end_;
  std::string file_;
};

// magic must be exactly 8 characters.
void write_framed_file(const std::string& path, const char* magic, uint32_t version,
                       const std::vector<uint8_t>& payload);

// Reads the file, checks magic, version (1..max_version) and CRC; returns the whole file and
// sets [payload_begin, payload_end) and the file's version. `kind` names the file kind in errors
// ("float checkpoint").
std::vector<uint8_t> read_framed_file(const std::string& path, const char* magic,
                                      uint32_t max_version, const std::string& kind,
                                      size_t& payload_begin, size_t& payload_end,
                                      uint32_t& version);

}  // namespace shiftsim::quant
