// shiftsim command line: run, golden, compare, bench, fit, describe; quantize and eval take
// sequence networks (lstm, gru) too, through sim/recurrent_*_command.h.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>
#include <iostream>

#include <CLI/CLI.hpp>

#include "sim/recurrent_eval_command.h"
#include "sim/recurrent_quantize_command.h"
#include "common/huge_pages.h"
#include "common/input_error.h"
#include "quant/recurrent_model_file.h"
#include "sim/arch_config.h"
#include "study/bench.h"
#include "study/compare.h"
#include "study/differential.h"
#include "sim/eval_command.h"
#include "study/fit_command.h"
#include "sim/quantize_command.h"
#include "study/reproduce.h"
#include "study/sweep_command.h"
#include "sim/runner.h"

using namespace shiftsim;

namespace {
// CLI11 would wrap "-1" into 2^64-1: seeds and cycles are plain decimal digits.
std::string check_unsigned(const std::string& text) {
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos)
    return "must be a non-negative integer (at most 18446744073709551615), found " + text;
  if (text.size() == 20 && text > "18446744073709551615") return "out of range: " + text;
  return {};
}

// CLI11 answers --help before it looks at the subcommand, so `shiftsim nosuchcmd --help` would
// print the top-level help and succeed: a mistyped command must fail, as it does without --help.
bool names_unknown_subcommand(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    if (sub->check_name(argv[1])) return false;
  return true;
}

void add_common(CLI::App* cmd, sim::RunRequest& req) {
  cmd->add_option("--arch", req.arch_path, "architecture JSON (configs/arch/...)")->required();
  cmd->add_option("--net", req.net_path, "network JSON (configs/nets/...)");
  cmd->add_option("--seed", req.seed, "seed of the generated weights and input (0..2^64-1)")
      ->check(CLI::Validator(check_unsigned, "SEED"));
  cmd->add_option("--input", req.input_npy, "input tensor (.npy: float32/64 or int16, CHW)");
  cmd->add_option("--set", req.sets, "override an arch parameter: path=value (repeatable)");
  cmd->add_option("--dump-outputs", req.dump_dir, "write every layer's output as DIR/<layer>.npy");
  cmd->add_option("--max-macs", req.budget.max_macs, "work budget: multiply-accumulates (default 20000000000)")
      ->check(CLI::Validator(check_unsigned, "N"));
  cmd->add_option("--max-memory", req.budget.max_memory_bytes, "work budget: estimated bytes of memory (default 8 GiB)")
      ->check(CLI::Validator(check_unsigned, "BYTES"));
  cmd->add_flag("--allow-large", req.allow_large, "run even when the work estimate is over the budget");
}
}  // namespace

// `shiftsim train ...` runs build/shiftsim-train, which alone links LibTorch (see
// CMakeLists.txt: loading it would slow every other command's start).
int exec_trainer(int argc, char** argv) {
  std::error_code ec;
  const auto self = std::filesystem::canonical("/proc/self/exe", ec);
  const std::string trainer = (ec ? std::filesystem::path(argv[0]) : self).parent_path() / "shiftsim-train";
  std::vector<char*> args = {const_cast<char*>(trainer.c_str())};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(trainer.c_str(), args.data());
  std::cerr << "shiftsim: error: cannot run " << trainer << " (build it with scripts/build.sh)\n";
  return 2;
}

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "train") return exec_trainer(argc, argv);
  keep_freed_blocks_in_heap();
  CLI::App app{"shiftsim: cycle-accurate SystemC/TLM simulator of shift-based (SVPE) and "
               "multiplier-based (VPE) FPGA accelerators"};
  app.require_subcommand(1);
  app.footer("shiftsim train ...: float or quantization-aware training (see shiftsim train --help)");
  sim::RunRequest req;
  std::string mode = "fast";

  CLI::App* run = app.add_subcommand("run", "quantize a network and simulate it");
  add_common(run, req);
  run->add_option("--mode", mode, "fast (skip ahead by tiles) or cycle (every clock)")
      ->check(CLI::IsMember({"fast", "cycle"}));
  run->add_option("--report", req.report_json, "write the JSON report here");
  run->add_option("--csv", req.csv, "write the per-layer CSV here");
  run->add_option("--vcd", req.trace.path, "write a VCD trace here (GTKWave)");
  run->add_option("--vcd-layer", req.trace_layer, "trace only this layer (name or index)");
  run->add_option("--watchdog-cycles", req.watchdog_cycles,
                  "cycle mode: stop with an error after this many cycles without progress (default 1000000 + 2 x DRAM latency)")
      ->check(CLI::Range(uint64_t(1), uint64_t(1) << 40));
  run->add_option("--vcd-from", req.trace.from_cycle, "trace from this cycle")
      ->check(CLI::Validator(check_unsigned, "CYCLE"));
  run->add_option("--vcd-to", req.trace.to_cycle, "trace up to (not including) this cycle")
      ->check(CLI::Validator(check_unsigned, "CYCLE"));
  run->add_flag("!--no-check", req.check, "skip the golden comparison");
  run->add_option("--model", req.model_path, "a quantized model (shiftsim quantize) instead of --net");
  run->add_option("--image", req.image, "Fashion-MNIST test image to run with --model (default 0)");
  run->add_flag("--allow-over-budget", req.allow_over_budget,
                "simulate a machine that does not fit its device (marked in the report)");
  run->add_option("--test-images", req.test_images,
                  "with --model: the first N Fashion-MNIST test images (10000: all) in one "
                  "simulation, each checked, and the accuracy through the simulator")
      ->check(CLI::Validator(check_unsigned, "N"));

  sim::RunRequest golden_req;
  CLI::App* golden = app.add_subcommand("golden", "run the golden integer executor alone");
  add_common(golden, golden_req);

  sim::CompareRequest cmp;
  CLI::App* compare = app.add_subcommand("compare", "run one network on several architectures");
  compare->add_option("--arch", cmp.archs, "architecture JSON (repeat)")->required();
  compare->add_option("--net", cmp.net, "network JSON")->required();
  compare->add_option("--seed", cmp.seed, "seed")->check(CLI::Validator(check_unsigned, "SEED"));
  compare->add_option("--mode", cmp.mode, "fast or cycle")->check(CLI::IsMember({"fast", "cycle"}));
  compare->add_option("--out", cmp.out_dir, "keep the reports in this directory");

  sim::BenchRequest bench_req;
  CLI::App* bench = app.add_subcommand("bench", "measure simulation speed against the floor");
  bench->add_option("--root", bench_req.root, "repository root (configs/)");
  bench->add_option("--repeat", bench_req.repeat, "repetitions of the in-process kernels");

  sim::QuantizeRequest qreq;
  CLI::App* quantize = app.add_subcommand("quantize", "post-training quantization of a float checkpoint");
  quantize->add_option("--float", qreq.float_path, "float checkpoint (shiftsim train --out)")->required();
  quantize->add_option("--arch", qreq.arch_path, "architecture JSON: the number formats (required "
                                               "but for sequence networks, which take none)");
  quantize->add_option("--set", qreq.sets, "override an arch parameter: path=value (repeatable)");
  quantize->add_option("--method", qreq.method, "nbq, gsnq (power of two, SVPE) or fixed (VPE); "
                                               "sequence networks: fixed (default) or nbq (power-of-two matrices)")
      ->check(CLI::IsMember({"nbq", "gsnq", "fixed"}));
  quantize->add_option("--bits", qreq.bits, "weight bits (default: the arch's numerics.weight_bits)");
  quantize->add_option("--thresholds", qreq.thresholds, "n-BQ thresholds: authors or moments")
      ->check(CLI::IsMember({"authors", "moments"}));
  quantize->add_option("--calib-images", qreq.calib_images, "Fashion-MNIST training images for calibration");
  quantize->add_option("--first-last-bits", qreq.first_last_bits,
                       "first and last layers in B-bit fixed point (accuracy studies only)");
  quantize->add_option("--search-tolerance", qreq.search_tolerance,
                       "search the smallest width of every weight tensor (fixed point 2..16, "
                       "power of two 2..5) and of the activations within PTS accuracy points of float "
                       "(sequence networks: every tensor's width; a language model's PTS is percent "
                       "of perplexity)");
  sim::RecurrentQuantizeRequest rqreq;
  quantize->add_option("--act-bits", rqreq.act_bits, "sequence networks: every activation's width "
                                                     "(default 16)");
  quantize->add_option("--corpus", rqreq.data.corpus_dir, "language models: the fortunes text directory");
  quantize->add_option("--search-images", qreq.search_images,
                       "held-out training images the search measures on (default 2000)");
  quantize->add_option("--out", qreq.out_path, "quantized-model file to write")->required();
  quantize->add_flag("!--no-bn-fold", qreq.fold_batch_norm,
                     "ONNX: keep every BatchNormalization as a layer of its own (a 1x1 depthwise conv)");

  sim::EvalRequest ereq;
  CLI::App* eval = app.add_subcommand("eval", "accuracy on the Fashion-MNIST test set");
  eval->add_option("--model", ereq.model_path, "quantized-model file (through the golden executor)");
  eval->add_option("--float", ereq.float_path, "float checkpoint (float forward pass)");
  eval->add_option("--limit", ereq.limit, "first N test images (default: all 10,000); sequence "
                                         "networks: images or token windows");
  sim::RecurrentEvalRequest rereq;
  eval->add_option("--split", rereq.split, "sequence networks: test (default) or valid");
  eval->add_option("--corpus", rereq.data.corpus_dir, "language models: the fortunes text directory");
  eval->add_flag("!--no-bn-fold", ereq.fold_batch_norm,
                 "ONNX: keep every BatchNormalization as a layer of its own (a 1x1 depthwise conv)");

  sim::ReproduceRequest rep;
  CLI::App* reproduce = app.add_subcommand(
      "reproduce", "the n-BQ-NN paper's SVPE-vs-VPE figures, simulated beside the published ones");
  reproduce->add_option("--out", rep.out_dir, "directory for reproduction.md, CSVs, plots, runs/");
  reproduce->add_flag("--quick", rep.quick, "a reduced network (the test suite's run)");
  reproduce->add_option("--figures", rep.figures, "published figures (configs/reproduce/nbqnn_tnnls2021.json)");
  reproduce->add_option("--experiment2", rep.experiment2, "largest-array experiment (configs/reproduce/largest_zcu102.json)");
  reproduce->add_option("--mode", rep.mode, "fast or cycle")->check(CLI::IsMember({"fast", "cycle"}));
  reproduce->add_option("--seed", rep.seed, "seed")->check(CLI::Validator(check_unsigned, "SEED"));
  reproduce->add_flag("!--no-check", rep.check, "skip the golden comparison of each run");
  reproduce->add_flag("!--no-fit", rep.use_fit, "experiment 2: the hand-sized arrays, not shiftsim fit's");

  sim::FitRequest freq;
  CLI::App* fit = app.add_subcommand("fit", "search the array shape and buffers that fit a device (docs/FIT.md)");
  fit->add_option("--device", freq.device, "device file or name under configs/devices (zcu102, ...)")->required();
  fit->add_option("--array", freq.array, "svpe or vpe")->required()->check(CLI::IsMember({"svpe", "vpe"}));
  fit->add_option("--net", freq.net, "network JSON (default configs/nets/alexnet.json)");
  fit->add_option("--out", freq.out, "write the chosen configuration here as an arch JSON");
  fit->add_option("--clock-mhz", freq.clock_mhz, "clock (default: the base arch file's)");
  fit->add_option("--weight-bits", freq.weight_bits, "weight bits (default: the base arch file's)");
  fit->add_option("--max-util", freq.max_util_pct, "percent of each device resource the design may use (default 80)");
  fit->add_option("--top", freq.top, "candidates to list (default 5)");
  fit->add_option("--base", freq.base, "arch file for the parameters not searched (default the shipped one)");
  fit->add_option("--name", freq.name, "machine name in the written file");
  fit->add_option("--objective", freq.objective,
                  "network: rank by the whole network's cycles (default); conv: by the conv layers' only")
      ->check(CLI::IsMember({"network", "conv"}));

  sim::DiffTestRequest diff;
  CLI::App* difftest = app.add_subcommand("difftest", "random cases through fast and cycle mode: same cycles, same outputs (docs/TESTING.md)");
  difftest->add_option("--cases", diff.cases, "cases to run (default 200)")->check(CLI::Validator(check_unsigned, "N"));
  difftest->add_option("--seed", diff.seed, "case i is drawn from seed + i (default 1)")->check(CLI::Validator(check_unsigned, "SEED"));
  difftest->add_option("--jobs", diff.jobs, "cases at a time (default: one per core)")->check(CLI::Range(1, 1024));
  difftest->add_option("--keep", diff.keep_dir, "write failing cases here (default: a temporary directory)");
  difftest->add_flag("--quiet", diff.quiet, "no line per case");
  difftest->add_option("--max-cycles", diff.max_cycles, "estimated cycles of one case, at most (default 200000)")->check(CLI::Validator(check_unsigned, "N"));
  difftest->add_option("--timeout", diff.timeout_s, "CPU seconds one cycle-mode run may use (default 60)");
  difftest->add_option("--max-failures", diff.max_failures, "start no new case after this many differ or fail (default 10; 0: run all)")->check(CLI::Validator(check_unsigned, "N"));
  difftest->add_option("--root", diff.root, "repository root holding configs/arch (default: found)");
  difftest->add_flag("--inject-difference", diff.inject_difference, "report cycle mode's last pass a cycle late, so every case must differ (checks the checker)");

  sim::SweepRequest sweep_req;
  CLI::App* sweep = app.add_subcommand("sweep", "a design-space sweep from a JSON file, resumable, results in SQLite (docs/SWEEPS.md)");
  sweep->add_option("file", sweep_req.file, "sweep file (configs/sweeps/...)")->required();
  sweep->add_option("-j,--jobs", sweep_req.jobs, "points at a time (default: one per core; with --slurm: in each task, default 1)")->check(CLI::Range(1, 1024));
  sweep->add_option("--out", sweep_req.out_dir, "results directory (default sweep-<name>): results.db, plots, best designs");
  sweep->add_option("--engine", sweep_req.engine, "run: a shiftsim run child per point (default); model: the timing model in-process")
      ->check(CLI::IsMember({"run", "model"}));
  sweep->add_option("--csv", sweep_req.csv, "export every row of the database to this CSV file");
  sweep->add_flag("--retry-failed", sweep_req.retry_failed, "evaluate failed points again");
  sweep->add_option("--timeout", sweep_req.timeout_s, "seconds one child run may take (default: no limit)")
      ->check(CLI::Range(0.0, 1e9));
  sweep->add_flag("--slurm", sweep_req.slurm,
                  "submit the points without a row as a Slurm job array (sbatch); results in DIR/slurm, merged by --collect or any rerun");
  sweep->add_flag("--no-submit", sweep_req.no_submit, "with --slurm: write the batch and its job script, do not submit");
  sweep->add_option("--tasks", sweep_req.tasks, "with --slurm: array tasks sharing the points (default: one per point, at most 100)")
      ->check(CLI::Range(1, 100000));
  sweep->add_option("--sbatch-arg", sweep_req.sbatch_args,
                    "with --slurm: an #SBATCH option for the job, e.g. --sbatch-arg=--partition=short (repeatable)");
  sweep->add_flag("--collect", sweep_req.collect, "merge the Slurm batches' results into the database and report; evaluate nothing");
  // What each task of a submitted job runs (the job script writes it); not for people.
  sweep->add_option("--slurm-task", sweep_req.slurm_task)->group("");
  sweep->add_option("--task-index", sweep_req.task_index)->group("");

  CLI::App* describe = app.add_subcommand("describe", "list every arch parameter");

  if (names_unknown_subcommand(app, argc, argv)) {
    std::cerr << "shiftsim: error: unknown subcommand " << argv[1] << " (see shiftsim --help)\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::cerr << "shiftsim: error: " << e.what() << " (see shiftsim --help)\n";
    return 2;
  }
  try {
    req.mode = mode == "cycle" ? models::SimMode::cycle : models::SimMode::fast;
    req.progress = isatty(2) != 0;
    if (*run) return sim::run_command(req);
    if (*golden) return sim::golden_command(golden_req);
    if (*compare) return sim::compare_command(cmp, argv[0]);
    if (*bench) return sim::bench_command(bench_req, argv[0]);
    if (*quantize) {
      if (!qreq.float_path.empty() && sim::is_sequence_float_model(qreq.float_path)) {
        for (const char* o : {"--arch", "--set", "--thresholds", "--first-last-bits"})
          if (quantize->count(o))
            throw InputError(std::string(o) + ": " + qreq.float_path + " is a sequence network, "
                             "quantized without an architecture (docs/QUANTIZATION.md)");
        rqreq.float_path = qreq.float_path;
        rqreq.out_path = qreq.out_path;
        rqreq.method = quantize->count("--method") ? qreq.method : "fixed";
        rqreq.bits = qreq.bits;
        rqreq.search_tolerance = qreq.search_tolerance;
        if (quantize->count("--search-images")) rqreq.search_samples = qreq.search_images;
        rqreq.calib = qreq.calib_images;
        return sim::recurrent_quantize_command(rqreq);
      }
      if (quantize->count("--act-bits"))
        throw InputError("--act-bits: for sequence networks; a CNN's activation width is its arch's");
      if (qreq.arch_path.empty()) throw InputError("--arch is required: the architecture whose number formats the model takes");
      return sim::quantize_command(qreq);
    }
    if (*eval) {
      const bool seq = (!ereq.model_path.empty() && quant::is_recurrent_model_file(ereq.model_path)) ||
                       (!ereq.float_path.empty() && ereq.model_path.empty() &&
                        sim::is_sequence_float_model(ereq.float_path));
      if (seq) {
        rereq.model_path = ereq.model_path;
        rereq.float_path = ereq.float_path;
        rereq.limit = ereq.limit;
        return sim::recurrent_eval_command(rereq);
      }
      if (eval->count("--split")) throw InputError("--split: for sequence networks only");
      return sim::eval_command(ereq);
    }
    if (*fit) return sim::fit_command(freq, argv[0]);
    if (*reproduce) return sim::reproduce_command(rep, argv[0]);
    if (*difftest) {
      diff.progress = req.progress;  // on a terminal
      return sim::difftest_command(diff, argv[0]);
    }
    if (*sweep) {
      sweep_req.progress = req.progress;  // on a terminal
      return sim::sweep_command(sweep_req, argv[0]);
    }
    if (*describe) {
      // Said here, where a user looks up a default: leaving out a key, or a whole section
      // ("ppu", "dram", "energy", ...), is not an error; it takes the defaults listed.
      std::cout << "Every key without \"required\" may be left out, and so may a whole section (\"ppu\",\n"
                   "\"dram\", \"host\", ...): it then takes the default listed here, silently. An unknown\n"
                   "key is an error.\n\n"
                << sim::describe_arch_params();
      return 0;
    }
  } catch (const InputError& e) {
    std::cerr << "shiftsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "shiftsim: internal error: " << e.what() << "\n";
    return 3;
  }
  return 1;
}

// libsystemc.so refers to sc_main; shiftsim has its own main and elaborates from
// models::simulate(), so this is never called.
extern "C" int sc_main(int, char**) { return 1; }
