#include "study/sweep_records.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "common/input_error.h"
#include "study/sweep_points.h"

namespace shiftsim::sim {

namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

std::string sys_error(const std::string& path, const std::string& what) {
  return path + ": " + what + ": " + std::strerror(errno);
}

}  // namespace

std::string row_to_record(const SweepRow& row) {
  nlohmann::json j;
  j["hash"] = row.hash;
  j["index"] = row.index;
  j["network"] = row.network;
  j["params"] = row.params;
  j["status"] = row.status;
  j["reason"] = row.reason;
  j["in_bounds"] = row.in_bounds;
  j["engine"] = row.engine;
  j["version"] = row.version;
  j["wall_seconds"] = number_or_null(row.wall_seconds);
  j["child_seconds"] = number_or_null(row.child_seconds);
  j["sim_seconds"] = number_or_null(row.sim_seconds);
  j["finished_utc"] = row.finished_utc;
  if (row.objectives) {
    nlohmann::json o = nlohmann::json::object();
    for (size_t k = 0; k < kObjectiveCount; ++k) o[objective_name(Objective(k))] = number_or_null((*row.objectives)[k]);
    j["objectives"] = o;
  } else {
    j["objectives"] = nullptr;
  }
  // nlohmann writes doubles with enough digits to read back the same value: a merged row
  // equals the row a local run would have stored.
  return j.dump();
}

SweepRow row_from_record(const std::string& text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    auto num = [](const nlohmann::json& v) { return v.is_null() ? std::nan("") : v.get<double>(); };
    SweepRow r;
    r.hash = j.at("hash").get<std::string>();
    r.index = j.at("index").get<size_t>();
    r.network = j.at("network").get<std::string>();
    r.params = j.at("params");
    r.status = j.at("status").get<std::string>();
    r.reason = j.at("reason").get<std::string>();
    r.in_bounds = j.at("in_bounds").get<bool>();
    r.engine = j.at("engine").get<std::string>();
    r.version = j.at("version").get<std::string>();
    r.wall_seconds = num(j.at("wall_seconds"));
    r.child_seconds = num(j.at("child_seconds"));
    r.sim_seconds = num(j.at("sim_seconds"));
    r.finished_utc = j.at("finished_utc").get<std::string>();
    const nlohmann::json& o = j.at("objectives");
    if (!o.is_null()) {
      std::array<double, kObjectiveCount> v{};
      for (size_t k = 0; k < kObjectiveCount; ++k) v[k] = num(o.at(objective_name(Objective(k))));
      r.objectives = v;
    }
    if (r.status != "done" && r.status != "failed") throw InputError("status '" + r.status + "' is not a result");
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("not a sweep result record: ") + e.what());
  }
}

RecordFile read_records(const std::string& path) {
  RecordFile out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string all = ss.str();
  size_t pos = 0;
  while (pos < all.size()) {
    const size_t nl = all.find('\n', pos);
    if (nl == std::string::npos) {
      out.torn_tail = true;  // still being written, or cut short by a crash
      break;
    }
    const std::string line = all.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.size() < 18 || line[16] != ' ' || fingerprint(line.substr(17)) != line.substr(0, 16)) {
      ++out.damaged;
      continue;
    }
    try {
      out.rows.push_back(row_from_record(line.substr(17)));
    } catch (const InputError&) {
      ++out.damaged;
    }
  }
  return out;
}

RecordWriter::RecordWriter(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw InputError(sys_error(path, "cannot open the task's result file"));
  // Cut a torn last line back to the last newline.
  struct stat st {};
  if (fstat(fd_, &st) != 0) throw InputError(sys_error(path, "cannot stat"));
  off_t end = st.st_size;
  char c = '\n';
  while (end > 0) {
    if (pread(fd_, &c, 1, end - 1) != 1) throw InputError(sys_error(path, "cannot read"));
    if (c == '\n') break;
    --end;
  }
  if (end != st.st_size && (ftruncate(fd_, end) != 0 || fsync(fd_) != 0))
    throw InputError(sys_error(path, "cannot cut off a torn record"));
  if (lseek(fd_, 0, SEEK_END) < 0) throw InputError(sys_error(path, "cannot seek"));
}

RecordWriter::~RecordWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void RecordWriter::append(const SweepRow& row) {
  const std::string json = row_to_record(row);
  const std::string line = fingerprint(json) + " " + json + "\n";
  // One write() of the whole line; a short write (a full disk) leaves a torn line, which the
  // checksum and the missing newline reject.
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw InputError(sys_error(path_, "cannot write a result"));
    done += size_t(n);
  }
  if (fsync(fd_) != 0) throw InputError(sys_error(path_, "cannot sync a result to disk"));
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms));
  return buf;
}

}  // namespace shiftsim::sim
