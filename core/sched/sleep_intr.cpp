#include "core/sched/sleep_intr.h"

#include "core/lib/assert.h"
#include "core/sync/sleepq.h"
#include "hal/hal.h"

namespace tine {

namespace {
SleepIntrCheck g_check = nullptr;  // atomic; set once at boot (and by tests)

// The shorter of two nap bounds, 0 meaning "none".
u64 shorter(u64 a, u64 b) { return a == 0 ? b : (b == 0 ? a : min(a, b)); }

// Registered as sleeping interruptibly on q from here to the end of the
// scope (sleepq.h, steps 1 and 4).
struct IntrRegistration {
  explicit IntrRegistration(SleepQueue& q) { sleepq_intr_begin(q); }
  ~IntrRegistration() { sleepq_intr_end(); }
  IntrRegistration(const IntrRegistration&) = delete;
  IntrRegistration& operator=(const IntrRegistration&) = delete;
};

bool check_says_stop(SleepIntrCheck check) { return check && check(); }
}  // namespace

void sleep_intr_set_check(SleepIntrCheck fn) { __atomic_store_n(&g_check, fn, __ATOMIC_RELEASE); }

bool sleep_intr_pending() {
  return check_says_stop(__atomic_load_n(&g_check, __ATOMIC_ACQUIRE));
}

void sleep_intr_wake(Lwp* l) {
  if (l) (void)sleepq_interrupt(l);
}

Result<void> sleep_intr_nap(const SleepOn& on) {
  KASSERT(!on.cv == !on.m);
  SleepIntrCheck check = __atomic_load_n(&g_check, __ATOMIC_ACQUIRE);
  u64 ns = on.poll_ns;
  if (on.until_ns) {
    const u64 now = hal::time_ns();
    if (now >= on.until_ns) return ok();  // the caller's done() sees it
    ns = shorter(ns, on.until_ns - now);
  }
  if (on.cv) {
    on.m->assert_held();
    IntrRegistration reg(on.cv->queue());
    // Asked after registering: a signal posted before this is seen here,
    // one posted after it flags or wakes us.
    if (check_says_stop(check)) return Error::Intr;
    (void)on.cv->wait_intr(*on.m, ns);
  } else {
    // ns 0: no bound, only a signal's wakeup ends it (sigsuspend).
    SleepQueue q("sleep intr");
    IntrRegistration reg(q);
    if (check_says_stop(check)) return Error::Intr;
    hal::IrqState s = hal::irq_save();
    q.lock().lock(__FILE__, __LINE__);
    (void)q.block_intr_locked(ns, {__FILE__, __LINE__});
    hal::irq_restore(s);
  }
  // Woken, timed out or flagged: the caller asks done() and we the check
  // again (a flag for a blocked signal only costs that look).
  return ok();
}

}  // namespace tine
