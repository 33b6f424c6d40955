#pragma once
// `shiftsim run` for sequence networks (lstm and gru layers) on the accelerator's recurrent
// unit (docs/ARCHITECTURE.md §11): a quantized sequence model (--model M.rqn) or a network JSON
// with seeded random weights, quantized per tensor; mapped, simulated in either mode and every
// layer's output compared bit for bit with the golden integer executor
// (quant/recurrent_golden.h).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/simulation.h"
#include "quant/recurrent_golden.h"
#include "quant/recurrent_qnetwork.h"
#include "sim/output_compare.h"
#include "sim/recurrent_mapper.h"
#include "sim/runner.h"

namespace shiftsim::sim {

// A sequence for the network's input: uniform token ids when an embedding reads it, else
// generate_input's values.
quant::Tensor<float> random_sequence_input(const quant::Network& net, uint64_t seed);

// Whether the run's model or network has sequence layers (then recurrent_run_command runs it).
bool is_sequence_run(const RunRequest& req);

// The model, or the network's seeded random weights quantized in the machine's number formats:
// power-of-two matrices of numerics.weight_bits on the SVPE array, weight_bits fixed point on
// the VPE array, every other tensor 16 bits, calibrated on generated sequences.
quant::RecurrentQuantizedNetwork recurrent_network_for(const RunRequest& req, const models::ArchSpec& arch);

struct RecurrentOutcome {
  models::SimResult sim;
  std::vector<quant::RecurrentGoldenRun> golden;              // per sequence
  std::vector<std::vector<quant::Tensor<int32_t>>> outputs;   // per sequence, per layer
  std::vector<LayerComparison> compared;                      // per sequence: its layers against the golden's
  uint32_t exact_sequences = 0;
};

// Runs `inputs` (one per inference) through one simulation; each sequence's layer outputs are
// read back and compared with the golden executor's.
RecurrentOutcome simulate_sequences(const quant::RecurrentQuantizedNetwork& qn,
                                    const std::vector<quant::Tensor<int32_t>>& inputs,
                                    const models::ArchSpec& arch, const models::SimOptions& options,
                                    const std::string& where);

int recurrent_run_command(const RunRequest& req);

}  // namespace shiftsim::sim
