#pragma once
// What the three buffers of cycle mode share: two halves handed between a producer and a
// consumer by the toggle handshakes of docs/ARCHITECTURE.md §7. The buffer listens to those
// toggles: half h is the consumer's while the producer's toggle differs from the consumer's,
// and the producer's otherwise. It shows that in the trace and refuses an access by the side
// that does not hold the half (a protocol bug in a unit, never a user error).
#include <cstdint>
#include <stdexcept>
#include <string>

#include <systemc>

#include "models/unit_env.h"

namespace shiftsim::models {

class DoubleBuffer : public sc_core::sc_module {
 public:
  sc_core::sc_vector<sc_core::sc_in<bool>> filled;  // the producer's toggle of half h
  sc_core::sc_vector<sc_core::sc_in<bool>> freed;   // the consumer's toggle of half h

 protected:
  DoubleBuffer(sc_core::sc_module_name name, UnitEnv& env, Sig owner_signal)
      : sc_module(name), filled("filled", 2), freed("freed", 2), env_(env), owner_signal_(owner_signal) {
    SC_HAS_PROCESS(DoubleBuffer);
    SC_METHOD(show_owner);
    for (int h = 0; h < 2; ++h) sensitive << filled[h] << freed[h];
    dont_initialize();
  }

  bool consumer_holds(uint32_t half) const { return filled[half].read() != freed[half].read(); }
  // Throws unless the consumer (consumer = true) or the producer holds `half`.
  void require(uint32_t half, bool consumer, const char* access) const {
    if (consumer_holds(half) != consumer)
      throw std::logic_error(std::string(name()) + ": " + access + " of half " + std::to_string(half) +
                             " in cycle " + std::to_string(env_.clock.now()) + ", which the " +
                             (consumer ? "producer" : "consumer") + " holds");
  }

  UnitEnv& env_;

 private:
  void show_owner() {
    env_.mark(owner_signal_, uint64_t(consumer_holds(0)) | (uint64_t(consumer_holds(1)) << 1));
  }
  const Sig owner_signal_;
};

}  // namespace shiftsim::models
