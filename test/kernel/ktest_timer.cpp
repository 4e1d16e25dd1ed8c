// The scheduler tick comes on every hart that runs a thread and on no idle
// one; callouts run at their deadline; IPIs reach every hart.
#include "core/sched/clock.h"
#include "core/sched/cpu.h"
#include "core/boot/ktest.h"
#include "core/sched/lwp.h"
#include "core/sched/smp_call.h"
#include "core/sync/sleepq.h"
#include "hal/hal.h"

using namespace tine;

namespace {
void spin_until(void* arg) {
  auto* stop = static_cast<bool*>(arg);
  while (!__atomic_load_n(stop, __ATOMIC_ACQUIRE)) hal::cpu_relax();
}
}  // namespace

KTEST(timer_ticks_on_every_busy_hart) {
  const unsigned n = hal::online_cpus();
  // A spinning thread pinned on every hart; ours shares its hart with one.
  bool stop = false;
  Lwp* spinners[hal::kMaxCpus];
  u64 before[hal::kMaxCpus];
  for (unsigned i = 0; i < n; i++) before[i] = cpu_ticks(i);
  for (unsigned i = 0; i < n; i++) {
    LwpOptions o;
    o.joinable = true;
    o.pinned = int(i);
    spinners[i] = MUST(lwp_create(spin_until, &stop, o));
  }
  // Every hart must take 5 ticks (50 ms at 100 Hz). Allow 2 s of guest
  // time: a loaded host may run some vCPUs late, but none may stay silent.
  const u64 deadline = hal::time_ns() + 2'000'000'000;
  unsigned slow = n;
  for (;;) {
    slow = n;
    for (unsigned i = 0; i < n; i++)
      if (cpu_ticks(i) - before[i] < 5) slow = i;
    if (slow == n || hal::time_ns() > deadline) break;
    sleep_ns(5'000'000);
  }
  __atomic_store_n(&stop, true, __ATOMIC_RELEASE);
  for (unsigned i = 0; i < n; i++) lwp_join(spinners[i]);
  if (slow != n)
    kt.fail("cpu %u took %lu ticks in 2 s", slow,
            (unsigned long)(cpu_ticks(slow) - before[slow]));
}

KTEST(timer_idle_harts_take_no_tick) {
  // While this thread sleeps 300 ms the machine has nothing to run: no
  // hart may tick (30 ticks each at 100 Hz when idle harts ticked). A
  // few are allowed for kernel threads that wake meanwhile.
  const unsigned n = hal::online_cpus();
  auto sum = [n](u64 (*count)(unsigned)) {
    u64 total = 0;
    for (unsigned i = 0; i < n; i++) total += count(i);
    return total;
  };
  const u64 ticks0 = sum(cpu_ticks), irqs0 = sum(cpu_timer_irqs);
  sleep_ns(300'000'000);
  const u64 ticks = sum(cpu_ticks) - ticks0, irqs = sum(cpu_timer_irqs) - irqs0;
  if (ticks > 5 || irqs > 10)  // the sleep's own callout is one interrupt
    kt.fail("%lu ticks, %lu timer interrupts on %u idle harts in 300 ms",
            (unsigned long)ticks, (unsigned long)irqs, n);
}

KTEST(timer_callout_runs_at_its_deadline) {
  // 20 sleeps of 1 ms: about 20 ms when a callout runs at its deadline,
  // at least 180 ms when it waits for a 10 ms tick. Generous for a
  // loaded host.
  const u64 t0 = hal::time_ns();
  for (int i = 0; i < 20; i++) {
    const u64 s = hal::time_ns();
    sleep_ns(1'000'000);
    KT_CHECK(hal::time_ns() - s >= 1'000'000u);
  }
  const u64 took = hal::time_ns() - t0;
  if (took >= 120'000'000u)
    kt.fail("20 sleeps of 1 ms took %lu us", (unsigned long)(took / 1000));
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
