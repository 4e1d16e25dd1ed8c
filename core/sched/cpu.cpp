#include "core/sched/cpu.h"
#include "core/sched/interrupts.h"

namespace tine {

Cpu g_cpus[hal::kMaxCpus];

void interrupt_enter() { this_cpu().intr_depth++; }
void interrupt_exit() { this_cpu().intr_depth--; }

}  // namespace tine
