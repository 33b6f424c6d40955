// A sweep killed with SIGKILL in the middle of its run keeps every point it finished, no
// half-written row, and a rerun evaluates exactly the points without a row: none lost, none
// run twice.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <fcntl.h>
#include <string>
#include <thread>

#include "tests/sim/sweep_test_support.h"

using namespace shiftsim::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

pid_t start_sweep(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv = {const_cast<char*>(SHIFTSIM_BIN)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(SHIFTSIM_BIN, argv.data());
    _exit(127);
  }
  return pid;
}

size_t count_rows(const std::string& db, const std::string& where) {
  // The sweep may not have created its table yet.
  if (!std::filesystem::exists(db) ||
      db_column(db, "SELECT count(*) FROM sqlite_master WHERE name = 'points'")[0] == "0")
    return 0;
  return size_t(std::stoll(db_column(db, "SELECT count(*) FROM points WHERE " + where)[0]));
}

}  // namespace

TEST_CASE("sweep: SIGKILL mid-run loses no finished point and the rerun runs only the missing ones") {
  const std::string dir = scratch_dir("sweep-kill");
  const json doc = tiny_sweep({{"pe_array.lanes", {8, 16, 24, 32}}, {"pe_array.vector", {2, 4, 8}}});
  write_text(dir + "/s.json", doc.dump());
  const size_t total = 12;
  const std::string db = dir + "/out/results.db";
  const std::vector<std::string> args = {"sweep", dir + "/s.json", "-j", "1", "--out", dir + "/out"};

  const pid_t pid = start_sweep(args, dir + "/first.log");
  // Kill it once a few points are in, while a child simulation is most likely running.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (count_rows(db, "status = 'done'") < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(kill(pid, SIGKILL) == 0);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));

  const size_t kept = count_rows(db, "1");
  INFO("rows after the kill: " << kept);
  REQUIRE(kept >= 3);
  REQUIRE(kept < total);  // the kill came in the middle
  CHECK(count_rows(db, "status = 'done' AND cycles > 0") == kept);  // every stored row is whole
  const std::vector<std::string> before =
      db_column(db, "SELECT hash || ' ' || finished_utc FROM points ORDER BY point_index");

  const CliResult again = run_shiftsim(args, dir);
  INFO(again.out << again.err);
  REQUIRE(again.code == 0);
  CHECK_THAT(again.out, Contains(std::to_string(kept) + " already in") &&
                            Contains(std::to_string(total - kept) + " to evaluate"));
  CHECK(count_rows(db, "status = 'done'") == total);
  // The points finished before the kill were not run again: their rows are untouched.
  const std::vector<std::string> after = db_column(db, "SELECT hash || ' ' || finished_utc FROM points ORDER BY point_index");
  for (const std::string& row : before) CHECK(std::find(after.begin(), after.end(), row) != after.end());
  CHECK(db_column(db, "SELECT count(DISTINCT point_index) FROM points")[0] == std::to_string(total));
}
