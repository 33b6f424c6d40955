#pragma once
// The recurrent unit's register file (docs/ARCHITECTURE.md §11 "Register file", docs/RESOURCES.md
// "Recurrent register file", docs/ENERGY.md): the on-chip memories that hold a pass's gate sums,
// biases, gate values and activations, h, c and the step's temporaries, which the MVM unit's
// lane accumulators, the activation and element-wise units and the recurrent unit's jobs read
// and write. The machine bounds it by `recurrent.max_rows` (ArchSpec::recurrent), the most rows a
// pass may have; each memory is sized from that, Tm lanes wide (lane l holds its elements),
// with a copy per read port an operation needs in one cycle. The resource model sums the
// memories; the energy model prices each element read or written, counted by both simulation
// modes through the functions below. Plain C++, no SystemC.
#include <array>
#include <cstddef>
#include <cstdint>

#include "models/arch_spec.h"
#include "models/energy/activity.h"
#include "models/recurrent/recurrent_layer.h"
#include "models/resources/resources.h"

namespace shiftsim::models {

// The file's memories: the W x and R h sums (the lane accumulators' results), the biases Wb and
// Rb, the peepholes, the gate pre-activations (also an fc's outputs and an embedding's row), the
// gate activations, the lstm o's sum kept for its peephole, h and c (each two halves: the
// step's state and the next), tanh(c') and the gru's q = R_h h + Rb_h.
enum class RfMem : uint32_t { wx, rh, bias_w, bias_r, peep, pre, act, part, h, c, tanh_c, q };
constexpr size_t kRfMems = 12;
const char* rf_mem_name(RfMem m);

struct RfMemory {
  RfMem mem = RfMem::wx;
  uint64_t rows = 0;     // elements it holds (both halves for h and c)
  uint32_t bits = 0;     // per element
  uint32_t copies = 1;   // one per read port an operation needs in one cycle; every copy is written
  uint64_t words = 0;    // its depth: rows over the Tm lanes
  bool block_ram = false;  // RAMB36/RAMB18 (deeper than 64 words), else LUTRAM with a read register
  Resources use;         // every copy
};

struct RegisterFile {
  std::array<RfMemory, kRfMems> mems;
  Resources total;
};
// std::invalid_argument on a shape the model cannot cost.
RegisterFile register_file(const ArchSpec& spec);

// The rows a pass needs in the file: an lstm's 4 gate blocks, a gru's 3, each starting on a
// word of the Tm lanes (so every block but the last takes ceil(H / Tm) Tm rows), an fc's outputs,
// an embedding's row. The mapper refuses a layer whose rows exceed recurrent.max_rows.
uint64_t recurrent_rows(const RecurrentHeader& h, uint32_t tm);

// What one element of a vector operation reads and writes in the file.
struct RfAccess {
  std::array<uint8_t, kRfMems> reads{}, writes{};
  bool operand_fill = false;  // r h: written into the array's operand banks (the input buffer)
};
RfAccess rf_element_access(const RecurrentHeader& h, const VecOp& op, uint32_t e);

// The file's other accesses, counted by both modes where their events happen: the parameter
// job's writes (biases, peepholes, h0 and c0 or zeros); a step's start (an lstm's or gru's h
// read into the array's operand banks, an embedding's row written); h_t read for its store
// job; a row tile's sums written by the lane accumulators.
void count_rf_parameters(const ActivityCounter& count, const RecurrentHeader& h, ComponentActions& a);
void count_rf_step_start(const ActivityCounter& count, const RecurrentHeader& h, ComponentActions& a);
void count_rf_store(const ActivityCounter& count, const RecurrentHeader& h, ComponentActions& a);
void count_rf_sums(const ActivityCounter& count, bool recurrent, uint32_t rows, ComponentActions& a);
// One element of a vector operation (count_vector_element calls it).
void count_rf_element(const ActivityCounter& count, const RecurrentHeader& h, const VecOp& op, uint32_t e,
                      ComponentActions& a);

}  // namespace shiftsim::models
