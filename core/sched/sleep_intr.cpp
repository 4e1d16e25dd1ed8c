#include "core/sched/sleep_intr.h"

#include "core/lib/assert.h"
#include "core/sync/sleepq.h"
#include "hal/hal.h"

namespace tine {

namespace {
SleepIntrCheck g_check = nullptr;  // atomic; set once at boot (and by tests)

// The shorter of two nap bounds, 0 meaning "none".
u64 shorter(u64 a, u64 b) { return a == 0 ? b : (b == 0 ? a : min(a, b)); }
}  // namespace

void sleep_intr_set_check(SleepIntrCheck fn) { __atomic_store_n(&g_check, fn, __ATOMIC_RELEASE); }

bool sleep_intr_pending() {
  SleepIntrCheck fn = __atomic_load_n(&g_check, __ATOMIC_ACQUIRE);
  return fn && fn();
}

Result<void> sleep_intr_nap(const SleepOn& on) {
  KASSERT(!on.cv == !on.m);
  SleepIntrCheck check = __atomic_load_n(&g_check, __ATOMIC_ACQUIRE);
  if (check && check()) return Error::Intr;
  u64 ns = on.poll_ns;
  if (on.until_ns) {
    const u64 now = hal::time_ns();
    if (now >= on.until_ns) return ok();  // the caller's done() sees it
    ns = shorter(ns, on.until_ns - now);
  }
  // Issue 8 ("signals"): psignal wakes the sleeper instead, and this bound
  // goes.
  if (check) ns = shorter(ns, kSleepIntrPollNs);
  if (on.cv) {
    on.m->assert_held();
    if (ns)
      (void)on.cv->timed_wait(*on.m, ns);
    else
      on.cv->wait(*on.m);
  } else {
    KASSERT(ns > 0);  // nothing would wake it
    sleep_ns(ns);
  }
  return ok();
}

}  // namespace tine
