#pragma once
// A Slurm task's result file (DIR/slurm/<batch>/task-<k>.results): one line per evaluated
// point, appended and synced to disk as soon as the point is known, so a task killed at any
// moment (scancel, its time limit, a node failure) keeps every point it finished. Each line is
// "<checksum> <json>\n" with the checksum (64-bit FNV-1a, 16 hex digits) over the JSON text: a
// line cut short by a crash, or damaged on the way (a shared file system), fails the checksum
// or lacks its newline, and never counts.
#include <string>
#include <vector>

#include "study/sweep_db.h"

namespace shiftsim::sim {

// A row as one line of JSON (no newline); objectives by name, NaN as null.
std::string row_to_record(const SweepRow& row);
// The inverse; throws InputError when a field is missing or of the wrong type.
SweepRow row_from_record(const std::string& json_text);

struct RecordFile {
  std::vector<SweepRow> rows;  // the whole, checked records in file order
  size_t damaged = 0;          // lines that failed the checksum or did not parse
  bool torn_tail = false;      // the file ends in a line without its newline (a write cut short)
};

// Reads a result file; a missing file is an empty one.
RecordFile read_records(const std::string& path);

// Appends records to one file; the only writer of that file (one task owns it).
class RecordWriter {
 public:
  // Opens (creates) `path` for appending. A torn last line, left by a crash of an earlier
  // attempt of the same task, is cut off first so that the next record starts a line of its own.
  explicit RecordWriter(const std::string& path);
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;
  // Writes one record and syncs it to disk before returning. Throws InputError on failure.
  void append(const SweepRow& row);

 private:
  std::string path_;
  int fd_ = -1;
};

// The current time as the database writes it: 2025-01-31T12:34:56.789Z.
std::string utc_now();

}  // namespace shiftsim::sim
