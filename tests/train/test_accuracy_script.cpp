// scripts/accuracy.sh with stand-in executables (no training): every row comes from the run its
// bits and settings ask for, and a rerun never reuses a result made with other settings or from
// another float checkpoint. (docs/ACCURACY.md once showed identical 3- and 4-bit rows: its
// resume step reused any report that existed, whatever produced it.)
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "../support/cli.h"

using namespace shiftsim::test;

namespace {

// shiftsim-train stand-in: float accuracy 0.5 + epochs/100, written into the checkpoint; a
// quantized run's accuracy is its init checkpoint's + bits/1000 + epochs/100000.
const char* kStubTrain = R"SH(#!/usr/bin/env bash
set -e
m=float b=32 e=0 t=moments init=
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;; --report) rep=$2; shift 2 ;; --method) m=$2; shift 2 ;;
    --bits) b=$2; shift 2 ;; --epochs) e=$2; shift 2 ;; --init) init=$2; shift 2 ;;
    --thresholds) t=$2; shift 2 ;; --quiet) shift ;; *) shift 2 ;;
  esac
done
if [ -z "$init" ]; then acc=$(awk -v e="$e" 'BEGIN { printf "%.6f", 0.5 + e / 100 }')
else acc=$(awk -v a="$(cat "$init")" -v b="$b" -v e="$e" 'BEGIN { printf "%.6f", a + b / 1000 + e / 100000 }'); fi
echo "$acc" > "$out"
cat > "$rep" <<EOF
{"method": "$m", "bits": $b, "thresholds": "$t", "epochs": $e, "test_accuracy": $acc,
 "weights": 1000, "weight_bytes": $((1000 * b / 8)), "seconds": 1, "train_images": 60000,
 "test_images": 10000}
EOF
)SH";

// shiftsim stand-in: quantize copies the checkpoint; eval reports its accuracy.
const char* kStubSim = R"SH(#!/usr/bin/env bash
set -e
cmd=$1; shift
while [ $# -gt 0 ]; do
  case "$1" in --float) in=$2 ;; --out) out=$2 ;; --model) model=$2 ;; esac; shift
done
if [ "$cmd" = quantize ]; then cp "$in" "$out"; exit 0; fi
n=$(awk -v a="$(cat "$model")" 'BEGIN { printf "%d", a * 10000 + 0.5 }')
echo "$model (x, golden executor): accuracy 0% ($n / 10000 Fashion-MNIST test images), 0.01 s"
)SH";

void write_exe(const std::string& path, const char* text) {
  std::ofstream(path) << text;
  chmod(path.c_str(), 0755);
}

// Table rows by (method, bits, retraining): the accuracy column.
std::map<std::string, std::string> rows(const std::string& md) {
  std::map<std::string, std::string> out;
  static const std::regex row(R"(\| ([^|]+) \| (\d+) \| ([^|]+) \| ([0-9.]+)% \|[^|]*\| ([^|]+) \|)");
  for (std::sregex_iterator it(md.begin(), md.end(), row), end; it != end; ++it)
    out[(*it)[1].str() + "/" + (*it)[2].str() + "/" + (*it)[3].str()] = (*it)[4].str() + " " + (*it)[5].str();
  return out;
}

int run_script(const std::string& build, const std::string& net, const std::string& out) {
  const std::string cmd = quote(repo("scripts/accuracy.sh")) + " --build " + quote(build) +
                          " --net " + net + " --out " + quote(out) + " --jobs 2 > " +
                          quote(build + "/script.log") + " 2>&1";
  return std::system(cmd.c_str());
}

}  // namespace

TEST_CASE("accuracy.sh: rows follow their bits and a rerun redoes what changed", "[train]") {
  const std::string dir = scratch_dir("accuracy-script");
  write_exe(dir + "/shiftsim-train", kStubTrain);
  write_exe(dir + "/shiftsim", kStubSim);
  const std::string md = dir + "/ACCURACY.md";

  REQUIRE(run_script(dir, "lenet5:1:1", md) == 0);
  auto a = rows(slurp(md));
  INFO(slurp(md));
  // float 0.51; n-BQ reconstructed 3 and 4 bits, 1 epoch: 0.51 + bits/1000 + 1e-5.
  CHECK(a.at("float/32/1 epoch from scratch") == "51.00 n/a");
  CHECK(a.at("n-BQ, reconstructed gradient (moments thresholds)/3/1 epoch") == "51.30 51.30%");
  CHECK(a.at("n-BQ, reconstructed gradient (moments thresholds)/4/1 epoch") == "51.40 51.40%");
  CHECK(a.at("GSNQ/4/none") == "51.40 51.40%");
  CHECK(a.at("GSNQ, incremental retraining/5/3 epochs") == "51.50 51.50%");

  // A longer float run: every row starts from the new checkpoint, none is reused.
  REQUIRE(run_script(dir, "lenet5:3:1", md) == 0);
  auto b = rows(slurp(md));
  INFO(slurp(md));
  CHECK(b.at("float/32/3 epochs from scratch") == "53.00 n/a");
  CHECK(b.at("n-BQ, straight-through (moments thresholds)/4/1 epoch") == "53.40 53.40%");
  CHECK(b.at("fixed point/16/none") == "54.60 54.60%");

  // More retraining epochs: those rows run again, the float network is kept.
  REQUIRE(run_script(dir, "lenet5:3:4", md) == 0);
  auto c = rows(slurp(md));
  INFO(slurp(md));
  CHECK(c.at("float/32/3 epochs from scratch") == "53.00 n/a");
  CHECK(c.count("n-BQ, straight-through (moments thresholds)/4/4 epochs") == 1);
  CHECK(c.count("n-BQ, straight-through (moments thresholds)/4/1 epoch") == 0);
  CHECK(slurp(dir + "/script.log").find("accuracy/lenet5/float: trained before") != std::string::npos);
}

TEST_CASE("accuracy.sh --only: one method's rows are replaced, every other line is kept", "[train]") {
  const std::string dir = scratch_dir("accuracy-script-only");
  write_exe(dir + "/shiftsim-train", kStubTrain);
  write_exe(dir + "/shiftsim", kStubSim);
  const std::string md = dir + "/ACCURACY.md";
  REQUIRE(run_script(dir, "lenet5:1:1", md) == 0);
  // Mark an n-BQ row and add a section of another net: --only must leave both alone.
  std::string text = slurp(md);
  const std::string nbq = "| n-BQ, reconstructed gradient (moments thresholds) | 3 | 1 epoch | 51.30% |";
  REQUIRE(text.find(nbq) != std::string::npos);
  text.replace(text.find(nbq), nbq.size(), "| n-BQ, reconstructed gradient (moments thresholds) | 3 | 1 epoch | 77.77% |");
  text += "\n## othernet\n\nkept as it is\n";
  std::ofstream(md) << text;

  const std::string cmd = quote(repo("scripts/accuracy.sh")) + " --build " + quote(dir) +
                          " --net lenet5:1:4 --only gsnq --out " + quote(md) + " > " +
                          quote(dir + "/only.log") + " 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string after = slurp(md);
  INFO(after);
  auto r = rows(after);
  CHECK(r.at("GSNQ, incremental retraining/3/4 epochs") == "51.30 51.30%");  // rerun: 4 epochs
  CHECK(r.count("GSNQ, incremental retraining/3/3 epochs") == 0);
  CHECK(r.at("n-BQ, reconstructed gradient (moments thresholds)/3/1 epoch") == "77.77 51.30%");  // kept
  CHECK(r.at("GSNQ/2/none") == "51.20 51.20%");
  CHECK(after.find("## othernet\n\nkept as it is") != std::string::npos);
  CHECK(after.find("The gsnq rows: made by `scripts/accuracy.sh --net lenet5:1:4") != std::string::npos);
  // Only gsnq steps ran: no n-BQ retraining with 4 epochs.
  CHECK(slurp(dir + "/only.log").find("nbq3: shiftsim-train") == std::string::npos);

  // Another float network: its other rows would not match, so --only refuses.
  const std::string other = quote(repo("scripts/accuracy.sh")) + " --build " + quote(dir) +
                            " --net lenet5:2:4 --only gsnq --out " + quote(md) + " > " +
                            quote(dir + "/only2.log") + " 2>&1";
  CHECK(std::system(other.c_str()) != 0);
  CHECK(slurp(dir + "/only2.log").find("rerun without --only") != std::string::npos);
}
