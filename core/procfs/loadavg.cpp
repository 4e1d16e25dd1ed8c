#include "core/procfs/loadavg.h"

#include "core/sched/callout.h"
#include "core/sched/cpu.h"
#include "hal/hal.h"

namespace tine {

namespace {

// 2^11 / e^(5s / 1min), / 5min, / 15min: Linux's EXP_1, EXP_5, EXP_15.
constexpr u64 kExp[3] = {1884, 2014, 2037};
constexpr u64 kFixed1 = u64(1) << kFshift;

u64 g_avg[3] = {};  // atomic: the callout writes, readers read
Callout g_sample;
u32 g_started = 0;  // atomic
u64 g_next_ns = 0;  // the callout's alone

// Threads on a hart or queued for one, idle threads not counted: read
// without the run queue locks (a sample, as Linux's per-cpu nr_running).
unsigned runnable_now() {
  unsigned n = 0;
  const unsigned harts = hal::online_cpus();
  for (unsigned i = 0; i < harts; i++) {
    const Cpu& c = g_cpus[i];
    n += c.rq.count();
    if (__atomic_load_n(&c.handoff, __ATOMIC_RELAXED)) n++;  // parked (sched.cpp)
    const Lwp* cur = __atomic_load_n(&c.current, __ATOMIC_RELAXED);
    if (cur && cur != __atomic_load_n(&c.idle, __ATOMIC_RELAXED)) n++;
  }
  return n;
}

void sample(void*) {
  u64 avg[3];
  loadavg_read(avg);
  // The sampling thread itself is the timer interrupt, not a thread.
  loadavg_fold(avg, runnable_now());
  for (int i = 0; i < 3; i++) __atomic_store_n(&g_avg[i], avg[i], __ATOMIC_RELAXED);
  g_next_ns += kLoadFreqNs;
  callout_schedule_at(g_sample, g_next_ns, sample, nullptr);
}

}  // namespace

void loadavg_fold(u64 avg[3], unsigned n) {
  const u64 active = u64(n) * kFixed1;
  for (int i = 0; i < 3; i++) {
    // Linux's calc_load: rounded up while the load grows.
    u64 next = avg[i] * kExp[i] + active * (kFixed1 - kExp[i]);
    if (active >= avg[i]) next += kFixed1 - 1;
    avg[i] = next / kFixed1;
  }
}

void loadavg_start() {
  if (__atomic_exchange_n(&g_started, 1u, __ATOMIC_ACQ_REL)) return;
  g_next_ns = hal::time_ns() + kLoadFreqNs;
  callout_schedule_at(g_sample, g_next_ns, sample, nullptr);
}

void loadavg_read(u64 avg[3]) {
  for (int i = 0; i < 3; i++) avg[i] = __atomic_load_n(&g_avg[i], __ATOMIC_RELAXED);
}

}  // namespace tine
