#include "core/callout.h"

#include "core/cpu.h"

namespace tine {

void callout_schedule(Callout& c, u64 delay_ns, void (*fn)(void*), void* arg) {
  IrqSpinGuard irq_off_and(this_cpu().callouts.lock);
  Cpu& cpu = this_cpu();
  CalloutList& list = cpu.callouts;
  KASSERT(c.cpu < 0 && !c.linked());
  c.deadline_ns = hal::time_ns() + delay_ns;
  c.fn = fn;
  c.arg = arg;
  c.cpu = int(cpu.index);
  // Sorted insert; lists are short (sleepers on one hart).
  Callout* after = nullptr;
  for (Callout* o : list.pending) {
    if (o->deadline_ns > c.deadline_ns) break;
    after = o;
  }
  if (after)
    list.pending.insert_after(after, &c);
  else
    list.pending.push_front(&c);
}

bool callout_stop(Callout& c) {
  for (;;) {
    int cpu = __atomic_load_n(&c.cpu, __ATOMIC_ACQUIRE);
    if (cpu >= 0) {
      CalloutList& list = g_cpus[cpu].callouts;
      IrqSpinGuard guard(list.lock);
      if (c.cpu != cpu) continue;  // it moved meanwhile: look again
      list.pending.remove(&c);
      c.cpu = -1;
      return true;
    }
    // Not pending: maybe running on its hart right now.
    while (__atomic_load_n(&c.running, __ATOMIC_ACQUIRE)) hal::cpu_relax();
    if (__atomic_load_n(&c.cpu, __ATOMIC_ACQUIRE) < 0) return false;
  }
}

void callout_run_expired() {
  Cpu& cpu = this_cpu();
  CalloutList& list = cpu.callouts;
  const u64 now = hal::time_ns();
  for (;;) {
    Callout* c;
    {
      SpinGuard guard(list.lock);  // interrupts are off in the handler
      c = list.pending.front();
      if (!c || c->deadline_ns > now) return;
      list.pending.remove(c);
      __atomic_store_n(&c->running, 1u, __ATOMIC_RELAXED);
      __atomic_store_n(&c->cpu, -1, __ATOMIC_RELEASE);
    }
    c->fn(c->arg);
    __atomic_store_n(&c->running, 0u, __ATOMIC_RELEASE);
  }
}

}  // namespace tine
