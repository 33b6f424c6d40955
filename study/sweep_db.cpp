#include "study/sweep_db.h"

#include <sqlite3.h>

#include <cmath>
#include <set>

#include "common/input_error.h"

namespace shiftsim::sim {

namespace {

const std::vector<std::string> kFixedColumns = {
    "point_index", "hash", "network", "params", "status", "reason", "in_bounds",
    "engine", "shiftsim_version", "wall_seconds", "child_seconds", "sim_seconds", "finished_utc"};

std::string quote_id(const std::string& name) {
  std::string q = "\"";
  for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql, const std::string& file) : db_(db), file_(file) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK)
      throw InputError(file + ": " + sqlite3_errmsg(db) + " (in " + sql + ")");
  }
  ~Stmt() { sqlite3_finalize(s_); }
  sqlite3_stmt* get() { return s_; }
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw InputError(file_ + ": " + sqlite3_errmsg(db_));
  }
  void bind(int i, const std::string& v) { sqlite3_bind_text(s_, i, v.c_str(), -1, SQLITE_TRANSIENT); }
  void bind(int i, double v) {
    if (std::isfinite(v)) sqlite3_bind_double(s_, i, v);
    else sqlite3_bind_null(s_, i);
  }
  void bind_int(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void bind_null(int i) { sqlite3_bind_null(s_, i); }
  void bind_json(int i, const nlohmann::json& v) {
    if (v.is_number_integer()) bind_int(i, v.get<int64_t>());
    else if (v.is_number()) bind(i, v.get<double>());
    else if (v.is_boolean()) bind_int(i, v.get<bool>() ? 1 : 0);
    else if (v.is_string()) bind(i, v.get<std::string>());
    else bind(i, v.dump());
  }
  std::string text(int i) {
    const unsigned char* t = sqlite3_column_text(s_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  std::string file_;
};

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

SweepDb::SweepDb(const std::string& path, const SweepSpec& spec, const std::string& engine, bool durable)
    : path_(path) {
  for (const SweepParameter& p : spec.parameters) params_.push_back(p.path);
  std::set<std::string> reserved(kFixedColumns.begin(), kFixedColumns.end());
  for (size_t o = 0; o < kObjectiveCount; ++o) reserved.insert(objective_name(Objective(o)));
  for (const std::string& p : params_)
    if (reserved.count(p)) throw InputError(spec.file + ": parameters." + p + ": collides with a result column of that name");

  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError(path + ": cannot open the sweep database: " + why);
  }
  try {
    sqlite3_busy_timeout(db_, 10000);
    exec("PRAGMA journal_mode=WAL");
    exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("CREATE TABLE IF NOT EXISTS sweep (key TEXT PRIMARY KEY, value TEXT)");
    std::string cols = "point_index INTEGER, hash TEXT PRIMARY KEY, network TEXT, params TEXT, status TEXT, "
                       "reason TEXT, in_bounds INTEGER, engine TEXT, shiftsim_version TEXT, "
                       "wall_seconds REAL, child_seconds REAL, sim_seconds REAL, finished_utc TEXT";
    for (size_t o = 0; o < kObjectiveCount; ++o)
      cols += std::string(", ") + objective_name(Objective(o)) + (Objective(o) == Objective::cycles ? " INTEGER" : " REAL");
    for (const std::string& p : params_) cols += ", " + quote_id(p);
    exec("CREATE TABLE IF NOT EXISTS points (" + cols + ")");
    // A database made for other parameters is another sweep's.
    std::set<std::string> have;
    {
      Stmt s(db_, "SELECT name FROM pragma_table_info('points')", path_);
      while (s.step()) have.insert(s.text(0));
    }
    for (const std::string& p : params_)
      if (!have.count(p))
        throw InputError(path + ": holds another sweep (no column for parameter " + p +
                         "): choose another --out directory");
    std::string stored;
    {
      Stmt s(db_, "SELECT value FROM sweep WHERE key = 'engine'", path_);
      if (s.step()) stored = s.text(0);
    }
    if (stored.empty()) {
      Stmt s(db_, "INSERT INTO sweep (key, value) VALUES ('engine', ?1), ('name', ?2), ('sweep_file', ?3)", path_);
      s.bind(1, engine);
      s.bind(2, spec.name);
      s.bind(3, spec.file);
      s.step();
    } else if (stored != engine) {
      throw InputError(path + ": holds results of engine " + stored + ", this sweep asks for " + engine +
                       ": choose another --out directory (rows of two engines are never mixed)");
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SweepDb::~SweepDb() { sqlite3_close(db_); }

void SweepDb::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw InputError(path_ + ": " + why + " (in " + sql.substr(0, 80) + ")");
  }
}

std::map<std::string, std::string> SweepDb::statuses() {
  std::map<std::string, std::string> out;
  Stmt s(db_, "SELECT hash, status FROM points", path_);
  while (s.step()) out[s.text(0)] = s.text(1);
  return out;
}

void SweepDb::put_all(const std::vector<SweepRow>& rows) {
  if (rows.empty()) return;
  std::string cols = "point_index, hash, network, params, status, reason, in_bounds, engine, shiftsim_version, "
                     "wall_seconds, child_seconds, sim_seconds, finished_utc";
  std::string marks = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, COALESCE(?13, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
  int n = 13;
  for (size_t o = 0; o < kObjectiveCount; ++o) {
    cols += std::string(", ") + objective_name(Objective(o));
    marks += ", ?" + std::to_string(++n);
  }
  for (const std::string& p : params_) {
    cols += ", " + quote_id(p);
    marks += ", ?" + std::to_string(++n);
  }
  exec("BEGIN IMMEDIATE");
  try {
    Stmt s(db_, "INSERT OR REPLACE INTO points (" + cols + ") VALUES (" + marks + ")", path_);
    for (const SweepRow& row : rows) {
      sqlite3_reset(s.get());
      sqlite3_clear_bindings(s.get());
      s.bind_int(1, int64_t(row.index));
      s.bind(2, row.hash);
      s.bind(3, row.network);
      s.bind(4, row.params.dump());
      s.bind(5, row.status);
      s.bind(6, row.reason);
      s.bind_int(7, row.in_bounds ? 1 : 0);
      s.bind(8, row.engine);
      s.bind(9, row.version);
      s.bind(10, row.wall_seconds);
      s.bind(11, row.child_seconds);
      s.bind(12, row.sim_seconds);
      if (row.finished_utc.empty()) s.bind_null(13);
      else s.bind(13, row.finished_utc);
      int i = 13;
      for (size_t o = 0; o < kObjectiveCount; ++o) {
        ++i;
        if (!row.objectives) s.bind_null(i);
        else if (Objective(o) == Objective::cycles && std::isfinite((*row.objectives)[o]))
          s.bind_int(i, int64_t((*row.objectives)[o]));
        else s.bind(i, (*row.objectives)[o]);
      }
      for (const std::string& p : params_) s.bind_json(++i, row.params.value(p, nlohmann::json()));
      s.step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void SweepDb::remove(const std::string& hash) {
  Stmt s(db_, "DELETE FROM points WHERE hash = ?1", path_);
  s.bind(1, hash);
  s.step();
}

void SweepDb::set_bounds(const std::string& hash, bool in_bounds, const std::string& reason) {
  Stmt s(db_, "UPDATE points SET in_bounds = ?1, reason = ?2 WHERE hash = ?3", path_);
  s.bind_int(1, in_bounds ? 1 : 0);
  s.bind(2, reason);
  s.bind(3, hash);
  s.step();
}

std::vector<SweepRow> SweepDb::rows() {
  std::string cols = "point_index, hash, network, params, status, reason, in_bounds, engine, shiftsim_version, wall_seconds";
  for (size_t o = 0; o < kObjectiveCount; ++o) cols += std::string(", ") + objective_name(Objective(o));
  Stmt s(db_, "SELECT " + cols + " FROM points ORDER BY point_index", path_);
  std::vector<SweepRow> out;
  while (s.step()) {
    SweepRow r;
    r.index = size_t(sqlite3_column_int64(s.get(), 0));
    r.hash = s.text(1);
    r.network = s.text(2);
    r.params = nlohmann::json::parse(s.text(3), nullptr, false);
    r.status = s.text(4);
    r.reason = s.text(5);
    r.in_bounds = sqlite3_column_int(s.get(), 6) != 0;
    r.engine = s.text(7);
    r.version = s.text(8);
    r.wall_seconds = sqlite3_column_double(s.get(), 9);
    // A refused row has its resources but no performance figures: NULL reads back as NaN.
    std::array<double, kObjectiveCount> v{};
    bool any = false;
    for (size_t o = 0; o < kObjectiveCount; ++o) {
      const bool null = sqlite3_column_type(s.get(), int(10 + o)) == SQLITE_NULL;
      v[o] = null ? std::nan("") : sqlite3_column_double(s.get(), int(10 + o));
      any = any || !null;
    }
    if (any) r.objectives = v;
    out.push_back(std::move(r));
  }
  return out;
}

std::string SweepDb::csv() {
  Stmt s(db_, "SELECT * FROM points ORDER BY point_index", path_);
  std::string out;
  const int n = sqlite3_column_count(s.get());
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + csv_cell(sqlite3_column_name(s.get(), i));
  out += "\n";
  while (s.step()) {
    for (int i = 0; i < n; ++i) out += (i ? "," : "") + csv_cell(s.text(i));
    out += "\n";
  }
  return out;
}

}  // namespace shiftsim::sim
