#include "quant/npy_header.h"

#include <cctype>

#include "common/input_error.h"
#include "common/json_text.h"

namespace shiftsim::quant {

namespace {

const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr int64_t kMaxDim = int64_t(1) << 40;  // a larger dimension cannot fit any file

// A cursor over the dict literal; every failure names the file, the offset and what is there.
class DictParser {
 public:
  DictParser(const std::string& path, const std::string& text) : path_(path), text_(text) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(path_ + ": invalid .npy header: " + what + " at header byte " + std::to_string(pos_) +
                     " (header: " + excerpt(printable(text_), 80) + ")");
  }

  void skip_spaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool peek(char c) {
    skip_spaces();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c)) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  // 'text' or "text", without escapes (NumPy writes none).
  std::string string_literal() {
    skip_spaces();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) fail("expected a quoted string");
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string::npos) fail("unterminated string");
    std::string s = text_.substr(pos_, end - pos_);
    if (s.find('\\') != std::string::npos || s.find('\n') != std::string::npos) fail("escapes in a string");
    pos_ = end + 1;
    return s;
  }
  bool boolean_literal() {
    skip_spaces();
    for (const char* word : {"True", "False"}) {
      const std::string w = word;
      if (text_.compare(pos_, w.size(), w) == 0) {
        pos_ += w.size();
        return w == "True";
      }
    }
    fail("expected True or False");
  }
  // (a, b, c) with a trailing comma allowed, and required for one element: (3) is a number in
  // Python, not a tuple.
  std::vector<int64_t> shape_tuple() {
    expect('(');
    std::vector<int64_t> dims;
    bool trailing_comma = false;
    while (!peek(')')) {
      dims.push_back(integer());
      trailing_comma = false;
      if (peek(',')) {
        ++pos_;
        trailing_comma = true;
      } else if (!peek(')')) {
        fail("expected ',' or ')' in the shape");
      }
    }
    ++pos_;
    if (dims.size() == 1 && !trailing_comma) fail("a one-element shape must be written (n,)");
    return dims;
  }
  int64_t integer() {
    skip_spaces();
    const size_t start = pos_;
    int64_t v = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      v = v * 10 + (text_[pos_++] - '0');
      if (v > kMaxDim) fail("dimension larger than 2^40");
    }
    if (pos_ == start) fail("expected a non-negative integer");
    return v;
  }
  // After the closing brace: spaces, then exactly one newline that ends the header.
  void padding() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
    if (pos_ + 1 != text_.size() || text_[pos_] != '\n')
      fail("the header must end with space padding and one newline");
  }

 private:
  static std::string printable(const std::string& s) {
    std::string out;
    for (char c : s) out += std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c) : std::string("?");
    return out;
  }
  const std::string& path_;
  const std::string& text_;
  size_t pos_ = 0;
};

NpyHeader parse_dict(const std::string& path, const std::string& text) {
  DictParser p(path, text);
  NpyHeader h;
  bool have_descr = false, have_fortran = false, have_shape = false;
  p.expect('{');
  while (!p.peek('}')) {
    const std::string key = p.string_literal();
    p.expect(':');
    bool* seen = nullptr;
    if (key == "descr") {
      seen = &have_descr;
      h.descr = p.string_literal();
    } else if (key == "fortran_order") {
      seen = &have_fortran;
      h.fortran = p.boolean_literal();
    } else if (key == "shape") {
      seen = &have_shape;
      h.shape = p.shape_tuple();
    } else {
      p.fail("unknown key '" + excerpt(key, 40) + "' (NumPy allows descr, fortran_order, shape)");
    }
    if (*seen) p.fail("key '" + key + "' given twice");
    *seen = true;
    if (p.peek(',')) p.expect(',');
    else if (!p.peek('}')) p.fail("expected ',' or '}'");
  }
  p.expect('}');
  p.padding();
  for (const auto& [present, key] : {std::pair<bool, const char*>{have_descr, "descr"},
                                     {have_fortran, "fortran_order"},
                                     {have_shape, "shape"}})
    if (!present) throw InputError(path + ": invalid .npy header: no '" + key + "'");
  return h;
}

}  // namespace

size_t npy_header_end(const std::string& path, const std::string& bytes) {
  if (bytes.size() < kMagicLen + 4 || bytes.compare(0, kMagicLen, kMagic, kMagicLen) != 0)
    throw InputError(path + ": not a .npy file (bad magic)");
  const auto byte = [&](size_t i) { return size_t(uint8_t(bytes[i])); };
  const int major = int(byte(6));
  size_t len = 0, offset = 0;
  if (major == 1) {
    len = byte(8) | byte(9) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw InputError(path + ": truncated .npy header");
    len = byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24;
    offset = 12;
  } else {
    throw InputError(path + ": unsupported .npy version " + std::to_string(major));
  }
  return offset + len;
}

NpyHeader parse_npy_header(const std::string& path, const std::string& bytes) {
  const size_t end = npy_header_end(path, bytes);
  if (bytes.size() < end) throw InputError(path + ": truncated .npy header");
  const size_t offset = uint8_t(bytes[6]) == 1 ? 10 : 12;
  NpyHeader h = parse_dict(path, bytes.substr(offset, end - offset));
  h.data_offset = end;
  return h;
}

}  // namespace shiftsim::quant
