#include "models/memory/dma_engine.h"

#include <stdexcept>
#include <string>

#include "models/wait_until.h"

namespace shiftsim::models {

DmaEngine::DmaEngine(sc_core::sc_module_name name, UnitEnv& env, const DramTiming& timing,
                     DramInitiator who)
    : sc_module(name), socket("socket"), clk("clk"), env_(env), timing_(timing),
      write_(who == DramInitiator::store), submitted_("submitted") {
  socket.register_nb_transport_bw(this, &DmaEngine::nb_transport_bw);
  for (uint32_t i = 0; i < env.arch.dma.outstanding; ++i) {
    auto s = std::make_unique<Slot>();
    s->ext = new DramAccessExtension;
    s->ext->initiator = who;
    s->ext->tag = i;
    s->gp.set_extension(s->ext);
    slots_.push_back(std::move(s));
  }
  SC_HAS_PROCESS(DmaEngine);
  SC_METHOD(tick);
  sensitive << clk.pos();
  dont_initialize();
}

void DmaEngine::add(uint64_t addr, uint8_t* data, uint64_t bytes) {
  std::vector<models::Burst> split;
  timing_.split(addr, bytes, split);
  const uint64_t width = timing_.width_bytes();
  for (const models::Burst& s : split) {
    Burst b;
    b.addr = s.addr;
    b.data = data + (s.addr - addr);
    b.bytes = s.bytes;
    b.beats = uint32_t((s.addr + s.bytes - 1) / width - s.addr / width + 1);
    b.offset = building_beats_;
    building_beats_ += b.beats;
    building_.bursts.push_back(b);
  }
}

void DmaEngine::submit(std::function<void()> done, uint64_t data_ready) {
  if (building_.bursts.empty()) {  // nothing to move: done at once
    done();
    return;
  }
  building_.data_ready = data_ready;
  building_.done = std::move(done);
  pending_.push_back(std::move(building_));
  building_ = Job{};
  building_beats_ = 0;
  submitted_.write(++submitted_count_);  // the engine takes it at the next edge
}

void DmaEngine::run(uint64_t data_ready) {
  if (building_.bursts.empty()) return;
  bool finished = false;
  submit([&] {
    finished = true;
    job_done_.notify(sc_core::SC_ZERO_TIME);
  }, data_ready);
  // `finished` is set in the cycle of the last beat; the thread goes on at the next edge.
  while (!finished) sc_core::wait(job_done_);
  sc_core::wait();
}

void DmaEngine::issue(Burst& b) {
  // A slot frees with its burst's last beat and bursts finish in order, so slots go in turn.
  Slot& s = *slots_[issued_count_++ % slots_.size()];
  s.burst = &b;
  tlm::tlm_generic_payload& gp = s.gp;
  gp.set_command(write_ ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(b.addr);
  gp.set_data_ptr(b.data);
  gp.set_data_length(b.bytes);
  gp.set_streaming_width(b.bytes);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  // TLM_COMPLETED at once is a refusal (address out of range); else the response comes later.
  if (socket->nb_transport_fw(gp, phase, delay) == tlm::TLM_COMPLETED && gp.is_response_error())
    throw std::runtime_error("DMA: " + gp.get_response_string() + " at address " + std::to_string(b.addr));
}

tlm::tlm_sync_enum DmaEngine::nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                              sc_core::sc_time&) {
  if (phase != tlm::BEGIN_RESP) throw std::logic_error("DMA: unexpected phase from the DRAM");
  auto* ext = gp.get_extension<DramAccessExtension>();
  Burst& b = *slots_.at(ext->tag)->burst;
  if (gp.is_response_error())
    throw std::runtime_error("DMA: " + gp.get_response_string() + " at address " + std::to_string(b.addr));
  b.first = ext->first;
  b.last = ext->last;
  b.answered = true;
  return tlm::TLM_COMPLETED;  // no END_RESP: the engine takes every response at once
}

void DmaEngine::tick() {
  if (sleeping_) {  // woken between edges: act at the next edge
    sleeping_ = false;
    next_trigger();
    return;
  }
  // Take the jobs handed over before this edge.
  while (taken_ < submitted_.read()) {
    jobs_.push_back(std::move(pending_.front()));
    pending_.pop_front();
    ++taken_;
  }
  if (jobs_.empty()) {  // nothing to do: sleep until a job is handed over
    sleeping_ = true;
    next_trigger(submitted_.value_changed_event());
    return;
  }
  const uint64_t now = env_.clock.now();
  // One burst request a cycle, the oldest not yet issued, while a slot is free.
  if (outstanding_ < env_.arch.dma.outstanding) {
    for (Job& j : jobs_) {
      if (j.issued == j.bursts.size()) continue;
      issue(j.bursts[j.issued++]);
      ++outstanding_;
      env_.progress();
      break;
    }
  }
  // One beat a cycle of the oldest burst not yet moved, once the DRAM has it (and, writing,
  // once the source has produced it); the last beat waits for the DRAM's last data.
  Job& j = jobs_.front();
  if (j.moved < j.issued) {
    Burst& b = j.bursts[j.moved];
    const bool dram_ready =
        b.answered && now >= b.first + b.moved && (b.moved + 1 < b.beats || now >= b.last);
    const bool source_ready = !write_ || now >= j.data_ready + b.offset + b.moved;
    if (dram_ready && source_ready) env_.progress();
    if (dram_ready && source_ready && ++b.moved == b.beats) {
      --outstanding_;
      if (++j.moved == j.bursts.size()) {
        j.done();
        jobs_.pop_front();
      }
    }
  }
  env_.mark(write_ ? Sig::dma_wr_outstanding : Sig::dma_rd_outstanding, outstanding_);
}

}  // namespace shiftsim::models
