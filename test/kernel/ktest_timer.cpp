// Timer interrupts tick on every hart; IPIs reach every hart.
#include "core/sched/clock.h"
#include "core/sched/cpu.h"
#include "core/boot/ktest.h"
#include "core/sched/smp_call.h"
#include "hal/hal.h"

using namespace tine;

KTEST(timer_ticks_on_every_hart) {
  const unsigned n = hal::online_cpus();
  u64 before[hal::kMaxCpus];
  for (unsigned i = 0; i < n; i++) before[i] = cpu_ticks(i);
  // Every hart must take 5 ticks (50 ms at 100 Hz). Allow 2 s of guest
  // time: a loaded host may run some vCPUs late, but none may stay silent.
  const u64 deadline = hal::time_ns() + 2'000'000'000;
  for (;;) {
    unsigned slow = n;
    for (unsigned i = 0; i < n; i++)
      if (cpu_ticks(i) - before[i] < 5) slow = i;
    if (slow == n) return;
    if (hal::time_ns() > deadline) {
      kt.fail("cpu %u took %lu ticks in 2 s", slow,
              (unsigned long)(cpu_ticks(slow) - before[slow]));
      return;
    }
    hal::cpu_relax();
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
