// Condition variables with Mesa semantics: a woken waiter re-checks its
// condition. wait() atomically releases the interlock (a mutex or a spin
// lock) and sleeps; the waiter is on the queue before the interlock drops, so
// a signal from any hart at any instant is never lost.
#pragma once

#include "core/sync/mutex.h"
#include "core/sync/sleepq.h"
#include "core/sync/spinlock.h"

namespace tine {

class CondVar {
 public:
  explicit constexpr CondVar(const char* name) : q_(name) {}
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  void wait(Mutex& m, TINE_HERE_PARAMS) REQUIRES(m);
  // Returns true if it timed out (ns of guest time), false if woken.
  bool timed_wait(Mutex& m, u64 ns, TINE_HERE_PARAMS) REQUIRES(m);
  // An interruptible wait (sleepq.h, step 3): the caller has registered
  // queue() with sleepq_intr_begin. ns 0 = no timeout.
  SleepEnd wait_intr(Mutex& m, u64 ns, TINE_HERE_PARAMS) REQUIRES(m);
  SleepQueue& queue() { return q_; }
  // With a spin-lock interlock: the caller holds it with interrupts off
  // (IrqSpinGuard) and holds no other spin lock.
  void wait(SpinLock& s, TINE_HERE_PARAMS) REQUIRES(s);
  void signal();
  void broadcast();

 private:
  bool wait_mutex(Mutex& m, u64 ns, SrcLoc where) REQUIRES(m);
  SleepQueue q_;
};

}  // namespace tine
