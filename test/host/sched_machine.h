// A host "machine" for the scheduler tests: N simulated harts, each a host
// thread running the generic scheduler (hal/host/context.cpp). The Catch2
// main thread becomes hart 0's first LWP. Started once per test binary.
#pragma once

#include "core/sched/lwp.h"

namespace tine::test {

inline constexpr unsigned kHostHarts = 4;

// Starts the machine on first use; later calls return at once.
void start_sched_machine();

// Runs fn(i) on `count` new joinable LWPs and joins them all.
void run_lwps(unsigned count, void (*fn)(void*), void* const* args,
              const LwpOptions& base);

}  // namespace tine::test
