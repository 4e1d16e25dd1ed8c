// A sleep queue: threads waiting for an event, under one spin lock. The
// primitive under condition variables, mutexes, join and sleep(). A waiter
// enqueues itself under the lock before it drops its interlock, and a waker
// takes the same lock, so no wakeup is lost, whichever hart either runs on.
#pragma once

#include "core/lib/list.h"
#include "core/sched/lwp.h"
#include "core/sync/spinlock.h"

namespace tine {

class SleepQueue {
 public:
  constexpr explicit SleepQueue(const char* name,
                                LockRank rank = LockRank::SleepQueue)
      : lock_(name, rank) {}

  SpinLock& lock() RETURN_CAPABILITY(lock_) { return lock_; }

  // The calling thread sleeps here. Caller holds lock() with interrupts off
  // and no other spin lock; lock() is released before switching away and is
  // not held on return; interrupts stay off. timeout_ns 0 = no timeout.
  // Returns true if the timeout ended the sleep.
  bool block_locked(u64 timeout_ns, SrcLoc where) RELEASE(lock_);
  // Wakes the longest waiter; returns it, or nullptr if none.
  Lwp* wake_one_locked() REQUIRES(lock_);
  // Wakes every waiter; returns how many.
  unsigned wake_all_locked() REQUIRES(lock_);
  bool empty_locked() const REQUIRES(lock_) { return waiters_.empty(); }
  Lwp* first_locked() const REQUIRES(lock_) { return waiters_.front(); }

 private:
  static void on_timeout(void* lwp);
  void wake_locked(Lwp* l) REQUIRES(lock_);

  SpinLock lock_;
  List<Lwp, SleepQueueTag> waiters_ GUARDED_BY(lock_);
};

// Sleeps the calling thread for at least `ns` of guest time.
void sleep_ns(u64 ns);

}  // namespace tine
