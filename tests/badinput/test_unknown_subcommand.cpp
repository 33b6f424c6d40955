// CLI11 answers --help before it resolves the subcommand: a mistyped subcommand with --help
// must still fail (exit 2) instead of printing the top-level help and succeeding.
#include <catch2/catch.hpp>

#include "tests/support/cli.h"

using namespace shiftsim::test;

TEST_CASE("an unknown subcommand with --help is an error and not the top-level help") {
  const std::string dir = scratch_dir("unknown-command");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"nosuchcmd", "--help"}, {"nosuchcmd"}, {"nosuchcmd", "-h", "--arch", "x"}}) {
    const CliResult r = run_shiftsim(args, dir);
    INFO(args[0] << " " << r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("shiftsim: error: unknown subcommand nosuchcmd") != std::string::npos);
    CHECK(r.out.empty());
  }
  // A real command's --help still answers.
  const CliResult help = run_shiftsim({"run", "--help"}, dir);
  CHECK(help.code == 0);
  CHECK(help.out.find("--arch") != std::string::npos);
}
