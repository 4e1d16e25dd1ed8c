#include "core/sched/smp_call.h"

#include "core/sched/cpu.h"
#include "core/sched/interrupts.h"
#include "core/sync/spin_wait.h"
#include "core/sync/spinlock.h"

namespace tine {

namespace {
// Lock order: smp_call_lock is taken before nothing else; it only
// serialises callers.
SpinLock smp_call_lock("smp_call", LockRank::SmpCall);
}  // namespace

void smp_call_all(void (*fn)(void*), void* arg) {
  SpinGuard serial(smp_call_lock);
  const unsigned self = hal::cpu_index();
  const unsigned n = hal::online_cpus();
  for (unsigned i = 0; i < n; i++) {
    if (i == self) continue;
    SmpCall& c = g_cpus[i].call;
    c.fn = fn;
    c.arg = arg;
    __atomic_store_n(&c.pending, 1u, __ATOMIC_RELEASE);
    hal::send_ipi(i);
  }
  fn(arg);
  for (unsigned i = 0; i < n; i++) {
    if (i == self) continue;
    SpinWait w;
    while (__atomic_load_n(&g_cpus[i].call.pending, __ATOMIC_ACQUIRE)) w.pause();
  }
}

void ipi_interrupt() {
  Cpu& c = this_cpu();
  c.ipis++;
  if (__atomic_load_n(&c.call.pending, __ATOMIC_ACQUIRE)) {
    c.call.fn(c.call.arg);
    __atomic_store_n(&c.call.pending, 0u, __ATOMIC_RELEASE);
  }
  // A wakeup queued a thread here: reschedule on the way out of the trap.
  if (c.rq.count() > 0) cpu_need_resched(c);
}

}  // namespace tine
