#pragma once
// Shared by the sweep tests: small sweep files on the tiny networks, and reading a sweep's
// database back.
#include <sqlite3.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

namespace shiftsim::test {

// A sweep over the tiny network on the shipped SVPE machine.
inline nlohmann::json tiny_sweep(const nlohmann::json& parameters) {
  return {{"schema", "shiftsim.sweep"},
          {"version", 1},
          {"name", "tiny"},
          {"base", repo("configs/arch/svpe_zcu102.json")},
          {"networks", {repo("configs/nets/tiny.json")}},
          {"parameters", parameters},
          {"objectives", {"cycles", "energy_mj", "dsp", "lut"}}};
}

// One column of a query over the sweep's database, as text (NULL as "NULL").
inline std::vector<std::string> db_column(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* s = nullptr;
  INFO(sql << ": " << sqlite3_errmsg(db));
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  while (sqlite3_step(s) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(s, 0);
    out.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

// Every row's result in point order, one text per row: the point, its status and reason, the
// engine and version, and every objective to the last bit. Two ways of running a sweep (here,
// or as Slurm tasks merged later) must give the same; only timings and finish times differ.
inline std::vector<std::string> result_rows(const std::string& db_path) {
  std::string sql = "SELECT quote(point_index) || '|' || quote(hash) || '|' || quote(network) || '|' || quote(params) || '|' || "
                    "quote(status) || '|' || quote(reason) || '|' || quote(in_bounds) || '|' || quote(engine) || '|' || "
                    "quote(shiftsim_version)";
  for (const char* o : {"cycles", "latency_ms", "gops", "energy_mj", "power_w", "gops_per_w", "lut", "ff", "dsp", "bram36", "uram"})
    sql += std::string(" || '|' || coalesce(printf('%.17g', ") + o + "), 'NULL')";
  return db_column(db_path, sql + " FROM points ORDER BY point_index");
}

}  // namespace shiftsim::test
