// Timer interrupts tick on every hart; IPIs reach every hart.
#include "core/clock.h"
#include "core/cpu.h"
#include "core/ktest.h"
#include "core/smp_call.h"
#include "hal/hal.h"

using namespace tine;

KTEST(timer_ticks_on_every_hart) {
  const unsigned n = hal::online_cpus();
  u64 before[hal::kMaxCpus];
  for (unsigned i = 0; i < n; i++) before[i] = cpu_ticks(i);
  // 100 ms of guest time is 10 ticks at 100 Hz; ask for at least 5.
  const u64 until = hal::time_ns() + 100'000'000;
  while (hal::time_ns() < until) hal::cpu_relax();
  for (unsigned i = 0; i < n; i++) {
    u64 got = cpu_ticks(i) - before[i];
    if (got < 5) {
      kt.fail("cpu %u took %lu ticks in 100 ms", i, (unsigned long)got);
      return;
    }
  }
}

namespace {
u32 g_seen[hal::kMaxCpus];
void mark_cpu(void*) {
  __atomic_fetch_add(&g_seen[hal::cpu_index()], 1u, __ATOMIC_RELAXED);
}
}  // namespace

KTEST(ipi_reaches_every_hart) {
  const unsigned n = hal::online_cpus();
  for (unsigned i = 0; i < n; i++) g_seen[i] = 0;
  for (int round = 0; round < 10; round++) smp_call_all(mark_cpu, nullptr);
  for (unsigned i = 0; i < n; i++) KT_CHECK_EQ(g_seen[i], 10u);
}
