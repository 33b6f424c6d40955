#include "quant/binfile.h"

#include <cstdio>
#include <cstring>

#include <zlib.h>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "common/input_file.h"

namespace shiftsim::quant {

namespace {
constexpr size_t kMagicLen = 8;
constexpr size_t kHeaderLen = kMagicLen + 4;

uint32_t crc_of(const uint8_t* p, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {  // zlib takes uInt lengths
    const uInt chunk = uInt(n > (1u << 30) ? (1u << 30) : n);
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return uint32_t(crc);
}

uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
}  // namespace

void ByteWriter::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) buf_.push_back(uint8_t(v >> (8 * i)));
}
void ByteWriter::u64(uint64_t v) {
  for (int i = 0; i < 8; ++i) buf_.push_back(uint8_t(v >> (8 * i)));
}
void ByteWriter::f32(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  u32(bits);
}
void ByteWriter::bytes(const void* p, size_t n) {
  const uint8_t* b = static_cast<const uint8_t*>(p);
  buf_.insert(buf_.end(), b, b + n);
}
void ByteWriter::str(const std::string& s) {
  u64(s.size());
  bytes(s.data(), s.size());
}

ByteReader::ByteReader(const std::vector<uint8_t>& data, size_t begin, size_t end, std::string file)
    : data_(data), pos_(begin), end_(end), file_(std::move(file)) {}

void ByteReader::fail(const std::string& message) const {
  throw InputError(file_ + ": " + message + " (at byte " + std::to_string(pos_) + ")");
}

const uint8_t* ByteReader::take(size_t n) {
  if (n > end_ - pos_) fail("truncated record: needs " + std::to_string(n) + " more bytes");
  const uint8_t* p = data_.data() + pos_;
  pos_ += n;
  return p;
}

uint8_t ByteReader::u8() { return *take(1); }
uint32_t ByteReader::u32() { return le32(take(4)); }
uint64_t ByteReader::u64() {
  const uint8_t* p = take(8);
  return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32;
}
float ByteReader::f32() {
  const uint32_t bits = u32();
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}
std::string ByteReader::str(uint64_t max_len) {
  const uint64_t n = count("string length", max_len);
  const uint8_t* p = take(size_t(n));
  return std::string(reinterpret_cast<const char*>(p), size_t(n));
}
uint64_t ByteReader::count(const std::string& field, uint64_t max) {
  const uint64_t n = u64();
  if (n > max) fail(field + ": count " + std::to_string(n) + " exceeds " + std::to_string(max));
  return n;
}
void ByteReader::expect_end() const {
  if (pos_ != end_) fail(std::to_string(end_ - pos_) + " unexpected bytes after the last record");
}

void write_framed_file(const std::string& path, const char* magic, uint32_t version,
                       const std::vector<uint8_t>& payload) {
  ByteWriter head;
  head.bytes(magic, kMagicLen);
  head.u32(version);
  std::vector<uint8_t> all = head.data();
  all.insert(all.end(), payload.begin(), payload.end());
  const uint32_t crc = crc_of(all.data(), all.size());
  for (int i = 0; i < 4; ++i) all.push_back(uint8_t(crc >> (8 * i)));

  write_file_atomic(path, std::string(all.begin(), all.end()));
}

std::vector<uint8_t> read_framed_file(const std::string& path, const char* magic,
                                      uint32_t max_version, const std::string& kind,
                                      size_t& payload_begin, size_t& payload_end,
                                      uint32_t& version) {
  const std::string bytes = read_input_file(path, kind, kMaxModelFileBytes);
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  if (data.size() >= kMagicLen && std::memcmp(data.data(), magic, kMagicLen) != 0)
    throw InputError(path + ": not a shiftsim " + kind + " (bad magic; expected \"" +
                     std::string(magic, kMagicLen) + "\")");
  if (data.size() < kHeaderLen + 4)
    throw InputError(path + ": truncated " + kind + " (" + std::to_string(data.size()) +
                     " bytes, shorter than its header)");
  version = le32(data.data() + kMagicLen);
  if (version == 0 || version > max_version)
    throw InputError(path + ": " + kind + " format version " + std::to_string(version) +
                     (version == 0 ? " is invalid" : " is newer than this shiftsim reads") +
                     " (supported: 1.." + std::to_string(max_version) + ")");
  const size_t body = data.size() - 4;
  const uint32_t stored = le32(data.data() + body), actual = crc_of(data.data(), body);
  if (stored != actual)
    throw InputError(path + ": " + kind + " checksum mismatch (file truncated or corrupted; " +
                     std::to_string(data.size()) + " bytes)");
  payload_begin = kHeaderLen;
  payload_end = body;
  return data;
}

}  // namespace shiftsim::quant
