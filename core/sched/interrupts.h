// What the HAL's trap path calls in generic code.
#pragma once

namespace tine {

void clock_interrupt();  // this hart's timer fired (core/sched/clock.cpp)
void ipi_interrupt();    // another hart poked this one (core/sched/smp_call.cpp)
// Console input waits (hal::console_input_interrupts()): drains
// hal::console_getc() until -1, interrupts off (core/tty/tty_input.cpp).
void console_input_interrupt();

// Bracket an interrupt handler: locks taken inside are tracked apart from
// the interrupted thread's (they nest under whatever it holds).
void interrupt_enter();
void interrupt_exit();

}  // namespace tine
