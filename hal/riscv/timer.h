// Per-hart one-shot timer (hal::timer_program): Sstc's stimecmp where the
// ISA string has it, else the SBI TIME extension.
#pragma once

#include "core/lib/types.h"
#include "hal/riscv/csr.h"

namespace tine::hal::riscv {

inline constexpr unsigned kTickHz = 100;  // 10 ms; see core/sched/clock.h

void timer_init(u64 timebase_hz, bool use_sstc);  // once, on the boot hart
void timer_start_hart();     // arm this hart's first tick and enable STIE
// Arms the timer one tick from now. For a hart that waits with interrupts
// off (smp_start_harts); the trap path leaves programming to clock.cpp.
void timer_rearm_tick();
u64 timebase_hz();

// hal::time_ns, inline for the syscall path (timer.cpp says why so).
extern u64 g_ns_per_count;
u64 time_ns_slow(u64 count);
inline u64 time_ns_inline() {
  const u64 t = read_time();
  return g_ns_per_count ? t * g_ns_per_count : time_ns_slow(t);
}

// Whether every hart started so far lets user mode read the time CSR
// (scounteren.TM, which timer_start_hart sets; it is WARL and may not
// stick). The vDSO reads the clock in user mode only then.
bool user_time_ok();
// The vDSO data page's flag for that (hal/riscv/vdso.cpp): a hart that
// starts later without user time clears it.
void timer_set_vdso_data(u32* rdtime_ok);

}  // namespace tine::hal::riscv
