#include "models/vcd_merge.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace shiftsim::models {

namespace {

constexpr uint64_t kNoTime = UINT64_MAX;

// Whitespace-separated tokens of a file, read in blocks (a VCD's commands and changes are
// tokens; line breaks carry no meaning). Errors name the file and the line.
class Tokens {
 public:
  explicit Tokens(const std::string& path) : path_(path), f_(std::fopen(path.c_str(), "rb")), buf_(1 << 20) {
    if (!f_) throw std::runtime_error(path + ": cannot read the VCD: " + std::strerror(errno));
  }
  ~Tokens() { std::fclose(f_); }
  Tokens(const Tokens&) = delete;
  Tokens& operator=(const Tokens&) = delete;

  // The next token, or false at the end of the file.
  bool next(std::string& tok) {
    if (has_peek_) {
      has_peek_ = false;
      tok.swap(peek_);
      tok_line_ = peek_line_;
      return true;
    }
    return read(tok, tok_line_);
  }
  const std::string* peek() {
    if (!has_peek_) has_peek_ = read(peek_, peek_line_);
    return has_peek_ ? &peek_ : nullptr;
  }
  std::string expect(const char* what) {
    std::string tok;
    if (!next(tok)) fail(std::string("ends inside ") + what);
    return tok;
  }
  // Skips to the $end that closes the current command.
  void skip_command(const char* what) {
    std::string tok;
    while (next(tok))
      if (tok == "$end") return;
    fail(std::string("ends inside ") + what);
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error(path_ + ": line " + std::to_string(tok_line_) + ": " + why);
  }
  const std::string& path() const { return path_; }

 private:
  int get() {
    if (pos_ == len_) {
      len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
      pos_ = 0;
      if (len_ == 0) {
        if (std::ferror(f_)) throw std::runtime_error(path_ + ": read error");
        return EOF;
      }
    }
    return static_cast<unsigned char>(buf_[pos_++]);
  }
  // A token and the line it is on.
  bool read(std::string& tok, uint64_t& line) {
    tok.clear();
    int c = get();
    while (c != EOF && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
      if (c == '\n') ++line_;
      c = get();
    }
    if (c == EOF) return false;
    line = line_;
    while (c != EOF && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      tok.push_back(char(c));
      c = get();
    }
    if (c == '\n') ++line_;
    return true;
  }

  std::string path_;
  FILE* f_;
  std::vector<char> buf_;
  size_t pos_ = 0, len_ = 0;
  uint64_t line_ = 1;       // the line the reader is on
  uint64_t tok_line_ = 1;   // the line of the token next() gave last
  uint64_t peek_line_ = 1;
  std::string peek_;
  bool has_peek_ = false;
};

// One header command, its tokens without the final $end.
struct Decl {
  enum Kind { scope, upscope, var } kind;
  std::vector<std::string> toks;  // scope: type, name; var: type, width, id, reference...
};

struct Header {
  std::vector<std::string> preamble;  // $date, $version, $timescale, $comment: kept as written
  std::vector<Decl> decls;
  std::string timescale;
};

// A command's tokens up to its $end, as one line.
std::string command_text(Tokens& in, const std::string& first, std::string* words = nullptr) {
  std::string text = first;
  for (std::string t = in.expect(first.c_str()); t != "$end"; t = in.expect(first.c_str())) {
    text += " " + t;
    if (words) *words += t;
  }
  return text + " $end";
}

// Reads the header up to and including "$enddefinitions $end".
Header read_header(Tokens& in) {
  Header h;
  std::string tok;
  while (true) {
    if (!in.next(tok)) in.fail("ends before $enddefinitions (not a complete VCD)");
    if (tok == "$enddefinitions") {
      in.skip_command("$enddefinitions");
      return h;
    }
    if (tok == "$scope" || tok == "$var") {
      Decl d{tok == "$scope" ? Decl::scope : Decl::var, {}};
      for (std::string t = in.expect(tok.c_str()); t != "$end"; t = in.expect(tok.c_str())) d.toks.push_back(t);
      if (d.toks.size() < (d.kind == Decl::scope ? 2u : 4u)) in.fail(tok + " with too few fields");
      h.decls.push_back(std::move(d));
    } else if (tok == "$upscope") {
      in.skip_command("$upscope");
      h.decls.push_back({Decl::upscope, {}});
    } else if (tok == "$timescale") {
      h.preamble.push_back(command_text(in, tok, &h.timescale));
    } else if (tok == "$date" || tok == "$version" || tok == "$comment") {
      h.preamble.push_back(command_text(in, tok));
    } else {
      in.fail("unexpected '" + tok + "' in the header");
    }
  }
}

void put(FILE* f, const std::string& s) { std::fwrite(s.data(), 1, s.size(), f); }

void put_decl(FILE* f, const Decl& d, const std::string* id = nullptr) {
  if (d.kind == Decl::upscope) {
    put(f, "$upscope $end\n");
    return;
  }
  put(f, d.kind == Decl::scope ? "$scope" : "$var");
  for (size_t i = 0; i < d.toks.size(); ++i) {
    put(f, " ");
    put(f, d.kind == Decl::var && i == 2 && id ? *id : d.toks[i]);
  }
  put(f, " $end\n");
}

// An identifier code: printable characters '!'..'~', shortest first.
std::string code(uint64_t n) {
  std::string s;
  do {
    s.insert(s.begin(), char('!' + n % 94));
    n /= 94;
  } while (n-- > 0);
  return s;
}

// The merged file's view of the extra file: its signals renamed, and the value each holds.
class ExtraSignals {
 public:
  ExtraSignals(const Header& h, const std::unordered_set<std::string>& taken) {
    uint64_t next = 0;
    for (const Decl& d : h.decls) {
      if (d.kind != Decl::var || index_.count(d.toks[2])) continue;
      std::string id;
      do id = code(next++); while (taken.count(id));
      index_.emplace(d.toks[2], uint32_t(ids_.size()));
      ids_.push_back(id);
      // Unknown until the file gives a value: x, as a simulator shows it.
      values_.push_back(d.toks[1] == "1" ? "x" : "bx");
      changed_.push_back(0);
    }
  }
  const std::string& id_of(const std::string& old) const { return ids_[index_.at(old)]; }
  // A change in the extra file: its value is remembered, and it is marked changed this time.
  void set(Tokens& in, const std::string& old_id, std::string value) {
    const auto it = index_.find(old_id);
    if (it == index_.end()) in.fail("a change of '" + old_id + "', which the header does not declare");
    values_[it->second] = std::move(value);
    if (!changed_[it->second]) {
      changed_[it->second] = 1;
      changes_.push_back(it->second);
    }
  }
  void write(FILE* f, uint32_t i) const {
    const std::string& v = values_[i];
    put(f, v);
    if (v[0] == 'b' || v[0] == 'B' || v[0] == 'r' || v[0] == 'R') put(f, " ");
    put(f, ids_[i]);
    put(f, "\n");
  }
  void write_all(FILE* f) const {
    for (uint32_t i = 0; i < ids_.size(); ++i) write(f, i);
  }
  // Writes (if `out`) and forgets this time's changes.
  void flush_changes(FILE* out) {
    for (uint32_t i : changes_) {
      if (out) write(out, i);
      changed_[i] = 0;
    }
    changes_.clear();
  }
  bool any_changes() const { return !changes_.empty(); }

 private:
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<std::string> ids_, values_;
  std::vector<uint8_t> changed_;
  std::vector<uint32_t> changes_;
};

// The value section of a VCD, one timestamp's block at a time.
class Changes {
 public:
  explicit Changes(Tokens& in) : in_(in) {
    const std::string* p = in_.peek();
    time_ = p ? 0 : kNoTime;  // changes before any timestamp happen at time 0
    if (p && (*p)[0] == '#') time_ = parse_time();
  }
  uint64_t time() const { return time_; }
  // Calls on_change(value, id) for each change up to the next timestamp, and on_command(tok)
  // for $dumpvars / $dumpall / $dumpon / $dumpoff and their $end; then moves to the next time.
  template <class OnChange, class OnCommand>
  void read_block(OnChange on_change, OnCommand on_command) {
    std::string tok;
    while (const std::string* p = in_.peek()) {
      if ((*p)[0] == '#') {
        const uint64_t t = parse_time();
        if (t < time_) in_.fail("time goes back from " + std::to_string(time_) + " to " + std::to_string(t));
        time_ = t;
        return;
      }
      in_.next(tok);
      const char c = tok[0];
      if (c == '$') {
        if (tok == "$comment") in_.skip_command("$comment");
        else if (tok == "$dumpvars" || tok == "$dumpall" || tok == "$dumpon" || tok == "$dumpoff" || tok == "$end")
          on_command(tok);
        else in_.fail("unexpected '" + tok + "' among the value changes");
      } else if (c == 'b' || c == 'B' || c == 'r' || c == 'R') {
        std::string id = in_.expect("a vector change");
        on_change(std::move(tok), id);
      } else if (std::strchr("01xXzZ", c) && tok.size() > 1) {
        on_change(std::string(1, c), tok.substr(1));
      } else {
        in_.fail("'" + tok + "' is not a value change");
      }
    }
    time_ = kNoTime;
  }

 private:
  uint64_t parse_time() {
    std::string tok;
    in_.next(tok);
    char* end = nullptr;
    errno = 0;
    const unsigned long long t = std::strtoull(tok.c_str() + 1, &end, 10);
    if (tok.size() < 2 || *end != '\0' || errno != 0) in_.fail("'" + tok + "' is not a timestamp");
    return t;
  }
  Tokens& in_;
  uint64_t time_ = kNoTime;
};

// The extra header's declarations as one scope named `name`: the outer scopes that only wrap
// one scope (the SystemC path Verilator prefixes its model with) are dropped, and the first
// scope that holds something is renamed.
std::vector<Decl> nested(const std::vector<Decl>& d, const std::string& name, const std::string& path) {
  std::vector<size_t> match(d.size(), 0), open;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i].kind == Decl::scope) open.push_back(i);
    if (d[i].kind != Decl::upscope) continue;
    if (open.empty()) throw std::runtime_error(path + ": $upscope without a $scope");
    match[open.back()] = i;
    open.pop_back();
  }
  if (!open.empty()) throw std::runtime_error(path + ": a $scope without its $upscope");
  size_t a = 0, b = d.size();
  auto one_scope = [&](size_t x, size_t y) { return y - x >= 2 && d[x].kind == Decl::scope && match[x] == y - 1; };
  while (one_scope(a, b) && one_scope(a + 1, b - 1)) ++a, --b;
  if (one_scope(a, b)) ++a, --b;  // its contents go under `name`
  std::vector<Decl> out;
  out.push_back({Decl::scope, {"module", name}});
  out.insert(out.end(), d.begin() + long(a), d.begin() + long(b));
  out.push_back({Decl::upscope, {}});
  return out;
}

// Removes the partly written output unless the merge completes.
struct PartFile {
  std::string path;
  FILE* f = nullptr;
  bool done = false;
  ~PartFile() {
    if (f) std::fclose(f);
    if (!done) std::remove(path.c_str());
  }
};

}  // namespace

void merge_vcd(const VcdMergeSpec& spec) {
  Tokens base(spec.base), extra(spec.extra);
  const Header hb = read_header(base), he = read_header(extra);
  if (hb.timescale != he.timescale)
    throw std::runtime_error(spec.extra + ": timescale " + he.timescale + ", but " + spec.base + " has " +
                             hb.timescale + " (the merge does not rescale times)");
  std::unordered_set<std::string> taken;
  for (const Decl& d : hb.decls)
    if (d.kind == Decl::var) taken.insert(d.toks[2]);
  ExtraSignals sig(he, taken);

  std::vector<char> obuf(1 << 20);  // outlives the FILE that uses it
  PartFile part{spec.out + ".part"};
  part.f = std::fopen(part.path.c_str(), "wb");
  if (!part.f) throw std::runtime_error(part.path + ": cannot write the merged VCD: " + std::strerror(errno));
  FILE* f = part.f;
  std::setvbuf(f, obuf.data(), _IOFBF, obuf.size());

  // The header: the base's, with the extra's scope nested at spec.at.
  for (const std::string& line : hb.preamble) put(f, line + "\n");
  const std::vector<Decl> inner = nested(he.decls, spec.scope, spec.extra);
  auto put_inner = [&] {
    for (const Decl& d : inner) put_decl(f, d, d.kind == Decl::var ? &sig.id_of(d.toks[2]) : nullptr);
  };
  std::vector<std::string> path;
  bool placed = false;
  for (const Decl& d : hb.decls) {
    if (d.kind == Decl::scope) path.push_back(d.toks[1]);
    if (d.kind == Decl::upscope) {
      if (!placed && path == spec.at) {
        put_inner();
        placed = true;
      }
      if (!path.empty()) path.pop_back();
    }
    put_decl(f, d);
  }
  if (!placed) put_inner();  // the base has no such scope: the extra's goes at the top
  put(f, "$enddefinitions $end\n");

  // The values, in time order. At each window's start the extra's values go into the base's
  // $dumpvars (or one of their own), so that the window reads on its own.
  Changes cb(base), ce(extra);
  size_t win = 0;        // the first window not yet over
  size_t started = 0;    // windows whose start has been written
  uint64_t written = kNoTime;
  auto stamp = [&](uint64_t t) {
    if (written == t) return;
    put(f, "#" + std::to_string(t) + "\n");
    written = t;
  };
  while (cb.time() != kNoTime || ce.time() != kNoTime || started < spec.windows.size()) {
    uint64_t t = std::min(cb.time(), ce.time());
    if (started < spec.windows.size()) t = std::min(t, spec.windows[started].begin_ps);
    while (win < spec.windows.size() && spec.windows[win].end_ps <= t) ++win;
    const bool in_window = win < spec.windows.size() && spec.windows[win].begin_ps <= t;
    const bool starts = started < spec.windows.size() && spec.windows[started].begin_ps == t;
    if (ce.time() == t)
      ce.read_block([&](std::string v, const std::string& id) { sig.set(extra, id, std::move(v)); },
                    [](const std::string&) {});
    bool dumped = false;
    if (cb.time() == t) {
      stamp(t);
      bool in_dumpvars = false;
      cb.read_block(
          [&](const std::string& v, const std::string& id) {
            put(f, v);
            if (v.size() > 1) put(f, " ");
            put(f, id);
            put(f, "\n");
          },
          [&](const std::string& cmd) {
            if (cmd == "$dumpvars") in_dumpvars = true;
            if (cmd == "$end" && in_dumpvars && starts && !dumped) {
              sig.write_all(f);
              dumped = true;
            }
            if (cmd == "$end") in_dumpvars = false;
            put(f, cmd);
            put(f, "\n");
          });
    }
    if (starts) {
      if (!dumped) {
        stamp(t);
        put(f, "$dumpvars\n");
        sig.write_all(f);
        put(f, "$end\n");
      }
      ++started;
      sig.flush_changes(nullptr);
    } else if (in_window && sig.any_changes()) {
      stamp(t);
      sig.flush_changes(f);
    } else {
      sig.flush_changes(nullptr);
    }
  }
  if (std::fflush(f) != 0 || std::ferror(f))
    throw std::runtime_error(part.path + ": write error: " + std::strerror(errno));
  const int closed = std::fclose(part.f);
  part.f = nullptr;
  if (closed != 0) throw std::runtime_error(part.path + ": write error: " + std::strerror(errno));
  std::error_code ec;
  std::filesystem::rename(part.path, spec.out, ec);
  if (ec) throw std::runtime_error(spec.out + ": cannot move the merged VCD into place: " + ec.message());
  part.done = true;
}

}  // namespace shiftsim::models
