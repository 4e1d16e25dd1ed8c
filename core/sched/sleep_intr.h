// Interruptible sleeps: the one place where a sleeping thread notices that a
// signal should end its sleep (NetBSD: sleepq_block with PCATCH, in
// kern_sleepq.c). nanosleep, wait4 and the pipe and console reads and
// writes all sleep through sleep_until().
//
// Nothing polls: psignal posts the signal, then calls sleep_intr_wake on
// the target's LWP, which wakes it on the queue of its sleep at once
// (core/sync/sleepq.h says why no wakeup is lost on any number of harts).
// The woken sleeper asks the installed check whether the signal is one it
// must act on; if not (a blocked signal), it sleeps on.
#pragma once

#include "core/lib/result.h"
#include "core/sync/condvar.h"
#include "core/sync/mutex.h"

namespace tine {

// Whether the calling thread must abandon an interruptible sleep: a signal
// its process must act on. The signal layer installs sigpending_fatal once
// at boot. Without a check (host tests of the layers below core/proc)
// sleeps are never interrupted. The check runs with the sleeper's mutex (if
// any) held and no spin lock; it must not sleep.
using SleepIntrCheck = bool (*)();
void sleep_intr_set_check(SleepIntrCheck fn);
bool sleep_intr_pending();  // asks the check; false without one

// Called by whoever posted a signal to l's process (psignal), after posting
// it: ends l's interruptible sleep, if it is in one or entering one, so it
// asks the check again. l may be null (nothing to wake). Not from an
// interrupt handler.
void sleep_intr_wake(Lwp* l);

// What ends one nap of sleep_until besides a signal.
struct SleepOn {
  // Woken here by whoever may have made done() true. The caller holds `m`
  // around sleep_until (done() runs under it); a nap releases it.
  CondVar* cv = nullptr;
  Mutex* m = nullptr;
  // Without a cv only a signal wakes the sleeper early: done() is asked
  // again every poll_ns (polled hardware, never signals), or at until_ns
  // (guest time), whichever comes first; with neither, only a signal ends
  // the sleep. With a cv both are optional upper bounds.
  u64 poll_ns = 0;
  u64 until_ns = 0;
};

// One nap: Error::Intr at once if the check says so; else sleeps until
// woken on on.cv or by sleep_intr_wake, or the first of poll_ns and
// until_ns has passed, and returns ok() for the caller to look again.
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
