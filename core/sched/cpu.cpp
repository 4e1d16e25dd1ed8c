#include "core/sched/cpu.h"
#include "core/sched/interrupts.h"
#include "core/sched/lwp.h"

namespace tine {

Cpu g_cpus[hal::kMaxCpus];

void cpu_need_resched(Cpu& c) {
  c.need_resched = true;
  if (c.current) lwp_work_post(c.current, kWorkResched);
}

void interrupt_enter() { this_cpu().intr_depth++; }
void interrupt_exit() { this_cpu().intr_depth--; }

}  // namespace tine
