// What a context switch changes for user threads: the address space and
// the FPU registers.
#pragma once

#include "core/sched/lwp.h"

namespace tine {

// Interrupts off, on the hart about to switch from prev to next.
void proc_switch(Lwp* prev, Lwp* next);

}  // namespace tine
