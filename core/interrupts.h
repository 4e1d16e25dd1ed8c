// What the HAL's trap path calls in generic code.
#pragma once

namespace tine {

void clock_interrupt();  // this hart's periodic timer fired (core/clock.cpp)
void ipi_interrupt();    // another hart poked this one (core/smp_call.cpp)

}  // namespace tine
