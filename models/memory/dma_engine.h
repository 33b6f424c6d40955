#pragma once
// A DMA engine in the AXI style (docs/ARCHITECTURE.md §4), clocked. Its owner hands it jobs
// (contiguous transfers, split into bursts of at most max_burst_bytes that never cross 4 KiB),
// at most one a cycle; the engine sees a job at the next edge. It issues one burst request a
// cycle while fewer than `dma.outstanding` bursts are in flight, across job boundaries, and
// moves each burst's data beats over its data channel one beat a cycle, in order, as the DRAM
// has them (the DRAM target annotates when a burst's data is there). A burst's slot frees
// after its last beat. A write job's beats also wait for the data its source (the PPU)
// produces, one beat a cycle from the job's `data_ready`. When a job's last beat has moved,
// the engine runs the job's completion (in that cycle).
//
// Towards the DRAM it speaks TLM-2.0's two phases: BEGIN_REQ in the cycle a burst issues,
// BEGIN_RESP from the DRAM later in that cycle with the burst's data cycles, once the DRAM has
// ordered the cycle's requests of all engines (docs/ARCHITECTURE.md §4).
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/memory/dram_timing.h"
#include "models/memory/dram_access_extension.h"
#include "models/unit_env.h"

namespace shiftsim::models {

class DmaEngine : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DmaEngine> socket;
  sc_core::sc_in<bool> clk;

  DmaEngine(sc_core::sc_module_name name, UnitEnv& env, const DramTiming& timing,
            DramInitiator who);

  // Queues one contiguous transfer of the next job; `data` must stay valid until the job is done.
  void add(uint64_t addr, uint8_t* data, uint64_t bytes);
  // From the owning clocked thread: hands the queued transfers over as one job; `done` runs in
  // the cycle of its last beat. Returns at once; call at most once a cycle.
  void submit(std::function<void()> done, uint64_t data_ready = 0);
  // submit, then block the thread until the edge after the job's last beat.
  void run(uint64_t data_ready = 0);
  bool idle() const { return jobs_.empty() && pending_.empty(); }

 private:
  struct Burst {
    uint64_t addr = 0;
    uint8_t* data = nullptr;
    uint32_t bytes = 0, beats = 0;
    uint64_t offset = 0;           // beats of its job before this burst
    uint64_t first = 0, last = 0;  // when the DRAM has its data
    bool answered = false;         // the DRAM's response has come
    uint32_t moved = 0;            // beats moved so far
  };
  // A burst in flight: its payload and which burst it carries.
  struct Slot {
    tlm::tlm_generic_payload gp;
    DramAccessExtension* ext = nullptr;  // owned by gp
    Burst* burst = nullptr;
  };
  struct Job {
    std::vector<Burst> bursts;
    uint64_t data_ready = 0;
    std::function<void()> done;
    size_t issued = 0, moved = 0;  // bursts issued, bursts fully moved
  };
  void tick();
  void issue(Burst& b);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);

  UnitEnv& env_;
  const DramTiming& timing_;
  const bool write_;
  std::vector<std::unique_ptr<Slot>> slots_;  // dma.outstanding of them, used in turn
  uint64_t issued_count_ = 0;
  Job building_;
  uint64_t building_beats_ = 0;
  std::deque<Job> pending_;  // handed over, not yet seen by the engine
  std::deque<Job> jobs_;     // taken: bursts issuing and moving, in order
  uint32_t submitted_count_ = 0, taken_ = 0, outstanding_ = 0;
  bool sleeping_ = false;
  sc_core::sc_signal<uint32_t> submitted_;  // jobs handed over so far
  sc_core::sc_event job_done_;
};

}  // namespace shiftsim::models
