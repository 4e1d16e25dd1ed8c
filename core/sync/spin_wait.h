// Busy-waiting on another hart: a lock word, a thread still switching out,
// a cross-call's acknowledgement. Spins, and every kSpinsPerNap rounds
// naps (hal::cpu_nap), so that an emulator that runs harts in turn and
// moves on only when one sleeps lets the awaited hart run: under QEMU 7.2's
// -icount, hart 0 spinning on hart 1 otherwise livelocked for good (each
// turn ends at the next timer deadline, which leaves hart 1 a budget of
// nothing; notes in README "Scheduling").
#pragma once

#include "hal/hal.h"

namespace tine {

class SpinWait {
 public:
  // About 10 us of spinning on a 1 GHz hart before the first nap.
  static constexpr unsigned kSpinsPerNap = 1024;

  void pause() {
    if (++spins_ % kSpinsPerNap != 0)
      hal::cpu_relax();
    else
      hal::cpu_nap();
  }

 private:
  unsigned spins_ = 0;
};

}  // namespace tine
