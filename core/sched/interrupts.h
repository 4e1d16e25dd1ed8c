// What the HAL's trap path calls in generic code.
#pragma once

namespace tine {

void clock_interrupt();  // this hart's periodic timer fired (core/sched/clock.cpp)
void ipi_interrupt();    // another hart poked this one (core/sched/smp_call.cpp)

// Bracket an interrupt handler: locks taken inside are tracked apart from
// the interrupted thread's (they nest under whatever it holds).
void interrupt_enter();
void interrupt_exit();

}  // namespace tine
