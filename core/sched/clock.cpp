#include "core/sched/clock.h"

#include "core/sched/callout.h"
#include "core/sched/cpu.h"
#include "core/sched/interrupts.h"
#include "core/sched/sched.h"

namespace tine {

namespace {

void program(Cpu& c, u64 deadline_ns) {
  c.timer_deadline_ns = deadline_ns;
  hal::timer_program(deadline_ns);
}

// What the timer should fire for next: the earliest callout, and the tick
// unless the hart is idle in wfi.
void reprogram(Cpu& c) {
  u64 next = callout_next_deadline();
  if (!c.tickless) next = min(next, c.next_tick_ns);
  program(c, next);
}

// A busy hart with threads waiting in its queue wakes one tickless hart to
// steal them: idle harts no longer look on a tick of their own (Linux's
// NOHZ idle balancing kicks an idle CPU the same way). Once a tick, as the
// idle harts' own ticks looked before.
void kick_idle_hart(Cpu& c) {
  if (c.current == c.idle || c.rq.count() == 0) return;
  const unsigned n = hal::online_cpus();
  for (unsigned k = 1; k < n; k++) {
    const unsigned i = (c.index + k) % n;
    if (__atomic_load_n(&g_cpus[i].tickless, __ATOMIC_ACQUIRE)) {
      hal::send_ipi(i);
      return;
    }
  }
}

}  // namespace

void clock_interrupt() {
  Cpu& c = this_cpu();
  __atomic_store_n(&c.timer_irqs, c.timer_irqs + 1, __ATOMIC_RELAXED);
  const u64 now = hal::time_ns();
  const bool tick_due = now >= c.next_tick_ns;
  if (tick_due) {
    __atomic_store_n(&c.ticks, c.ticks + 1, __ATOMIC_RELAXED);
    c.next_tick_ns = now + hal::tick_period_ns();
  }
  if (!c.sched_running) {
    program(c, c.next_tick_ns);
    return;
  }
  // Callouts armed from here (a periodic timer reloading) need not program
  // the timer one by one: it is programmed once on the way out.
  c.timer_deadline_ns = 0;
  callout_run_expired();
  if (tick_due) {
    sched_tick();
    kick_idle_hart(c);
  }
  reprogram(c);
}

void clock_callout_armed(u64 deadline_ns) {
  Cpu& c = this_cpu();
  if (deadline_ns < c.timer_deadline_ns) program(c, deadline_ns);
}

void clock_idle_enter() {
  Cpu& c = this_cpu();
  __atomic_store_n(&c.tickless, true, __ATOMIC_RELEASE);
  // A callout already due leaves its interrupt raised (its deadline has
  // passed), so the wfi that follows returns at once.
  reprogram(c);
}

void clock_idle_exit() {
  Cpu& c = this_cpu();
  __atomic_store_n(&c.tickless, false, __ATOMIC_RELEASE);
  c.next_tick_ns = hal::time_ns() + hal::tick_period_ns();
  // Only ever earlier: programming a later deadline would take back a
  // callout's interrupt raised while this hart slept with interrupts off.
  if (c.next_tick_ns < c.timer_deadline_ns) program(c, c.next_tick_ns);
}

u64 cpu_ticks(unsigned cpu) {
  return __atomic_load_n(&g_cpus[cpu].ticks, __ATOMIC_RELAXED);
}

u64 cpu_timer_irqs(unsigned cpu) {
  return __atomic_load_n(&g_cpus[cpu].timer_irqs, __ATOMIC_RELAXED);
}

}  // namespace tine
