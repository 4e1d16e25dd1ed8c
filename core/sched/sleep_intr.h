// Interruptible sleeps: the one place where a sleeping thread notices that a
// signal should end its sleep (NetBSD: sleepq_block with PCATCH, in
// kern_sleepq.c). nanosleep, wait4 and the pipe and console reads and
// writes all sleep through sleep_until().
//
// Today the sleeper polls: while a check is installed, no nap lasts longer
// than kSleepIntrPollNs, and the check is asked before each. Issue 8
// ("signals") replaces the polling with a wakeup from psignal, here and
// nowhere else.
#pragma once

#include "core/lib/result.h"
#include "core/sync/condvar.h"
#include "core/sync/mutex.h"

namespace tine {

// Whether the calling thread must abandon an interruptible sleep: a signal
// its process must act on. The signal layer installs sigpending_fatal once
// at boot. Without a check (host tests of the layers below core/proc)
// sleeps are never interrupted and waits on a CondVar do not poll, so a
// missing wakeup hangs a test instead of hiding behind a poll.
using SleepIntrCheck = bool (*)();
void sleep_intr_set_check(SleepIntrCheck fn);
bool sleep_intr_pending();  // asks the check; false without one

// The longest nap between two looks at the check: the latency of kill on a
// sleeper.
inline constexpr u64 kSleepIntrPollNs = 10'000'000;

// What ends one nap of sleep_until besides a signal.
struct SleepOn {
  // Woken here by whoever may have made done() true. The caller holds `m`
  // around sleep_until (done() runs under it); a nap releases it.
  CondVar* cv = nullptr;
  Mutex* m = nullptr;
  // Without a cv nothing wakes the sleeper: done() is asked again every
  // poll_ns (polled hardware), or at until_ns (guest time), whichever
  // comes first. With a cv both are optional upper bounds.
  u64 poll_ns = 0;
  u64 until_ns = 0;
};

// One nap: Error::Intr at once if the check says so; else sleeps until
// woken on on.cv, or the first of poll_ns, until_ns and (with a check)
// kSleepIntrPollNs has passed, and returns ok() for the caller to look
// again.
Result<void> sleep_intr_nap(const SleepOn& on);

// Sleeps until done() is true (ok()) or a signal ends the sleep
// (Error::Intr). done() is asked first, and again after every nap: a true
// condition wins over a pending signal, as Linux's
// wait_event_interruptible. With a cv, done() runs with on.m held.
// For done(): tells the thread-safety analysis that on.m is held, which
// sleep_until guarantees (the nap checks it at run time). Free, unlike
// Mutex::assert_held, whose curlwp() lookup on every done() was most of
// what the pipe ping-pong and wait4 gained from sleep_until (issue 7).
inline void sleep_until_holds(const Mutex& m) ASSERT_CAPABILITY(m) NO_THREAD_SAFETY_ANALYSIS {
  (void)m;
}

template <class Done>
Result<void> sleep_until(const SleepOn& on, Done done) {
  while (!done()) TRY(sleep_intr_nap(on));
  return ok();
}

}  // namespace tine
