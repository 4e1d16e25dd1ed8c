#include "core/sched/callout.h"

#include "core/sched/clock.h"
#include "core/sched/cpu.h"
#include "core/sync/spin_wait.h"

namespace tine {

namespace {
// Sorted insert into one hart's list; lists are short (sleepers on a hart).
void insert_sorted(Cpu& cpu, Callout& c, u64 deadline, void (*fn)(void*),
                   void* arg) {
  CalloutList& list = cpu.callouts;
  SpinGuard guard(list.lock);
  KASSERT(c.cpu < 0 && !c.linked());
  c.deadline_ns = deadline;
  c.fn = fn;
  c.arg = arg;
  c.cpu = int(cpu.index);
  Callout* after = nullptr;
  for (Callout* o : list.pending) {
    if (o->deadline_ns > deadline) break;
    after = o;
  }
  if (after)
    list.pending.insert_after(after, &c);
  else
    list.pending.push_front(&c);
}
}  // namespace

void callout_schedule(Callout& c, u64 delay_ns, void (*fn)(void*), void* arg) {
  const hal::IrqState s = hal::irq_save();  // stay on this hart
  Cpu& cpu = this_cpu();
  const u64 deadline = hal::time_ns() + delay_ns;
  insert_sorted(cpu, c, deadline, fn, arg);
  clock_callout_armed(deadline);
  hal::irq_restore(s);
}

void callout_schedule_at(Callout& c, u64 deadline_ns, void (*fn)(void*), void* arg) {
  const hal::IrqState s = hal::irq_save();
  insert_sorted(this_cpu(), c, deadline_ns, fn, arg);
  clock_callout_armed(deadline_ns);
  hal::irq_restore(s);
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
    SpinWait w;
    while (__atomic_load_n(&c.running, __ATOMIC_ACQUIRE)) w.pause();
    if (__atomic_load_n(&c.cpu, __ATOMIC_ACQUIRE) < 0) return false;
  }
}

u64 callout_next_deadline() {
  CalloutList& list = this_cpu().callouts;
  SpinGuard guard(list.lock);
  Callout* c = list.pending.front();
  return c ? c->deadline_ns : hal::kTimerNever;
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
