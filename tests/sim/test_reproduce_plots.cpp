// `shiftsim reproduce` as the README runs it: from the repository root with a relative --out.
// gnuplot must render every plot there; a gnuplot that fails is an error of the command.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "../support/cli.h"

using namespace shiftsim::test;

namespace {

bool starts_with_png_signature(const std::string& path) {
  return slurp(path).compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) == 0;
}

// Runs `cd dir && [PATH=path] shiftsim args` (the binary by its absolute path).
CliResult run_in(const std::string& dir, const std::string& args, const std::string& path = "") {
  const std::string cmd = "cd " + quote(dir) + " && " + (path.empty() ? "" : "PATH=" + quote(path) + " ") +
                          quote(SHIFTSIM_BIN) + " " + args + " > stdout.txt 2> stderr.txt";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir + "/stdout.txt");
  r.err = slurp(dir + "/stderr.txt");
  return r;
}

// A directory that looks like the repository root to `reproduce` (its configs/ linked in), so
// that the command line is the README's own.
std::string fake_repo_root(const std::string& name) {
  const std::string dir = scratch_dir(name);
  std::filesystem::create_directory_symlink(repo("configs"), dir + "/configs");
  return dir;
}

const char* kPlots[] = {"exp1_layers", "exp1_cycles", "exp1_resources", "exp1_energy", "exp2_largest"};

}  // namespace

TEST_CASE("reproduce with a relative --out renders every plot as a PNG", "[reproduce][plots]") {
  const std::string dir = fake_repo_root("reproduce-relative-out");
  const CliResult r = run_in(dir, "reproduce --quick --no-check --no-fit --out reproduction");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.err.find("warning: gnuplot") == std::string::npos);
  for (const char* p : kPlots) {
    INFO(p);
    const std::string png = dir + "/reproduction/" + p + ".png";
    REQUIRE(std::filesystem::exists(png));
    CHECK(starts_with_png_signature(png));
    CHECK_FALSE(std::filesystem::exists(dir + "/reproduction/" + p + ".gnuplot.log"));
  }
  CHECK(slurp(dir + "/reproduction/reproduction.md").find("![exp1_layers](exp1_layers.png)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/reproduction.tmp"));
}

TEST_CASE("reproduce fails when gnuplot does not render a plot, and writes nothing", "[reproduce][plots]") {
  const std::string dir = fake_repo_root("reproduce-gnuplot-fails");
  // A gnuplot that complains and draws nothing, first on PATH (the child runs find shiftsim by
  // its own path).
  const std::string bin = dir + "/bin";
  std::filesystem::create_directory(bin);
  write_text(bin + "/gnuplot", "#!/bin/sh\necho \"cannot draw $1\" >&2\nexit 1\n");
  chmod((bin + "/gnuplot").c_str(), 0755);
  const CliResult r = run_in(dir, "reproduce --quick --no-check --no-fit --out reproduction", bin);
  INFO(r.err);
  CHECK(r.code == 3);
  CHECK(r.err.find("shiftsim: error: gnuplot failed on exp1_layers.gp (exit 1): cannot draw exp1_layers.gp") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/reproduction"));
  CHECK_FALSE(std::filesystem::exists(dir + "/reproduction.tmp"));
}
