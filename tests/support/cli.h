#pragma once
// Helpers for tests that run the shiftsim binary: every simulation runs in its own process.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace shiftsim::test {

struct CliResult {
  int code = -1;
  std::string out, err;
};

inline std::string repo(const std::string& rel) { return std::string(SHIFTSIM_SOURCE_DIR) + "/" + rel; }

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh directory for one test case.
inline std::string scratch_dir(const std::string& name) {
  const char* base = std::getenv("SHIFTSIM_TEST_TMP");
  std::string root = base && *base ? base : "/tmp/shiftsim-tests";
  std::string dir = root + "/" + name + "-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `shiftsim args...`, capturing stdout and stderr.
inline CliResult run_shiftsim(const std::vector<std::string>& args, const std::string& dir) {
  std::string cmd = quote(SHIFTSIM_BIN);
  for (const auto& a : args) cmd += " " + quote(a);
  const std::string out = dir + "/stdout.txt", err = dir + "/stderr.txt";
  cmd += " > " + quote(out) + " 2> " + quote(err);
  CliResult r;
  const int status = std::system(cmd.c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(slurp(path)); }

// Runs `shiftsim run --arch arch --net net --report dir/<tag>.report.json` (with --no-check
// unless `check`), requires it to succeed and returns the report.
inline nlohmann::json run_report(const std::string& arch, const std::string& net, const std::string& dir,
                                 const std::string& tag, bool check = true) {
  const std::string rep = dir + "/" + tag + ".report.json";
  std::vector<std::string> args = {"run", "--arch", arch, "--net", net, "--report", rep};
  if (!check) args.push_back("--no-check");
  const CliResult r = run_shiftsim(args, dir);
  INFO(arch << " on " << net << ": " << r.err << r.out);
  REQUIRE(r.code == 0);
  return read_json(rep);
}

}  // namespace shiftsim::test
