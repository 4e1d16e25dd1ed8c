#include "core/sched/clock.h"

#include "core/sched/cpu.h"
#include "core/sched/interrupts.h"
#include "core/sched/sched.h"

namespace tine {

void clock_interrupt() {
  Cpu& c = this_cpu();
  __atomic_store_n(&c.ticks, c.ticks + 1, __ATOMIC_RELAXED);
  sched_tick();
}

u64 cpu_ticks(unsigned cpu) {
  return __atomic_load_n(&g_cpus[cpu].ticks, __ATOMIC_RELAXED);
}

}  // namespace tine
