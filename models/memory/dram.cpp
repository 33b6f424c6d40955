#include "models/memory/dram.h"

#include <algorithm>
#include <cstring>

#include "models/memory/dram_access_extension.h"

namespace shiftsim::models {

Dram::Dram(sc_core::sc_module_name name, const ArchSpec& arch, VcdTrace& trace)
    : sc_module(name),
      socket("socket"),
      clk("clk"),
      clock_(arch.clock_mhz),
      timing_(arch.dram, arch.clock_mhz),
      memory_(make_memory_timing(arch)),
      memory_banks_per_group_(arch.dram.ddr4.banks_per_group),
      capacity_(arch.dram.size_mib << 20),
      trace_(trace) {
  socket.register_nb_transport_fw(this, &Dram::nb_transport_fw);
  socket.register_transport_dbg(this, &Dram::transport_dbg);
  SC_HAS_PROCESS(Dram);
  SC_METHOD(arbitrate);
  sensitive << request_event_;
  dont_initialize();
  if (trace_.on() && memory_->banks() > 0) {
    memory_->log_commands(&log_);
    SC_METHOD(trace_commands);
    sensitive << clk.pos();
    dont_initialize();
  }
}

uint32_t Dram::traced_banks(const ArchSpec& arch) {
  return arch.dram.model == DramModel::ddr4 ? std::min(arch.dram.ddr4.banks(), kTraceBanks) : 0;
}

void Dram::trace_commands() {
  const uint64_t now = clock_.now();
  memory_->settle(now);
  for (const Ddr4Command& c : log_) placed_.push(c);
  log_.clear();
  if (now == 0) return;
  // The previous cycle is complete: its requests were served and its refreshes placed.
  const uint64_t cycle = now - 1;
  uint64_t count[5] = {0, 0, 0, 0, 0};  // ACT, RD, WR, PRE (one bank or all), REF
  while (!placed_.empty() && placed_.top().accel_cycle <= cycle) {
    const Ddr4Command c = placed_.top();
    placed_.pop();
    const uint32_t bank = c.bank_group * memory_banks_per_group_ + c.bank;
    switch (c.kind) {
      case Ddr4CommandKind::act:
        ++count[0];
        if (bank < kTraceBanks) trace_.set(Sig(int(Sig::dram_bank_row0) + int(bank)), c.row, cycle);
        break;
      case Ddr4CommandKind::rd: ++count[1]; break;
      case Ddr4CommandKind::wr: ++count[2]; break;
      case Ddr4CommandKind::pre:
        ++count[3];
        if (bank < kTraceBanks) trace_.set(Sig(int(Sig::dram_bank_row0) + int(bank)), kClosedRow, cycle);
        break;
      case Ddr4CommandKind::prea:
        ++count[3];
        for (uint32_t b = 0; b < kTraceBanks; ++b) trace_.set(Sig(int(Sig::dram_bank_row0) + int(b)), kClosedRow, cycle);
        break;
      case Ddr4CommandKind::ref: ++count[4]; break;
    }
  }
  const Sig sigs[5] = {Sig::dram_act, Sig::dram_rd, Sig::dram_wr, Sig::dram_pre, Sig::dram_ref};
  for (int i = 0; i < 5; ++i) trace_.set(sigs[i], count[i], cycle);
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  const uint32_t len = gp.get_data_length();
  if (!in_range(addr, len)) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  if (addr + len > storage_.size()) storage_.resize(addr + len, 0);
  if (gp.is_write())
    std::memcpy(storage_.data() + addr, gp.get_data_ptr(), len);
  else
    std::memcpy(gp.get_data_ptr(), storage_.data() + addr, len);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

tlm::tlm_sync_enum Dram::nb_transport_fw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                         sc_core::sc_time& delay) {
  if (phase != tlm::BEGIN_REQ || gp.get_extension<DramAccessExtension>() == nullptr) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return tlm::TLM_COMPLETED;
  }
  if (!in_range(gp.get_address(), gp.get_data_length()) || gp.get_byte_enable_ptr() != nullptr) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return tlm::TLM_COMPLETED;
  }
  requests_.push_back({&gp, clock_.of(sc_core::sc_time_stamp() + delay)});
  // Served a delta later, when every engine has issued what it issues at this edge.
  request_event_.notify(sc_core::SC_ZERO_TIME);
  phase = tlm::END_REQ;
  return tlm::TLM_UPDATED;
}

void Dram::arbitrate() {
  std::stable_sort(requests_.begin(), requests_.end(), [](const Request& a, const Request& b) {
    if (a.arrival != b.arrival) return a.arrival < b.arrival;
    return a.gp->get_extension<DramAccessExtension>()->initiator <
           b.gp->get_extension<DramAccessExtension>()->initiator;
  });
  const uint64_t now = clock_.now();
  for (const Request& r : requests_) {
    tlm::tlm_generic_payload& gp = *r.gp;
    const uint64_t addr = gp.get_address();
    const uint32_t len = gp.get_data_length();
    if (addr + len > storage_.size()) storage_.resize(addr + len, 0);
    if (gp.is_write())
      std::memcpy(storage_.data() + addr, gp.get_data_ptr(), len);
    else
      std::memcpy(gp.get_data_ptr(), storage_.data() + addr, len);
    const MemAccess a = memory_->access(gp.is_write(), r.arrival, addr, len);
    auto* ext = gp.get_extension<DramAccessExtension>();
    ext->first = a.first;
    ext->last = a.last;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    sc_core::sc_time delay = clock_.cycles(a.first - std::min(a.first, now));
    socket->nb_transport_bw(gp, phase, delay);
  }
  requests_.clear();
}

}  // namespace shiftsim::models
