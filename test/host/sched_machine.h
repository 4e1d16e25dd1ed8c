// A host "machine" for the scheduler tests: N simulated harts, each a host
// thread running the generic scheduler (hal/host/context.cpp). The Catch2
// main thread becomes hart 0's first LWP. Started once per test binary.
#pragma once

#include "core/sched/lwp.h"

namespace tine::test {

inline constexpr unsigned kHostHarts = 4;

// Starts the machine on first use; later calls return at once.
void start_sched_machine();

// The machine as boot leaves it for init: start_sched_machine, the Catch2
// main thread made proc0's LWP (proc0_init), and sigpending_fatal installed
// as the check of interruptible sleeps (core/boot/init.cpp). Once per
// binary, whichever test file asks first; later calls return at once.
void start_proc_machine();

// Runs fn(i) on `count` new joinable LWPs and joins them all.
void run_lwps(unsigned count, void (*fn)(void*), void* const* args,
              const LwpOptions& base);

}  // namespace tine::test
