// A Slurm task's result file: a record reads back as the row that was written (every double
// to the last bit, unknown objectives as unknown); a line cut short or altered never counts;
// a writer reopening a file with a torn last line cuts it off before appending.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <string>

#include "study/sweep_records.h"
#include "tests/sim/sweep_test_support.h"

using namespace shiftsim::sim;
using shiftsim::test::scratch_dir;
using shiftsim::test::slurp;
using shiftsim::test::write_text;

namespace {

SweepRow sample_row(const std::string& hash, double cycles) {
  SweepRow r;
  r.hash = hash;
  r.index = 7;
  r.network = "/nets/tiny.json";
  r.params = {{"pe_array.lanes", 16}, {"pe_array.kind", "svpe"}};
  r.status = "done";
  r.reason = "out of bounds: gops 1.5 < min 2";
  r.in_bounds = false;
  r.engine = "fast";
  r.version = "shiftsim abc123";
  r.wall_seconds = 0.1 + 0.2;  // not exactly representable: must still read back bit for bit
  r.child_seconds = 1.0 / 3.0;
  r.sim_seconds = 2e-9;
  r.finished_utc = "2025-01-31T12:34:56.789Z";
  std::array<double, kObjectiveCount> v;
  for (size_t k = 0; k < kObjectiveCount; ++k) v[k] = std::sqrt(double(k) + 2.0);
  v[0] = cycles;
  v[size_t(Objective::uram)] = std::nan("");
  r.objectives = v;
  return r;
}

void check_same(const SweepRow& a, const SweepRow& b) {
  CHECK(a.hash == b.hash);
  CHECK(a.index == b.index);
  CHECK(a.network == b.network);
  CHECK(a.params == b.params);
  CHECK(a.status == b.status);
  CHECK(a.reason == b.reason);
  CHECK(a.in_bounds == b.in_bounds);
  CHECK(a.engine == b.engine);
  CHECK(a.version == b.version);
  CHECK(a.wall_seconds == b.wall_seconds);
  CHECK(a.child_seconds == b.child_seconds);
  CHECK(a.sim_seconds == b.sim_seconds);
  CHECK(a.finished_utc == b.finished_utc);
  REQUIRE(a.objectives.has_value() == b.objectives.has_value());
  for (size_t k = 0; k < kObjectiveCount; ++k) {
    INFO(objective_name(Objective(k)));
    if (std::isnan((*a.objectives)[k])) CHECK(std::isnan((*b.objectives)[k]));
    else CHECK((*a.objectives)[k] == (*b.objectives)[k]);
  }
}

}  // namespace

TEST_CASE("sweep records: a row reads back bit for bit, a failed row without objectives too") {
  const SweepRow r = sample_row("00000000000000aa", 123456789.0);
  check_same(r, row_from_record(row_to_record(r)));
  SweepRow f = r;
  f.status = "failed";
  f.reason = "shiftsim run exited with 2: error: \"quoted\"\nsecond line";
  f.objectives.reset();
  const SweepRow back = row_from_record(row_to_record(f));
  CHECK_FALSE(back.objectives.has_value());
  CHECK(back.reason == f.reason);
  // A record never spans lines, whatever its strings hold.
  CHECK(row_to_record(f).find('\n') == std::string::npos);
  // Only results are records: a refused row is decided by the sweep, never by a task.
  SweepRow refused = r;
  refused.status = "refused";
  CHECK_THROWS_WITH(row_from_record(row_to_record(refused)), Catch::Matchers::Contains("is not a result"));
}

TEST_CASE("sweep records: a line cut short or altered never counts, and a reopened writer cuts a torn tail") {
  const std::string dir = scratch_dir("sweep-records");
  const std::string file = dir + "/task-0.results";
  {
    RecordWriter w(file);
    w.append(sample_row("0000000000000001", 1000));
    w.append(sample_row("0000000000000002", 2000));
    w.append(sample_row("0000000000000003", 3000));
  }
  RecordFile whole = read_records(file);
  REQUIRE(whole.rows.size() == 3);
  CHECK(whole.damaged == 0);
  CHECK_FALSE(whole.torn_tail);
  CHECK(whole.rows[2].hash == "0000000000000003");

  // Alter the second record's cycles (2000 -> 2001) and cut the third in the middle.
  std::string text = slurp(file);
  const size_t second = text.find('\n') + 1;
  const size_t at = text.find("2000", second);
  REQUIRE(at != std::string::npos);
  text[at + 3] = '1';
  const size_t third = text.find('\n', second) + 1;
  write_text(file, text.substr(0, third + 40));
  RecordFile hurt = read_records(file);
  REQUIRE(hurt.rows.size() == 1);
  CHECK(hurt.rows[0].hash == "0000000000000001");
  CHECK(hurt.damaged == 1);
  CHECK(hurt.torn_tail);

  // A writer opened on it (the same task started again) cuts the torn line off, so its next
  // record is whole; the altered one stays damaged and counts for nothing.
  {
    RecordWriter w(file);
    w.append(sample_row("0000000000000004", 4000));
  }
  RecordFile after = read_records(file);
  REQUIRE(after.rows.size() == 2);
  CHECK(after.rows[1].hash == "0000000000000004");
  CHECK(after.rows[1].objectives->at(0) == 4000);
  CHECK(after.damaged == 1);
  CHECK_FALSE(after.torn_tail);

  // A missing file is an empty one.
  CHECK(read_records(dir + "/none.results").rows.empty());
}
