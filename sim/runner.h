#pragma once
// `shiftsim run` and `shiftsim golden` as numbered steps of the flow:
//   1 architecture config  2 network  3 weights and input  4 quantization
//   5 golden reference     6 program  7 simulation         8 outputs, check, report
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/simulation.h"
#include "quant/golden.h"
#include "quant/qnetwork.h"
#include "sim/arch_config.h"
#include "sim/energy_spec.h"
#include "sim/mapper.h"
#include "sim/work_budget.h"

namespace shiftsim::sim {

struct RunRequest {
  std::string arch_path, net_path;
  std::vector<std::string> sets;  // --set overrides
  models::SimMode mode = models::SimMode::fast;
  uint64_t seed = 1;
  std::string input_npy;          // empty: generated from the seed (or a test image with --model)
  std::string model_path;         // --model: a quantized model instead of generated weights
  uint64_t image = 0;             // --image: Fashion-MNIST test image for a 1x28x28 model
  uint32_t test_images = 0;       // --test-images: the first N test images in one simulation
  std::string report_json, csv, dump_dir;
  models::TraceOptions trace;
  std::string trace_layer;        // --vcd-layer: a layer name or index; empty: all
  bool check = true;              // compare with the golden executor
  bool progress = false;          // layer i of N on stderr
  bool allow_over_budget = false; // --allow-over-budget: simulate a machine its device cannot hold
  uint64_t watchdog_cycles = 0;   // --watchdog-cycles: cycle mode's deadlock guard (0: automatic)
  WorkBudget budget;              // --max-macs, --max-memory
  bool allow_large = false;       // --allow-large: run beyond the budget
  bool announce_work = false;     // print the work estimate of a long run on stderr
};

// The machine a run simulates: its arch config and the energy table that prices it.
struct RunMachine {
  ArchConfig cfg;
  EnergySpec energy;
};
// Reads the arch file (with req.sets) and its energy table; refuses a table of another device.
RunMachine load_run_machine(const RunRequest& req);
// The simulation options a run request gives a machine: mode, trace (clocked in cycle mode),
// watchdog and DSP counting; the caller adds what its run needs beyond them.
models::SimOptions sim_options(const RunRequest& req, const ArchConfig& cfg);

struct Prepared {
  ArchConfig cfg;
  EnergySpec energy;
  std::string net_name;
  quant::QuantizedNetwork qn;
  quant::Tensor<int16_t> input;
  // --input values the input format could not hold and saturated ("" when none).
  std::string input_warning;
  // A generated network: the golden executor's outputs on `input`, from the quantizer's
  // calibration pass (quantize_network), which execute() uses instead of a second run.
  std::optional<quant::GoldenRun> golden;
};

struct RunOutcome {
  models::SimResult sim;
  quant::GoldenRun golden;
  std::vector<quant::Tensor<int16_t>> outputs;  // the simulator's, per layer
  std::vector<bool> layer_exact;                 // per layer, when checked
  bool checked = false, bit_exact = false;
  double wall_prepare_s = 0, wall_golden_s = 0, wall_sim_s = 0;
};

// Steps 1-4. Throws InputError on bad input, and on a network whose estimated work is over
// req.budget (unless req.allow_large), before its weights are generated.
Prepared prepare(const RunRequest& req);
Prepared prepare(const RunRequest& req, RunMachine machine);

// Steps 5-8 without writing files.
// Takes p.golden when there is one.
RunOutcome execute(Prepared& p, const RunRequest& req);

// The whole `run` command: prepares, executes, writes the report, CSV and outputs (only after
// success, each written atomically), prints the table. Returns the process exit code.
int run_command(const RunRequest& req);

// `golden`: steps 1-5, outputs dumped; no timing.
int golden_command(const RunRequest& req);

}  // namespace shiftsim::sim
