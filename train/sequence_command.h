#pragma once
// `shiftsim train --net NET.json` when NET has sequence layers (embedding, lstm, gru): float
// training of a row-by-row Fashion-MNIST classifier or of a word-level language model on the
// fortunes corpus (quant/sequence_data.h chooses by the network), with its own report.
#include <cstdint>
#include <string>

#include "quant/sequence_data.h"
#include "train/sequence_trainer.h"

namespace shiftsim::train {

struct SequenceCommand {
  std::string out, report;
  int64_t train_limit = 0, test_limit = 0;  // samples (images or windows); 0: all
  quant::SequenceDataOptions data;
  SequenceTrainOptions opts;
};

// Trains `start`, evaluating on the valid split after each epoch and on the test split at the
// end; prints a line per epoch and a summary. Returns the exit code.
int run_sequence_training(const quant::FloatNetwork& start, const SequenceCommand& c);

}  // namespace shiftsim::train
