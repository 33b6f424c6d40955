#include "study/differential_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <type_traits>

namespace shiftsim::sim {

namespace {
// The message: one tag byte, then (ok) the fields in the order encode_result writes them, or
// (threw) the exception's text.
enum : uint8_t { kOk = 1, kThrew = 2 };

// Parent and child are one binary, so these travel as their bytes.
static_assert(std::is_trivially_copyable_v<models::LayerStats> &&
                  std::is_trivially_copyable_v<models::DramStats>,
              "the cycle child sends LayerStats and DramStats as bytes");

class Writer {
 public:
  void byte(uint8_t v) { bytes.push_back(v); }
  template <class T>
  void pod(const T& v) {
    raw(&v, sizeof v);
  }
  void raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    bytes.insert(bytes.end(), b, b + n);
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    pod(uint64_t(v.size()));
    raw(v.data(), v.size() * sizeof(T));
  }
  std::vector<uint8_t> bytes;
};

class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& b) : b_(b) {}
  template <class T>
  T pod() {
    T v;
    raw(&v, sizeof v);
    return v;
  }
  template <class T>
  std::vector<T> vec() {
    const uint64_t n = pod<uint64_t>();
    if (n > left() / sizeof(T)) throw std::runtime_error("a truncated result");
    std::vector<T> v(n);
    raw(v.data(), n * sizeof(T));
    return v;
  }
  std::string rest() {
    std::string s(b_.begin() + long(at_), b_.end());
    at_ = b_.size();
    return s;
  }
  size_t left() const { return b_.size() - at_; }

 private:
  void raw(void* p, size_t n) {
    if (n > left()) throw std::runtime_error("a truncated result");
    std::memcpy(p, b_.data() + at_, n);
    at_ += n;
  }
  const std::vector<uint8_t>& b_;
  size_t at_ = 0;
};

void encode_result(Writer& w, const models::SimResult& r, const std::vector<uint8_t>& dram) {
  w.byte(kOk);
  w.pod(r.total_cycles);
  w.pod(r.accelerator_cycles);
  w.vec(r.run_cycles);
  w.vec(r.run_end_cycles);
  w.vec(r.layers);
  w.pod(r.dram);
  w.vec(dram);
}

void decode_result(Reader& rd, CycleOutcome& o) {
  o.sim.total_cycles = rd.pod<uint64_t>();
  o.sim.accelerator_cycles = rd.pod<uint64_t>();
  o.sim.run_cycles = rd.vec<uint64_t>();
  o.sim.run_end_cycles = rd.vec<uint64_t>();
  o.sim.layers = rd.vec<models::LayerStats>();
  o.sim.dram = rd.pod<models::DramStats>();
  o.dram = rd.vec<uint8_t>();
  if (rd.left() != 0) throw std::runtime_error("a result with trailing bytes");
}

void write_all(int fd, const std::vector<uint8_t>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent went away; nobody is left to tell
    done += size_t(n);
  }
}

// The child's whole life: it never returns.
[[noreturn]] void run_cycle_child(int fd, const models::ArchSpec& arch, const Program& prog,
                                  const std::string& log_path, double cpu_limit_s) {
  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log >= 0) {
    dup2(log, 1);
    dup2(log, 2);
    close(log);
  }
  signal(SIGPROF, SIG_DFL);
  itimerval limit{};
  limit.it_value.tv_sec = time_t(cpu_limit_s);
  limit.it_value.tv_usec = suseconds_t((cpu_limit_s - double(time_t(cpu_limit_s))) * 1e6);
  if (limit.it_value.tv_sec == 0 && limit.it_value.tv_usec == 0) limit.it_value.tv_usec = 1;
  setitimer(ITIMER_PROF, &limit, nullptr);
  Writer w;
  try {
    models::SimOptions options;
    options.mode = models::SimMode::cycle;
    std::vector<uint8_t> dram;
    const models::SimResult r =
        models::simulate(arch, prog.image, prog.desc_addr, prog.desc_count, options, dram);
    encode_result(w, r, dram);
  } catch (const std::exception& e) {
    w.bytes.clear();
    w.byte(kThrew);
    w.raw(e.what(), std::strlen(e.what()));
  } catch (...) {
    w.bytes.clear();
    w.byte(kThrew);
    const char* what = "an exception that is not a std::exception";
    w.raw(what, std::strlen(what));
  }
  std::cout.flush();
  std::fflush(nullptr);
  write_all(fd, w.bytes);
  _exit(0);
}

// The last lines the child printed, to go with a failure.
std::string log_tail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.empty()) return {};
  constexpr size_t kTail = 2000;
  if (text.size() > kTail) text = "..." + text.substr(text.size() - kTail);
  return "\n  its output ended with:\n" + text;
}
}  // namespace

CycleChild::CycleChild(const models::ArchSpec& arch, const Program& prog, const std::string& log_path,
                       double cpu_limit_s)
    : cpu_limit_s_(cpu_limit_s), log_path_(log_path) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("difftest: pipe failed: " + std::string(std::strerror(errno)));
  // Room for a whole result, so that most children finish writing while the parent works.
  fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);  // nothing buffered may be written twice
  pid_ = fork();
  if (pid_ < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error("difftest: fork failed: " + std::string(std::strerror(errno)));
  }
  if (pid_ == 0) {
    close(fds[0]);
    run_cycle_child(fds[1], arch, prog, log_path, cpu_limit_s);
  }
  close(fds[1]);
  fd_ = fds[0];
  fcntl(fd_, F_SETFL, O_NONBLOCK);
  start_ = std::chrono::steady_clock::now();
}

CycleChild::~CycleChild() {
  if (fd_ >= 0) close(fd_);
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
  }
}

bool CycleChild::read_available() {
  uint8_t buf[1 << 16];
  for (;;) {
    const ssize_t n = read(fd_, buf, sizeof buf);
    if (n > 0) {
      received_.insert(received_.end(), buf, buf + n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    closed_ = !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
    return closed_;
  }
}

bool CycleChild::exited() {
  if (!reaped_ && waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return reaped_;
}

double CycleChild::seconds_running() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void CycleChild::kill_now() {
  if (pid_ > 0) kill(pid_, SIGKILL);
  killed_ = true;
}

CycleOutcome CycleChild::finish() {
  if (fd_ >= 0) {
    if (!killed_ && !closed_) read_available();
    close(fd_);
    fd_ = -1;
  }
  while (!reaped_ && waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  const int status = status_;
  CycleOutcome o;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", cpu_limit_s_);
  if (killed_) {
    o.status = CycleOutcome::Status::timed_out;
    o.problem = "cycle mode did not finish within " + std::to_string(int(seconds_running())) +
                " s of wall time and was killed";
    return o;
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    o.status = sig == SIGPROF ? CycleOutcome::Status::timed_out : CycleOutcome::Status::crashed;
    o.problem = sig == SIGPROF ? "cycle mode used more than " + std::string(seconds) + " s of CPU (--timeout) and was stopped"
                               : "cycle mode was killed by signal " + std::to_string(sig) + " (" +
                                     strsignal(sig) + ")" + log_tail(log_path_);
    return o;
  }
  if (WEXITSTATUS(status) != 0) {
    o.problem = "cycle mode exited with code " + std::to_string(WEXITSTATUS(status)) + log_tail(log_path_);
    return o;
  }
  try {
    Reader rd(received_);
    const uint8_t tag = rd.pod<uint8_t>();
    if (tag == kThrew) {
      o.status = CycleOutcome::Status::threw;
      o.problem = "cycle mode threw: " + rd.rest() + log_tail(log_path_);
      return o;
    }
    if (tag != kOk) throw std::runtime_error("a result of an unknown kind");
    decode_result(rd, o);
    o.status = CycleOutcome::Status::ok;
  } catch (const std::runtime_error& e) {
    o.status = CycleOutcome::Status::crashed;
    o.problem = "cycle mode exited normally but sent " +
                (received_.empty() ? std::string("no result") : std::string(e.what())) + log_tail(log_path_);
  }
  return o;
}

}  // namespace shiftsim::sim
