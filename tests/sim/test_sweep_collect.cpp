// The Slurm path without a scheduler: `--slurm --no-submit` writes a batch, its tasks are run
// by hand exactly as the job script runs them, and `--collect` merges their result files. The
// merged rows equal a local run's; a record that is damaged or cut short never counts and its
// point is evaluated again; collecting twice counts nothing twice; a task refuses a batch whose
// sweep file changed; --slurm refuses when sbatch is missing. tests/slurm/ runs the same
// through a real Slurm.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/sim/sweep_test_support.h"

using namespace shiftsim::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// Six points of the tiny network; three tasks of two points each.
json six_points() { return tiny_sweep({{"pe_array.lanes", {8, 16, 32}}, {"pe_array.vector", {4, 8}}}); }

CliResult run_task(const std::string& dir, unsigned k) {
  return run_shiftsim({"sweep", dir + "/s.json", "--slurm-task", dir + "/out/slurm/batch-001", "--task-index",
                       std::to_string(k)},
                      dir);
}

size_t lines_of(const std::string& path) {
  const std::string text = slurp(path);
  return size_t(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("sweep --slurm: tasks run by hand and collected give the rows of a local run, and a torn or damaged record never counts") {
  const std::string dir = scratch_dir("sweep-collect");
  write_text(dir + "/s.json", six_points().dump());
  const CliResult local = run_shiftsim({"sweep", dir + "/s.json", "-j", "2", "--out", dir + "/local"}, dir);
  INFO(local.out << local.err);
  REQUIRE(local.code == 0);

  const CliResult sub = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out", "--slurm", "--no-submit", "--tasks", "3"}, dir);
  INFO(sub.out << sub.err);
  REQUIRE(sub.code == 0);
  CHECK_THAT(sub.out, Contains("6 to submit to Slurm") && Contains("6 points in 3 tasks, not submitted"));
  const std::string batch = dir + "/out/slurm/batch-001";
  const std::string script = slurp(batch + "/job.sh");
  CHECK_THAT(script, Contains("#SBATCH --array=0-2") && Contains("--slurm-task") &&
                         Contains("--task-index \"$SLURM_ARRAY_TASK_ID\""));
  CHECK(read_json(batch + "/batch.json")["points"].size() == 6);

  for (unsigned k = 0; k < 3; ++k) {
    const CliResult t = run_task(dir, k);
    INFO("task " << k << ": " << t.out << t.err);
    REQUIRE(t.code == 0);
    CHECK_THAT(t.out, Contains("task " + std::to_string(k) + ": 2 points, 0 done by an earlier attempt, 2 to evaluate"));
    CHECK(lines_of(batch + "/task-" + std::to_string(k) + ".results") == 2);
  }

  // Damage task 0's first record (one digit of its JSON: the checksum no longer matches) and
  // cut task 1's last record short, as a crash in the middle of its write would.
  {
    std::string t0 = slurp(batch + "/task-0.results");
    const size_t at = t0.find("\"cycles\":") + 9;
    t0[at] = t0[at] == '9' ? '1' : char(t0[at] + 1);
    write_text(batch + "/task-0.results", t0);
    std::string t1 = slurp(batch + "/task-1.results");
    const size_t second = t1.find('\n') + 1;
    write_text(batch + "/task-1.results", t1.substr(0, second + (t1.size() - second) / 2));
  }
  const CliResult c1 = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out", "--collect"}, dir);
  INFO(c1.out << c1.err);
  REQUIRE(c1.code == 0);
  CHECK_THAT(c1.out, Contains("4 results read, 4 merged into the database, 0 already there") &&
                         Contains("1 damaged records") && Contains("1 files end in a record being written or cut short") &&
                         Contains("4 already in") && Contains("2 still to evaluate"));
  const std::string db = dir + "/out/results.db";
  CHECK(db_column(db, "SELECT count(*) FROM points")[0] == "4");

  // Collecting again merges nothing new and counts nothing twice.
  const CliResult c2 = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out", "--collect"}, dir);
  CHECK_THAT(c2.out, Contains("0 merged into the database, 4 already there"));
  CHECK(db_column(db, "SELECT count(*) FROM points")[0] == "4");

  // Task 1 started again (as Slurm requeues a task): it cuts off the torn record and evaluates
  // only the point it lost.
  const CliResult again = run_task(dir, 1);
  INFO(again.out << again.err);
  REQUIRE(again.code == 0);
  CHECK_THAT(again.out, Contains("2 points, 1 done by an earlier attempt, 1 to evaluate"));
  CHECK(lines_of(batch + "/task-1.results") == 2);

  // The normal resume merges the batch and evaluates here only the point whose record was damaged.
  const CliResult resume = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out"}, dir);
  INFO(resume.out << resume.err);
  REQUIRE(resume.code == 0);
  CHECK_THAT(resume.out, Contains("1 merged into the database") && Contains("5 already in") && Contains("1 to evaluate"));
  CHECK(result_rows(db) == result_rows(dir + "/local/results.db"));
  CHECK(db_column(db, "SELECT count(DISTINCT hash) FROM points")[0] == "6");

  // Nothing left: a new --slurm submits nothing.
  const CliResult none = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out", "--slurm", "--no-submit"}, dir);
  CHECK(none.code == 0);
  CHECK_THAT(none.out, Contains("6 already in") && Contains("0 to submit"));
  CHECK_FALSE(std::filesystem::exists(dir + "/out/slurm/batch-002"));
}

TEST_CASE("sweep --slurm: a task refuses a batch whose sweep file changed since it was written") {
  const std::string dir = scratch_dir("sweep-collect-changed");
  json doc = six_points();
  write_text(dir + "/s.json", doc.dump());
  const CliResult sub = run_shiftsim({"sweep", dir + "/s.json", "--out", dir + "/out", "--slurm", "--no-submit", "--tasks", "2"}, dir);
  REQUIRE(sub.code == 0);
  doc["seed"] = 7;  // every point is another design now
  write_text(dir + "/s.json", doc.dump());
  const CliResult t = run_task(dir, 0);
  CHECK(t.code == 2);
  CHECK_THAT(t.err, Contains("point 0 is not the design it was when batch-001 was submitted"));
  CHECK_FALSE(std::filesystem::exists(dir + "/out/slurm/batch-001/task-0.results"));
  const CliResult bad_index = run_task(dir, 5);
  CHECK(bad_index.code == 2);
  CHECK_THAT(bad_index.err, Contains("has tasks 0..1, no task 5"));
}

TEST_CASE("sweep --slurm: refused clearly when sbatch is not on PATH") {
  const std::string dir = scratch_dir("sweep-no-sbatch");
  write_text(dir + "/s.json", six_points().dump());
  const std::string cmd = "env PATH=" + quote(dir + "/empty-path") + " " + quote(SHIFTSIM_BIN) + " sweep " +
                          quote(dir + "/s.json") + " --out " + quote(dir + "/out") + " --slurm > " + quote(dir + "/o.txt") +
                          " 2> " + quote(dir + "/e.txt");
  const int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  CHECK_THAT(slurp(dir + "/e.txt"), Contains("--slurm submits with sbatch, which is not on PATH") && Contains("--no-submit"));
  CHECK_FALSE(std::filesystem::exists(dir + "/out"));  // refused before anything was written
}
