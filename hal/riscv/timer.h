// Per-hart periodic timer: Sstc's stimecmp where the ISA string has it,
// else the SBI TIME extension.
#pragma once

#include "core/lib/types.h"

namespace tine::hal::riscv {

inline constexpr unsigned kTickHz = 100;  // 10 ms slices; see core/sched/clock.h

void timer_init(u64 timebase_hz, bool use_sstc);  // once, on the boot hart
void timer_start_hart();     // arm this hart's first tick and enable STIE
void timer_interrupt();      // re-arm the next tick
u64 timebase_hz();

}  // namespace tine::hal::riscv
