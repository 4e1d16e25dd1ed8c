#include "hal/riscv/timer.h"

#include "hal/hal.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/sbi.h"

namespace tine::hal::riscv {

namespace {
u64 g_timebase_hz = 10000000;
u64 g_tick_interval = 10000000 / kTickHz;
bool g_sstc = false;

void arm(u64 when) {
  if (g_sstc)
    write_stimecmp(when);
  else
    (void)sbi::set_timer(when);
}
}  // namespace

void timer_init(u64 timebase, bool use_sstc) {
  g_timebase_hz = timebase;
  g_tick_interval = timebase / kTickHz;
  g_sstc = use_sstc;
}

u64 timebase_hz() { return g_timebase_hz; }

void timer_start_hart() {
  arm(read_time() + g_tick_interval);
  set_sie(kIntTimer);
}

void timer_interrupt() {
  // Rearm relative to now, not to the last deadline: a hart that was stopped
  // in a debugger should not take a storm of late ticks.
  arm(read_time() + g_tick_interval);
}

}  // namespace tine::hal::riscv

namespace tine::hal {

u64 time_ns() {
  // Split into seconds and remainder: time * 1e9 would overflow 64 bits
  // after about 30 minutes at 10 MHz.
  const u64 t = riscv::read_time();
  const u64 hz = riscv::g_timebase_hz;
  return t / hz * 1000000000u + t % hz * 1000000000u / hz;
}

}  // namespace tine::hal
