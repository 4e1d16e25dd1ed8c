#include "hal/riscv/timer.h"

#include "hal/hal.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/hart.h"
#include "hal/riscv/sbi.h"

namespace tine::hal::riscv {

u64 g_ns_per_count = 100;  // 1e9 / g_timebase_hz where that divides; else 0

namespace {
u64 g_timebase_hz = 10000000;
u64 g_tick_interval = 10000000 / kTickHz;
bool g_sstc = false;
bool g_user_time_bad = false;  // some hart refused scounteren.TM
u32* g_vdso_rdtime_ok = nullptr;

// How long cpu_nap sleeps: long enough for another hart to finish a
// critical section, short enough not to matter on hardware, where a spin
// seldom lasts long enough to nap at all.
constexpr u64 kNapNs = 20'000;

void arm(u64 when) {
  this_hart().timer_armed = when;
  if (g_sstc)
    write_stimecmp(when);
  else
    (void)sbi::set_timer(when);
}
}  // namespace

void timer_init(u64 timebase, bool use_sstc) {
  g_timebase_hz = timebase;
  g_ns_per_count = 1000000000u % timebase == 0 ? 1000000000u / timebase : 0;
  g_tick_interval = timebase / kTickHz;
  g_sstc = use_sstc;
}

u64 timebase_hz() { return g_timebase_hz; }

bool user_time_ok() { return !__atomic_load_n(&g_user_time_bad, __ATOMIC_ACQUIRE); }

void timer_set_vdso_data(u32* rdtime_ok) {
  __atomic_store_n(&g_vdso_rdtime_ok, rdtime_ok, __ATOMIC_RELEASE);
  if (!user_time_ok()) __atomic_store_n(rdtime_ok, 0u, __ATOMIC_RELEASE);
}

void timer_start_hart() {
  // User mode may read the time CSR (rdtime), so that the vDSO's clocks
  // need no trap; the cycle and instret counters stay hidden, as Linux
  // hides them by default. The machine level must allow it too
  // (mcounteren.TM, which OpenSBI sets); a bit that does not stick here
  // sends the vDSO to the syscall on every hart.
  set_scounteren(kCounterenTM);
  if (!(read_scounteren() & kCounterenTM)) {
    __atomic_store_n(&g_user_time_bad, true, __ATOMIC_RELEASE);
    if (u32* f = __atomic_load_n(&g_vdso_rdtime_ok, __ATOMIC_ACQUIRE))
      __atomic_store_n(f, 0u, __ATOMIC_RELEASE);
  }
  arm(read_time() + g_tick_interval);
  set_sie(kIntTimer);
}

void timer_rearm_tick() {
  // Relative to now, not to the last deadline: a hart that was stopped in
  // a debugger should not take a storm of late ticks.
  arm(read_time() + g_tick_interval);
}

}  // namespace tine::hal::riscv

namespace tine::hal {

u64 time_ns() {
  // Split into seconds and remainder: time * 1e9 would overflow 64 bits
  // after about 30 minutes at 10 MHz.
  const u64 t = riscv::read_time();
  // virt (10 MHz), sifive_u (1 MHz) and the VisionFive 2 (4 MHz): one
  // multiply, the same value as the division below; every syscall asks twice.
  if (riscv::g_ns_per_count) return t * riscv::g_ns_per_count;
  return riscv::time_ns_slow(t);
}

u64 riscv::time_ns_slow(u64 t) {
  const u64 hz = riscv::timebase_hz();
  return t / hz * 1000000000u + t % hz * 1000000000u / hz;
}

u64 time_counter_hz() { return riscv::g_timebase_hz; }

void timer_program(u64 deadline_ns) {
  if (deadline_ns == kTimerNever) {
    // All ones never comes (the counter would take 58,000 years at 10 MHz);
    // writing it also takes back a raised interrupt, as the SBI spec says.
    riscv::arm(~u64(0));
    return;
  }
  // To counter units, rounding up: the interrupt must not come before the
  // deadline, or the callout it was for would wait for the next one.
  const u64 hz = riscv::g_timebase_hz;
  const u64 sec = deadline_ns / 1000000000u;
  const u64 rem = deadline_ns % 1000000000u;
  riscv::arm(sec * hz + (rem * hz + 999999999u) / 1000000000u);
}

u64 tick_period_ns() { return 1000000000u / riscv::kTickHz; }

void cpu_nap() {
  const IrqState s = irq_save();
  const u64 armed = riscv::this_hart().timer_armed;
  const u64 enabled = riscv::read_sie();
  // Only the timer may end the nap, and it must not be raised already (an
  // interrupt pending with interrupts off makes wfi return at once, and the
  // hart would never sleep): arming a future deadline takes it back.
  riscv::write_sie(riscv::kIntTimer);
  riscv::arm(riscv::read_time() + riscv::kNapNs * riscv::g_timebase_hz / 1'000'000'000u + 1);
  riscv::wfi();
  // The deadline the hart had, raised again at once if it has passed.
  riscv::arm(armed);
  riscv::write_sie(enabled);
  irq_restore(s);
}

}  // namespace tine::hal
